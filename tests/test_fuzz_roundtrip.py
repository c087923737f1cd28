"""Round trips, fuzzed: what zinspect writes, it reads back exactly.

- each frame encoding: the text a frame is shown or typed in (text, hex in every spelling
  people paste, base64 with line breaks, JSON compact or indented) encodes back to the same
  bytes; a frame's JSON form in a file (frames_json) gives back the same bytes;
- message templates: an escaped text renders as itself;
- automations: automation_to_json, through JSON text, parses back to an equal spec;
- security objects (with save_secrets) read back equal;
- workspaces: any sockets and saved messages, dumped, parse back equal, and dump again to
  the identical text;
- capture files: messages (time, socket, direction, frames) and connection-event lines,
  written by CaptureWriter, read back identical, whether read at once or in slices;
- option values: every on/off and choice value the form shows parses back.

Complements the existing round trips (test_core_codecs: editable_form and the hex/base64
views; test_core_capture: messages alone; test_core_automation: send specs;
test_core_option_catalog: numbers and routing ids; test_core_workspace: fuzzed documents).
"""

from __future__ import annotations

import base64
import json
import math

import pytest
from fuzz_support import ANY_CHAR, fuzz
from hypothesis import given
from hypothesis import strategies as st

from zinspect.core.automation.automation import (
    REPLY_TYPES,
    AutomationSpec,
    ForwardSpec,
    ReplySpec,
    SendSpec,
    automation_to_json,
    compile_template,
    escape_template,
    parse_automation,
    render_frames,
)
from zinspect.core.capture.capture import CaptureReader, CaptureWriter, read_capture
from zinspect.core.codecs import auto_view, encode_frame, printable_text, render
from zinspect.core.frames_json import (
    frame_from_json,
    frame_to_json,
    frames_from_json,
    frames_to_json,
)
from zinspect.core.security.authenticator import AuthSpec
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.security.spec_json import security_from_json, security_to_json
from zinspect.core.sockets.events import SocketEvent
from zinspect.core.sockets.option_catalog import CATALOG, format_value, parse_value
from zinspect.core.sockets.socket_options import INT32_RANGE, INT64_RANGE
from zinspect.core.sockets.socket_types import SOCKET_TYPES, SUBSCRIBING_TYPES
from zinspect.core.store import IN, OUT
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import SavedMessage, SocketSpec, Workspace
from zinspect.core.workspace.parse import parse_workspace

PUBLIC_1, SECRET_1 = (
    "u]/DnSakgLI(]jE-=hs51*y^TxV-J6AmeU)kJ=k=",
    "<gGSMSXH]a]y=3j5A%O!ZgqDh+f[J8Z3C>iQTzab",
)
PUBLIC_2, SECRET_2 = (
    "NxUQy-#iidWqffS^nSN=u#W6-r]JgfbSn1-RL9i3",
    "clC[e2FjPk!I@k}FQGMDB1t(8dw=N9xafp**^TnF",
)


# -- frame encodings ----------------------------------------------------------------------------


@fuzz(150)
@given(st.binary(max_size=120) | st.text(max_size=60).map(str.encode))
def test_text_shown_for_a_frame_encodes_back_to_its_bytes(data):
    text = printable_text(data)
    if text is not None:
        assert encode_frame(text, "text") == data
        assert render(data, "text") == (text, None)  # the detail pane's text view
    shown, error = render(data, "text")
    if error is None:  # valid UTF-8, control characters and all
        assert encode_frame(shown, "text") == data


@fuzz(150)
@given(
    st.binary(max_size=80),
    st.sampled_from(["", " ", ":", "\n", "  ", "\t"]),
    st.sampled_from(["", "0x", "0X"]),
    st.booleans(),
)
def test_hex_in_every_spelling_people_paste_encodes_back_to_the_bytes(
    data, separator, prefix, upper
):
    text = prefix + separator.join(f"{byte:02x}" for byte in data)
    assert encode_frame(text.upper() if upper else text, "hex") == data


@fuzz(150)
@given(
    st.binary(max_size=200),
    st.sampled_from([76, 64, 4, 1000]),
    st.sampled_from(["\n", "\r\n", " "]),
)
def test_base64_wrapped_in_lines_encodes_back_to_the_bytes(data, width, newline):
    text = base64.b64encode(data).decode("ascii")
    wrapped = newline.join(text[i : i + width] for i in range(0, len(text), width))
    assert encode_frame(wrapped, "base64") == data
    assert encode_frame(render(data, "base64")[0], "base64") == data


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**300), 10**300)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@fuzz(150)
@given(JSON_VALUES)
def test_json_frames_compact_or_indented_encode_back_to_the_same_bytes(value):
    """encode(decode(x)) == x for JSON: the bytes zinspect sends for JSON text, shown in the
    JSON view (indented) and edited back, are the same bytes."""
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert encode_frame(data.decode("utf-8"), "json") == data
    shown, error = render(data, "json")
    assert error is None
    assert encode_frame(shown, "json") == data
    if isinstance(value, (list, dict)):
        assert auto_view(data) == "json"


