"""Round trips, fuzzed, of what zinspect writes to files: it reads them back exactly.

- workspaces: any sockets and saved messages, dumped, parse back equal, and dump again to
  the identical text;
- capture files: messages (time, socket, direction, frames) and connection-event lines,
  written by CaptureWriter, read back identical, whether read at once or in slices.

The values inside them (frames, automations, security) have their round trips in
test_fuzz_roundtrip.py, whose strategies (roundtrip_strategies.py) build the workspaces here.

Complements the existing round trips (test_core_capture: messages alone;
test_core_workspace: fuzzed documents).
"""

from __future__ import annotations

import math

from fuzz_support import ANY_CHAR, fuzz
from hypothesis import given
from hypothesis import strategies as st
from roundtrip_strategies import NAMES, REPLIES, SENDS, fixed, security_specs

from zinspect.core.automation.automation import (
    REPLY_TYPES,
    AutomationSpec,
    ForwardSpec,
)
from zinspect.core.capture.capture import CaptureReader, CaptureWriter, read_capture
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.sockets.socket_options import INT32_RANGE, INT64_RANGE
from zinspect.core.sockets.socket_types import SOCKET_TYPES, SUBSCRIBING_TYPES
from zinspect.core.store import IN, OUT
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import SavedMessage, SocketSpec, Workspace
from zinspect.core.workspace.parse import parse_workspace

# -- workspaces ---------------------------------------------------------------------------------

TYPES = sorted(name for name, info in SOCKET_TYPES.items() if info.available)
SETTABLE = {
    "AFFINITY": "int64",
    "MAXMSGSIZE": "int64",
    "RCVHWM": "int",
    "SNDHWM": "int",
    "LINGER": "int",
    "RECONNECT_IVL": "int",
    "ROUTING_ID": "bytes",
    "ZAP_DOMAIN": "bytes",
    "XPUB_WELCOME_MSG": "bytes",
    "TOS": "int",
}
OPTION_VALUES = {
    "int": st.integers(*INT32_RANGE),
    "int64": st.integers(*INT64_RANGE),
    "bytes": st.binary(max_size=20),
}
BIND = st.sampled_from(
    [
        "tcp://127.0.0.1:*",
        "tcp://*:*",
        "tcp://127.0.0.1:5555",
        "inproc://a",
        "inproc://b",
        "ipc:///tmp/zi-rt",
        "ipc://*",
        "tcp://[::1]:6000",
    ]
)
CONNECT = st.sampled_from(
    [
        "tcp://127.0.0.1:5555",
        "tcp://localhost:1",
        "inproc://a",
        "tcp://127.0.0.1:0;127.0.0.1:5556",
        "ipc:///tmp/zi-rt",
    ]
)


@st.composite
def workspaces(draw) -> Workspace:
    """Sockets of any available type with endpoints, subscriptions, options, security and an
    automation their type allows (forwards to other sockets of the workspace that can send),
    and saved messages."""
    count = draw(st.integers(0, 5))
    names = draw(st.lists(NAMES, min_size=count, max_size=count, unique=True))
    types = [draw(st.sampled_from(TYPES)) for _ in names]
    sockets = []
    for index, (name, type_name) in enumerate(zip(names, types)):
        info = SOCKET_TYPES[type_name]
        automation = None
        choice = draw(st.sampled_from(["none", "reply", "send", "forward"]))
        targets = [
            other
            for other, kind in zip(names, types)
            if other != name and SOCKET_TYPES[kind].can_send
        ]
        if choice == "reply" and type_name in REPLY_TYPES:
            automation = AutomationSpec(reply=draw(REPLIES))
        elif choice == "send" and info.can_send and type_name != "REP":
            send = draw(SENDS)
            if type_name == "ROUTER" and len(send.frames) < 2:
                send.frames = [b"peer", *send.frames]
            automation = AutomationSpec(send=send)
        elif choice == "forward" and info.can_receive and type_name != "REP" and targets:
            automation = AutomationSpec(forward=ForwardSpec(to=draw(st.sampled_from(targets))))
        options = {
            option: draw(OPTION_VALUES[kind])
            for option, kind in draw(
                st.dictionaries(st.sampled_from(sorted(SETTABLE)), st.none(), max_size=3)
            ).items()
            for kind in [SETTABLE[option]]
        }
        sockets.append(
            SocketSpec(
                name=draw(st.sampled_from([name, name, ""])),
                type=type_name,
                bind=draw(st.lists(BIND, max_size=2, unique=True)),
                connect=draw(st.lists(CONNECT, max_size=2, unique=True)),
                subscribe=draw(st.lists(st.binary(max_size=8), max_size=3, unique=True))
                if type_name in SUBSCRIBING_TYPES
                else [],
                options=dict(sorted(options.items())),
                automation=automation,
                security=draw(st.none() | security_specs().map(fixed)),
                source=f"sockets[{index}]",
            )
        )
    # a forward's target must keep its name
    kept = {
        spec.automation.forward.to
        for spec in sockets
        if spec.automation is not None and spec.automation.forward is not None
    }
    for spec, name in zip(sockets, names):
        if name in kept:
            spec.name = name
    message_names = draw(st.lists(NAMES, max_size=3, unique=True))
    messages = [
        SavedMessage(
            name,
            draw(st.none() | NAMES),
            draw(st.lists(st.binary(max_size=20), min_size=1, max_size=3)),
        )
        for name in message_names
    ]
    return Workspace(sockets=sockets, messages=messages)


