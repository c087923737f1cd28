"""A decoded value as a tree of keys, types and values, built only as far as it is opened.

A decoded frame may be a map of a million keys: the tree makes the items of one level only
when that level is expanded, and at most ``CHILD_LIMIT`` of them, with a last row saying how
many more there are. Each item keeps its value and its path (``$.a[2].b``,
``content.data["text/plain"]``) for the Copy value and Copy path actions. In a frame's tree
the path also reads as a FieldPath (``$.a[2]`` of frame 2 is ``f2.a[2]``), for "Plot this
value" and "Add as column", which the tree asks for with signals (it knows no plot nor table).
"""

from __future__ import annotations

import json
import logging
import re

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from zinspect.core.decode.decoder import value_text
from zinspect.core.explore.fields import FieldPath, PathError, numeric

log = logging.getLogger(__name__)

CHILD_LIMIT = 200  # items made per level; the rest are counted in a "… N more" row
VALUE_LIMIT = 200  # characters of a value shown in its cell
WORDS_OFFERED = 20  # words of a text offered one by one to plot or add as a column
COPY_LIMIT = 16 * 1024 * 1024  # characters Copy value puts on the clipboard at most
COLUMN_KEY, COLUMN_TYPE, COLUMN_VALUE = range(3)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def child_path(parent: str, key: object) -> str:
    """The path of ``parent``'s child ``key``: ``.name`` for a name, ``[2]`` for an index or
    a number key, ``["text/plain"]`` for any other text."""
    if isinstance(key, str):
        if _IDENTIFIER.match(key):
            return f"{parent}.{key}" if parent else key
        return f"{parent}[{json.dumps(key, ensure_ascii=False)}]"
    if isinstance(key, bytes):
        return f"{parent}[0x{key.hex()}]"
    return f"{parent}[{key}]"


def field_path(path: str, frame: int) -> FieldPath | None:
    """The tree's ``path`` (``$.a[2]``) in frame ``frame`` (from 1) as a FieldPath; None
    when it is no frame's path or does not read as one (a bytes key)."""
    if frame < 1 or not path.startswith("$"):
        return None
    try:
        return FieldPath.parse(f"f{frame}{path[1:]}")
    except PathError:
        return None


def type_text(value: object) -> str:
    """What kind of value this is, in JSON's words, with a container's size."""
    if isinstance(value, dict):
        return f"object ({len(value):,} key{'' if len(value) == 1 else 's'})"
    if isinstance(value, (list, tuple)):
        return f"array ({len(value):,})"
    if isinstance(value, bytes):
        return f"bytes ({len(value):,})"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    return type(value).__name__


