"""The topology view: boxes for sockets and external parties, arrows for links with live
counts, selection kept in step with the sockets panel, redrawing as the workspace changes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTabBar
from session_helpers import send
from ui_actions import WAIT_MS

import zinspect.ui.topology.topology_view as topology_view
from zinspect.core.automation.automation import AutomationSpec, ForwardSpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.topology.model import FORWARD_LINK, PEERS_NODE, REMOTE_NODE
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.topology.topology_view import EMPTY_TEXT, NodeItem, TopologyView


@pytest.fixture
def view(session, qtbot):
    widget = TopologyView(SessionBridge(session))
    qtbot.addWidget(widget)
    widget.resize(1200, 520)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def click_node(qtbot, view: TopologyView, item: NodeItem) -> None:
    canvas = view.canvas
    qtbot.mouseClick(
        canvas.viewport(), Qt.MouseButton.LeftButton, pos=canvas.mapFromScene(item.scenePos())
    )


def click_tab(qtbot, main, title: str) -> None:
    """Click a dock's tab, as a user brings a tabbed panel to the front."""

    def find() -> tuple[QTabBar, int] | None:
        for bar in main.findChildren(QTabBar):
            for index in range(bar.count()):
                if bar.tabText(index) == title and bar.isVisible():
                    return bar, index
        return None

    qtbot.waitUntil(lambda: find() is not None, timeout=WAIT_MS)
    bar, index = find()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())


def shown_nodes(view: TopologyView) -> list[tuple[str, str]]:
    """What each box says, in the model's node order."""
    return [view.nodes[node.key].lines for node in view.topology.nodes]


def wait_nodes(qtbot, view: TopologyView, count: int) -> None:
    qtbot.waitUntil(lambda: len(view.nodes) == count and view.canvas.isVisible(), timeout=WAIT_MS)


def pipeline(session):
    """ventilator PUSH -> 2 workers (PULL forwarding to PUSH) -> sink PULL on tcp."""
    vent = session.create_socket("PUSH", "vent")
    vent.bind("inproc://view-vent")
    sink = session.create_socket("PULL", "sink")
    sink_address = sink.bind("tcp://127.0.0.1:*").address
    workers = []
    for number in (1, 2):
        inbound = session.create_socket("PULL", f"w{number}-in")
        inbound.connect("inproc://view-vent")
        outbound = session.create_socket("PUSH", f"w{number}-out")
        outbound.connect(sink_address)
        attach_automation(inbound, AutomationSpec(forward=ForwardSpec(outbound.name)))
        workers.append((inbound, outbound))
    return vent, sink, workers


def test_an_empty_workspace_says_how_to_start(view, session, qtbot):
    assert view.empty_label.isVisible() and view.empty_label.text() == EMPTY_TEXT
    assert not view.canvas.isVisible() and view.nodes == {}
    session.create_socket("PUB", "lonely")
    wait_nodes(qtbot, view, 1)
    assert not view.empty_label.isVisible()
    assert shown_nodes(view) == [("PUB", "lonely")]


