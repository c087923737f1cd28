"""The option catalog against libzmq itself: every option of the issue is there with its type,
default, unit and meaning; the defaults are what a fresh socket reports; each default can be
set on every type the option is offered for; values typed by people parse, or fail in words."""

from __future__ import annotations

import pytest
import zmq
from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.sockets.option_catalog import (
    CATALOG,
    GROUPS,
    INT_MAX,
    OptionValueError,
    applies_to,
    check_value,
    default_text,
    describe_value,
    effective_default,
    explain,
    format_value,
    libzmq_default,
    options_for,
    parse_value,
    range_text,
    read_live,
)
from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE
from zinspect.core.sockets.socket_options import lookup_option, option_kind
from zinspect.core.sockets.socket_types import STANDARD_TYPES

ISSUE_OPTIONS = (
    "SNDHWM RCVHWM LINGER ROUTING_ID RECONNECT_IVL RECONNECT_IVL_MAX CONNECT_TIMEOUT "
    "HANDSHAKE_IVL HEARTBEAT_IVL HEARTBEAT_TIMEOUT HEARTBEAT_TTL IMMEDIATE CONFLATE MAXMSGSIZE "
    "SNDTIMEO RCVTIMEO TCP_KEEPALIVE TCP_KEEPALIVE_IDLE TCP_KEEPALIVE_CNT TCP_KEEPALIVE_INTVL "
    "ROUTER_MANDATORY ROUTER_HANDOVER PROBE_ROUTER REQ_RELAXED REQ_CORRELATE XPUB_VERBOSE "
    "XPUB_NODROP INVERT_MATCHING IPV6 TOS BACKLOG SNDBUF RCVBUF"
).split()
# libzmq reports these switches only to setsockopt (getsockopt says EINVAL)
WRITE_ONLY = {
    "ROUTER_MANDATORY",
    "ROUTER_HANDOVER",
    "PROBE_ROUTER",
    "REQ_RELAXED",
    "REQ_CORRELATE",
    "XPUB_VERBOSE",
    "XPUB_NODROP",
}


@pytest.fixture(scope="module")
def context():
    ctx = zmq.Context()
    yield ctx
    ctx.destroy(linger=0)


def fresh(context, type_name: str) -> zmq.Socket:
    """A socket as libzmq makes it (close it with linger 0: the defaults include LINGER)."""
    return context.socket(getattr(zmq, type_name))


def spec(name):
    return CATALOG[name]


# -- what is in the catalog ------------------------------------------------------------------


def test_every_option_of_the_issue_is_described():
    assert sorted(CATALOG) == sorted(ISSUE_OPTIONS)
    for option in CATALOG.values():
        assert option.kind in {"count", "ms", "size", "bool", "choice", "id"}, option.name
        assert option.group in GROUPS, option.name
        assert option.meaning.endswith(".") and "\n" not in option.meaning, option.name
        assert len(option.meaning) <= 90, (option.name, len(option.meaning))
        assert option.minimum <= option.maximum, option.name
        if option.kind in ("ms", "count") and option.name != "TOS":
            assert option.unit, option.name
    assert spec("SNDHWM").unit == "messages" and spec("SNDHWM").default == 1000
    assert spec("RECONNECT_IVL").unit == "ms" and spec("RECONNECT_IVL").default == 100
    assert spec("HEARTBEAT_IVL").default == 0
    assert spec("HEARTBEAT_IVL").special_values[0] == "off"
    assert spec("LINGER").default == -1 and spec("MAXMSGSIZE").unit == "bytes"
    assert spec("ROUTING_ID").default is None


def test_the_catalog_agrees_with_pyzmq_on_each_options_c_type():
    for option in CATALOG.values():
        assert option.ctype == option_kind(lookup_option(option.name)), option.name
        assert option.ctype == zmq.SocketOption[option.name]._opt_type.name
        if option.ctype == "int":
            assert option.maximum <= INT_MAX, option.name


