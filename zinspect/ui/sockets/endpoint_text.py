"""Endpoint text in labels and menus cut to a readable length, the whole of it in a tooltip.

A word-wrapping label cannot wrap one long word: a label reading "retrying tcp://aaa…" with
a 250-character host asks for a line that wide, and the Sockets dock (which may not be
narrower than its settings) widened the window with it. Words past WORD_MAX characters lose
their middle here, so host and port both stay in sight.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

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


class FittingDelegate(QStyledItemDelegate):
    """Rows no wider than the list's viewport: a list lays a row out as wide as its text
    (a long endpoint got a sideways scroll bar and no ellipsis), so the text is elided as
    the view says (in its middle for endpoints) instead."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(min(size.width(), self._view.viewport().width()), size.height())


def fit_rows(view: QListView) -> None:
    """Cut ``view``'s long rows in their middle to its width (whole in their tooltips)."""
    view.setItemDelegate(FittingDelegate(view))
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setResizeMode(QListView.ResizeMode.Adjust)  # lay rows out again as it resizes
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
