"""The frame list's "Decode frame N as…" menu: a decode rule for this socket and frame in one
click, with the topic when the message's first frame is one.

The rule goes first in the socket's list (replacing one for the same topic and frame), so it
wins over broader rules the user set before; the rules editor of the socket's panel shows it
and edits it like any other. A decoder that needs a schema (protobuf) opens that editor with
the rule filled in instead, for the schema file and message type.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from zinspect.core.codecs import printable_text
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.frame_decoders import DECODERS
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.rule_form import needs_schema
from zinspect.core.store import Message

log = logging.getLogger(__name__)

TOPIC_TYPES = frozenset(("PUB", "SUB", "XPUB", "XSUB"))
AUTOMATIC = "Automatic (no rule)"


def message_topic(message: Message, socket_type: str) -> str | None:
    """The topic a rule for this message should name: the first frame of a multi-frame
    publish-subscribe message, when it is text; None otherwise."""
    if socket_type.upper() not in TOPIC_TYPES or len(message.frames) < 2:
        return None
    return printable_text(message.frames[0]) or None


def quick_rule(
    decoder: MessageDecoder, message: Message, socket_type: str, number: int, name: str | None
) -> DecodeRule | None:
    """Make frame ``number`` (from 1) of ``message``'s socket decode with ``name`` (None:
    remove the rule, back to the automatic guess). Returns the rule made."""
    topic = message_topic(message, socket_type) if number > 1 else None
    kept = [
        rule
        for rule in decoder.rules(message.socket)
        if not (rule.frame == number and rule.topic == topic)
    ]
    rule = DecodeRule(name, topic=topic, frame=number) if name is not None else None
    decoder.set_rules(message.socket, ([rule] if rule else []) + kept)
    log.info("decode rule for %s frame %d: %s", message.socket, number, rule)
    return rule


def decode_as_menu(
    parent: QWidget,
    decoder: MessageDecoder,
    message: Message,
    socket_type: str,
    number: int,
    done: Callable[[], None],
    complete: Callable[[DecodeRule], None],
) -> QMenu:
    """The "Decode frame N as" submenu: every decoder there is now, and Automatic."""
    topic = message_topic(message, socket_type) if number > 1 else None
    where = f"frame {number} of {message.socket}'s messages" + (
        f" with topic {topic!r}" if topic else ""
    )
    menu = QMenu(f"Decode frame {number} as", parent)
    menu.setToolTipsVisible(True)
    current = next(
        (
            rule.decoder
            for rule in decoder.rules(message.socket)
            if rule.frame == number and rule.topic == topic
        ),
        None,
    )
    for name in [None, *sorted(DECODERS)]:
        action = QAction(name or AUTOMATIC, menu)
        action.setCheckable(True)
        action.setChecked(name == current)
        action.setToolTip(
            f"Decode {where} with {name}" if name else f"Remove the rule for {where}: guess"
        )
        if name is not None and needs_schema(name):
            action.setText(f"{name}…")
            action.setToolTip(f"Choose the schema to decode {where} with {name}")

        def chosen(checked: bool = False, name: str | None = name) -> None:
            if name is not None and needs_schema(name):
                complete(DecodeRule(name, topic=topic, frame=number))
                return
            quick_rule(decoder, message, socket_type, number, name)
            done()

        action.triggered.connect(chosen)
        menu.addAction(action)
    return menu
