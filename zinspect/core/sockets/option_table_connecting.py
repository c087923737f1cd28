"""The Connecting and Heartbeats groups of the option catalog: reconnect timing, connect and
handshake limits, and ZMTP heartbeats. STREAM gets no HANDSHAKE_ or HEARTBEAT_ options: it
speaks raw TCP, without ZMTP.

Data only, in a sensible reading order within each group; option_catalog.py is the entry
point (lookup, defaults, parsing) and says how every claim here was checked.
"""

from __future__ import annotations

from zinspect.core.sockets.option_table_base import INT_MAX, OptionSpec, all_types_but, make_spec

_CONNECTS = "Applies to connects (a bound socket does not reconnect)."

CONNECTING_OPTIONS: tuple[OptionSpec, ...] = (
    make_spec(
        "RECONNECT_IVL",
        "ms",
        "ms",
        100,
        0,
        INT_MAX,
        "Wait before retrying a connect that failed or was lost.",
        "Connecting",
        True,
        special=((-1, "never reconnect"),),
        note=_CONNECTS,
    ),
    make_spec(
        "RECONNECT_IVL_MAX",
        "ms",
        "ms",
        0,
        0,
        INT_MAX,
        "Longest wait between retries; the wait doubles on each attempt up to this.",
        "Connecting",
        True,
        special=((0, "no backoff: always RECONNECT_IVL"),),
        note=_CONNECTS + " Ignored when smaller than RECONNECT_IVL.",
    ),
    make_spec(
        "CONNECT_TIMEOUT",
        "ms",
        "ms",
        0,
        0,
        INT_MAX,
        "Give up one TCP connect attempt after this long, then retry.",
        "Connecting",
        True,
        special=((0, "the OS's own timeout"),),
        note=_CONNECTS,
    ),
    make_spec(
        "HANDSHAKE_IVL",
        "ms",
        "ms",
        30000,
        0,
        INT_MAX,
        "Close a new connection whose ZMTP handshake takes longer than this.",
        "Connecting",
        True,
        types=all_types_but("STREAM"),
        special=((0, "no limit"),),
    ),
    make_spec(
        "HEARTBEAT_IVL",
        "ms",
        "ms",
        0,
        0,
        INT_MAX,
        "Send a ZMTP PING this often, to notice a dead peer.",
        "Heartbeats",
        True,
        types=all_types_but("STREAM"),
        special=((0, "off"),),
    ),
    make_spec(
        "HEARTBEAT_TIMEOUT",
        "ms",
        "ms",
        -1,
        0,
        INT_MAX,
        "Close the connection when nothing arrives this long after a PING.",
        "Heartbeats",
        True,
        types=all_types_but("STREAM"),
        special=((-1, "same as HEARTBEAT_IVL"),),
        default_unsettable=True,
        note="Only with HEARTBEAT_IVL above 0. libzmq takes 0 or more; the default, -1, "
        "comes back only with Reset.",
    ),
    make_spec(
        "HEARTBEAT_TTL",
        "ms",
        "ms",
        0,
        0,
        6553599,
        "Asks the peer to close the connection if it hears nothing from us this long.",
        "Heartbeats",
        True,
        types=all_types_but("STREAM"),
        special=((0, "off"),),
        note="Only with HEARTBEAT_IVL above 0. Rounded down to tenths of a second: under "
        "100 ms has no effect.",
    ),
)
