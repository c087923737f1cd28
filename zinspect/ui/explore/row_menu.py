"""The traffic table's right-click menu: copy rows as text, hex or JSON; compare; filter to the
row's topic, socket or peer; plot; resend; add to saved messages.

Each entry calls the feature that already does the work (CompareActions, the topic chip and
socket chooser of the traffic panel, the Plot dock's dialog, the Message pane's Edit and
resend, the saved messages list); this module only says which message it is about. Copying
many selected rows takes at most COPY_ROWS of them and COPY_LIMIT characters, each
message's frames cut before they are turned into text (a 100 MiB frame's hex was 200 MB of
text before it was cut), and the status says when the copy was cut.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import cast

from PySide6.QtCore import QItemSelectionRange
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from zinspect.core.codecs import frame_summary
from zinspect.core.frames_json import frames_to_json
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.core.store import Message
from zinspect.ui.traffic.traffic_panel import TrafficPanel

log = logging.getLogger(__name__)

COPY_ROWS = 10_000  # selected rows copied at most
COPY_LIMIT = 16 * 1024 * 1024  # characters put on the clipboard at most


def message_text(message: Message) -> str:
    """Frames as UTF-8 text (invalid bytes as \ufffd), one per line."""
    return "\n".join(frame.decode("utf-8", errors="replace") for frame in message.frames)


def message_hex(message: Message) -> str:
    """Frames in hex, one per line."""
    return "\n".join(frame.hex() for frame in message.frames)


def message_json(message: Message) -> str:
    """One JSON object on a line: the frames as the workspace and automations write them
    (text when printable, else hex or base64), with time, socket and direction."""
    frames = frames_to_json(list(message.frames))
    return json.dumps(
        {
            "time": message.time,
            "socket": message.socket,
            "direction": message.direction,
            "frames": frames,
        },
        ensure_ascii=False,
    )


COPY_FORMATS: dict[str, Callable[[Message], str]] = {
    "text": message_text,
    "hex": message_hex,
    "JSON": message_json,
}


@dataclass
class RowActions:
    """What the menu's entries call, given by the composition (ExploreActions)."""

    compare_selected: Callable[[], object]
    compare_previous: Callable[[Message], object]
    filter_topic: Callable[[Message], None]
    peer_address: Callable[[Message], str]  # the host a received message came from, or ""
    filter_peer: Callable[[Message], None]
    plot: Callable[[Message], object]
    resend: Callable[[Message], None]
    save: Callable[[Message], None]
    say: Callable[[str], None]


def selected_messages(traffic: TrafficPanel, limit: int) -> list[Message]:
    """Up to ``limit`` selected rows' messages, in table order (cheap after Ctrl+A)."""
    rows: list[int] = []
    ranges = cast(Iterable[QItemSelectionRange], traffic.view.selectionModel().selection())
    for part in sorted(ranges, key=lambda r: r.top()):
        rows.extend(range(part.top(), min(part.bottom() + 1, part.top() + limit - len(rows))))
        if len(rows) >= limit:
            break
    messages = (traffic.model.message_at(row) for row in rows)
    return [message for message in messages if message is not None]


def cut_message(message: Message, size: int) -> Message:
    """``message`` with at most ``size`` bytes of its frames, the first ones (itself when it
    has no more): hex and JSON give a byte a character or more, so what is cut off could not
    have reached the clipboard (UTF-8 text may give three bytes one: then the copy is said
    to be cut a little early)."""
    if message.size <= size:
        return message
    frames: list[bytes] = []
    for frame in message.frames:
        if size <= 0:
            break
        frames.append(frame[:size])
        size -= len(frames[-1])
    return Message(message.time, message.socket, message.direction, frames)


