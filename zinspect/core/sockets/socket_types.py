"""The ZeroMQ socket types zinspect offers, with what each is for and whom it talks to.

Kept as data so the UI, validation and tests share one description of every type.
"""

from __future__ import annotations

from dataclasses import dataclass

import zmq


@dataclass(frozen=True)
class SocketTypeInfo:
    name: str
    description: str
    peers: tuple[str, ...]
    can_send: bool
    can_receive: bool
    draft: bool = False
    send_hint: str = ""
    binds: bool = False  # the usual role: the stable side binds, the other connects

    @property
    def usual_action(self) -> str:
        """What a socket of this type usually does with an endpoint, ``bind`` or ``connect``
        (the stable side of a pattern binds), so the endpoint field can start on it."""
        return "bind" if self.binds else "connect"

    @property
    def zmq_type(self) -> int:
        return int(getattr(zmq, self.name))

    @property
    def available(self) -> bool:
        return not self.draft or draft_api_available()

    @property
    def unavailable_reason(self) -> str:
        if self.available:
            return ""
        return (
            f"{self.name} is a draft socket type; this libzmq {zmq.zmq_version()} / pyzmq "
            f"{zmq.__version__} was built without the draft API."
        )

    @property
    def peers_text(self) -> str:
        return ", ".join(self.peers)


def draft_api_available() -> bool:
    return bool(zmq.has("draft")) and bool(getattr(zmq, "DRAFT_API", False))


SOCKET_TYPES: dict[str, SocketTypeInfo] = {
    info.name: info
    for info in (
        SocketTypeInfo(
            "PAIR", "Exclusive two-way link to exactly one PAIR peer.", ("PAIR",), True, True
        ),
        SocketTypeInfo(
            "PUB",
            "Sends every message to all subscribers whose prefix matches.",
            ("SUB", "XSUB"),
            True,
            False,
            binds=True,
        ),
        SocketTypeInfo(
            "SUB",
            "Receives the messages of publishers that match its subscriptions.",
            ("PUB", "XPUB"),
            False,
            True,
            send_hint="A SUB socket only receives; use XSUB to send subscriptions.",
        ),
        SocketTypeInfo(
            "REQ",
            "Client: sends a request, then must wait for the reply.",
            ("REP", "ROUTER"),
            True,
            True,
        ),
        SocketTypeInfo(
            "REP",
            "Server: receives a request, then sends exactly one reply.",
            ("REQ", "DEALER"),
            True,
            True,
            binds=True,
        ),
        SocketTypeInfo(
            "DEALER",
            "Asynchronous client: sends round-robin, receives fair-queued.",
            ("ROUTER", "REP", "DEALER"),
            True,
            True,
        ),
        SocketTypeInfo(
            "ROUTER",
            "Asynchronous server: each message carries its peer's routing id.",
            ("DEALER", "REQ", "ROUTER"),
            True,
            True,
            binds=True,
        ),
        SocketTypeInfo(
            "PULL",
            "Collects messages from PUSH peers, fair-queued (a sink or worker).",
            ("PUSH",),
            False,
            True,
            send_hint="A PULL socket only receives.",
            binds=True,
        ),
        SocketTypeInfo(
            "PUSH",
            "Hands messages round-robin to PULL peers (a ventilator).",
            ("PULL",),
            True,
            False,
        ),
        SocketTypeInfo(
            "XPUB",
            "A PUB that also receives its subscribers' (un)subscriptions.",
            ("SUB", "XSUB"),
            True,
            True,
            binds=True,
        ),
        SocketTypeInfo(
            "XSUB",
            "A SUB that sends subscriptions as messages (\\x01topic).",
            ("PUB", "XPUB"),
            True,
            True,
        ),
        SocketTypeInfo(
            "STREAM",
            "Raw TCP to non-ZeroMQ peers; the first frame is the connection id.",
            ("any TCP peer",),
            True,
            True,
        ),
        SocketTypeInfo(
            "CLIENT",
            "Draft: thread-safe single-part client for SERVER.",
            ("SERVER",),
            True,
            True,
            draft=True,
        ),
        SocketTypeInfo(
            "SERVER",
            "Draft: thread-safe single-part server; replies by routing id.",
            ("CLIENT",),
            True,
            True,
            draft=True,
            binds=True,
        ),
        SocketTypeInfo(
            "RADIO",
            "Draft: group-based publisher (UDP capable).",
            ("DISH",),
            True,
            False,
            draft=True,
            binds=True,
        ),
        SocketTypeInfo(
            "DISH", "Draft: joins groups of a RADIO.", ("RADIO",), False, True, draft=True
        ),
        SocketTypeInfo("SCATTER", "Draft: thread-safe PUSH.", ("GATHER",), True, False, draft=True),
        SocketTypeInfo(
            "GATHER", "Draft: thread-safe PULL.", ("SCATTER",), False, True, draft=True, binds=True
        ),
        SocketTypeInfo(
            "PEER", "Draft: peer-to-peer by routing id.", ("PEER",), True, True, draft=True
        ),
        SocketTypeInfo("CHANNEL", "Draft: thread-safe PAIR.", ("CHANNEL",), True, True, draft=True),
    )
}

STANDARD_TYPES = tuple(name for name, info in SOCKET_TYPES.items() if not info.draft)
SUBSCRIBING_TYPES = frozenset({"SUB", "XSUB"})
ROUTING_ID_TYPES = frozenset({"ROUTER", "STREAM"})


def talks_to(name: str, other: str) -> bool:
    """Whether a socket of type ``name`` can exchange messages with one of type ``other``
    (a STREAM speaks raw TCP to anything, and anything can reach a STREAM)."""
    if "STREAM" in (name, other):
        return True
    info = SOCKET_TYPES.get(name)
    return info is not None and other in info.peers


def socket_type(name: str) -> SocketTypeInfo:
    """Look a type up by name, case-insensitively; raises KeyError with the valid names."""
    try:
        return SOCKET_TYPES[name.strip().upper()]
    except KeyError:
        raise KeyError(
            f"unknown socket type {name!r}; choose one of {', '.join(SOCKET_TYPES)}"
        ) from None
