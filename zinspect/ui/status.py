"""The status bar: its traffic figures (counts, rates and drops, sampled from the store)
and its messages, cut short to the room left of those figures.

The figures are sampled on a slow timer rather than pushed, so a flood costs the status bar
nothing. A message ("Opened capture.pcap: …") can be longer than the room there is: Qt
would cut it mid-letter against the figures, so a path in it gives up the middle of its
folders first (the file name and the words after it stay), then the end goes in "…"; the
whole of it is the status bar's tooltip.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent, Qt
from PySide6.QtWidgets import QLabel, QSizeGrip, QStatusBar, QStyle, QStyleOption, QWidget

from zinspect.core.codecs import human_size
from zinspect.core.store import MessageStore

SAMPLE_MS = 500
MESSAGE_GAP = 16  # pixels kept free between a message and the figures right of it
# a path with at least one folder: its folders (group 1) and its file name (group 2)
PATH = re.compile(r"((?:[A-Za-z]:|~)?[\\/](?:[^\s\\/]+[\\/])+)([^\s\\/:;,]+)")
CLEARED_MS = 8000  # how long the status bar says what Clear traffic cleared
# what Clear traffic empties besides the store: all of it worked out from the messages
CLEARED_VIEWS = (
    "the traffic table, the Message pane, the Topics view, the Latency view's latencies and "
    "gaps, and the Plot's points and rates (its series stay)"
)
SESSION_TIP = (
    "Session totals: the messages this session's sockets received (in) and sent (out), "
    "with their rates, and those opened from capture files (not counted as in or out). "
    "Clear traffic does not reset them (nor the sockets list's counts): it empties the "
    'table and the store, so "stored" starts again with the table. Then how many old '
    "messages the store's caps dropped from memory this session and no history on disk "
    "keeps, and the history on disk that keeps them for the session"
)


def elide_message(metrics: QFontMetrics, text: str, width: int) -> str:
    """``text`` in ``width`` pixels: its longest paths give up whole folders from their
    middle ("/home/alice/…/captures/x.jsonl"), keeping the file name and the words after it
    ("Reading …/x.jsonl failed after 3 messages: line 4 is not JSON"); only then does the
    end go in "…"."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    parts: list[str] = []  # the text between paths' folders, and the folders (odd places)
    at = 0
    for match in PATH.finditer(text):
        parts += [text[at : match.start(1)], match.group(1)]
        at = match.end(1)
    parts.append(text[at:])
    for place in sorted(range(1, len(parts), 2), key=lambda p: len(parts[p]), reverse=True):
        for short in fewer_folders(parts[place]):
            parts[place] = short
            if metrics.horizontalAdvance("".join(parts)) <= width:
                return "".join(parts)
    return metrics.elidedText("".join(parts), Qt.TextElideMode.ElideRight, width)


def fewer_folders(folders: str) -> Iterator[str]:
    """``folders`` ("/a/b/c/d/") with ever more of its middle folders as one "…"
    ("/a/…/d/", "/…/d/"), down to "…/"."""
    separator = folders[-1]
    names = folders[:-1].split(separator)  # "" first for an absolute path
    for cut in range(1, len(names)):
        keep_end = (len(names) - cut) // 2
        keep_start = len(names) - cut - keep_end
        shown = [*names[:keep_start], "…", *names[len(names) - keep_end :]]
        yield separator.join(shown) + separator
    yield "…" + separator


def clear_tip(shortcut: str) -> str:
    """Clear traffic's tooltip: what it empties, and what it keeps."""
    return (
        f"Discard all captured traffic ({shortcut}): empties the message store, not just "
        f"the table, and what was worked out from it ({CLEARED_VIEWS} start again), and "
        "numbers the next message from the first number again (the status bar's session "
        "totals go on, as do the sockets' counts). It cannot be undone"
    )


def cleared_words(count: int) -> str:
    """The status bar's word after Clear traffic discarded ``count`` messages."""
    return (
        f"Cleared {count:,} message{'' if count == 1 else 's'}: {CLEARED_VIEWS} start "
        "again; the session totals go on"
    )


