"""Messages are numbered from 1 wherever a user reads the number, like frames: the first
message of a session is "1" in the traffic table, "Message #1" in the message pane and 1 in a
CSV export; capture files keep the 0-based sequence numbers."""

from __future__ import annotations

import csv
import time

from PySide6.QtWidgets import QLabel
from ui_actions import WAIT_MS

from zinspect.core.capture.csv_export import csv_row
from zinspect.core.store import OUT, Message, message_number
from zinspect.ui.traffic.columns import COL_NUMBER


def test_first_message_is_number_one_in_the_table_and_the_message_pane(window, user, qtbot):
    store = window.session.store
    store.extend([Message(time.time(), "pub-1", OUT, [b"a", b"b"]) for _ in range(3)])
    user.wait_rows(3)
    model = window.traffic.model
    assert [model.index(row, COL_NUMBER).data() for row in range(3)] == ["1", "2", "3"]
    user.click_row(0)
    title = window.detail.findChild(QLabel, "message_title")
    qtbot.waitUntil(lambda: title.text() == "Message #1", timeout=WAIT_MS)
    user.click_row(2)
    qtbot.waitUntil(lambda: title.text() == "Message #3", timeout=WAIT_MS)


def test_csv_number_matches_the_table_and_seq_stays_zero_based(tmp_path):
    message = Message(time.time(), "pub-1", OUT, [b"x"])
    message.seq = 0
    assert message_number(message.seq) == 1
    path = tmp_path / "one.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(csv_row(message))
    with open(path, newline="", encoding="utf-8") as file:
        assert next(csv.reader(file))[0] == "1"


def test_the_count_under_the_table_says_one_message_in_the_singular(window, user, qtbot):
    window.session.store.extend([Message(time.time(), "pub-1", OUT, [b"a"])])
    user.wait_rows(1)
    label = window.traffic.count_label
    qtbot.waitUntil(lambda: label.text() == "1 message", timeout=WAIT_MS)
