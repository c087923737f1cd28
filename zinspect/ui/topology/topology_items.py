"""What the topology view draws: socket boxes, link labels, and the geometry of links.

Kept apart from the view (topology_view) so that one stays about behaviour: rebuilding,
refreshing, selecting.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from zinspect.core.topology.model import (
    CLIENT,
    CONNECTION_NODE,
    FORWARD_LINK,
    IN,
    OUT,
    PEER,
    PEERS_NODE,
    ROLES,
    SERVER,
    Link,
    Node,
)
from zinspect.ui.widgets.theme import colour

NODE_W, NODE_H = 150.0, 46.0  # the least a box measures; NodeSize fits it to the font
LAYER_GAP = 150.0  # between layers, room for a link's label
ROW_GAP = 24.0
LAYER_GAP_DOWN, ROW_GAP_DOWN = 96.0, 14.0  # the same, laid out top to bottom
MARGIN = 8.0
# Never drawn smaller than the app's font: a graph that does not fit scrolls instead
MIN_SCALE = 1.0
PARALLEL_GAP = 22.0
LABEL_ROOM = "00,000 · 0,000/s"  # labels are at least this wide: a growing count keeps its place
# a role's entry in the theme table (its stripe and type name)
ROLE_COLOURS = {
    OUT: "role_out",
    IN: "role_in",
    CLIENT: "role_client",
    SERVER: "role_server",
    PEER: "role_peer",
}
FORWARD_COLOUR = "topology_forward"
BROKEN_COLOUR = "topology_broken"
STOPPED_TEXT = "stopped"


def soft_text(palette: QPalette, weight: float = 0.72) -> QColor:
    """Text colour eased toward the background: quieter than the text, still well above
    4.5:1 contrast (the palette's placeholder grey is not)."""
    text = palette.color(QPalette.ColorRole.Text)
    base = palette.color(QPalette.ColorRole.Base)
    return QColor.fromRgbF(
        weight * text.redF() + (1 - weight) * base.redF(),
        weight * text.greenF() + (1 - weight) * base.greenF(),
        weight * text.blueF() + (1 - weight) * base.blueF(),
    )


def node_lines(node: Node) -> tuple[str, str]:
    """A box's two lines (before eliding): type and name, or what and endpoint."""
    if node.kind == PEERS_NODE:
        if node.more:
            return f"{node.more:,} more peer{'s' if node.more != 1 else ''} on", node.name
        return "peers on", node.name
    if node.kind == CONNECTION_NODE:
        return "peer", node.name
    if node.external:
        return "remote", node.name
    if node.stopped:
        return f"{node.type_name} · {STOPPED_TEXT}", node.name
    return node.type_name, node.name


class NodeSize:
    """The size of every box of one drawing, from the font: two lines of text with room
    for the longest socket name (within limits: longer ones are elided), and the gaps
    that fit a link's label at that font."""

    def __init__(self, font: QFont, nodes: list[Node]) -> None:
        bold = QFont(font)
        bold.setBold(True)
        metrics, bold_metrics = QFontMetricsF(font), QFontMetricsF(bold)
        # an outside party's endpoint is elided in its middle: room for a host and port will do
        address = metrics.horizontalAdvance("127.0.0.1:65535")
        widest = max(
            (
                min(width, address) if node.external else width
                for node in nodes
                for width in (bold_metrics.horizontalAdvance(text) for text in node_lines(node))
            ),  # (measured bold, the wider of the two fonts)
            default=0.0,
        )
        line = metrics.height()
        self.width = min(max(widest + 21.0, 96.0), 210.0)
        self.height = max(2 * line + 12.0, NODE_H)
        label = metrics.horizontalAdvance(LABEL_ROOM) + 16.0
        self.layer_gap = max(label + 12.0, LAYER_GAP * 0.8)
        self.layer_gap_down = max(3 * line + 36.0, LAYER_GAP_DOWN * 0.8)


def _elide(text: str, font: QFont, width: float, mode=Qt.TextElideMode.ElideRight) -> str:
    return QFontMetricsF(font).elidedText(text, mode, width)


class NodeItem(QGraphicsItem):
    """A socket (type over name, a stripe in the colour of its role) or an external party
    (dashed, with its endpoint)."""

    def __init__(
        self, node: Node, font: QFont, palette: QPalette, size: NodeSize | None = None
    ) -> None:
        super().__init__()
        self.node = node
        self.selected = False
        self._font = font
        self._palette = palette
        self._bold = QFont(font)
        self._bold.setBold(True)
        width, height = (size.width, size.height) if size is not None else (NODE_W, NODE_H)
        self._rect = QRectF(-width / 2, -height / 2, width, height)
        self.setZValue(2)
        if not node.external and not node.stopped:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    @property
    def lines(self) -> tuple[str, str]:
        """The two lines shown (before eliding): type and name, or what and endpoint."""
        return node_lines(self.node)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        palette = self._palette
        node = self.node
        accent = colour(ROLE_COLOURS.get(ROLES.get(node.type_name, ""), "role_other"))
        if node.stopped:
            accent = palette.color(QPalette.ColorRole.Mid)
        rect = self._rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        quiet = node.external or node.stopped
        fill = palette.color(QPalette.ColorRole.Window if quiet else QPalette.ColorRole.Base)
        if self.selected:
            highlight = palette.color(QPalette.ColorRole.Highlight)
            fill = QColor(highlight.red(), highlight.green(), highlight.blue(), 48)
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect, 7, 7)
        pen = QPen(
            palette.color(QPalette.ColorRole.Highlight)
            if self.selected
            else palette.color(QPalette.ColorRole.Mid),
            2.6 if self.selected else 1.2,
        )
        if quiet:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(rect, 7, 7)
        if not node.external:  # the role stripe on the left edge
            stripe = QPainterPath()
            stripe.addRoundedRect(
                QRectF(rect.left() + 1.5, rect.top() + 5, 5, rect.height() - 10), 2.5, 2.5
            )
            painter.fillPath(stripe, accent)
        first, second = self.lines
        text_rect = rect.adjusted(13, 5, -8, -5)
        half = text_rect.height() / 2
        top = QRectF(text_rect.left(), text_rect.top(), text_rect.width(), half)
        bottom = QRectF(text_rect.left(), text_rect.top() + half, text_rect.width(), half)
        # every word in the palette's text colour, at the app's font size: readable at 100 %
        text = soft_text(palette, 0.62) if node.stopped else palette.color(QPalette.ColorRole.Text)
        painter.setFont(self._font if node.external else self._bold)
        painter.setPen(soft_text(palette) if node.external else text)
        painter.drawText(
            top,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _elide(first, self._bold, top.width()),
        )
        painter.setFont(self._font)
        painter.setPen(text)
        mode = Qt.TextElideMode.ElideMiddle if node.external else Qt.TextElideMode.ElideRight
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _elide(second, self._font, bottom.width(), mode),
        )


