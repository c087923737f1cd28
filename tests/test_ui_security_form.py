"""The security form, driven as a user: choose a mechanism, generate or load keys, fix what
is refused beside its field, apply (a socket with endpoints is re-created and the form says
so), read the warnings; certificates saved through the dialog are 0600; no secret is logged."""

from __future__ import annotations

import logging
import stat

import pytest
import zmq
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from session_helpers import ANY_PORT, WAIT_MS, traffic

from zinspect.core.keys.curve_keys import generate_certificate, generate_keypair, load_certificate
from zinspect.core.security.apply import apply_security, keep_security, security_of
from zinspect.core.security.authenticator import authenticator_for
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.sockets.events import AUTH_DENIED
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.security.security_form import SecurityForm


@pytest.fixture
def form(qtbot, session):
    form = SecurityForm(SessionBridge(session))
    qtbot.addWidget(form)
    form.resize(420, 900)
    form.show()
    return form


def type_into(qtbot, edit: QLineEdit, text: str) -> None:
    """Type like a user and leave the field with Enter (editingFinished)."""
    edit.clear()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def apply(qtbot, form: SecurityForm) -> None:
    with qtbot.waitSignal(form.security_applied, timeout=WAIT_MS):
        qtbot.mouseClick(form.apply_button, Qt.MouseButton.LeftButton)


def test_without_a_socket_the_form_says_so_and_is_disabled(form):
    assert form.title_label.text() == "Select a socket to set its security."
    assert not form.apply_button.isEnabled() and not form.mechanism_combo.isEnabled()


def test_a_curve_server_from_a_generated_key_pair(form, session, qtbot):
    handle = session.create_socket("PULL", "server")
    address = handle.bind(ANY_PORT).address
    form.set_socket(handle)
    assert form.title_label.text() == "Security of server (PULL)"
    assert form.curve_group.isHidden() and form.plain_group.isHidden()
    form.mechanism_combo.setCurrentText("CURVE")
    assert form.curve_group.isVisible() and form.server_key_edit.isVisible()
    qtbot.mouseClick(form.keys.generate_button, Qt.MouseButton.LeftButton)
    public = form.keys.public_key_edit.text()
    secret_edit = form.keys.secret_key_edit
    assert len(public) == 40 and secret_edit.echoMode() == QLineEdit.EchoMode.Password
    qtbot.mouseClick(form.keys.show_secret_button, Qt.MouseButton.LeftButton)
    assert secret_edit.echoMode() == QLineEdit.EchoMode.Normal
    qtbot.mouseClick(form.keys.show_secret_button, Qt.MouseButton.LeftButton)
    assert secret_edit.echoMode() == QLineEdit.EchoMode.Password
    form.curve_server_check.setChecked(True)
    assert form.server_key_box.isHidden() and form.auth_editor.isVisible()
    warnings = form.warnings_shown()
    assert any("accepts any client key" in w for w in warnings)
    assert any("secret key will not be saved in the workspace" in w for w in warnings)

    apply(qtbot, form)
    assert handle.socket.getsockopt(zmq.MECHANISM) == zmq.CURVE
    assert handle.endpoints[0].address == address
    status = form.status_label.text()
    assert status.startswith("server: CURVE server\nown public key ")
    assert "Re-created the socket so its 1 endpoint uses the new security" in status
    assert security_of(handle).public_key == public


def test_a_bad_key_is_refused_beside_its_field_and_nothing_changes(form, session, qtbot):
    handle = session.create_socket("PUSH", "client")
    form.set_socket(handle)
    form.mechanism_combo.setCurrentText("CURVE")
    type_into(qtbot, form.server_key_edit, "not-a-key")
    assert form.server_key_error.isVisible()
    assert form.server_key_error.text() == (
        "The server public key must be 40 Z85 characters; this is 9"
    )
    qtbot.mouseClick(form.apply_button, Qt.MouseButton.LeftButton)
    assert form.keys.secret_key_error.text().startswith("This socket needs its own CURVE key pair")
    assert form.server_key_error.text().endswith(
        "(a CURVE client must know the server's public key)"
    )
    assert handle.security_options == {} and security_of(handle) is None
    assert not form.status_label.text()


