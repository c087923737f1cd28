"""The bundled pattern demos, run headless on a core Session: each opens, starts, and shows
the behaviour it is there to show, and its actions do what their buttons say."""

from __future__ import annotations

import re

import pytest
from session_helpers import traffic
from ui_actions import WAIT_MS

from zinspect.core.demos.demos import DemoError, DemoRunner, demo_names, load_demo, parse_demo
from zinspect.core.frames_json import SpecError
from zinspect.core.store import IN, OUT


def open_demo(session, name: str) -> DemoRunner:
    runner = DemoRunner(load_demo(name), session)
    assert runner.open() == []
    return runner


def action(runner: DemoRunner, label_start: str):
    return next(a for a in runner.demo.actions if a.label.startswith(label_start))


def figures(runner: DemoRunner) -> dict[str, str]:
    return dict(runner.figures())


def sock(session, name):
    return session.socket_named(name)


BATCH_TASK = re.compile(rb"^task (\d+): \d+ ms \(batch\)$")
BURST_UPDATE = re.compile(rb" burst #(\d+)$")
REGULAR_UPDATE = re.compile(rb"\d #(\d+)$")


def numbers(session, name: str, pattern: re.Pattern, since: int = 0) -> list[int]:
    """The numbers in the messages ``name`` received (from store position ``since`` on)
    that match ``pattern``, in the order they arrived."""
    return [
        int(found.group(1))
        for m in session.store
        if m.seq >= since
        and m.socket == name
        and m.direction == IN
        and (found := pattern.search(m.frames[0]))
    ]


def test_every_demo_loads_with_an_explanation_and_a_summary():
    names = demo_names()
    assert names == ["reqrep", "pubsub", "pipeline", "routerdealer", "broker"]
    for name in names:
        demo = load_demo(name)
        assert demo.title and demo.summary and "What to watch" in demo.explanation
        assert demo.actions and demo.watch
        assert not demo.workspace.invalid


def test_an_unknown_demo_names_the_ones_there_are():
    with pytest.raises(DemoError, match="no demo called 'nope'; the demos are: reqrep, pubsub, "):
        load_demo("nope")
    with pytest.raises(DemoError):
        load_demo("../pyproject")


def test_a_mistake_in_a_demo_file_names_its_place():
    text = (
        '{"zinspect": 1, "sockets": [{"name": "a", "type": "PUSH"}], "demo": {"title": "t", '
        '"summary": "s", "actions": [{"label": "x", "tip": "y", "steps": [{"stop": ["b"]}]}]}}'
    )
    with pytest.raises(
        SpecError,
        match=r"demo.actions\[0\].steps\[0\].stop\[0\]: no socket "
        r'named "b"',
    ):
        parse_demo("bad", text, "")


def test_reqrep_strictly_alternates_and_refuses_a_second_send(session, qtbot):
    runner = open_demo(session, "reqrep")
    client = sock(session, "client")
    refused = runner.run(action(runner, "Send two"))
    assert "client sent 1 of 2; message 2 was refused: REQ is waiting for the reply" in refused
    qtbot.waitUntil(lambda: client.received == 1, timeout=WAIT_MS)
    assert "Started client" in runner.start()
    qtbot.waitUntil(lambda: client.received >= 3, timeout=WAIT_MS)
    runner.stop()
    rows = [m.direction for m in session.store if m.socket == "client"]
    assert rows[:6] == [OUT, IN] * 3
    assert all(a != b for a, b in zip(rows, rows[1:]))  # never two in a row either way
    assert traffic(session, sock(session, "server"), OUT)[0] == [b"World"]
    shown = figures(runner)
    assert int(shown["requests sent by client"]) >= 3


