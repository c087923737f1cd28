"""The Message pane header's sentences: who sent a message, and what ZeroMQ means by its frames.

Plain functions of the message, its socket's type and its peer, apart from the pane so that
the pane keeps to its widgets.
"""

from __future__ import annotations

from zinspect.core.codecs import frame_summary, message_summary, subscription_event
from zinspect.core.sockets.connections import SEVERAL_CONNECTIONS
from zinspect.core.sockets.socket_types import ROUTING_ID_TYPES
from zinspect.core.store import IN, OUT, Message
from zinspect.core.tap.registry import tap_sender

DIRECTION_WORDS = {IN: "in (received)", OUT: "out (sent)"}
TAP_DIRECTION_WORDS = {IN: "client → server", OUT: "server → client"}
PEER_TIP = (
    "Where a received message came from: the peer's address as libzmq reports it (tcp and "
    "ipc; not inproc). libzmq gives the host only: with several connections open from that "
    "host it says how many (the sockets list names each by port). On a ROUTER the peer's "
    "routing id, one per connection, tells which"
)
TAP_PEER_TIP = (
    "Who sent it through the tap: a client (its address, and on request/reply its routing "
    "id), or the server at the tap's upstream endpoint; the tap's front socket only passed "
    "the server's messages on to the clients"
)


def direction_text(message: Message, tapped: bool) -> str:
    """The message's direction in words: a tap front's as the way it went."""
    words = TAP_DIRECTION_WORDS if tapped else DIRECTION_WORDS
    return words.get(message.direction, message.direction)


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


def tap_peer_text(message: Message, socket_type: str, peer: str, upstream: str) -> str:
    """Who sent a tap front's message, as the table's Peer column says it
    (core.tap.registry.tap_sender); on ROUTER, when several connections come from the
    client's host, its routing id tells which."""
    routing = socket_type in ROUTING_ID_TYPES and bool(message.frames)
    routing_id = frame_summary(message.frames[0]) if routing else ""
    text = tap_sender(message.direction, upstream, peer, routing_id)
    several = message.direction == IN and peer.startswith(SEVERAL_CONNECTIONS)
    return text + (" (it tells which)" if routing and several else "")


def frames_text(count: int, received: int | None) -> str:
    """The Frames field: how many frames the message has, or, when zinspect's per-message
    caps cut it (``received`` frames came), how many of them were kept."""
    if received is not None and received > count:
        return f"{count:,} of {received:,} frames kept (the rest were over zinspect's caps)"
    return f"{count:,} frame" + ("" if count == 1 else "s")


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
