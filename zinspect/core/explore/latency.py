"""Request/reply latency: each reply matched to its request, fed the store's rows in order.

How a reply finds its request depends on what is known of the traffic:

- Jupyter (any socket type): a ``*_request`` waits under its ``msg_id``; the message the
  other way whose ``parent_header.msg_id`` names it is its reply.
- Majordomo (any socket type): a worker's REQUEST and REPLY name the client's address; a
  client's requests and replies are matched by that address (the routing id on a broker's
  ROUTER) and order. The service is the group.
- REQ and REP: lock-step. A REQ's request goes out and its reply comes in; a REP's request
  comes in and its reply goes out. A second request before a reply gives the first up.
- ROUTER: by routing id (the first frame), in order per routing id, so several clients may
  interleave and be answered out of order. DEALER: in order.

On ROUTER and DEALER, and for Majordomo clients, which way requests go is learned from the
first answered exchange (a ROUTER server receives them, a ROUTER or DEALER client sends them).
Only messages that may be Jupyter or Majordomo (a recogniser's cheap ``match``) are decoded;
plain REQ/REP/DEALER/ROUTER traffic is matched from its frames alone, so a flood costs a dict
lookup and a deque operation per message (about 2 µs a message of a ROUTER's exchanges; a
PUB or SUB flood, 0.1 µs: docs/performance.md).

Memory is bounded: at most ``MAX_PENDING`` requests wait (the oldest is given up past it),
a request without a reply after ``REQUEST_TIMEOUT_S`` of traffic time is given up and counted
as unanswered, and the latency of the last ``MAX_REPLY_LATENCIES`` replies is kept by sequence
number for the traffic table.
"""

from __future__ import annotations

import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence, Set
from operator import itemgetter
from typing import NamedTuple

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import Recognition
from zinspect.core.decode.protocols.jupyter import JupyterRecogniser
from zinspect.core.decode.protocols.mdp import CLIENT, HEADER_AT_MOST, MajordomoRecogniser
from zinspect.core.explore.latency_stats import LatencyFigures, LatencyHistogram
from zinspect.core.rows import RawRow
from zinspect.core.store import IN, OUT, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET, ROW_TIME, Row

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 60.0
MAX_PENDING = 10_000
MAX_GROUPS = 1_000  # (socket, group) rows; past it a socket's new groups count as "(other)"
MAX_REPLY_LATENCIES = 100_000
UNANSWERED_LISTED = 200
MAX_SOCKET_NAMES = 10_000  # socket types remembered (asked again past it)
OTHER_GROUP = "(other)"
JUPYTER = "jupyter"
LOCK_STEP = {"REQ": OUT, "REP": IN}  # the direction a lock-step socket's requests go
ORDERED = frozenset({"ROUTER", "DEALER"})
# one-way sockets: no request of theirs is ever answered on them (IOPub's Jupyter messages
# answer requests made on the shell socket), so their traffic costs one set lookup
ONE_WAY = frozenset({"PUB", "SUB", "XPUB", "XSUB", "PUSH", "PULL", "RADIO", "DISH"})
_JUPYTER = JupyterRecogniser()
_socket_of = itemgetter(ROW_SOCKET)
_MDP = MajordomoRecogniser()
_JUPYTER_MIN_FRAMES = 6  # delimiter, signature, four dicts
_MDP_HEADER_LEN = len(CLIENT)
_MDP_HEADER_AT_MOST = HEADER_AT_MOST + 1  # frames up to and including the header


class Request(NamedTuple):
    """A request waiting for (or given up on) its reply (a tuple: made per message)."""

    seq: int
    time: float
    socket: str
    direction: str
    group: str
    key: str  # the routing id, client address or msg_id it waits under ("" for none)
    kind: str  # how it is matched: a socket type, "MDP client", "jupyter"...


def guess_socket_type(name: str) -> str:
    """A socket's type from a name zinspect gave it ("req-1", "router-3"), for captures
    read without their workspace; "" when the name does not say."""
    prefix, _, number = name.rpartition("-")
    kind = prefix.upper()
    known = {*LOCK_STEP, *ORDERED, *ONE_WAY, "PAIR", "STREAM"}
    return kind if number.isdigit() and kind in known else ""


