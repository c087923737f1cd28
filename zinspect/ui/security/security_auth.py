"""Who may connect to a server socket (ZAP authentication): the part of the security form
with the address lists, the allowed CURVE client keys (a list, or a directory of
certificates) and the PLAIN users.

It edits an ``AuthSpec`` and checks what is typed as it is added (a key in Z85, an address
or network), with the message under the field; the whole spec is checked again by the
security form before it is applied.
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QFontDatabase, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.keys.curve_keys import KeyFormatError, check_key, load_public_keys
from zinspect.core.security.authenticator import AuthSpec, parse_address
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.inputs import make_button, make_line_edit
from zinspect.ui.widgets.lists import selected_data, short_list_view
from zinspect.ui.widgets.theme import outline_tick_box, set_style

log = logging.getLogger(__name__)

ValueRole = Qt.ItemDataRole.UserRole + 1
PasswordRole = Qt.ItemDataRole.UserRole + 2
_SEPARATORS = re.compile(r"[\s,;]+")


def split_addresses(text: str) -> list[str]:
    """The entries of an address field: separated by commas, semicolons or blanks."""
    return [part for part in _SEPARATORS.split(text.strip()) if part]


class AuthEditor(QGroupBox):
    """A checkable group: ticked, the server socket authenticates its clients."""

    edited = Signal()  # a key, user or directory was added or removed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Authenticate clients (ZAP)", parent)
        self.setCheckable(True)
        self.setChecked(False)
        outline_tick_box(self)
        self.setAccessibleName("Authenticate clients")
        self.setToolTip(
            "Let zinspect's authenticator decide who may connect to this socket. "
            "Denied clients show in the events timeline with the reason."
        )
        self._mechanism = "NULL"
        self._dialog: QFileDialog | None = None
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        self.allow_edit = make_line_edit(
            "Allowed addresses",
            "Only these IP addresses or networks may connect (separate "
            "them with commas); empty: any address",
            "any, or e.g. 127.0.0.1, 10.0.0.0/8",
        )
        self.deny_edit = make_line_edit(
            "Denied addresses",
            "These IP addresses or networks may never connect (separate "
            "them with commas); they win over the allowed list",
            "none, or e.g. 10.0.0.5",
        )
        self.address_error_label = error_label("Address list error")

        # -- CURVE client keys ------------------------------------------------------------------
        self.keys_model = QStandardItemModel(self)
        self.keys_view = short_list_view(
            self.keys_model,
            "Allowed client keys",
            "The CURVE public keys of the clients allowed to connect",
            80,
        )
        self.keys_view.setFont(mono)
        self.key_edit = make_line_edit(
            "Client public key",
            "A client's CURVE public key: 40 Z85 characters (Enter adds it)",
            "client public key (Z85)",
        )
        self.key_edit.setFont(mono)
        self.add_key_button = make_button(
            "Add key", "Add client key", "Allow the client with this public key"
        )
        self.remove_key_button = make_button(
            "Remove key", "Remove client key", "Stop allowing the selected client key"
        )
        self.key_error_label = error_label("Client key error")
        self.directory_edit = make_line_edit(
            "Client certificate directory",
            "A directory of client certificates (*.key, "
            "pyzmq's format): every public key in it is allowed; read again when it changes",
            "optional: a directory of *.key files",
        )
        self.directory_button = make_button(
            "Choose…",
            "Choose client certificate directory",
            "Choose the directory of client certificates",
        )
        self.directory_error_label = error_label("Client certificate directory error")
        self.keys_note = QLabel("No keys and no directory: any client key is accepted.")
        set_style(self.keys_note, NOTE_TEMPLATE)
        self.keys_note.setWordWrap(True)
        self.keys_note.setAccessibleName("Client keys note")
        self.keys_note.setToolTip("What the authenticator does with the keys listed here")

        self.curve_box = QWidget()
        curve_layout = QVBoxLayout(self.curve_box)
        curve_layout.setContentsMargins(0, 0, 0, 0)
        curve_layout.addWidget(QLabel("Allowed client keys:"))
        curve_layout.addWidget(self.keys_view)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.add_key_button)
        curve_layout.addLayout(key_row)
        remove_key_row = QHBoxLayout()
        remove_key_row.addWidget(self.remove_key_button)
        remove_key_row.addStretch(1)
        curve_layout.addLayout(remove_key_row)
        curve_layout.addWidget(self.key_error_label)
        curve_layout.addWidget(QLabel("Or allow the certificates in a directory:"))
        directory_row = QHBoxLayout()
        directory_row.addWidget(self.directory_edit, 1)
        directory_row.addWidget(self.directory_button)
        curve_layout.addLayout(directory_row)
        curve_layout.addWidget(self.directory_error_label)
        curve_layout.addWidget(self.keys_note)

        # -- PLAIN users --------------------------------------------------------------------------
        self.users_model = QStandardItemModel(self)
        self.users_view = short_list_view(
            self.users_model, "PLAIN users", "The users who may connect with PLAIN", 80
        )
        self.user_name_edit = make_line_edit(
            "User name", "The PLAIN user name to allow", "user name"
        )
        self.user_password_edit = make_line_edit(
            "User password", "That user's password (Enter adds the user)", "password"
        )
        self.user_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.add_user_button = make_button(
            "Add user",
            "Add PLAIN user",
            "Allow this user with this password (an existing user gets the new password)",
        )
        self.remove_user_button = make_button(
            "Remove user", "Remove PLAIN user", "Stop allowing the selected user"
        )
        self.user_error_label = error_label("PLAIN user error")
        self.users_note = QLabel("No users: any name and password are accepted.")
        set_style(self.users_note, NOTE_TEMPLATE)
        self.users_note.setWordWrap(True)
        self.users_note.setAccessibleName("PLAIN users note")
        self.users_note.setToolTip("What the authenticator does with the users listed here")

        self.plain_box = QWidget()
        plain_layout = QVBoxLayout(self.plain_box)
        plain_layout.setContentsMargins(0, 0, 0, 0)
        plain_layout.addWidget(QLabel("Allowed users:"))
        plain_layout.addWidget(self.users_view)
        user_row = QHBoxLayout()
        user_row.addWidget(self.user_name_edit, 1)
        user_row.addWidget(self.user_password_edit, 1)
        plain_layout.addLayout(user_row)
        user_buttons = QHBoxLayout()
        user_buttons.addWidget(self.add_user_button)
        user_buttons.addWidget(self.remove_user_button)
        user_buttons.addStretch(1)
        plain_layout.addLayout(user_buttons)
        plain_layout.addWidget(self.user_error_label)
        plain_layout.addWidget(self.users_note)

        self.error_label = error_label("Authentication error")
        addresses = QFormLayout()
        addresses.addRow("Allow:", self.allow_edit)
        addresses.addRow("Deny:", self.deny_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(addresses)
        layout.addWidget(self.address_error_label)
        layout.addWidget(self.curve_box)
        layout.addWidget(self.plain_box)
        layout.addWidget(self.error_label)

        self.add_key_button.clicked.connect(self._on_add_key_button_clicked)
        self.key_edit.returnPressed.connect(self._on_add_key_button_clicked)
        self.remove_key_button.clicked.connect(self._on_remove_key_button_clicked)
        self.directory_button.clicked.connect(self._on_directory_button_clicked)
        self.directory_edit.editingFinished.connect(self._on_directory_edit_editing_finished)
        self.add_user_button.clicked.connect(self._on_add_user_button_clicked)
        self.user_password_edit.returnPressed.connect(self._on_add_user_button_clicked)
        self.remove_user_button.clicked.connect(self._on_remove_user_button_clicked)
        for edit in (self.allow_edit, self.deny_edit):
            edit.editingFinished.connect(self._on_address_edit_editing_finished)
        self.keys_model.rowsInserted.connect(self._update_notes)
        self.keys_model.rowsRemoved.connect(self._update_notes)
        self.users_model.rowsInserted.connect(self._update_notes)
        self.users_model.rowsRemoved.connect(self._update_notes)
        self.directory_edit.textChanged.connect(self._update_notes)
        self.set_mechanism("NULL")

    # -- public ------------------------------------------------------------------------------
    def set_mechanism(self, mechanism: str) -> None:
        """Show the parts that apply: client keys for CURVE, users for PLAIN, addresses
        always (a NULL socket can still refuse addresses)."""
        self._mechanism = mechanism
        self.curve_box.setVisible(mechanism == "CURVE")
        self.plain_box.setVisible(mechanism == "PLAIN")

    def set_auth(self, auth: AuthSpec | None) -> None:
        self.setChecked(auth is not None)
        auth = auth or AuthSpec()
        self.allow_edit.setText(", ".join(auth.allow))
        self.deny_edit.setText(", ".join(auth.deny))
        self.keys_model.clear()
        for key in auth.client_keys:
            self._append_key(key)
        self.directory_edit.setText(auth.client_key_directory)
        self.users_model.clear()
        for name, password in auth.users.items():
            self._set_user(name, password)
        self.key_edit.clear()
        self.user_name_edit.clear()
        self.user_password_edit.clear()
        self.clear_errors()
        self._update_notes()

    def auth(self) -> AuthSpec | None:
        """What the group says, for the mechanism shown; None when it is not ticked."""
        if not self.isChecked():
            return None
        curve = self._mechanism == "CURVE"
        plain = self._mechanism == "PLAIN"
        return AuthSpec(
            allow=split_addresses(self.allow_edit.text()),
            deny=split_addresses(self.deny_edit.text()),
            client_keys=self.client_keys() if curve else [],
            client_key_directory=self.directory_edit.text().strip() if curve else "",
            users=self.users() if plain else {},
        )

    def client_keys(self) -> list[str]:
        return [
            self.keys_model.item(row).data(ValueRole) for row in range(self.keys_model.rowCount())
        ]

    def users(self) -> dict[str, str | None]:
        return {
            self.users_model.item(row).data(ValueRole): self.users_model.item(row).data(
                PasswordRole
            )
            for row in range(self.users_model.rowCount())
        }

    def user_names_shown(self) -> list[str]:
        return [self.users_model.item(row).text() for row in range(self.users_model.rowCount())]

    def clear_errors(self) -> None:
        for label in (
            self.address_error_label,
            self.key_error_label,
            self.directory_error_label,
            self.user_error_label,
            self.error_label,
        ):
            show_error(label, "")

    def show_field_error(self, field: str, message: str) -> None:
        """Show a check_spec message for an ``authentication...`` field next to it."""
        if field.startswith(("authentication.allow", "authentication.deny")):
            show_error(self.address_error_label, message)
        elif field.startswith("authentication.client_keys"):
            show_error(self.key_error_label, message)
        elif field.startswith("authentication.client_key_directory"):
            show_error(self.directory_error_label, message)
        elif field.startswith("authentication.users"):
            show_error(self.user_error_label, message)
        else:
            show_error(self.error_label, message)

    @property
    def file_dialog(self) -> QFileDialog | None:
        """The directory dialog while it is open (tests accept it)."""
        return self._dialog

    # -- slots ---------------------------------------------------------------------------------
    def _on_add_key_button_clicked(self) -> None:
        try:
            key = check_key(self.key_edit.text(), "client public key")
        except KeyFormatError as error:
            show_error(self.key_error_label, str(error))
            self.key_edit.setFocus()
            return
        show_error(self.key_error_label, "")
        if key in self.client_keys():
            show_error(self.key_error_label, "That key is in the list already")
            return
        self._append_key(key)
        self.key_edit.clear()

    def _append_key(self, key: str) -> None:
        item = QStandardItem(key)
        item.setEditable(False)
        item.setData(key, ValueRole)
        item.setToolTip(f"Allowed CURVE client key {key}")
        self.keys_model.appendRow(item)

    def _on_remove_key_button_clicked(self) -> None:
        self._remove_selected(self.keys_view, self.keys_model)

    def _on_directory_button_clicked(self) -> None:
        dialog = QFileDialog(self, "Client certificate directory")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAccessibleName("Choose client certificate directory")
        if self.directory_edit.text().strip():
            dialog.setDirectory(self.directory_edit.text().strip())
        dialog.fileSelected.connect(self._on_dialog_file_selected)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        dialog.open()

    def _on_dialog_file_selected(self, path: str) -> None:
        self.directory_edit.setText(path)
        self._on_directory_edit_editing_finished()

    def _on_dialog_finished(self, _result: int) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
            self._dialog = None

    def _on_directory_edit_editing_finished(self) -> None:
        directory = self.directory_edit.text().strip()
        if not directory:
            show_error(self.directory_error_label, "")
            return
        try:
            keys = load_public_keys(directory)
        except KeyFormatError as error:
            show_error(self.directory_error_label, str(error))
            return
        show_error(self.directory_error_label, "")
        self.keys_note.setText(
            f"{len(keys)} client certificate{'s' if len(keys) != 1 else ''}"
            f" in {directory}" + (" (none yet: no key is accepted from it)" if not keys else "")
        )

    def _on_add_user_button_clicked(self) -> None:
        name = self.user_name_edit.text().strip()
        password = self.user_password_edit.text()
        if not name:
            show_error(self.user_error_label, "Enter the user name")
            self.user_name_edit.setFocus()
            return
        if not password:
            show_error(self.user_error_label, f"Enter a password for {name!r}")
            self.user_password_edit.setFocus()
            return
        show_error(self.user_error_label, "")
        self._set_user(name, password)
        self.user_name_edit.clear()
        self.user_password_edit.clear()

    def _set_user(self, name: str, password: str | None) -> None:
        text = name if password is not None else f"{name} (password not saved: add again)"
        for row in range(self.users_model.rowCount()):
            item = self.users_model.item(row)
            if item.data(ValueRole) == name:
                item.setText(text)
                item.setData(password, PasswordRole)
                return
        item = QStandardItem(text)
        item.setEditable(False)
        item.setData(name, ValueRole)
        item.setData(password, PasswordRole)
        item.setToolTip(f"PLAIN user {name!r}; add the name again to change the password")
        self.users_model.appendRow(item)

    def _on_remove_user_button_clicked(self) -> None:
        self._remove_selected(self.users_view, self.users_model)

    def _remove_selected(self, view, model: QStandardItemModel) -> None:
        value = selected_data(view, ValueRole)
        if value is None:
            return
        row = view.currentIndex().row()
        model.removeRow(row)
        if model.rowCount():
            view.selectionModel().setCurrentIndex(
                model.index(min(row, model.rowCount() - 1), 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )

    def _on_address_edit_editing_finished(self) -> None:
        for edit, what in ((self.allow_edit, "Allowed"), (self.deny_edit, "Denied")):
            for entry in split_addresses(edit.text()):
                try:
                    parse_address(entry)
                except ValueError as error:
                    show_error(self.address_error_label, f"{what} addresses: {error}")
                    return
        show_error(self.address_error_label, "")

    def _update_notes(self) -> None:
        self.edited.emit()
        if not self.directory_edit.text().strip():
            self.keys_note.setText(
                "No keys and no directory: any client key is accepted."
                if not self.keys_model.rowCount()
                else "Only the keys listed may connect."
            )
        self.users_note.setText(
            "No users: any name and password are accepted."
            if not self.users_model.rowCount()
            else "Only the users listed may connect, with their passwords."
        )
