"""An XPUB that keeps a bounded number of subscriptions, whatever its peers send.

A plain XPUB keeps every subscription a peer sends in libzmq's subscription trie, whose
nodes cost tens of bytes per byte of topic: a peer sending a few hundred thousand random
subscriptions made the process grow by gigabytes. So zinspect opens every XPUB with
``XPUB_MANUAL``: libzmq then hands each subscribe/unsubscribe message to zinspect (they are
still shown as received traffic) and applies it only when zinspect calls
``setsockopt(SUBSCRIBE/UNSUBSCRIBE)``, which acts on the pipe of the message received last.
The guard does that right after each such message is received, for up to ``cap`` distinct
topics, and refuses (counts, does not apply) the subscriptions to new topics past it.

Two limits of libzmq shape the rest:

- libzmq's manual mode still records every subscription it hands over (to send the matching
  unsubscriptions when the peer goes), in a second trie zinspect cannot prune. The guard
  estimates that memory (``TRIE_ENTRY_BYTES`` + ``TRIE_BYTES_PER_TOPIC_BYTE`` per byte, both
  measured with random topics) and when it passes ``MEMORY_BUDGET`` it re-creates the socket:
  closing it is the only way to free libzmq's tries. Peers reconnect by themselves and send
  their subscriptions again.
- zinspect does not know which peer an unsubscription came from, nor which peer's
  subscriptions libzmq cancels when a peer goes. Topics are counted with a reference count
  (a topic subscribed by two peers stays held until both unsubscribed); the count can drift
  from libzmq's, which the memory budget covers.

In manual mode libzmq passes every (un)subscription up; the guard keeps out of the traffic
what a plain XPUB would not have passed up (a topic's second subscriber, a cancel while
another subscriber remains) unless XPUB_VERBOSE / XPUB_VERBOSER ask for them. A user who
sets XPUB_MANUAL on the socket takes the decision back: the guard stands aside (with 1 the
user applies subscriptions; with 0 libzmq applies them all, without a cap).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import zmq

from zinspect.core.socket_base import SocketError

if TYPE_CHECKING:
    from zinspect.core.session import SocketHandle

log = logging.getLogger("zinspect.core.xpub_guard")

DEFAULT_SUBSCRIPTION_CAP = 100_000
# libzmq's trie, measured (random topics, libzmq 4.3.5): about 1.4 KiB for a 32-byte topic
TRIE_ENTRY_BYTES = 128
TRIE_BYTES_PER_TOPIC_BYTE = 48
MEMORY_BUDGET = 192 * 1024 * 1024  # libzmq trie memory an XPUB may reach before a reset
_SUBSCRIBE = int(zmq.SUBSCRIBE)
_UNSUBSCRIBE = int(zmq.UNSUBSCRIBE)


def trie_cost(topic: bytes) -> int:
    """Estimated bytes one subscription to ``topic`` takes in one libzmq trie."""
    return TRIE_ENTRY_BYTES + TRIE_BYTES_PER_TOPIC_BYTE * len(topic)


class SubscriptionGuard:
    """The subscriptions an XPUB applies, bounded by ``cap`` topics; see the module doc."""

    def __init__(self, handle: SocketHandle, cap: int = DEFAULT_SUBSCRIPTION_CAP,
                 memory_budget: int = MEMORY_BUDGET) -> None:
        self.handle = handle
        self.cap = cap
        self.memory_budget = memory_budget
        self.held: dict[bytes, int] = {}  # topic -> subscriptions applied and not cancelled
        self.refused = 0  # subscriptions past the cap, not applied (since the socket was made)
        self.resets = 0  # times the socket was re-created to free libzmq's tries
        self.active = True  # False once the user sets XPUB_MANUAL themselves
        # XPUB_VERBOSE / XPUB_VERBOSER as the user set them: what a plain XPUB passes up
        self.verbose_subs = False
        self.verbose_unsubs = False
        self._estimate = 0  # bytes libzmq's two tries may hold, see trie_cost
        self._reset_due = False

    def attach(self) -> None:
        """Put the handle's (new) socket in manual mode, with nothing held."""
        self.held.clear()
        self._estimate = 0
        if self.active:
            self.handle.socket.setsockopt(zmq.XPUB_MANUAL, 1)

    def option_set(self, name: str, value: int | bytes) -> None:
        """The user set an option on the XPUB: follow the ones that change what it passes up
        (libzmq's rules: VERBOSE shows repeated subscriptions, VERBOSER cancels too)."""
        if name == "XPUB_VERBOSE":
            self.verbose_subs, self.verbose_unsubs = bool(value), False
        elif name == "XPUB_VERBOSER":
            self.verbose_subs = self.verbose_unsubs = bool(value)
        elif name == "XPUB_MANUAL":
            self._user_set_manual()

    def _user_set_manual(self) -> None:
        """The user set XPUB_MANUAL: from now on subscriptions are theirs to manage."""
        if self.active:
            self.active = False
            self.held.clear()
            log.info("%s: XPUB_MANUAL set by the user; zinspect no longer applies or caps "
                     "its subscriptions", self.handle.name)

    @property
    def problem(self) -> str:
        """What the sockets list says about refused subscriptions ('' when none)."""
        if not self.refused:
            return ""
        text = (f"{self.refused:,} subscription{'s' if self.refused != 1 else ''} refused "
                f"(cap {self.cap:,} topics)")
        if self.resets:
            text += f", reset {self.resets}x to free memory"
        return text

    def note(self, data: bytes) -> bool:
        """A single-frame message was just received: apply it if it is a subscription, and
        say whether a plain XPUB would have passed it up (False: keep it out of the traffic).

        Must run before the next receive on the socket: libzmq applies setsockopt to the
        pipe of the last message received."""
        if not data or data[0] > 1:
            return True  # not a subscription (a peer's own message coming upstream)
        topic = data[1:]
        sock = self.handle._sync
        held = self.held
        count = held.get(topic)
        if data[0] == 1:
            if count is None:
                if len(held) >= self.cap:
                    self._refuse(topic)
                    return True
                self._estimate += 2 * trie_cost(topic)  # in libzmq's two tries
                held[topic] = 1
            else:
                held[topic] = count + 1
            sock.setsockopt(_SUBSCRIBE, topic)
            shown = count is None or self.verbose_subs
        else:
            if count is None:  # a refused one, or one libzmq cancelled for a peer gone
                return True  # a plain XPUB passes up an unknown topic's cancel too
            if count <= 1:
                del held[topic]
                self._estimate -= trie_cost(topic)  # the manual trie may still hold it
            else:
                held[topic] = count - 1
            sock.setsockopt(_UNSUBSCRIBE, topic)
            shown = count <= 1 or self.verbose_unsubs
        if self._estimate > self.memory_budget:
            self._reset_soon()
        return shown

    def _refuse(self, topic: bytes) -> None:
        self.refused += 1
        self._estimate += trie_cost(topic)
        if self.refused == 1:
            log.warning("%s holds %d subscriptions, zinspect's cap: further ones are refused "
                        "(not applied, counted in the sockets list)", self.handle.name,
                        self.cap)
            self.handle.session._changed(self.handle)
        if self._estimate > self.memory_budget:
            self._reset_soon()

    def _reset_soon(self) -> None:
        # not from inside the drain that called note(): it still reads the old socket
        if not self._reset_due:
            self._reset_due = True
            self.handle._loop.call_soon(self._reset)

    def _reset(self) -> None:
        """Re-create the socket: the only way to free what libzmq's tries hold."""
        self._reset_due = False
        if self.handle.closed or not self.active:
            return
        self.resets += 1
        log.warning("%s: its peers sent subscriptions past zinspect's memory budget (%d MiB); "
                    "re-creating the socket to free them (reset %d; peers reconnect and "
                    "subscribe again)", self.handle.name, self.memory_budget >> 20,
                    self.resets)
        try:
            self.handle.recreate()
        except SocketError as error:
            log.warning("%s could not be re-created: %s", self.handle.name, error)
