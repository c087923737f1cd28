"""Compact read-only lists (endpoints, subscriptions, keys, users) and their selection."""

from __future__ import annotations

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QListView


def short_list_view(model: QStandardItemModel, name: str, tip: str, max_height: int) -> QListView:
    """A compact read-only single-selection list (endpoints, subscriptions)."""
    view = QListView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setToolTip(tip)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setUniformItemSizes(True)
    view.setMaximumHeight(max_height)
    return view


def selected_data(view: QListView, role: int) -> object | None:
    """The ``role`` data of the selected row (None when nothing is selected)."""
    index = view.currentIndex()
    if not index.isValid() or not view.selectionModel().isSelected(index):
        return None
    data: object = index.data(role)
    return data