def test_a_pipeline_is_drawn_with_links_forwards_and_outside_peers(view, session, qtbot):
    vent, sink, workers = pipeline(session)
    sink.bind("tcp://127.0.0.1:*")  # nobody here connects to this one: outside peers
    session.create_socket("SUB", "remote-fan").connect("tcp://127.0.0.1:1")
    wait_nodes(qtbot, view, 9)
    assert shown_nodes(view)[:6] == [
        ("PUSH", "vent"),
        ("PULL", "sink"),
        ("PULL", "w1-in"),
        ("PUSH", "w1-out"),
        ("PULL", "w2-in"),
        ("PUSH", "w2-out"),
    ]
    externals = {view.nodes[n.key].lines for n in view.topology.nodes if n.external}
    assert externals == {("peers on", sink.endpoints[1].address), ("remote", "tcp://127.0.0.1:1")}
    kinds = sorted(link.kind for link in view.topology.links)
    assert kinds == ["endpoint"] * 6 + [FORWARD_LINK] * 2
    assert set(view.edges) == set(view.labels) == {link.key for link in view.topology.links}
    forward = next(link for link in view.topology.links if link.kind == FORWARD_LINK)
    assert view.edges[forward.key].pen().style() == Qt.PenStyle.DashLine
    assert view.label_text(forward.key).splitlines()[:2] == ["forwards", "0"]
    # a fan of links to one bind names the endpoint once, on its middle link
    fan = [
        view.label_text(link.key)
        for link in view.topology.links
        if link.endpoint == "inproc://view-vent"
    ]
    assert len(fan) == 2 and sum("inproc://view-vent" in text for text in fan) == 1
    # sources left, sinks right: vent, the workers' two halves, then the sink
    x = {n.name: view.nodes[n.key].scenePos().x() for n in view.topology.nodes}
    assert x["vent"] < x["w1-in"] == x["w2-in"] < x["w1-out"] < x["sink"]
    assert x[sink.endpoints[1].address] < x["sink"]  # outside peers send into the sink


def test_labels_count_the_messages_that_flow(view, session, qtbot, aloop):
    push = session.create_socket("PUSH", "source")
    push.bind("inproc://view-count")
    pull = session.create_socket("PULL", "drain")
    pull.connect("inproc://view-count")
    wait_nodes(qtbot, view, 2)
    (link,) = view.topology.links
    endpoint, count = view.label_text(link.key).splitlines()
    assert endpoint == "inproc://view-count" and count.split(" · ")[0] == "0"
    for number in range(12):
        send(aloop, qtbot, push, b"job %d" % number)
    qtbot.waitUntil(
        lambda: view.label_text(link.key).splitlines()[1].startswith("12 · "), timeout=WAIT_MS
    )
    assert view.label_text(link.key).endswith("/s")
    assert "counted from the messages drain received" in view.labels[link.key].toolTip()


def test_an_uncountable_link_shows_a_question_mark(view, session, qtbot):
    a = session.create_socket("PUSH", "a")
    a.bind("inproc://view-a1")
    a.bind("inproc://view-a2")
    b = session.create_socket("PULL", "b")
    b.connect("inproc://view-a1")
    b.connect("tcp://127.0.0.1:2")
    wait_nodes(qtbot, view, 4)
    link = next(link for link in view.topology.links if link.endpoint == "inproc://view-a1")
    assert view.label_text(link.key).splitlines()[1] == "?"
    assert "not countable" in view.labels[link.key].toolTip()


def test_closing_a_socket_and_adding_an_endpoint_redraw_the_graph(view, session, qtbot):
    push = session.create_socket("PUSH", "p")
    pull = session.create_socket("PULL", "q")
    wait_nodes(qtbot, view, 2)
    assert view.topology.links == []
    push.bind("inproc://view-late")
    pull.connect("inproc://view-late")
    qtbot.waitUntil(lambda: len(view.edges) == 1, timeout=WAIT_MS)
    pull.close()  # stays drawn, marked stopped (test_ui_topology_stopped.py)
    qtbot.waitUntil(
        lambda: shown_nodes(view) == [("PUSH", "p"), ("PULL · stopped", "q")],
        timeout=WAIT_MS,
    )


