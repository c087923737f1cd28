"""Faults zinspect must survive, against real peer processes: a peer killed with
SIGKILL mid-stream, raw TCP garbage and silent clients on a bound socket, and sends that
cannot go (REQ without a peer, REQ's second send, ROUTER to an unknown routing id).

Each test drives the real main window as a user does and checks what the user would see:
the traffic table, the sockets list's state words, the composer's state and status lines,
the Events panel. A QTimer probe runs through each fault: a window whose timers stop
firing is a frozen window (fault_helpers.TimerProbe). Large messages, endless multipart
streams, full disks and killing zinspect itself are in test_e2e_faults_data.py.
"""

from __future__ import annotations

import signal
import time

import pytest
from fault_helpers import (
    TimerProbe,
    event_names,
    free_port,
    raw_client,
    recording,
    socket_state,
    zmtp1_messages,
)
from peerio import PeerOutput
from session_helpers import send
from test_e2e_peers import IN_TEXT, OUT_TEXT, REQ_REFUSAL, finished, started
from test_ui_events import shown_rows
from ui_actions import WAIT_MS
from window_driver import ANY_PORT

from zinspect.core.capture.capture import read_capture
from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE
from zinspect.core.store import IN
from zinspect.ui.compose.composer import CANCELLED_TEXT, WAITING_TEXT

pytestmark = pytest.mark.e2e


def kill(out: PeerOutput) -> None:
    out.proc.send_signal(signal.SIGKILL)
    assert out.proc.wait(5) == -signal.SIGKILL


def frames_in(user, handle) -> list[tuple[bytes, ...]]:
    """The frames of every incoming row of ``handle`` in the traffic table, in order."""
    return [
        row.frames for row in user.rows() if row.socket == handle.name and row.direction == IN_TEXT
    ]


def numbered(name: str, count: int, start: int = 0) -> list[tuple[bytes, ...]]:
    return [(f"{name} {i}".encode(),) for i in range(start, start + count)]


def gap_free_prefix(frames: list[tuple[bytes, ...]], name: str) -> int:
    """How many messages "NAME 0" ... "NAME n-1" ``frames`` starts with; fails on a gap."""
    mine = [f for f in frames if f[0].startswith(name.encode() + b" ")]
    assert mine == numbered(name, len(mine)), "a message is missing or out of order"
    return len(mine)


# -- a peer killed mid-stream -----------------------------------------------------------------


def test_a_peer_killed_mid_stream_is_shown_reconnected_and_nothing_received_is_lost(
    window, user, peer, qtbot, tmp_path
):
    endpoint = f"tcp://127.0.0.1:{free_port()}"  # the peer comes back on the same port
    first, _ = started(peer, qtbot, "stream_push.py", endpoint, "first", "--bind")
    sink = user.create("PULL", "sink")
    user.connect(endpoint)
    probe = TimerProbe().start()
    path = tmp_path / "crash.jsonl"
    with recording(window, path):
        qtbot.waitUntil(lambda: sink.received >= 300, timeout=WAIT_MS)
        kill(first)
        # the user sees the disconnect: no peer left in the sockets list, a row in the Events
        # panel (to libzmq a killed peer and one that exits in order look the same: neither
        # is shown as trouble)
        qtbot.waitUntil(lambda: sink.monitor.peers_text == "0 peers", timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: ("sink", "disconnected") in [row[:2] for row in shown_rows(window.events)],
            timeout=WAIT_MS,
        )
        probe.assert_never_frozen()

        # the peer comes back on the same port: zinspect reconnects by itself
        second, _ = started(peer, qtbot, "stream_push.py", endpoint, "second", "--bind")
        qtbot.waitUntil(
            lambda: sink.received >= gap_free_prefix(frames_in(user, sink), "first") + 200,
            timeout=WAIT_MS,
        )
        names = event_names(window.session, sink)
        assert "handshake_succeeded" in names[names.index("disconnected") :]
        qtbot.waitUntil(lambda: socket_state(window, sink) == "", timeout=WAIT_MS)
        kill(second)
        qtbot.waitUntil(
            lambda: (
                names.count("disconnected")
                < event_names(window.session, sink).count("disconnected")
            ),
            timeout=WAIT_MS,
        )
        qtbot.waitUntil(lambda: len(frames_in(user, sink)) == sink.received, timeout=WAIT_MS)

        # every message received before each crash is in the table, numbered without a gap
        received = frames_in(user, sink)
        before = gap_free_prefix(received, "first")
        after = gap_free_prefix(received, "second")
        assert before >= 300 and after >= 200
        assert len(received) == before + after == sink.received

        # ... and in the recording, with the disconnects
        with qtbot.waitSignal(window.capture.recording_stopped, timeout=WAIT_MS) as stopped:
            window.capture.stop_recording()
    assert stopped.args == [""]
    recorded = read_capture(path)
    assert recorded.skipped == 0
    assert [
        tuple(m.frames) for m in recorded.messages if m.socket == "sink" and m.direction == IN
    ] == received
    assert [e.name for e in recorded.event_records if e.socket == "sink"].count("disconnected") == 2
    probe.assert_never_frozen()


