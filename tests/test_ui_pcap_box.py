"""The box after opening a packet capture, as a user reads its icon: information when the
file only holds something worth knowing (a TCP connection of another protocol left out,
as any capture of a busy interface has), a warning when ZeroMQ traffic was lost (a gap)."""

from __future__ import annotations

import zmq
from pcap_fixtures import Chunk, exchange, packets_of, write
from PySide6.QtWidgets import QMessageBox
from ui_actions import WAIT_MS

SENT = [[b"tick", b"%03d" % n] for n in range(100)]


def push(client, server) -> None:
    for message in SENT:
        client.send_multipart(message)
    assert [server.recv_multipart() for _ in SENT] == SENT


HTTP = [
    Chunk(100.0, 1, True, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
    Chunk(100.1, 1, False, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
]


def open_pcap(window, qtbot, path) -> str:
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        assert window.capture.open_capture(path)
    return finished.args[0]


def test_a_capture_with_other_tcp_traffic_is_told_with_an_information_icon(window, qtbot, tmp_path):
    path = tmp_path / "busy.pcap"
    write(path, packets_of(exchange(zmq.PUSH, zmq.PULL, push) + HTTP))
    text = open_pcap(window, qtbot, path)
    assert f"{len(SENT)} messages" in text and "not ZMTP" in text
    box = window.capture.message_box
    assert box is not None and box.isVisible()
    assert box.icon() == QMessageBox.Icon.Information
    assert box.text() == text


def test_a_capture_with_lost_bytes_is_told_with_a_warning_icon(window, qtbot, tmp_path):
    packets = packets_of(exchange(zmq.PUSH, zmq.PULL, push) + HTTP, mss=40)
    data = [i for i, p in enumerate(packets) if p.payload and p.from_client and not p.connection]
    del packets[data[len(data) // 2]]  # a segment the capture missed
    path = tmp_path / "gap.pcap"
    write(path, packets)
    text = open_pcap(window, qtbot, path)
    assert "gaps" in text
    box = window.capture.message_box
    assert box is not None and box.isVisible()
    assert box.icon() == QMessageBox.Icon.Warning