class LabelItem(QGraphicsItem):
    """A link's label: lines of text on a rounded, nearly opaque plate."""

    def __init__(self, font: QFont, palette: QPalette, color: QColor) -> None:
        super().__init__()
        self._font = font
        self._palette = palette
        self._color = color
        self._lines: list[tuple[str, bool]] = []  # (text, dim)
        self._rect = QRectF()
        self.setZValue(3)

    @property
    def text(self) -> str:
        return "\n".join(text for text, _dim in self._lines)

    def set_lines(self, lines: list[tuple[str, bool]]) -> None:
        if lines == self._lines:
            return
        self._lines = lines
        metrics = QFontMetricsF(self._font)
        width = max(
            [metrics.horizontalAdvance(text) for text, _dim in lines]
            + [metrics.horizontalAdvance(LABEL_ROOM)]
        )
        height = metrics.height() * len(lines)
        rect = QRectF(-width / 2 - 4, -height / 2 - 2, width + 8, height + 4)
        if rect != self._rect:  # (a geometry change re-files the item: 1,500 took 80 ms)
            self.prepareGeometryChange()
            self._rect = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if not self._lines:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        plate = QColor(self._palette.color(QPalette.ColorRole.Window))
        plate.setAlpha(225)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(plate)
        painter.drawRoundedRect(self._rect, 4, 4)
        painter.setFont(self._font)
        line_height = QFontMetricsF(self._font).height()
        top = self._rect.top() + 2
        for number, (text, dim) in enumerate(self._lines):
            painter.setPen(soft_text(self._palette) if dim else self._color)
            painter.drawText(
                QRectF(
                    self._rect.left(), top + number * line_height, self._rect.width(), line_height
                ),
                Qt.AlignmentFlag.AlignCenter,
                text,
            )