# -- garbage and silence on a bound socket ------------------------------------------------------


def test_tcp_garbage_and_silent_clients_leave_a_bound_pull_serving_real_peers(
    window, user, peer, qtbot
):
    sink = user.create("PULL", "sink")
    address = user.bind(ANY_PORT)
    probe = TimerProbe().start()
    hanging = [PeerOutput(peer("raw_tcp_client.py", address, mode)) for mode in ("silent", "http")]
    qtbot.waitUntil(lambda: sink.monitor.peers == 2, timeout=WAIT_MS)  # they hang there

    # a real peer streams while junk and a wrong greeting come in beside it
    worker, _ = started(peer, qtbot, "stream_push.py", address, "w", "--rate", "2000")
    qtbot.waitUntil(lambda: sink.received >= 50, timeout=WAIT_MS)
    dropped = [
        PeerOutput(peer("raw_tcp_client.py", address, mode))
        for mode in ("junk", "bad-mechanism", "zmtp1")
    ]
    for client in dropped:  # ZeroMQ hangs up on each as soon as it sees what it is
        assert finished(client, qtbot) == 0 and client.has("closed by the peer"), client.lines
    before = sink.received
    qtbot.waitUntil(lambda: sink.received >= before + 50, timeout=WAIT_MS)  # still flowing
    kill(worker)

    # ... and after: a new peer is served as well, the silent clients still hanging there
    late = PeerOutput(peer("stream_push.py", address, "late", "--count", "3"))
    assert finished(late, qtbot) == 0
    qtbot.waitUntil(lambda: frames_in(user, sink)[-1:] == numbered("late", 1, 2), timeout=WAIT_MS)
    received = frames_in(user, sink)
    streamed = gap_free_prefix(received, "w")
    assert [f for f in received if f[0].startswith(b"late ")] == numbered("late", 3)
    # libzmq takes a client whose first byte is not 0xFF for a ZMTP 1.0 peer and reads its
    # junk as frames: those messages are kept like any other, exactly as libzmq made them
    junk = [list(f) for f in received if not f[0].startswith((b"w ", b"late "))]
    assert junk == zmtp1_messages(raw_client().zmtp1_junk(65536), DEFAULT_MAXMSGSIZE)
    assert len(window.session.store) == sink.received == streamed + 3 + len(junk)
    assert all(client.proc.poll() is None and not client.has("closed") for client in hanging)

    # what the Events panel says about each
    events = [(e.name, e.detail) for e in window.session.events if e.socket == "sink"]
    names = [name for name, _ in events]
    assert names.count("accepted") == 7
    assert events.count(("handshake_failed_protocol", "ZMTP_MECHANISM_MISMATCH")) == 1
    assert names.count("handshake_succeeded") == 2  # the two real peers
    qtbot.waitUntil(
        lambda: "— 2 peers, in" in user.socket_list()[0],  # the two hanging
        timeout=WAIT_MS,
    )
    assert socket_state(window, sink) == ""  # a bound socket stays "listening": no trouble
    for client in hanging:
        kill(client)
    qtbot.waitUntil(lambda: sink.monitor.peers == 0, timeout=WAIT_MS)
    probe.assert_never_frozen()


def test_garbage_on_a_router_does_not_disturb_a_dealer_conversation(
    window, user, peer, qtbot, aloop
):
    router = user.create("ROUTER", "server")
    address = user.bind(ANY_PORT)
    probe = TimerProbe().start()
    hanging = [PeerOutput(peer("raw_tcp_client.py", address, mode)) for mode in ("silent", "http")]
    junk = PeerOutput(peer("raw_tcp_client.py", address, "junk", "--bytes", "1000000"))
    client = PeerOutput(peer("dealer_client.py", address, "3", "--identity", "alice"))
    assert finished(junk, qtbot) == 0 and junk.has("closed by the peer")
    user.wait_rows(3)
    assert frames_in(user, router) == [(b"alice", f"Hello {i}".encode()) for i in range(3)]
    for number in range(3):
        send(aloop, qtbot, router, b"alice", f"World {number}".encode())
    assert finished(client, qtbot) == 0
    assert [line for line in client.lines if line.startswith("reply")] == [
        f"reply World {i}" for i in range(3)
    ]
    assert list(router.routing_ids) == [b"alice"]  # no junk became a peer
    assert all(c.proc.poll() is None for c in hanging)
    qtbot.waitUntil(lambda: socket_state(window, router) == "1 peer seen", timeout=WAIT_MS)
    probe.assert_never_frozen()


# -- sends that cannot go ------------------------------------------------------------------------


