"""The fast tap: a pipeline forwarded by libzmq's proxy in a helper process, end to end.

Real peer processes push through the tap to a sink; every message arrives once, in order,
and is in the store on the tap's socket with its direction (client -> server). When the
window does not read (the test blocks the loop while the sink reads everything), the proxy
forwards on regardless, and the copies the window missed are counted and said. The helper
process goes away when the tap stops.
"""

from __future__ import annotations

import os
import select
import signal

import pytest
import zmq
from peerio import PeerOutput
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS, WAIT_MS

import zinspect.core.tap.proxy_tap as proxy_tap
from zinspect.core.store import IN
from zinspect.core.tap.engine import make_tap
from zinspect.core.tap.proxy_tap import ENGINE_WORDS, ProxyTap
from zinspect.core.tap.registry import running_taps
from zinspect.core.tap.spec import TapError, make_spec
from zinspect.core.tap.tap import Tap

pytestmark = pytest.mark.e2e


def start_proxy_tap(session, upstream: str, front: str = ANY_PORT) -> ProxyTap:
    tap = make_tap(session, make_spec("tap", "pipeline", front, upstream))
    assert isinstance(tap, ProxyTap)
    tap.start()
    return tap


def rows(session) -> list[tuple[str, list[bytes]]]:
    return [(m.direction, m.frames) for m in session.store if m.socket == "tap"]


def gone(pid: int) -> bool:
    """Whether the process ``pid`` has ended (waits for it, in select, up to 10 s). The
    helper is the test's child, reaped by the tap's stop: without pidfds (not Linux), it is
    gone when the system no longer knows its pid."""
    if not hasattr(os, "pidfd_open"):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], 10)[0])
    finally:
        os.close(fd)


def test_a_pipeline_goes_through_the_proxy_once_in_order_and_is_stored(session, qtbot, peer):
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 200))
    qtbot.waitUntil(lambda: sink.has("ready "), timeout=PEER_WAIT_MS)
    tap = start_proxy_tap(session, sink.line("ready ").split()[1])
    assert running_taps(session) == [tap]
    helper, private = tap.helper_pid, tap._dir
    assert os.path.isdir(private)
    worker = PeerOutput(peer("push_worker.py", tap.front_address, 200, "w"))
    qtbot.waitUntil(lambda: sink.has("count 200"), timeout=PEER_WAIT_MS)
    assert worker.has("sent 200")
    got = [line.removeprefix("received ") for line in sink.lines if line.startswith("received ")]
    assert got == [f"w {n}" for n in range(200)]
    qtbot.waitUntil(lambda: len(rows(session)) == 200, timeout=WAIT_MS)
    assert rows(session) == [(IN, [f"w {n}".encode()]) for n in range(200)]
    # the proxy's own count, asked a few times a second
    qtbot.waitUntil(lambda: tap.to_server == 200, timeout=WAIT_MS)
    assert tap.to_client == 0 and tap.copy_dropped == 0
    assert "200 client -> server" in tap.status_text()
    assert ENGINE_WORDS in tap.status_text()
    tap.stop()
    assert gone(helper)
    assert not os.path.exists(private)
    assert running_taps(session) == []
    assert session.socket_named("tap") is None