def copy_text(value: object) -> str:
    """What Copy value gives: text as it is, bytes as hex, a container as JSON (bytes in
    it as hex)."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bytes):
        text = value[: COPY_LIMIT // 3 + 1].hex(" ")
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, indent=2, default=_json_default)
    else:
        text = value_text(value, COPY_LIMIT)
    return text[:COPY_LIMIT]


def _json_default(item: object) -> object:
    return item.hex(" ") if isinstance(item, bytes) else repr(item)


def _children(value: object) -> list[tuple[object, object]] | None:
    """The first CHILD_LIMIT (key, value) pairs of a container; None for a scalar."""
    if isinstance(value, dict):
        pairs: list[tuple[object, object]] = []
        for key, inner in value.items():
            if len(pairs) == CHILD_LIMIT:
                break
            pairs.append((key, inner))
        return pairs
    if isinstance(value, (list, tuple)):
        return list(enumerate(value[:CHILD_LIMIT]))
    return None


class ValueItem(QTreeWidgetItem):
    """An item that keeps its value and path as Python objects (item data would turn a
    dict into a QVariantMap and bytes into a QByteArray)."""

    def __init__(self, key: str, value: object, path: str) -> None:
        super().__init__([key, type_text(value), value_text(value, VALUE_LIMIT)])
        self.value = value
        self.path = path
        self.filled = False
        self.setToolTip(COLUMN_KEY, path)
        if _size(value):  # a container with something in it: children made when expanded
            self.setChildIndicatorPolicy(QTreeWidgetItem.ChildIndicatorPolicy.ShowIndicator)


class DecodedTree(QTreeWidget):
    """Shows one decoded value; right-click an item to copy its value or its path, plot it
    or add it as a table column."""

    plot_requested = Signal(object)  # FieldPath of a numeric value
    column_requested = Signal(object)  # FieldPath

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(3)
        self.setHeaderLabels(["Key", "Type", "Value"])
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setAccessibleName("Decoded value")
        self.setToolTip(
            "The decoded value; expand to see inside; right-click to copy a value or its path "
            "(Ctrl+C: value, Ctrl+Shift+C: path)"
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_self_context_menu_requested)
        self.itemExpanded.connect(self._on_self_item_expanded)
        self._root = "$"
        self.frame = 0  # the frame shown, from 1; 0: no frame (a protocol's fields)
        # the keyboard's way to the same two actions, on the highlighted item
        for text, keys, slot in (
            ("Copy value", QKeySequence.StandardKey.Copy, self._on_copy_value_triggered),
            ("Copy path", QKeySequence("Ctrl+Shift+C"), self._on_copy_path_triggered),
        ):
            action = QAction(text, self)
            action.setShortcut(keys)
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    def set_value(self, value: object, root: str = "$", frame: int = 0) -> None:
        """Show ``value``: a container's children at the top, a scalar as one row.
        ``root`` starts every path ("$" for a frame, "" for a protocol's fields); ``frame``
        is the frame's number (from 1), 0 when the value is no frame's."""
        self.clear()
        self._root = root
        self.frame = frame
        children = _children(value)
        if children is None:
            self.addTopLevelItem(ValueItem("(value)", value, root or "$"))
        else:
            self.addTopLevelItems(_child_items(value, children, root))
        for column in (COLUMN_KEY, COLUMN_TYPE):
            self.resizeColumnToContents(column)

    def _on_self_item_expanded(self, item: QTreeWidgetItem) -> None:
        if not isinstance(item, ValueItem) or item.filled:
            return
        item.filled = True
        item.addChildren(_child_items(item.value, _children(item.value) or [], item.path))
        self.resizeColumnToContents(COLUMN_KEY)

    def item_at_path(self, path: str) -> ValueItem | None:
        """The item made for ``path`` (expanded levels only): what tests and tools look up."""
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if isinstance(item, ValueItem) and item.path == path:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None

    def _on_copy_value_triggered(self) -> None:
        item = self.currentItem()
        if isinstance(item, ValueItem):
            self.copy_value(item)

    def _on_copy_path_triggered(self) -> None:
        item = self.currentItem()
        if isinstance(item, ValueItem):
            self.copy_path(item)

    def copy_value(self, item: ValueItem) -> None:
        QGuiApplication.clipboard().setText(copy_text(item.value))

    def copy_path(self, item: ValueItem) -> None:
        QGuiApplication.clipboard().setText(item.path)

    def _on_self_context_menu_requested(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if isinstance(item, ValueItem):
            self.menu_for(item).popup(self.viewport().mapToGlobal(pos))

    def menu_for(self, item: ValueItem) -> QMenu:
        """The context menu of ``item``."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        value = QAction("Copy value", menu)
        value.setToolTip("Text as it is, bytes as hex, a map or list as JSON")
        value.triggered.connect(lambda checked=False: self.copy_value(item))
        path = QAction("Copy path", menu)
        path.setToolTip(item.path)
        path.triggered.connect(lambda checked=False: self.copy_path(item))
        menu.addAction(value)
        menu.addAction(path)
        menu.addSeparator()
        where = field_path(item.path, self.frame)
        plot = QAction("Plot this value", menu)
        plot.setEnabled(where is not None and numeric(item.value) is not None)
        plot.setToolTip("Plot this field of the messages on this socket and topic over time")
        plot.triggered.connect(lambda checked=False: self.plot_requested.emit(where))
        column = QAction("Add as column", menu)
        column.setEnabled(where is not None)
        column.setToolTip("Show this field of every message in a traffic table column")
        column.triggered.connect(lambda checked=False: self.column_requested.emit(where))
        menu.addAction(plot)
        menu.addAction(column)
        if where is not None and isinstance(item.value, str):
            self._add_word_menus(menu, item.value, where)
        return menu

    def _add_word_menus(self, menu: QMenu, text: str, where: FieldPath) -> None:
        """A text of several words (the weather update "10001 -70 49"): each word is a
        field of its own (``f1[2]`` is "-70"), to plot or add as a column."""
        words = text.split(maxsplit=WORDS_OFFERED)[:WORDS_OFFERED]
        if len(words) < 2:
            return
        plot_words = menu.addMenu("Plot a word")
        column_words = menu.addMenu("Add a word as column")
        for number, word in enumerate(words, 1):
            path = FieldPath(where.frame, (*where.keys, number))
            label = f"word {number}: {word[:24]}"
            if numeric(word) is not None:
                action = plot_words.addAction(label)
                action.triggered.connect(lambda _c=False, p=path: self.plot_requested.emit(p))
            action = column_words.addAction(label)
            action.triggered.connect(lambda _c=False, p=path: self.column_requested.emit(p))
        plot_words.setEnabled(not plot_words.isEmpty())


def _key_text(key: object) -> str:
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return value_text(key, 80) if not isinstance(key, str) else key


def _size(value: object) -> int:
    return len(value) if isinstance(value, (dict, list, tuple)) else 0


def _child_items(
    value: object, children: list[tuple[object, object]], path: str
) -> list[QTreeWidgetItem]:
    items: list[QTreeWidgetItem] = [
        ValueItem(_key_text(key), inner, child_path(path, key)) for key, inner in children
    ]
    more = _size(value) - len(children)
    if more > 0:
        items.append(_more_item(more))
    return items


def _more_item(more: int) -> QTreeWidgetItem:
    item = QTreeWidgetItem([f"… {more:,} more", "", ""])
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    item.setToolTip(COLUMN_KEY, f"Only the first {CHILD_LIMIT} items of a level are shown")
    return item
