"""What the topology view draws: socket boxes, link labels, and the geometry of links.

Kept apart from the view (topology_view) so that one stays about behaviour: rebuilding,
refreshing, selecting.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QGraphicsItem

from zinspect.core.topology.model import CLIENT, IN, OUT, PEER, PEERS_NODE, ROLES, SERVER, Node
from zinspect.ui.widgets.theme import colour

NODE_W, NODE_H = 150.0, 46.0
LAYER_GAP = 150.0  # between layers, room for a link's label
ROW_GAP = 34.0
LAYER_GAP_DOWN, ROW_GAP_DOWN = 96.0, 34.0  # the same, laid out top to bottom
MARGIN = 16.0
MIN_SCALE = 0.6  # below this the text is unreadable: scroll instead
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


def _elide(text: str, font: QFont, width: float, mode=Qt.TextElideMode.ElideRight) -> str:
    return QFontMetricsF(font).elidedText(text, mode, width)


class NodeItem(QGraphicsItem):
    """A socket (type over name, a stripe in the colour of its role) or an external party
    (dashed, with its endpoint)."""

    def __init__(self, node: Node, font: QFont, palette: QPalette) -> None:
        super().__init__()
        self.node = node
        self.selected = False
        self._font = font
        self._palette = palette
        self._bold = QFont(font)
        self._bold.setBold(True)
        self._small = QFont(font)
        self._small.setPointSizeF(max(font.pointSizeF() * 0.88, 7.0))
        self._rect = QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H)
        self.setZValue(2)
        if not node.external:
            self.setCursor(Qt.CursorShape.PointingHandCursor)

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-3, -3, 3, 3)

    @property
    def lines(self) -> tuple[str, str]:
        """The two lines shown (before eliding): type and name, or what and endpoint."""
        node = self.node
        if node.kind == PEERS_NODE:
            return "peers on", node.name
        if node.external:
            return "remote", node.name
        return node.type_name, node.name

    def paint(self, painter: QPainter, option, widget=None) -> None:
        palette = self._palette
        node = self.node
        accent = colour(ROLE_COLOURS.get(ROLES.get(node.type_name, ""), "role_other"))
        rect = self._rect
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = palette.color(
            QPalette.ColorRole.Base if not node.external else QPalette.ColorRole.Window
        )
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
        if node.external:
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
        if node.external:
            painter.setFont(self._font)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        else:
            painter.setFont(self._bold)
            painter.setPen(accent)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, first)
        font = self._small if node.external else self._font  # endpoints are long
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        mode = Qt.TextElideMode.ElideMiddle if node.external else Qt.TextElideMode.ElideRight
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _elide(second, font, bottom.width(), mode),
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
        self.prepareGeometryChange()
        self._lines = lines
        metrics = QFontMetricsF(self._font)
        width = max(
            [metrics.horizontalAdvance(text) for text, _dim in lines]
            + [metrics.horizontalAdvance(LABEL_ROOM)]
        )
        height = metrics.height() * len(lines)
        self._rect = QRectF(-width / 2 - 4, -height / 2 - 2, width + 8, height + 4)
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
            painter.setPen(
                self._palette.color(QPalette.ColorRole.PlaceholderText) if dim else self._color
            )
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


def link_path(start: QPointF, end: QPointF, offset: float) -> QPainterPath:
    """From box edge to box edge; bent sideways by ``offset`` (parallel links)."""
    normal = normal_of(start, end)
    control = (start + end) / 2 + normal * (2 * offset)
    begin = box_exit(start, control if offset else end)
    finish = box_exit(end, control if offset else start)
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


def place_label(
    label: LabelItem,
    path: QPainterPath,
    where: float,
    obstacles: list[QRectF],
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
        if not any(placed.intersects(other) for other in obstacles):
            break
    else:
        spot = where  # nowhere free: the preferred spot, on top of the rest
    label.setPos(path.pointAtPercent(spot) + rect.center())
    obstacles.append(label.sceneBoundingRect())


def box_exit(centre: QPointF, toward: QPointF) -> QPointF:
    """Where the line from a box's centre toward a point leaves the box."""
    dx, dy = toward.x() - centre.x(), toward.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (NODE_W / 2 + 2) / abs(dx) if dx else math.inf,
        (NODE_H / 2 + 2) / abs(dy) if dy else math.inf,
    )
    return QPointF(centre.x() + dx * scale, centre.y() + dy * scale)