def test_which_types_each_option_is_offered_for():
    only = {
        "ROUTER_MANDATORY": {"ROUTER"},
        "ROUTER_HANDOVER": {"ROUTER"},
        "PROBE_ROUTER": {"ROUTER", "DEALER", "REQ"},
        "REQ_RELAXED": {"REQ"},
        "REQ_CORRELATE": {"REQ"},
        "XPUB_VERBOSE": {"XPUB"},
        "XPUB_NODROP": {"XPUB", "PUB"},
        "CONFLATE": {"PUSH", "PULL", "PUB", "SUB", "DEALER"},
        "INVERT_MATCHING": {"PUB", "SUB", "XPUB"},
        "ROUTING_ID": {"REQ", "REP", "DEALER", "ROUTER"},
    }
    for name, types in only.items():
        assert {t for t in STANDARD_TYPES if applies_to(spec(name), t)} == types, name
    sub = [s.name for s in options_for("SUB")]
    assert "RCVHWM" in sub and "RCVTIMEO" in sub and "INVERT_MATCHING" in sub
    assert "SNDHWM" not in sub and "SNDTIMEO" not in sub  # a SUB never sends a message
    pub = [s.name for s in options_for("PUB")]
    assert "SNDHWM" in pub and "RCVHWM" not in pub and "XPUB_NODROP" in pub
    stream = [s.name for s in options_for("STREAM")]
    assert "HEARTBEAT_IVL" not in stream and "HANDSHAKE_IVL" not in stream  # raw TCP
    assert "SNDHWM" in stream and "TCP_KEEPALIVE" in stream
    router = [s.name for s in options_for("router")]
    assert {"ROUTER_MANDATORY", "ROUTER_HANDOVER", "PROBE_ROUTER", "ROUTING_ID"} <= set(router)
    # grouped in GROUPS order, each group's options together
    groups = [s.group for s in options_for("ROUTER")]
    assert groups == sorted(groups, key=GROUPS.index)


def test_new_connection_options_are_marked_and_immediate_ones_are_not():
    later = {name for name, option in CATALOG.items() if option.new_connections_only}
    assert later == {
        "ROUTING_ID",
        "RECONNECT_IVL",
        "RECONNECT_IVL_MAX",
        "CONNECT_TIMEOUT",
        "HANDSHAKE_IVL",
        "HEARTBEAT_IVL",
        "HEARTBEAT_TIMEOUT",
        "HEARTBEAT_TTL",
        "IMMEDIATE",
        "CONFLATE",
        "MAXMSGSIZE",
        "TCP_KEEPALIVE",
        "TCP_KEEPALIVE_IDLE",
        "TCP_KEEPALIVE_CNT",
        "TCP_KEEPALIVE_INTVL",
        "PROBE_ROUTER",
        "IPV6",
        "TOS",
        "BACKLOG",
        "SNDBUF",
        "RCVBUF",
    }
    assert "re-creates the socket" in explain(spec("SNDBUF"), "PUSH")
    assert "Applies at once" in explain(spec("LINGER"), "PUSH")


# -- the catalog against a real libzmq -------------------------------------------------------


def test_defaults_are_what_a_fresh_socket_reports(context):
    for type_name in STANDARD_TYPES:
        for option in options_for(type_name):
            if option.name in WRITE_ONLY:
                continue
            sock = fresh(context, type_name)
            try:
                live = sock.getsockopt(zmq.SocketOption[option.name])
            finally:
                sock.close(linger=0)
            expected = libzmq_default(option, type_name)
            assert live == (b"" if expected is None else expected), (type_name, option.name)
    # libzmq 4.3 gives SUB and XSUB no linger of their own
    assert libzmq_default(spec("LINGER"), "SUB") == 0
    assert libzmq_default(spec("LINGER"), "PUSH") == -1


def test_each_default_can_be_set_on_every_type_it_is_offered_for(context):
    for type_name in STANDARD_TYPES:
        for option in options_for(type_name):
            value = effective_default(option, type_name)
            sock = fresh(context, type_name)
            if option.default_unsettable:  # libzmq refuses it, so the form does too
                raw = b"" if value is None else value
                with pytest.raises(OptionValueError):
                    check_value(option, raw)
                with pytest.raises(zmq.ZMQError):
                    sock.setsockopt(zmq.SocketOption[option.name], raw)
                sock.close(linger=0)
                continue
            try:
                sock.setsockopt(zmq.SocketOption[option.name], check_value(option, value))
                if option.name not in WRITE_ONLY:
                    assert read_live(option, sock) == value, (type_name, option.name)
            finally:
                sock.close(linger=0)


