"""What one entry of the option catalog is (OptionSpec) and the small vocabulary the
option tables (option_table_*.py) are written in.

Kept apart from option_catalog.py so the tables, one per group of options, and the lookup
and parsing that use them do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zinspect.core.sockets.socket_options import INT32_RANGE, INT64_RANGE
from zinspect.core.sockets.socket_types import SOCKET_TYPES

INT_MAX = INT32_RANGE[1]
INT64_MAX = INT64_RANGE[1]
MIB = 1024 * 1024
ONOFF = ((0, "off"), (1, "on"))
OS_DEFAULT = "OS default"


@dataclass(frozen=True)
class OptionSpec:
    """One option as the form shows it.

    ``kind`` says how a value is written and edited: "count" (a whole number of ``unit``),
    "ms" (milliseconds; "1.5 s" works too), "size" (bytes; "64 KiB" works too), "bool"
    (0/1), "choice" (one of ``special``), "id" (1-255 bytes). ``ctype`` is libzmq's C type
    ("int", "int64", "bytes"). ``special`` gives values with a meaning of their own (-1 =
    "wait forever"); they are valid even outside [minimum, maximum]. ``types`` is None for
    every socket type. ``new_connections_only`` marks options libzmq reads when a bind or
    connect is made: a socket with endpoints must be re-created for them to apply.
    """

    name: str
    kind: str
    ctype: str
    unit: str
    default: int | bytes | None
    minimum: int
    maximum: int
    meaning: str
    group: str
    new_connections_only: bool
    types: frozenset[str] | None = None
    special: tuple[tuple[int, str], ...] = ()
    note: str = ""
    type_defaults: tuple[tuple[str, int], ...] = ()  # libzmq's default where it differs
    # libzmq refuses the default as a value (HEARTBEAT_TIMEOUT -1, no ROUTING_ID): only a
    # fresh socket has it again, so resetting re-creates the socket
    default_unsettable: bool = False

    @property
    def special_values(self) -> dict[int, str]:
        return dict(self.special)


def sending_types() -> frozenset[str]:
    """The socket types that can send."""
    return frozenset(name for name, info in SOCKET_TYPES.items() if info.can_send)


def receiving_types() -> frozenset[str]:
    """The socket types that can receive."""
    return frozenset(name for name, info in SOCKET_TYPES.items() if info.can_receive)


def all_types_but(*names: str) -> frozenset[str]:
    return frozenset(SOCKET_TYPES) - set(names)


def make_spec(
    name: str,
    kind: str,
    unit: str,
    default: int | bytes | None,
    minimum: int,
    maximum: int,
    meaning: str,
    group: str,
    later: bool,
    **extra: object,
) -> OptionSpec:
    """An OptionSpec from the positional fields every option has (``later``: new connections
    only) and the optional ones by keyword; the tables read shorter this way."""
    ctype = extra.pop("ctype", "int")
    optional: dict[str, Any] = extra  # OptionSpec's optional fields, checked by its tests
    return OptionSpec(
        name, kind, str(ctype), unit, default, minimum, maximum, meaning, group, later, **optional
    )
