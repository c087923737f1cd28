"""The typed socket options form: one row per option that matters for the selected socket.

Each row has the option's name (bold once the user has set it), an editor fitting the kind
of value (a field whose grey text is the default, a check box, a choice), its unit, a ⟳ mark
when applying it re-creates the socket (an option libzmq reads only at bind/connect time, on
a socket that already has endpoints), a reset button, and room for a red message under it.
The tooltip of each row is the whole story from core.option_catalog. The rows' widgets and
their grid are in option_row; this form decides what they show and applies what they ask.

Edits wait for Apply (or Enter in a field) so several go in together and re-create the
socket at most once; a re-creation is done, not offered, because a value that silently does
not apply is worse than a reconnect the user is told about in the line under the rows. Reset
(per row or for the form) puts zinspect's default back and forgets the option, so workspaces
stop saving it. Values come from ``handle.options`` (what the user set); otherwise the field
is empty and shows the default, or the live value when libzmq reports a different one.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.keys.secret_values import is_secret_option
from zinspect.core.sockets.option_apply import ApplyOutcome, apply_options
from zinspect.core.sockets.option_catalog import (
    OptionValueError,
    effective_default,
    read_live,
)
from zinspect.core.sockets.session import heading_name
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.option_row import RECREATE_MARK, OptionRow, option_rows_grid
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE, NOTE_TEMPLATE, show_error
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

CHANGE_COALESCE_MS = 100
DONE_STYLE = "color: {success};"
LEGEND = "Grey: default; bold: set by you."
LEGEND_MARK = f" {RECREATE_MARK}: applying re-creates the socket, which has endpoints."


class OptionsForm(QWidget):
    """The options of one socket. ``set_socket`` chooses it; the form follows the bridge."""

    option_applied = Signal(object, str)  # (SocketHandle, option name) after it was set/reset

    def __init__(
        self, bridge: SessionBridge, parent: QWidget | None = None, *, scrolling: bool = True
    ) -> None:
        """``scrolling`` False leaves the rows unscrolled, for a parent that scrolls."""
        super().__init__(parent)
        self.bridge = bridge
        self._handle: SocketHandle | None = None
        self._type_shown = ""
        self._rows: dict[str, OptionRow] = {}
        self._applying = False
        self._refresh_due = False
        self.setAccessibleName("Socket options")

        self.title_label = QLabel()
        self.title_label.setAccessibleName("Options of")
        self.title_label.setToolTip("The socket these options belong to")
        self.title_label.setWordWrap(True)
        set_style(self.title_label, "font-weight: bold;")
        self.legend_label = QLabel()
        self.legend_label.setWordWrap(True)
        set_style(self.legend_label, NOTE_TEMPLATE)
        self.legend_label.setAccessibleName("Options legend")
        self.legend_label.setToolTip(
            "Grey values are the defaults (hover a row for the "
            "details). libzmq reads options marked "
            f"{RECREATE_MARK} when a bind or connect is made: "
            "zinspect closes the socket and binds and connects it "
            "again so they apply, and tells you below"
        )
        self.rows_widget = QWidget()
        self.rows_widget.setAccessibleName("Option rows")
        # (hides QWidget.scroll(dx, dy), which nothing calls on this form)
        self.scroll: QScrollArea | None = None  # type: ignore[assignment]
        if scrolling:
            self.scroll = QScrollArea()
            self.scroll.setWidgetResizable(True)
            self.scroll.setFrameShape(QFrame.Shape.NoFrame)
            self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.scroll.setAccessibleName("Socket options list")
            self.scroll.setWidget(self.rows_widget)
        self.other_label = QLabel()
        self.other_label.setWordWrap(True)
        set_style(self.other_label, NOTE_TEMPLATE)
        self.other_label.setAccessibleName("Other options set")
        self.other_label.setToolTip(
            "Options set on this socket (from a workspace) that this "
            "form does not offer for its type; they stay as they are"
        )
        self.other_label.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setAccessibleName("Options status")
        self.status_label.setToolTip("What the last Apply or Reset did")
        self.status_label.hide()
        self.apply_button = QPushButton("Apply")
        self.apply_button.setAccessibleName("Apply options")
        self.apply_button.setToolTip(
            "Set the edited options (Enter in a field). Options "
            f"marked {RECREATE_MARK} re-create the socket so they "
            "apply."
        )
        self.revert_button = QPushButton("Revert")
        self.revert_button.setAccessibleName("Revert option edits")
        self.revert_button.setToolTip(
            "Forget the edits not applied yet and show the socket's values again"
        )
        self.reset_all_button = QPushButton("Reset all")
        self.reset_all_button.setAccessibleName("Reset all options")
        self.reset_all_button.setToolTip(
            "Put every option you set on this socket back to its "
            "default (re-creates the socket if one needs it)"
        )
        for button in (self.apply_button, self.revert_button, self.reset_all_button):
            # narrower than the style's default minimum, so the sockets dock can be narrow
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(button.text()) + 24)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.legend_label)
        layout.addWidget(self.scroll if self.scroll is not None else self.rows_widget, 1)
        layout.addWidget(self.other_label)
        layout.addWidget(self.status_label)
        layout.addLayout(buttons)

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(CHANGE_COALESCE_MS)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        self.revert_button.clicked.connect(self._on_revert_button_clicked)
        self.reset_all_button.clicked.connect(self._on_reset_all_button_clicked)
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        self.set_socket(None)

    # -- public ----------------------------------------------------------------------------
    def socket(self) -> SocketHandle | None:
        return self._handle

    def set_socket(self, handle: SocketHandle | None) -> None:
        """Show the options of ``handle`` (None: no socket); unapplied edits are dropped."""
        changed = handle is not self._handle
        self._handle = handle
        type_name = handle.type_name if handle is not None else ""
        if changed or type_name != self._type_shown:
            self._build_rows(type_name)
            self.show_status("")
        self.refresh()

    def row(self, name: str) -> OptionRow | None:
        return self._rows.get(name)

    def shown_options(self) -> list[str]:
        return list(self._rows)

    def edited_options(self) -> list[str]:
        return [name for name, row in self._rows.items() if row.is_edited()]

    def refresh(self) -> None:
        """Show the socket's values in every row that has no edit waiting."""
        self._refresh_timer.stop()
        self._refresh_due = False
        handle = self._handle
        usable = handle is not None and not handle.closed
        options = handle.options if handle is not None else {}
        if handle is None:
            self.title_label.setText("Select a socket to see its options.")
        else:
            state = " (closed)" if handle.closed else ""
            shown = heading_name(handle.name)
            self.title_label.setText(f"Options of {shown} ({handle.type_name}){state}")
        recreating = usable and handle is not None and bool(handle.endpoints)
        any_mark = False
        for name, row in self._rows.items():
            if handle is not None and not row.is_edited():
                self._show_row(row, handle)
            needs = recreating and row.spec.new_connections_only
            row.mark.setText(RECREATE_MARK if needs else "")
            row.mark.setToolTip(row.mark_tip if needs else "")
            any_mark = any_mark or needs
            row.reset_button.setEnabled(usable and (name in options or row.is_edited()))
            row.editor.setEnabled(usable)
        self.legend_label.setText(LEGEND + (LEGEND_MARK if any_mark else ""))
        self.legend_label.setVisible(handle is not None)
        others = sorted(set(options) - set(self._rows))
        self.other_label.setText(
            "Also set on this socket: "
            + ", ".join(
                f"{name} = {'(secret)' if is_secret_option(name) else repr(options[name])}"
                for name in others
            )
            if others
            else ""
        )
        self.other_label.setVisible(bool(others))
        self._update_buttons()

    def apply(self) -> ApplyOutcome | None:
        """Apply every edited row; invalid values are shown beside their field and nothing
        changes. Returns what apply_options did (None when nothing was applied)."""
        handle = self._handle
        if handle is None or handle.closed:
            return None
        changes: dict[str, int | bytes | None] = {}
        bad = []
        for name, row in self._rows.items():
            if not row.is_edited():
                continue
            try:
                changes[name] = row.wanted()
                show_error(row.error, "")
            except OptionValueError as error:
                show_error(row.error, str(error))
                bad.append(row)
        if bad:
            log.info(
                "%s: option values refused: %s",
                handle.name,
                ", ".join(row.spec.name for row in bad),
            )
            self.show_status(
                "Nothing was changed: correct the "
                f"{'values' if len(bad) > 1 else 'value'} marked in red first.",
                error=True,
            )
            bad[0].editor.setFocus()
            return None
        if not changes:
            return None
        return self._run(handle, changes)

    def reset_option(self, name: str) -> ApplyOutcome | None:
        """Back to the default: forget an edit, or unset an option the user had set."""
        handle, row = self._handle, self._rows.get(name)
        if handle is None or row is None or handle.closed:
            return None
        show_error(row.error, "")
        if name not in handle.options:
            self._show_row(row, handle)
            self._update_buttons()
            return None
        return self._run(handle, {name: None})

    def reset_all(self) -> ApplyOutcome | None:
        handle = self._handle
        if handle is None or handle.closed:
            return None
        names = [name for name in self._rows if name in handle.options]
        for row in self._rows.values():
            show_error(row.error, "")
        if not names:
            self.refresh_rows_now()
            self.show_status("Every option here is at its default already.")
            return None
        return self._run(handle, dict.fromkeys(names))

    def revert(self) -> None:
        for row in self._rows.values():
            show_error(row.error, "")
        self.refresh_rows_now()
        self.show_status("")

    def refresh_rows_now(self) -> None:
        """Show the socket's values in every row, dropping edits."""
        if self._handle is not None:
            for row in self._rows.values():
                self._show_row(row, self._handle)
        self.refresh()

    def show_status(self, text: str, *, error: bool = False, done: bool = False) -> None:
        self.status_label.setText(text)
        set_style(self.status_label, ERROR_TEMPLATE if error else DONE_STYLE if done else "")
        self.status_label.setVisible(bool(text))

    # -- internals -------------------------------------------------------------------------
    def _run(self, handle: SocketHandle, changes: dict[str, int | bytes | None]) -> ApplyOutcome:
        self._applying = True
        try:
            outcome = apply_options(handle, changes)
        finally:
            self._applying = False
        for name, message in outcome.errors.items():
            row = self._rows.get(name)
            if row is not None:
                show_error(row.error, message)
        for name in outcome.applied:
            row = self._rows.get(name)
            if row is not None:
                self._show_row(row, handle)
        self.refresh()
        self.show_status(
            outcome.message,
            error=bool(outcome.errors or outcome.problems),
            done=not (outcome.errors or outcome.problems),
        )
        for name in outcome.applied:
            self.option_applied.emit(handle, name)
        return outcome

    def _show_row(self, row: OptionRow, handle: SocketHandle) -> None:
        spec = row.spec
        user_set = spec.name in handle.options
        live = None if handle.closed else read_live(spec, handle.socket)
        row.show_value(
            handle.options.get(spec.name), user_set, effective_default(spec, handle.type_name), live
        )

    def _build_rows(self, type_name: str) -> None:
        """A fresh grid for ``type_name``'s options, grouped under small headers."""
        self._type_shown = type_name
        rows_widget, self._rows = option_rows_grid(
            type_name, self._on_row_edited, self._on_row_return_pressed, self.reset_option
        )
        if self.scroll is not None:
            self.scroll.setWidget(rows_widget)  # deletes the previous grid
        else:
            layout = self.layout()
            assert layout is not None  # made in __init__
            layout.replaceWidget(self.rows_widget, rows_widget)
            self.rows_widget.deleteLater()
            rows_widget.show()  # a child added after its parent was shown stays hidden
        self.rows_widget = rows_widget

    def _update_buttons(self) -> None:
        handle = self._handle
        usable = handle is not None and not handle.closed
        options = handle.options if handle is not None else {}
        edited = usable and any(row.is_edited() for row in self._rows.values())
        self.apply_button.setEnabled(edited)
        self.apply_button.setDefault(edited)
        self.revert_button.setEnabled(edited)
        self.reset_all_button.setEnabled(usable and any(name in options for name in self._rows))
        for row in self._rows.values():
            row.set_edited(row.is_edited())
            row.reset_button.setEnabled(usable and (row.is_edited() or row.spec.name in options))

    # -- slots -----------------------------------------------------------------------------
    def _on_row_edited(self, row: OptionRow) -> None:
        show_error(row.error, "")  # the message was about the value being replaced
        self._update_buttons()

    def _on_row_return_pressed(self) -> None:
        self.apply()

    def _on_apply_button_clicked(self) -> None:
        self.apply()

    def _on_revert_button_clicked(self) -> None:
        self.revert()

    def _on_reset_all_button_clicked(self) -> None:
        self.reset_all()

    def _on_bridge_socket_changed(self, handle: SocketHandle) -> None:
        if handle is not self._handle or self._applying:
            return
        self._refresh_due = True
        if self.isVisible() and not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        if handle is self._handle:
            self.refresh()  # shows it closed; the panel selects another socket

    def _on_refresh_timer_timeout(self) -> None:
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._refresh_due:
            self.refresh()