def test_plain_client_is_masked_and_says_it_is_cleartext(form, session, qtbot, caplog):
    caplog.set_level(logging.DEBUG)
    handle = session.create_socket("PUSH", "client")
    form.set_socket(handle)
    form.mechanism_combo.setCurrentText("PLAIN")
    assert form.plain_note.isVisible() and "cleartext" in form.plain_note.text()
    assert form.password_edit.echoMode() == QLineEdit.EchoMode.Password
    assert form.auth_editor.isHidden()  # a client does not authenticate others
    type_into(qtbot, form.username_edit, "bob")
    type_into(qtbot, form.password_edit, "correct-horse")
    apply(qtbot, form)
    assert handle.security_options["PLAIN_USERNAME"] == b"bob"
    assert "correct-horse" not in "\n".join(r.getMessage() for r in caplog.records)


def test_an_exposed_bind_without_curve_is_warned_about(form, session, qtbot):
    handle = session.create_socket("PUB", "feed")
    form.set_socket(handle)
    assert form.warnings_shown() == []
    handle.bind("tcp://*:*")
    [warning] = form.warnings_shown()
    assert warning.startswith("tcp://*:* listens on a network interface without CURVE")
    form.mechanism_combo.setCurrentText("CURVE")
    form.curve_server_check.setChecked(True)
    assert not any("listens on a network interface" in w for w in form.warnings_shown())


def test_certificates_are_saved_0600_and_loaded_through_the_dialogs(form, session, qtbot, tmp_path):
    server = session.create_socket("PULL", "server")
    form.set_socket(server)
    form.mechanism_combo.setCurrentText("CURVE")
    form.curve_server_check.setChecked(True)
    qtbot.mouseClick(form.keys.generate_button, Qt.MouseButton.LeftButton)
    public = form.keys.public_key_edit.text()
    qtbot.mouseClick(form.keys.save_button, Qt.MouseButton.LeftButton)
    dialog = form.keys.file_dialog
    assert dialog is not None and dialog.isVisible()  # opened with open(), not exec()
    dialog.selectFile(str(tmp_path / "server.key_secret"))
    dialog.accept()
    secret_file = tmp_path / "server.key_secret"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert load_certificate(tmp_path / "server.key").public_key == public
    assert form.keys.certificate_label.text() == f"Keys from {secret_file}"
    assert not any("will not be saved" in w for w in form.warnings_shown())
    apply(qtbot, form)
    assert security_of(server).certificate == str(secret_file)

    client = session.create_socket("PUSH", "client")
    form.set_socket(client)
    form.mechanism_combo.setCurrentText("CURVE")
    qtbot.mouseClick(form.keys.load_button, Qt.MouseButton.LeftButton)
    form.keys.file_dialog.selectFile(str(tmp_path / "server.key"))  # the public certificate
    form.keys.file_dialog.accept()
    assert form.server_key_edit.text() == public
    assert form.status_label.text() == (
        "Loaded the server's public key from server.key: Apply to use it."
    )
    _, client_file = generate_certificate(tmp_path / "client")
    assert form.keys.load_certificate_file(str(client_file)) is not None
    assert form.keys.public_key_edit.text() == load_certificate(client_file).public_key
    assert form.keys.load_certificate_file(str(tmp_path / "missing.key_secret")) is None
    assert form.keys.certificate_error.text().startswith("No certificate file at")
    form.set_socket(server)  # a server cannot use a public certificate as its own
    form.keys.load_certificate_file(str(tmp_path / "server.key"))
    assert form.keys.certificate_error.text() == (
        "server.key holds only a public key: a CURVE server needs its secret certificate "
        "(NAME.key_secret)"
    )