def test_pubsub_subscribers_get_only_their_zip_codes_and_the_late_one_misses_the_start(
    session, qtbot
):
    runner = open_demo(session, "pubsub")
    assert sock(session, "late") is None  # created by its action, not at opening
    runner.start()
    station = sock(session, "station")
    sub1, sub2 = sock(session, "sub-10001"), sock(session, "sub-10002")
    qtbot.waitUntil(lambda: sub1.received >= 1 and sub2.received >= 1, timeout=WAIT_MS)
    published_before = station.sent  # updates #0.. #published_before-1 went before late was
    said = runner.run(action(runner, "Slow joiner"))
    assert "late connected to tcp://127.0.0.1:" in said and "station sent 1,000 messages" in said
    # late connected before the burst went, and nothing else was published in between: the
    # first regular update it receives was sent after the burst, and one TCP connection keeps
    # order, so by then every burst update late will ever get has arrived
    qtbot.waitUntil(lambda: numbers(session, "late", REGULAR_UPDATE) != [], timeout=WAIT_MS)
    runner.stop()
    for handle, zipcode in ((sub1, b"10001 "), (sub2, b"10002 ")):
        got = traffic(session, handle)
        assert got and all(frames[0].startswith(zipcode) for frames in got)
    # The slow joiner misses the start of the burst (how much of it depends on how fast the
    # handshake and the subscription were, and may be all of it); what it does get is the
    # burst's tail, in order, with no gap and no repeat.
    burst = numbers(session, "late", BURST_UPDATE)
    assert burst == list(range(1000 - len(burst), 1000))
    first = figures(runner)["late subscriber's first burst update"]
    assert first.endswith(f" burst #{burst[0]}") if burst else first == "nothing yet"
    # a publisher keeps no history: none of the updates sent before late existed reach it
    regular = numbers(session, "late", REGULAR_UPDATE)
    assert regular[0] >= published_before >= 2
    assert regular == list(range(regular[0], regular[0] + len(regular)))


def test_pipeline_spreads_tasks_over_all_workers_and_the_sink_gets_every_result(session, qtbot):
    runner = open_demo(session, "pipeline")
    assert "ventilator sent 99 messages" in runner.run(action(runner, "Send a batch"))
    sink = sock(session, "sink")
    qtbot.waitUntil(lambda: sink.received == 99, timeout=WAIT_MS)
    workers = [sock(session, f"worker-{n}") for n in (1, 2, 3)]
    assert [w.received for w in workers] == [33, 33, 33]
    took = [numbers(session, w.name, BATCH_TASK) for w in workers]
    assert all(got == list(range(got[0], 99, 3)) for got in took)  # dealt in turn
    assert sorted(numbers(session, "sink", BATCH_TASK)) == list(range(99))  # each once
    assert figures(runner)["tasks done by worker-2"] == "33  (33 %)"

    assert runner.run(action(runner, "Stop a worker")) == "Stopped worker-3, worker-3-out."
    assert figures(runner)["tasks done by worker-3"] == "33  (33 %) — stopped"
    since = session.store.end_seq
    assert "ventilator sent 99 messages" in runner.run(action(runner, "Send a batch"))
    # The ventilator learns that worker-3 closed from libzmq's own threads, at a moment of
    # their choosing: the turns it dealt to worker-3 before that are lost with it (PUSH does
    # not resend), anything from none of this batch to worker-3's whole third. Every correct
    # outcome: the lost tasks are worker-3's first turns, the live workers took every other
    # task once each, in turn, and the sink got every result they passed on, once.
    worker_3_turns = took[2]

    def settled() -> None:
        first, second = (numbers(session, w.name, BATCH_TASK, since) for w in workers[:2])
        assert first == sorted(set(first)) and second == sorted(set(second))
        assert not set(first) & set(second)
        lost = sorted(set(range(99)) - set(first) - set(second))
        assert len(lost) <= 33 and lost == worker_3_turns[: len(lost)]
        assert abs(len(first) - len(second)) <= 2  # in turn among three, then among two
        assert sorted(numbers(session, "sink", BATCH_TASK, since)) == sorted(first + second)

    qtbot.waitUntil(settled, timeout=WAIT_MS)
    live = workers[:2]

    assert runner.run(action(runner, "Start 3")) == "Started worker-3, worker-3-out."
    runner.start()
    restarted = sock(session, "worker-3")
    qtbot.waitUntil(lambda: restarted.received >= 1, timeout=WAIT_MS)
    runner.stop()
    qtbot.waitUntil(
        lambda: sink.received == 33 + sum(w.received for w in (*live, restarted)), timeout=WAIT_MS
    )


