"""Endpoint checks: every common mistake gets a sentence naming the wrong part (pure, no Qt)."""

from __future__ import annotations

import errno

import pytest
import zmq

from zinspect.core.sockets.endpoints import (
    IPC_PATH_MAX,
    EndpointError,
    available_transports,
    describe_zmq_error,
    transport_available,
    uses_ipv6,
    validate_endpoint,
)


@pytest.mark.parametrize(
    "endpoint, bind",
    [
        ("tcp://127.0.0.1:5555", False),
        ("tcp://127.0.0.1:5555", True),
        ("tcp://localhost:5555", False),
        ("tcp://*:5555", True),
        ("tcp://127.0.0.1:*", True),
        ("tcp://*:*", True),
        ("tcp://127.0.0.1:0", True),
        ("tcp://eth0:5555", True),
        ("tcp://my-host.example.com:65535", False),
        ("tcp://127.0.0.1:1", False),
        ("tcp://127.0.0.1:5000;192.168.1.1:5555", False),
        ("tcp://eth1:0;192.168.1.1:5555", False),
        ("ipc:///tmp/zinspect-test.ipc", False),
        ("ipc://relative.ipc", True),
        ("ipc://*", True),
        ("inproc://workers", True),
        ("inproc://workers", False),
        ("tcp://[::1]:5555", False),
        ("tcp://[::1]:*", True),
        ("tcp://[fe80::1%eth0]:5555", False),
        ("tcp://[::]:5555", True),
    ],
)
def test_valid_endpoints_pass_unchanged(endpoint, bind):
    assert validate_endpoint(endpoint, bind=bind) == endpoint


def test_surrounding_blanks_are_stripped():
    assert validate_endpoint("  tcp://127.0.0.1:5555\n", bind=False) == "tcp://127.0.0.1:5555"


def _error(endpoint: str, *, bind: bool) -> str:
    with pytest.raises(EndpointError) as info:
        validate_endpoint(endpoint, bind=bind)
    return str(info.value)


@pytest.mark.parametrize(
    "endpoint, bind, words",
    [
        ("", False, "Enter an endpoint to connect to, for example tcp://"),
        ("", True, "Enter an endpoint to bind to, for example tcp://127.0.0.1:*"),
        ("   ", True, "Enter an endpoint"),
        ("tcp://", False, "no address after 'tcp://'"),
        ("inproc://", True, "no address after 'inproc://'"),
        ("tcp://127.0.0.1:99999", False, "Port 99999 is out of range: ports go from 1 to 65535"),
        ("tcp://127.0.0.1:65536", True, "out of range"),
        ("foo://x", False, "Unknown transport 'foo': use one of tcp"),
        ("tcp://host", False, "'host' has no port: write host:port, e.g. tcp://host:5555"),
        ("tcp://127.0.0.1:", False, "no port after ':'"),
        ("tcp://:5555", True, "no host before ':5555'"),
        ("tcp://127.0.0.1:abc", False, "Port 'abc' is not a number"),
        ("tcp://127.0.0.1:-1", False, "is not a number"),
        ("tcp://bad host:5555", False, "'bad host' is not a host name, IP address or interface"),
        ("tcp://*:5555", False, "connect needs a host: '*' means every interface"),
        (
            "tcp://127.0.0.1:*",
            False,
            "connect needs a port number; '*' (any free port) is for bind",
        ),
        ("tcp://127.0.0.1:0", False, "connect needs a port number"),
        ("TCP://127.0.0.1:5555", False, "lower case: 'tcp://'"),
        (
            "localhost:5555",
            False,
            "has no transport: write it as transport://address, for example tcp://localhost:5555",
        ),
        ("//x", False, "is not an endpoint"),
        ("ipc://*", False, "ipc://* only works for bind"),
        (
            "tcp://127.0.0.1:5000;127.0.0.1:5555",
            True,
            "source address (source;destination) only works for connect",
        ),
        ("tcp://127.0.0.1;192.168.1.1:5555", False, "source address '127.0.0.1' has no port"),
        ("tcp://[::1:5555", False, "IPv6 address is missing its closing ']'"),
        ("tcp://[::1]", False, "Add a port after the address: [::1]:5555"),
        ("tcp://[not-ipv6]:5555", False, "'not-ipv6' is not a valid IPv6 address"),
        ("tcp://[::1]:*", False, "connect needs a port number"),
        ("tcp://::1:5555", False, "IPv6 address in brackets: tcp://[::1]:5555"),
    ],
)
def test_bad_endpoints_say_what_is_wrong(endpoint, bind, words):
    assert words in _error(endpoint, bind=bind)


