"""Fixes from a first-time user's walk through the Tap window, the endpoint checks, pcap
import and the probe: what they saw wrong, driven as they drove it.

- an endpoint typed with a mistyped "://" (``tcp//host:port``) is corrected in the message,
  not turned into ``tcp://tcp//host:port``;
- a front port already in use is said under the Front field, naming it, and goes when the
  field is edited;
- the Tap window takes back the room of a message that went (no blank band);
- a capture's refused connection (SYN answered by RST: a client started before its server)
  is not counted as a ZeroMQ connection "joined mid-stream";
- a .pcap cut inside a packet's bytes (not only inside its record header) is said to be cut;
- a two-line problem under a Preferences field is shown whole, not cut in half;
- a second tap is not offered (nor given) the name of a first one whose rows the table holds.
"""

from __future__ import annotations

import socket

import dpkt
import pytest
import zmq
from pcap_fixtures import Packet, exchange, packets_of, write
from preferences_helpers import open_preferences
from ui_actions import WAIT_MS, click, fill_tap_window, tap_window

from zinspect.core.pcap.importer import import_rows
from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint
from zinspect.core.store import OUT, Message


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("tcp//127.0.0.1:6001", "tcp://127.0.0.1:6001"),
        ("tcp:/127.0.0.1:6001", "tcp://127.0.0.1:6001"),
        ("TCP//127.0.0.1:6001", "tcp://127.0.0.1:6001"),
        ("ipc:/tmp/zinspect-x", "ipc:///tmp/zinspect-x"),
    ],
)
def test_a_mistyped_separator_is_corrected_in_the_message(typed, fixed):
    with pytest.raises(EndpointError) as caught:
        validate_endpoint(typed, bind=True)
    assert str(caught.value).endswith(f": {fixed}")
    assert "://tcp" not in str(caught.value)


def test_an_endpoint_without_transport_still_gets_tcp_suggested():
    with pytest.raises(EndpointError, match="for example tcp://localhost:5555"):
        validate_endpoint("localhost:5555", bind=False)


def test_the_tap_window_suggests_the_endpoint_the_user_meant(window, qtbot):
    dialog = tap_window(window, qtbot)
    qtbot.keyClicks(dialog.front_edit, "tcp//127.0.0.1:6001")
    assert dialog.front_error.isVisible()
    assert "tcp://127.0.0.1:6001" in dialog.front_error.text()
    assert "tcp://tcp//" not in dialog.front_error.text()


def test_the_tap_window_gives_back_the_room_of_a_message_that_went(window, qtbot):
    dialog = tap_window(window, qtbot)
    qtbot.keyClicks(dialog.upstream_edit, "tcp://127.0.0.1:5555")
    qtbot.waitUntil(lambda: not dialog.upstream_error.isVisible(), timeout=WAIT_MS)
    calm = dialog.height()
    dialog.front_edit.setText("tcp//")
    assert dialog.front_error.isVisible()
    assert dialog.height() > calm
    dialog.front_edit.setText("tcp://127.0.0.1:6001")
    assert not dialog.front_error.isVisible()
    assert dialog.height() == calm


@pytest.mark.e2e
@pytest.mark.parametrize("pattern", ["reqrep", "pipeline"])  # zinspect's relay, libzmq's proxy
def test_a_front_port_in_use_is_said_under_the_front_field(window, qtbot, pattern):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        port = taken.getsockname()[1]
        dialog = tap_window(window, qtbot)
        fill_tap_window(qtbot, dialog, pattern, f"tcp://127.0.0.1:{port}", "tcp://127.0.0.1:5999")
        click(qtbot, dialog.start_button)
        qtbot.waitUntil(dialog.front_error.isVisible, timeout=WAIT_MS)
        assert dialog.front_error.text().startswith("Front: ")
        assert "in use" in dialog.front_error.text()
        assert not dialog.start_error.isVisible()
        assert dialog.tap is None and dialog.start_button.isEnabled()
        qtbot.keyClicks(dialog.front_edit, "0")  # another port: the old complaint goes
        assert "in use" not in dialog.front_error.text()
    finally:
        taken.close()


def _one_request(client, server) -> None:
    client.send(b"Hello")
    assert server.recv() == b"Hello"
    server.send(b"World")
    assert client.recv() == b"World"


def test_a_refused_connection_in_a_capture_is_said_apart(window, qtbot, tmp_path):
    path = tmp_path / "refused.pcap"
    talk = packets_of(exchange(zmq.REQ, zmq.REP, _one_request))
    start = talk[0].time - 0.1
    refused = [  # the client's first try, before the server was up
        Packet(start, 1, True, 5000, dpkt.tcp.TH_SYN, b""),
        Packet(start, 1, False, 0, dpkt.tcp.TH_RST | dpkt.tcp.TH_ACK, b""),
    ]
    write(path, refused + talk)
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert actions.open_capture(path)
    text = finished.args[0]
    assert "2 messages from 1 ZeroMQ connection (10.0.0.1:40000 -> 10.0.0.2:5555: ZMTP 3" in text
    assert "40001" not in text and "joined mid-stream" not in text
    assert text.endswith("; 1 TCP connection without data (refused, or closed before a byte)")
    assert actions.message_box is None or not actions.message_box.isVisible()


CUT_NOTE = "the file ends in the middle of a packet record (a capture interrupted)"


@pytest.mark.parametrize("suffix", [".pcap", ".pcapng"])
def test_a_capture_cut_inside_a_packet_says_so(tmp_path, suffix):
    whole = tmp_path / f"whole{suffix}"
    write(whole, packets_of(exchange(zmq.REQ, zmq.REP, _one_request)))
    data = whole.read_bytes()
    assert CUT_NOTE not in import_rows(whole)[1].notes
    for cut in (len(data) - 3, len(data) - 30):  # inside the last record's bytes
        path = tmp_path / f"cut{cut}{suffix}"
        path.write_bytes(data[:cut])
        assert CUT_NOTE in import_rows(path)[1].notes, cut


def test_a_long_problem_in_the_preferences_is_shown_whole(window, qtbot):
    dialog = open_preferences(window, qtbot)
    calm = dialog.height()
    qtbot.keyClicks(dialog.history_edit, "lots")
    label = dialog.history_error
    assert label.isVisible() and "automatic cap" in label.text()
    assert label.heightForWidth(label.width()) > label.fontMetrics().height()  # two lines
    assert label.height() >= label.heightForWidth(label.width())  # ... both shown
    dialog.history_edit.clear()
    assert not label.isVisible()
    assert dialog.height() == calm
    click(qtbot, dialog.cancel_button)


def test_a_second_tap_does_not_take_the_name_of_the_first_ones_rows(window, user, qtbot):
    store = window.session.store
    store.append(Message(1.0, "tap-1", OUT, [b"a row of an earlier tap"]))
    dialog = tap_window(window, qtbot)
    assert dialog.name_edit.placeholderText() == "tap-2"
    qtbot.keyClicks(dialog.name_edit, "tap-1")
    qtbot.keyClicks(dialog.front_edit, "tcp://127.0.0.1:*")
    qtbot.keyClicks(dialog.upstream_edit, "tcp://127.0.0.1:5999")
    click(qtbot, dialog.start_button)
    assert dialog.name_error.isVisible() and "'tap-2'" in dialog.name_error.text()
    assert dialog.tap is None and user.socket_list() == []
    dialog.name_edit.clear()  # the name offered
    assert not dialog.name_error.isVisible()
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)
    assert [name.split()[0] for name in user.socket_list()] == ["tap-2"]
    click(qtbot, dialog.stop_button)
