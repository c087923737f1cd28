"""The topology model (core.topology), endpoint matching: which bind a connect reaches, this
machine's name against wildcard and loopback binds, and the destination of a connect."""

from __future__ import annotations

import pytest

from zinspect.core.topology.endpoint_match import endpoint_destination, endpoints_match

# -- endpoint matching ------------------------------------------------------------------------

MATCHING = [
    ("inproc://vent", "inproc://vent"),
    ("ipc:///tmp/zi.sock", "ipc:///tmp/zi.sock"),
    ("ipc:///tmp/zi.sock", "ipc:///tmp/./zi.sock"),
    ("ipc://@abstract", "ipc://@abstract"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555"),
    ("tcp://127.0.0.1:5555", "tcp://localhost:5555"),
    ("tcp://0.0.0.0:5555", "tcp://127.0.0.1:5555"),
    ("tcp://0.0.0.0:5555", "tcp://localhost:5555"),
    ("tcp://0.0.0.0:5555", "tcp://127.0.0.2:5555"),
    ("tcp://*:5555", "tcp://127.0.0.1:5555"),
    ("tcp://[::]:5555", "tcp://127.0.0.1:5555"),  # dual-stack
    ("tcp://[::]:5555", "tcp://[::1]:5555"),
    ("tcp://[::1]:5555", "tcp://[::1]:5555"),
    ("tcp://[::1]:5555", "tcp://localhost:5555"),
    ("tcp://[::ffff:127.0.0.1]:5555", "tcp://127.0.0.1:5555"),  # IPv4-mapped
    ("tcp://[fe80::1%eth0]:5555", "tcp://[fe80::1]:5555"),  # zone dropped
    ("tcp://192.168.1.7:5555", "tcp://192.168.1.7:5555"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:0;127.0.0.1:5555"),  # source;destination
    ("tcp://0.0.0.0:5555", "tcp://192.168.1.7:4000;localhost:5555"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:05555"),  # the port is a number
    ("ws://127.0.0.1:8080/feed", "ws://localhost:8080/feed"),
    ("tcp://localhost:5555", "tcp://127.0.0.1:5555"),  # an unresolved bind
    ("pgm://eth0;239.192.1.1:5555", "pgm://eth0;239.192.1.1:5555"),
]

NOT_MATCHING = [
    ("inproc://vent", "inproc://Vent"),  # names are case-sensitive
    ("inproc://vent", "ipc://vent"),  # another transport
    ("ipc:///tmp/a.sock", "ipc:///tmp/b.sock"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5556"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.2:5555"),  # a specific host is that host
    ("tcp://0.0.0.0:5555", "tcp://[::1]:5555"),  # an IPv4 wildcard does not serve IPv6
    ("tcp://0.0.0.0:5555", "tcp://example.org:5555"),  # not known to be this machine
    ("tcp://0.0.0.0:5555", "tcp://8.8.8.8:5555"),
    ("tcp://127.0.0.1:*", "tcp://127.0.0.1:5555"),  # unresolved port: unknowable
    ("tcp://127.0.0.1:0", "tcp://127.0.0.1:5555"),
    ("tcp://[::1]:5555", "tcp://127.0.0.1:5555"),
    ("tcp://192.168.1.7:5555", "tcp://localhost:5555"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1:5555;127.0.0.1:6000"),  # the source is not it
    ("ws://127.0.0.1:8080/feed", "ws://127.0.0.1:8080/other"),
    ("ws://127.0.0.1:8080/feed", "tcp://127.0.0.1:8080"),
    ("tcp://127.0.0.1:5555", "not an endpoint"),
    ("tcp://127.0.0.1:5555", "tcp://127.0.0.1"),
]


@pytest.mark.parametrize("bind, connect", MATCHING)
def test_a_connect_reaches_a_compatible_bind(bind, connect):
    assert endpoints_match(bind, connect)


@pytest.mark.parametrize("bind, connect", NOT_MATCHING)
def test_a_connect_does_not_reach_an_incompatible_bind(bind, connect):
    assert not endpoints_match(bind, connect)


def test_this_machines_name_reaches_a_wildcard_bind_but_not_a_loopback_one():
    import socket

    name = socket.gethostname()
    assert endpoints_match("tcp://0.0.0.0:5555", f"tcp://{name}:5555")
    assert endpoints_match("tcp://[::]:5555", f"tcp://{name.upper()}:5555")
    assert not endpoints_match("tcp://127.0.0.1:5555", f"tcp://{name}:5555")


def test_the_destination_of_a_connect_drops_its_source():
    assert endpoint_destination("tcp://10.0.0.1:0;127.0.0.1:5555") == "tcp://127.0.0.1:5555"
    assert endpoint_destination("tcp://127.0.0.1:5555") == "tcp://127.0.0.1:5555"
    assert endpoint_destination("inproc://a;b") == "inproc://a;b"  # a name, not a source
