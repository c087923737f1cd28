"""The security of the selected socket: mechanism NULL, PLAIN or CURVE, its keys or
credentials, and (for servers) who may connect.

Edits wait for *Apply security*: applying re-creates a socket that has endpoints (libzmq
applies security only to connections made after it is set), so it happens once, on purpose,
and the line under the button says what was done. Keys are checked beside their field when
the field is left and again on Apply; nothing changes while any field is wrong. Warnings that
matter (a tcp bind on a network interface without CURVE, a CURVE server that accepts any
client key, an old libzmq) are listed above the button as the form changes.

Secrets stay out of the logs (nothing here logs a field's text) and out of workspaces unless
"Save secrets in the workspace" is ticked: without it the workspace refers to the
certificate file, and PLAIN passwords must be typed again after opening it.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.keys.curve_keys import Certificate
from zinspect.core.security.apply import (
    apply_security_async,
    security_of,
    security_pending,
    waiting_endpoints,
)
from zinspect.core.security.security_warnings import security_warnings
from zinspect.core.security.spec import MECHANISMS, SecurityError, SecuritySpec, check_spec
from zinspect.core.sockets.session import heading_name
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.security.key_pair_editor import (
    KeyPairEditor,
    check_key_field,
    set_key_text,
    with_error,
)
from zinspect.ui.security.security_auth import AuthEditor
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.inputs import make_button, make_line_edit
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

DONE_STYLE = "color: {success};"
WARNING_STYLE = (
    "color: {hint_text}; background: {hint_background}; border: 1px solid {hint_border}; "
    "border-radius: 3px; padding: 4px;"
)
MECHANISM_HELP = {
    "NULL": "No security: no encryption, no credentials (ZeroMQ's default).",
    "PLAIN": "A username and password, sent in cleartext: anyone on the network path can "
    "read them and the messages. Use it on loopback or a trusted network only.",
    "CURVE": "Encryption and server authentication with CurveZMQ key pairs (public/secret). "
    "The client must know the server's public key.",
}
PLAIN_NOTE = (
    "PLAIN is cleartext: the password and every message cross the network "
    "unencrypted. Passwords are not saved in the workspace unless you tick 'Save "
    "secrets' below."
)


class SecurityForm(QWidget):
    """The security of one socket; ``set_socket`` chooses which (None: none)."""

    security_applied = Signal(object)  # the SocketHandle whose security was applied

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self._handle: SocketHandle | None = None
        self._task: asyncio.Future | None = None
        self.setAccessibleName("Socket security")

        self.title_label = QLabel()
        self.title_label.setAccessibleName("Security of")
        self.title_label.setToolTip("The socket whose security this form shows")
        self.title_label.setWordWrap(True)
        self.mechanism_combo = QComboBox()
        for index, name in enumerate(MECHANISMS):
            self.mechanism_combo.addItem(name)
            self.mechanism_combo.setItemData(
                index, MECHANISM_HELP[name], Qt.ItemDataRole.ToolTipRole
            )
        self.mechanism_combo.setAccessibleName("Security mechanism")
        self.mechanism_combo.setToolTip(
            "NULL: none; PLAIN: username and password (cleartext); CURVE: encryption with key pairs"
        )
        self.mechanism_help = QLabel()
        self.mechanism_help.setWordWrap(True)
        set_style(self.mechanism_help, NOTE_TEMPLATE)
        self.mechanism_help.setAccessibleName("Mechanism description")
        self.mechanism_help.setToolTip("What the chosen mechanism does")

        # -- CURVE ------------------------------------------------------------------------------
        self.curve_server_check = QCheckBox("This socket is the CURVE server")
        self.curve_server_check.setAccessibleName("CURVE server")
        self.curve_server_check.setToolTip(
            "The server holds the key pair clients know; usually the socket that binds"
        )
        self.keys = KeyPairEditor()
        self.server_key_edit = make_line_edit(
            "Server public key",
            "The CURVE server's public key (40 Z85 characters): a client cannot connect without it",
            "server public key (Z85)",
        )
        self.server_key_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.server_key_error = error_label("Server public key error")
        self.server_key_box = QWidget()
        server_key_row = QFormLayout(self.server_key_box)
        server_key_row.setContentsMargins(0, 0, 0, 0)
        server_key_row.addRow(
            "Server key:", with_error(self.server_key_edit, self.server_key_error)
        )
        self.curve_group = QGroupBox("CURVE")
        self.curve_group.setAccessibleName("CURVE settings")
        self.curve_group.setToolTip("Keys of this socket, and of its server for a client")
        curve_layout = QVBoxLayout(self.curve_group)
        curve_layout.addWidget(self.curve_server_check)
        curve_layout.addWidget(self.keys)
        curve_layout.addWidget(self.server_key_box)

        # -- PLAIN -----------------------------------------------------------------------------
        self.plain_server_check = QCheckBox("This socket is the PLAIN server")
        self.plain_server_check.setAccessibleName("PLAIN server")
        self.plain_server_check.setToolTip(
            "The server checks the username and password clients send (see Authenticate clients)"
        )
        self.username_edit = make_line_edit(
            "Username", "The PLAIN username this client sends", "username"
        )
        self.username_error = error_label("Username error")
        self.password_edit = make_line_edit(
            "Password", "The PLAIN password this client sends (shown masked)", "password"
        )
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_error = error_label("Password error")
        self.plain_note = QLabel(PLAIN_NOTE)
        self.plain_note.setWordWrap(True)
        set_style(self.plain_note, WARNING_STYLE)
        self.plain_note.setAccessibleName("PLAIN is cleartext")
        self.plain_note.setToolTip("Use CURVE when the network is not trusted")
        self.credentials = QWidget()
        credentials = QFormLayout(self.credentials)
        credentials.setContentsMargins(0, 0, 0, 0)
        credentials.addRow("Username:", with_error(self.username_edit, self.username_error))
        credentials.addRow("Password:", with_error(self.password_edit, self.password_error))
        self.plain_group = QGroupBox("PLAIN")
        self.plain_group.setAccessibleName("PLAIN settings")
        self.plain_group.setToolTip("Username and password, in cleartext")
        plain_layout = QVBoxLayout(self.plain_group)
        plain_layout.addWidget(self.plain_server_check)
        plain_layout.addWidget(self.credentials)
        plain_layout.addWidget(self.plain_note)

        # -- authentication, saving, applying ---------------------------------------------------
        self.auth_editor = AuthEditor()
        self.save_secrets_check = QCheckBox("Save secrets in the workspace")
        self.save_secrets_check.setAccessibleName("Save secrets in the workspace")
        self.save_secrets_check.setToolTip(
            "Write the secret key and passwords into the workspace file, readable by anyone "
            "who can read the file. Off: the workspace refers to the certificate file, and "
            "passwords must be typed again after opening it."
        )
        self.warnings_label = QLabel()
        self.warnings_label.setWordWrap(True)
        set_style(self.warnings_label, WARNING_STYLE)
        self.warnings_label.setAccessibleName("Security warnings")
        self.warnings_label.setToolTip("What to know about this socket's security")
        self.warnings_label.hide()
        self.apply_button = make_button(
            "Apply security",
            "Apply security",
            "Give the socket this security; a socket with "
            "endpoints is re-created (its connections reconnect)",
        )
        self.revert_button = make_button(
            "Revert",
            "Revert security form",
            "Show the socket's current security again, dropping the edits",
        )
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        set_style(self.status_label, DONE_STYLE)
        self.status_label.setAccessibleName("Security result")
        self.status_label.setToolTip("What the last action did")
        self.error_label = error_label("Security error")

        mechanism_row = QHBoxLayout()
        mechanism_row.addWidget(QLabel("Mechanism:"))
        mechanism_row.addWidget(self.mechanism_combo, 1)
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply_button)
        apply_row.addWidget(self.revert_button)
        apply_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.title_label,
            mechanism_row,
            self.mechanism_help,
            self.curve_group,
            self.plain_group,
            self.auth_editor,
            self.save_secrets_check,
            self.warnings_label,
            apply_row,
            self.status_label,
            self.error_label,
        ):
            if isinstance(widget, QWidget):
                layout.addWidget(widget)
            else:
                layout.addLayout(widget)
        layout.addStretch(1)

        self.mechanism_combo.currentTextChanged.connect(self._on_mechanism_combo_changed)
        self.curve_server_check.toggled.connect(self._on_role_check_toggled)
        self.plain_server_check.toggled.connect(self._on_role_check_toggled)
        self.keys.keys_edited.connect(self._update_warnings)
        self.keys.reported.connect(self.status_label.setText)
        self.keys.public_certificate_loaded.connect(self._on_keys_public_certificate_loaded)
        self.server_key_edit.editingFinished.connect(self._on_server_key_edit_editing_finished)
        self.auth_editor.toggled.connect(self._update_warnings)
        self.auth_editor.edited.connect(self._update_warnings)
        self.save_secrets_check.toggled.connect(self._update_warnings)
        self.apply_button.clicked.connect(self._on_apply_button_clicked)
        self.revert_button.clicked.connect(self._on_revert_button_clicked)
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        self.set_socket(None)

    # -- public ----------------------------------------------------------------------------
    @property
    def handle(self) -> SocketHandle | None:
        return self._handle

    @property
    def applying(self) -> bool:
        return self._task is not None and not self._task.done()

    def set_socket(self, handle: SocketHandle | None) -> None:
        """Show ``handle``'s security (as last applied, or NULL); None disables the form."""
        self._handle = handle if handle is not None and not handle.closed else None
        self.show_spec(security_of(self._handle) if self._handle is not None else None)
        self.status_label.clear()
        show_error(self.error_label, "")
        if self._handle is not None and security_pending(self._handle):
            waiting = waiting_endpoints(self._handle)
            show_error(
                self.error_label,
                "This security is not applied yet (see the problems "
                "of the workspace): fix it and Apply."
                + (
                    f" The socket binds/connects {', '.join(e for _, e in waiting)} once it is."
                    if waiting
                    else ""
                ),
            )
        self._update_enabled()

    def show_spec(self, spec: SecuritySpec | None) -> None:
        """Fill the form from ``spec`` (None: NULL without authentication)."""
        spec = spec or SecuritySpec()
        self._clear_errors()
        self.mechanism_combo.setCurrentText(spec.mechanism)
        self.curve_server_check.setChecked(spec.server and spec.mechanism == "CURVE")
        self.plain_server_check.setChecked(spec.server and spec.mechanism == "PLAIN")
        self.keys.set_keys(spec.public_key, spec.secret_key, spec.certificate)
        self.keys.suggested_name = self._handle.name if self._handle is not None else "socket"
        set_key_text(self.server_key_edit, spec.server_key)
        self.username_edit.setText(spec.username)
        self.password_edit.setText(spec.password or "")
        self.password_edit.setPlaceholderText(
            "not saved in the workspace: enter it" if spec.password is None else "password"
        )
        self.auth_editor.set_auth(spec.authentication)
        self.save_secrets_check.setChecked(spec.save_secrets)
        self._update_mechanism()

    def spec_from_form(self) -> SecuritySpec:
        """The spec the form describes now (not checked: see check_spec)."""
        mechanism = self.mechanism_combo.currentText()
        server = (
            self.curve_server_check.isChecked()
            if mechanism == "CURVE"
            else self.plain_server_check.isChecked()
            if mechanism == "PLAIN"
            else False
        )
        spec = SecuritySpec(
            mechanism=mechanism, server=server, save_secrets=self.save_secrets_check.isChecked()
        )
        if mechanism == "CURVE":
            spec.public_key = self.keys.public_key()
            spec.secret_key = self.keys.secret_key()
            spec.certificate = self.keys.certificate
            if not server:
                spec.server_key = self.server_key_edit.text().strip()
        elif mechanism == "PLAIN" and not server:
            spec.username = self.username_edit.text().strip()
            spec.password = self.password_edit.text()
        if mechanism == "NULL" or server:
            spec.authentication = self.auth_editor.auth()
        return spec

    def warnings_shown(self) -> list[str]:
        text = self.warnings_label.text()
        return text.split("\n\n") if text and not self.warnings_label.isHidden() else []

    def apply(self) -> bool:
        """Check the form and start applying it; False (errors shown) when it is wrong."""
        handle = self._handle
        if handle is None or handle.closed or self.applying:
            return False
        self._clear_errors()
        self.status_label.clear()
        spec = self.spec_from_form()
        problems = check_spec(spec)
        if problems:
            for field, message in problems:
                self._show_field_error(field, message)
            return False
        self._task = asyncio.ensure_future(apply_security_async(handle, spec))
        self._task.add_done_callback(lambda task: self._on_task_done(task, handle))
        self._update_enabled()
        return True

    # -- form state --------------------------------------------------------------------------
    def _update_mechanism(self) -> None:
        mechanism = self.mechanism_combo.currentText()
        self.mechanism_help.setText(MECHANISM_HELP.get(mechanism, ""))
        self.curve_group.setVisible(mechanism == "CURVE")
        self.plain_group.setVisible(mechanism == "PLAIN")
        curve_client = mechanism == "CURVE" and not self.curve_server_check.isChecked()
        self.server_key_box.setVisible(curve_client)
        if not curve_client:
            show_error(self.server_key_error, "")
        plain_client = mechanism == "PLAIN" and not self.plain_server_check.isChecked()
        self.credentials.setVisible(plain_client)
        # servers authenticate their clients; a NULL socket may still refuse addresses
        self.auth_editor.setVisible(not curve_client and not plain_client)
        self.auth_editor.set_mechanism(mechanism)
        self._update_warnings()

    def _update_enabled(self) -> None:
        handle = self._handle
        usable = handle is not None and not handle.closed
        for widget in (
            self.mechanism_combo,
            self.curve_group,
            self.plain_group,
            self.auth_editor,
            self.save_secrets_check,
            self.revert_button,
        ):
            widget.setEnabled(usable)
        self.apply_button.setEnabled(usable and not self.applying)
        self.title_label.setText(
            f"Security of {heading_name(handle.name)} ({handle.type_name})"
            if usable and handle is not None
            else "Select a socket to set its security."
        )

    def _update_warnings(self) -> None:
        warnings = (
            security_warnings(self._handle, self.spec_from_form())
            if self._handle is not None
            else []
        )
        self.warnings_label.setText("\n\n".join(warnings))
        self.warnings_label.setVisible(bool(warnings))

    def _clear_errors(self) -> None:
        self.keys.clear_errors()
        for label in (
            self.server_key_error,
            self.username_error,
            self.password_error,
            self.error_label,
        ):
            show_error(label, "")
        self.auth_editor.clear_errors()

    def _show_field_error(self, field: str, message: str) -> None:
        labels = {
            "server_key": self.server_key_error,
            "username": self.username_error,
            "password": self.password_error,
        }
        if field in labels:
            show_error(labels[field], message)
        elif field.startswith("authentication"):
            self.auth_editor.show_field_error(field, message)
        elif not self.keys.show_field_error(field, message):
            show_error(self.error_label, message)

    # -- slots ---------------------------------------------------------------------------------
    def _on_mechanism_combo_changed(self, _text: str) -> None:
        self._update_mechanism()

    def _on_role_check_toggled(self, _checked: bool) -> None:
        self._update_mechanism()

    def _on_server_key_edit_editing_finished(self) -> None:
        check_key_field(self.server_key_edit, self.server_key_error, "server public key")

    def _on_keys_public_certificate_loaded(self, certificate: Certificate) -> None:
        """A public certificate: a client takes it as its server's key; a server cannot."""
        if self.curve_server_check.isChecked():
            self.keys.show_field_error(
                "certificate",
                f"{certificate.path.name} holds only a "
                "public key: a CURVE server needs its secret "
                "certificate (NAME.key_secret)",
            )
            return
        set_key_text(self.server_key_edit, certificate.public_key)
        show_error(self.server_key_error, "")
        self.status_label.setText(
            f"Loaded the server's public key from {certificate.path.name}: Apply to use it."
        )
        self._update_warnings()

    def _on_apply_button_clicked(self) -> None:
        self.apply()

    def _on_task_done(self, task: asyncio.Future, handle: SocketHandle) -> None:
        self._task = None
        error = None if task.cancelled() else task.exception()
        if task.cancelled():
            show_error(self.error_label, "Applying the security was cancelled")
        elif isinstance(error, SecurityError):
            self._show_field_error(error.field, str(error))
        elif isinstance(error, SocketError):
            show_error(self.error_label, str(error))
        elif error is not None:
            show_error(self.error_label, f"Applying the security failed: {error}")
            log.error("applying security to %s failed: %r", handle.name, error)
        else:
            if handle is self._handle:
                self.status_label.setText("\n".join(task.result()))
                show_error(self.error_label, "")
            self.security_applied.emit(handle)
        self._update_enabled()
        self._update_warnings()

    def _on_revert_button_clicked(self) -> None:
        self.set_socket(self._handle)

    def _on_bridge_socket_changed(self, handle: SocketHandle) -> None:
        if handle is self._handle:
            self._update_warnings()  # an endpoint added or removed changes them

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        if handle is self._handle:
            self.set_socket(None)