def test_authentication_lists_are_checked_and_deny_unknown_clients(form, session, qtbot):
    server = session.create_socket("PULL", "server")
    form.set_socket(server)
    form.mechanism_combo.setCurrentText("CURVE")
    form.curve_server_check.setChecked(True)
    qtbot.mouseClick(form.keys.generate_button, Qt.MouseButton.LeftButton)
    server_key = form.keys.public_key_edit.text()
    editor = form.auth_editor
    editor.setChecked(True)
    type_into(qtbot, editor.key_edit, "short")
    assert editor.key_error_label.text() == (
        "The client public key must be 40 Z85 characters; this is 5"
    )
    allowed = generate_keypair()[0]
    type_into(qtbot, editor.key_edit, allowed)
    assert editor.client_keys() == [allowed] and not editor.key_error_label.isVisible()
    assert editor.keys_note.text() == "Only the keys listed may connect."
    type_into(qtbot, editor.allow_edit, "127.0.0.1, 10.0.0.300")
    assert editor.address_error_label.text() == (
        "Allowed addresses: '10.0.0.300' is not an "
        "IP address or network (e.g. 127.0.0.1, "
        "::1, 10.0.0.0/8)"
    )
    qtbot.mouseClick(form.apply_button, Qt.MouseButton.LeftButton)
    assert security_of(server) is None  # refused: the address list is wrong
    type_into(qtbot, editor.allow_edit, "127.0.0.1")
    apply(qtbot, form)
    assert authenticator_for(session, create=False).domain_of(server) == "server"

    stranger = session.create_socket("PUSH", "stranger")
    apply_security(
        stranger, SecuritySpec("CURVE", False, *generate_keypair(), server_key=server_key)
    )
    stranger.connect(server.bind(ANY_PORT).address)
    stranger.send_now([b"hi"])
    qtbot.waitUntil(lambda: any(e.name == AUTH_DENIED for e in session.events), timeout=WAIT_MS)
    assert traffic(session, server) == []


def test_plain_users_are_listed_without_their_passwords(form, session, qtbot):
    server = session.create_socket("PULL", "server")
    form.set_socket(server)
    form.mechanism_combo.setCurrentText("PLAIN")
    form.plain_server_check.setChecked(True)
    assert form.credentials.isHidden() and form.auth_editor.plain_box.isVisible()
    editor = form.auth_editor
    editor.setChecked(True)
    editor.user_name_edit.setText("alice")
    qtbot.mouseClick(editor.add_user_button, Qt.MouseButton.LeftButton)
    assert editor.user_error_label.text() == "Enter a password for 'alice'"
    type_into(qtbot, editor.user_password_edit, "pw1")
    assert editor.user_names_shown() == ["alice"] and editor.users() == {"alice": "pw1"}
    apply(qtbot, form)
    assert security_of(server).authentication.users == {"alice": "pw1"}
    form.set_socket(server)  # shown again from the socket: the password is kept, not shown
    assert form.auth_editor.user_names_shown() == ["alice"]


def test_a_security_not_applied_from_a_workspace_is_explained(form, session, qtbot):
    handle = session.create_socket("PUSH", "client")
    keep_security(
        handle,
        SecuritySpec("PLAIN", username="bob", password=None),
        [(False, "tcp://127.0.0.1:5999")],
    )
    form.set_socket(handle)
    assert form.error_label.text() == (
        "This security is not applied yet (see the problems of the workspace): fix it and "
        "Apply. The socket binds/connects tcp://127.0.0.1:5999 once it is."
    )
    assert form.password_edit.placeholderText() == "not saved in the workspace: enter it"
    type_into(qtbot, form.password_edit, "pw")
    apply(qtbot, form)
    assert [e.requested for e in handle.endpoints] == ["tcp://127.0.0.1:5999"]
    assert "waited for this security" in form.status_label.text()


def test_closing_the_socket_empties_the_form(form, session):
    handle = session.create_socket("PULL", "server")
    form.set_socket(handle)
    handle.close()
    assert form.handle is None and not form.apply_button.isEnabled()


def test_every_control_is_named_and_explained(form, session):
    form.set_socket(session.create_socket("PULL", "server"))
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QGroupBox

    controls = [
        w
        for kind in (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QGroupBox)
        for w in form.findChildren(kind)
        if not w.parent().inherits("QLineEdit")  # a field's own clear button
        and w.window() is form
    ]  # not the combo box's popup list
    assert len(controls) > 30
    unnamed = [
        (type(w).__name__, w.accessibleName(), w.toolTip())
        for w in controls
        if not w.accessibleName() or not w.toolTip()
    ]
    assert unnamed == []


def test_the_form_looks_tidy(form, session, qtbot, tmp_path):
    handle = session.create_socket("PULL", "server")
    handle.bind("tcp://*:*")
    form.set_socket(handle)
    form.mechanism_combo.setCurrentText("CURVE")
    form.curve_server_check.setChecked(True)
    qtbot.mouseClick(form.keys.generate_button, Qt.MouseButton.LeftButton)
    form.auth_editor.setChecked(True)
    type_into(qtbot, form.auth_editor.key_edit, generate_keypair()[0])
    form.adjustSize()
    assert form.grab().save(str(tmp_path / "security_form.png"))
