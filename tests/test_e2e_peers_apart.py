"""Three real worker processes on this host push into one bound PULL: the window shows
three connections (host and port each), three peer boxes in the topology, the Message pane
says "one of 3 connections"; a worker killed leaves two."""

from __future__ import annotations

import pytest
from peerio import PeerOutput
from ui_actions import WAIT_MS

from zinspect.core.topology.model import CONNECTION_NODE

pytestmark = pytest.mark.e2e


def peer_boxes(window) -> list[tuple[str, str]]:
    view = window.topology
    return sorted(
        view.nodes[n.key].lines
        for n in view.topology.nodes
        if n.kind == CONNECTION_NODE and n.key in view.nodes
    )


def test_three_worker_processes_are_three_peers_and_one_killed_leaves_two(
    window, user, qtbot, peer
):
    sink = user.create("PULL", "sink")
    address = user.bind()
    window.topology_dock.show()
    window.topology_dock.raise_()
    workers = [
        peer("stream_push.py", address, f"worker-{n}", "--rate", "5", "--timeout", "30")
        for n in (1, 2, 3)
    ]
    outputs = [PeerOutput(proc) for proc in workers]
    qtbot.waitUntil(lambda: all(out.has("ready") for out in outputs), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "3 connections: 127.0.0.1:" in user.socket_list()[0], timeout=WAIT_MS)
    ports = {c.remote for c in sink.monitor.connections}
    assert len(ports) == 3

    qtbot.waitUntil(lambda: len(peer_boxes(window)) == 3, timeout=WAIT_MS)
    assert {second for _first, second in peer_boxes(window)} == ports

    user.wait_rows(3)
    user.click_row(0)
    assert user.detail_field("peer") == "one of 3 connections from 127.0.0.1"

    workers[0].kill()
    workers[0].wait(10)
    qtbot.waitUntil(lambda: "2 connections: 127.0.0.1:" in user.socket_list()[0], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(peer_boxes(window)) == 2, timeout=WAIT_MS)
    assert {second for _first, second in peer_boxes(window)} < ports
