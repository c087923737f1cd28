"""The live topology: the workspace's sockets as boxes, their links as arrows in the
direction messages flow, each with its endpoint and a live count and rate.

The graph itself (matching, directions, layers, counts) is core.topology; this module only
draws it, a slice per turn of the loop. The drawing is rebuilt when sockets or endpoints
change (coalesced, and only when the graph's structure really changed); the counts are
refreshed a few times a second, and only while the view is visible.
"""

from __future__ import annotations

import logging
from collections.abc import Generator

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QDockWidget,
    QGraphicsPathItem,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.topology.build import build_steps, build_topology, live_connections
from zinspect.core.topology.model import FORWARD_LINK, Link, Node, Topology
from zinspect.core.topology.stopped import StoppedSockets
from zinspect.core.topology.traffic import LinkTraffic, TrafficSampler
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.topology.topology_items import (
    MARGIN,
    PARALLEL_GAP,
    LabelItem,
    NodeItem,
    NodeSize,
    Obstacles,
    arrow_head,
    choose_downward,
    fit_view,
    link_path,
    link_pen,
    node_centre,
    normal_of,
    place_label,
)
from zinspect.ui.topology.topology_texts import (
    label_lines,
    link_tooltip,
    node_tooltip,
    shared_endpoint_links,
)
from zinspect.ui.widgets.sliced import SlicedApply, cpu_timed
from zinspect.ui.widgets.theme import theme_signals, tint

log = logging.getLogger(__name__)

REBUILD_DELAY_MS = 100  # a burst of socket changes (a workspace loading) draws once
# ...and waits at least this many times as long as the last rebuild took: with 1,000
# sockets a rebuild is ~15-20 ms, and ten a second would be a fifth of the loop
REBUILD_SHARE = 10
DRAW_SLICE_S = 0.015  # then at most this much drawing per turn of the loop
NODE_CHUNK = 200  # boxes made per step (~6 ms)
LINK_CHUNK = 50  # links (line, arrows, label placed) per step (~6 ms)
REFRESH_MS = 333  # counts and rates, three times a second while visible
EMPTY_TEXT = "No sockets yet: create one in the Sockets panel"


