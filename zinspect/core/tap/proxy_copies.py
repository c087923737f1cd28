"""The fast tap's copies under a byte budget: what the helper sends zinspect, and no more.

libzmq bounds a queue by messages (HWM), not bytes: with a MAXMSGSIZE of 256 MiB, a
thousand queued copies could be 256 GB. So the helper (core.tap.proxy_child) sends its copies
through a thread of this module, which keeps a credit: zinspect says, after each batch it
stored, how many bytes of copies it has taken in all, and a copy is sent on only while
the bytes sent and not yet taken (in the helper's queue, in the kernel, in zinspect's
receive queue) stay within the budget; past it the copy is dropped, and zinspect counts it
as lost (forwarded minus copies received), as it counts any other. The queues after this
thread have no message limit (HWM 0): the credit is their bound, so nothing is dropped
behind the thread's back and the credit never leaks.

The proxy hands its copies to the thread on an inproc publisher (which drops what the
thread did not take in time rather than block the forwarding); the thread takes each one
by reference in microseconds, so only copies that arrived while it was not scheduled wait
there. Imports only the standard library and pyzmq (the helper starts without zinspect's
other modules).

The thread runs at the lowest CPU priority (``yield_to_forwarding``): when the observed
programs, the proxy and zinspect want more CPU than the machine has, the copies give way and
are dropped and counted, rather than the traffic slowing down to wait for them. On two
cores a 64 B flood went from 0.57 to 0.81 of the direct rate (docs/performance.md); with a
core to spare nothing changes, as a low priority only matters when the CPU is contended.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

import zmq

# what a queued message costs beyond its bytes (libzmq's msg_t and its queue entry): a
# flood of empty messages is bounded too
COPY_OVERHEAD = 128
INNER = "inproc://copies"
_NOBLOCK = int(zmq.NOBLOCK)
_SNDMORE = int(zmq.SNDMORE | zmq.NOBLOCK)
COPIES_NICE = 19  # the copies thread's niceness: the lowest priority


def yield_to_forwarding() -> None:
    """Give the calling thread the lowest CPU priority. Linux only, where a niceness is a
    thread's own; elsewhere ``setpriority`` takes a process id, not a thread's."""
    if sys.platform.startswith("linux"):
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), COPIES_NICE)
        except OSError:  # a sandbox may refuse it: the copies then share the CPU as before
            pass


def copy_cost(frame_sizes: list[int]) -> int:
    """What a copy of frames of these sizes counts against the budget (zinspect counts
    what it took the same way)."""
    return sum(frame_sizes) + COPY_OVERHEAD * len(frame_sizes)


def forward_copies(
    taken: zmq.Socket[Any], out: zmq.Socket[Any], acks: zmq.Socket[Any], budget: int
) -> None:
    """Send the proxy's copies (``taken``) to zinspect (``out``) while the bytes it has not
    yet taken (its ``acks``: 8 bytes, little-endian, cumulative) fit in ``budget``. Returns
    when the context is terminated; closes the three sockets."""
    yield_to_forwarding()
    sent = 0
    acked = 0
    poller = zmq.Poller()
    poller.register(taken, zmq.POLLIN)
    poller.register(acks, zmq.POLLIN)
    recv = taken.recv
    send = out.send
    try:
        while True:
            ready = dict(poller.poll())
            if acks in ready:
                while True:
                    try:
                        acked = max(acked, int.from_bytes(acks.recv(_NOBLOCK), "little"))
                    except zmq.Again:
                        break
            if taken not in ready:
                continue
            for _ in range(4096):  # then the acks again
                try:
                    frame = recv(_NOBLOCK, copy=False)
                except zmq.Again:
                    break
                if frame.more:  # the rest of the message is there (libzmq: all or none)
                    frames = [frame]
                    while frame.more:
                        frame = recv(_NOBLOCK, copy=False)
                        frames.append(frame)
                    cost = copy_cost([len(f) for f in frames])
                    if sent - acked + cost <= budget:
                        sent += cost
                        for part in frames[:-1]:
                            send(part, _SNDMORE, copy=False)
                        send(frames[-1], _NOBLOCK, copy=False)
                    continue
                cost = len(frame) + COPY_OVERHEAD
                if sent - acked + cost <= budget:  # else dropped: zinspect counts a loss
                    sent += cost
                    send(frame, _NOBLOCK, copy=False)
    except zmq.ContextTerminated:
        pass
    finally:
        for sock in (taken, out, acks):
            sock.close(linger=0)
