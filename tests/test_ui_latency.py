"""The Latency dock in the real window: figures for a REQ talking to a REP peer process,
and a field marked as a sequence listing the gap in what arrived."""

from __future__ import annotations

from peerio import start_peer
from PySide6.QtCore import Qt
from session_helpers import linked, send
from ui_actions import WAIT_MS, trigger_menu
from window_driver import ANY_PORT


def cells(model) -> list[list[str]]:
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


def show_latency_dock(window, qtbot) -> None:
    """View > Latency hides and shows the dock; its tab brought forward as a click would."""
    dock = window.latency_dock
    trigger_menu(window, "Latency")
    qtbot.waitUntil(lambda: dock.isHidden(), timeout=WAIT_MS)
    trigger_menu(window, "Latency")
    qtbot.waitUntil(lambda: not dock.isHidden(), timeout=WAIT_MS)
    dock.raise_()
    qtbot.waitUntil(dock.isVisible, timeout=WAIT_MS)


def three_round_trips(window, user, peer, qtbot):
    """A REQ "client" asks a REP peer that answers after 20 ms three times, the Latency
    dock shown; returns its figures' model once it counts the three."""
    out = start_peer(peer, qtbot, "delayed_rep.py", ANY_PORT, "20", "--count", "3")
    endpoint = out.line("ready").split()[1]
    req = user.create("REQ", "client")
    user.connect(endpoint)
    show_latency_dock(window, qtbot)
    for number in range(3):
        user.compose(f"ping {number}")
        user.click_send()
        qtbot.waitUntil(lambda n=number: out.has(f"answered {n + 1}"), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: not req.awaiting_reply, timeout=WAIT_MS)
    model = window.latency.figures_model
    qtbot.waitUntil(lambda: [row[1] for row in cells(model)[:1]] == ["3"], timeout=WAIT_MS)
    return model


def test_latency_dock_shows_count_and_percentiles_of_a_req_and_a_rep_peer(
    window, user, peer, qtbot
):
    model = three_round_trips(window, user, peer, qtbot)
    socket, count, p50, p90, p99, most, unanswered, waiting, _bars = cells(model)[0]
    assert (socket, count, unanswered, waiting) == ("client", "3", "0", "0")
    # no reply can come sooner than the peer's delay; the figures are in order
    assert 19.0 <= float(p50) <= float(p90) <= float(p99) <= float(most)
    histogram = model.index(0, model.columnCount() - 1)
    assert sum(histogram.data(Qt.ItemDataRole.UserRole + 1)) == 3
    assert window.latency.requests_label.text() == "No request is waiting"
    # the traffic table's future latency column asks by sequence number
    replies = [m.seq for m in window.session.store if m.direction == "in"]
    assert all(window.latency.latency_of(seq) is not None for seq in replies)


def test_marking_a_field_as_a_sequence_lists_a_gap(window, user, qtbot, aloop):
    pull, push = linked(window.session, "PULL", "PUSH")
    show_latency_dock(window, qtbot)
    gaps = window.latency.gaps_tab
    window.latency.tabs.setCurrentWidget(gaps)

    # a path that cannot be read: refused in words, nothing marked
    gaps.socket_box.setCurrentText(pull.name)
    qtbot.keyClicks(gaps.path_edit, "seq")
    user.click(gaps.mark_button)
    assert gaps.error.isVisible()
    assert gaps.error.text() == "Path: a path starts with f and a frame number, like f2.temp."
    assert gaps.marks_list.count() == 0

    # a socket nobody has: refused in words
    gaps.path_edit.clear()
    qtbot.keyClicks(gaps.path_edit, "f1[2]")  # the counter of "tick {seq}"
    gaps.socket_box.setCurrentText("nosuch")
    user.click(gaps.mark_button)
    assert gaps.error.text() == (
        "No socket named 'nosuch' is open or in the traffic; choose one from the list."
    )
    assert gaps.marks_list.count() == 0

    gaps.socket_box.setCurrentIndex(gaps.socket_box.findText(pull.name))
    user.click(gaps.mark_button)
    assert not gaps.error.isVisible()
    assert gaps.marks_list.item(0).text() == f"f1[2] on {pull.name}"

    for number in (1, 2, 5, 6):
        send(aloop, qtbot, push, f"tick {number}".encode())
    qtbot.waitUntil(lambda: gaps.model.rowCount() == 1, timeout=WAIT_MS)
    socket, topic, missed, _message, gap = cells(gaps.model)[0]
    assert (socket, topic, missed) == (pull.name, "tick", "2")
    assert gap.startswith("seq 2 -> 5: 2 missed at ")
    assert gaps.summary.text() == "2 missed in 1 gap on 1 topic"

    # unmarked: no more gaps are counted
    gaps.marks_list.setCurrentRow(0)
    user.click(gaps.remove_button)
    assert gaps.marks_list.count() == 0