class TopologyCanvas(QGraphicsView):
    """The graphics view: ``node_clicked(node)`` on a click on a socket's box, ``resized``
    when its size changed."""

    node_clicked = Signal(object)  # core.topology.model.Node
    resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAccessibleName("Topology graph")
        self.setToolTip("Sockets and their links; click a socket to select it")

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            for item in self.items(event.position().toPoint()):
                if isinstance(item, NodeItem):
                    self.node_clicked.emit(item.node)
                    event.accept()
                    return
        super().mousePressEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class TopologyView(QWidget):
    """The workspace drawn as a graph. ``socket_selected(handle)`` when a socket's box is
    clicked; ``select_socket(handle)`` highlights one (it does not emit)."""

    socket_selected = Signal(object)

    def __init__(self, bridge: SessionBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("topology_view")
        self.setAccessibleName("Topology")
        self.bridge = bridge
        self.session = bridge.session
        self.sampler = TrafficSampler()
        self.stopped = StoppedSockets()  # closed sockets, drawn greyed until replaced
        self._topology: Topology = build_topology([])
        self._topology_stale = False  # the sockets changed while nobody looked (see topology)
        self.downward = False  # laid out top to bottom (a tall, narrow view)
        self.nodes: dict[str, NodeItem] = {}
        self.edges: dict[str, QGraphicsPathItem] = {}
        self.labels: dict[str, LabelItem] = {}
        self._selected: SocketHandle | None = None
        self._drawn: tuple | None = None  # (signature, downward) of what the scene shows
        self._drawing: SlicedApply | None = None  # the last drawing (see _draw)
        self._size: tuple[Topology, str, NodeSize] | None = None  # see _node_size
        self._scene_stale = True
        # links whose endpoint another link of the same fan shows already (see _draw_links)
        self._shared_endpoint: set[str] = set()
        self.dock: QDockWidget | None = None  # the dock holding this view: see set_dock

        self.scene = QGraphicsScene(self)
        self.canvas = TopologyCanvas(self)
        self.canvas.node_clicked.connect(self._on_canvas_node_clicked)
        self.canvas.resized.connect(self._on_canvas_resized)
        self.canvas.setScene(self.scene)
        self.canvas.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Window))
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("topology_empty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAccessibleName("Topology empty")
        self.empty_label.setToolTip("The topology draws every socket of the workspace")
        self.legend = QLabel("→ messages  ⇢ forwards  ↩ replies, subscriptions  ? unknown", self)
        self.legend.setObjectName("topology_legend")
        self.legend.setWordWrap(True)
        self.legend.setAccessibleName("Topology legend")
        self.legend.setToolTip(
            "Counts are messages since the link appeared, with the rate over the last "
            "seconds. libzmq counts per socket, not per link: a link is counted only where "
            "one of its two sockets has no other link; otherwise it shows ?."
        )
        tint(self.legend, "placeholder")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.empty_label, 1)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.legend)

        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(REBUILD_DELAY_MS)
        self._rebuild_timer.timeout.connect(self.rebuild)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(REFRESH_MS)
        self._refresh_timer.timeout.connect(self._on_refresh_timer_timeout)
        bridge.socket_added.connect(self._on_bridge_socket_added)
        bridge.socket_removed.connect(self._on_bridge_socket_removed)
        bridge.socket_changed.connect(self._on_bridge_socket_changed)
        bridge.replacing_changed.connect(self._on_bridge_replacing_changed)
        theme_signals.theme_changed.connect(self._on_theme_changed)
        self.rebuild()

    # -- public API ---------------------------------------------------------------------------
    def select_socket(self, handle: SocketHandle | None) -> None:
        """Highlight ``handle``'s box (None: none)."""
        self._selected = handle
        for item in self.nodes.values():
            selected = handle is not None and item.node.handle is handle
            if item.selected != selected:
                item.selected = selected
                item.update()

    def selected_socket(self) -> SocketHandle | None:
        return self._selected

    def node_item(self, handle: SocketHandle) -> NodeItem | None:
        node = self.topology.node_of(handle)
        return self.nodes.get(node.key) if node is not None else None

    def label_text(self, link_key: str) -> str:
        return label.text if (label := self.labels.get(link_key)) is not None else ""

    @property
    def topology(self) -> Topology:
        """The graph of the session's sockets, built when asked after changes nobody saw: a
        hidden view builds nothing (100-150 ms with 3,000 sockets at the end of an open)."""
        if self._topology_stale:
            for _ in self._build():
                pass
        return self._topology

    def rebuild(self) -> None:
        """Recompute the graph and redraw it now when visible; hidden, both wait for a look."""
        self._rebuild_timer.stop()
        if self.drawing:  # a drawing restarted by each change might never end: after it
            self._rebuild_timer.start()
            return
        self._topology_stale = self._scene_stale = True  # both now, or once shown
        if self.showing:
            self._draw()  # (its first step builds)

    def _build(self, sliced: bool = False) -> Generator[None, None, None]:
        """Build the graph; ``sliced``, with a yield between its parts (see _draw_steps)."""
        sockets, stopped = self.session.sockets, self.stopped.handles
        if sliced:
            self._topology = yield from build_steps(sockets, stopped, live_connections(sockets))
        else:
            self._topology = build_topology(sockets, stopped, live_connections(sockets))
        self._topology_stale = False
        self.sampler.set_topology(self._topology)
        if self._selected is not None and self._selected.closed:
            self._selected = None

    def forget_stopped(self) -> None:
        """Another workspace opened: the sockets stopped before are no part of it."""
        self.stopped.clear()
        self._schedule_rebuild()

    def refresh(self) -> None:
        """Sample the counters and update every link's label (not while one is drawn)."""
        if self.drawing:
            return
        traffic = self.sampler.sample()
        for link in self.topology.links:
            label = self.labels.get(link.key)
            if label is not None:
                counts = traffic.get(link.key, LinkTraffic())
                label.set_lines(label_lines(self.topology, link, counts, self._shared_endpoint))
                tip = link_tooltip(self.topology, link, counts)
                label.setToolTip(tip)
                self.edges[link.key].setToolTip(tip)

    # -- events -------------------------------------------------------------------------------
    @property
    def showing(self) -> bool:
        """Whether anyone can see the view. A dock whose tab is behind another stays
        "visible" to Qt (moved off-screen): its visible region is empty then."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._refresh_timer.start()  # it idles cheaply while the tab is behind another
        self._catch_up()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._refresh_timer.stop()

    def set_dock(self, dock: QDockWidget) -> None:
        """The dock that holds this view: hidden, the view stops drawing; shown again, it
        catches up at once."""
        self.dock = dock
        dock.visibilityChanged.connect(self._on_dock_visibility_changed)

    def _on_dock_visibility_changed(self, visible: bool) -> None:
        if visible:
            self._catch_up()

    def _on_refresh_timer_timeout(self) -> None:
        if self._catch_up():
            self.refresh()

    def _catch_up(self) -> bool:
        """Draw what changed while nobody looked; False while nobody looks."""
        if not self.showing:
            return False
        if self._scene_stale:
            self._draw()  # refreshes the labels too
        return True

    def _on_theme_changed(self, _variant: str) -> None:
        """Boxes, links and labels hold the colours they were drawn with: draw anew."""
        self.canvas.setBackgroundBrush(self.palette().color(QPalette.ColorRole.Window))
        self._drawn = None
        self._scene_stale = True
        self._catch_up()

    def _on_bridge_socket_added(self, handle: SocketHandle) -> None:
        self.stopped.opened(handle)
        self._schedule_rebuild()

    def _on_bridge_socket_removed(self, handle: SocketHandle) -> None:
        if handle is self._selected:
            self._selected = None
        if not self.bridge.replacing:  # else the old workspace's: forgotten once replaced
            self.stopped.closed(handle)
        self._schedule_rebuild()

    def _on_bridge_socket_changed(self, handle: SocketHandle) -> None:
        self._schedule_rebuild()

    def _on_bridge_replacing_changed(self, replacing: bool) -> None:
        if replacing:
            self._rebuild_timer.stop()
        else:
            self._schedule_rebuild()

    def _schedule_rebuild(self) -> None:
        # 3,000 sockets: a rebuild takes ~100 ms; while they come or go, once at the end
        if self.bridge.replacing:
            return
        if not self._rebuild_timer.isActive():  # a stream of changes still redraws 10x/s
            self._rebuild_timer.start()

    def _on_canvas_node_clicked(self, node: Node) -> None:
        if node.handle is None or node.handle.closed:
            return  # an external party is no socket of ours
        self.select_socket(node.handle)
        self.socket_selected.emit(node.handle)

    def _on_canvas_resized(self) -> None:
        if self.drawing or (self._scene_stale and self.showing):
            return  # a drawing under way (or due: see _catch_up) fits the view as it ends
        if self.topology.nodes and self._choose_downward() != self.downward:
            self._draw()
        else:
            self._fit()

    # -- drawing ------------------------------------------------------------------------------
    def _node_size(self) -> NodeSize:
        """Measured once per graph and font (every name measured: 20 ms with 3,000)."""
        key = (self.topology, self.font().key())
        if self._size is None or self._size[0] is not key[0] or self._size[1] != key[1]:
            self._size = (*key, NodeSize(self.font(), self.topology.nodes))
        return self._size[2]

    def _choose_downward(self) -> bool:
        topology = self.topology
        rows = max(topology.layer_sizes(), default=1)
        view = self.canvas.viewport().size()
        return choose_downward(topology.layer_count, rows, self._node_size(), view)

    def _draw(self) -> None:
        """Draw the graph anew, a slice per turn of the loop (3,000 boxes and their links
        took 0.3-2 s in one); a usual graph is drawn before this returns."""
        self._scene_stale = False
        if self._drawing is not None:
            self._drawing.cancel()  # (nothing once it ended)
            self._drawing.deleteLater()
        big = len(self.session.sockets) > NODE_CHUNK  # its build is a turn's work alone
        steps = cpu_timed(self._draw_steps(big), self._drawn_in)
        self._drawing = SlicedApply(steps, lambda _: None, self, slice_s=DRAW_SLICE_S)
        self._drawing.start(1 if big else 2)  # a usual graph: built and drawn at once

    @property
    def drawing(self) -> bool:
        """A drawing is under way: the boxes and links are not all there yet."""
        return self._drawing is not None and not self._drawing.finished

    def _drawn_in(self, took_ms: float) -> None:
        self._rebuild_timer.setInterval(max(REBUILD_DELAY_MS, int(took_ms * REBUILD_SHARE)))

    def _draw_steps(self, big: bool) -> Generator[None, None, list[str]]:
        """The build (when out of date), then boxes and links a chunk per step; a big
        graph's build waits for a turn of its own (not one that shows the tab)."""
        if big:
            yield
        if self._topology_stale and big:
            yield from self._build(sliced=True)
        topology = self.topology
        yield
        has_nodes = bool(topology.nodes)
        self.empty_label.setVisible(not has_nodes)
        self.canvas.setVisible(has_nodes)
        self.legend.setVisible(has_nodes)
        self.downward = self._choose_downward()
        drawn = (topology.signature(), self.downward)
        if drawn == self._drawn:
            for node in topology.nodes:  # the same picture, maybe of re-created sockets
                self.nodes[node.key].node = node
            self.select_socket(self._selected)
            return []
        self._drawn = None  # until the last step
        self.scene.clear()
        self.nodes, self.edges, self.labels = {}, {}, {}
        font = QFont(self.font())  # the app's size: labels as readable as the rest
        palette = self.palette()
        sizes = topology.layer_sizes()
        rows = max(sizes, default=1)
        size = self._node_size()
        centres = {
            node.key: node_centre(topology.positions[node.key], sizes, rows, size, self.downward)
            for node in topology.nodes
        }
        for count, node in enumerate(topology.nodes):
            if count and count % NODE_CHUNK == 0:
                yield
            item = NodeItem(node, font, palette, size)
            item.setPos(centres[node.key])
            item.setToolTip(node_tooltip(topology, node))
            item.selected = node.handle is not None and node.handle is self._selected
            self.scene.addItem(item)
            self.nodes[node.key] = item
        self._frame()  # every box there: in view as it will stay while the links come
        yield from self._draw_links(topology, centres, font, palette, size)
        self.select_socket(self._selected)
        self._frame()
        self._drawn = drawn
        log.debug("drew %d nodes, %d links", len(topology.nodes), len(topology.links))
        return []

    def _draw_links(
        self,
        topology: Topology,
        centres: dict[str, QPointF],
        font: QFont,
        palette: QPalette,
        size: NodeSize,
    ) -> Generator[None, None, None]:
        pairs: dict[tuple[str, str], list[Link]] = {}
        for link in topology.links:
            first, second = sorted((link.source, link.target))
            pairs.setdefault((first, second), []).append(link)
        layer_of = {key: position[0] for key, position in topology.positions.items()}
        fan_out = {key: 0 for key in centres}  # links to later layers
        fan_in = {key: 0 for key in centres}  # links from earlier layers
        for link in topology.links:
            if layer_of[link.target] > layer_of[link.source]:
                fan_out[link.source] += 1
                fan_in[link.target] += 1
        obstacles = Obstacles([item.sceneBoundingRect() for item in self.nodes.values()])
        self._shared_endpoint = shared_endpoint_links(topology)
        traffic = self.sampler.sample()
        text_color = palette.color(QPalette.ColorRole.Text)
        stopped_color = palette.color(QPalette.ColorRole.Mid)
        drawn = 0
        for (first, _second), links in pairs.items():
            for index, link in enumerate(links):
                offset = (index - (len(links) - 1) / 2) * PARALLEL_GAP
                start, end = centres[link.source], centres[link.target]
                canonical = 1 if link.source == first else -1
                backwards = topology.positions[link.target][0] <= topology.positions[link.source][0]
                if backwards and len(links) == 1:
                    span = abs(
                        topology.positions[link.target][0] - topology.positions[link.source][0]
                    )
                    offset = 30.0 + 20.0 * span  # go around, not through, the nodes between
                path = link_path(start, end, offset * canonical, size)
                color, pen = link_pen(link, text_color, stopped_color)
                edge = QGraphicsPathItem(path)
                edge.setPen(pen)
                edge.setZValue(1)
                self.scene.addItem(edge)
                self.edges[link.key] = edge
                for at_end in (True, False) if link.two_way else (True,):
                    hollow = not at_end
                    arrow = self.scene.addPolygon(
                        arrow_head(path, at_end=at_end, hollow=hollow),
                        QPen(pen.color(), 1.3),
                        QBrush(Qt.BrushStyle.NoBrush) if hollow else QBrush(pen.color()),
                    )
                    arrow.setZValue(1)
                label = LabelItem(
                    font,
                    palette,
                    color
                    if (link.kind == FORWARD_LINK or not link.compatible) and not link.stopped
                    else text_color,
                )
                counts = traffic.get(link.key, LinkTraffic())
                label.set_lines(label_lines(topology, link, counts, self._shared_endpoint))
                tip = link_tooltip(topology, link, counts)
                label.setToolTip(tip)
                edge.setToolTip(tip)
                # fanned-out labels sit toward the many ends, where there is room
                spread = fan_out[link.source] - fan_in[link.target]
                lean = 0.25 if self.downward else 0.14
                where = 0.5 + (lean if spread > 0 else -lean if spread < 0 else 0.0)
                side = None
                if offset and len(links) > 1:  # by its own bent line, on the outside
                    side = normal_of(start, end) * (1 if offset * canonical > 0 else -1)
                place_label(label, path, where, obstacles, side)
                self.scene.addItem(label)
                self.labels[link.key] = label
                drawn += 1
                if drawn % LINK_CHUNK == 0:
                    yield

    def _frame(self) -> None:
        self.scene.setSceneRect(
            self.scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)
        )
        self._fit()

    def _fit(self) -> None:
        item = self.node_item(self._selected) if self._selected is not None else None
        fit_view(self.canvas, self.downward, item)
