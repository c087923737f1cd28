"""Which engine forwards for a tap: libzmq's proxy in a helper process if it can, else the relay.

The proxy (core.tap.proxy_tap) forwards one-way pairs (pipeline) in C at two to three times
the relay's rate; the relay (core.tap.tap) handles every pattern, with a direction and a
peer per message. The window, the workspace and ``zinspect tap`` all make their taps here,
so each uses the same engine for the same tap.
"""

from __future__ import annotations

import asyncio
import time

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import REBIND_SECONDS
from zinspect.core.tap.proxy_tap import ProxyTap, proxy_possible
from zinspect.core.tap.spec import TapError, TapSpec
from zinspect.core.tap.tap import Tap

ENGINES = ("auto", "proxy", "relay")


def make_tap(session: Session, spec: TapSpec, engine: str = "auto") -> Tap | ProxyTap:
    """A tap for ``spec``, not started: ``auto`` takes the proxy when it can forward for
    the pattern, ``relay`` always the relay; ``proxy`` asks for it (TapError when it cannot)."""
    if engine not in ENGINES:
        raise TapError(f"Unknown engine '{engine}': use one of {', '.join(ENGINES)}")
    if engine == "proxy" and not proxy_possible(spec):
        raise TapError(
            "libzmq's proxy forwards pipeline taps (PULL and PUSH) only: the others need a "
            "direction for each message, which only zinspect's relay knows"
        )
    if engine != "relay" and proxy_possible(spec):
        return ProxyTap(session, spec)
    return Tap(session, spec)


async def start_tap(tap: Tap | ProxyTap) -> None:
    """Start ``tap`` as a window does: the proxy's helper is awaited on the loop (TapError
    in words, as from ``start``); the relay starts at once."""
    if isinstance(tap, ProxyTap):
        await tap.start_async()
        return
    # a tap stopped a moment ago on the same front: libzmq's I/O thread may not have closed
    # its listener yet ("Address already in use" for a few milliseconds)
    deadline = time.monotonic() + REBIND_SECONDS
    while True:
        try:
            tap.start()
            return
        except TapError as error:
            if not error.address_in_use or time.monotonic() >= deadline:
                raise
        await asyncio.sleep(0.01)