@fuzz(150)
@given(
    st.binary(max_size=300)
    | st.text(ANY_CHAR, max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
def test_a_frame_in_a_files_json_form_reads_back_as_the_same_bytes(data):
    form = frame_to_json(data)
    assert frame_from_json(form, "f") == data
    assert frame_from_json(json.loads(json.dumps(form, ensure_ascii=False)), "f") == data
    assert frames_from_json(frames_to_json([data, data[:3], b""]), "f") == [data, data[:3], b""]


# -- templates and automations ------------------------------------------------------------------


@fuzz(150)
@given(st.text(max_size=40), st.integers(0, 10**9))
def test_an_escaped_text_is_a_template_that_renders_as_itself(text, seq):
    assert render_frames([compile_template(escape_template(text))], seq) == [text.encode()]


LITERALS = st.text(st.characters(exclude_characters="{}", exclude_categories=["Cs"]), max_size=8)
PLACEHOLDERS = st.sampled_from(
    ["{seq}", "{time}", "{uuid}", "{rand:1:6}", "{rand:-3:3}", "{{", "}}"]
)
TEMPLATES = st.lists(LITERALS | PLACEHOLDERS, max_size=5).map("".join)
SEND_FRAMES = st.lists(
    TEMPLATES | st.binary(max_size=30) | st.just(b'{"k":[1,2]}'), min_size=1, max_size=4
)
NAMES = st.text(min_size=1, max_size=12).map(str.strip).filter(bool)
REPLIES = st.builds(ReplySpec, echo=st.just(True), delay_ms=st.integers(0, 10**6)) | st.builds(
    ReplySpec,
    frames=st.lists(st.binary(max_size=30), min_size=1, max_size=3),
    delay_ms=st.integers(0, 10**6),
)
SENDS = st.builds(
    SendSpec,
    frames=SEND_FRAMES,
    count=st.none() | st.integers(1, 10**9),
    interval_ms=st.integers(0, 10**6),
    timeout_ms=st.integers(1, 10**9),
)


@fuzz(150)
@given(
    st.one_of(
        st.builds(AutomationSpec, reply=REPLIES, send=st.none() | SENDS),
        st.builds(AutomationSpec, send=SENDS, forward=st.none() | st.builds(ForwardSpec, to=NAMES)),
        st.builds(AutomationSpec, forward=st.builds(ForwardSpec, to=NAMES)),
    )
)
def test_any_automation_written_as_json_text_parses_back_equal(spec):
    text = json.dumps(automation_to_json(spec))
    assert parse_automation(json.loads(text), "automation") == spec


# -- security -----------------------------------------------------------------------------------

ADDRESSES = st.lists(
    st.sampled_from(["127.0.0.1", "10.0.0.0/8", "::1", "192.168.1.66", "fe80::/10"]),
    max_size=3,
    unique=True,
)
PAIRS = st.sampled_from([(PUBLIC_1, SECRET_1), (PUBLIC_2, SECRET_2)])
PASSWORDS = st.text(min_size=1, max_size=20)


@st.composite
def security_specs(draw) -> SecuritySpec:
    """Any security a socket can be given and a workspace can keep in full."""
    kind = draw(
        st.sampled_from(
            [
                "curve server",
                "curve client",
                "curve certificate",
                "plain client",
                "plain server",
                "null",
            ]
        )
    )
    public, secret = draw(PAIRS)
    if kind == "curve server":
        auth = draw(
            st.none()
            | st.builds(
                AuthSpec,
                allow=ADDRESSES,
                deny=ADDRESSES,
                client_keys=st.lists(st.sampled_from([PUBLIC_1, PUBLIC_2]), max_size=2),
                client_key_directory=st.sampled_from(["", "/home/me/.curve/clients"]),
            )
        )
        return SecuritySpec(
            "CURVE",
            True,
            draw(st.sampled_from([public, ""])),
            secret,
            authentication=auth,
            save_secrets=True,
        )
    if kind == "curve client":
        return SecuritySpec(
            "CURVE",
            False,
            draw(st.sampled_from([public, ""])),
            secret,
            server_key=draw(st.sampled_from([PUBLIC_1, PUBLIC_2])),
            save_secrets=True,
        )
    if kind == "curve certificate":  # no secret in the file: the certificate stands for it
        return SecuritySpec(
            "CURVE",
            draw(st.booleans()),
            certificate="~/.curve/me.key_secret",
            server_key=draw(st.sampled_from([PUBLIC_1, PUBLIC_2]))
            if not draw(st.booleans())
            else "",
        )
    if kind == "plain client":
        return SecuritySpec(
            "PLAIN", username=draw(PASSWORDS), password=draw(PASSWORDS), save_secrets=True
        )
    if kind == "plain server":
        users = draw(st.dictionaries(PASSWORDS, st.none() | PASSWORDS, max_size=3))
        return SecuritySpec(
            "PLAIN",
            True,
            authentication=draw(
                st.none() | st.builds(AuthSpec, allow=ADDRESSES, users=st.just(users))
            ),
            save_secrets=True,
        )
    return SecuritySpec(
        "NULL", authentication=draw(st.builds(AuthSpec, allow=ADDRESSES, deny=ADDRESSES))
    )


def fixed(spec: SecuritySpec) -> SecuritySpec:
    """A certificate spec that cannot be valid as drawn (a server with a server key, a
    client without one) is made valid."""
    if spec.certificate and spec.server:
        spec.server_key = ""
    elif spec.certificate and not spec.server_key:
        spec.server_key = PUBLIC_1
    return spec


@fuzz(150)
@given(security_specs().map(fixed))
def test_any_security_written_as_json_text_reads_back_equal(spec):
    text = json.dumps(security_to_json(spec))
    assert security_from_json(json.loads(text), "security") == spec


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


# -- option values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(name for name, spec in CATALOG.items() if spec.kind in ("bool", "choice"))
)
def test_every_on_off_and_choice_value_the_form_shows_parses_back(name):
    spec = CATALOG[name]
    for value, _meaning in spec.special:
        assert parse_value(spec, format_value(spec, value)) == value
