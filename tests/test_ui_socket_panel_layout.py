"""The sockets panel's layout and reach: keyboard focus, a tooltip and an accessible name on
every control, no scroll bars where none are needed, buttons that stay put as a state comes
and goes, and the settings fitting the narrowest dock."""

from __future__ import annotations

from socket_panel_helpers import create, type_endpoint
from ui_actions import WAIT_MS, click


def test_focus_new_socket_puts_focus_on_the_type_chooser(panel, qtbot):
    panel.activateWindow()
    panel.name_edit.setFocus()
    panel.focus_new_socket()
    qtbot.waitUntil(lambda: panel.type_combo.hasFocus(), timeout=WAIT_MS)


def test_every_control_has_a_tooltip_and_an_accessible_name(panel, qtbot):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QListView

    create(panel, qtbot, "SUB")

    def inside_a_compound(widget) -> bool:  # a combo's popup list, a line edit's clear button
        parent = widget.parent()
        while parent is not None and parent is not panel:
            if isinstance(parent, (QComboBox, QLineEdit)):
                return True
            parent = parent.parent()
        return False

    controls = [
        w
        for cls in (QAbstractButton, QComboBox, QLineEdit, QListView)
        for w in panel.findChildren(cls)
        if not inside_a_compound(w)
    ]
    assert len(controls) > 12
    for widget in controls:
        assert widget.accessibleName(), widget
        assert widget.toolTip(), widget.accessibleName()


# -- found in the acceptance audit ------------------------------------------------------------


def test_no_socket_page_has_no_scroll_bar_and_a_new_socket_starts_at_its_top(panel, session, qtbot):
    panel.resize(380, 560)
    bar = panel.details_scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=WAIT_MS)
    assert not bar.isVisible()  # the hidden settings page no longer sizes the empty page
    sub = create(panel, qtbot, "SUB")
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)  # SUB settings are long
    bar.setValue(bar.maximum())
    create(panel, qtbot, "ROUTER")
    assert bar.value() == 0  # the title of the socket just selected is in sight
    bar.setValue(bar.maximum())
    panel.select_socket(sub)
    assert bar.value() == 0
    panel.close_current_socket()
    panel.close_current_socket()
    qtbot.waitUntil(lambda: panel.empty_label.isVisible(), timeout=WAIT_MS)
    assert not bar.isVisible()


def test_clear_buttons_of_the_fields_are_named(panel, qtbot):
    from PySide6.QtWidgets import QToolButton

    create(panel, qtbot, "SUB")
    edits = {
        "name": panel.name_edit,
        "endpoint": panel.endpoint_editor.endpoint_edit,
        "prefix": panel.subscription_editor.prefix_edit,
    }
    for field, edit in edits.items():
        edit.setText("x")
        buttons = [b for b in edit.findChildren(QToolButton) if b.isVisible()]
        assert buttons, field
        for button in buttons:
            assert button.accessibleName() == f"Clear {field}"
            assert button.toolTip() == f"Clear the {field} field"


def test_a_state_coming_and_going_does_not_move_the_buttons(panel, qtbot, aloop):
    # The REQ's "waiting for reply" used to push the endpoint field and Bind/Connect down
    # by a line just as the user reached for them.
    rep = create(panel, qtbot, "REP")
    click(qtbot, panel.endpoint_editor.bind_button)
    req = create(panel, qtbot, "REQ")
    type_endpoint(panel, qtbot, rep.endpoints[0].address)
    click(qtbot, panel.endpoint_editor.connect_button)
    connect_button = panel.endpoint_editor.connect_button
    qtbot.wait(50)  # let the layout settle after the connect
    before = connect_button.mapTo(panel, connect_button.rect().topLeft())
    aloop.create_task(req.send([b"ping"]))
    qtbot.waitUntil(lambda: panel.state_label.text() == "REQ: waiting for reply", timeout=WAIT_MS)
    qtbot.wait(50)  # let the layout settle
    assert panel.state_label.isVisible()
    assert connect_button.mapTo(panel, connect_button.rect().topLeft()) == before


def test_settings_fit_the_narrowest_dock_without_scrolling_sideways(panel, qtbot):
    # "Unbind/Disconnect" (nothing selected) made the endpoint buttons wider than the
    # panel's own minimum width, so a narrow dock scrolled the settings sideways.
    create(panel, qtbot, "SUB")
    panel.resize(panel.minimumSizeHint().width(), 600)
    qtbot.waitUntil(lambda: panel.width() == panel.minimumSizeHint().width(), timeout=WAIT_MS)
    qtbot.wait(50)
    assert panel.endpoint_editor.remove_button.text() == "Remove"
    assert panel.details_scroll.horizontalScrollBar().maximum() == 0
