"""Endpoints fuzzed: any text, and endpoints built from good and bad pieces (transports,
separators, hosts, ports), bound or connected. A parsed endpoint validates again
unchanged and its port is a real port number.

The property is the same for every parser (tests/fuzz_support.py): for any input, either a
valid result or zinspect's own error with a message in words; never another exception, never
a hang. The other parsers are fuzzed in the sibling tests/test_fuzz_*.py files.
"""

from __future__ import annotations

from fuzz_support import ANY_CHAR, JUNK_TEXT, PIECE_JUNK, fuzz, outcome, refused
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.sockets.endpoints import KNOWN_TRANSPORTS, EndpointError, validate_endpoint

# -- endpoints ----------------------------------------------------------------------------------


def check_endpoint(text: str, bind: bool) -> None:
    result = outcome(lambda: validate_endpoint(text, bind=bind), EndpointError)
    if refused(result):
        return
    assert result == text.strip() and "://" in result
    assert validate_endpoint(result, bind=bind) == result  # a valid endpoint stays valid
    transport, address = result.split("://", 1)
    if transport in ("tcp", "udp") and not address.startswith("["):
        port = address.rpartition(":")[2]
        assert port == "*" or (
            port.isascii() and port.isdigit() and (0 if bind else 1) <= int(port) <= 65535
        )


@fuzz(200)
@given(JUNK_TEXT | st.text(ANY_CHAR, max_size=40), st.booleans())
@example("tcp://127.0.0.1:\u00b2", False)  # isdigit() but not int(): was a ValueError
@example("tcp://127.0.0.1:\u0665\u0665", False)  # Arabic-Indic digits: was accepted
@example("ipc://\ud800", True)  # a lone surrogate: was a UnicodeEncodeError
@example("inproc://\udfff", False)
def test_any_text_is_an_endpoint_or_refused_in_words(text, bind):
    check_endpoint(text, bind)


TRANSPORTS = (
    st.sampled_from(list(KNOWN_TRANSPORTS) + ["TCP", "Tcp", "", "tcp ", "zmq"]) | PIECE_JUNK
)
SEPARATORS = st.sampled_from(["://", "://", ":/", ":", "//", ":///", " :// "])
HOSTS = (
    st.sampled_from(
        [
            "127.0.0.1",
            "*",
            "localhost",
            "lo",
            "eth0",
            "[::1]",
            "[fe80::1%eth0]",
            "[::1",
            "::1",
            "[zz]",
            "",
            "example.com",
            "-bad",
            "999.1.1.1",
            "a_b",
        ]
    )
    | PIECE_JUNK
)
PORTS = (
    st.sampled_from(
        [
            "5555",
            "*",
            "0",
            "1",
            "65535",
            "65536",
            "",
            "-1",
            "+1",
            "0x10",
            "\u00b2",
            "\u0665\u0665",
            "55 55",
            "5555/path",
            "99999999999999999999",
        ]
    )
    | PIECE_JUNK
)


@fuzz(200)
@given(
    TRANSPORTS,
    SEPARATORS,
    HOSTS,
    st.sampled_from([":", ":", "", "::"]),
    PORTS,
    st.sampled_from(["", "", ";127.0.0.1:5556", ";", "/path", "?x"]) | PIECE_JUNK,
    st.booleans(),
)
def test_endpoints_built_from_good_and_bad_pieces_are_checked_in_words(
    transport, separator, host, colon, port, tail, bind
):
    check_endpoint(transport + separator + host + colon + port + tail, bind)