def copy_messages(messages: list[Message], how: str) -> tuple[str, bool]:
    """The clipboard text of ``messages`` copied as ``how`` (text, hex, JSON); a blank line
    between messages of text or hex, one line each in JSON. At most COPY_LIMIT characters,
    and whether the text was cut there."""
    form = COPY_FORMATS[how]
    parts: list[str] = []
    size = 0
    cut = False
    per_byte = 2 if how == "hex" else 1  # characters a byte gives at least
    for message in messages:
        whole_or_cut = cut_message(message, (COPY_LIMIT - size) // per_byte + 1)
        cut = cut or whole_or_cut is not message
        text = form(whole_or_cut)
        parts.append(text)
        size += len(text) + 2
        if size > COPY_LIMIT:
            break
    joiner = "\n" if how == "JSON" else "\n\n"
    text = joiner.join(parts)
    return text[:COPY_LIMIT], cut or len(text) > COPY_LIMIT


def peer_filter_text(message: Message, socket_type: str) -> str:
    """The filter text that finds a ROUTER's peer: its routing id's bytes ("" elsewhere:
    a host names no single peer, and no filter reads the peer address)."""
    if socket_type.upper() not in ROUTING_ID_TYPES or not message.frames or not message.frames[0]:
        return ""
    return "0x " + message.frames[0][:64].hex(" ")


def build_row_menu(
    parent: QWidget, traffic: TrafficPanel, message: Message, actions: RowActions
) -> QMenu:
    """The menu of ``message``'s row (copy takes every selected row)."""
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)

    def add(text: str, slot: Callable[[], object], tip: str, enabled: bool = True) -> QAction:
        action = menu.addAction(text)
        action.setToolTip(tip)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    for how in COPY_FORMATS:
        copy: Callable[[], object] = partial(_copy, traffic, how, actions.say)
        add(f"Copy as {how}", copy, f"Copy the selected messages as {how} (at most {COPY_ROWS:,})")
    menu.addSeparator()
    two = traffic.selected_row_count() == 2
    add("Compare", actions.compare_selected, "Compare the two selected rows", two)
    add(
        "Compare with previous on topic",
        lambda: actions.compare_previous(message),
        "Compare with the message before it on the same socket and topic",
    )
    menu.addSeparator()
    add(
        "Filter to this topic",
        lambda: actions.filter_topic(message),
        "Show only this socket's messages on this message's topic",
    )
    add(
        f"Filter to socket {message.socket}",
        lambda: traffic.set_socket_filter(message.socket),
        "Show only this socket's traffic",
    )
    # the peer: by routing id on ROUTER and STREAM, else by the host libzmq says a
    # received message came from; no entry where neither is known (inproc, sent messages)
    peer = peer_filter_text(message, traffic.socket_type_of(message.socket))
    host = "" if peer else actions.peer_address(message)
    if peer:
        add(
            f"Filter to peer {frame_summary(message.frames[0])}",
            lambda: _filter_peer(traffic, message, peer),
            "Show this socket's messages that contain the peer's routing id",
        )
    elif host:
        add(
            f"Filter to peer {host}",
            lambda: actions.filter_peer(message),
            f"Show the messages {message.socket} received from {host} (libzmq names a "
            "peer by its host: several connections from one host count as one peer)",
        )
    menu.addSeparator()
    add("Plot…", lambda: actions.plot(message), "Plot a field of this socket and topic")
    add(
        "Resend…",
        lambda: actions.resend(message),
        "Load this message into the composer to edit and send it",
    )
    add(
        "Add to saved messages",
        lambda: actions.save(message),
        "Keep this message in the workspace's saved messages",
    )
    return menu


def _copy(traffic: TrafficPanel, how: str, say: Callable[[str], None]) -> None:
    messages = selected_messages(traffic, COPY_ROWS)
    if not messages:
        return
    text, cut = copy_messages(messages, how)
    QGuiApplication.clipboard().setText(text)
    count = len(messages)
    said = f"Copied {count:,} message{'' if count == 1 else 's'} as {how}"
    if cut:
        said += (
            f", cut at {COPY_LIMIT >> 20} MiB of text: Export filtered… or Save frame… keep "
            "every byte"
        )
    say(said)


def _filter_peer(traffic: TrafficPanel, message: Message, text: str) -> None:
    traffic.set_socket_filter(message.socket)
    traffic.regex_check.setChecked(False)
    traffic.filter_edit.setText(text)  # applied as typed text is, a moment later