def test_libzmq_refuses_the_type_specific_switches_elsewhere(context):
    """The ROUTER_/REQ_/XPUB_ options are not offered where libzmq would refuse them."""
    for name in ("ROUTER_HANDOVER", "REQ_RELAXED", "XPUB_VERBOSE", "PROBE_ROUTER"):
        for type_name in ("PUSH", "SUB", "PAIR"):
            assert not applies_to(spec(name), type_name)
            sock = fresh(context, type_name)
            with pytest.raises(zmq.ZMQError):
                sock.setsockopt(zmq.SocketOption[name], 1)
            sock.close(linger=0)


def fill(sock: zmq.Socket) -> int:
    """How many one-byte messages a PUSH connected to nobody queues before it would block."""
    count = 0
    while count < 5000:
        try:
            sock.send(b"x", zmq.NOBLOCK)
        except zmq.Again:
            break
        count += 1
    return count


def test_hwm_applies_at_once_but_immediate_only_to_later_connects(context):
    """The two claims the form's ⟳ marks rest on, checked on libzmq itself: a high-water
    mark set after connect limits the existing connection; IMMEDIATE set after connect does
    not change it (messages still queue on the pending connect)."""
    sock = fresh(context, "PUSH")
    sock.connect("tcp://127.0.0.1:1")  # nobody listens: the messages stay queued
    sock.setsockopt(zmq.SNDHWM, 10)
    assert fill(sock) == 10
    sock.close(linger=0)
    sock = fresh(context, "PUSH")
    sock.connect("tcp://127.0.0.1:1")
    sock.setsockopt(zmq.IMMEDIATE, 1)
    sock.send(b"x", zmq.NOBLOCK)  # queued anyway: IMMEDIATE did not reach this connect
    sock.close(linger=0)
    assert not spec("SNDHWM").new_connections_only and spec("IMMEDIATE").new_connections_only


# -- defaults and values in words -----------------------------------------------------------


def test_zinspects_own_defaults_are_shown_with_the_reason():
    text = default_text(spec("MAXMSGSIZE"), "SUB")
    size = DEFAULT_MAXMSGSIZE
    assert effective_default(spec("MAXMSGSIZE"), "SUB") == size
    assert text.startswith(
        f"zinspect's default: {format_value(spec('MAXMSGSIZE'), size)}, "
        "so a peer cannot make it allocate gigabytes"
    )
    assert "libzmq's: -1 (no limit)" in text
    assert effective_default(spec("LINGER"), "PUSH") == 0
    assert "libzmq's: -1 (wait forever)" in default_text(spec("LINGER"), "PUSH")
    assert effective_default(spec("ROUTER_MANDATORY"), "ROUTER") == 1
    assert default_text(spec("SNDHWM"), "PUSH") == "1000 messages"
    assert default_text(spec("HEARTBEAT_IVL"), "PUSH") == "0 ms (off)"
    assert describe_value(spec("SNDTIMEO"), -1) == "-1 (wait forever)"
    assert describe_value(spec("ROUTING_ID"), None).startswith("none")


