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
closes (docs/reliability.md has the figures). zinspect also does not know which peer an
unsubscription came from, nor which peer's subscriptions libzmq cancels when a peer goes:
topics are counted with a reference count (a topic subscribed by two peers stays held until
both unsubscribed), which can drift from libzmq's own count.

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

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

DEFAULT_SUBSCRIPTION_CAP = 100_000
_SUBSCRIBE = int(zmq.SUBSCRIBE)
_UNSUBSCRIBE = int(zmq.UNSUBSCRIBE)


class SubscriptionGuard:
    """The subscriptions an XPUB applies, bounded by ``cap`` topics; see the module doc."""

    def __init__(self, handle: SocketHandle, cap: int = DEFAULT_SUBSCRIPTION_CAP) -> None:
        self.handle = handle
        self.cap = cap
        self.held: dict[bytes, int] = {}  # topic -> subscriptions applied and not cancelled
        self.refused = 0  # subscriptions past the cap, not applied (since the socket was made)
        self.active = True  # False once the user sets XPUB_MANUAL themselves
        # XPUB_VERBOSE / XPUB_VERBOSER as the user set them: what a plain XPUB passes up
        self.verbose_subs = False
        self.verbose_unsubs = False

    def attach(self) -> None:
        """Put the handle's (new) socket in manual mode, with nothing held."""
        self.held.clear()
        if self.active:
            self.handle.socket.setsockopt(zmq.XPUB_MANUAL, 1)

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
            log.info("%s: XPUB_MANUAL set by the user; zinspect no longer applies or caps "
                     "its subscriptions", self.handle.name)

    @property
    def problem(self) -> str:
        """What the sockets list says about refused subscriptions ('' when none)."""
        if not self.refused:
            return ""
        return (f"{self.refused:,} subscription{'s' if self.refused != 1 else ''} refused "
                f"(cap {self.cap:,} topics)")

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
                if len(held) >= self.cap:
                    self._refuse()
                    return True
                held[topic] = 1
            else:
                held[topic] = count + 1
            self.handle._sync.setsockopt(_SUBSCRIBE, topic)
            return count is None or self.verbose_subs
        if count is None:  # a refused one, or one libzmq cancelled for a peer gone
            return True  # a plain XPUB passes up an unknown topic's cancel too
        if count <= 1:
            del held[topic]
        else:
            held[topic] = count - 1
        self.handle._sync.setsockopt(_UNSUBSCRIBE, topic)
        return count <= 1 or self.verbose_unsubs

    def _refuse(self) -> None:
        self.refused += 1
        if self.refused == 1:
            log.warning("%s holds %d subscriptions, zinspect's cap: further ones are refused "
                        "(not applied, counted in the sockets list)", self.handle.name,
                        self.cap)
            self.handle.session.notify_changed(self.handle)
