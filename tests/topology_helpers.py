"""Fakes and readers for the topology tests (test_topology*.py): small fake sockets with just
what build_topology reads, the ventilator pipeline built of them, and the links and layers
of a topology by socket name."""

from __future__ import annotations

from dataclasses import dataclass, field

from zinspect.core.automation.automation import AutomationSpec, ForwardSpec
from zinspect.core.sockets.socket_base import Endpoint
from zinspect.core.topology.model import (
    ENDPOINT_LINK,
    Topology,
)


@dataclass
class FakeRunner:
    sent: int = 0
    running: bool = True


@dataclass(eq=False)
class FakeSocket:
    """What build_topology reads of a SocketHandle."""

    name: str
    type_name: str
    endpoints: list[Endpoint] = field(default_factory=list)
    received: int = 0
    sent: int = 0
    closed: bool = False
    automation: AutomationSpec | None = None
    automation_runner: FakeRunner | None = None

    def bind(self, address: str) -> FakeSocket:
        self.endpoints.append(Endpoint(address, address, True))
        return self

    def connect(self, address: str) -> FakeSocket:
        self.endpoints.append(Endpoint(address, address, False))
        return self

    def forward(self, to: str) -> FakeSocket:
        self.automation = AutomationSpec(forward=ForwardSpec(to))
        self.automation_runner = FakeRunner()
        return self


def S(name: str, type_name: str) -> FakeSocket:  # noqa: N802 (reads like a constructor)
    return FakeSocket(name, type_name)


def flows(topology: Topology, kind: str = ENDPOINT_LINK) -> set[tuple[str, str]]:
    """(source, target) names of the links of one kind."""
    return {
        (topology.node(link.source).name, topology.node(link.target).name)
        for link in topology.links
        if link.kind == kind
    }


def layers(topology: Topology) -> list[list[str]]:
    """Node names per layer, in row order."""
    result: list[list[str]] = [[] for _ in range(topology.layer_count)]
    for key, (layer, _row) in sorted(topology.positions.items(), key=lambda kv: kv[1]):
        result[layer].append(topology.node(key).name)
    return result


def pipeline() -> list[FakeSocket]:
    """The ventilator demo: PUSH -> 3 workers (PULL forwarding to PUSH) -> sink PULL."""
    sockets = [S("vent", "PUSH").bind("inproc://vent"), S("sink", "PULL").bind("inproc://sink")]
    for number in (1, 2, 3):
        sockets.append(
            S(f"w{number}-in", "PULL").connect("inproc://vent").forward(f"w{number}-out")
        )
        sockets.append(S(f"w{number}-out", "PUSH").connect("inproc://sink"))
    return sockets
