"""Lower caps with the history on disk: Preferences and the status bar count the same
messages. The status bar's "dropped" counts what no history keeps; Preferences said "the new
caps dropped the 964,926 oldest messages" next to "dropped 0", when the history kept them."""

from __future__ import annotations

import time

import pytest
from preferences_helpers import open_preferences, press_ok, process_preferences_restored, type_over
from ui_actions import WAIT_MS

from zinspect.core.store import OUT, Message


@pytest.fixture(autouse=True)
def _restored():
    with process_preferences_restored():
        yield


def test_caps_that_move_messages_to_the_history_do_not_call_them_dropped(window, user, qtbot):
    store = window.session.store
    assert store.history is not None  # the app's default
    start = time.time()
    store.extend([Message(start + i * 0.01, "pub-1", OUT, [b"m%d" % i]) for i in range(3000)])
    user.wait_rows(3000)
    dialog = open_preferences(window, qtbot)
    type_over(qtbot, dialog.max_messages_edit, "1,000")
    press_ok(qtbot, dialog)
    assert len(store) == 1000 and store.dropped == 2000 and store.dropped_unkept == 0
    said = window.statusBar().currentMessage()
    assert "the 2,000 oldest messages left memory for the history on disk" in said
    assert "dropped the" not in said
    qtbot.waitUntil(lambda: "dropped 0" in window.status.text(), timeout=WAIT_MS)
