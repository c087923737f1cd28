"""Edit > Preferences: theme, time format, numbering, store caps, the history on disk, new
sockets' MAXMSGSIZE, the traffic table's font size, and what opening a workspace does with
the traffic.

Every typed value is checked as it is typed (core.preferences): a problem shows in words
under its field and OK and Apply stay disabled until it is fixed, so nothing half-valid is
ever applied. OK and Apply store the values in QSettings and announce them
(``preferences_applied``); the window applies them at once. The theme only announces its
name (``theme_chosen``) when it changed: whoever owns the look applies it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.message_time import TIME_FORMAT_NAMES, TIME_FORMAT_TIPS, TIME_FORMATS
from zinspect.core.preferences import (
    MAX_FONT_POINTS,
    MIN_FONT_POINTS,
    Preferences,
    automatic_history_text,
    check_history_gib,
    check_max_messages,
    check_max_mib,
    check_maxmsgsize,
    defaults,
    max_messages_bound,
    max_mib_bound,
    size_text,
)
from zinspect.ui.preferences import preferences_settings
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.inputs import make_line_edit
from zinspect.ui.widgets.theme import set_style
from zinspect.ui.workspace.traffic_on_open import ALWAYS, ASK, NEVER

log = logging.getLogger(__name__)

THEME_NAMES = {"system": "System", "light": "Light", "dark": "Dark"}
NUMBERING_NAMES = {1: "From 1 (like Wireshark)", 0: "From 0"}
CLEAR_NAMES = {ASK: "Ask", ALWAYS: "Clear the traffic", NEVER: "Keep the traffic"}


def system_font_points() -> int:
    """The point size the traffic table has when no preference is set."""
    size = QApplication.font().pointSize()
    return size if size > 0 else 9


def _combo(name: str, tip: str, items: Mapping[Any, str]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    for data, text in items.items():
        combo.addItem(text, data)
    return combo


def one_label_column(forms: list[QFormLayout]) -> None:
    """Every group's fields start at one x: each form lays out its own label column, so the
    fields of six groups started at six places and the dialog read as ragged."""
    labels = [
        label
        for form in forms
        for row in range(form.rowCount())
        if (item := form.itemAt(row, QFormLayout.ItemRole.LabelRole)) is not None
        and isinstance(label := item.widget(), QLabel)
    ]
    width = max((label.sizeHint().width() for label in labels), default=0)
    for label in labels:
        label.setMinimumWidth(width)


def _note(text: str) -> QLabel:
    label = QLabel(text)
    set_style(label, NOTE_TEMPLATE)
    return label


class PreferencesDialog(QDialog):
    """The preferences, read from and written to ``settings``; opened with ``open()``."""

    preferences_applied = Signal(object)  # core.preferences.Preferences, stored already
    theme_chosen = Signal(str)  # "system", "light" or "dark", when it changed

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferences_dialog")
        self.setAccessibleName("Preferences")
        self._settings = settings
        self._build()
        self._connect()
        self.reload()

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.theme_combo = _combo(
            "Theme", "Colours of the window: the system's, or always light or dark", THEME_NAMES
        )
        self.font_spin = QSpinBox()
        self.font_spin.setRange(MIN_FONT_POINTS, MAX_FONT_POINTS)
        self.font_spin.setSuffix(" pt")
        self.font_spin.setAccessibleName("Traffic table font size")
        self.font_spin.setToolTip(
            f"Text size of the traffic table, in points (the system's is "
            f"{system_font_points()} pt); rows grow and shrink with it"
        )
        look = QFormLayout()
        look.addRow("&Theme:", self.theme_combo)
        look.addRow("Traffic table &font size:", self.font_spin)

        self.time_combo = _combo(
            "Time format",
            "How the traffic table's Time column and the Message pane show a message's time",
            TIME_FORMAT_NAMES,
        )
        for index, key in enumerate(TIME_FORMATS):
            self.time_combo.setItemData(index, TIME_FORMAT_TIPS[key], Qt.ItemDataRole.ToolTipRole)
        self.numbering_combo = _combo(
            "Message numbering",
            "The number of the first message, in the table's No. column, the Message pane, "
            "file names and exports",
            NUMBERING_NAMES,
        )
        traffic = QFormLayout()
        traffic.addRow("T&ime:", self.time_combo)
        traffic.addRow("&Number messages:", self.numbering_combo)

        self.max_messages_edit, self.max_messages_error = self._field(
            "Maximum messages",
            f"The most messages kept in memory: at least 1,000, at most "
            f"{max_messages_bound():,} on this machine; the oldest go first",
        )
        self.max_mib_edit, self.max_mib_error = self._field(
            "Maximum memory in MiB",
            f"The most memory kept messages may take, in MiB: at least 16, at most "
            f"{max_mib_bound():,} (half of this machine's memory)",
        )
        caps = QFormLayout()
        caps.addRow("Maximum &messages:", self.max_messages_edit)
        caps.addRow(_reserved(self.max_messages_error))
        caps.addRow("Maximum memory (&MiB):", self.max_mib_edit)
        caps.addRow(_reserved(self.max_mib_error))
        caps.addRow("", _note("Lower caps drop the oldest messages at once."))

        self.history_check = QCheckBox("&Keep history on disk")
        self.history_check.setAccessibleName("Keep history on disk")
        self.history_check.setToolTip(
            "Keep every message of the session in a temporary folder, so the table scrolls "
            "back to the first one and the filter searches them all; removed on exit"
        )
        self.history_edit, self.history_error = self._field(
            "History disk cap in GiB",
            "The most disk the history may take, in GiB; past it the oldest messages go. "
            "Empty: the smaller of 20 GiB and a tenth of the free space",
        )
        self.history_edit.setPlaceholderText(automatic_history_text())
        history = QFormLayout()
        history.addRow("", self.history_check)
        history.addRow("Disk cap (&GiB):", self.history_edit)
        history.addRow(_reserved(self.history_error))
        history.addRow(
            "",
            _note("On: it keeps what arrives from then on. Off: what only it kept goes."),
        )

        self.maxmsgsize_edit, self.maxmsgsize_error = self._field(
            "Default MAXMSGSIZE",
            "The largest message a new socket accepts (libzmq's MAXMSGSIZE): a peer sending "
            "more is disconnected. Such as 256 MiB, 64 KiB or 1048576",
        )
        sockets = QFormLayout()
        sockets.addRow("Default MA&XMSGSIZE:", self.maxmsgsize_edit)
        sockets.addRow(_reserved(self.maxmsgsize_error))
        sockets.addRow(
            "", _note("For sockets created from now on; a socket's Options tab changes its own.")
        )

        self.clear_combo = _combo(
            "Traffic when opening",
            "What happens to the traffic table when a workspace or a demo opens (Keep still "
            "asks when a new socket has a name the kept traffic has: the two would mix)",
            CLEAR_NAMES,
        )
        opening = QFormLayout()
        opening.addRow("Tr&affic of the previous one:", self.clear_combo)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        self.ok_button = self._button(QDialogButtonBox.StandardButton.Ok, "Apply and close")
        self.apply_button = self._button(QDialogButtonBox.StandardButton.Apply, "Apply now")
        self.cancel_button = self._button(
            QDialogButtonBox.StandardButton.Cancel, "Close without applying"
        )
        self.defaults_button = self._button(
            QDialogButtonBox.StandardButton.RestoreDefaults,
            "Put every field back to its default (applied with OK or Apply)",
        )

        layout = QVBoxLayout(self)
        # grows as a problem shows under a field, so nothing below it is cut off
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        groups = (
            ("Look", look),
            ("Traffic table and Message pane", traffic),
            ("Store caps", caps),
            ("History on disk", history),
            ("New sockets", sockets),
            ("Opening a workspace or demo", opening),
        )
        one_label_column([form for _title, form in groups])
        for title, form in groups:
            box = QGroupBox(title)
            box.setLayout(form)
            box.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 72)
            layout.addWidget(box)
        layout.addWidget(self.buttons)

    def _field(self, name: str, tip: str) -> tuple[QLineEdit, QLabel]:
        edit = make_line_edit(name, tip)
        edit.setClearButtonEnabled(False)
        return edit, error_label(f"{name} problem")

    def _button(self, which: QDialogButtonBox.StandardButton, tip: str) -> QPushButton:
        button = self.buttons.button(which)
        button.setToolTip(tip)
        button.setAccessibleName(button.text().replace("&", ""))
        return button

    def _connect(self) -> None:
        for edit in (
            self.max_messages_edit,
            self.max_mib_edit,
            self.maxmsgsize_edit,
            self.history_edit,
        ):
            edit.textChanged.connect(self._on_field_text_changed)
        self.history_check.toggled.connect(self.history_edit.setEnabled)
        self.buttons.clicked.connect(self._on_buttons_clicked)

    # -- values ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Show what is stored (opening again forgets edits that were not applied)."""
        self.show_values(preferences_settings.load(self._settings))

    def show_values(self, preferences: Preferences) -> None:
        _select(self.theme_combo, preferences.theme)
        self.font_spin.setValue(preferences.table_font_points or system_font_points())
        _select(self.time_combo, preferences.time_format)
        _select(self.numbering_combo, preferences.number_from)
        self.max_messages_edit.setText(f"{preferences.max_messages:,}")
        self.max_mib_edit.setText(str(preferences.max_mib))
        self.maxmsgsize_edit.setText(size_text(preferences.default_maxmsgsize))
        _select(self.clear_combo, preferences.clear_on_open)
        self.history_check.setChecked(preferences.keep_history)
        self.history_edit.setEnabled(preferences.keep_history)
        self.history_edit.setText(str(preferences.history_gib) if preferences.history_gib else "")
        self._check()

    def values(self) -> Preferences | None:
        """The preferences as typed, or None while a field has a problem."""
        max_messages, _ = check_max_messages(self.max_messages_edit.text())
        max_mib, _ = check_max_mib(self.max_mib_edit.text())
        maxmsgsize, _ = check_maxmsgsize(self.maxmsgsize_edit.text())
        history_gib, _ = check_history_gib(self.history_edit.text())
        if None in (max_messages, max_mib, maxmsgsize, history_gib):
            return None
        assert max_messages is not None and max_mib is not None and maxmsgsize is not None
        assert history_gib is not None
        points = self.font_spin.value()
        return Preferences(
            theme=str(self.theme_combo.currentData()),
            time_format=str(self.time_combo.currentData()),
            number_from=int(self.numbering_combo.currentData()),
            max_messages=max_messages,
            max_mib=max_mib,
            default_maxmsgsize=maxmsgsize,
            # the system's size stays "the system's", should it change
            table_font_points=0 if points == system_font_points() else points,
            clear_on_open=str(self.clear_combo.currentData()),
            keep_history=self.history_check.isChecked(),
            history_gib=history_gib,
        )

    def _check(self) -> bool:
        """Show each field's problem under it; OK and Apply only when there is none."""
        fine = True
        for edit, label, check in (
            (self.max_messages_edit, self.max_messages_error, check_max_messages),
            (self.max_mib_edit, self.max_mib_error, check_max_mib),
            (self.maxmsgsize_edit, self.maxmsgsize_error, check_maxmsgsize),
            (self.history_edit, self.history_error, check_history_gib),
        ):
            value, problem = check(edit.text())
            show_error(label, problem)
            fine = fine and value is not None
        self.ok_button.setEnabled(fine)
        self.apply_button.setEnabled(fine)
        self._fit()
        return fine

    def _fit(self) -> None:
        """Be as tall as the wrapped problems need (the minimum size the layout sets counts
        one line per label, which cut a two-line problem in half), and no taller."""
        layout = self.layout()
        if layout is None or not self.isVisible():
            return
        for box in self.findChildren(QGroupBox):  # a problem just shown or hidden counts
            inner = box.layout()  # at once, not after the next turn of the loop
            if inner is not None:
                inner.activate()
        layout.activate()
        errors = (self.max_messages_error, self.max_mib_error, self.maxmsgsize_error)
        shown = any(label.isVisible() for label in (*errors, self.history_error))
        if shown and self.hasHeightForWidth():  # a problem is shown: it wraps
            wanted = self.heightForWidth(self.width())
        else:
            wanted = self.minimumSizeHint().height()
        if wanted > 0 and wanted != self.height():
            self.resize(self.width(), wanted)

    def _on_field_text_changed(self, _text: str) -> None:
        self._check()

    # -- buttons -----------------------------------------------------------------------------
    def _on_buttons_clicked(self, button: QAbstractButton) -> None:
        if button is self.ok_button:
            if self.apply():
                self.accept()
        elif button is self.apply_button:
            self.apply()
        elif button is self.cancel_button:
            self.reject()
        elif button is self.defaults_button:
            self.show_values(defaults())

    def apply(self) -> bool:
        """Store the values and announce them; False (nothing stored) while one is wrong."""
        preferences = self.values() if self._check() else None
        if preferences is None:
            return False
        previous_theme = preferences_settings.load(self._settings).theme
        preferences_settings.save(self._settings, preferences)
        log.info("preferences applied: %s", preferences)
        self.preferences_applied.emit(preferences)
        if preferences.theme != previous_theme:
            self.theme_chosen.emit(preferences.theme)
        return True


def _select(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    combo.setCurrentIndex(max(0, index))


def _reserved(error: QLabel) -> QWidget:
    """``error`` in a line kept for it while it is hidden: a problem appearing moved every
    field below it down, and the next click meant for one of them landed on the problem."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(error)
    holder.setMinimumHeight(error.fontMetrics().lineSpacing())
    return holder
