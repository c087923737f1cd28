"""The status bar as a user reads it: "session: in" and "out" count what this session's sockets
received and sent, an opened capture's messages are "opened", apart; a long message ends
in "…" before the counters (the whole of it in the tooltip) and leaves them readable."""

from __future__ import annotations

import time

from PySide6.QtGui import QColor
from ui_actions import WAIT_MS

from zinspect.core.capture.capture_write import write_capture
from zinspect.core.store import IN, OUT, Message

LONG = (
    "Opened a-capture-with-a-long-name.pcapng: 3,000 messages from 1 ZeroMQ connection "
    "([fd00::1]:40000 -> [fd00::2]:5555: ZMTP 3.1 NULL, PUSH -> PULL, 3,000 out, 0 in); the "
    "store keeps at most 100,000 messages (256 MiB), so 12 older ones were dropped"
)


def counters(window) -> str:
    return window.status.text()


def test_an_opened_capture_is_counted_apart_from_what_the_sockets_received(
    window, user, qtbot, tmp_path
):
    now = time.time()
    old = [Message(now + i, "old-sub", IN, [b"m%d" % i]) for i in range(5)]
    path = tmp_path / "old.jsonl"
    write_capture(path, [*old, Message(now + 5, "old-pub", OUT, [b"x"])])
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        assert window.capture.open_capture(path)
    qtbot.waitUntil(lambda: "stored 6 " in counters(window), timeout=WAIT_MS)
    text = counters(window)
    assert text.startswith("session: in 0 (0/s)") and "out 0 (0/s)" in text and "opened 6" in text

    pull = user.create("PULL", "pull")
    endpoint = user.bind()
    user.create("PUSH", "push")
    user.connect(endpoint)
    user.compose("hello")
    user.click_send()
    qtbot.waitUntil(lambda: pull.received == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "stored 8 " in counters(window), timeout=WAIT_MS)
    text = counters(window)
    assert text.startswith("session: in 1 (") and "out 1 (" in text and "opened 6" in text


def test_without_a_capture_the_counters_say_nothing_of_opened(window, qtbot):
    window.status.refresh()
    assert "opened" not in counters(window)


def test_a_long_message_ends_in_an_ellipsis_before_the_counters(window, qtbot):
    bar = window.statusBar()
    window.resize(1000, 700)
    window.host.show_status(LONG, 60_000)
    qtbot.waitUntil(lambda: bar.toolTip() == LONG, timeout=WAIT_MS)  # once painted
    shown = bar.shown_message()
    assert shown.endswith("…") and LONG.startswith(shown[:-1])
    status = window.status
    assert status.isVisible() and status.width() >= status.sizeHint().width()
    # nothing written in the gap just left of the counters
    image = bar.grab().toImage()
    background = QColor(image.pixel(status.x() - 1, 1))
    gap = {
        QColor(image.pixel(x, y)).name()
        for x in range(status.x() - 10, status.x())
        for y in range(image.height())
    }
    assert gap == {background.name()}, gap


def test_a_short_message_is_whole_and_has_no_tooltip(window, qtbot):
    bar = window.statusBar()
    window.host.show_status("Opened x.jsonl: 3 messages", 60_000)
    assert bar.shown_message() == "Opened x.jsonl: 3 messages"
    bar.repaint()
    assert bar.toolTip() == ""
