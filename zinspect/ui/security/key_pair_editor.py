"""A socket's own CURVE key pair: the public and secret key fields, Generate, Load
certificate…, Save certificate…, and which certificate file the keys come from.

Keys are checked beside their field when it is left (Z85, 40 characters); the secret key is
masked (Show reveals it) and never repeated in a message. Certificates are pyzmq's files
(core.curve_keys): saving writes NAME.key and NAME.key_secret, the secret one with mode
0600. File dialogs are opened with ``open()`` and answer through signals: no nested loop.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.keys.curve_keys import (
    SECRET_SUFFIX,
    Certificate,
    KeyFormatError,
    check_key,
    generate_keypair,
    load_certificate,
    public_key_of,
    save_certificate,
)
from zinspect.ui.widgets.feedback import NOTE_TEMPLATE, error_label, show_error
from zinspect.ui.widgets.inputs import make_button, make_line_edit
from zinspect.ui.widgets.theme import mark_toggle, set_style

log = logging.getLogger(__name__)


def set_key_text(edit: QLineEdit, key: str) -> None:
    """Show a key from its first character (a narrow field would show its end)."""
    edit.setText(key)
    edit.setCursorPosition(0)


def with_error(field: QWidget | QHBoxLayout, error: QLabel) -> QWidget:
    """A field with its error line right under it, as one form row (a hidden error takes
    no room, where a row of its own would keep its spacing)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if isinstance(field, QWidget):
        layout.addWidget(field)
    else:
        layout.addLayout(field)
    layout.addWidget(error)
    return box


def check_key_field(edit: QLineEdit, label: QLabel, what: str, secret: bool = False) -> bool:
    """Check a key field (empty passes: Apply says what is missing); message beside it."""
    if not edit.text().strip():
        show_error(label, "")
        return True
    try:
        check_key(edit.text(), what, secret=secret)
    except KeyFormatError as error:
        show_error(label, str(error))
        return False
    show_error(label, "")
    return True


