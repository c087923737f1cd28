"""A socket's name is one short line: a name of hundreds of characters widened the window to
thousands of pixels (its heading, the options form and the composer's line show it whole),
and a line break would split its list row. Such names are refused in words, next to the name
field, without being echoed back, and nothing else changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from socket_panel_helpers import choose_type
from ui_actions import WAIT_MS

from zinspect.core.sockets.session import MAX_NAME_CHARS
from zinspect.core.sockets.socket_base import SocketError


def test_the_session_refuses_long_names_and_control_characters(session):
    with pytest.raises(SocketError, match=f"at most {MAX_NAME_CHARS} characters; this one has 600"):
        session.create_socket("PUB", "n" * 600)
    with pytest.raises(SocketError, match="line breaks"):
        session.create_socket("PUB", "two\nlines")
    assert session.sockets == []
    longest = session.create_socket("PUB", "n" * MAX_NAME_CHARS)
    assert session.sockets == [longest]


def test_a_long_name_typed_is_refused_next_to_the_field(panel, session, qtbot):
    width = panel.window().width()
    choose_type(panel, "SUB")
    qtbot.keyClicks(panel.name_edit, "x" * 600)
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert panel.create_error_label.isVisibleTo(panel)
    assert panel.create_error_label.text() == (
        f"A socket's name has at most {MAX_NAME_CHARS} characters; this one has 600"
    )
    assert session.sockets == []
    assert panel.name_edit.text() == "x" * 600  # kept, to be shortened
    assert panel.window().width() == width


def test_the_longest_name_leaves_the_docks_as_they_were(window, user, qtbot):
    """The window's forms title the socket with its name cut in the middle (whole in the
    tooltip): a 100-character name pushed the Sockets dock to 1,379 px of a 1,500 px window."""
    width, dock = window.width(), window.sockets_dock.width()
    name = "n" * (MAX_NAME_CHARS - 1) + "z"
    long_one = user.create("PAIR", name)
    short = user.create("PAIR", "short")
    for handle in (long_one, short, long_one):
        user.select(handle)
    panel = window.sockets
    qtbot.waitUntil(lambda: window.sockets_dock.width() <= dock, timeout=WAIT_MS)
    assert window.width() == width
    assert "…" in panel.title_label.text() and panel.title_label.text().count("z") == 1
    assert panel.title_label.toolTip() == name