def test_a_socket_recreated_at_once_is_still_the_one_clicked(view, session, qtbot):
    old = session.create_socket("PULL", "worker")
    old.connect("inproc://view-again")
    wait_nodes(qtbot, view, 2)
    old.close()  # stopped and started again within one redraw, as a demo's Reset does
    new = session.create_socket("PULL", "worker")
    new.connect("inproc://view-again")
    qtbot.waitUntil(lambda: view.topology.node_of(new) is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(view.socket_selected, timeout=WAIT_MS) as signal:
        click_node(qtbot, view, view.node_item(new))
    assert signal.args == [new] and view.node_item(new).selected


def test_a_burst_of_changes_is_drawn_once(view, session, qtbot, monkeypatch):
    calls = []
    real = topology_view.build_topology
    monkeypatch.setattr(
        topology_view,
        "build_topology",
        lambda handles, *rest: calls.append(len(handles)) or real(handles, *rest),
    )
    handle = session.create_socket("PULL", "busy")
    for number in range(20):
        handle.bind(f"inproc://view-burst-{number}")
    wait_nodes(qtbot, view, 21)
    assert calls == [1]


def test_a_tall_narrow_view_lays_out_top_to_bottom(view, session, qtbot):
    pipeline(session)
    wait_nodes(qtbot, view, 6)
    assert not view.downward
    view.resize(380, 700)
    qtbot.waitUntil(lambda: view.downward, timeout=WAIT_MS)
    y = {n.name: view.nodes[n.key].scenePos().y() for n in view.topology.nodes}
    assert y["vent"] < y["w1-in"] < y["w1-out"] < y["sink"]


def test_the_dock_selects_sockets_both_ways_and_counts_only_while_shown(
    window,
    qtbot,
    monkeypatch,
):
    session = window.session
    topology = window.topology  # the main window built and docked it
    vent, sink, workers = pipeline(session)
    session.create_socket("SUB", "outsider").connect("tcp://127.0.0.1:3")
    assert topology.dock.windowTitle() == "Topology"
    assert not topology.showing  # a tab behind the message detail
    view_menu_actions = [
        a for a in window.findChildren(QAction) if a is topology.dock.toggleViewAction()
    ]
    assert view_menu_actions and any(
        topology.dock.toggleViewAction() in menu.actions()
        for menu in (a.menu() for a in window.menuBar().actions())
        if menu is not None
    )
    click_tab(qtbot, window, "Topology")
    qtbot.waitUntil(lambda: topology.showing, timeout=WAIT_MS)
    wait_nodes(qtbot, topology, 8)  # drawn on show, though it changed while hidden

    worker_in = workers[1][0]
    with qtbot.waitSignal(topology.socket_selected, timeout=WAIT_MS) as signal:
        click_node(qtbot, topology, topology.node_item(worker_in))
    assert signal.args == [worker_in]
    assert window.sockets.current_socket() is worker_in
    assert topology.node_item(worker_in).selected

    window.sockets.select_socket(sink)  # the other way: the list drives the drawing
    assert topology.selected_socket() is sink
    assert topology.node_item(sink).selected and not topology.node_item(worker_in).selected

    external = next(item for item in topology.nodes.values() if item.node.external)
    click_node(qtbot, topology, external)  # no socket of ours: the selection stays
    assert window.sockets.current_socket() is sink

    click_tab(qtbot, window, "Message")
    qtbot.waitUntil(lambda: not topology.showing, timeout=WAIT_MS)
    # behind another tab it neither counts nor draws; it catches up when shown again
    label = next(iter(topology.labels.values()))
    count_text = label.text
    refreshes = []
    monkeypatch.setattr(topology, "refresh", lambda: refreshes.append(1))
    session.create_socket("PAIR", "added-meanwhile")
    qtbot.waitUntil(lambda: len(topology.topology.nodes) == 9, timeout=WAIT_MS)
    qtbot.wait(2 * topology_view.REFRESH_MS)
    assert refreshes == [] and len(topology.nodes) == 8 and label.text == count_text
    monkeypatch.undo()
    click_tab(qtbot, window, "Topology")
    wait_nodes(qtbot, topology, 9)


def test_every_part_has_a_name_and_a_tip(view, session, qtbot):
    pipeline(session)
    wait_nodes(qtbot, view, 6)
    for widget in (view, view.canvas, view.empty_label, view.legend):
        assert widget.accessibleName()
    for widget in (view.canvas, view.empty_label, view.legend):
        assert widget.toolTip()
    for item in view.nodes.values():
        assert item.toolTip()
        if item.node.kind in (PEERS_NODE, REMOTE_NODE):
            assert "workspace" in item.toolTip()
        else:
            assert "Click to select" in item.toolTip()
