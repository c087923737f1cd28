"""The sockets list while a REQ waits for the primer's hello-world server: its second line
read "connect…  REQ: waiting for reply", the address gone, because the line was cut between
words and the address is one long word. Now the address loses its middle, and the port the
user typed stays in sight."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem
from session_helpers import ANY_PORT, WAIT_MS, run
from socket_panel_helpers import editor_of, shown_panel


class RecordingPainter(QPainter):
    """A painter that keeps every text the delegate draws."""

    def __init__(self, image: QImage) -> None:
        super().__init__(image)
        self.texts: list[str] = []

    def drawText(self, *args):  # noqa: N802 (Qt's name)
        self.texts.append(args[-1])
        return super().drawText(*args)


def painted_texts(panel, handle) -> list[str]:
    view = panel.list_view
    index = panel.model.index(panel.model.row_of(handle))
    option = QStyleOptionViewItem()
    option.initFrom(view.viewport())
    rect = view.visualRect(index)
    option.rect = QRect(0, 0, rect.width(), rect.height())
    image = QImage(rect.width(), rect.height(), QImage.Format.Format_ARGB32)
    painter = RecordingPainter(image)
    try:
        view.itemDelegate().paint(painter, option, index)
    finally:
        painter.end()
    return painter.texts


def test_a_waiting_req_keeps_the_port_it_connected_to_in_sight(aloop, session, qtbot):
    panel = shown_panel(session, qtbot, 300, 700)  # the Sockets dock as it opens
    rep = session.create_socket("REP")
    port = rep.bind(ANY_PORT).address.rsplit(":", 1)[1]
    req = session.create_socket("REQ")
    req.connect(f"tcp://localhost:{port}")
    editor_of(panel, req)
    run(aloop, qtbot, req.send([b"Hello"]))
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "waiting" in " ".join(painted_texts(panel, req)), timeout=WAIT_MS)
    texts = painted_texts(panel, req)
    endpoint = next(t for t in texts if t.startswith("conn"))
    assert endpoint != "connect…"
    assert endpoint.endswith(f":{port}"), texts
