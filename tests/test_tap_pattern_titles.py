"""The Tap window lists its patterns in words (the command line's name in brackets), not as
the codes ``reqrep`` and ``pubsub`` that a first-time user could not read."""

from __future__ import annotations

from ui_actions import tap_window


def test_the_patterns_are_listed_in_words(window, qtbot):
    dialog = tap_window(window, qtbot)
    combo = dialog.pattern_combo
    listed = [combo.itemText(i) for i in range(combo.count())]
    assert listed == [
        "Request/reply (reqrep)",
        "Publish/subscribe (pubsub)",
        "Pipeline (pipeline)",
        "Pair (pair)",
        "Socket types by hand (custom)",
    ]
    combo.setCurrentIndex(combo.findData("custom"))
    assert dialog.types_row.isVisibleTo(dialog)
    dialog.close()
