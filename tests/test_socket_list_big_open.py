"""The Sockets list shows its rows while a big workspace opens and as soon as it has opened.
It was blank meanwhile and for a while after: Qt's batched list layout shows no row until
its last batch, and each socket added started the layout again from the first row."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from test_workspace_open_slices import many_sockets
from test_workspace_switch import progress, small_slices, start_opening  # noqa: F401
from ui_actions import WAIT_MS

PAIRS = 150  # 300 sockets: many turns with small_slices
pytestmark = pytest.mark.usefixtures("small_slices")


def shown_names(window) -> list[str]:
    """The names of the sockets whose rows the list draws now, top to bottom."""
    view = window.sockets.list_view
    model = window.sockets.model
    names = []
    y = 1
    while y < view.viewport().height():
        index = view.indexAt(QPoint(8, y))
        if not index.isValid():
            break
        names.append(model.data(index, model.NameRole))
        y = view.visualRect(index).bottom() + 2
    return names


def test_the_list_shows_rows_while_a_big_workspace_opens_and_once_it_has(
    window, user, qtbot, tmp_path
):
    path = many_sockets(tmp_path / "many.zinspect.json", PAIRS)
    start_opening(window, user, qtbot, path)
    # while it opens, past the first 200 sockets (a batch of Qt's layout), rows are drawn
    qtbot.waitUntil(
        lambda: (
            window.workspace_actions.switch.running
            and window.sockets.model.rowCount() > 200
            and shown_names(window)[:2] == ["w-pull-0", "w-pull-1"]
        ),
        timeout=30_000,
    )
    assert " of 300 sockets" in progress(window)

    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    # opened: the list draws its rows now, not after a few more turns
    assert shown_names(window)[:3] == ["w-pull-0", "w-pull-1", "w-pull-2"]
    view = window.sockets.list_view
    view.scrollToBottom()  # every row is there to scroll to
    qtbot.waitUntil(lambda: shown_names(window)[-1:] == [f"w-push-{PAIRS - 1}"], timeout=WAIT_MS)
    assert window.sockets.model.rowCount() == 2 * PAIRS


def test_closing_a_big_workspace_leaves_an_empty_list(window, user, qtbot, tmp_path):
    path = many_sockets(tmp_path / "many.zinspect.json", PAIRS)
    start_opening(window, user, qtbot, path)
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    user.select(window.session.sockets[5])
    window.workspace_actions.new_workspace()
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)
    qtbot.waitUntil(lambda: window.sockets.model.rowCount() == 0, timeout=WAIT_MS)
    assert shown_names(window) == [] and window.sockets.current_socket() is None
