"""Preferences: the fields of every group start at one x. Each group's form laid out its
own label column, so a new user saw six groups whose fields started at six places."""

from __future__ import annotations

from preferences_helpers import open_preferences
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel


def test_the_fields_of_every_group_start_at_one_x(window, qtbot):
    dialog = open_preferences(window, qtbot)
    starts: dict[str, set[int]] = {}
    for box in dialog.findChildren(QGroupBox):
        form = box.layout()
        assert isinstance(form, QFormLayout)
        for row in range(form.rowCount()):
            label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None or not field.widget().isVisible():
                continue  # a row across the whole group (a problem under a field)
            widget = field.widget()
            starts.setdefault(box.title(), set()).add(
                widget.mapTo(dialog, widget.rect().topLeft()).x()
            )
    assert len(starts) == 6, starts
    assert len(set().union(*starts.values())) == 1, starts
    # no label is cut to line them up
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and label.buddy() is not None:
            assert label.width() >= label.sizeHint().width(), label.text()
    dialog.reject()