@fuzz(100)
@given(workspaces())
def test_any_workspace_dumped_parses_back_equal_and_dumps_to_the_identical_text(workspace):
    text = dump_workspace(workspace)
    again = parse_workspace(text)
    assert again.invalid == []
    assert again.sockets == workspace.sockets
    assert again.messages == workspace.messages
    assert dump_workspace(again) == text


# -- capture files ------------------------------------------------------------------------------

TIMES = (
    st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=1.6e9, max_value=2e9)
    | st.integers(-(2**53), 2**53)
)
MESSAGES = st.tuples(
    st.just("message"),
    TIMES,
    st.text(ANY_CHAR, max_size=10),
    st.sampled_from([IN, OUT]),
    st.lists(st.binary(max_size=30), min_size=1, max_size=4),
)
# event_line writes text unescaped (ensure_ascii=False), so its strings are Unicode text:
# lone surrogates are left out (zinspect's socket names, libzmq's endpoints and the decoded
# details never hold them).
EVENTS = st.builds(
    SocketEvent,
    TIMES.map(float),
    st.text(max_size=10),
    st.sampled_from(
        [
            "connected",
            "listening",
            "disconnected",
            "auth_denied",
            "handshake_failed_protocol",
            "a_later_kind",
        ]
    ),
    st.text(max_size=20),
    st.integers(-(2**63), 2**63),
    st.text(max_size=20),
).map(lambda event: ("event", event))


@fuzz(100)
@given(
    st.lists(MESSAGES | EVENTS, max_size=30),
    st.integers(0, 5),
    st.floats(min_value=0, max_value=2e9),
)
def test_a_capture_written_and_read_back_is_identical_messages_and_events(
    tmp_path_factory, items, batch, created
):
    """Messages written one by one or as ready-made lines (as the recorder does), events
    between them: read back at once or slice by slice, every field is identical."""
    path = tmp_path_factory.mktemp("rt") / "c.jsonl"
    writer = CaptureWriter(path, created=created)
    pending: list[str] = []
    for item in items:
        if item[0] == "event":
            writer.write_lines(pending, len(pending))
            pending = []
            writer.write_event(item[1])
        elif batch and len(pending) < batch:
            pending.append(writer.encoder.line(*item[1:]))
        else:
            writer.write_lines(pending, len(pending))
            pending = []
            writer.write(*item[1:])
    writer.write_lines(pending, len(pending))
    writer.close()
    messages = [(float(t), s, d, f) for kind, t, s, d, f in (i for i in items if i[0] == "message")]
    events = [i[1] for i in items if i[0] == "event"]
    assert writer.messages_written == len(messages)

    result = read_capture(path)
    assert [(m.time, m.socket, m.direction, m.frames) for m in result.messages] == messages
    assert result.event_records == events and result.events == len(events)
    assert (result.skipped, result.damage_report()) == (0, "")
    assert result.header["created"] == created

    reader = CaptureReader(path)  # in the smallest slices a UI could ask for
    sliced = []
    while not reader.done:
        sliced.extend(reader.read(0))
    assert [(m.time, m.socket, m.direction, m.frames) for m in sliced] == messages
    assert reader.event_records == events
    assert all(math.isfinite(m.time) for m in sliced)
