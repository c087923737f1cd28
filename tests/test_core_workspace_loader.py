"""The workspace loader's promise, whatever it is given (hypothesis): any workspace-shaped
JSON, or any JSON or text at all, is either refused whole in words or loaded with each
left-out entry's error at its place, and what loaded saves and reads back as it was.

The other workspace topics are in the sibling tests/test_core_workspace_*.py files.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import WorkspaceError
from zinspect.core.workspace.parse import parse_workspace

# -- the loader's promise, whatever it is given ---------------------------------------------------

KEYS = st.sampled_from(
    [
        "zinspect",
        "sockets",
        "messages",
        "name",
        "type",
        "bind",
        "connect",
        "subscribe",
        "options",
        "automation",
        "reply",
        "send",
        "forward",
        "echo",
        "frames",
        "count",
        "interval_ms",
        "delay_ms",
        "timeout_ms",
        "to",
        "socket",
        "hex",
        "base64",
        "json",
        "RCVHWM",
        "ROUTING_ID",
        "LINGER",
        "AFFINITY",
        "TYPE",
        "SUBSCRIBE",
        "rcvhwm",
    ]
)
TEXTS = st.sampled_from(
    [
        "SUB",
        "PUB",
        "REQ",
        "REP",
        "ROUTER",
        "DEALER",
        "XSUB",
        "PAIR",
        "sub",
        "RADIO",
        "weather",
        "client",
        "",
        " ",
        "tcp://127.0.0.1:*",
        "tcp://127.0.0.1:5555",
        "inproc://x",
        "ipc://*",
        "tcp://*:0",
        "Hello {seq}",
        "{rand:1:0}",
        "{",
        "}",
        "00ff",
        "zz",
        "AAE=",
        "\ud800",
        "\x00",
        "é",
    ]
) | st.text(max_size=8)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-2, 2**64)
    | st.floats(allow_nan=True)
    | TEXTS
)
VALUES = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(KEYS | TEXTS, children, max_size=5)
    ),
    max_leaves=12,
)


def mostly(good: st.SearchStrategy, bad: st.SearchStrategy = VALUES) -> st.SearchStrategy:
    """Usually a plausible value, sometimes anything: files that are nearly right reach
    every check, and some entries load, so their save and reload is checked too."""
    return st.integers(0, 7).flatmap(lambda n: bad if n == 0 else good)


NAMES = st.sampled_from(["a", "b", "c", " a "])
FRAME = mostly(
    st.sampled_from(["", "x", "Hello {seq}", "{", "\x01", "é"])
    | st.fixed_dictionaries({"hex": mostly(st.sampled_from(["", "00ff", "0 1"]))})
    | st.fixed_dictionaries({"base64": mostly(st.sampled_from(["", "AAE="]))})
    | st.fixed_dictionaries({"json": VALUES}),
    st.fixed_dictionaries({}, optional={"hex": TEXTS, "base64": TEXTS, "json": VALUES}) | VALUES,
)
FRAMES = mostly(st.lists(FRAME, max_size=3))
INTS = mostly(st.integers(0, 100), st.sampled_from([-1, 2**31, 2**63]) | VALUES)
SOCKETS = st.fixed_dictionaries(
    {
        "type": mostly(
            st.sampled_from(
                [
                    "SUB",
                    "PUB",
                    "REQ",
                    "REP",
                    "ROUTER",
                    "DEALER",
                    "XSUB",
                    "XPUB",
                    "PAIR",
                    "pull",
                    "RADIO",
                ]
            )
        )
    },
    optional={
        "name": mostly(NAMES),
        "bind": mostly(
            st.lists(
                st.sampled_from(
                    ["tcp://127.0.0.1:*", "inproc://x", "inproc://y", "ipc://*", "tcp://*:0", "x"]
                ),
                max_size=2,
                unique=True,
            )
        ),
        "connect": mostly(
            st.lists(
                st.sampled_from(["tcp://127.0.0.1:5555", "inproc://x", "tcp://*:1", "inproc://z"]),
                max_size=2,
                unique=True,
            )
        ),
        "subscribe": FRAMES,
        "options": mostly(
            st.fixed_dictionaries(
                {},
                optional={
                    "RCVHWM": INTS,
                    "LINGER": INTS,
                    "AFFINITY": INTS,
                    "ROUTING_ID": FRAME,
                    "zmq_sndhwm": INTS,
                },
            ),
            st.dictionaries(TEXTS, VALUES, max_size=3),
        ),
        "automation": mostly(
            st.fixed_dictionaries(
                {},
                optional={
                    "reply": mostly(
                        st.fixed_dictionaries({"echo": st.just(True)}, optional={"delay_ms": INTS})
                        | st.fixed_dictionaries({"frames": FRAMES}),
                        st.fixed_dictionaries(
                            {}, optional={"echo": VALUES, "frames": FRAMES, "delay_ms": VALUES}
                        ),
                    ),
                    "send": mostly(
                        st.fixed_dictionaries(
                            {"frames": FRAMES},
                            optional={"count": INTS, "interval_ms": INTS, "timeout_ms": INTS},
                        )
                    ),
                    "forward": mostly(st.fixed_dictionaries({"to": mostly(NAMES)})),
                },
            )
        ),
    },
)
MESSAGES = st.fixed_dictionaries(
    {"name": mostly(NAMES), "frames": FRAMES}, optional={"socket": mostly(NAMES | st.none())}
)
DOCUMENTS = st.fixed_dictionaries(
    {"zinspect": mostly(st.just(1), st.sampled_from([2, 0, "1", None, True, 1.0]))},
    optional={
        "sockets": mostly(st.lists(mostly(SOCKETS), max_size=4)),
        "messages": mostly(st.lists(mostly(MESSAGES), max_size=3)),
        "extra": VALUES,
    },
)


def check_loader(text: str) -> None:
    """Either a clear refusal, or a workspace whose every part saves and reads back as is."""
    try:
        workspace = parse_workspace(text)
    except WorkspaceError as error:
        assert str(error)
        return
    for error in workspace.invalid:
        assert error.path and error.message
    saved = dump_workspace(workspace)
    again = parse_workspace(saved)
    # the entries left out are written back as they were, and are left out again
    assert len(again.left_out) == len(workspace.left_out)
    assert all(any(entry.holds(error) for entry in again.left_out) for error in again.invalid)
    assert again.sockets == workspace.sockets and again.messages == workspace.messages
    assert dump_workspace(again) == saved


@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(DOCUMENTS)
def test_any_workspace_shaped_json_loads_or_is_refused_in_words(document):
    check_loader(json.dumps(document))


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(VALUES | st.text(max_size=40))
def test_any_json_or_text_at_all_loads_or_is_refused_in_words(value):
    check_loader(value if isinstance(value, str) and value.startswith("{") else json.dumps(value))
    if isinstance(value, str):
        check_loader(value)
