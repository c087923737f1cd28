"""Clear traffic starts the message numbers again: a new user cleared the table and the
next message was No. 7, and a capture opened with "Clear traffic first" was numbered 15
to 20, not 1 to 6 as in Wireshark and ``zinspect decode``. Only the number shown starts
again: the store's sequence numbers go on (history, recorder, latency count on them), and
a message from before the Clear keeps the number it had."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS

from zinspect.core.capture.capture import write_capture
from zinspect.core.sockets.session import Session
from zinspect.core.store import IN, OUT, Message, MessageStore, message_number
from zinspect.ui.traffic.columns import COL_NUMBER


def numbers(window) -> list[str]:
    model = window.traffic.model
    return [model.index(row, COL_NUMBER).data() for row in range(model.rowCount())]


def add(window, qtbot, *texts: bytes) -> None:
    store = window.session.store
    before = window.traffic.model.rowCount()
    store.extend(Message(1.0 + i, "left", IN if i % 2 else OUT, [t]) for i, t in enumerate(texts))
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == before + len(texts), timeout=WAIT_MS)


def test_after_clear_the_next_message_is_number_1(window, user, qtbot):
    add(window, qtbot, b"a", b"b", b"c")
    assert numbers(window) == ["1", "2", "3"]
    user.click_row(2)
    held = window.detail.message
    assert held is not None and window.detail._title_label.text() == "Message #3"
    assert "numbers the next message from the first number again" in (
        window.traffic.clear_action.toolTip()
    )
    window.traffic.clear_action.trigger()
    add(window, qtbot, b"d", b"e")
    assert numbers(window) == ["1", "2"]
    user.click_row(1)
    assert window.detail._title_label.text() == "Message #2"
    store = window.session.store
    assert [m.seq for m in store] == [3, 4]  # the sequence numbers go on
    assert message_number(held.seq) == 3  # one held from before keeps its number
    header = window.traffic.model.headerData(
        COL_NUMBER, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "Clear traffic starts the numbers again" in header


def test_a_capture_opened_after_clearing_is_numbered_from_1(window, qtbot, tmp_path):
    add(window, qtbot, b"a", b"b", b"c", b"d")
    path = tmp_path / "three.jsonl"
    write_capture(path, [Message(5.0 + i, "peer", IN, [b"x%d" % i]) for i in range(3)])
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS):
        assert actions.open_capture(path, clear_first=True)
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 3, timeout=WAIT_MS)
    assert numbers(window) == ["1", "2", "3"]
    # and an export says the numbers the table shows
    out = tmp_path / "three.csv"
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS):
        assert actions.export(out, as_csv=True)
    with open(out, encoding="utf-8-sig", newline="") as file:
        assert [row[0] for row in list(csv.reader(file))[1:]] == ["1", "2", "3"]


def test_clearing_twice_and_a_new_session_number_from_the_first(session):
    store = session.store
    store.extend(Message(1.0, "s", IN, [b"x"]) for _ in range(5))
    store.clear()
    store.clear()  # nothing new in between: the same start
    store.extend(Message(2.0, "s", IN, [b"y"]) for _ in range(2))
    assert [message_number(m.seq) for m in store] == [1, 2]
    assert message_number(4) == 5  # before the Clear: its own number
    fresh = Session(MessageStore())
    try:
        fresh.store.append(Message(3.0, "s", IN, [b"z"]))
        assert [message_number(m.seq) for m in fresh.store] == [1]
    finally:
        fresh.close()


def test_a_closed_session_leaves_no_restart_behind():
    session = Session(MessageStore())
    session.store.extend(Message(1.0, "s", IN, [b"x"]) for _ in range(3))
    session.store.clear()
    assert message_number(3) == 1
    session.close()
    assert message_number(3) == 4  # a store without a session counts from its start
