"""The Message pane's "Direction: in (received)" on one line: a reviewer saw it wrap onto two
lines at the default window size, where a short socket name puts the pairs two to a row and
the grid shared its width out by the columns' stretch alone (72 of the 76 px it needed).
Side by side, each value column now keeps its widest value's one line; one to a row, at
1024 x 700, the pane is wide enough for it too."""

from __future__ import annotations

import pytest
from peerio import start_peer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from test_ui_narrow_docks import reset_at
from ui_actions import PEER_WAIT_MS, WAIT_MS

from zinspect.ui.main_window import DEFAULT_SIZE

SIZES = {"default": DEFAULT_SIZE, "1024x700": (1024, 700)}


def one_line(label) -> bool:
    """Whether ``label`` shows its text on one line at the width it has."""
    line = label.heightForWidth(1 << 16)
    return label.heightForWidth(label.width()) == line and label.height() < 2 * line


def receive_one(window, user, peer, qtbot, socket: str) -> None:
    """A real PUSH peer sends one message to a PULL named ``socket``; it is selected."""
    pull = user.create("PULL", socket)
    endpoint = user.bind()
    worker = start_peer(peer, qtbot, "push_worker.py", endpoint, 1, "hello")
    qtbot.waitUntil(lambda: pull.received == 1, timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: worker.proc.poll() is not None, timeout=PEER_WAIT_MS)
    user.wait_rows(1)
    user.click_row(0)
    qtbot.waitUntil(lambda: window.detail.message is not None, timeout=WAIT_MS)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("socket", ["pull-1", "weather-pull", "p"])
def test_the_direction_fits_on_one_line(window, user, peer, qtbot, size, socket):
    reset_at(window, qtbot, *SIZES[size])
    receive_one(window, user, peer, qtbot, socket)
    field = window.detail.findChild(QLabel, "direction_field")
    assert field.text() == "in (received)"
    grid = window.detail._field_grid
    if size == "default" and socket == "pull-1":
        assert grid.columns == 2  # the case that wrapped: the pairs side by side
    qtbot.waitUntil(lambda: one_line(field), timeout=WAIT_MS)
    if grid.columns == 2:  # side by side only where every value fits on its line
        for key in ("socket", "size", "frames"):
            assert one_line(window.detail.findChild(QLabel, f"{key}_field")), key
    # and the pane was not widened for it
    assert window.width() == SIZES[size][0]
    assert window.traffic.width() > 0.5 * window.width()


def test_at_every_width_of_the_pane_the_direction_stays_on_one_line(window, user, peer, qtbot):
    """The user drags the Message dock from its narrowest to wide: one pair a row, then two
    side by side (where it wrapped: just past two pairs' width), never two lines."""
    reset_at(window, qtbot, *DEFAULT_SIZE)
    receive_one(window, user, peer, qtbot, "pull-1")
    grid = window.detail._field_grid
    field = window.detail.findChild(QLabel, "direction_field")
    dock = window.detail_dock
    seen = set()
    for width in range(dock.minimumSizeHint().width(), 460, 6):
        window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        QApplication.processEvents()
        seen.add(grid.columns)
        assert one_line(field), (width, grid.width(), grid.columns, field.width())
    assert seen == {1, 2}
    # narrowed again, it goes back to one pair a row: holding the columns did not hold it wide
    window.resizeDocks([dock], [dock.minimumSizeHint().width()], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: grid.columns == 1, timeout=WAIT_MS)
    assert dock.width() < grid.two_pair_width()
    qtbot.waitUntil(lambda: one_line(field), timeout=WAIT_MS)
