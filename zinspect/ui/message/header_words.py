"""The Message pane header's sentences: who sent a message, and what ZeroMQ means by its frames.

Plain functions of the message, its socket's type and its peer, apart from the pane so that
the pane keeps to its widgets.
"""

from __future__ import annotations

from zinspect.core.codecs import frame_summary, message_summary, subscription_event
from zinspect.core.sockets.connections import SEVERAL_CONNECTIONS
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.core.store import IN, OUT, Message


def peer_text(message: Message, socket_type: str, peer: str) -> str:
    """Where a received message came from (``peer``, and the routing id that tells which
    connection), or where a sent one went."""
    if message.direction != IN:  # a peer here: an opened capture's, where it went
        return f"{peer} (sent there)" if peer else "— (sent by this socket)"
    parts = [peer or "no address (inproc, or not reported)"]
    if socket_type in ROUTING_ID_TYPES and message.frames:
        # one routing id per connection: it tells which of several from one host
        which = " (it tells which)" if peer.startswith(SEVERAL_CONNECTIONS) else ""
        parts.append(f"routing id {frame_summary(message.frames[0])}{which}")
    return ", ".join(parts)


def meaning(message: Message, socket_type: str) -> str:
    """What ZeroMQ means by this message's frames on this socket type, if anything."""
    kind = socket_type
    # XPUB receives subscriptions from its subscribers; XSUB sends them to publishers.
    if (kind, message.direction) in (("XPUB", IN), ("XSUB", OUT)) and subscription_event(
        message.frames
    ) is not None:
        return (
            f"Subscription message: {message_summary(message.frames, kind)} "
            "(first byte 1 = subscribe, 0 = unsubscribe; the rest is the topic prefix)"
        )
    if kind == "ROUTER":
        return (
            "ROUTER: frame 1 is the peer's routing id; ROUTER adds it to what it "
            "receives and uses it to route what it sends."
        )
    if kind == "STREAM":
        return (
            "STREAM: frame 1 is the peer's routing id (its TCP connection); an empty "
            "frame after it means the peer connected or disconnected."
        )
    return ""
