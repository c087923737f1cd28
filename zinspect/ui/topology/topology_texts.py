"""The words of the topology view: each link's label and tooltip, each node's tooltip.

Kept apart from the view (topology_view) so that one stays about drawing and keeping the
drawing current; these are pure functions of the graph and its sampled traffic.
"""

from __future__ import annotations

from zinspect.core.topology.model import (
    CONNECTION_NODE,
    FORWARD_LINK,
    PEERS_NODE,
    Counter,
    Link,
    Node,
    Topology,
)
from zinspect.core.topology.traffic import LinkTraffic, format_traffic


def label_lines(
    topology: Topology, link: Link, traffic: LinkTraffic, shared_endpoint: set[str]
) -> list[tuple[str, bool]]:
    """A link's label, line by line: (text, whether it is drawn dim, as the endpoint is)."""
    if link.kind == FORWARD_LINK:
        source = topology.node(link.source).handle
        runner = source.automation_runner if source is not None else None
        if link.stopped or runner is None or not runner.running:
            return [("forwards", False), ("(stopped)", False)]
        # two short lines: side by side (three workers), one long line each would touch
        return [("forwards", False), (format_traffic(traffic.forward, traffic.forward_rate), False)]
    endpoint = (
        link.endpoint
        if len(link.endpoint) <= 26
        else link.endpoint[:10] + "…" + link.endpoint[-15:]
    )
    if not link.compatible:
        return [(endpoint, True), ("incompatible types", False)]
    lines = [] if link.key in shared_endpoint else [(endpoint, True)]
    if link.stopped:
        return [*lines, ("stopped", False)]
    lines.append(
        (
            format_traffic(traffic.forward, traffic.forward_rate, _at_most(link.forward_counter)),
            False,
        )
    )
    if link.two_way and traffic.back is not None:
        lines.append(
            (
                "↩ " + format_traffic(traffic.back, traffic.back_rate, _at_most(link.back_counter)),
                False,
            )
        )
    return lines


def describe(topology: Topology, key: str) -> str:
    node = topology.node(key)
    if node.kind == PEERS_NODE:
        if node.more:
            return f"{node.more:,} more outside peers on {node.name}"
        return f"outside peers on {node.name}"
    if node.kind == CONNECTION_NODE:
        return f"the peer at {node.name}"
    if node.stopped:
        return f"{node.type_name} {node.name} (stopped)"
    if node.external:
        return f"the remote endpoint {node.name}"
    return f"{node.type_name} {node.name}"


def link_tooltip(topology: Topology, link: Link, traffic: LinkTraffic) -> str:
    source, target = describe(topology, link.source), describe(topology, link.target)
    if link.kind == FORWARD_LINK:
        return (
            f"{source} forwards every message it receives to {target} "
            f"(its automation); {format_traffic(traffic.forward, traffic.forward_rate)}"
        )
    lines = [f"{source} → {target} over {link.endpoint}"]
    if link.stopped:
        lines.append("Stopped: one end was closed, so nothing flows here now.")
        return "\n".join(lines)
    if not link.compatible:
        lines.append(
            "These socket types cannot talk to each other: libzmq refuses the "
            "connection and no message flows."
        )
        return "\n".join(lines)
    for counter, count, rate, what in (
        (link.forward_counter, traffic.forward, traffic.forward_rate, "messages"),
        (link.back_counter, traffic.back, traffic.back_rate, "back (replies or subscriptions)"),
    ):
        if what != "messages" and not link.two_way:
            continue
        if counter is None:
            lines.append(
                f"{what}: not countable (libzmq counts per socket, and these "
                "sockets have other links)"
            )
        else:
            lines.append(
                f"{what}: {format_traffic(count, rate, counter.at_most)}, {counter.describe()}"
            )
    return "\n".join(lines)


def node_tooltip(topology: Topology, node: Node) -> str:
    if node.external:
        others = [
            describe(topology, link.target if link.source == node.key else link.source)
            for link in topology.links_of(node.key)
        ]
        if node.kind == PEERS_NODE:
            if node.more:
                return (
                    f"{node.more:,} more connections from outside to {node.name} "
                    f"(bound by {', '.join(others)}); the first few are drawn one by one"
                )
            return (
                f"Peers outside this workspace that connect to {node.name} "
                f"(bound by {', '.join(others)})"
            )
        if node.kind == CONNECTION_NODE:
            return (
                f"One live connection from outside this workspace: {node.name} connected "
                f"to {node.endpoint} (bound by {', '.join(others)})"
            )
        return (
            f"{node.name}: {', '.join(others)} connect{'s' if len(others) == 1 else ''} "
            "here; no socket of this workspace binds it"
        )
    handle = node.handle
    assert handle is not None  # a socket node always has its handle
    endpoints = "\n".join(f"{e.kind} {e.address}" for e in handle.endpoints) or "no endpoints"
    if node.stopped:
        return (
            f"{node.type_name} socket {node.name}: stopped (closed)\n{endpoints}\n"
            f"sent {handle.sent:,} · received {handle.received:,} before it stopped\n"
            "Drawn until a socket of that name opens again or another workspace opens"
        )
    return (
        f"{node.type_name} socket {node.name}\n{endpoints}\n"
        f"sent {handle.sent:,} · received {handle.received:,}\n"
        "Click to select it in the Sockets panel"
    )


def shared_endpoint_links(topology: Topology) -> set[str]:
    """Links that need not repeat their endpoint: in a fan of links to one bind (three
    workers connected to the ventilator), only the middle one says it."""
    fans: dict[tuple[str, str], list[Link]] = {}
    for link in topology.links:
        if link.kind != FORWARD_LINK and link.compatible:
            fans.setdefault((link.binder, link.endpoint), []).append(link)
    quiet: set[str] = set()
    for (binder, _endpoint), links in fans.items():
        if len(links) > 1:
            links.sort(
                key=lambda link: topology.positions[
                    link.target if link.source == binder else link.source
                ][::-1]
            )
            quiet.update(link.key for number, link in enumerate(links) if number != len(links) // 2)
    return quiet


def _at_most(counter: Counter | None) -> bool:
    return counter is not None and counter.at_most
