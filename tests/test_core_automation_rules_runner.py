"""Reply rules, conditions, delays and a ROUTER's waiting send on live sockets of one session."""

from __future__ import annotations

from session_helpers import ANY_PORT, WAIT_MS, linked, send, traffic

from zinspect.core.automation.automation import parse_automation
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.automation.timing import PreciseTimer
from zinspect.core.store import OUT


def automate(session, handle, obj: dict):
    sockets = {s.name: s.type_name for s in session.sockets}
    spec = parse_automation(
        obj, "automation", type_name=handle.type_name, name=handle.name, sockets=sockets
    )
    return attach_automation(handle, spec)


RULES = {
    "rules": [
        {"match": [{"frame": 0, "equals": "PING"}], "reply": ["PONG {frame:1:text}"]},
        {"match": [{"frame": 0, "equals": {"hex": "04"}}], "reply": None},
        {"match": [{"frame": 0, "starts_with": "PI"}], "reply": ["second rule"]},
        {"match": [{"frame": 0, "regex": "^[0-9]+$"}], "reply": ["number {seq:03d}"]},
    ],
    "frames": ["default"],
}


def test_router_rules_answer_by_the_first_match_and_keep_the_envelope(aloop, session, qtbot):
    router = session.create_socket("ROUTER")
    dealer = session.create_socket("DEALER")
    dealer.set_option("ROUTING_ID", b"client-7")
    dealer.connect(router.bind(ANY_PORT).address)
    automate(session, router, {"reply": RULES})
    for frames in ([b"PING", b"x"], [b"\x04"], [b"PIE"], [b"42"], [b"other"]):
        send(aloop, qtbot, dealer, *frames)
    qtbot.waitUntil(lambda: len(traffic(session, dealer)) == 4, timeout=WAIT_MS)
    assert traffic(session, dealer) == [
        [b"PONG x"],  # PING matched the first rule, not the third
        [b"second rule"],
        [b"number 002"],  # {seq} counts replies sent: two before it
        [b"default"],
    ]
    assert all(frames[0] == b"client-7" for frames in traffic(session, router, OUT))


def test_rules_without_a_default_leave_other_messages_unanswered(aloop, session, qtbot):
    router, dealer = linked(session, "ROUTER", "DEALER")
    rule = {"match": [{"frame": 0, "equals": "yes"}], "reply": ["ok"]}
    runner = automate(session, router, {"reply": {"rules": [rule], "delay_ms": [5, 20]}})
    for text in (b"no", b"yes", b"no", b"yes"):
        send(aloop, qtbot, dealer, text)
    qtbot.waitUntil(lambda: len(traffic(session, dealer)) == 2, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: router.received == 4, timeout=WAIT_MS)
    assert traffic(session, dealer) == [[b"ok"], [b"ok"]] and runner.sent == 2


def test_a_router_send_waits_for_its_peer_to_connect(aloop, session, qtbot):
    router = session.create_socket("ROUTER")
    address = router.bind(ANY_PORT).address
    send_spec = {"frames": ["A", "hello {seq}"], "count": 2, "interval_ms": 0}
    runner = automate(session, router, {"send": send_spec})
    qtbot.waitUntil(lambda: runner.waiting_for != "", timeout=WAIT_MS)
    assert runner.waiting_for == "waiting for peer b'A' to connect" and runner.running
    dealer = session.create_socket("DEALER")
    dealer.set_option("ROUTING_ID", b"A")
    dealer.connect(address)
    qtbot.waitUntil(lambda: len(traffic(session, dealer)) == 2, timeout=WAIT_MS)
    assert traffic(session, dealer) == [[b"hello 0"], [b"hello 1"]]
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.last_error == "" and not runner.failed


def test_start_waits_for_another_socket_and_stop_for_a_match(aloop, session, qtbot):
    control, remote = linked(session, "PULL", "PUSH")
    sink, pub = linked(session, "PULL", "PUSH")
    runner = automate(
        session,
        pub,
        {
            "send": {"frames": ["tick {seq}"], "interval_ms": 20},
            "start": {"socket": control.name, "match": [{"frame": 0, "equals": "go"}]},
            "stop": {"socket": control.name, "received": 2},
        },
    )
    assert runner.state == "waiting"
    send(aloop, qtbot, remote, b"not yet")
    send(aloop, qtbot, remote, b"go")
    qtbot.waitUntil(lambda: runner.state == "running", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: sink.received >= 3, timeout=WAIT_MS)
    send(aloop, qtbot, remote, b"x")
    send(aloop, qtbot, remote, b"y")
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.stop_reason == f"'{control.name}' received 2 × messages"
    assert traffic(session, sink)[0] == [b"tick 0"]


def test_a_start_delay_and_a_time_limit(aloop, session, qtbot):
    sink, push = linked(session, "PULL", "PUSH")
    runner = automate(
        session,
        push,
        {
            "send": {"frames": ["x"], "interval_ms": 10},
            "start": {"after_ms": 50},
            "stop": {"after_ms": 200},
        },
    )
    assert runner.state == "waiting" and sink.received == 0
    qtbot.waitUntil(lambda: runner.state == "running", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: runner.state == "finished", timeout=WAIT_MS)
    assert runner.stop_reason == "200 ms passed" and sink.received > 0


def test_a_forward_can_wait_a_random_time_per_message(aloop, session, qtbot):
    source, feeder = linked(session, "PULL", "PUSH")
    sink, relay = linked(session, "PULL", "PUSH")
    automate(session, source, {"forward": {"to": relay.name, "delay_ms": [10, 30]}})
    for index in range(5):
        send(aloop, qtbot, feeder, str(index).encode())
    qtbot.waitUntil(lambda: sink.received == 5, timeout=WAIT_MS)
    assert sorted(f[0] for f in traffic(session, sink)) == [b"0", b"1", b"2", b"3", b"4"]


def test_precise_timers_fire_once_in_order_and_a_cancelled_one_never(aloop, qtbot):
    fired = []
    PreciseTimer(aloop, 0.06, fired.append, "late")
    PreciseTimer(aloop, 0.03, fired.append, "early")
    PreciseTimer(aloop, 0.0, fired.append, "now")  # due at once: called right away
    PreciseTimer(aloop, 0.045, fired.append, "cancelled").cancel()
    assert fired == ["now"]
    qtbot.waitUntil(lambda: len(fired) == 3, timeout=WAIT_MS)
    qtbot.wait(80)  # the cancelled one had its chance
    assert fired == ["now", "early", "late"]
