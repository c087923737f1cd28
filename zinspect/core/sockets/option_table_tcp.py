"""The TCP group of the option catalog: keepalive, IPv6, type of service, backlog and the
kernel buffers.

Data only, in a sensible reading order within each group; option_catalog.py is the entry
point (lookup, defaults, parsing) and says how every claim here was checked.
"""

from __future__ import annotations

from zinspect.core.sockets.option_table_base import (
    INT_MAX,
    ONOFF,
    OS_DEFAULT,
    OptionSpec,
    make_spec,
)

_KEEPALIVE_NOTE = (
    "Values the OS refuses (Linux: idle and interval 1-32767 s, count 1-127) "
    "make every TCP connection fail silently, so they are refused here."
)

TCP_OPTIONS: tuple[OptionSpec, ...] = (
    make_spec(
        "TCP_KEEPALIVE",
        "choice",
        "",
        -1,
        0,
        1,
        "Turn the OS's TCP keepalive probes on or off (SO_KEEPALIVE).",
        "TCP",
        True,
        special=((-1, OS_DEFAULT), (0, "off"), (1, "on")),
    ),
    make_spec(
        "TCP_KEEPALIVE_IDLE",
        "count",
        "s",
        -1,
        1,
        32767,
        "Idle time before the first keepalive probe (TCP_KEEPIDLE).",
        "TCP",
        True,
        special=((-1, OS_DEFAULT),),
        note=_KEEPALIVE_NOTE,
    ),
    make_spec(
        "TCP_KEEPALIVE_CNT",
        "count",
        "probes",
        -1,
        1,
        127,
        "Unanswered probes before the OS drops the connection (TCP_KEEPCNT).",
        "TCP",
        True,
        special=((-1, OS_DEFAULT),),
        note=_KEEPALIVE_NOTE,
    ),
    make_spec(
        "TCP_KEEPALIVE_INTVL",
        "count",
        "s",
        -1,
        1,
        32767,
        "Time between keepalive probes (TCP_KEEPINTVL).",
        "TCP",
        True,
        special=((-1, OS_DEFAULT),),
        note=_KEEPALIVE_NOTE,
    ),
    make_spec(
        "IPV6",
        "bool",
        "",
        0,
        0,
        1,
        "Use IPv6 sockets, which talk to IPv4 and IPv6 peers alike.",
        "TCP",
        True,
        special=ONOFF,
        note="zinspect turns it on by itself for an IPv6 endpoint.",
    ),
    make_spec(
        "TOS",
        "count",
        "",
        0,
        0,
        255,
        "IP Type-of-Service byte (DSCP and ECN bits) of outgoing packets.",
        "TCP",
        True,
    ),
    make_spec(
        "BACKLOG",
        "count",
        "connections",
        100,
        0,
        INT_MAX,
        "Incoming TCP connections the OS queues before they are accepted.",
        "TCP",
        True,
        note="Applies to binds.",
    ),
    make_spec(
        "SNDBUF",
        "size",
        "bytes",
        -1,
        0,
        INT_MAX,
        "Kernel send buffer size of each connection (SO_SNDBUF).",
        "TCP",
        True,
        special=((-1, OS_DEFAULT),),
    ),
    make_spec(
        "RCVBUF",
        "size",
        "bytes",
        -1,
        0,
        INT_MAX,
        "Kernel receive buffer size of each connection (SO_RCVBUF).",
        "TCP",
        True,
        special=((-1, OS_DEFAULT),),
    ),
)