class KeyPairEditor(QWidget):
    """This socket's CURVE key pair and the certificate file it comes from."""

    keys_edited = Signal()  # typed, generated or loaded: the form's warnings may change
    reported = Signal(str)  # what Generate/Load/Save did, for the form's status line
    # a certificate with only a public key was loaded (the form may take it as server key)
    public_certificate_loaded = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._certificate = ""
        self._dialog: QFileDialog | None = None
        self.suggested_name = "socket"  # the file name Save certificate… proposes
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

        self.public_key_edit = make_line_edit(
            "Own public key",
            "This socket's CURVE public key (40 Z85 characters): give it to peers",
            "public key (Z85)",
        )
        self.public_key_edit.setFont(mono)
        self.public_key_error = error_label("Own public key error")
        self.secret_key_edit = make_line_edit(
            "Own secret key",
            "This socket's CURVE secret key (40 Z85 characters): never give it away",
            "secret key (Z85)",
        )
        self.secret_key_edit.setFont(mono)
        self.secret_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_secret_button = QToolButton()
        self.show_secret_button.setText("Show")
        self.show_secret_button.setCheckable(True)
        mark_toggle(self.show_secret_button)
        self.show_secret_button.setAccessibleName("Show secret key")
        self.show_secret_button.setToolTip("Show or hide the secret key's characters")
        self.secret_key_error = error_label("Own secret key error")
        self.generate_button = make_button(
            "Generate key pair", "Generate key pair", "Make a new CURVE key pair for this socket"
        )
        self.load_button = make_button(
            "Load certificate…",
            "Load certificate",
            "Read this socket's key pair from a "
            "secret certificate (NAME.key_secret); a client may also load the server's public "
            "certificate (NAME.key)",
        )
        self.save_button = make_button(
            "Save certificate…",
            "Save certificate",
            "Write NAME.key (public, for peers) and "
            "NAME.key_secret (secret, mode 0600) in pyzmq's format",
        )
        self.certificate_label = QLabel()
        self.certificate_label.setWordWrap(True)
        set_style(self.certificate_label, NOTE_TEMPLATE)
        self.certificate_label.setAccessibleName("Certificate file")
        self.certificate_label.setToolTip(
            "The certificate file this socket's keys come from; workspaces refer to it"
        )
        self.certificate_error = error_label("Certificate error")

        keys = QFormLayout()
        keys.setContentsMargins(0, 0, 0, 0)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_key_edit, 1)
        secret_row.addWidget(self.show_secret_button)
        keys.addRow("Public key:", with_error(self.public_key_edit, self.public_key_error))
        keys.addRow("Secret key:", with_error(secret_row, self.secret_key_error))
        buttons = QGridLayout()  # two rows: the form fits a narrow dock
        buttons.addWidget(self.generate_button, 0, 0)
        buttons.addWidget(self.load_button, 1, 0)
        buttons.addWidget(self.save_button, 1, 1)
        buttons.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(keys)
        layout.addLayout(buttons)
        layout.addWidget(self.certificate_label)
        layout.addWidget(self.certificate_error)

        self.show_secret_button.toggled.connect(self._on_show_secret_button_toggled)
        self.generate_button.clicked.connect(self._on_generate_button_clicked)
        self.load_button.clicked.connect(self._on_load_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.public_key_edit.editingFinished.connect(self._on_public_key_edit_editing_finished)
        self.secret_key_edit.editingFinished.connect(self._on_secret_key_edit_editing_finished)
        self.public_key_edit.textEdited.connect(self._on_key_edit_text_edited)
        self.secret_key_edit.textEdited.connect(self._on_key_edit_text_edited)
        self._update_certificate_label()

    # -- public ----------------------------------------------------------------------------
    @property
    def certificate(self) -> str:
        """The certificate file the keys come from ("" when typed or generated)."""
        return self._certificate

    @property
    def file_dialog(self) -> QFileDialog | None:
        """The certificate dialog while it is open (tests accept it)."""
        return self._dialog

    def public_key(self) -> str:
        return self.public_key_edit.text().strip()

    def secret_key(self) -> str:
        return self.secret_key_edit.text().strip()

    def set_keys(self, public: str, secret: str, certificate: str) -> None:
        """Show a spec's keys; with only a certificate, the keys the file holds."""
        self.clear_errors()
        self._certificate = certificate
        if certificate and not secret:
            try:  # show what the file holds; Apply reads it again
                loaded = load_certificate(certificate)
                public, secret = loaded.public_key, loaded.secret_key
            except KeyFormatError as error:
                show_error(self.certificate_error, str(error))
        set_key_text(self.public_key_edit, public)
        set_key_text(self.secret_key_edit, secret)
        self._update_certificate_label()

    def clear_errors(self) -> None:
        for label in (self.public_key_error, self.secret_key_error, self.certificate_error):
            show_error(label, "")

    def show_field_error(self, field: str, message: str) -> bool:
        """Show a check_spec message for ``public_key``, ``secret_key`` or ``certificate``
        beside it; False when the field is not one of these."""
        label = {
            "public_key": self.public_key_error,
            "secret_key": self.secret_key_error,
            "certificate": self.certificate_error,
        }.get(field)
        if label is not None:
            show_error(label, message)
        return label is not None

    def load_certificate_file(self, path: str) -> Certificate | None:
        """Take the key pair from a secret certificate; a public one is handed on through
        ``public_certificate_loaded`` (the form decides). None, with the reason shown,
        when the file cannot be used."""
        show_error(self.certificate_error, "")
        try:
            certificate = load_certificate(path)
        except KeyFormatError as error:
            show_error(self.certificate_error, str(error))
            return None
        if not certificate.secret_key:
            self.public_certificate_loaded.emit(certificate)
            return certificate
        set_key_text(self.public_key_edit, certificate.public_key)
        set_key_text(self.secret_key_edit, certificate.secret_key)
        self._certificate = str(certificate.path)
        show_error(self.public_key_error, "")
        show_error(self.secret_key_error, "")
        self._update_certificate_label()
        self.reported.emit(
            " ".join(
                [
                    f"Loaded this socket's key pair from {certificate.path.name}: Apply to use it.",
                    *certificate.notes,
                ]
            )
        )
        self.keys_edited.emit()
        return certificate

    def save_certificate_file(self, path: str) -> bool:
        """Write NAME.key and NAME.key_secret (0600) for the keys in the fields."""
        if not self._keys_valid():
            return False
        secret = self.secret_key()
        public = self.public_key() or public_key_of(secret)
        try:
            public_path, secret_path = save_certificate(path, public, secret)
            assert secret_path is not None  # _keys_valid: there is a secret key
        except KeyFormatError as error:
            show_error(self.public_key_error, str(error))
            return False
        except OSError as error:
            show_error(
                self.certificate_error, f"Could not save the certificate: {error.strerror or error}"
            )
            return False
        set_key_text(self.public_key_edit, public)
        self._certificate = str(secret_path)
        show_error(self.certificate_error, "")
        self._update_certificate_label()
        self.reported.emit(
            f"Saved {public_path.name} (public: give it to peers) and "
            f"{secret_path.name} (secret, readable only by you)."
        )
        self.keys_edited.emit()
        return True

    # -- internals ---------------------------------------------------------------------------
    def _keys_valid(self) -> bool:
        secret_ok = check_key_field(
            self.secret_key_edit, self.secret_key_error, "secret key", secret=True
        )
        public_ok = check_key_field(self.public_key_edit, self.public_key_error, "public key")
        if not self.secret_key():
            show_error(
                self.secret_key_error,
                "There is no secret key to save: generate a key pair or enter one",
            )
            return False
        return secret_ok and public_ok

    def _update_certificate_label(self) -> None:
        self.certificate_label.setText(
            f"Keys from {self._certificate}"
            if self._certificate
            else "No certificate file: save one to keep the keys."
        )

    def _open_dialog(self, title: str, save: bool) -> None:
        dialog = QFileDialog(self, title)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAccessibleName(title)
        if save:
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setNameFilter("CURVE secret certificate (*.key_secret)")
            dialog.setDefaultSuffix(SECRET_SUFFIX.lstrip("."))
            dialog.selectFile(self.suggested_name + SECRET_SUFFIX)
            dialog.fileSelected.connect(self._on_save_dialog_file_selected)
        else:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
            dialog.setNameFilters(["CURVE certificates (*.key_secret *.key)", "All files (*)"])
            dialog.fileSelected.connect(self._on_load_dialog_file_selected)
        dialog.finished.connect(self._on_dialog_finished)
        self._dialog = dialog
        dialog.open()

    # -- slots ---------------------------------------------------------------------------------
    def _on_show_secret_button_toggled(self, shown: bool) -> None:
        self.secret_key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )
        self.show_secret_button.setText("Hide" if shown else "Show")

    def _on_public_key_edit_editing_finished(self) -> None:
        check_key_field(self.public_key_edit, self.public_key_error, "public key")

    def _on_secret_key_edit_editing_finished(self) -> None:
        check_key_field(self.secret_key_edit, self.secret_key_error, "secret key", secret=True)

    def _on_key_edit_text_edited(self, _text: str) -> None:
        if self._certificate:  # typed keys are no longer the file's
            self._certificate = ""
            self._update_certificate_label()
        self.keys_edited.emit()

    def _on_generate_button_clicked(self) -> None:
        public, secret = generate_keypair()
        set_key_text(self.public_key_edit, public)
        set_key_text(self.secret_key_edit, secret)
        self._certificate = ""
        self.clear_errors()
        self._update_certificate_label()
        self.reported.emit(
            "Generated a new key pair: Apply to use it; Save certificate… to keep it."
        )
        self.keys_edited.emit()

    def _on_load_button_clicked(self) -> None:
        self._open_dialog("Load CURVE certificate", save=False)

    def _on_save_button_clicked(self) -> None:
        if self._keys_valid():
            self._open_dialog("Save CURVE certificate", save=True)

    def _on_load_dialog_file_selected(self, path: str) -> None:
        self.load_certificate_file(path)

    def _on_save_dialog_file_selected(self, path: str) -> None:
        self.save_certificate_file(path)

    def _on_dialog_finished(self, _result: int) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
            self._dialog = None
