"""A send automation flooding a peer process that reads as fast as it can: the socket sits at
its high-water mark and, in the window, usually has room again by the time it asks (libzmq's
I/O thread moved the messages on). The flood still gives the loop a turn every few
milliseconds (it gave none until it ended when the room came back at once: the window froze
for 100-250 ms), and every message is sent, and recorded in the traffic, exactly once and in
order."""

from __future__ import annotations

from session_helpers import WAIT_MS, traffic

from zinspect.core.automation.automation import AutomationSpec, SendSpec
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.store import OUT

COUNT = 100_000


async def room_at_once(timeout: float) -> bool:
    """wait_writable when the room comes back before it is asked for: no wait at all."""
    return True


def test_a_flood_at_the_high_water_mark_yields_and_records_each_message_once(
    aloop, session, qtbot, peer
):
    sink = peer("pull_sink.py", "tcp://127.0.0.1:*", str(COUNT), "--quiet", "--timeout", "60")
    assert sink.stdout is not None
    endpoint = sink.stdout.readline().split()[1]
    push = session.create_socket("PUSH")
    push.set_option("SNDHWM", 50)  # at the mark every few dozen messages
    push.connect(endpoint)
    push.wait_writable = room_at_once  # what a busy window sees: that timing, every time
    spec = AutomationSpec(send=SendSpec(frames=["n {seq}"], count=COUNT, interval_ms=0))
    runner = attach_automation(push, spec, start=False)
    assert runner is not None
    seen: list[int] = []  # the runner's count at each turn of the loop the flood gave

    def turn() -> None:
        seen.append(runner.sent)
        if runner.running:
            aloop.call_soon(turn)

    runner.start()
    aloop.call_soon(turn)
    qtbot.waitUntil(lambda: not runner.running, timeout=WAIT_MS * 6)
    assert runner.sent == COUNT and not runner.last_error
    # turns all along the flood, not one at its end
    steps = [later - earlier for earlier, later in zip(seen, seen[1:], strict=False)]
    assert len(seen) > 10 and max(steps) < COUNT // 4
    sent = traffic(session, push, OUT)
    assert sent == [[b"n %d" % n] for n in range(COUNT)]
    assert sink.wait(30) == 0
    assert sink.stdout.read().split()[-2:] == ["count", str(COUNT)]
