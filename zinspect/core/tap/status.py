"""A tap's status in one line: what went each way, both sides' waits, what was not kept.

Shown by the Tap window and printed by ``zinspect tap`` every few seconds; apart from the
forwarding (core.tap.tap) because it is words, not I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zinspect.core.tap.proxy_tap import ProxyTap
    from zinspect.core.tap.tap import Tap

CLIENT_TO_SERVER = "client -> server"
SERVER_TO_CLIENT = "server -> client"
RELAY_WORDS = "zinspect relay"
QUIET_S = 2.0  # a proxy tap that forwarded nothing this long says since when
# why a proxy tap keeps fewer copies than it forwards (core.tap.proxy_copies)
GIVE_WAY_WORDS = "its copies give way to the traffic when the CPU or the view is short"


def status_line(tap: Tap) -> str:
    """What ``tap`` did so far, in words, for a status line."""
    front_blocked = tap.front.blocked if tap.front is not None else 0
    upstream_blocked = sum(h.blocked for h in tap.sockets if h is not tap.front)
    parts = [
        f"{_tap_name(tap.spec.name)} ({tap.spec.pattern}, {RELAY_WORDS}): "
        f"{tap.to_server:,} {CLIENT_TO_SERVER}, "
        f"{tap.to_client:,} {SERVER_TO_CLIENT}",
    ]
    if front_blocked or upstream_blocked:  # "waited ... 0, 0" on every line was noise
        parts.append(f"waited for room: front {front_blocked:,}, upstream {upstream_blocked:,}")
    if tap.spec.pattern == "reqrep":
        parts.append(f"{_count(tap.clients_seen, 'client')} seen")
    if tap.not_shown:
        parts.append(f"{tap.not_shown:,} forwarded but not kept for the view")
    if tap.undeliverable:
        parts.append(f"{tap.undeliverable:,} replies for clients that had gone")
    if tap.generated_ids:
        one = tap.generated_ids == 1
        parts.append(
            f"{_count(tap.generated_ids, 'client')} without a routing id of "
            f"{'its' if one else 'their'} own (a REQ's usual case): libzmq's made-up ids "
            "start with a zero byte and cannot be mirrored, so the server sees the tap's "
            f"{'id for it' if one else 'ids for them'}"
        )
    if tap.refused:
        parts.append(
            f"{_count(tap.refused, 'request')} dropped: no socket could be made for the client"
        )
    closed = tap.idle_closed + tap.evicted
    if closed:
        parts.append(
            f"upstream sockets of {_count(closed, 'idle client')} closed (made-up ids idle "
            f"for minutes, or the least used past {tap.max_clients:,} clients)"
        )
    return "; ".join(parts)


def proxy_status_line(tap: ProxyTap) -> str:
    """What a tap forwarded by libzmq's proxy did so far (its counts come from the proxy a
    few times a second; the copies lost are exact once it stopped)."""
    forwarded = f"{tap.forwarded:,}" if not tap.multipart else f"about {tap.forwarded:,}"
    sending = "upstream" if tap.receiving == "front" else "front"
    parts = [
        f"{_tap_name(tap.spec.name)} ({tap.spec.pattern}, {tap.engine_words}, "
        f"pid {tap.helper_pid}): "
        f"{forwarded} {CLIENT_TO_SERVER if tap.receiving == 'front' else SERVER_TO_CLIENT}",
    ]
    if tap.waited_s >= 0.1:  # libzmq's proxy counts no waits: the time it could not answer
        parts.append(f"waited for room {sending}: at least {tap.waited_s:,.1f} s")
    if tap.quiet_s >= QUIET_S:
        parts.append(f"last forwarded {tap.quiet_s:,.0f} s ago")
    if tap.not_shown:
        unit = "frames " if tap.multipart and tap.lost_frames else ""
        parts.append(
            f"{tap.not_shown:,} {unit}forwarded but not kept for the view ({GIVE_WAY_WORDS})"
        )
    return "; ".join(parts)


def _tap_name(name: str) -> str:
    """ "tap hello" for a tap named hello; "tap-1" itself, not "tap tap-1"."""
    return name if name.lower().startswith("tap") else f"tap {name}"


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