def test_req_without_a_peer_waits_visibly_then_queues_and_gets_its_reply(window, user, peer, qtbot):
    """Existing tests cover REQ's second send against a live server (test_e2e_peers) and the
    composer alone; this is REQ with nobody there, as the whole window shows it."""
    req = user.create("REQ", "client")
    user.compose("Hello")
    probe = TimerProbe().start()

    # no endpoint at all: the send waits, says so, and can be cancelled
    user.click_send()
    qtbot.waitUntil(lambda: user.send_status == WAITING_TEXT, timeout=WAIT_MS)
    assert window.composer.cancel_button.isVisible()
    qtbot.waitUntil(
        lambda: "a send waits for a peer or queue room" in socket_state(window, req),
        timeout=WAIT_MS,
    )
    qtbot.wait(300)  # a while of waiting: the window keeps running
    probe.assert_never_frozen()
    user.click(window.composer.cancel_button)
    probe.resume()
    qtbot.waitUntil(lambda: user.send_status == CANCELLED_TEXT, timeout=WAIT_MS)
    assert user.composer_state.startswith("client (REQ): ready to send a request")
    # what stays is the count of sends that had to wait: backpressure, in words
    # (exactly one: test_a_waiting_send_neither_spins_nor_counts_each_retry)
    assert "1 send waited for a peer or queue room" in socket_state(window, req)
    assert len(window.session.store) == 0

    # connected to a port where nobody listens: libzmq queues the request for later
    endpoint = f"tcp://127.0.0.1:{free_port()}"
    user.connect(endpoint)
    user.click_send()
    probe.resume()  # the time the test itself spent typing and clicking is not zinspect's
    qtbot.waitUntil(lambda: user.send_status.startswith("Sent 1 frame"), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "REQ: waiting for reply" in socket_state(window, req), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: f"retrying {endpoint}" in socket_state(window, req), timeout=WAIT_MS)
    assert "waiting for the reply" in user.composer_state
    before = user.snapshot()
    user.click_send()  # the second send of a REQ
    assert user.send_status == REQ_REFUSAL
    assert user.snapshot() == before

    # the server turns up on that port: the queued request goes, the reply comes back
    server, _ = started(peer, qtbot, "rep_server.py", endpoint, "World")
    rows = user.wait_rows(2)
    assert [(r.direction, r.frames) for r in rows] == [
        (OUT_TEXT, (b"Hello",)),
        (IN_TEXT, (b"World",)),
    ]
    assert server.has("Received request: Hello")
    qtbot.waitUntil(lambda: user.composer_state.startswith("client (REQ): ready"), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            "REQ" not in socket_state(window, req) and endpoint not in socket_state(window, req)
        ),
        timeout=WAIT_MS,
    )
    probe.assert_never_frozen()


def test_a_waiting_send_neither_spins_nor_counts_each_retry(session, aloop, qtbot):
    lonely = session.create_socket("PUSH", "lonely")  # no peer: the send must wait
    task = aloop.create_task(lonely.send([b"job"]))
    qtbot.waitUntil(lambda: lonely.send_waiting, timeout=WAIT_MS)
    cpu, wall = time.process_time(), time.monotonic()
    qtbot.wait(300)  # a while of waiting for a peer
    busy = (time.process_time() - cpu) / (time.monotonic() - wall)
    blocked = lonely.blocked
    lonely.cancel_send()
    qtbot.waitUntil(task.done, timeout=WAIT_MS)
    assert blocked == 1, f"one send was counted as {blocked:,} sends without room"
    assert busy < 0.5, f"waiting for a peer kept the CPU {busy:.0%} busy"


def test_router_send_to_an_unknown_routing_id_is_refused_in_words(window, user, peer, qtbot):
    router = user.create("ROUTER", "server")
    address = user.bind(ANY_PORT)
    client = PeerOutput(peer("dealer_client.py", address, "1", "--identity", "alice"))
    user.wait_rows(1)
    qtbot.waitUntil(lambda: "in 1, out 0 — 1 peer seen" in user.socket_list()[0], timeout=WAIT_MS)
    probe = TimerProbe().start()

    user.compose("bob", "hello")
    before = user.snapshot()
    user.click_send()
    probe.resume()  # the time the test itself spent typing and clicking is not zinspect's
    qtbot.waitUntil(lambda: user.send_status != "Sending…", timeout=WAIT_MS)
    assert user.send_status == (
        "Not sent: No peer with routing id b'bob' is connected (ROUTER_MANDATORY)"
    )
    assert user.snapshot() == before  # nothing sent, nothing stored
    assert [row.text for row in user.frame_rows] == ["bob", "hello"]  # the message is kept
    assert "send waiting" not in socket_state(window, router)
    assert user.composer_state.startswith("server (ROUTER): ")
    assert window.composer.send_action.isEnabled()

    user.compose("alice", "World")  # the right routing id goes out
    user.click_send()
    probe.resume()
    assert finished(client, qtbot) == 0
    assert client.has("reply World")
    assert user.send_status.startswith("Sent 2 frames")
    probe.assert_never_frozen()
