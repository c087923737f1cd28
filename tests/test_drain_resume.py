"""A drain resumed part-way keeps every frame, in order, whatever the messages look like.

The receive loop stops a long message every CLOCK_EVERY_FRAMES frames when its turn is spent
and goes on in a later turn (``SocketHandle._partial``). The session's budget is set to
nothing here, so every such look at the clock hands the loop back: the messages below are
then received across many turns, and must come out exactly as they were sent.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinspect.core.sockets import socket_receive
from zinspect.core.sockets.socket_receive import CLOCK_EVERY_FRAMES
from zinspect.core.store import IN, ROW_FRAMES, ROW_SIZE, message_cost, row_costs

WAIT_MS = 30_000


@pytest.fixture
def no_budget(monkeypatch):
    monkeypatch.setattr("zinspect.core.sockets.session.BATCH_MAX_SECONDS", 0.0)


def watch_partials(aloop, handle):
    """Note on every loop turn whether a message was half-received then."""
    seen: list[bool] = []
    state = {"on": True}

    def tick():
        if state["on"]:
            seen.append(handle._partial is not None)
            aloop.call_soon(tick)

    aloop.call_soon(tick)
    return seen, lambda: state.update(on=False)


def receive(aloop, qtbot, session, sender, messages: list[list[bytes]]):
    """Send ``messages`` from a plain PUSH to a new zinspect PULL; return the PULL, its rows,
    and whether the loop ran while a message was half-received."""
    pull = session.create_socket("PULL")
    push = sender(pull.bind("tcp://127.0.0.1:*").address)
    seen, stop = watch_partials(aloop, pull)
    for frames in messages:
        push.send_multipart(frames)
    qtbot.waitUntil(lambda: pull.received == len(messages), timeout=WAIT_MS)
    stop()
    _, rows = session.store.rows(session.store.first_seq, session.store.end_seq)
    mine = [row for row in rows if row[1] == pull.name and row[2] == IN]
    return pull, mine, any(seen)


frame_strategy = st.one_of(
    st.just(b""),  # zero-length frames
    st.binary(min_size=1, max_size=40),
    st.binary(min_size=1000, max_size=3000),
)
message_strategy = st.one_of(
    st.lists(frame_strategy, min_size=1, max_size=5),
    # long messages, past the point where the loop looks at the clock
    st.integers(CLOCK_EVERY_FRAMES - 1, 6 * CLOCK_EVERY_FRAMES + 3).flatmap(
        lambda count: st.lists(frame_strategy, min_size=count, max_size=count)
    ),
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(messages=st.lists(message_strategy, min_size=1, max_size=4))
def test_messages_received_across_turns_keep_every_frame_in_order(
    aloop, qtbot, session, sender, no_budget, messages
):
    pull, rows, _ = receive(aloop, qtbot, session, sender, messages)
    assert [list(row[ROW_FRAMES:]) for row in rows] == messages
    assert [row[ROW_SIZE] for row in rows] == [sum(map(len, m)) for m in messages]
    assert pull._partial is None and pull.cut_messages == 0
    pull.close()


def test_a_message_of_200000_frames_comes_whole_and_in_order_across_turns(
    aloop, qtbot, session, sender, no_budget, monkeypatch
):
    monkeypatch.setattr(socket_receive, "MAX_FRAMES_PER_MESSAGE", 300_000)
    frames = [b"" if n % 3 == 0 else n.to_bytes(4, "big") for n in range(200_000)]
    before = session.store.total_bytes
    pull, rows, resumed = receive(aloop, qtbot, session, sender, [frames, [b"after"]])
    assert resumed, "the loop never ran while the message was half-received"
    assert list(rows[0][ROW_FRAMES:]) == frames
    assert list(rows[1][ROW_FRAMES:]) == [b"after"]
    assert pull.cut_messages == 0
    # the store counts the memory of what it keeps, by the one formula
    assert session.store.total_bytes - before == message_cost(frames) + message_cost([b"after"])
    assert sum(row_costs(rows)) == session.store.total_bytes - before


def test_the_frame_cap_still_cuts_a_message_resumed_across_turns(
    aloop, qtbot, session, sender, no_budget, caplog
):
    caplog.expected_warnings = True  # the first cut is logged
    cap = socket_receive.MAX_FRAMES_PER_MESSAGE
    frames = [n.to_bytes(4, "big") for n in range(2 * cap)]
    pull, rows, resumed = receive(aloop, qtbot, session, sender, [frames, [b"after"]])
    assert resumed
    assert list(rows[0][ROW_FRAMES:]) == frames[:cap]
    assert list(rows[1][ROW_FRAMES:]) == [b"after"]
    assert pull.cut_messages == 1
