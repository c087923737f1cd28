"""One row of the socket options form: the option's name, an editor fitting its kind of
value, its unit, the ⟳ mark, a reset button and room for a red message; and the grid that
lays the rows of one socket type out under their group headers.

The rows hold widgets only: what a value means, and when it applies, is the form's business.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from zinspect.core.sockets.option_catalog import (
    OptionSpec,
    default_text,
    explain,
    format_value,
    options_for,
    parse_value,
)
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label
from zinspect.ui.widgets.theme import set_style

RECREATE_MARK = "⟳"
RESET_GLYPH = "↺"
EDITED_STYLE = "color: {edited};"
HEADER_STYLE = "font-weight: bold; padding-top: 6px;"
# Units as the narrow unit column shows them; the row's name and tooltip say the rest (a
# "connections" or "probes" column would squeeze every field at 320 px).
SHORT_UNITS = {"messages": "msgs", "connections": "", "probes": "", "bytes": ""}
UNIT_WORDS = {"ms": "milliseconds", "s": "seconds", "msgs": "messages"}
FIELD_CHARS = 5  # the least a field shrinks to; it grows with the form


class OptionRow:
    """The widgets of one option: label, editor, unit, ⟳ mark, reset button, error line.
    ``on_edited(row)`` runs when the user changes the value, ``on_return()`` on Enter,
    ``on_reset(name)`` when its reset button is clicked."""

    def __init__(
        self,
        spec: OptionSpec,
        type_name: str,
        on_edited: Callable[[OptionRow], None],
        on_return: Callable[[], None],
        on_reset: Callable[[str], object],
    ) -> None:
        self.spec = spec
        self._baseline: object = None  # the editor's state when it last showed the socket
        tip = explain(spec, type_name)
        # a break opportunity after each underscore: in a narrow dock RECONNECT_IVL_MAX
        # wraps onto two lines instead of pushing the form sideways
        self.label = QLabel(spec.name.replace("_", "_\u200b"))
        self.label.setWordWrap(True)
        self.label.setToolTip(tip)
        self.label.setAccessibleName(f"{spec.name} option")
        self.editor: QLineEdit | QCheckBox | QComboBox
        if spec.kind == "bool":
            self.editor = QCheckBox()
            self.editor.toggled.connect(lambda _on: on_edited(self))
        elif spec.kind == "choice":
            self.editor = QComboBox()
            self.editor.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            self.editor.setMinimumContentsLength(2)
            for value, meaning in spec.special:
                self.editor.addItem(meaning, value)
            self.editor.currentIndexChanged.connect(lambda _index: on_edited(self))
        else:
            self.editor = QLineEdit()
            self.editor.setClearButtonEnabled(False)
            width = self.editor.fontMetrics().horizontalAdvance("0" * FIELD_CHARS) + 12
            self.editor.setMinimumWidth(width)
            self.editor.textEdited.connect(lambda _text: on_edited(self))
            self.editor.returnPressed.connect(on_return)
        self.editor.setToolTip(tip)
        self.editor.setAccessibleName(f"{spec.name} value")
        self.label.setBuddy(self.editor)
        unit = SHORT_UNITS.get(spec.unit, spec.unit) if spec.kind != "size" else ""
        self.unit = QLabel(unit)
        set_style(self.unit, NOTE_TEMPLATE)
        self.unit.setAccessibleName(f"{spec.name} unit")
        self.unit.setToolTip(f"Unit: {UNIT_WORDS.get(unit, unit)}" if unit else "")
        self.mark = QLabel()
        self.mark.setAccessibleName(f"{spec.name} re-creates the socket")
        self.mark_tip = (
            f"{spec.name} only applies to binds and connects made after it is "
            "set: applying it re-creates this socket (it closes, then binds and "
            "connects again; queued messages are dropped)."
        )
        self.mark.setFixedWidth(self.mark.fontMetrics().horizontalAdvance(RECREATE_MARK) + 2)
        self.reset_button = QToolButton()
        self.reset_button.setText(RESET_GLYPH)
        self.reset_button.setAutoRaise(True)
        self.reset_button.setFixedSize(20, 22)
        self.reset_button.setAccessibleName(f"Reset {spec.name}")
        self.reset_button.setToolTip(
            f"Reset {spec.name} to its default ({default_text(spec, type_name)})"
        )
        self.reset_button.clicked.connect(lambda: on_reset(spec.name))
        self.error = error_label(f"{spec.name} error")
        self.error.setToolTip(f"Why this value of {spec.name} cannot be used")
        self._baseline = self.editor_state()

    # -- what the editor holds -----------------------------------------------------------
    def show_value(
        self,
        value: int | bytes | None,
        user_set: bool,
        default: int | bytes | None,
        live: int | bytes | None,
    ) -> None:
        """Show the user's value, or the default (as grey text in a field); not if edited."""
        font = QFont(self.label.font())
        font.setBold(user_set)
        self.label.setFont(font)
        current = value if user_set else (live if live is not None else default)
        editor = self.editor
        editor.blockSignals(True)
        try:
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(current))
            elif isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(current)))
            else:
                editor.setText(
                    format_value(self.spec, value) if user_set and value is not None else ""
                )
                # grey text: the default (the legend says so), or what libzmq reports
                # when that differs (IPV6 turned on for an IPv6 endpoint, say)
                hint = "none" if default is None else format_value(self.spec, default)
                if live is not None and live != default:
                    editor.setPlaceholderText(f"now {format_value(self.spec, live)}")
                else:
                    editor.setPlaceholderText(hint)
        finally:
            editor.blockSignals(False)
        self._baseline = self.editor_state()
        self.set_edited(False)

    def editor_state(self) -> object:
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        return editor.text()

    def is_edited(self) -> bool:
        return self.editor_state() != self._baseline

    def set_edited(self, edited: bool) -> None:
        set_style(self.label, EDITED_STYLE if edited else "")

    def wanted(self) -> int | bytes | None:
        """The value the editor asks for (None: back to the default); OptionValueError."""
        editor = self.editor
        if isinstance(editor, QCheckBox):
            return 1 if editor.isChecked() else 0
        if isinstance(editor, QComboBox):
            return int(editor.currentData())
        text = editor.text()
        if not text.strip():
            return None
        return parse_value(self.spec, text)

    def widgets(self) -> list[QWidget]:
        return [self.label, self.editor, self.unit, self.mark, self.reset_button, self.error]


