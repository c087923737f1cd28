"""Per-link traffic: counts and rates from successive samples of the socket counters, and
their text for the view."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from zinspect.core.topology.model import ENDPOINT_LINK, Counter, Topology

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

RATE_WINDOW = 2.0  # seconds of samples a rate is computed over
RATE_MIN_SPAN = 0.2  # no rate until the samples cover this long


@dataclass(frozen=True)
class LinkTraffic:
    """Messages over a link and their rate (msgs/s), each way; None where not measurable."""

    forward: int | None = None
    forward_rate: float | None = None
    back: int | None = None
    back_rate: float | None = None


class TrafficSampler:
    """Per-link counts and rates from successive samples of the socket counters.

    A socket's counters include messages from links it had before; when the set of its
    links changes, its counts start again from that moment (a *baseline*), so a link never
    shows traffic that went over another one.
    """

    def __init__(self, window: float = RATE_WINDOW) -> None:
        self.window = window
        self.topology: Topology | None = None
        self._links_of: dict[SocketHandle, frozenset[str]] = {}
        self._baseline: dict[tuple[SocketHandle, str], int] = {}
        self._samples: dict[tuple[str, bool], deque[tuple[float, int]]] = {}

    def set_topology(self, topology: Topology) -> None:
        # each node's endpoint links, from one pass over the links (links_of per node
        # was quadratic: 1,000 sockets took a third of a second)
        by_node: dict[str, set[str]] = {}
        for link in topology.links:
            if link.kind == ENDPOINT_LINK:
                by_node.setdefault(link.source, set()).add(link.key)
                by_node.setdefault(link.target, set()).add(link.key)
        links_of: dict[SocketHandle, frozenset[str]] = {}
        for node in topology.nodes:
            if node.handle is not None:
                links_of[node.handle] = frozenset(by_node.get(node.key, ()))
        for handle, keys in links_of.items():
            old = self._links_of.get(handle)
            if old is not None and old != keys:
                self._baseline[(handle, "received")] = handle.received
                self._baseline[(handle, "sent")] = handle.sent
        self._baseline = {k: v for k, v in self._baseline.items() if k[0] in links_of}
        self._links_of = links_of
        link_keys = {link.key for link in topology.links}
        self._samples = {k: v for k, v in self._samples.items() if k[0] in link_keys}
        self.topology = topology

    def count(self, counter: Counter | None) -> int | None:
        if counter is None:
            return None
        value = counter.read()
        if value is None:
            return None
        return max(0, value - self._baseline.get((counter.handle, counter.what), 0))

    def sample(self, now: float | None = None) -> dict[str, LinkTraffic]:
        """Read every link's counters now; the rate covers the last ``window`` seconds."""
        now = time.monotonic() if now is None else now
        result: dict[str, LinkTraffic] = {}
        for link in self.topology.links if self.topology is not None else ():
            forward = self.count(link.forward_counter)
            back = self.count(link.back_counter)
            result[link.key] = LinkTraffic(
                forward,
                self._rate(link.key, True, forward, now),
                back,
                self._rate(link.key, False, back, now),
            )
        return result

    def _rate(self, key: str, forward: bool, count: int | None, now: float) -> float | None:
        if count is None:
            self._samples.pop((key, forward), None)
            return None
        samples = self._samples.setdefault((key, forward), deque())
        if samples and (count < samples[-1][1] or now < samples[-1][0]):
            samples.clear()  # counting started again (a new run, a new baseline)
        samples.append((now, count))
        while len(samples) > 2 and now - samples[1][0] >= self.window:
            samples.popleft()
        start, first = samples[0]
        span = now - start
        return (count - first) / span if span >= RATE_MIN_SPAN else None


def format_traffic(count: int | None, rate: float | None, at_most: bool = False) -> str:
    """``1,204 · 20/s``; ``≤ 1,204 · 20/s`` for an upper bound; ``?`` when unknowable."""
    if count is None:
        return "?"
    prefix = "≤ " if at_most else ""
    if rate is None:
        return f"{prefix}{count:,}"
    shown = f"{rate:,.1f}" if 0 < rate < 10 else f"{rate:,.0f}"
    return f"{prefix}{count:,} · {shown}/s"
