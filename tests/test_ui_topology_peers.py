"""The topology as a user sees it: each outside connection its own peer box, a stopped
socket still drawn (greyed, marked stopped), every label at the app's font size."""

from __future__ import annotations

import pytest
import zmq
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from session_helpers import ANY_PORT
from ui_actions import WAIT_MS

from zinspect.core.topology.model import CONNECTION_NODE
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.topology.topology_view import TopologyView


@pytest.fixture
def view(session, qtbot):
    widget = TopologyView(SessionBridge(session))
    qtbot.addWidget(widget)
    widget.resize(900, 520)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def pushers():
    """Plain pyzmq PUSH sockets (outside the workspace), closed at teardown."""
    context = zmq.Context.instance()
    made: list[zmq.Socket] = []

    def make(address: str) -> zmq.Socket:
        sock = context.socket(zmq.PUSH)
        sock.linger = 0
        sock.connect(address)
        made.append(sock)
        return sock

    yield make
    for sock in made:
        sock.close()


def peer_boxes(view: TopologyView) -> list[tuple[str, str]]:
    return sorted(view.nodes[n.key].lines for n in view.topology.nodes if n.kind == CONNECTION_NODE)


def test_three_outside_workers_on_one_host_are_three_peer_boxes(view, session, qtbot, pushers):
    sink = session.create_socket("PULL", "sink")
    address = sink.bind(ANY_PORT).address
    workers = [pushers(address) for _ in range(3)]
    qtbot.waitUntil(lambda: len(peer_boxes(view)) == 3, timeout=WAIT_MS)
    boxes = peer_boxes(view)
    assert {first for first, _ in boxes} == {"peer"}
    assert len({second for _, second in boxes}) == 3  # three ports
    assert all(second.startswith("127.0.0.1:") for _, second in boxes)
    assert not any(view.nodes[n.key].lines[0] == "peers on" for n in view.topology.nodes)
    workers[0].close()
    qtbot.waitUntil(lambda: len(peer_boxes(view)) == 2, timeout=WAIT_MS)


def test_a_closed_socket_stays_drawn_greyed_and_marked_stopped(view, session, qtbot):
    vent = session.create_socket("PUSH", "vent")
    vent.bind("inproc://ui-stopped")
    worker = session.create_socket("PULL", "worker")
    worker.connect("inproc://ui-stopped")
    qtbot.waitUntil(lambda: len(view.edges) == 1, timeout=WAIT_MS)
    worker.close()
    qtbot.waitUntil(
        lambda: (
            [item.lines for item in view.nodes.values()]
            == [("PUSH", "vent"), ("PULL · stopped", "worker")]
        ),
        timeout=WAIT_MS,
    )
    (stopped,) = [n for n in view.topology.nodes if n.stopped]
    assert view.nodes[stopped.key].lines == ("PULL · stopped", "worker")
    (link,) = view.topology.links
    assert link.stopped and view.label_text(link.key).splitlines()[-1] == "stopped"
    assert view.edges[link.key].pen().style() == Qt.PenStyle.DotLine
    assert "stopped (closed)" in view.nodes[stopped.key].toolTip()
    # opened again under its name, it is a live socket once more
    again = session.create_socket("PULL", "worker")
    again.connect("inproc://ui-stopped")
    qtbot.waitUntil(
        lambda: (
            view.topology.node_of(again) is not None
            and not any(n.stopped for n in view.topology.nodes)
        ),
        timeout=WAIT_MS,
    )


def test_a_new_workspace_forgets_the_stopped_sockets(view, session, qtbot):
    session.create_socket("PULL", "old").close()
    qtbot.waitUntil(lambda: len(view.nodes) == 1, timeout=WAIT_MS)
    view.forget_stopped()
    qtbot.waitUntil(lambda: view.empty_label.isVisible(), timeout=WAIT_MS)


def test_labels_are_drawn_at_the_app_font_size_in_the_text_colour(view, session, qtbot):
    vent = session.create_socket("PUSH", "vent")
    vent.bind("inproc://ui-readable")
    session.create_socket("PULL", "worker").connect("inproc://ui-readable")
    qtbot.waitUntil(lambda: len(view.labels) == 1, timeout=WAIT_MS)
    assert view.canvas.transform().m11() >= 1.0  # never shrunk below the app's size
    (label,) = view.labels.values()
    assert label._font.pointSizeF() >= view.font().pointSizeF()
    assert label._color == view.palette().color(QPalette.ColorRole.Text)
    for item in view.nodes.values():
        assert item._font.pointSizeF() >= view.font().pointSizeF()


def test_a_graph_too_big_for_the_view_scrolls_from_its_start_at_full_size(view, session, qtbot):
    view.resize(300, 150)
    vent = session.create_socket("PUSH", "vent")
    vent.bind("inproc://ui-big")
    for number in range(4):
        session.create_socket("PULL", f"worker-{number}").connect("inproc://ui-big")
    qtbot.waitUntil(lambda: len(view.edges) == 4, timeout=WAIT_MS)
    assert view.canvas.transform().m11() == 1.0  # scrolls rather than shrinks the text
    first = view.node_item(vent)
    assert first is not None
    shown = view.canvas.mapFromScene(first.sceneBoundingRect()).boundingRect()
    assert view.canvas.viewport().rect().contains(shown)  # the source, whole, in sight