def option_rows_grid(
    type_name: str,
    on_edited: Callable[[OptionRow], None],
    on_return: Callable[[], None],
    on_reset: Callable[[str], object],
) -> tuple[QWidget, dict[str, OptionRow]]:
    """A fresh grid of ``type_name``'s option rows, grouped under small headers, and the
    rows by option name; the callbacks are OptionRow's."""
    rows: dict[str, OptionRow] = {}
    rows_widget = QWidget()
    rows_widget.setAccessibleName("Option rows")
    grid = QGridLayout(rows_widget)
    grid.setContentsMargins(2, 2, 2, 2)
    grid.setHorizontalSpacing(4)
    grid.setVerticalSpacing(2)
    grid.setColumnStretch(1, 1)
    line = 0
    group = ""
    for spec in options_for(type_name) if type_name else []:
        if spec.group != group:
            group = spec.group
            header = QLabel(group)
            set_style(header, HEADER_STYLE)
            header.setAccessibleName(f"{group} options")
            header.setToolTip(f"Options about {group.lower()}")
            grid.addWidget(header, line, 0, 1, 5)
            line += 1
        row = OptionRow(spec, type_name, on_edited, on_return, on_reset)
        rows[spec.name] = row
        grid.addWidget(row.label, line, 0)
        if isinstance(row.editor, QCheckBox):  # the box itself is what gets clicked
            grid.addWidget(row.editor, line, 1, Qt.AlignmentFlag.AlignLeft)
        elif isinstance(row.editor, QComboBox) and not row.unit.text():
            grid.addWidget(row.editor, line, 1, 1, 2)  # no unit: it may use that room
        else:
            grid.addWidget(row.editor, line, 1)
        if not isinstance(row.editor, QComboBox) or row.unit.text():
            grid.addWidget(row.unit, line, 2)
        else:
            row.unit.setParent(rows_widget)  # empty and out of the grid
            row.unit.hide()
        grid.addWidget(row.mark, line, 3)
        grid.addWidget(row.reset_button, line, 4)
        grid.addWidget(row.error, line + 1, 1, 1, 4)
        line += 2
    if type_name and not rows:
        empty = QLabel(f"No options to show for {type_name}.")
        set_style(empty, NOTE_TEMPLATE)
        empty.setAccessibleName("No options")
        empty.setToolTip("This socket type has none of the options this form offers")
        grid.addWidget(empty, 0, 0, 1, 5)
        line = 1
    grid.setRowStretch(line, 1)
    rows_widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
    return rows_widget, rows
