"""Automations in core: the JSON spec (parse, errors with their exact place, round trip),
placeholder templates, and the runners (reply, scripted send, forward, REQ lazy pirate) on
in-process sockets of the ``session`` + ``aloop`` fixtures."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
import zmq
from hypothesis import given
from hypothesis import strategies as st
from session_helpers import ANY_PORT, WAIT_MS, linked, run, send, traffic

from zinspect.core.automation.automation import (
    DEFAULT_TIMEOUT_MS,
    AutomationSpec,
    ForwardSpec,
    ReplySpec,
    SendSpec,
    automation_to_json,
    check_template,
    compile_template,
    parse_automation,
    render_frames,
)
from zinspect.core.automation.automation_runner import attach_automation, reply_envelope
from zinspect.core.frames_json import SpecError
from zinspect.core.store import OUT

PATH = "sockets[1].automation"


def error_of(obj, **kwargs) -> str:
    with pytest.raises(SpecError) as info:
        parse_automation(obj, PATH, **kwargs)
    return str(info.value)


# -- parsing --------------------------------------------------------------------------------


def test_the_issue_examples_parse():
    hello = parse_automation({"reply": {"frames": ["World"]}}, PATH, type_name="REP")
    assert hello.reply == ReplySpec(echo=False, frames=[b"World"], delay_ms=0)
    assert hello.send is None and hello.forward is None
    client = parse_automation(
        {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}}, PATH, type_name="REQ"
    )
    assert client.send == SendSpec(
        frames=["Hello {seq}"], count=10, interval_ms=0, timeout_ms=DEFAULT_TIMEOUT_MS
    )
    echo = parse_automation({"reply": {"echo": True, "delay_ms": 250}}, PATH, type_name="ROUTER")
    assert echo.reply == ReplySpec(echo=True, frames=None, delay_ms=250)
    worker = parse_automation(
        {"forward": {"to": "sink"}},
        PATH,
        type_name="PULL",
        name="work",
        sockets={"work": "PULL", "sink": "PUSH"},
    )
    assert worker.forward == ForwardSpec(to="sink")


def test_send_without_count_runs_until_stopped_and_binary_frames_stay_bytes():
    spec = parse_automation(
        {
            "send": {
                "frames": [{"hex": "00 ff"}, {"json": {"a": [1, 2]}}, {"base64": "AAE="}, "t {{x}}"]
            }
        },
        PATH,
    )
    assert spec.send.count is None and spec.send.interval_ms == 0
    assert spec.send.frames == [b"\x00\xff", b'{"a":[1,2]}', b"\x00\x01", "t {{x}}"]


@pytest.mark.parametrize(
    "obj, kwargs, message",
    [
        (
            {"send": {"frames": ["a"], "count": -3}},
            {},
            f"{PATH}.send.count: expected a positive integer, got -3",
        ),
        (
            {"send": {"frames": ["a"], "count": 0}},
            {},
            f"{PATH}.send.count: expected a positive integer, got 0",
        ),
        (
            {"send": {"frames": ["a"], "count": "lots"}},
            {},
            f'{PATH}.send.count: expected a positive integer, got "lots"',
        ),
        (
            {"send": {"frames": ["a"], "interval_ms": -1}},
            {},
            f"{PATH}.send.interval_ms: expected a whole number of 0 or more, got -1",
        ),
        (
            {"send": {"frames": ["a"], "timeout_ms": 0}},
            {},
            f"{PATH}.send.timeout_ms: expected a positive integer, got 0",
        ),
        (
            {"send": {"frames": ["ok", "Hello {foo}"]}},
            {},
            f"{PATH}.send.frames[1]: unknown placeholder {{foo}}; use {{seq}}, {{time}}, "
            "{rand:A:B}, {uuid}, or {{ and }} for a brace",
        ),
        (
            {"send": {"frames": ["{rand:9:1}"]}},
            {},
            f"{PATH}.send.frames[0]: {{rand:9:1}}: the lower bound 9 is above the upper bound 1",
        ),
        (
            {"send": {"frames": ["{rand:a:b}"]}},
            {},
            f"{PATH}.send.frames[0]: {{rand:a:b}}: write {{rand:A:B}} with whole numbers A <= B, "
            "e.g. {rand:1:6}",
        ),
        (
            {"send": {"frames": ["oops {seq"]}},
            {},
            f"{PATH}.send.frames[0]: a '{{' at character 6 is not closed; use {{seq}}, {{time}}, "
            "{rand:A:B}, {uuid}, or {{ and }} for a brace",
        ),
        ({"send": {"frames": []}}, {}, f"{PATH}.send.frames: a message needs at least one frame"),
        ({"send": {"count": 3}}, {}, f"{PATH}.send.frames: missing: a list of the frames to send"),
        ({"send": {"frames": [{"hex": "zz"}]}}, {}, f'{PATH}.send.frames[0].hex: not hex: "zz"'),
        (
            {"send": {"frames": ["a"]}},
            {"type_name": "REP"},
            f'{PATH}.send: a REP socket only answers requests: use "reply" instead',
        ),
        (
            {"send": {"frames": ["a"]}},
            {"type_name": "SUB"},
            f"{PATH}.send: a SUB socket cannot send",
        ),
        (
            {"send": {"frames": ["a"]}},
            {"type_name": "ROUTER"},
            f"{PATH}.send.frames: a ROUTER sends the peer's routing id first, then the data: at "
            "least two frames",
        ),
        (
            {"reply": {"echo": True}},
            {"type_name": "REQ"},
            f"{PATH}.reply: a REQ socket cannot reply; only REP, ROUTER, DEALER, PAIR sockets can",
        ),
        (
            {"reply": {"echo": True}},
            {"type_name": "PUB"},
            f"{PATH}.reply: a PUB socket cannot reply; only REP, ROUTER, DEALER, PAIR sockets can",
        ),
        ({"reply": {}}, {}, f'{PATH}.reply: say how to reply: "echo": true or "frames": [...]'),
        (
            {"reply": {"echo": True, "frames": ["x"]}},
            {},
            f'{PATH}.reply: choose "echo": true or "frames", not both',
        ),
        ({"reply": {"frames": []}}, {}, f"{PATH}.reply.frames: a reply needs at least one frame"),
        (
            {"reply": {"frames": ["x"], "delay_ms": 1.5}},
            {},
            f"{PATH}.reply.delay_ms: expected a whole number of 0 or more, got 1.5",
        ),
        ({"reply": {"echo": "yes"}}, {}, f'{PATH}.reply.echo: expected true or false, got "yes"'),
        (
            {"forward": {"to": ""}},
            {},
            f"{PATH}.forward.to: expected a socket name, got an empty string",
        ),
        ({"forward": {"to": 3}}, {}, f"{PATH}.forward.to: expected a socket name, got 3"),
        (
            {"forward": {"to": "x"}},
            {"name": "x"},
            f"{PATH}.forward.to: a socket cannot forward to itself",
        ),
        (
            {"forward": {"to": "nobody"}},
            {"sockets": {"me": "PULL"}},
            f'{PATH}.forward.to: no socket named "nobody"',
        ),
        (
            {"forward": {"to": "s"}},
            {"sockets": {"s": "SUB"}},
            f'{PATH}.forward.to: "s" is a SUB socket, which cannot send',
        ),
        (
            {"forward": {"to": "s"}},
            {"type_name": "PUSH"},
            f"{PATH}.forward: a PUSH socket receives nothing to forward",
        ),
        (
            {"forward": {"to": "s"}},
            {"type_name": "REP"},
            f'{PATH}.forward: a REP socket must answer each request before the next: use "reply", '
            "or a ROUTER to forward",
        ),
        (
            {"reply": {"echo": True}, "forward": {"to": "s"}},
            {},
            f'{PATH}: choose "reply" or "forward": a received message cannot be both answered and '
            "forwarded",
        ),
        ({"replay": {}}, {}, f"{PATH}.replay: unknown key; expected reply, send or forward"),
        (
            {"send": {"frames": ["a"], "every": 3}},
            {},
            f"{PATH}.send.every: unknown key; expected frames, count, interval_ms or timeout_ms",
        ),
        ([], {}, f'{PATH}: expected an object with "reply", "send" and/or "forward", got a list'),
    ],
)
def test_bad_values_name_their_place_and_value(obj, kwargs, message):
    assert error_of(obj, **kwargs) == message


def test_round_trip_keeps_every_field_and_leaves_defaults_out():
    spec = AutomationSpec(
        reply=ReplySpec(frames=[b"World", b"\x00\x01", b""], delay_ms=5),
        send=SendSpec(
            frames=["Hello {seq} {{x}}", b"plain bytes", b'{"k":1}', b"\xff"],
            count=3,
            interval_ms=20,
            timeout_ms=500,
        ),
        forward=None,
    )
    data = automation_to_json(spec)
    assert data["send"]["frames"] == [
        "Hello {seq} {{x}}",
        {"hex": b"plain bytes".hex()},
        {"json": {"k": 1}},
        {"hex": "ff"},
    ]
    assert data["reply"] == {"frames": ["World", {"hex": "0001"}, ""], "delay_ms": 5}
    assert parse_automation(data, PATH) == spec
    simple = AutomationSpec(send=SendSpec(frames=["x"]), forward=ForwardSpec(to="out"))
    assert automation_to_json(simple) == {
        "send": {"frames": ["x"], "interval_ms": 0},
        "forward": {"to": "out"},
    }
    assert parse_automation(automation_to_json(simple), PATH) == simple
    assert automation_to_json(AutomationSpec(reply=ReplySpec(echo=True))) == {
        "reply": {"echo": True}
    }


@given(
    st.lists(st.one_of(st.text(max_size=20), st.binary(max_size=20)), min_size=1, max_size=4),
    st.one_of(st.none(), st.integers(1, 10**6)),
    st.integers(0, 10**5),
    st.integers(1, 10**6),
)
def test_any_send_spec_round_trips(frames, count, interval, timeout):
    frames = [
        f if isinstance(f, bytes) else f.replace("{", "{{").replace("}", "}}") for f in frames
    ]
    spec = AutomationSpec(
        send=SendSpec(frames=frames, count=count, interval_ms=interval, timeout_ms=timeout)
    )
    assert parse_automation(automation_to_json(spec), PATH) == spec


# -- templates ------------------------------------------------------------------------------


def render(text: str, seq: int = 0) -> bytes:
    return render_frames([compile_template(text)], seq)[0]


def test_placeholders_render():
    assert render("Hello {seq}", 7) == b"Hello 7"
    assert render("{{seq}} is {seq}}}", 2) == b"{seq} is 2}"
    assert render("") == b""
    assert render("no braces at all") == b"no braces at all"
    assert render("a } b") == b"a } b"
    stamp = float(render("{time}"))
    assert abs(stamp - time.time()) < 5
    assert uuid.UUID(render("{uuid}").decode()).version == 4
    assert render("{uuid}") != render("{uuid}")
    values = {int(render("{rand:-3:-1}")) for _ in range(300)}
    assert values == {-3, -2, -1}
    assert render("{rand:5:5}") == b"5"
    assert render("é {seq}", 1) == "é 1".encode()


def test_check_template_says_what_is_wrong_in_words():
    assert check_template("Hello {seq}") == ""
    assert check_template("{nope}").startswith("unknown placeholder {nope}")


# -- envelopes ------------------------------------------------------------------------------


def test_reply_envelope_keeps_the_route_back():
    assert reply_envelope((b"id", b"", b"Hello"), "ROUTER") == [b"id", b""]
    assert reply_envelope((b"id", b"Hello"), "ROUTER") == [b"id"]
    assert reply_envelope((b"c1", b"", b"b1", b"", b"x"), "ROUTER") == [b"c1", b""]
    assert reply_envelope((b"", b"Hello"), "DEALER") == [b""]
    assert reply_envelope((b"Hello",), "DEALER") == []
    assert reply_envelope((b"Hello", b""), "PAIR") == []  # a trailing empty frame is data
    assert reply_envelope((b"Hello",), "REP") == []


# -- runners --------------------------------------------------------------------------------


async def request_replies(req, count: int, text: str = "Hello") -> None:
    """A REQ client that sends ``count`` requests, each after the reply to the one before."""
    for index in range(count):
        start = req.received
        await req.send([f"{text} {index}".encode()])
        while req.received == start:
            await asyncio.sleep(0.001)


def test_rep_auto_reply_answers_every_request_in_lock_step(aloop, session, qtbot):
    rep, req = linked(session, "REP", "REQ")
    runner = attach_automation(rep, AutomationSpec(reply=ReplySpec(frames=[b"World"])))
    assert rep.automation is runner.spec and rep.automation_runner is runner
    assert runner.running and runner.state == "running"
    run(aloop, qtbot, request_replies(req, 20))
    assert traffic(session, req) == [[b"World"]] * 20
    assert traffic(session, rep) == [[f"Hello {i}".encode()] for i in range(20)]
    assert traffic(session, rep, OUT) == [[b"World"]] * 20
    assert runner.sent == 20 and runner.last_error == ""


def test_router_echo_keeps_the_envelope_for_each_peer(aloop, session, qtbot):
    router = session.create_socket("ROUTER")
    address = router.bind(ANY_PORT).address
    clients = [session.create_socket("REQ") for _ in range(3)]
    for client in clients:
        client.connect(address)
    attach_automation(router, AutomationSpec(reply=ReplySpec(echo=True)))

    async def ask_all():
        for index, client in enumerate(clients):
            await client.send([f"from {index}".encode()])
        while any(client.received == 0 for client in clients):
            await asyncio.sleep(0.001)

    run(aloop, qtbot, ask_all())
    for index, client in enumerate(clients):
        assert traffic(session, client) == [[f"from {index}".encode()]]


def test_router_fixed_reply_goes_back_to_the_asking_dealer(aloop, session, qtbot):
    router, dealer = linked(session, "ROUTER", "DEALER")
    other = session.create_socket("DEALER")
    other.connect(router.endpoints[0].address)
    attach_automation(router, AutomationSpec(reply=ReplySpec(frames=[b"ok", b"2"])))
    send(aloop, qtbot, dealer, b"job")  # no delimiter: the routing id alone is the envelope
    qtbot.waitUntil(lambda: dealer.received == 1, timeout=WAIT_MS)
    assert traffic(session, dealer) == [[b"ok", b"2"]]
    assert other.received == 0


def test_reply_delay_waits_before_answering(aloop, session, qtbot):
    rep, req = linked(session, "REP", "REQ")
    attach_automation(rep, AutomationSpec(reply=ReplySpec(frames=[b"late"], delay_ms=150)))
    start = time.monotonic()
    run(aloop, qtbot, request_replies(req, 1))
    assert time.monotonic() - start >= 0.14
    assert traffic(session, req) == [[b"late"]]


def test_starting_a_reply_answers_the_request_already_waiting(aloop, session, qtbot):
    rep, req = linked(session, "REP", "REQ")
    send(aloop, qtbot, req, b"early")
    qtbot.waitUntil(lambda: rep.can_send_now[0], timeout=WAIT_MS)
    attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)))
    qtbot.waitUntil(lambda: req.received == 1, timeout=WAIT_MS)
    assert traffic(session, req) == [[b"early"]]


def test_scripted_send_with_count_then_finishes(aloop, session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    spec = AutomationSpec(send=SendSpec(frames=["n {seq}", b"\x00"], count=500))
    runner = attach_automation(push, spec)
    qtbot.waitUntil(lambda: pull.received == 500 and runner.state == "finished", timeout=WAIT_MS)
    assert not runner.running and runner.sent == 500
    assert traffic(session, pull)[:3] == [[b"n 0", b"\x00"], [b"n 1", b"\x00"], [b"n 2", b"\x00"]]
    assert traffic(session, pull)[-1] == [b"n 499", b"\x00"]
    runner.start()  # a new run counts from 0 again
    qtbot.waitUntil(lambda: pull.received == 1000 and not runner.running, timeout=WAIT_MS)
    assert traffic(session, pull)[500] == [b"n 0", b"\x00"]


def test_scripted_send_until_stopped_keeps_the_loop_live_and_shows_a_rate(aloop, session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    runner = attach_automation(push, AutomationSpec(send=SendSpec(frames=["x"])))
    ticks = []
    aloop.call_later(0.05, ticks.append, 1)  # a timer still fires during the flood
    qtbot.waitUntil(lambda: pull.received > 2000 and bool(ticks), timeout=WAIT_MS)
    qtbot.wait(100)
    assert runner.running and runner.rate > 1000
    runner.stop()
    assert runner.state == "stopped" and runner.rate == 0.0
    sent = runner.sent
    qtbot.wait(50)
    assert runner.sent == sent


def test_scripted_send_interval_paces_messages(aloop, session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    runner = attach_automation(
        push, AutomationSpec(send=SendSpec(frames=["t"], count=5, interval_ms=40))
    )
    start = time.monotonic()
    qtbot.waitUntil(lambda: pull.received == 5, timeout=WAIT_MS)
    assert time.monotonic() - start >= 0.15
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)


def test_attach_without_start_waits_for_start(aloop, session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    runner = attach_automation(
        push, AutomationSpec(send=SendSpec(frames=["t"], count=2)), start=False
    )
    qtbot.wait(50)
    assert not runner.running and pull.received == 0 and runner.state == "stopped"
    runner.start()
    qtbot.waitUntil(lambda: pull.received == 2, timeout=WAIT_MS)


def test_req_script_waits_for_each_reply(aloop, session, qtbot):
    rep, req = linked(session, "REP", "REQ")
    attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)))
    runner = attach_automation(req, AutomationSpec(send=SendSpec(frames=["q {seq}"], count=30)))
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.replies == 30 and runner.sent == 30 and runner.timeouts == 0
    assert traffic(session, req) == [[f"q {i}".encode()] for i in range(30)]


def test_req_timeout_recreates_the_socket_and_goes_on(aloop, session, qtbot):
    rep, req = linked(session, "REP", "REQ")
    address = req.endpoints[0].address
    req.set_option("RCVHWM", 77)
    server = attach_automation(rep, AutomationSpec(reply=ReplySpec(echo=True)), start=False)
    runner = attach_automation(
        req, AutomationSpec(send=SendSpec(frames=["q {seq}"], count=2, timeout_ms=300))
    )
    # the server reads request 0 but does not answer it: after 300 ms the REQ is made anew
    qtbot.waitUntil(lambda: runner.timeouts == 1, timeout=WAIT_MS)
    assert runner.last_error == "no reply to request 0 within 300 ms: re-created the REQ socket"
    assert [(e.kind, e.address) for e in req.endpoints] == [("connect", address)]
    assert req.socket.getsockopt(zmq.RCVHWM) == 77
    assert session.socket_named(req.name) is req  # the same socket for the user, anew inside
    server.start()  # answers request 0 (its REQ is gone: dropped), then request 1 goes through
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.replies == 1 and runner.timeouts == 1
    assert traffic(session, req, OUT) == [[b"q 0"], [b"q 1"]]
    assert traffic(session, req) == [[b"q 1"]]


def test_req_script_with_no_server_times_out_each_request(aloop, session, qtbot):
    req = session.create_socket("REQ")
    req.connect("tcp://127.0.0.1:9")  # nobody there: the request cannot even be queued
    runner = attach_automation(
        req, AutomationSpec(send=SendSpec(frames=["q"], count=2, timeout_ms=50))
    )
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.timeouts == 2 and runner.replies == 0
    assert not req.send_waiting and req.can_send_now[0]


def test_forward_chain_pull_to_push(aloop, session, qtbot):
    source, feeder = linked(session, "PULL", "PUSH")
    sink, relay = linked(session, "PULL", "PUSH")
    runner = attach_automation(source, AutomationSpec(forward=ForwardSpec(to=relay.name)))
    attach_automation(feeder, AutomationSpec(send=SendSpec(frames=["m {seq}", "tail"], count=300)))
    qtbot.waitUntil(lambda: sink.received == 300, timeout=WAIT_MS)
    assert traffic(session, sink) == [[f"m {i}".encode(), b"tail"] for i in range(300)]
    assert runner.sent == 300


def test_forward_to_a_missing_socket_says_so(aloop, session, qtbot, caplog):
    source, feeder = linked(session, "PULL", "PUSH")
    runner = attach_automation(source, AutomationSpec(forward=ForwardSpec(to="gone")))
    send(aloop, qtbot, feeder, b"x")
    qtbot.waitUntil(lambda: runner.last_error != "", timeout=WAIT_MS)
    assert runner.last_error == "cannot forward: no socket named 'gone'"
    assert runner.running and runner.dropped == 1


def test_forward_waits_for_a_peer_and_keeps_order(aloop, session, qtbot):
    source, feeder = linked(session, "PULL", "PUSH")
    relay = session.create_socket("PUSH")
    attach_automation(source, AutomationSpec(forward=ForwardSpec(to=relay.name)))
    for index in range(5):
        send(aloop, qtbot, feeder, str(index).encode())
    qtbot.waitUntil(lambda: source.received == 5, timeout=WAIT_MS)
    sink = session.create_socket("PULL")  # only now can the relay deliver
    sink.connect(relay.bind(ANY_PORT).address)
    qtbot.waitUntil(lambda: sink.received == 5, timeout=WAIT_MS)
    assert traffic(session, sink) == [[str(i).encode()] for i in range(5)]


def test_closing_the_socket_stops_its_automation_and_detach_removes_it(aloop, session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    runner = attach_automation(push, AutomationSpec(send=SendSpec(frames=["x"])))
    other = attach_automation(pull, AutomationSpec(forward=ForwardSpec(to=push.name)))
    assert attach_automation(pull, None) is None
    assert pull.automation is None and pull.automation_runner is None and not other.running
    push.close()
    assert not runner.running
    assert session.on_received.count(session.on_received[-1]) == 1  # one listener for all


def test_send_error_stops_a_send_only_automation(aloop, session, qtbot):
    router = session.create_socket("ROUTER")
    router.bind(ANY_PORT)
    runner = attach_automation(router, AutomationSpec(send=SendSpec(frames=[b"\x00", "x"])))
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)
    assert runner.last_error.startswith("sending stopped: No peer with routing id")


def test_cancelling_a_waiting_scripted_send_stops_the_script(aloop, session, qtbot):
    push = session.create_socket("PUSH")  # no peer: the first message waits
    runner = attach_automation(push, AutomationSpec(send=SendSpec(frames=["x"])))
    qtbot.waitUntil(lambda: push.send_waiting, timeout=WAIT_MS)
    assert push.cancel_send()  # what the composer's Cancel does
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS)
    assert runner.last_error == "sending cancelled" and runner.sent == 0


def test_cancelling_a_waiting_forward_drops_only_that_message(aloop, session, qtbot):
    source, feeder = linked(session, "PULL", "PUSH")
    relay = session.create_socket("PUSH")
    runner = attach_automation(source, AutomationSpec(forward=ForwardSpec(to=relay.name)))
    for index in range(3):
        send(aloop, qtbot, feeder, str(index).encode())
    qtbot.waitUntil(lambda: relay.send_waiting and source.received == 3, timeout=WAIT_MS)
    assert relay.cancel_send()
    qtbot.waitUntil(lambda: runner.dropped == 1, timeout=WAIT_MS)
    assert runner.last_error == "a message waiting to be sent was cancelled"
    assert runner.running
    sink = session.create_socket("PULL")
    sink.connect(relay.bind(ANY_PORT).address)
    qtbot.waitUntil(lambda: sink.received == 2, timeout=WAIT_MS)
    assert traffic(session, sink) == [[b"1"], [b"2"]]