# -- geometry ---------------------------------------------------------------------------------
def normal_of(start: QPointF, end: QPointF) -> QPointF:
    """The unit vector square to the line start -> end (to its left on screen)."""
    dx, dy = end.x() - start.x(), end.y() - start.y()
    length = math.hypot(dx, dy) or 1.0
    return QPointF(-dy / length, dx / length)


def link_path(
    start: QPointF, end: QPointF, offset: float, size: NodeSize | None = None
) -> QPainterPath:
    """From box edge to box edge; bent sideways by ``offset`` (parallel links)."""
    normal = normal_of(start, end)
    control = (start + end) / 2 + normal * (2 * offset)
    begin = box_exit(start, control if offset else end, size)
    finish = box_exit(end, control if offset else start, size)
    path = QPainterPath(begin)
    if offset:
        path.quadTo(control, finish)
    else:
        path.lineTo(finish)
    return path


def arrow_head(path: QPainterPath, *, at_end: bool, hollow: bool = False) -> QPolygonF:
    """The arrow head at one end of a link (a hollow one marks messages coming back)."""
    tip = path.pointAtPercent(1.0 if at_end else 0.0)
    back = (
        path.pointAtPercent(0.93 if at_end else 0.07)
        if path.length() > 40
        else path.pointAtPercent(0.5)
    )
    angle = math.atan2(tip.y() - back.y(), tip.x() - back.x())
    size = 9.0 if not hollow else 7.0
    points = [tip] + [
        tip - QPointF(math.cos(angle + turn) * size, math.sin(angle + turn) * size)
        for turn in (0.45, -0.45)
    ]
    return QPolygonF(points)


def choose_downward(layers: int, rows: int, size: NodeSize, view: QSize) -> bool:
    """Top to bottom when that shows the graph (``layers`` of at most ``rows`` boxes)
    clearly larger than left to right in a ``view`` of that size."""
    layers = max(layers, 1)
    across = (
        layers * size.width + (layers - 1) * size.layer_gap + 2 * MARGIN,
        rows * size.height + (rows - 1) * ROW_GAP + 2 * MARGIN,
    )
    down = (
        rows * size.width + (rows - 1) * ROW_GAP_DOWN + 2 * MARGIN,
        layers * size.height + (layers - 1) * size.layer_gap_down + 2 * MARGIN,
    )
    scale = [min(view.width() / w, view.height() / h, 1.0) for w, h in (across, down)]
    return scale[1] > scale[0] * 1.15


def node_centre(
    position: tuple[int, int], sizes: list[int], rows: int, size: NodeSize, downward: bool
) -> QPointF:
    """Where the box at (layer, row) ``position`` goes, each layer centred on the longest."""
    layer, row = position
    offset = (rows - sizes[layer]) / 2 + row
    if downward:
        return QPointF(
            offset * (size.width + ROW_GAP_DOWN), layer * (size.height + size.layer_gap_down)
        )
    return QPointF(layer * (size.width + size.layer_gap), offset * (size.height + ROW_GAP))


def fit_view(canvas: QGraphicsView, downward: bool, item: QGraphicsItem | None) -> None:
    """Show the whole graph: shrink to fit (not below MIN_SCALE), never enlarge. A graph
    still too big is shown from where messages start (the sources: the top when laid out
    ``downward``, else the left) and from its first socket the other way, or with the
    selected socket's box ``item`` in sight, to scroll on."""
    rect = canvas.sceneRect()
    view = canvas.viewport().size()
    if rect.isEmpty() or view.isEmpty():
        return
    scale = min(view.width() / rect.width(), view.height() / rect.height(), 1.0)
    scale = max(scale, MIN_SCALE)
    canvas.setTransform(QTransform.fromScale(scale, scale))
    canvas.centerOn(rect.center())
    bars = (canvas.verticalScrollBar(), canvas.horizontalScrollBar())
    along, across = bars if downward else bars[::-1]
    along.setValue(along.minimum())
    if item is not None:  # the selected socket's box in sight
        canvas.ensureVisible(item)
    else:  # too big across too (a layer of 2,000 sockets): from its first, not its middle
        across.setValue(across.minimum())


