"""A tap's copies are bounded in bytes: a hostile sender of big messages cannot grow the
helper process or zinspect past the copy budget, and forwarding goes on.

A real peer pushes big messages through a pipeline tap (libzmq's proxy in its helper process)
to a real sink. While zinspect's loop is held (the test waits for the sink in select), no
copy is taken: the helper sends on only what fits in the budget and drops the rest, which
zinspect counts as lost. The sink still gets every message; the helper's peak memory
(VmHWM in /proc) stays near the budget, far under what went through. Through zinspect's
relay, the copies are the store's rows: its byte cap bounds them, and what it dropped is
counted as not shown.
"""

from __future__ import annotations

import sys

import pytest
from peerio import PeerOutput, start_peer
from session_helpers import ANY_PORT
from ui_actions import PEER_WAIT_MS, WAIT_MS

import zinspect.core.tap.proxy_tap as proxy_tap
from zinspect.core.sockets import socket_base
from zinspect.core.sockets.session import Session
from zinspect.core.store import IN, MessageStore
from zinspect.core.tap.engine import make_tap
from zinspect.core.tap.proxy_copies import copy_cost
from zinspect.core.tap.proxy_tap import ProxyTap
from zinspect.core.tap.spec import make_spec
from zinspect.core.tap.status import GIVE_WAY_WORDS
from zinspect.core.tap.tap import Tap

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/status"),
]

MIB = 1024 * 1024
BUDGET = 32 * MIB
SIZE = 2 * MIB
COUNT = 200  # 400 MiB through the tap: twelve times the budget


def memory_kib(pid: int, field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (the peak so far) of ``pid``, in KiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.fixture
def small_budget(monkeypatch):
    """A 32 MiB budget, and taps accepting messages up to 4 MiB (the budget holds at least
    one message of the largest size a tap accepts, so the default 256 MiB would raise it)."""
    monkeypatch.setattr(proxy_tap, "COPY_QUEUE_BYTES", BUDGET)
    monkeypatch.setattr(socket_base, "_default_maxmsgsize", 4 * MIB)


def start(session, qtbot, peer) -> tuple[ProxyTap, PeerOutput]:
    sink = start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, COUNT, "--quiet", "--timeout", 60)
    tap = make_tap(session, make_spec("tap", "pipeline", ANY_PORT, sink.ready_endpoint()))
    assert isinstance(tap, ProxyTap)
    tap.start()
    return tap, sink


def send_big_messages(peer, front: str) -> None:
    # 2 MiB every 5 ms: the sink keeps up, so the forwarding queues stay short and what the
    # helper holds is its copies
    peer("big_message_sender.py", front, COUNT, 1, SIZE, "--interval", 0.005)


def test_copies_past_the_budget_are_dropped_and_counted_while_everything_is_forwarded(
    session, qtbot, peer, small_budget
):
    tap, sink = start(session, qtbot, peer)
    helper = tap.helper_pid
    before = memory_kib(helper, "VmRSS")
    send_big_messages(peer, tap.front_address)
    # zinspect's loop is held until the sink has everything: no copy is taken meanwhile
    assert sink.wait_for("count ", 60) == f"count {COUNT}"
    grown_mib = (memory_kib(helper, "VmHWM") - before) / 1024
    assert grown_mib < (BUDGET + 96 * MIB) / MIB, f"the helper grew by {grown_mib:.0f} MiB"
    qtbot.waitUntil(lambda: tap.forwarded_frames == COUNT, timeout=WAIT_MS)
    tap.stop()
    assert tap.to_server == COUNT
    kept = [m for m in session.store if m.socket == "tap"]
    # no more than the budget was sent on while zinspect took nothing (a copy or two the
    # helper's thread had not looked at yet may have come after)
    assert 0 < len(kept) <= BUDGET // copy_cost([SIZE]) + 2
    assert all(m.direction == IN and m.size == SIZE for m in kept)
    assert tap.copy_dropped == COUNT - len(kept)
    assert f"{COUNT - len(kept):,} forwarded but not kept for the view" in tap.status_text()
    assert GIVE_WAY_WORDS in tap.status_text()  # and why, in words


def test_copies_taken_give_the_helper_room_for_more(session, qtbot, peer, small_budget):
    tap, _sink = start(session, qtbot, peer)
    send_big_messages(peer, tap.front_address)
    # the loop turns: every batch zinspect stores is acknowledged and frees budget
    qtbot.waitUntil(lambda: tap.forwarded_frames == COUNT, timeout=PEER_WAIT_MS)
    tap.stop()
    assert tap.to_server == COUNT
    assert tap.copies > BUDGET // copy_cost([SIZE])  # more than one budget's worth
    assert tap.copies + tap.copy_dropped == COUNT


def test_through_the_relay_the_copies_are_held_to_the_stores_byte_cap(aloop, qtbot, peer):
    session = Session(MessageStore(max_bytes=BUDGET))
    try:
        sink = start_peer(peer, qtbot, "pull_sink.py", ANY_PORT, COUNT, "--quiet", "--timeout", 60)
        spec = make_spec("tap", "pipeline", ANY_PORT, sink.ready_endpoint())
        tap = make_tap(session, spec, "relay")
        assert isinstance(tap, Tap)
        tap.start()
        assert tap.front is not None
        send_big_messages(peer, tap.front.endpoints[0].address)
        qtbot.waitUntil(lambda: sink.has(f"count {COUNT}"), timeout=PEER_WAIT_MS)
        assert tap.to_server == COUNT
        store = session.store
        qtbot.waitUntil(lambda: not store.over_caps, timeout=WAIT_MS)  # evicted in slices
        kept = [m for m in store if m.socket == "tap"]
        assert 0 < len(kept) <= BUDGET // SIZE and store.total_bytes <= BUDGET
        assert tap.not_shown == COUNT - len(kept)
    finally:
        session.close()