def test_a_window_that_does_not_read_loses_copies_counted_never_messages(
    session, qtbot, monkeypatch
):
    monkeypatch.setattr(proxy_tap, "CAPTURE_HWM", 10)
    context = zmq.Context()
    sink = context.socket(zmq.PULL)
    sink.linger = 0
    try:
        sink.bind("tcp://127.0.0.1:*")
        tap = start_proxy_tap(session, sink.getsockopt_string(zmq.LAST_ENDPOINT))
        client = context.socket(zmq.PUSH)
        client.linger = 0
        client.connect(tap.front_address)
        count = 20_000  # 20 MB: far more than the copies' queues and socket buffers hold
        sent = 0
        got: list[bytes] = []
        # Sent and read here while the test holds the loop: the window reads no copy.
        while len(got) < count:
            while sent < count:
                try:
                    client.send(b"%05d" % sent + b"x" * 1000, zmq.NOBLOCK)
                except zmq.Again:
                    break
                sent += 1
            if not sink.poll(WAIT_MS):
                break
            while sink.poll(0):
                got.append(sink.recv())
        assert [message[:5] for message in got] == [b"%05d" % n for n in range(count)]
        qtbot.waitUntil(lambda: tap.forwarded_frames == count, timeout=WAIT_MS)
        tap.stop()
        stored = [frames[0][:5] for _, frames in rows(session)]
        assert 0 < len(stored) < count
        assert stored == sorted(stored)  # the copies kept are in order, each once
        assert len(set(stored)) == len(stored)
        assert tap.copy_dropped == count - len(stored)
        assert tap.to_server == count
        assert f"{count - len(stored):,} forwarded but not kept for the view" in tap.status_text()
    finally:
        context.destroy(0)


def test_the_engine_is_chosen_by_pattern_and_can_be_asked_for(session):
    pipeline = make_spec("p", "pipeline", ANY_PORT, "tcp://127.0.0.1:5999")
    assert isinstance(make_tap(session, pipeline), ProxyTap)
    assert isinstance(make_tap(session, pipeline, "relay"), Tap)
    reqrep = make_spec("r", "reqrep", ANY_PORT, "tcp://127.0.0.1:5999")
    assert isinstance(make_tap(session, reqrep), Tap)
    with pytest.raises(TapError, match="pipeline taps .* only"):
        make_tap(session, reqrep, "proxy")
    by_hand = make_spec("h", "custom", ANY_PORT, "tcp://127.0.0.1:5999", "PUSH", "PULL")
    assert isinstance(make_tap(session, by_hand), ProxyTap)  # one way: server -> client


def test_a_front_in_use_is_said_in_words_and_leaves_nothing(session, endpoint_in_use):
    tap = make_tap(session, make_spec("tap", "pipeline", endpoint_in_use, "tcp://127.0.0.1:5999"))
    with pytest.raises(TapError, match="^Front: .*in use"):
        tap.start()
    assert gone(tap.helper_pid)
    assert session.sockets == [] and running_taps(session) == []


def test_server_to_client_one_way_pair_by_hand(session, qtbot, peer):
    """PUSH front, PULL upstream: the server pushes, the clients pull through the tap."""
    server = PeerOutput(peer("push_worker.py", ANY_PORT, 30, "s", "--bind"))
    qtbot.waitUntil(lambda: server.has("ready "), timeout=PEER_WAIT_MS)
    spec = make_spec("tap", "custom", ANY_PORT, server.line("ready ").split()[1], "PUSH", "PULL")
    tap = make_tap(session, spec)
    tap.start()
    client = PeerOutput(peer("pull_sink.py", tap.front_address, 30, "--connect"))
    qtbot.waitUntil(lambda: client.has("count 30"), timeout=PEER_WAIT_MS)
    got = [line.removeprefix("received ") for line in client.lines if line.startswith("received ")]
    assert got == [f"s {n}" for n in range(30)]
    qtbot.waitUntil(lambda: len(rows(session)) == 30, timeout=WAIT_MS)
    assert {direction for direction, _ in rows(session)} == {"out"}
    qtbot.waitUntil(lambda: tap.to_client == 30, timeout=WAIT_MS)
    assert "30 server -> client" in tap.status_text()
    tap.stop()


