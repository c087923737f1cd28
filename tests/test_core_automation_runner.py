"""Automations in core, the runners: reply (and the envelope it keeps), scripted send, forward
and REQ lazy pirate, on in-process sockets of the ``session`` + ``aloop`` fixtures."""

from __future__ import annotations

import asyncio
import time

import zmq
from session_helpers import ANY_PORT, WAIT_MS, linked, run, send, traffic

from zinspect.core.automation.automation import (
    AutomationSpec,
    ForwardSpec,
    ReplySpec,
    SendSpec,
)
from zinspect.core.automation.automation_runner import attach_automation, reply_envelope
from zinspect.core.store import OUT

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
    router.set_option("ROUTER_MANDATORY", 1)  # set by the user: an unknown peer is an error
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