@pytest.mark.parametrize(
    "name, text, value",
    [
        ("LINGER", "250", 250),
        ("LINGER", "-1", -1),
        ("LINGER", " 1.5 s ", 1500),
        ("RECONNECT_IVL", "2 min", 120_000),
        ("HEARTBEAT_IVL", "0.25s", 250),
        ("SNDHWM", "10_000", 10_000),
        ("SNDHWM", "1000 messages", 1000),
        ("SNDHWM", "0", 0),
        ("MAXMSGSIZE", "64 KiB", 65536),
        ("MAXMSGSIZE", "1 MB", 1_000_000),
        ("MAXMSGSIZE", "1.5 MiB", 1_572_864),
        ("MAXMSGSIZE", "-1", -1),
        ("SNDBUF", "4096", 4096),
        ("IMMEDIATE", "on", 1),
        ("IMMEDIATE", "Off", 0),
        ("CONFLATE", "yes", 1),
        ("IPV6", "1", 1),
        ("TCP_KEEPALIVE", "OS default", -1),
        ("TCP_KEEPALIVE", "on", 1),
        ("TCP_KEEPALIVE_IDLE", "60", 60),
        ("TCP_KEEPALIVE_IDLE", "-1", -1),
        ("TOS", "255", 255),
        ("ROUTING_ID", "worker-1", b"worker-1"),
        ("ROUTING_ID", "0x01ff", b"\x01\xff"),
    ],
)
def test_typed_values_parse(name, text, value):
    assert parse_value(spec(name), text) == value


@pytest.mark.parametrize(
    "name, text, words",
    [
        (
            "LINGER",
            "abc",
            '"abc" is not a number: expected a whole number of milliseconds, 0 or '
            "more, or -1 (wait forever)",
        ),
        (
            "LINGER",
            "-5",
            "-5 is out of range: expected a whole number of milliseconds, 0 or more,"
            " or -1 (wait forever)",
        ),
        ("SNDTIMEO", "1.0005 s", "is not a whole number of milliseconds"),
        ("RECONNECT_IVL", "5 hours", '"hours" is not a unit'),
        ("SNDHWM", "-1", "expected a whole number of messages, 0 or more; 0 means no limit"),
        ("SNDHWM", "1.5", "is not a whole number"),
        ("SNDHWM", "10 ms", '"ms" is not the unit of SNDHWM'),
        ("SNDHWM", "", "nothing typed"),
        ("MAXMSGSIZE", "1 M", "write MiB (powers of 1024) or MB (powers of 1000)"),
        ("MAXMSGSIZE", "1.3 B", "is not a whole number of bytes"),
        ("IMMEDIATE", "2", "2 is out of range: expected on or off (1 or 0)"),
        ("IMMEDIATE", "maybe", '"maybe" is not one of these: expected on or off'),
        (
            "TCP_KEEPALIVE_IDLE",
            "0",
            "expected a whole number of seconds from 1 to 32767, or -1 (OS default)",
        ),
        ("TCP_KEEPALIVE_CNT", "128", "from 1 to 127"),
        ("HEARTBEAT_TTL", "6553600", "from 0 to 6553599"),
        ("HEARTBEAT_TIMEOUT", "-1", "is the default: use Reset to get it back"),
        ("TOS", "256", "expected a whole number from 0 to 255"),
        ("ROUTING_ID", "0x00ab", "must not start with a zero byte"),
        ("ROUTING_ID", "0xzz", "not a hex digit"),
        ("ROUTING_ID", "x" * 256, "256 bytes is too long"),
    ],
)
def test_bad_values_are_refused_in_words(name, text, words):
    with pytest.raises(OptionValueError) as caught:
        parse_value(spec(name), text)
    assert words in str(caught.value)


def test_range_texts_name_the_special_values():
    assert range_text(spec("RECONNECT_IVL")).endswith("or -1 (never reconnect)")
    assert range_text(spec("TCP_KEEPALIVE")) == "-1 (OS default), 0 (off) or 1 (on)"
    assert "0 means no limit" in range_text(spec("HANDSHAKE_IVL"))


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from([s for s in CATALOG.values() if s.kind in ("ms", "count", "size")]),
    st.integers(min_value=-1, max_value=2**40),
)
def test_what_an_editor_shows_parses_back_to_the_same_value(option, value):
    try:
        value = check_value(option, value)
    except OptionValueError:
        return
    assert parse_value(option, format_value(option, value)) == value


@given(st.binary(min_size=1, max_size=255).filter(lambda data: data[0] != 0))
@settings(max_examples=100, deadline=None)
def test_routing_ids_round_trip_through_the_editor_text(data):
    assert parse_value(spec("ROUTING_ID"), format_value(spec("ROUTING_ID"), data)) == data