def test_a_server_that_stops_reading_makes_the_proxy_wait_and_loses_nothing(session, qtbot):
    context = zmq.Context()
    server = context.socket(zmq.PULL)
    server.linger = 0
    server.rcvhwm = 4
    try:
        server.bind("tcp://127.0.0.1:*")
        tap = start_proxy_tap(session, server.getsockopt_string(zmq.LAST_ENDPOINT))
        client = context.socket(zmq.PUSH)
        client.linger = 0
        count = 3000  # 190 MiB: far more than the queues and socket buffers on the way hold
        client.sndhwm = count
        client.connect(tap.front_address)
        for n in range(count):  # all queued at once: the proxy always has more to forward
            client.send(b"%06d" % n + b"x" * 64 * 1024, zmq.NOBLOCK)
        # the proxy stops forwarding while the server has no room (libzmq counts no waits)
        qtbot.waitUntil(lambda: tap.quiet_s > 2, timeout=WAIT_MS * 3)
        assert 0 < tap.to_server < count
        assert "last forwarded 2 s ago" in tap.status_text()
        got: list[bytes] = []

        def read() -> bool:
            while server.poll(0):
                got.append(server.recv()[:6])
            return len(got) == count

        qtbot.waitUntil(read, timeout=WAIT_MS * 6)
        assert got == [b"%06d" % n for n in range(count)]
        qtbot.waitUntil(lambda: tap.to_server == count, timeout=WAIT_MS)
    finally:
        context.destroy(0)


def test_a_helper_killed_from_outside_stops_the_tap_in_words(session, qtbot, caplog):
    caplog.expected_warnings = True
    tap = start_proxy_tap(session, "tcp://127.0.0.1:5999")
    stopped: list[object] = []
    tap.on_stopped.append(stopped.append)
    os.kill(tap.helper_pid, 9)
    qtbot.waitUntil(lambda: stopped == [tap], timeout=WAIT_MS)
    assert "helper process ended" in caplog.text
    assert running_taps(session) == [] and session.socket_named("tap") is None


def test_ctrl_c_in_the_terminal_leaves_the_helper_to_zinspect(session, qtbot, peer):
    """Ctrl+C reaches the whole process group: the helper ignores it and forwards on, and
    goes when zinspect stops it (after its last counts)."""
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 20, "--quiet"))
    qtbot.waitUntil(lambda: sink.has("ready "), timeout=PEER_WAIT_MS)
    tap = start_proxy_tap(session, sink.line("ready ").split()[1])
    os.kill(tap.helper_pid, signal.SIGINT)
    peer("push_worker.py", tap.front_address, 20, "w")
    qtbot.waitUntil(lambda: sink.has("count 20"), timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: tap.to_server == 20, timeout=WAIT_MS)
    helper = tap.helper_pid
    tap.stop()
    assert gone(helper)


def test_an_ipc_front_is_made_by_zinspect_never_over_a_file(session, qtbot, peer, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("keep me")
    tap = make_tap(session, make_spec("tap", "pipeline", f"ipc://{notes}", "tcp://127.0.0.1:5999"))
    with pytest.raises(TapError, match="^Front: "):
        tap.start()
    assert notes.read_text() == "keep me"
    assert session.sockets == [] and running_taps(session) == []
    sink = PeerOutput(peer("pull_sink.py", ANY_PORT, 10, "--quiet"))
    qtbot.waitUntil(lambda: sink.has("ready "), timeout=PEER_WAIT_MS)
    front = tmp_path / "front"
    tap = start_proxy_tap(session, sink.line("ready ").split()[1], f"ipc://{front}")
    assert tap.front_address == f"ipc://{front}" and front.exists()
    peer("push_worker.py", tap.front_address, 10, "w")
    qtbot.waitUntil(lambda: sink.has("count 10"), timeout=PEER_WAIT_MS)
    qtbot.waitUntil(lambda: len(rows(session)) == 10, timeout=WAIT_MS)
    tap.stop()
    assert not front.exists()  # the socket file zinspect made, removed


def test_a_name_in_use_is_refused_before_any_process(session):
    session.create_socket("PULL", "tap")
    tap = make_tap(session, make_spec("tap", "pipeline", ANY_PORT, "tcp://127.0.0.1:5999"))
    with pytest.raises(TapError, match="A socket named 'tap' exists already"):
        tap.start()
    assert tap.helper_pid == 0 and running_taps(session) == []
    assert [h.name for h in session.sockets] == ["tap"]
