"""The window with packet captures and the probe: Capture > Open capture… opens a .pcap
(or .pcapng) like a capture, with progress and Cancel, its connections named in the status
line; Socket > Probe endpoint… says what answers, without blocking the window."""

from __future__ import annotations

import zmq
from pcap_fixtures import exchange, packets_of, write
from peerio import PeerOutput
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from ui_actions import WAIT_MS, click, trigger_menu

from zinspect.core.store import OUT

COUNT = 3000
SENT = [[b"tick", b"%05d" % n] for n in range(COUNT)]


def _push(client, server) -> None:
    for message in SENT:
        client.send_multipart(message)
    assert [server.recv_multipart() for _ in SENT] == SENT


def make_pcap(tmp_path, mss: int = 40):
    path = tmp_path / "ticks.pcapng"
    write(path, packets_of(exchange(zmq.PUSH, zmq.PULL, _push), mss=mss), "ethernet", True)
    return path


def choose_file(dialog: QFileDialog | None, path) -> None:
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(str(path))
    dialog.accept()


def test_a_pcap_opens_like_a_capture_with_progress(window, qtbot, tmp_path):
    path = make_pcap(tmp_path)
    actions = window.capture
    values: list[int] = []
    actions.job_progress.bar.valueChanged.connect(values.append)
    trigger_menu(window, "Open capture…")
    dialog = actions.file_dialog
    assert any("*.pcap" in name for name in dialog.nameFilters())
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        choose_file(dialog, path)
    name = "[fd00::1]:40000 -> [fd00::2]:5555"
    assert finished.args[0] == (
        f"Opened ticks.pcapng: {COUNT:,} messages from 1 ZeroMQ connection "
        f"({name}: ZMTP 3.1 NULL, PUSH -> PULL, {COUNT:,} out, 0 in)"
    )
    assert any(0 < value < 100 for value in values), values  # it moved while reading
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == COUNT, timeout=WAIT_MS)
    first, last = model.message_at(0), model.message_at(COUNT - 1)
    assert (first.socket, first.direction, first.frames) == (name, OUT, SENT[0])
    assert last.frames == SENT[-1]
    assert window.traffic.socket_combo.findData(name) >= 0
    assert actions.message_box is None or not actions.message_box.isVisible()  # clean


def test_opening_a_pcap_can_be_cancelled(window, qtbot, tmp_path):
    path = make_pcap(tmp_path, mss=8)  # many packets: the job takes many slices
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert actions.open_capture(path)
        qtbot.waitUntil(lambda: actions.job_progress.bar.value() > 0, timeout=WAIT_MS)
        click(qtbot, actions.job_progress.cancel_button)
    assert finished.args[0].startswith(f"Opening {path} cancelled after ")
    assert window.traffic.model.rowCount() < COUNT


def test_a_damaged_pcap_is_refused_in_words(window, qtbot, tmp_path):
    path = tmp_path / "junk.pcap"
    path.write_bytes(b"\xd4\xc3\xb2\xa1" + b"\x00" * 10)
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert not actions.open_capture(path)
    assert finished.args[0].startswith(f"Cannot open: {path} is not a readable pcap file")
    assert actions.message_box.isVisible() and window.traffic.model.rowCount() == 0


def test_probe_endpoint_from_the_socket_menu(window, qtbot, peer):
    out = PeerOutput(peer("bound_socket.py", "tcp://127.0.0.1:*", "ROUTER", "--routing-id", "b1"))
    endpoint = out.ready_endpoint()
    trigger_menu(window, "Probe endpoint…")
    dialog = window.probe_dialog
    assert dialog is not None and dialog.isVisible() and not dialog.isModal()
    qtbot.keyClicks(dialog.endpoint_edit, "udp://x")
    assert dialog.error.isVisible() and not dialog.probe_button.isEnabled()
    assert dialog.error.text() == "The probe speaks TCP: write tcp://host:port, not udp://"
    dialog.endpoint_edit.clear()
    qtbot.keyClicks(dialog.endpoint_edit, endpoint)
    assert not dialog.error.isVisible() and dialog.probe_button.isEnabled()
    with qtbot.waitSignal(dialog.probe_finished, timeout=WAIT_MS) as finished:
        click(qtbot, dialog.probe_button)
        assert dialog.answer.text() == f"Probing {endpoint}…"  # the window went on meanwhile
        assert dialog.cancel_button.isEnabled()
    port = endpoint.rsplit(":", 1)[1]
    expected = (
        f"ZeroMQ at 127.0.0.1:{port}: ZMTP 3.1, mechanism NULL, socket type ROUTER, identity b'b1'"
    )
    assert finished.args[0] == expected == dialog.answer.text()
    assert dialog.probe_button.isEnabled() and not dialog.cancel_button.isEnabled()


def test_a_probe_can_be_cancelled(window, qtbot, aloop):
    import socket

    with socket.socket() as silent:  # listens, never answers: the probe waits for it
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        dialog = window.show_probe_dialog()
        qtbot.keyClicks(dialog.endpoint_edit, f"tcp://127.0.0.1:{silent.getsockname()[1]}")
        with qtbot.waitSignal(dialog.probe_finished, timeout=WAIT_MS) as finished:
            qtbot.keyClick(dialog.endpoint_edit, Qt.Key.Key_Return)
            assert dialog.running
            click(qtbot, dialog.cancel_button)
        assert finished.args[0] == "Probe cancelled" == dialog.answer.text()


def test_closing_the_window_stops_a_probe_under_way(window, qtbot, aloop):
    import socket

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        dialog = window.show_probe_dialog()
        qtbot.keyClicks(dialog.endpoint_edit, f"tcp://127.0.0.1:{silent.getsockname()[1]}")
        click(qtbot, dialog.probe_button)
        task = dialog.task
        window.close()
        window.shutdown()
        qtbot.waitUntil(task.done, timeout=WAIT_MS)
        assert task.cancelled()