def connection_socket_type(client: str, server: str) -> str:
    """How to pair the messages of a connection read from a packet capture, named "client
    -> server" (out: what the client sent), from the socket types the two ends said in
    their handshake: a REQ or REP client is lock-step (a REP that connected to a REQ gets
    its requests in); a DEALER or ROUTER client, or an unknown one whose server answers
    requests, is paired in order, the way requests go learned from the first reply (a
    ROUTER's routing id is not on the wire: one connection is one peer)."""
    client, server = client.upper(), server.upper()
    if client in LOCK_STEP:
        return client
    if client in ORDERED or (not client and server in {*LOCK_STEP, *ORDERED}):
        return "DEALER"
    return client


class _Queues:
    """Requests waiting in order under keys, with the direction requests go (fixed, or
    learned from the first reply)."""

    __slots__ = ("direction", "waiting", "lock_step")

    def __init__(self, direction: str | None = None, lock_step: bool = False) -> None:
        self.direction = direction
        self.waiting: dict[str, deque[int]] = {}
        self.lock_step = lock_step


class LatencyTracker:
    """Feed it the store's rows in order (``feed``); ask for figures, waiting and given-up
    requests, and the latency of a reply by its sequence number."""

    def __init__(
        self,
        decoder: MessageDecoder | None = None,
        socket_type: Callable[[str], str] = guess_socket_type,
        timeout_s: float = REQUEST_TIMEOUT_S,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self._decoder = decoder if decoder is not None else MessageDecoder()
        self._socket_type = socket_type
        self.timeout_s = timeout_s
        self.max_pending = max_pending
        self.reset()

    def reset(self) -> None:
        """Forget everything (the traffic was cleared)."""
        self._pending: OrderedDict[int, Request] = OrderedDict()  # by seq, oldest first
        self._queues: dict[tuple[str, str], _Queues] = {}  # (socket, kind)
        self._jupyter: dict[tuple[str, str], int] = {}  # (socket, msg_id) -> seq
        self._mdp_services: dict[tuple[str, str], str] = {}  # (socket, worker id) -> service
        self._histograms: dict[tuple[str, str], LatencyHistogram] = {}
        self._unanswered: dict[tuple[str, str], int] = {}
        self._given_up: deque[Request] = deque(maxlen=UNANSWERED_LISTED)
        self._latencies: OrderedDict[int, float] = OrderedDict()
        self._types: dict[str, str] = {}
        self.orphan_replies = 0  # replies whose request was never seen (or given up)
        self.latest_time = 0.0

    # -- feeding ------------------------------------------------------------------------
    def reads_frames(self, rows: Sequence[RawRow], sockets: Set[str] | None = None) -> bool:
        """Whether ``feed`` would read a frame of ``rows``: not when they all come from
        one-way sockets (then they may be the store's rows as kept, MessageStore.raw_rows,
        and no big frame is copied for it). ``sockets``: the rows' socket names, if the
        caller has them (a pass over the rows less: this runs on every message)."""
        names = set(map(_socket_of, rows)) if sockets is None else sockets
        return not all(self._kind(socket) in ONE_WAY for socket in names)

    def feed(self, first_seq: int, rows: Sequence[Row], reads: bool | None = None) -> None:
        """Rows of the store with sequence numbers from ``first_seq``, in order (``reads``:
        what ``reads_frames`` said of them, if asked already)."""
        types = self._types
        # Under a flood this runs on every message: a chunk from one-way sockets only (the
        # usual flood) is passed over at C speed, not a Python step per row
        if not (self.reads_frames(rows) if reads is None else reads):
            rows = ()
        for offset, row in enumerate(rows):
            socket = row[ROW_SOCKET]
            kind = types.get(socket) or self._kind(socket)
            if kind in ONE_WAY:
                continue
            frames = row[ROW_FRAMES:]
            seq = first_seq + offset
            jupyter = len(frames) >= _JUPYTER_MIN_FRAMES and _JUPYTER.match(frames, kind)
            if jupyter or _maybe_mdp(frames, kind):
                recognition = self._decoder.decode(frames, socket, kind).recognition
                if recognition is not None and recognition.protocol == "jupyter":
                    self._on_jupyter(seq, row, recognition)
                    continue
                if recognition is not None and recognition.protocol == "mdp":
                    self._on_mdp(seq, row, recognition)
                    continue
            if kind in LOCK_STEP:
                self._on_ordered(seq, row, kind, "", LOCK_STEP[kind], True)
            elif kind == "ROUTER":
                self._on_ordered(seq, row, kind, _key(frames[0]) if frames else "", None)
            elif kind == "DEALER":
                self._on_ordered(seq, row, kind, "", None)
        if rows:
            self.latest_time = max(self.latest_time, rows[-1][ROW_TIME])
            self.expire(self.latest_time)

    def _kind(self, socket: str) -> str:
        """The type of the socket named ``socket``, upper case (asked once, then kept)."""
        types = self._types
        kind = types.get(socket)
        if kind is None:
            if len(types) > MAX_SOCKET_NAMES:
                types.clear()
            kind = types[socket] = self._socket_type(socket).upper()
        return kind

    def forget_types(self) -> None:
        """Sockets may have been created or renamed: ask their types again."""
        self._types.clear()

    def _on_ordered(
        self,
        seq: int,
        row: Row,
        kind: str,
        key: str,
        direction: str | None,
        lock_step: bool = False,
        group: str = "",
    ) -> None:
        socket = row[ROW_SOCKET]
        queues = self._queues.get((socket, kind))
        if queues is None:
            queues = self._queues[(socket, kind)] = _Queues(direction, lock_step)
        sent = row[ROW_DIRECTION]
        waiting = queues.waiting.get(key)
        asks = queues.direction
        if asks is None:  # not learned yet: a message the other way than a waiting one answers
            head = self._pending.get(waiting[0]) if waiting else None
            if head is not None and head.direction != sent:
                asks = queues.direction = head.direction
        if asks is None or asks == sent:
            if queues.lock_step and waiting:
                for old in list(waiting):
                    self._give_up(old)
                waiting = queues.waiting.get(key)
            if waiting is None:
                waiting = queues.waiting[key] = deque()
            waiting.append(seq)
            self._add_pending(Request(seq, row[ROW_TIME], socket, sent, group, key, kind))
            return
        if not waiting:
            self.orphan_replies += 1
            return
        request = self._pending.pop(waiting.popleft())
        if not waiting:
            del queues.waiting[key]  # many clients come and go: keep only keys that wait
        self._answer(request, seq, row[ROW_TIME])

    def _add_pending(self, request: Request) -> None:
        pending = self._pending
        pending[request.seq] = request
        if len(pending) > self.max_pending:
            self._give_up(next(iter(pending)))

    def _on_jupyter(self, seq: int, row: Row, recognition: Recognition) -> None:
        fields = recognition.fields
        socket = row[ROW_SOCKET]
        parent = fields.get("parent_msg_id")
        if isinstance(parent, str) and parent:
            waiting = self._jupyter.get((socket, parent))
            request = self._pending.get(waiting) if waiting is not None else None
            if request is not None and request.direction != row[ROW_DIRECTION]:
                del self._jupyter[(socket, parent)]
                del self._pending[request.seq]
                self._answer(request, seq, row[ROW_TIME])
                return
        msg_type = str(fields.get("msg_type", ""))
        msg_id = fields.get("msg_id")
        if msg_type.endswith("_request") and isinstance(msg_id, str) and msg_id:
            self._jupyter[(socket, msg_id)] = seq
            group = self._group(socket, msg_type)
            self._add_pending(
                Request(seq, row[ROW_TIME], socket, row[ROW_DIRECTION], group, msg_id, JUPYTER)
            )

    def _on_mdp(self, seq: int, row: Row, recognition: Recognition) -> None:
        fields = recognition.fields
        socket = row[ROW_SOCKET]
        peer = str(fields.get("routing_id", ""))
        service = fields.get("service")
        if fields.get("role") == "client":
            group = self._group(socket, str(service))
            self._on_ordered(seq, row, "MDP client", peer, None, False, group)
            return
        command = fields.get("command")
        if command == "READY" and isinstance(service, str):
            if len(self._mdp_services) < MAX_GROUPS * 10:  # workers named beyond it: no group
                self._mdp_services[(socket, peer)] = service
            return
        if command not in ("REQUEST", "REPLY"):
            return
        key = str(fields.get("client", ""))
        # REQUEST always asks, REPLY always answers: the way they go is fixed by the command
        direction = row[ROW_DIRECTION] if command == "REQUEST" else _other(row[ROW_DIRECTION])
        group = self._group(socket, self._mdp_services.get((socket, peer), ""))
        self._on_ordered(seq, row, f"MDP worker {direction}", key, direction, False, group)

    def _group(self, socket: str, group: str) -> str:
        if not group or (socket, group) in self._histograms:
            return group
        return group if len(self._histograms) < MAX_GROUPS else OTHER_GROUP

    def _answer(self, request: Request, seq: int, time: float) -> None:
        """Count the reply ``seq`` to ``request`` (already taken from the waiting ones)."""
        latency = max(0.0, time - request.time)
        for group in ("", request.group) if request.group else ("",):
            histogram = self._histograms.get((request.socket, group))
            if histogram is None:
                histogram = self._histograms[(request.socket, group)] = LatencyHistogram()
            histogram.add(latency)
        self._latencies[seq] = latency
        if len(self._latencies) > MAX_REPLY_LATENCIES:
            self._latencies.popitem(last=False)

    def _give_up(self, seq: int) -> None:
        request = self._pending.pop(seq, None)
        if request is None:
            return
        if request.kind == JUPYTER:
            self._jupyter.pop((request.socket, request.key), None)
        else:  # out of its queue (the oldest is first there too, as a rule)
            queues = self._queues[(request.socket, request.kind)]
            waiting = queues.waiting.get(request.key)
            if waiting:
                if waiting[0] == seq:
                    waiting.popleft()
                else:
                    waiting.remove(seq)
                if not waiting:
                    del queues.waiting[request.key]
        for group in {"", request.group}:
            key = (request.socket, group)
            self._unanswered[key] = self._unanswered.get(key, 0) + 1
            self._histograms.setdefault(key, LatencyHistogram())
        self._given_up.append(request)

    def expire(self, now: float) -> None:
        """Give up requests waiting longer than the timeout at ``now`` (traffic time: a
        capture's clock when reading one, the wall clock when live)."""
        limit = now - self.timeout_s
        pending = self._pending
        while pending:
            seq, request = next(iter(pending.items()))
            if request.time >= limit:
                break
            self._give_up(seq)

    # -- asking -------------------------------------------------------------------------
    def latency_of(self, seq: int) -> float | None:
        """Seconds from its request to the reply with sequence number ``seq``; None for a
        message that is no matched reply (or one too old to be remembered)."""
        return self._latencies.get(seq)

    def figures(self) -> list[LatencyFigures]:
        """A row per socket (group "") then per group on it, sorted by socket and group."""
        waiting: dict[tuple[str, str], int] = {}
        for request in self._pending.values():
            for group in {"", request.group}:
                key = (request.socket, group)
                waiting[key] = waiting.get(key, 0) + 1
        keys = set(self._histograms) | set(waiting)
        return [
            LatencyFigures.of(
                socket,
                group,
                self._histograms.get((socket, group)) or LatencyHistogram(),
                self._unanswered.get((socket, group), 0),
                waiting.get((socket, group), 0),
            )
            for socket, group in sorted(keys)
        ]

    def waiting(self) -> list[Request]:
        """Requests still waiting for a reply, oldest first."""
        return list(self._pending.values())

    def given_up(self) -> list[Request]:
        """The latest requests given up without a reply, oldest first (bounded)."""
        return list(self._given_up)

    def give_up_all(self) -> None:
        """Count every waiting request as unanswered (the end of a capture)."""
        for seq in list(self._pending):
            self._give_up(seq)


def _maybe_mdp(frames: Sequence[bytes], kind: str) -> bool:
    """The Majordomo recogniser's match, asked only when one of the frames where its header
    may be is six bytes long (most traffic is not Majordomo: this is the quick refusal)."""
    for frame in frames[:_MDP_HEADER_AT_MOST]:
        if len(frame) == _MDP_HEADER_LEN:
            return _MDP.match(frames, kind)
    return False


def _key(frame: bytes) -> str:
    return frame.hex()


def _other(direction: str) -> str:
    return IN if direction == OUT else OUT
