"""An XPUB that applies a bounded number of subscriptions, whatever its peers send.

A plain XPUB applies every subscription a peer sends, in libzmq's subscription trie, whose
nodes cost tens of bytes per byte of topic (about 5 KB for a random 100-byte topic): a peer
sending a few hundred thousand random subscriptions made the process grow by gigabytes, and
every one of them took effect. So zinspect opens every XPUB with
``XPUB_MANUAL``: libzmq then hands each subscribe/unsubscribe message to zinspect (they are
still shown as received traffic) and applies it only when zinspect calls
``setsockopt(SUBSCRIBE/UNSUBSCRIBE)``, which acts on the pipe of the message received last.
The guard does that right after each such message is received, for up to ``cap`` distinct
topics, and refuses (counts, does not apply) the subscriptions to new topics past it.

What the cap does not bound: libzmq's manual mode still records every subscription it hands
over, in a second trie, to send the matching unsubscriptions when the peer goes; and it
queues what a peer sends without limit until zinspect reads it. Neither can be pruned from
outside libzmq (4.3.5): that memory is freed only when the peer disconnects or the socket
closes. So the guard also keeps an estimate of what both tries hold (each byte of a topic
past its common prefix with the topic before is a trie node of about ``NODE_BYTES``: every
byte of a random one) and, when it passes ``budget``, re-creates the
socket (``SocketHandle.recreate``: same endpoints, options and name). libzmq's reaper thread
then frees the old socket and its tries off the loop (dropping the connections one by one
instead made libzmq queue a cancel per subscription for zinspect to read: seconds of
freeze). glibc keeps the freed memory for the process (the next socket's tries reuse
it) rather than return it: ``malloc_trim`` would return it but walks every free chunk,
50-300 ms on the loop after a flood, so it is not called. Peers reconnect and
send their subscriptions again; a peer that floods again meets the budget again. Re-creates
are at least ``RECREATE_EVERY_S`` apart; in between, new topics are refused and the socket
is not read (``paused``): libzmq then takes in a pipe's worth and the peer's TCP backs up.
Guarded XPUBs also get a small receive high-water mark (``GUARD_RCVHWM``, unless the user
sets one): with the default 1,000, libzmq's I/O thread kept the pipe full while the socket
took the flood in, tens of thousands of subscriptions ahead of zinspect, before the
budget could be checked (docs/reliability.md has the figures).

zinspect does not know which peer an unsubscription came from, nor which peer's
subscriptions libzmq cancels when a peer goes: topics are counted with a reference count (a
topic subscribed by two peers stays held until both unsubscribed), which can drift from
libzmq's own count. The estimate goes down, by a topic's leaves only, when a held topic is
let go (its other nodes may be shared by later topics, charged less for them): a peer that
keeps subscribing and cancelling new topics meets the budget in the end.

In manual mode libzmq passes every (un)subscription up; the guard keeps out of the traffic
what a plain XPUB would not have passed up (a topic's second subscriber, a cancel while
another subscriber remains) unless XPUB_VERBOSE / XPUB_VERBOSER ask for them. A user who
sets XPUB_MANUAL on the socket takes the decision back: the guard stands aside (with 1 the
user applies subscriptions; with 0 libzmq applies them all, without a cap).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

import zmq

from zinspect.core.sockets.socket_base import SocketError

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

DEFAULT_SUBSCRIPTION_CAP = 100_000
DEFAULT_SUBSCRIPTION_BUDGET = 64 * 1024 * 1024  # libzmq's subscription tries, estimated
NODE_BYTES = 50  # a trie node per topic byte (a random topic shares no prefix)
TOPIC_BYTES = 100  # per topic: the leaf's pipe set
RECREATE_EVERY_S = 1.0
GUARD_RCVHWM = 10
_SUBSCRIBE = int(zmq.SUBSCRIBE)
_UNSUBSCRIBE = int(zmq.UNSUBSCRIBE)


def topic_cost(topic: bytes, after: bytes = b"") -> int:
    """Estimated bytes one trie of libzmq spends on ``topic`` when ``after`` is in it too:
    a node per byte past their common prefix, whose nodes are shared (structured topics such
    as ``sensor/12/temp`` cost a few nodes each, a random one a node per byte)."""
    return (len(topic) - shared_prefix(topic, after)) * NODE_BYTES + TOPIC_BYTES


def shared_prefix(a: bytes, b: bytes) -> int:
    """The length of the common prefix of ``a`` and ``b`` (bisected: slices compare in C)."""
    if not a or not b or a[0] != b[0]:
        return 0
    low, high = 1, min(len(a), len(b))  # a[:low] == b[:low]
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


class SubscriptionGuard:
    """The subscriptions an XPUB applies, bounded by ``cap`` topics and by ``budget`` bytes
    (estimated) in libzmq; see the module doc."""

    def __init__(self, handle: SocketHandle, cap: int = DEFAULT_SUBSCRIPTION_CAP) -> None:
        self.handle = handle
        self.cap = cap
        self.budget = handle.session.xpub_subscription_budget
        self.held: dict[bytes, int] = {}  # topic -> subscriptions applied and not cancelled
        self.refused = 0  # past the cap or the budget, not applied (since the socket was made)
        self.estimate = 0  # bytes libzmq's tries hold for this socket, estimated
        self._last_recorded = b""  # the last topic new to each trie: they share its nodes
        self._last_applied = b""
        self.recreated = 0  # times the budget was passed and the socket re-created
        self.active = True  # False once the user sets XPUB_MANUAL themselves
        # XPUB_VERBOSE / XPUB_VERBOSER as the user set them: what a plain XPUB passes up
        self.verbose_subs = False
        self.verbose_unsubs = False
        self.paused = False  # over the budget: its messages are left unread until re-made
        self._last_recreate = -RECREATE_EVERY_S
        self._recreate_due: asyncio.TimerHandle | None = None

    def attach(self) -> None:
        """Put the handle's (new) socket in manual mode, with nothing held."""
        self._cancel_recreate()  # re-created already (an option applied, say)
        self.held.clear()
        self._last_recorded = self._last_applied = b""
        self.estimate = 0
        self.paused = False
        if self.active:
            sock = self.handle.socket
            sock.setsockopt(zmq.XPUB_MANUAL, 1)
            if "RCVHWM" not in self.handle.options:
                sock.setsockopt(zmq.RCVHWM, GUARD_RCVHWM)

    def option_set(self, name: str, value: int | bytes) -> None:
        """The user set an option on the XPUB: follow the ones that change what it passes up
        (libzmq's rules: VERBOSE shows repeated subscriptions, VERBOSER cancels too)."""
        if name == "XPUB_VERBOSE":
            self.verbose_subs, self.verbose_unsubs = bool(value), False
        elif name == "XPUB_VERBOSER":
            self.verbose_subs = self.verbose_unsubs = bool(value)
        elif name == "XPUB_MANUAL" and self.active:
            self.active = False
            self.held.clear()
            self._cancel_recreate()
            if self.paused:  # what waited unread is read again
                self.paused = False
                self.handle._schedule_service()
            log.info(
                "%s: XPUB_MANUAL set by the user; zinspect no longer applies or caps "
                "its subscriptions",
                self.handle.name,
            )

    @property
    def problem(self) -> str:
        """What the sockets list says about refused subscriptions ('' when none)."""
        words = []
        if self.recreated:
            words.append(
                f"re-created {self.recreated:,} time{'s' if self.recreated != 1 else ''}"
                f": its peers' subscriptions passed {self.budget / 2**20:,.0f} MiB "
                "in libzmq (estimated)"
            )
        if self.refused:
            words.append(
                f"{self.refused:,} subscription{'s' if self.refused != 1 else ''} "
                f"refused (cap {self.cap:,} topics, "
                f"{self.budget / 2**20:,.0f} MiB in libzmq)"
            )
        return "; ".join(words)

    def note(self, data: bytes) -> bool:
        """A single-frame message was just received: apply it if it is a subscription, and
        say whether a plain XPUB would have passed it up (False: keep it out of the traffic).

        Must run before the next receive on the socket: libzmq applies setsockopt to the
        pipe of the last message received."""
        if not data or data[0] > 1:
            return True  # not a subscription (a peer's own message coming upstream)
        topic = data[1:]
        held = self.held
        count = held.get(topic)
        if data[0] == 1:
            if count is None:
                # libzmq's record of it, to cancel it later: shares nodes with the last one
                recorded = topic_cost(topic, self._last_recorded)
                self._last_recorded = topic
                self.estimate += recorded
                applied = topic_cost(topic, self._last_applied)
                if len(held) >= self.cap or self.estimate + applied > self.budget:
                    self._refuse()
                    return True
                self.estimate += applied  # the subscription trie too
                self._last_applied = topic
                held[topic] = 1
            else:
                held[topic] = count + 1
            self.handle._sync.setsockopt(_SUBSCRIBE, topic)
            return count is None or self.verbose_subs
        # a cancel may free the nodes the next topic would share: charge that one in full
        self._last_recorded = self._last_applied = b""
        if count is None:  # a refused one, or one libzmq cancelled for a peer gone
            return True  # a plain XPUB passes up an unknown topic's cancel too
        if count <= 1:
            del held[topic]
            # its leaves go; its other nodes only if no later topic shares them: not counted
            self.estimate = max(0, self.estimate - 2 * TOPIC_BYTES)
        else:
            held[topic] = count - 1
        self.handle._sync.setsockopt(_UNSUBSCRIBE, topic)
        return count <= 1 or self.verbose_unsubs

    def _refuse(self) -> None:
        self.refused += 1
        if self.estimate > self.budget:
            self._schedule_recreate()
        if self.refused == 1:
            log.warning(
                "%s holds %d subscriptions, %s: further ones are refused (not "
                "applied, counted in the sockets list)",
                self.handle.name,
                len(self.held),
                "zinspect's cap"
                if len(self.held) >= self.cap
                else "libzmq's share of memory at its budget",
            )
            self.handle.session.notify_changed(self.handle)

    # -- the budget: re-create the socket --------------------------------------------------
    def _schedule_recreate(self) -> None:
        """Re-create on a later loop turn (not inside the receive loop), at most once per
        RECREATE_EVERY_S: a peer that floods again straight away cannot make it spin. Until
        then nothing more is read: libzmq takes in a pipe's worth (RCVHWM) and stops."""
        self.paused = True
        if self._recreate_due is not None:
            return
        delay = max(0.0, self._last_recreate + RECREATE_EVERY_S - time.monotonic())
        loop = asyncio.get_running_loop()
        self._recreate_due = loop.call_later(delay, self._recreate)

    def _cancel_recreate(self) -> None:
        if self._recreate_due is not None:
            self._recreate_due.cancel()
            self._recreate_due = None

    def _recreate(self) -> None:
        self._recreate_due = None
        handle = self.handle
        if handle.closed or not self.active:
            return
        self._last_recreate = time.monotonic()
        self.recreated += 1
        if self.recreated == 1:
            log.warning(
                "%s: its peers' subscriptions passed %d MiB in libzmq (estimated): "
                "re-creating the socket to free them; peers reconnect and subscribe "
                "again (counted in the sockets list)",
                handle.name,
                self.budget // 2**20,
            )
        try:
            problems = handle.recreate()
        except SocketError as error:
            log.error("%s: re-creating it failed: %s", handle.name, error)
            return
        if problems:
            log.warning("%s: re-created, but %s", handle.name, "; ".join(problems))
