"""The Topology view builds its graph only for someone who looks: hidden (its tab behind
another, as by default), socket changes mark it out of date, and the graph is built when the
view is shown or asked for. With 3,000 sockets one build took 100-150 ms at the end of every
workspace open, for a picture nobody was looking at."""

from __future__ import annotations

from ui_actions import WAIT_MS

import zinspect.ui.topology.topology_view as topology_view
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.topology.topology_view import TopologyView


def test_a_hidden_view_builds_nothing_until_it_is_shown(session, qtbot, monkeypatch):
    builds = []
    real = topology_view.build_topology
    monkeypatch.setattr(
        topology_view, "build_topology", lambda *args: builds.append(1) or real(*args)
    )
    view = TopologyView(SessionBridge(session))
    qtbot.addWidget(view)
    view.resize(1200, 520)
    builds.clear()
    pub = session.create_socket("PUB", "feed")
    sub = session.create_socket("SUB", "reader")
    sub.connect(pub.bind("inproc://hidden-topology").address)
    view.rebuild()  # what its timer does after changes
    assert builds == [] and view.nodes == {}
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: len(view.nodes) == 2, timeout=WAIT_MS)
    assert len(builds) == 1
    assert {node.name for node in view.topology.nodes} == {"feed", "reader"}
    assert len(builds) == 1  # asked again, nothing changed: not built again


def test_asking_a_hidden_view_for_its_graph_builds_it(session, qtbot):
    view = TopologyView(SessionBridge(session))
    qtbot.addWidget(view)
    session.create_socket("PULL", "sink")
    view.rebuild()
    assert [node.name for node in view.topology.nodes] == ["sink"]


def visible_boxes(view: TopologyView, handles) -> list[bool]:
    seen = view.canvas.mapToScene(view.canvas.viewport().rect()).boundingRect()
    return [seen.intersects(view.node_item(h).sceneBoundingRect()) for h in handles]


def test_a_graph_too_big_opens_at_its_first_socket_or_the_selected_one(session, qtbot):
    handles = [session.create_socket("PUB", f"s{i}") for i in range(400)]
    for selected in (None, handles[200]):
        view = TopologyView(SessionBridge(session))
        qtbot.addWidget(view)
        view.resize(500, 300)
        view.select_socket(selected)
        view.show()
        qtbot.waitExposed(view)
        qtbot.waitUntil(lambda view=view: len(view.nodes) == 400, timeout=WAIT_MS)
        first, middle = visible_boxes(view, [handles[0], handles[200]])
        assert middle if selected is not None else first  # not the middle of the column
        assert not (first and middle)  # (too big to show whole: the test means something)
