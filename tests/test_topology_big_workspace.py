"""The Topology tab shown after a big workspace opened draws the whole graph, a slice per
turn of the loop (3,000 sockets held the window for 0.3-2 s in one turn, the build and every
box and link at once): every box and link arrives, the view opens at the first socket, and a
socket selected while it is drawn is the one highlighted and in sight once drawn."""

from __future__ import annotations

from test_topology_hidden import visible_boxes
from test_topology_view import click_tab
from test_workspace_open_slices import many_sockets
from test_workspace_switch import start_opening

PAIRS = 300  # 600 sockets: more boxes than a slice draws


def open_big(window, user, qtbot, tmp_path) -> None:
    start_opening(window, user, qtbot, many_sockets(tmp_path / "big.zinspect.json", PAIRS))
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=60_000)


def drawn(view) -> bool:
    """Every box and link is there (and no drawing still under way, as after a resize)."""
    boxes = len(view.nodes) == 2 * PAIRS and len(view.labels) == PAIRS
    return boxes and view.canvas.isVisible() and not view.drawing


def test_the_topology_of_a_big_workspace_shows_whole_once_its_tab_is_shown(
    window, user, qtbot, tmp_path
):
    view = window.topology
    open_big(window, user, qtbot, tmp_path)
    assert not view.showing and view.nodes == {}  # behind another tab: nothing drawn yet
    click_tab(qtbot, window, "Topology")
    qtbot.waitUntil(lambda: drawn(view), timeout=30_000)
    sockets = window.session.sockets
    assert {item.node.name for item in view.nodes.values()} == {h.name for h in sockets}
    pull, push = sockets[0], sockets[PAIRS]
    assert view.label_text(next(iter(view.labels))) != ""
    first, far = visible_boxes(view, [pull, sockets[PAIRS - 1]])
    assert first and not far  # too big to show whole: from its first socket
    assert view.node_item(push) is not None


def test_a_socket_selected_while_the_topology_is_drawn_is_highlighted(
    window, user, qtbot, tmp_path
):
    view = window.topology
    open_big(window, user, qtbot, tmp_path)
    click_tab(qtbot, window, "Topology")
    chosen = window.session.sockets[PAIRS - 20]  # far down its column
    window.sockets.select_socket(chosen)  # as a click in the Sockets list does
    qtbot.waitUntil(lambda: drawn(view), timeout=30_000)
    selected = [item.node.handle for item in view.nodes.values() if item.selected]
    assert selected == [chosen]
    assert visible_boxes(view, [chosen]) == [True]
