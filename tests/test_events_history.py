"""The session's event history keeps what is worth reading: a peer gone for an hour makes
one counted row per kind of retry, not ten thousand rows that push out the events before it;
the Events panel, opened later, shows the same rows with their counts; a retry is shown as
information, in the normal text colour, and a failure as a problem."""

from __future__ import annotations

from PySide6.QtCore import Qt

from zinspect.core.sockets.events import SocketEvent
from zinspect.core.sockets.session import EVENT_HISTORY
from zinspect.ui.events.events_panel import COL_EVENT, EventsModel
from zinspect.ui.widgets.theme import colour

ENDPOINT = "tcp://127.0.0.1:5555"
RETRY_LOOP = ("connect_delayed", "closed", "connect_retried")


def test_an_hour_of_retries_is_a_few_counted_rows_and_keeps_the_events_before_it(session):
    sub = session.create_socket("SUB", "weather")
    session.record_event(sub, "connected", ENDPOINT, 11)
    session.record_event(sub, "handshake_succeeded", ENDPOINT, 11)
    session.record_event(sub, "disconnected", ENDPOINT, 11)
    for _ in range(EVENT_HISTORY):  # more retry loops than the history has rows
        for name in RETRY_LOOP:
            session.record_event(sub, name, ENDPOINT, 100)
    names = [event.name for event in session.events]
    assert names[:3] == ["connected", "handshake_succeeded", "disconnected"]
    retried = next(row for row in session.events.rows if row.event.name == "connect_retried")
    assert retried.count == EVENT_HISTORY
    assert retried.latest is not None and retried.last >= retried.event.time
    assert len(session.events) <= 3 + len(RETRY_LOOP)


def test_a_milestone_after_the_retries_is_news_again(session):
    sub = session.create_socket("SUB", "weather")
    for _ in range(3):
        session.record_event(sub, "connect_retried", ENDPOINT, 100)
    session.record_event(sub, "connected", ENDPOINT, 12)
    session.record_event(sub, "connect_retried", ENDPOINT, 100)
    assert [(row.event.name, row.count) for row in session.events.rows] == [
        ("connect_retried", 3),
        ("connected", 1),
        ("connect_retried", 1),
    ]


def test_the_timeline_opened_later_shows_the_history_with_its_counts(session, qtmodeltester):
    sub = session.create_socket("SUB", "weather")
    for _ in range(40):
        for name in RETRY_LOOP:
            session.record_event(sub, name, ENDPOINT, 100)
    model = EventsModel()
    model.add_history(session.events)
    assert model.rowCount() == len(RETRY_LOOP)
    assert model.event_count() == 40 * len(RETRY_LOOP)
    labels = [model.index(r, COL_EVENT).data() for r in range(model.rowCount())]
    assert all(" · 40× · last " in label for label in labels), labels
    # the next live event counts into the same row
    model.add([SocketEvent(0.0, "weather", "connect_retried", ENDPOINT, 200, "200 ms")])
    assert model.event_count() == 40 * len(RETRY_LOOP) + 1
    qtmodeltester.check(model)


def test_a_retry_is_information_and_a_failure_is_a_problem(qapp):
    model = EventsModel()
    model.add(
        [
            SocketEvent(1.0, "s", "connect_retried", ENDPOINT, 100, "100 ms"),
            SocketEvent(2.0, "t", "bind_failed", ENDPOINT, 98, "EADDRINUSE"),
        ]
    )
    color = Qt.ItemDataRole.ForegroundRole
    assert model.index(0, COL_EVENT).data() == "connect retried"
    assert model.index(0, COL_EVENT).data(color) is None  # the normal text colour
    assert model.index(1, COL_EVENT).data(color).color() == colour("error")
