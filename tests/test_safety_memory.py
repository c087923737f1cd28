"""What hostile peers can make zinspect hold: the store's byte cap counts memory, not just
payload, and an XPUB applies a bounded number of subscriptions.

Memory is measured in a child process (benchmarks/safety_memory.py runs zinspect's core
against a real peer process and reports its own RSS), with small caps to keep it quick.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from session_helpers import run, traffic

from zinspect.core.store import IN

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
MIB = 1024 * 1024
# what the child may grow beyond the store's cap: the message being received (libzmq's copy
# and ours), interpreter and allocator slack
MARGIN_MIB = 64
WAIT_MS = 5000


def run_child(*args: str, timeout: float) -> dict:
    sys.path.insert(0, str(BENCH))
    try:
        from common import run_child as run_benchmark_child
    finally:
        sys.path.remove(str(BENCH))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return run_benchmark_child([str(BENCH / "safety_memory.py"), "child", *args], timeout, env)


@pytest.mark.timeout(120)
def test_a_peer_sending_countless_tiny_frames_cannot_fill_more_than_the_byte_cap():
    cap = 16 * MIB
    result = run_child("many-frames", "6", "100000", "2", str(cap), timeout=100)
    assert result["received"] >= 3, result
    # the cap counts each frame's and message's memory: 2-byte frames cost ~30x their payload
    assert result["counted_bytes"] == result["store_bytes"] <= cap
    assert result["counted_bytes"] > 20 * result["payload_bytes"]
    assert result["dropped"] > 0  # the cap was reached, and held
    growth = result["rss_peak_mib"] - result["rss_start_mib"]
    assert growth < cap / MIB + MARGIN_MIB, result


@pytest.mark.timeout(120)
def test_an_xpub_flooded_with_subscriptions_holds_its_cap_and_counts_the_rest():
    # a budget for libzmq's tries far above what 30,000 short topics cost: only the cap acts
    result = run_child(
        "xpub", "30000", "32", "1000", "30", str(64 * MIB), str(1024 * MIB), "5", timeout=100
    )
    assert result["recreated"] == 0, result
    assert result["held"] <= 1000
    assert result["refused"] >= 29_000, result
    assert "refused" in result["problem"] and "cap 1,000" in result["problem"]
    assert result["held_delivered"], "a subscription under the cap must work"
    assert not result["refused_delivered"], "a refused subscription must not take effect"


@pytest.mark.timeout(120)
def test_an_xpub_past_its_memory_budget_is_recreated_and_its_subscribers_still_receive():
    """60,000 random 100-byte topics would cost libzmq about 600 MB in its two tries; with a
    budget of 8 MiB zinspect re-creates the XPUB each time the flooding peer passes it (the
    peer reconnects and floods again), so the child's memory stays bounded, and a well-behaved
    SUB, re-subscribed after each re-create, still gets what is published on its topic."""
    budget = 8 * MIB
    store_cap = 16 * MIB
    result = run_child(
        "xpub", "60000", "100", "100000", "30", str(store_cap), str(budget), "3", timeout=100
    )
    assert result["recreated"] >= 1, result
    assert result["recreated_before_publishing"] >= 1, result
    assert "re-created" in result["problem"] and "8 MiB" in result["problem"], result
    assert result["legit_delivered"], "a subscriber must receive after the XPUB was re-created"
    assert not result["refused_delivered"], "a refused subscription must not take effect"
    growth = result["rss_max_mib"] - result["rss_start_mib"]
    # libzmq's tries at the budget (estimated) and what it read ahead, the old socket still
    # being freed, the store; unbounded, the flood would cost libzmq ~600 MB
    assert growth < 4 * budget / MIB + store_cap / MIB + MARGIN_MIB, result


# -- XPUB bookkeeping, in process -------------------------------------------------------------
def xpub_with_subs(session, *names: str):
    xpub = session.create_socket("XPUB", "xpub")
    address = xpub.bind("tcp://127.0.0.1:*").address
    subs = []
    for name in names:
        sub = session.create_socket("SUB", name)
        sub.connect(address)
        subs.append(sub)
    return xpub, subs


def publish_until(aloop, qtbot, xpub, frames: list[bytes], done) -> None:
    """Publish until ``done()`` (a subscription takes a moment to travel)."""

    async def go():
        import asyncio

        while not done():
            xpub.send_now(frames)
            await asyncio.sleep(0.02)

    run(aloop, qtbot, go(), timeout=WAIT_MS)


def got(session, sub, text: bytes) -> bool:
    return any(frames[0].startswith(text) for frames in traffic(session, sub))


def test_a_topic_two_peers_hold_stays_until_both_let_go(aloop, qtbot, session):
    xpub, (one, two) = xpub_with_subs(session, "one", "two")
    one.subscribe(b"t")
    two.subscribe(b"t")
    qtbot.waitUntil(lambda: xpub.xpub_guard.held.get(b"t") == 2, timeout=WAIT_MS)
    # as a plain XPUB: the second subscriber of a topic is not news
    assert traffic(session, xpub) == [[b"\x01t"]]
    one.unsubscribe(b"t")
    qtbot.waitUntil(lambda: xpub.xpub_guard.held.get(b"t") == 1, timeout=WAIT_MS)
    publish_until(aloop, qtbot, xpub, [b"t still"], lambda: got(session, two, b"t still"))
    assert traffic(session, xpub) == [[b"\x01t"]]  # someone still holds it: no cancel shown
    two.unsubscribe(b"t")
    qtbot.waitUntil(lambda: [b"\x00t"] in traffic(session, xpub), timeout=WAIT_MS)
    assert xpub.xpub_guard.held == {}


def test_subscriptions_past_the_cap_are_refused_counted_and_shown(aloop, qtbot, session, caplog):
    caplog.expected_warnings = True  # the first refusal is logged once
    session.xpub_subscription_cap = 2
    xpub, (a, b, c) = xpub_with_subs(session, "a", "b", "c")
    for sub, topic in ((a, b"alpha"), (b, b"beta")):
        sub.subscribe(topic)
        qtbot.waitUntil(lambda t=topic: t in xpub.xpub_guard.held, timeout=WAIT_MS)
    c.subscribe(b"gamma")
    qtbot.waitUntil(lambda: xpub.xpub_guard.refused == 1, timeout=WAIT_MS)
    assert [b"\x01gamma"] in traffic(session, xpub)  # still seen as received traffic
    assert "1 subscription refused (cap 2 topics" in xpub.xpub_guard.problem
    assert "refused" in caplog.text
    publish_until(aloop, qtbot, xpub, [b"beta news"], lambda: got(session, b, b"beta news"))
    for _ in range(5):
        xpub.send_now([b"gamma news"])
    publish_until(aloop, qtbot, xpub, [b"alpha news"], lambda: got(session, a, b"alpha news"))
    assert not got(session, c, b"gamma")


def test_xpub_verbose_shows_every_subscription_as_libzmq_would(aloop, qtbot, session):
    xpub, (one, two) = xpub_with_subs(session, "one", "two")
    xpub.set_option("XPUB_VERBOSE", 1)
    one.subscribe(b"t")
    two.subscribe(b"t")
    qtbot.waitUntil(lambda: traffic(session, xpub) == [[b"\x01t"], [b"\x01t"]], timeout=WAIT_MS)


def test_a_user_who_sets_xpub_manual_manages_subscriptions_themselves(aloop, qtbot, session):
    session.xpub_subscription_cap = 1
    xpub, (one, two) = xpub_with_subs(session, "one", "two")
    xpub.set_option("XPUB_MANUAL", 0)  # libzmq applies them all again: no cap
    assert not xpub.xpub_guard.active
    one.subscribe(b"x")
    two.subscribe(b"y")
    publish_until(aloop, qtbot, xpub, [b"y news"], lambda: got(session, two, b"y news"))
    publish_until(aloop, qtbot, xpub, [b"x news"], lambda: got(session, one, b"x news"))
    assert xpub.xpub_guard.refused == 0


def test_a_re_created_xpub_still_caps_and_applies(aloop, qtbot, session):
    xpub, (one,) = xpub_with_subs(session, "one")
    assert xpub.recreate() == []
    one.subscribe(b"z")
    qtbot.waitUntil(lambda: b"z" in xpub.xpub_guard.held, timeout=WAIT_MS)
    publish_until(aloop, qtbot, xpub, [b"z news"], lambda: got(session, one, b"z news"))
    assert all(row.direction == IN for row in session.store if row.socket == "one")


def test_a_guarded_xpub_reads_little_ahead_unless_the_user_sets_rcvhwm(session):
    """libzmq reads subscriptions ahead of zinspect up to the receive high-water mark: a
    guarded XPUB gets a small one (shown as its live value), and the user's own value wins,
    a re-create included."""
    import zmq

    from zinspect.core.sockets.xpub_guard import GUARD_RCVHWM

    xpub = session.create_socket("XPUB", "xpub")
    assert xpub.socket.getsockopt(zmq.RCVHWM) == GUARD_RCVHWM
    xpub.set_option("RCVHWM", 500)
    assert xpub.recreate() == []
    assert xpub.socket.getsockopt(zmq.RCVHWM) == 500