def test_routerdealer_replies_reach_the_client_that_asked(session, qtbot):
    runner = open_demo(session, "routerdealer")
    runner.run(action(runner, "A burst"))
    said = runner.run(action(runner, "Add a client"))
    assert "Started client-D." in said and "client-D sent 3 messages" in said
    clients = {
        name: sock(session, name) for name in ("client-A", "client-B", "client-C", "client-D")
    }
    qtbot.waitUntil(lambda: all(c.received >= 3 for c in clients.values()), timeout=WAIT_MS)
    for name, handle in clients.items():
        assert all(
            frames[0].endswith(f"from {name}".encode()) for frames in traffic(session, handle)
        )
    server_in = traffic(session, sock(session, "server"))
    assert [b"client-A", b"burst 0 from client-A"] in server_in
    generated = [f[0] for f in server_in if f[1].endswith(b"client-D")]
    assert generated and len(generated[0]) == 5 and generated[0][0] == 0
    assert "from client-D" in figures(runner)["client-D's first reply"]


def test_broker_forwards_subscriptions_upstream_and_messages_down(session, qtbot):
    runner = open_demo(session, "broker")
    xpub, xsub = sock(session, "xpub"), sock(session, "xsub")
    qtbot.waitUntil(lambda: xsub.sent == 2, timeout=WAIT_MS)
    assert sorted(traffic(session, xpub)) == [[b"\x01news"], [b"\x01sports"]]
    runner.start()
    news, sports = sock(session, "sub-news"), sock(session, "sub-sports")
    qtbot.waitUntil(lambda: news.received >= 2 and sports.received >= 2, timeout=WAIT_MS)
    assert all(f[0].startswith(b"news ") for f in traffic(session, news))
    assert all(f[0].startswith(b"sports ") for f in traffic(session, sports))

    # sub-news joins sports: not news to the XPUB (sub-sports has it), so nothing travels;
    # when sub-sports goes and sub-news drops it, the last subscriber left: \x00sports does
    assert runner.run(action(runner, "sub-news: also")) == "sub-news subscribed to 'sports'."
    runner.run(action(runner, "Stop sub-sports"))
    assert runner.run(action(runner, "sub-news: also")) == "sub-news unsubscribed from 'sports'."
    qtbot.waitUntil(lambda: [b"\x00sports"] in traffic(session, xsub, OUT), timeout=WAIT_MS)
    runner.stop()
    assert traffic(session, xpub)[2:] == [[b"\x00sports"]]
    assert "Started sub-sports." == runner.run(action(runner, "Start sub-sports"))
    qtbot.waitUntil(lambda: traffic(session, xsub, OUT)[-1:] == [[b"\x01sports"]], timeout=WAIT_MS)
    runner.run(action(runner, "Stop sub-sports"))  # its only subscriber goes: withdrawn
    qtbot.waitUntil(lambda: traffic(session, xsub, OUT)[-1:] == [[b"\x00sports"]], timeout=WAIT_MS)


def test_restart_and_connect_to_steps_say_what_they_did(session, qtbot):
    from zinspect.core.demos.demos import DemoAction

    runner = open_demo(session, "pubsub")
    restart = DemoAction("again", "", [("restart", "station")])
    assert runner.run(restart) == "station restarted sending from its first message."
    qtbot.waitUntil(lambda: sock(session, "station").sent >= 1, timeout=WAIT_MS)
    lonely = DemoAction(
        "x", "", [("connect_to", {"socket": "late", "bound_by": "station", "transport": "tcp"})]
    )
    assert runner.run(lonely) == "late is closed."
    runner.stop()
