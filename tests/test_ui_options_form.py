"""The socket options form driven as a user would: rows per socket type, typed values,
refusals beside the field, Apply (Enter), Reset, and re-creating a connected socket."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QToolButton
from session_helpers import linked, send, traffic
from ui_actions import WAIT_MS, click

from zinspect.core.sockets.option_catalog import CATALOG, read_live
from zinspect.core.workspace.snapshot import snapshot
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.option_row import RECREATE_MARK
from zinspect.ui.sockets.options_form import OptionsForm


@pytest.fixture
def form(session, qtbot):
    form = OptionsForm(SessionBridge(session))
    qtbot.addWidget(form)
    form.resize(380, 800)
    form.show()
    return form


def live(handle, name):
    return read_live(CATALOG[name], handle.socket)


def type_into(qtbot, form, name, text):
    editor = form.row(name).editor
    editor.clear()
    qtbot.keyClicks(editor, text)


def test_rows_follow_the_socket_type(form, session):
    router = session.create_socket("ROUTER")
    sub = session.create_socket("SUB")
    form.set_socket(router)
    router_rows = form.shown_options()
    assert {
        "ROUTER_MANDATORY",
        "ROUTER_HANDOVER",
        "PROBE_ROUTER",
        "ROUTING_ID",
        "SNDHWM",
        "RCVHWM",
    } <= set(router_rows)
    assert not {"INVERT_MATCHING", "CONFLATE", "XPUB_VERBOSE", "REQ_RELAXED"} & set(router_rows)
    form.set_socket(sub)
    sub_rows = form.shown_options()
    assert {"INVERT_MATCHING", "CONFLATE", "RCVHWM", "RCVTIMEO"} <= set(sub_rows)
    assert not {"SNDHWM", "SNDTIMEO", "ROUTER_MANDATORY", "ROUTING_ID"} & set(sub_rows)
    assert form.title_label.text() == "Options of sub-1 (SUB)"
    form.set_socket(None)
    assert form.shown_options() == [] and not form.apply_button.isEnabled()
    assert form.title_label.text() == "Select a socket to see its options."


def test_a_bad_value_is_refused_beside_the_field_and_nothing_changes(form, session, qtbot):
    push = session.create_socket("PUSH")
    form.set_socket(push)
    type_into(qtbot, form, "LINGER", "soon")
    assert form.apply_button.isEnabled()
    click(qtbot, form.apply_button)
    error = form.row("LINGER").error
    assert error.isVisible()
    assert error.text() == (
        '"soon" is not a number: expected a whole number of milliseconds, '
        "0 or more, or -1 (wait forever); 0 means drop them at once"
    )
    assert form.status_label.text().startswith("Nothing was changed")
    assert push.options == {} and live(push, "LINGER") == 0
    assert form.row("LINGER").editor.text() == "soon"  # kept, to be corrected
    qtbot.keyClick(form.row("LINGER").editor, Qt.Key.Key_Backspace)
    assert not error.isVisible()  # typing replaces the value the message was about


def test_an_immediate_option_applies_without_re_creating(form, session, qtbot):
    pull, push = linked(session, "PULL", "PUSH")
    form.set_socket(push)
    before = push.socket
    assert form.row("LINGER").mark.text() == "" and form.row("SNDTIMEO").mark.text() == ""
    type_into(qtbot, form, "LINGER", "250")
    type_into(qtbot, form, "SNDTIMEO", "1.5 s")
    with qtbot.waitSignals([form.option_applied, form.option_applied], timeout=WAIT_MS):
        qtbot.keyClick(form.row("SNDTIMEO").editor, Qt.Key.Key_Return)
    assert push.socket is before
    assert live(push, "LINGER") == 250 and live(push, "SNDTIMEO") == 1500
    assert push.options == {"LINGER": 250, "SNDTIMEO": 1500}
    assert form.status_label.text() == (
        "Set LINGER = 250 ms and SNDTIMEO = 1500 ms. They apply at once."
    )
    assert form.row("LINGER").label.font().bold()
    assert form.row("SNDTIMEO").editor.text() == "1500"
    assert not form.apply_button.isEnabled()


def test_sndhwm_on_a_bound_and_connected_push_applies_at_once(form, session, aloop, qtbot):
    """libzmq 4.2+ changes the high-water mark of existing connections too: no re-creating."""
    push, pull = linked(session, "PUSH", "PULL")
    form.set_socket(push)
    before = push.socket
    assert form.row("SNDHWM").mark.text() == ""
    type_into(qtbot, form, "SNDHWM", "10")
    click(qtbot, form.apply_button)
    assert push.socket is before and live(push, "SNDHWM") == 10
    assert form.status_label.text() == "Set SNDHWM = 10 messages. It applies at once."
    send(aloop, qtbot, push, b"through")
    qtbot.waitUntil(lambda: traffic(session, pull) == [[b"through"]], timeout=WAIT_MS)
    saved = {spec.name: spec.options for spec in snapshot(session).sockets}
    assert saved[push.name] == {"SNDHWM": 10}


def test_a_connect_time_option_re_creates_the_socket_which_still_talks(form, session, aloop, qtbot):
    push, pull = linked(session, "PUSH", "PULL")
    address = push.endpoints[0].address
    form.set_socket(push)
    row = form.row("HEARTBEAT_IVL")
    assert row.mark.text() == RECREATE_MARK and RECREATE_MARK in form.legend_label.text()
    assert "re-creates this socket" in row.mark.toolTip()
    before = push.socket
    type_into(qtbot, form, "HEARTBEAT_IVL", "1 s")
    with qtbot.waitSignal(form.option_applied, timeout=WAIT_MS) as applied:
        qtbot.keyClick(row.editor, Qt.Key.Key_Return)
    assert applied.args == [push, "HEARTBEAT_IVL"]
    assert push.socket is not before and live(push, "HEARTBEAT_IVL") == 1000
    assert [e.address for e in push.endpoints] == [address]
    assert form.status_label.text() == (
        "Set HEARTBEAT_IVL = 1000 ms. Re-created the socket so HEARTBEAT_IVL applies to its "
        "connections; it bound 1 endpoint again."
    )
    assert form.status_label.isVisible()
    send(aloop, qtbot, push, b"after re-creating")
    qtbot.waitUntil(lambda: traffic(session, pull) == [[b"after re-creating"]], timeout=WAIT_MS)
    saved = {spec.name: spec.options for spec in snapshot(session).sockets}
    assert saved[push.name] == {"HEARTBEAT_IVL": 1000}


def test_no_mark_on_a_socket_without_endpoints(form, session):
    dealer = session.create_socket("DEALER")
    form.set_socket(dealer)
    assert form.row("HEARTBEAT_IVL").mark.text() == ""
    assert RECREATE_MARK not in form.legend_label.text()
    dealer.connect("tcp://127.0.0.1:1")
    form.refresh()
    assert form.row("HEARTBEAT_IVL").mark.text() == RECREATE_MARK


def test_reset_puts_the_default_back(form, session, qtbot):
    sub = session.create_socket("SUB")
    sub.set_option("RCVHWM", 5)
    form.set_socket(sub)
    row = form.row("RCVHWM")
    assert row.editor.text() == "5" and row.label.font().bold()
    click(qtbot, row.reset_button)
    assert sub.options == {} and live(sub, "RCVHWM") == 1000
    assert row.editor.text() == "" and row.editor.placeholderText() == "1000"
    assert not row.label.font().bold() and not row.reset_button.isEnabled()
    assert form.status_label.text() == (
        "Back to the default: RCVHWM (1000 messages). It applies at once."
    )


def test_reset_all_and_revert(form, session, qtbot):
    dealer = session.create_socket("DEALER")
    dealer.set_option("SNDHWM", 3)
    dealer.set_option("LINGER", 7)
    form.set_socket(dealer)
    type_into(qtbot, form, "RCVHWM", "99")
    click(qtbot, form.revert_button)
    assert form.row("RCVHWM").editor.text() == "" and not form.apply_button.isEnabled()
    click(qtbot, form.reset_all_button)
    assert dealer.options == {} and live(dealer, "SNDHWM") == 1000 and live(dealer, "LINGER") == 0
    assert not form.reset_all_button.isEnabled()


def test_switches_and_choices(form, session, qtbot):
    router = session.create_socket("ROUTER")
    form.set_socket(router)
    mandatory = form.row("ROUTER_MANDATORY").editor
    assert isinstance(mandatory, QCheckBox) and mandatory.isChecked()  # zinspect's default
    click(qtbot, mandatory)
    keepalive = form.row("TCP_KEEPALIVE").editor
    assert isinstance(keepalive, QComboBox) and keepalive.currentText() == "OS default"
    keepalive.setCurrentIndex(keepalive.findText("on"))
    assert form.edited_options() == ["ROUTER_MANDATORY", "TCP_KEEPALIVE"]
    click(qtbot, form.apply_button)
    assert router.options == {"ROUTER_MANDATORY": 0, "TCP_KEEPALIVE": 1}
    assert live(router, "TCP_KEEPALIVE") == 1 and not mandatory.isChecked()


def test_the_form_follows_changes_made_elsewhere_without_losing_edits(form, session, qtbot):
    dealer = session.create_socket("DEALER")
    form.set_socket(dealer)
    type_into(qtbot, form, "SNDHWM", "77")
    dealer.set_option("RCVHWM", 5)
    qtbot.waitUntil(lambda: form.row("RCVHWM").editor.text() == "5", timeout=WAIT_MS)
    assert form.row("SNDHWM").editor.text() == "77" and form.edited_options() == ["SNDHWM"]
    dealer.close()
    qtbot.waitUntil(lambda: not form.row("RCVHWM").editor.isEnabled(), timeout=WAIT_MS)
    assert form.title_label.text().endswith("(closed)") and not form.apply_button.isEnabled()


def test_maxmsgsize_shows_zinspects_protective_default(form, session):
    pull = session.create_socket("PULL")
    form.set_socket(pull)
    row = form.row("MAXMSGSIZE")
    assert row.editor.placeholderText() == "256 MiB"
    assert (
        "zinspect's default: 256 MiB, so a peer cannot make it allocate gigabytes"
        in row.editor.toolTip()
    )
    assert "applies to binds and connects made after it is set" in row.label.toolTip().lower()


def test_every_control_has_a_name_and_a_tooltip(form, session):
    form.set_socket(session.create_socket("ROUTER"))
    controls = (
        form.findChildren(QLineEdit)
        + form.findChildren(QCheckBox)
        + form.findChildren(QComboBox)
        + form.findChildren(QToolButton)
        + form.findChildren(QPushButton)
        + form.findChildren(QLabel)
    )
    assert len(controls) > 100
    for control in controls:
        assert control.accessibleName(), control
        if not isinstance(control, QLabel) or control.text():
            assert (
                control.toolTip()
                or isinstance(control, QLabel)
                and control.accessibleName().endswith(" unit")
            ), control.accessibleName()


def test_it_fits_a_narrow_dock(form, session):
    form.set_socket(session.create_socket("ROUTER"))
    form.resize(320, 700)
    assert form.rows_widget.minimumSizeHint().width() <= 320 - 16  # room for a scroll bar


def test_without_its_own_scroll_area_for_a_parent_that_scrolls(session, qtbot):
    form = OptionsForm(SessionBridge(session), scrolling=False)
    qtbot.addWidget(form)
    form.show()
    assert form.scroll is None
    form.set_socket(session.create_socket("REQ"))
    assert {"REQ_RELAXED", "REQ_CORRELATE"} <= set(form.shown_options())
    form.set_socket(session.create_socket("XPUB"))
    assert {"XPUB_VERBOSE", "XPUB_NODROP"} <= set(form.shown_options())
    assert form.row("XPUB_VERBOSE").editor.isVisible()
    type_into(qtbot, form, "SNDHWM", "20")
    click(qtbot, form.apply_button)
    assert form.socket().options == {"SNDHWM": 20}
