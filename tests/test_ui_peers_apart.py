"""Three workers on one host, as the window shows them: the sockets list names each
connection by host and port, and the Message pane says which of several a message came
from as far as libzmq tells (its host), the routing id on a ROUTER."""

from __future__ import annotations

import pytest
import zmq
from PySide6.QtGui import QFontMetrics
from ui_actions import WAIT_MS

from zinspect.ui.sockets.socket_list_model import elide_words


@pytest.fixture
def outside():
    """Plain pyzmq sockets of another program on this host, closed at teardown."""
    context = zmq.Context.instance()
    made: list[zmq.Socket] = []

    def make(kind: int, address: str) -> zmq.Socket:
        sock = context.socket(kind)
        sock.linger = 0
        sock.connect(address)
        made.append(sock)
        return sock

    yield make
    for sock in made:
        sock.close()


def test_the_sockets_list_names_each_connection_by_host_and_port(user, qtbot, outside):
    user.create("PULL", "sink")
    address = user.bind()
    workers = [outside(zmq.PUSH, address) for _ in range(3)]
    qtbot.waitUntil(lambda: "3 connections: 127.0.0.1:" in user.socket_list()[0], timeout=WAIT_MS)
    listed = user.socket_list()[0].split("3 connections: ")[1].split(", ")
    assert len(listed) == 3 and len(set(listed)) == 3  # three ports, one host
    model = user.window.sockets.model
    tip = model.data(model.index(0), 3)  # ToolTipRole
    assert all(f"{peer}, connected to our bind {address}" in tip for peer in listed)
    workers[0].close()
    qtbot.waitUntil(lambda: "2 connections: 127.0.0.1:" in user.socket_list()[0], timeout=WAIT_MS)


def test_a_narrow_list_cuts_the_connections_between_words(user, qtbot, outside):
    user.create("PULL", "sink")
    address = user.bind()
    for _ in range(3):
        outside(zmq.PUSH, address)
    model = user.window.sockets.model
    qtbot.waitUntil(
        lambda: model.data(model.index(0), model.ConnectionsRole).startswith("3 connections"),
        timeout=WAIT_MS,
    )
    text = f"bind {address} · {model.data(model.index(0), model.ConnectionsRole)}"
    metrics = QFontMetrics(user.window.sockets.list_view.font())
    cut = 0
    for width in range(80, metrics.horizontalAdvance(text), 23):
        shown = elide_words(metrics, text, width)
        assert shown.endswith("…") and metrics.horizontalAdvance(shown) <= width
        kept = shown[:-1]
        assert text.startswith(kept) and text[len(kept)] in " ,;:—-"  # whole words only
        cut += 1
    assert cut > 3


def test_the_message_pane_says_one_of_three_connections_from_the_host(user, qtbot, outside):
    user.create("PULL", "sink")
    address = user.bind()
    workers = [outside(zmq.PUSH, address) for _ in range(3)]
    for number, worker in enumerate(workers):
        worker.send_string(f"result {number}")
    user.wait_rows(3)
    user.click_row(0)
    assert user.detail_field("peer") == "one of 3 connections from 127.0.0.1"


def test_on_a_router_the_routing_id_tells_which_connection(user, qtbot, outside):
    user.create("ROUTER", "broker")
    address = user.bind()
    clients = [outside(zmq.DEALER, address) for _ in range(3)]
    for number, client in enumerate(clients):
        client.send_string(f"request {number}")
    user.wait_rows(3)
    user.click_row(1)
    peer = user.detail_field("peer")
    assert peer.startswith("one of 3 connections from 127.0.0.1, routing id ")
    assert peer.endswith("(it tells which)")


def test_a_socket_with_connections_gets_a_line_naming_them(user, qtbot, outside):
    user.create("PULL", "sink")
    address = user.bind()
    user.create("PUSH", "quiet")
    view = user.window.sockets.list_view
    model = user.window.sockets.model

    def height(row: int) -> int:
        return view.visualRect(model.index(row)).height()

    assert height(0) == height(1)
    worker = outside(zmq.PUSH, address)
    qtbot.waitUntil(lambda: height(0) > height(1), timeout=WAIT_MS)
    worker.close()
    qtbot.waitUntil(lambda: height(0) == height(1), timeout=WAIT_MS)