def test_bind_allows_wildcard_port_that_connect_refuses():
    assert validate_endpoint("tcp://127.0.0.1:*", bind=True) == "tcp://127.0.0.1:*"
    assert "for bind" in _error("tcp://127.0.0.1:*", bind=False)


@pytest.mark.parametrize(
    "transport, endpoint",
    [
        ("pgm", "pgm://eth0;239.192.1.1:5555"),
        ("epgm", "epgm://eth0;239.192.1.1:5555"),
        ("norm", "norm://eth0;239.192.1.1:5555"),
        ("ws", "ws://127.0.0.1:8080/path"),
        ("wss", "wss://127.0.0.1:8443/path"),
    ],
)
def test_transports_this_libzmq_lacks_are_refused_with_the_reason(transport, endpoint):
    if zmq.has(transport):
        assert transport_available(transport)
        validate_endpoint(endpoint, bind=True)
        return
    assert not transport_available(transport)
    message = _error(endpoint, bind=True)
    assert f"built without {transport} support" in message
    assert zmq.zmq_version() in message
    assert "available: " in message and "tcp" in message


def test_available_transports_always_include_tcp_and_inproc():
    names = available_transports()
    assert {"tcp", "inproc"} <= set(names)
    assert ("ipc" in names) == bool(zmq.has("ipc"))
    assert "foo" not in names


def test_udp_needs_the_draft_api():
    assert transport_available("udp") == bool(zmq.has("draft"))


def test_ipc_path_at_the_limit_passes_and_one_more_byte_fails():
    head = "ipc:///tmp/"
    fits = head + "a" * (IPC_PATH_MAX - len("/tmp/"))
    assert validate_endpoint(fits, bind=True) == fits
    message = _error(fits + "a", bind=True)
    assert f"ipc path is {IPC_PATH_MAX + 1} bytes long" in message
    assert f"limit is {IPC_PATH_MAX}" in message and "shorter path" in message


def test_ipc_path_length_counts_utf8_bytes_not_characters():
    path = "/tmp/" + "é" * 60  # 60 characters, 120 bytes
    assert "bytes long" in _error("ipc://" + path, bind=True)


@pytest.mark.parametrize(
    "endpoint, expected",
    [
        ("tcp://[::1]:5555", True),
        ("tcp://[::]:*", True),
        ("tcp://127.0.0.1:5000;[::1]:5555", True),
        ("tcp://127.0.0.1:5555", False),
        ("tcp://localhost:5555", False),
        ("ipc:///tmp/[x]", False),
        ("inproc://[x]", False),
        ("nonsense", False),
    ],
)
def test_uses_ipv6_spots_bracketed_literals(endpoint, expected):
    assert uses_ipv6(endpoint) is expected


@pytest.mark.parametrize(
    "number, words",
    [
        (errno.EADDRINUSE, "Address already in use"),
        (errno.EADDRNOTAVAIL, "does not belong to this machine"),
        (errno.ENODEV, "No such network interface"),
        (errno.ENOENT, "Not found"),
        (zmq.EFSM, "wrong state"),
        (zmq.ETERM, "shutting down"),
    ],
)
def test_describe_zmq_error_puts_errors_in_words_and_keeps_libzmq_text(number, words):
    error = zmq.ZMQError(number)
    text = describe_zmq_error(error)
    assert words in text
    assert str(error).lower() in text.lower()


def test_describe_unknown_error_falls_back_to_its_text():
    assert describe_zmq_error(RuntimeError("odd")) == "odd"
    assert describe_zmq_error(RuntimeError()) == "RuntimeError"
