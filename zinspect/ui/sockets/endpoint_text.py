"""Endpoint text in labels and menus cut to a readable length, the whole of it in a tooltip.

A word-wrapping label cannot wrap one long word: a label reading "retrying tcp://aaa…" with
a 250-character host asks for a line that wide, and the Sockets dock (which may not be
narrower than its settings) widened the window with it. Words past WORD_MAX characters lose
their middle here, so host and port both stay in sight.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from zinspect.core.sockets.endpoints import shorten

WORD_MAX = 48  # characters of one word (an endpoint) shown before its middle is cut


def clip_words(text: str, limit: int = WORD_MAX) -> str:
    """``text`` with each word longer than ``limit`` characters cut in its middle."""
    if len(text) <= limit:
        return text
    return " ".join(shorten(word, limit) for word in text.split(" "))


def show_clipped(label: QLabel, text: str, usual_tip: str) -> None:
    """Show ``text`` clipped in ``label``; its tooltip holds the whole text when it was
    clipped, else ``usual_tip``."""
    shown = clip_words(text)
    label.setText(shown)
    label.setToolTip(text if shown != text else usual_tip)
