"""The topology compares a connect only with the binds that share its match key (1,000
sockets made that quadratic): no pair that endpoints_match accepts may have different keys."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.topology.endpoint_match import endpoints_match, match_key

HOSTS = ["*", "0.0.0.0", "127.0.0.1", "localhost", "[::]", "[::1]", "10.1.2.3", "example"]
PORTS = ["5555", "5556", "*", "0", "05555"]


@st.composite
def addresses(draw) -> str:
    transport = draw(st.sampled_from(["tcp", "ws", "udp", "inproc", "ipc", "pgm", "bogus"]))
    if transport in ("inproc", "pgm", "bogus"):
        return f"{transport}://{draw(st.sampled_from(['a', 'b', 'a/']))}"
    if transport == "ipc":
        return f"ipc://{draw(st.sampled_from(['/tmp/x', '/tmp/./x', '/tmp//x', '@x', 'x']))}"
    host, port = draw(st.sampled_from(HOSTS)), draw(st.sampled_from(PORTS))
    source = draw(st.sampled_from(["", "127.0.0.1:0;"]))
    path = "/p" if transport == "ws" and draw(st.booleans()) else ""
    return f"{transport}://{source}{host}:{port}{path}"


@settings(max_examples=400, deadline=None)
@given(bind=addresses(), connect=addresses(), pad=st.sampled_from(["", " "]))
def test_matching_endpoints_share_a_key(bind: str, connect: str, pad: str) -> None:
    if endpoints_match(pad + bind, connect + pad):
        assert match_key(pad + bind) is not None
        assert match_key(pad + bind) == match_key(connect + pad)


def test_the_usual_pairs_share_a_key() -> None:
    pairs = [
        ("tcp://*:5555", "tcp://127.0.0.1:0;localhost:5555"),
        ("ipc:///tmp/./x", "ipc:///tmp/x"),
        ("inproc://a", "inproc://a"),
    ]
    for bind, connect in pairs:
        assert endpoints_match(bind, connect)
        assert match_key(bind) == match_key(connect) is not None
