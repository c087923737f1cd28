"""A tap as the user describes it: the pattern, the front and upstream endpoints, checked in words.

A tap sits between programs that zinspect did not write: clients connect to the *front*
endpoint (zinspect binds it), the server binds the *upstream* endpoint (zinspect connects to
it). The pattern chooses the pair of sockets; ``custom`` lets the user choose both types.
Kept apart from the running tap (core.tap.tap) so a workspace entry or a command line can be
checked without a socket.
"""

from __future__ import annotations

from dataclasses import dataclass

from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint
from zinspect.core.sockets.socket_types import SOCKET_TYPES


class TapError(ValueError):
    """A tap that cannot work; the message is a sentence for the user. ``address_in_use``:
    an endpoint was taken (core.sockets.socket_base.AddressInUseError)."""

    def __init__(self, message: str, address_in_use: bool = False) -> None:
        super().__init__(message)
        self.address_in_use = address_in_use


@dataclass(frozen=True)
class TapPattern:
    """One pattern a tap understands: its socket pair and what it is for, in one line."""

    name: str
    front_type: str
    upstream_type: str
    explanation: str
    title: str  # what the Tap window lists: words first, the command line's name after


PATTERNS: dict[str, TapPattern] = {
    p.name: p
    for p in (
        TapPattern(
            "reqrep",
            "ROUTER",
            "DEALER",
            "Request/reply: REQ or DEALER clients, a REP or ROUTER server; one DEALER per "
            "client towards the server, with the client's own routing id when it set one.",
            "Request/reply (reqrep)",
        ),
        TapPattern(
            "pubsub",
            "XPUB",
            "XSUB",
            "Publish/subscribe: SUB clients, a PUB server; subscriptions go upstream and are "
            "shown, published messages come back.",
            "Publish/subscribe (pubsub)",
        ),
        TapPattern(
            "pipeline",
            "PULL",
            "PUSH",
            "Pipeline: PUSH clients, a PULL server; messages flow one way, client to server.",
            "Pipeline (pipeline)",
        ),
        TapPattern(
            "pair",
            "PAIR",
            "PAIR",
            "Pair: one PAIR client and one PAIR server, messages both ways.",
            "Pair (pair)",
        ),
        TapPattern(
            "custom",
            "",
            "",
            "By hand: choose the front and upstream socket types; every message is forwarded "
            "to the other side as it is.",
            "Socket types by hand (custom)",
        ),
    )
}
# types that can stand on either side of a hand-chosen tap (they receive what they forward)
CUSTOM_TYPES = ("ROUTER", "DEALER", "PAIR", "PULL", "PUSH", "XPUB", "XSUB", "PUB", "SUB")


@dataclass
class TapSpec:
    """What a tap is: saved in a workspace's ``taps`` list and given on the command line."""

    name: str
    pattern: str
    front: str
    upstream: str
    front_type: str = ""  # custom only; otherwise the pattern's
    upstream_type: str = ""

    @property
    def types(self) -> tuple[str, str]:
        """The (front, upstream) socket types."""
        info = PATTERNS[self.pattern]
        if self.pattern == "custom":
            return self.front_type, self.upstream_type
        return info.front_type, info.upstream_type


def check_pattern(pattern: str) -> str:
    pattern = pattern.strip().lower()
    if pattern not in PATTERNS:
        raise TapError(f"Unknown pattern '{pattern}': use one of {', '.join(PATTERNS)}")
    return pattern


def check_front(endpoint: str) -> str:
    """The front endpoint (zinspect binds it; clients connect here), or TapError in words."""
    try:
        return validate_endpoint(endpoint, bind=True)
    except EndpointError as error:
        raise TapError(f"Front: {error}") from None


def check_upstream(endpoint: str) -> str:
    """The upstream endpoint (the server binds it; zinspect connects), or TapError in words."""
    try:
        endpoint = validate_endpoint(endpoint, bind=False)
    except EndpointError as error:
        raise TapError(f"Upstream: {error}") from None
    if "*" in endpoint:
        raise TapError("Upstream: give the server's real port, not a wildcard")
    return endpoint


def check_custom_type(type_name: str, side: str) -> str:
    type_name = type_name.strip().upper()
    if type_name not in CUSTOM_TYPES or type_name not in SOCKET_TYPES:
        raise TapError(f"{side} type '{type_name}': use one of {', '.join(CUSTOM_TYPES)}")
    return type_name


def make_spec(
    name: str,
    pattern: str,
    front: str,
    upstream: str,
    front_type: str = "",
    upstream_type: str = "",
) -> TapSpec:
    """A checked TapSpec; TapError names the first part that is wrong."""
    pattern = check_pattern(pattern)
    front = check_front(front)
    upstream = check_upstream(upstream)
    if front == upstream:
        raise TapError(
            "Front and upstream are the same endpoint: the server binds upstream, the clients "
            "connect to the front, so they must differ"
        )
    if pattern == "custom":
        front_type = check_custom_type(front_type, "Front")
        upstream_type = check_custom_type(upstream_type, "Upstream")
    else:
        front_type = upstream_type = ""
    name = name.strip() or "tap"
    return TapSpec(name, pattern, front, upstream, front_type, upstream_type)
