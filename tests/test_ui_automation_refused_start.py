"""When Start refuses an automation, the user sees why: the first field in error is scrolled
into view and focused, and "tick something first" names only what the socket's type offers."""

from __future__ import annotations

import pytest
from socket_panel_helpers import editor_of, shown_panel, tick, type_into
from ui_actions import WAIT_MS, click


@pytest.fixture
def short_panel(session, qtbot):
    return shown_panel(session, qtbot, 400, 500)  # the automation section does not fit


def on_screen(panel, widget) -> bool:
    """Whether all of ``widget`` shows in the panel's scrolled viewport."""
    viewport = panel.details_scroll.viewport()
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    bottom_right = widget.mapTo(viewport, widget.rect().bottomRight())
    return viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)


def test_a_bad_stop_when_is_scrolled_into_view_and_focused(aloop, session, short_panel, qtbot):
    session.create_socket("PUSH", "out")  # something to forward to
    sub = session.create_socket("SUB", "sub-1")
    editor = editor_of(short_panel, sub)
    tick(qtbot, editor.forward_group)
    stop_edit = editor.more.stop_edit
    qtbot.keyClicks(stop_edit, '{"after_ms": -5')
    short_panel.details_scroll.verticalScrollBar().setValue(0)  # back at the top, at Start?
    start = editor.start_button
    short_panel.details_scroll.ensureWidgetVisible(start)
    assert not on_screen(short_panel, stop_edit)
    click(qtbot, start)
    assert sub.automation is None
    error = editor.more.stop_error
    assert error.isVisible() and error.text()
    qtbot.waitUntil(lambda: on_screen(short_panel, stop_edit), timeout=WAIT_MS)
    qtbot.waitUntil(stop_edit.hasFocus, timeout=WAIT_MS)
    # the user corrects it where the cursor is, and Start starts
    type_into(qtbot, stop_edit, '{"after_ms": 5000}')
    assert not error.isVisible()
    click(qtbot, start)
    assert sub.automation is not None and sub.automation.forward is not None


@pytest.mark.parametrize(
    ("type_name", "message"),
    [
        ("SUB", "Tick Forward first."),
        ("PUB", "Tick Send first."),
        ("REP", "Tick Reply first."),
        ("DEALER", "Tick Reply, Send or Forward first."),
    ],
)
def test_nothing_ticked_names_only_what_the_type_offers(
    aloop, session, short_panel, qtbot, type_name, message
):
    handle = session.create_socket(type_name)
    editor = editor_of(short_panel, handle)
    click(qtbot, editor.start_button)
    assert editor.error_label.text() == message
    assert handle.automation is None
