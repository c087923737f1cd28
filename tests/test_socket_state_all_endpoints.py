"""A socket's state names every endpoint in trouble. A reviewer connected a socket to two
ports where nothing listened: its state line said "retrying" of the first only. Now both are
named (a long list keeps its count, first two and last, every endpoint in the tooltip), and
when a real peer binds one of them later the state says which one connected while the other
goes on retrying."""

from __future__ import annotations

import re
import socket

import pytest
from peerio import start_peer
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from ui_actions import PEER_WAIT_MS, WAIT_MS

pytestmark = pytest.mark.e2e


@pytest.fixture
def closed_ports():
    """Ports on 127.0.0.1 held bound but not listening: a connect there is refused, and no
    other program takes the port while the test runs (``free`` lets one go)."""
    held: dict[str, socket.socket] = {}

    def take(count: int) -> list[str]:
        for _ in range(count):
            plain = socket.socket()
            plain.bind(("127.0.0.1", 0))
            held[f"tcp://127.0.0.1:{plain.getsockname()[1]}"] = plain
        return list(held)[-count:]

    def free(endpoint: str) -> None:
        held.pop(endpoint).close()

    take.free = free  # type: ignore[attr-defined]
    yield take
    for plain in held.values():
        plain.close()


def row_state(window, handle) -> str:
    model = window.sockets.model
    return model.data(model.index(model.row_of(handle)), model.StateRole) or ""


def row_tip(window, handle) -> str:
    model = window.sockets.model
    return model.data(model.index(model.row_of(handle)), Qt.ItemDataRole.ToolTipRole)


def both_shown(window, handle, pattern: str) -> bool:
    """Whether the row's state and the heading's both match ``pattern``."""
    label = window.sockets.state_label.text()
    return bool(re.search(pattern, row_state(window, handle)) and re.search(pattern, label))


def test_two_retrying_connects_are_both_named_until_one_connects(
    window, user, qtbot, peer, closed_ports
):
    first, second = closed_ports(2)
    dealer = user.create("DEALER", "two-ways")
    user.connect(first)
    user.connect(second)
    either = rf"retrying ({re.escape(first)}, {re.escape(second)}|"
    either += rf"{re.escape(second)}, {re.escape(first)})"
    qtbot.waitUntil(lambda: both_shown(window, dealer, either), timeout=WAIT_MS)
    tip = row_tip(window, dealer)
    assert f"connect {first}: retrying" in tip and f"connect {second}: retrying" in tip

    closed_ports.free(second)
    start_peer(peer, qtbot, "bound_socket.py", second, "ROUTER")  # a real peer binds it
    works = rf"retrying {re.escape(first)}; connected {re.escape(second)}"
    qtbot.waitUntil(lambda: both_shown(window, dealer, works), timeout=PEER_WAIT_MS)
    assert f"retrying {second}" not in window.sockets.state_label.text()
    tip = row_tip(window, dealer)
    assert f"connect {first}: retrying" in tip and f"connect {second}: connected" in tip
    assert f"{first}" in window.sockets.state_label.toolTip()
    # still retrying the first: the state keeps saying so while the second works
    assert dealer.monitor.state_of(dealer.endpoints[0]) == "retrying"


def test_many_retrying_connects_are_counted_and_listed_in_the_tooltip(
    window, user, qtbot, closed_ports
):
    width = window.width()
    endpoints = closed_ports(7)
    pull = user.create("PULL", "many")
    for endpoint in endpoints:
        user.connect(endpoint)
    counted = rf"retrying 7 endpoints: {re.escape(endpoints[0])}, {re.escape(endpoints[1])}, …, "
    counted += re.escape(endpoints[-1])
    qtbot.waitUntil(lambda: both_shown(window, pull, counted), timeout=WAIT_MS)
    label = window.sockets.state_label
    for hidden in endpoints[2:-1]:  # the middle of the list is cut from the line ...
        assert hidden not in label.text() and hidden not in row_state(window, pull)
        assert f"retrying {hidden}" in label.toolTip()  # ... and listed in its tooltip
        assert f"connect {hidden}: retrying" in row_tip(window, pull)
    for _ in range(3):
        QApplication.processEvents()
    assert window.width() == width  # a long state never widens the window
