"""A flood drained in chunks keeps every message, in order, with exact counts.

The receive loop takes messages in chunks of CLOCK_EVERY_FRAMES and looks at the clock, the
budget and the connection count between chunks; a large message (or one of many frames)
ends its chunk early. These floods cross many chunk boundaries, with large messages at any
place, both with the session's usual budget and with none (then every look at the clock
hands the loop back and a flood is received over hundreds of turns).
"""

from __future__ import annotations

import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinspect.core.rows import KEPT_FRAME_EXTRA, ZERO_COPY_MIN
from zinspect.core.sockets.socket_receive import CLOCK_EVERY_FRAMES, LARGE_MESSAGE
from zinspect.core.store import IN, ROW_FRAMES, ROW_SIZE, message_cost

WAIT_MS = 30_000


@pytest.fixture
def context():
    """For plain pyzmq PUSH sockets (not zinspect's), ended at the end."""
    context = zmq.Context()
    yield context
    context.destroy(linger=0)


def flood(qtbot, session, context, messages: list[list[bytes]]) -> list[list[bytes]]:
    """Send ``messages`` from a new plain PUSH (no high-water mark) to a new zinspect PULL;
    return the frames of the rows the PULL stored."""
    pull = session.create_socket("PULL")
    push = context.socket(zmq.PUSH)
    push.linger = 0
    push.sndhwm = 0
    push.connect(pull.bind("tcp://127.0.0.1:*").address)
    before_bytes, before_received = session.store.total_bytes, session.store.received
    for frames in messages:
        push.send_multipart(frames)
    qtbot.waitUntil(lambda: pull.received == len(messages), timeout=WAIT_MS)
    after_bytes = session.store.total_bytes  # (before rows(): it keeps big frames as bytes)
    _, rows = session.store.rows(session.store.first_seq, session.store.end_seq)
    mine = [row for row in rows if row[1] == pull.name and row[2] == IN]
    assert [row[ROW_SIZE] for row in mine] == [sum(map(len, m)) for m in messages]
    assert session.store.received - before_received == len(messages)
    # a frame kept as received costs KEPT_FRAME_EXTRA more (core.rows)
    kept = sum(len(frame) >= ZERO_COPY_MIN for frames in messages for frame in frames)
    assert after_bytes - before_bytes == (
        sum(map(message_cost, messages)) + kept * KEPT_FRAME_EXTRA
    )
    assert pull._partial is None and pull.cut_messages == 0
    push.close()
    pull.close()
    return [list(row[ROW_FRAMES:]) for row in mine]


small = st.lists(st.binary(max_size=24), min_size=1, max_size=3)
large = st.integers(LARGE_MESSAGE, LARGE_MESSAGE + 4096).map(
    lambda n: [n.to_bytes(4, "big") * (n // 4)]
)
# runs of small messages (each a few frames), with here and there a large one
runs = st.lists(st.tuples(st.integers(1, 2 * CLOCK_EVERY_FRAMES), small, st.booleans()), max_size=6)


def build(pieces, big: list[bytes]) -> list[list[bytes]]:
    messages: list[list[bytes]] = []
    for count, frames, add_large in pieces:
        messages.extend([*frames[:-1], frames[-1] + n.to_bytes(3, "big")] for n in range(count))
        if add_large:
            messages.append(big)
    return messages


@pytest.mark.parametrize("budget", ["usual", "none"])
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(pieces=runs, big=large)
def test_a_flood_across_many_chunks_keeps_every_message_in_order(
    aloop, qtbot, session, context, monkeypatch, budget, pieces, big
):
    if budget == "none":
        monkeypatch.setattr("zinspect.core.sockets.session.BATCH_MAX_SECONDS", 0.0)
    messages = build(pieces, big) or [[b"one"]]
    assert flood(qtbot, session, context, messages) == messages


def test_a_one_frame_flood_of_many_chunks_comes_whole(aloop, qtbot, session, context):
    messages = [[n.to_bytes(4, "big")] for n in range(20 * CLOCK_EVERY_FRAMES + 7)]
    assert flood(qtbot, session, context, messages) == messages