class TrafficStatus(QLabel):
    """ "session: in 1,204 (310/s) · out 12 (0/s) · opened 3,000 · stored 4,216 (84 KiB) ·
    dropped 0".

    In and out are what this session's sockets received and sent; messages opened from
    capture files are counted apart ("opened", once there are some): they were not
    received now, they were read from a file. They are the session's totals and say so: after
    a Clear, "in 226" beside the table's "101 messages" read as one of the two wrong. Clear
    traffic empties the table and the store ("stored 101" agrees with the table) but keeps
    these totals, as the sockets list keeps each socket's; restarting them would have lost
    what the session did and contradicted the sockets list instead."""

    def __init__(self, store: MessageStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.opened = 0  # messages put in the store from capture files
        self.opened_in = 0  # of which received ones
        self.setAccessibleName("Traffic counters")
        self.setToolTip(SESSION_TIP)
        self._last = (time.monotonic(), self.received, self.sent)
        self.in_rate = 0.0
        self.out_rate = 0.0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(SAMPLE_MS)
        self.refresh()
        listener = self._on_store_before_clear
        store.on_before_clear.append(listener)
        # the store may outlive the window (a session kept after it closed)
        self.destroyed.connect(lambda: store.on_before_clear.remove(listener))

    def _on_store_before_clear(self) -> None:
        """Say what Clear traffic discarded, and what went with it, in the status bar."""
        bar = self.parentWidget()
        if isinstance(bar, QStatusBar):
            bar.showMessage(cleared_words(self.store.end_seq - self.store.oldest_seq), CLEARED_MS)

    @property
    def received(self) -> int:
        """Messages the sockets received in this session."""
        return self.store.received - self.opened_in

    @property
    def sent(self) -> int:
        """Messages the sockets sent in this session."""
        return self.store.sent - (self.opened - self.opened_in)

    def count_opened(self, messages: int, received: int) -> None:
        """``messages`` were put in the store from a capture file, ``received`` of them
        marked as received there."""
        self.opened += messages
        self.opened_in += received

    def refresh(self) -> None:
        store = self.store
        now = time.monotonic()
        received, sent = self.received, self.sent
        then, received_then, sent_then = self._last
        elapsed = now - then
        if elapsed > 0.05:
            self.in_rate = (received - received_then) / elapsed
            self.out_rate = (sent - sent_then) / elapsed
            self._last = (now, received, sent)
        opened = f"opened {self.opened:,}  ·  " if self.opened else ""
        self.setText(
            f"session: in {received:,} ({self.in_rate:,.0f}/s)  ·  "
            f"out {sent:,} ({self.out_rate:,.0f}/s)  ·  {opened}"
            f"stored {len(store):,} ({human_size(store.total_bytes)})  ·  "
            f"dropped {dropped_text(store)}{history_text(store)}"
        )


class StatusBar(QStatusBar):
    """A QStatusBar whose messages end in "…" where the permanent widgets begin (a gap
    before them), the whole message in the tooltip; without a message, Qt's own painting."""

    def message_rect(self) -> QRect:
        """Where a message is written: from the left to a gap before the first permanent
        widget shown (while a message shows, the only widgets shown are permanent ones)."""
        right = self.width() - 12
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isVisible():
                gap = 0 if isinstance(child, QSizeGrip) else MESSAGE_GAP
                right = min(right, child.x() - gap)
        return QRect(6, 0, max(0, right - 6), self.height())

    def shown_message(self) -> str:
        """The message as it is written: its paths' folders cut in the middle, then its end
        in "…", when it does not fit."""
        return elide_message(self.fontMetrics(), self.currentMessage(), self.message_rect().width())

    def paintEvent(self, event: QPaintEvent) -> None:
        message = self.currentMessage()
        if not message:
            if self.toolTip():
                self.setToolTip("")
            super().paintEvent(event)
            return
        shown = self.shown_message()
        tip = message if shown != message else ""
        if self.toolTip() != tip:
            self.setToolTip(tip)
        painter = QPainter(self)
        option = QStyleOption()
        option.initFrom(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_PanelStatusBar, option, painter, self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(
            self.message_rect(),
            Qt.AlignmentFlag.AlignLeading
            | Qt.AlignmentFlag.AlignVCenter
            | Qt.TextFlag.TextSingleLine,
            shown,
        )


def dropped_text(store: MessageStore) -> str:
    """The messages the caps dropped from memory; with a history, only those it does not
    keep on disk ("dropped 2,000,000" next to a history holding them read as data lost)."""
    if store.history is None:
        return f"{store.dropped:,}"
    return f"{store.dropped_unkept:,}"


def history_text(store: MessageStore) -> str:
    """What the history on disk holds, or why it stopped; "" when there is none."""
    history = store.history
    if history is None:
        return ""
    if history.stopped:
        return f"  ·  history stopped: {history.stopped}"
    kept = history.end_seq - history.first_seq
    text = f"  ·  history {kept:,} on disk ({human_size(history.disk_bytes)})"
    if history.dropped:
        text += f", {history.dropped:,} oldest dropped (disk cap)"
    if history.lost:
        text += f", {history.lost:,} unreadable"
    return text


def install_status(status_bar: QStatusBar, store: MessageStore) -> TrafficStatus:
    label = TrafficStatus(store, status_bar)
    status_bar.addPermanentWidget(label)
    return label
