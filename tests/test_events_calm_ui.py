"""A calm Events panel, as a user reads it: a connect retrying against a dead port is one
row per kind with a count, not a new row every retry; a failed bind leaves no row without an
endpoint; a peer that finishes its work and exits is not shown as trouble; "What it means"
keeps room to be read."""

from __future__ import annotations

import pytest
from fault_helpers import socket_state
from test_core_events import dead_port
from test_e2e_peers import finished, started
from test_ui_events import shown_rows
from ui_actions import WAIT_MS
from window_driver import ANY_PORT

from zinspect.ui.events.events_panel import COL_ENDPOINT, COL_EVENT, COL_MEANING, MEANING_WIDTH

RETRY_KINDS = {"connect delayed", "closed", "connect retried"}


def retries(session) -> int:
    """How many "connect retried" events the session's history counts."""
    return sum(row.count for row in session.events.rows if row.event.name == "connect_retried")


def rows_of(panel, socket: str) -> list[tuple[str, str, str]]:
    return [row for row in shown_rows(panel) if row[0] == socket]


def test_a_sub_retrying_a_dead_port_is_one_row_per_kind_with_a_count(window, user, qtbot):
    panel = window.events
    user.create("SUB", "hopeful")
    endpoint = f"tcp://127.0.0.1:{dead_port()}"
    user.connect(endpoint)
    # a few retries (libzmq's interval starts at 100 ms): the row counts them
    qtbot.waitUntil(
        lambda: any(
            row[1].startswith("connect retried · ") and "× · last " in row[1]
            for row in rows_of(panel, "hopeful")
        ),
        timeout=WAIT_MS,
    )
    retried = retries(window.session)
    qtbot.waitUntil(lambda: retries(window.session) >= 5, timeout=WAIT_MS)
    panel.flush()
    rows = rows_of(panel, "hopeful")
    assert len([row for row in rows if row[1].startswith("connect retried")]) == 1
    assert {row[1].split(" · ")[0] for row in rows} <= RETRY_KINDS
    count = int(next(r[1] for r in rows if r[1].startswith("connect retried")).split(" · ")[1][:-1])
    assert count > 1 and count >= retried
    assert "counting repeats" in panel.count_label.text()  # how many happened, in words
    # the tooltip tells how many times and when first and last
    row = next(
        r
        for r in range(panel.proxy.rowCount())
        if "connect retried ·" in str(panel.proxy.index(r, COL_EVENT).data())
    )
    assert "times, first at" in panel.proxy.index(row, COL_MEANING).data(3)  # ToolTipRole


def test_a_failed_bind_shows_no_row_without_an_endpoint(window, user, qtbot):
    panel = window.events
    user.create("PUB", "first")
    user.bind(ANY_PORT)
    taken = window.session.socket_named("first").endpoints[0].address
    user.create("PUB", "second")
    editor = window.sockets.endpoint_editor
    user.type_endpoint(taken)
    user.click(editor.bind_button)
    assert "Address already in use" in editor.error_label.text()
    qtbot.waitUntil(
        lambda: any(row[1] == "bind failed" for row in shown_rows(panel)), timeout=WAIT_MS
    )
    panel.flush()
    proxy = panel.proxy
    endpoints = [proxy.index(r, COL_ENDPOINT).data() for r in range(proxy.rowCount())]
    assert endpoints and all(endpoints), endpoints


@pytest.mark.parametrize("peer_binds", [False, True], ids=["we-bind", "peer-binds"])
def test_a_peer_that_finishes_and_exits_is_not_shown_as_trouble(
    window, user, peer, qtbot, peer_binds
):
    panel = window.events
    sink = user.create("PULL", "sink")
    if peer_binds:  # a worker connected to a ventilator that sent its batch and left
        out, endpoint = started(
            peer,
            qtbot,
            "stream_push.py",
            ANY_PORT,
            "vent",
            "--bind",
            "--count",
            "20",
            "--rate",
            "200",
            "--timeout",
            "10",
        )
        user.connect(endpoint)
    else:
        user.bind(ANY_PORT)
        endpoint = sink.endpoints[0].address
        out, _ = started(
            peer,
            qtbot,
            "stream_push.py",
            endpoint,
            "vent",
            "--count",
            "20",
            "--rate",
            "200",
            "--timeout",
            "10",
        )
    qtbot.waitUntil(lambda: sink.received >= 20, timeout=WAIT_MS)
    assert finished(out, qtbot) == 0
    qtbot.waitUntil(
        lambda: any(row[1] == "disconnected" for row in rows_of(panel, "sink")), timeout=WAIT_MS
    )
    if peer_binds:  # and libzmq goes on trying to reconnect to it
        qtbot.waitUntil(
            lambda: any(row[1].startswith("connect retried") for row in rows_of(panel, "sink")),
            timeout=WAIT_MS,
        )
    proxy = panel.proxy
    row = next(
        r for r in range(proxy.rowCount()) if proxy.index(r, COL_EVENT).data() == "disconnected"
    )
    assert proxy.index(row, COL_EVENT).data(9) is None  # ForegroundRole: no warning colour
    assert socket_state(window, sink) == ""  # the sockets list claims no trouble
    assert sink.monitor.peers_text == "0 peers"
    panel.problems_check.setChecked(True)
    assert rows_of(panel, "sink") == []


def test_what_it_means_keeps_its_room_and_its_whole_text_in_the_tooltip(window, user, qtbot):
    panel = window.events
    panel.dock.show()
    panel.resize(500, 300)
    user.create("SUB", "hopeful")
    user.connect(f"tcp://127.0.0.1:{dead_port()}")
    qtbot.waitUntil(lambda: panel.proxy.rowCount() > 0, timeout=WAIT_MS)
    header = panel.view.horizontalHeader()
    assert header.stretchLastSection()
    assert header.sectionSize(COL_MEANING) >= MEANING_WIDTH
    meaning = panel.proxy.index(0, COL_MEANING)
    assert meaning.data() in meaning.data(3)  # ToolTipRole holds the whole sentence


def test_the_model_counts_repeats_into_rows_and_stays_consistent(qtmodeltester):
    from zinspect.core.sockets.events import SocketEvent
    from zinspect.ui.events.events_panel import EventsModel

    model = EventsModel(limit=4)
    loop = ("connect_delayed", "closed", "connect_retried")
    model.add([SocketEvent(float(n), "s", loop[n % 3], "tcp://h:1", n) for n in range(30)])
    assert model.rowCount() == 3 and model.event_count() == 30
    assert model.index(2, COL_EVENT).data().startswith("connect retried · 10× · last ")
    qtmodeltester.check(model)
    model.add([SocketEvent(40.0 + n, "s", "connect_retried", f"tcp://n:{n}", n) for n in range(3)])
    assert model.rowCount() == 4  # the oldest rows went
    assert model.event_at(0).name == "connect_retried" and model.event_at(0).endpoint == "tcp://h:1"
    qtmodeltester.check(model)