def link_pen(link: Link, text_color: QColor, stopped_color: QColor) -> tuple[QColor, QPen]:
    """A link's colour and line: dotted when stopped or not compatible, dashed when a
    forward, else the text colour faded."""
    if link.stopped:
        color = stopped_color
    elif link.kind == FORWARD_LINK:
        color = colour(FORWARD_COLOUR)
    elif not link.compatible:
        color = colour(BROKEN_COLOUR)
    else:
        color = text_color
    pen = QPen(color, 1.6)
    if link.stopped or (not link.compatible and link.kind != FORWARD_LINK):
        pen.setStyle(Qt.PenStyle.DotLine)
    elif link.kind == FORWARD_LINK:
        pen.setStyle(Qt.PenStyle.DashLine)
    else:
        faded = QColor(color)
        faded.setAlphaF(0.6)
        pen.setColor(faded)
    return color, pen


class Obstacles:
    """The boxes and labels a label must not cover, filed by the grid cells they touch: a
    label is checked against its neighbours only (against all 3,000 boxes of a big
    workspace, placing 1,500 labels took 3 s)."""

    CELL = 256.0

    def __init__(self, rects: list[QRectF]) -> None:
        self._cells: dict[tuple[int, int], list[QRectF]] = {}
        for rect in rects:
            self.add(rect)

    def _keys(self, rect: QRectF) -> list[tuple[int, int]]:
        cell = self.CELL
        left, right = int(rect.left() // cell), int(rect.right() // cell)
        top, bottom = int(rect.top() // cell), int(rect.bottom() // cell)
        return [(x, y) for x in range(left, right + 1) for y in range(top, bottom + 1)]

    def add(self, rect: QRectF) -> None:
        for key in self._keys(rect):
            self._cells.setdefault(key, []).append(rect)

    def hit(self, rect: QRectF) -> bool:
        cells = self._cells
        return any(
            rect.intersects(other) for key in self._keys(rect) for other in cells.get(key, ())
        )


def place_label(
    label: LabelItem,
    path: QPainterPath,
    where: float,
    obstacles: Obstacles,
    side: QPointF | None = None,
) -> None:
    """Put a label on its link at ``where`` (0..1), or slid along it to the first spot
    that covers no box and no label placed before; taken as an obstacle in turn.

    ``side`` (a unit vector) puts it beside the link instead of on it, on the outside of
    a bent one, so two parallel links' labels each stay by their own line."""
    spots = [where] + [
        min(max(where + step * sign, 0.12), 0.88)
        for step in (0.1, 0.2, 0.3, 0.4, 0.5)
        for sign in (1, -1)
    ]
    rect = label.boundingRect()
    if side is not None:
        reach = abs(side.x()) * rect.width() / 2 + abs(side.y()) * rect.height() / 2 + 3
        rect = rect.translated(side * reach)
    for spot in spots:
        placed = rect.translated(path.pointAtPercent(spot))
        if not obstacles.hit(placed):
            break
    else:
        spot = where  # nowhere free: the preferred spot, on top of the rest
    label.setPos(path.pointAtPercent(spot) + rect.center())
    obstacles.add(label.sceneBoundingRect())


def box_exit(centre: QPointF, toward: QPointF, size: NodeSize | None = None) -> QPointF:
    """Where the line from a box's centre toward a point leaves the box."""
    dx, dy = toward.x() - centre.x(), toward.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    width, height = (size.width, size.height) if size is not None else (NODE_W, NODE_H)
    scale = min(
        (width / 2 + 2) / abs(dx) if dx else math.inf,
        (height / 2 + 2) / abs(dy) if dy else math.inf,
    )
    return QPointF(centre.x() + dx * scale, centre.y() + dy * scale)
