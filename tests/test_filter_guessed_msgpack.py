"""The text filter finds what the Summary column shows for guessed msgpack frames: a reply
the table shows as ``{"ok": true, "seq": 0}`` is found by ``true``, with no decode rule."""

from __future__ import annotations

from array import array

import msgpack
from PySide6.QtCore import Qt
from ui_actions import WAIT_MS

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.search_text import DecodedSearch
from zinspect.core.store import IN, Message, MessageStore
from zinspect.core.traffic_filter import TrafficFilter


def _reply(seq: int) -> bytes:
    return msgpack.packb({"ok": seq % 3 != 0, "seq": seq})


def _matches(store: MessageStore, text: str) -> list[int]:
    matcher = TrafficFilter(text=text).compile()
    matcher.set_decoded(DecodedSearch(MessageDecoder(), {}))
    first, rows = store.rows(store.first_seq, store.end_seq)
    found = array("q")
    assert matcher.scan_rows(first, rows, found, float("inf")) == len(rows)
    return [seq - first for seq in found]


def test_true_finds_the_msgpack_replies_that_hold_true_and_nothing_else():
    store = MessageStore()
    frames: list[list[bytes]] = []
    for n in range(600):
        if n % 2:
            frames.append([_reply(n)])
        elif n % 4 == 0:
            frames.append([b"topic", _reply(n)])  # msgpack in a later frame
        else:
            # a line break then a byte that opens a msgpack map, but no msgpack at all
            frames.append([b"plain text\n\x81 not msgpack"])
    store.extend(Message(0.0, "s", IN, f) for f in frames)
    expected = [
        n
        for n, f in enumerate(frames)
        if f[-1][:1] != b"p" and msgpack.unpackb(f[-1])["ok"] is True
    ]
    assert expected and _matches(store, "true") == expected
    assert _matches(store, '"ok": false') == [
        n for n, f in enumerate(frames) if f[-1][:1] != b"p" and n % 3 == 0
    ]
    assert _matches(store, "plain") == [n for n, f in enumerate(frames) if f[-1][:1] == b"p"]


def test_typing_true_in_the_filter_bar_finds_the_msgpack_rows(window, qtbot):
    rows = [
        (float(n), "dealer-1", IN, len(data), data)
        for n, data in enumerate(_reply(n) if n % 2 else b"hello %d" % n for n in range(300))
    ]
    window.session.store.extend_rows(rows, len(rows))
    panel = window.traffic
    model = panel.model
    qtbot.waitUntil(lambda: model.rowCount() == len(rows), timeout=WAIT_MS)
    qtbot.keyClicks(panel.filter_edit, "true")
    qtbot.keyClick(panel.filter_edit, Qt.Key.Key_Return)
    wanted = [row for row in rows if row[4][:1] != b"h" and msgpack.unpackb(row[4])["ok"]]
    qtbot.waitUntil(lambda: model.rowCount() == len(wanted), timeout=WAIT_MS)
    shown = [model.message_at(row).frames[0] for row in range(model.rowCount())]
    assert shown == [row[4] for row in wanted]
