"""An opened packet capture for a first-time user: File offers Open capture… (they looked
there first), and in the Message pane a reply the client received came from the server of
its connection ("client -> server"), not from "no address (inproc, or not reported)"."""

from __future__ import annotations

import zmq
from pcap_fixtures import exchange, packets_of, write
from ui_actions import WAIT_MS

from zinspect.core.store import IN


def one_request(client, server) -> None:
    client.send(b"Hello")
    server.send(server.recv())
    assert client.recv() == b"Hello"


def test_a_captured_reply_names_the_server_as_its_peer(window, user, qtbot, tmp_path):
    path = tmp_path / "one.pcap"
    write(path, packets_of(exchange(zmq.REQ, zmq.REP, one_request)))
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        assert window.capture.open_capture(path)
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    reply = next(row for row in range(2) if model.message_at(row).direction == IN)
    user.click_row(reply)
    assert window.detail._fields["peer"].text() == "10.0.0.2:5555"
    # the request was sent by the capture's client, not by a socket of this session
    user.click_row(1 - reply)
    assert window.detail._fields["peer"].text() == "10.0.0.2:5555 (sent there)"


def test_file_offers_open_capture_too(window, qtbot, tmp_path):
    file_menu = window.host.menu("&File")
    action = window.capture.open_action
    assert action in file_menu.actions() and action in window.host.menu("&Capture").actions()
    path = tmp_path / "one.pcap"
    write(path, packets_of(exchange(zmq.REQ, zmq.REP, one_request)))
    action.trigger()  # as File > Open capture… does
    dialog = window.capture.file_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        dialog.selectFile(str(path))
        dialog.accept()
    assert len(window.session.store) == 2
