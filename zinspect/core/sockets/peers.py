"""Who sent what: the peer address of received messages, and a ROUTER's table of peers.

libzmq attaches the sender's address to each message it receives over tcp and ipc (the
``Peer-Address`` metadata). Storing it in every message row would cost memory per message,
and a socket's messages mostly come from few peers in runs, so this keeps *runs*: the
first sequence number from which a socket's messages came from an address. Looking up a
message is a binary search.

A ROUTER knows its peers by routing id; ``PeerRecord`` adds what a user asks about one:
its address, when it was first and last seen, how many messages each way.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

RUNS_PER_SOCKET = 100_000  # oldest runs are forgotten past this (their messages show no peer)


@dataclass
class PeerRecord:
    """One peer of a ROUTER (or STREAM), by routing id."""

    routing_id: bytes
    first_seen: float
    last_seen: float
    address: str = ""
    received: int = 0
    sent: int = 0


class PeerAddresses:
    """The peer address of each received message, kept as runs per socket."""

    def __init__(self, limit: int = RUNS_PER_SOCKET) -> None:
        self.limit = limit
        self._seqs: dict[str, list[int]] = {}
        self._addresses: dict[str, list[str]] = {}

    def note(self, socket: str, first_seq: int, runs: list[tuple[int, str]]) -> None:
        """Messages of ``socket`` from ``first_seq`` + offset on came from address, for
        each (offset, address) in ``runs`` (offsets increasing)."""
        seqs = self._seqs.setdefault(socket, [])
        addresses = self._addresses.setdefault(socket, [])
        for offset, address in runs:
            if addresses and addresses[-1] == address:
                continue
            seqs.append(first_seq + offset)
            addresses.append(address)
        extra = len(seqs) - self.limit
        if extra > 0:
            del seqs[:extra]
            del addresses[:extra]

    def address_of(self, socket: str, seq: int) -> str:
        """The address message ``seq`` of ``socket`` came from ("" when unknown: inproc, a
        sent message, or older than the runs kept)."""
        seqs = self._seqs.get(socket)
        if not seqs:
            return ""
        index = bisect.bisect_right(seqs, seq) - 1
        return self._addresses[socket][index] if index >= 0 else ""

    def forget(self, socket: str) -> None:
        self._seqs.pop(socket, None)
        self._addresses.pop(socket, None)
