"""The calm timeline's rule (core.sockets.event_log): a retry loop's repeated events are
counted into one row each, milestones keep their own rows, and the session records no
event without an endpoint and no orderly disconnect as trouble."""

from __future__ import annotations

from session_helpers import ANY_PORT, WAIT_MS
from test_core_events import dead_port

from zinspect.core.sockets.event_log import EventLog
from zinspect.core.sockets.events import SocketEvent

RETRY_LOOP = ("connect_delayed", "closed", "connect_retried")


def event(when: float, name: str, endpoint: str = "tcp://h:1", socket: str = "s") -> SocketEvent:
    return SocketEvent(when, socket, name, endpoint, int(when))


def shown(log: EventLog) -> list[tuple[str, str, int, float]]:
    return [(r.event.name, r.event.endpoint, r.count, r.last) for r in log.rows]


def test_a_retry_loop_is_one_row_per_kind_with_its_count_and_last_time():
    log = EventLog(limit=100)
    when = 0.0
    for _ in range(241):
        for name in RETRY_LOOP:
            when += 0.05
            log.add(event(when, name))
    rows = shown(log)
    assert [(name, count) for name, _, count, _ in rows] == [(n, 241) for n in RETRY_LOOP]
    assert rows[-1][3] == when  # the last retry's time
    assert log.rows[0].event.time == 0.05  # the row keeps its first event


def test_different_endpoints_or_sockets_are_not_merged():
    log = EventLog(limit=100)
    for n in range(3):
        log.add(event(n, "connect_retried", "tcp://h:1"))
        log.add(event(n, "connect_retried", "tcp://h:2"))
        log.add(event(n, "connect_retried", "tcp://h:1", socket="other"))
    assert sorted((r.event.socket, r.event.endpoint, r.count) for r in log.rows) == [
        ("other", "tcp://h:1", 3),
        ("s", "tcp://h:1", 3),
        ("s", "tcp://h:2", 3),
    ]


def test_a_milestone_of_the_socket_ends_the_run_so_the_story_stays_in_order():
    log = EventLog(limit=100)
    names = ["connected", "handshake_succeeded", "disconnected", "connect_retried"] * 2
    for when, name in enumerate(names):
        log.add(event(when, name))
    # each reconnect is news: the second disconnect is a new row after the second connect
    assert [(name, count) for name, _, count, _ in shown(log)] == [(n, 1) for n in names]


def test_another_sockets_milestone_does_not_end_the_run():
    log = EventLog(limit=100)
    log.add(event(0, "connect_retried"))
    log.add(event(1, "listening", "tcp://h:9", socket="server"))
    log.add(event(2, "connect_retried"))
    assert [(name, count) for name, _, count, _ in shown(log)] == [
        ("connect_retried", 2),
        ("listening", 1),
    ]


def test_milestones_are_never_counted_together():
    log = EventLog(limit=100)
    for when in range(3):
        log.add(event(when, "bind_failed"))
    assert [count for *_, count, _ in shown(log)] == [1, 1, 1]


def test_the_log_is_bounded_by_rows_and_a_dropped_row_starts_a_new_run():
    log = EventLog(limit=3)
    for n in range(5):
        log.add(event(n, "connect_retried", f"tcp://h:{n}"))
    assert [r.event.endpoint for r in log.rows] == [f"tcp://h:{n}" for n in (2, 3, 4)]
    dropped_row, merged = log.add(event(9, "connect_retried", "tcp://h:0"))
    assert not merged and dropped_row.count == 1
    assert log.index_of(dropped_row) == 2
    _, merged = log.add(event(10, "connect_retried", "tcp://h:4"))
    assert merged and log.rows[1].count == 2 and log.rows[1].last == 10


def test_the_retry_interval_changing_does_not_split_the_row_and_the_latest_is_kept():
    log = EventLog(limit=10)
    for when, interval in enumerate((100, 183, 110, 400)):
        log.add(SocketEvent(when, "s", "connect_retried", "tcp://h:1", interval, f"{interval} ms"))
    (row,) = log.rows
    assert row.count == 4 and row.event.detail == "100 ms"
    assert row.latest is not None and row.latest.detail == "400 ms" and row.last == 3


def test_a_different_failure_detail_is_its_own_row():
    log = EventLog(limit=10)
    for detail in ("ZMTP_CRYPTOGRAPHIC", "ZMTP_MECHANISM_MISMATCH", "ZMTP_CRYPTOGRAPHIC"):
        log.add(SocketEvent(0, "s", "handshake_failed_protocol", "tcp://h:1", 1, detail))
    assert [(r.event.detail, r.count) for r in log.rows] == [
        ("ZMTP_CRYPTOGRAPHIC", 2),
        ("ZMTP_MECHANISM_MISMATCH", 1),
    ]


def test_an_orderly_disconnect_is_information():
    assert not event(0, "disconnected").problem


def test_a_failed_bind_records_no_event_without_an_endpoint(session, qtbot):
    first = session.create_socket("PUB", "first")
    address = first.bind(ANY_PORT).address
    second = session.create_socket("PUB", "second")
    try:
        second.bind(address)
    except Exception:  # the SocketError the endpoint field shows
        pass
    qtbot.waitUntil(lambda: any(e.name == "bind_failed" for e in session.events), timeout=WAIT_MS)
    hopeful = session.create_socket("SUB", "hopeful")  # events after the failure, too
    hopeful.connect(f"tcp://127.0.0.1:{dead_port()}")
    qtbot.waitUntil(
        lambda: any(e.name == "connect_retried" for e in session.events), timeout=WAIT_MS
    )
    assert [e for e in session.events if not e.endpoint] == []
    failed = next(e for e in session.events if e.name == "bind_failed")
    assert failed.endpoint and address.endswith(failed.endpoint) and failed.problem
