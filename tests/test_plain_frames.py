"""While the loop drains its sockets, pyzmq makes received frames of its Cython class (a
quarter of a small message's cost: core.sockets.socket_receive, PLAIN_FRAME); outside a
service pass, and after one that failed, ``zmq.Frame`` is pyzmq's own class again, so
nothing else in the process sees a difference. Frames kept as received (big ones) and the
peer addresses read from frames work the same."""

from __future__ import annotations

import pytest
import zmq

from zinspect.core.sockets.socket_receive import PLAIN_FRAME, plain_frames

WAIT_MS = 30_000
SUGAR_FRAME = zmq.Frame


def test_the_drain_keeps_what_was_sent_and_zmq_frame_is_put_back(qtbot, session, sender):
    pull = session.create_socket("PULL")
    push = sender(pull.bind("tcp://127.0.0.1:*").address, "127.0.0.7")
    big = bytes(range(256)) * 400  # 100 KiB: kept as received (a view of the Frame)
    messages = [[b"small"], [b"head", big], [big], [b""]]
    for frames in messages:
        push.send_multipart(frames)
    qtbot.waitUntil(lambda: pull.received == len(messages), timeout=WAIT_MS)
    assert [m.frames for m in session.store] == messages
    assert {m.socket for m in session.store} == {pull.name}
    # the sender's address came from the frames (Frame.get, the Cython class's own)
    addresses = {session.peer_addresses.address_of(pull.name, m.seq) for m in session.store}
    assert [a.split(":")[0] for a in addresses] == ["127.0.0.7"], addresses
    assert zmq.Frame is SUGAR_FRAME


def test_a_failure_inside_the_block_puts_zmq_frame_back():
    with pytest.raises(RuntimeError), plain_frames():
        assert zmq.Frame is PLAIN_FRAME
        raise RuntimeError("a socket's service failed")
    assert zmq.Frame is SUGAR_FRAME
    with plain_frames():
        assert isinstance(SUGAR_FRAME(b"x"), PLAIN_FRAME)  # what recv makes is a base Frame
    assert zmq.Frame is SUGAR_FRAME
