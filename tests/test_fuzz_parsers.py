"""Every parser zinspect has, fuzzed: endpoints, frame encodings and views, frames in JSON,
message templates, automations, workspace files, capture files, option names and values,
security objects and CURVE keys, demos, the replay rate and the traffic filter.

The property is the same everywhere (tests/fuzz_support.py): for any input, either a valid
result or zinspect's own error with a message in words; never another exception, never a
hang (500 ms per example). Inputs are random text and bytes, the characters that break
parsers (lone surrogates, non-ASCII digits, NUL), JSON that trips decoders (nested 5,000
deep, 5,000-digit numbers), and *near-valid* input: real documents with one field changed,
endpoints built from good and bad pieces, capture files with corrupt lines between good ones.
Valid results are checked too (a parsed endpoint validates again unchanged, a parsed option
value passes its own check, a loaded workspace saves and reloads as it was).
"""

from __future__ import annotations

import base64
import json
import math

from fuzz_support import (
    ANY_CHAR,
    JSON_VALUES,
    JUNK_CHARS,
    JUNK_TEXT,
    NASTY_JSON_TEXTS,
    assert_in_words,
    fuzz,
    mutated,
    nest_value,
    nested,
    outcome,
    refused,
    text_mutation,
    to_json_text,
)
from hypothesis import example, given
from hypothesis import strategies as st

from zinspect.core.automation.automation import (
    check_template,
    compile_template,
    parse_automation,
    render_frames,
)
from zinspect.core.capture.capture import (
    CaptureError,
    LineEncoder,
    event_line,
    parse_event,
    read_capture,
)
from zinspect.core.capture.replay import MAX_RATE, ReplayError, check_rate
from zinspect.core.codecs import (
    ENCODINGS,
    VIEWS,
    FrameEncodingError,
    auto_view,
    encode_frame,
    render,
)
from zinspect.core.demos.demos import DemoError, _folder, demo_names, load_demo, parse_demo
from zinspect.core.frames_json import SpecError, frame_from_json, frames_from_json
from zinspect.core.keys.curve_keys import Z85_ALPHABET, KeyFormatError, check_key
from zinspect.core.security.authenticator import parse_address
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.security.spec_json import security_from_json
from zinspect.core.sockets.endpoints import KNOWN_TRANSPORTS, EndpointError, validate_endpoint
from zinspect.core.sockets.events import LABELS, SocketEvent, decode_value
from zinspect.core.sockets.option_catalog import CATALOG, OptionValueError, check_value, parse_value
from zinspect.core.sockets.socket_options import OptionError, check_option_value, lookup_option
from zinspect.core.store import IN, OUT
from zinspect.core.traffic_filter import FilterError, FilterMatcher, TrafficFilter
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import Workspace, WorkspaceError
from zinspect.core.workspace.parse import parse_workspace, read_workspace

# Two CURVE key pairs (made once with zmq.curve_keypair) for near-valid security objects.
PUBLIC_1, SECRET_1 = (
    "u]/DnSakgLI(]jE-=hs51*y^TxV-J6AmeU)kJ=k=",
    "<gGSMSXH]a]y=3j5A%O!ZgqDh+f[J8Z3C>iQTzab",
)
PUBLIC_2, SECRET_2 = (
    "NxUQy-#iidWqffS^nSN=u#W6-r]JgfbSn1-RL9i3",
    "clC[e2FjPk!I@k}FQGMDB1t(8dw=N9xafp**^TnF",
)


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


PIECE_JUNK = st.text(st.sampled_from(JUNK_CHARS), max_size=4)
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


# -- frame encodings and views ------------------------------------------------------------------

ENCODING_NAMES = st.sampled_from(list(ENCODINGS)) | st.sampled_from(["", "HEX", "utf-8", "b64"])


@fuzz(200)
@given(JUNK_TEXT | st.text(ANY_CHAR, max_size=60) | NASTY_JSON_TEXTS, ENCODING_NAMES)
@example('"\\ud800"', "json")  # JSON's escape for a lone surrogate: was UnicodeEncodeError
@example(nested(100000), "json")  # was RecursionError
@example("1" * 5000, "json")  # more digits than Python converts: was ValueError
@example("\ud800", "text")  # was UnicodeEncodeError
def test_any_text_in_any_encoding_is_a_frame_or_refused_in_words(text, encoding):
    result = outcome(lambda: encode_frame(text, encoding), FrameEncodingError)
    assert refused(result) or isinstance(result, bytes)


@st.composite
def near_valid_frame_texts(draw):
    """The forms people paste, one character off: hex with separators, base64 with lines,
    JSON with one value changed or a character more or less."""
    data = draw(st.binary(max_size=40))
    encoding = draw(st.sampled_from(["hex", "base64", "json", "text"]))
    if encoding == "hex":
        text = (
            draw(st.sampled_from(["", "0x", "0X"]))
            + data.hex(draw(st.sampled_from([" ", ":", "\n"])))
            if data
            else "0x"
        )
    elif encoding == "base64":
        text = base64.b64encode(data).decode("ascii")
    elif encoding == "json":
        text = to_json_text(draw(JSON_VALUES))
    else:
        text = data.decode("utf-8", "replace")
    return draw(text_mutation(text) | st.just(text)), encoding


@fuzz(150)
@given(near_valid_frame_texts())
def test_near_valid_frame_texts_are_frames_or_refused_in_words(case):
    text, encoding = case
    result = outcome(lambda: encode_frame(text, encoding), FrameEncodingError)
    assert refused(result) or isinstance(result, bytes)


FRAME_BYTES = (
    st.binary(max_size=200)
    | NASTY_JSON_TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass"))
    | JSON_VALUES.map(lambda v: to_json_text(v).encode("utf-8", "surrogatepass"))
    | st.text(ANY_CHAR, max_size=30).map(lambda t: t.encode("utf-8", "surrogatepass"))
)


@fuzz(120)
@given(FRAME_BYTES, st.sampled_from(VIEWS))
@example(nested(50000).encode(), "auto")  # a peer's "[[[[...": was RecursionError
@example(nested(50000).encode(), "json")
def test_any_bytes_show_in_every_view_with_a_note_when_the_view_does_not_fit(data, view):
    """A peer decides what a frame holds: the detail pane must show anything, in any view
    (JSON nested 5,000 deep included), with the reason in words when it falls back to hex."""
    text, error = render(data, view)
    assert isinstance(text, str)
    if error is not None:
        assert_in_words(ValueError(error))
    assert auto_view(data) in VIEWS


# -- frames in JSON (workspaces, automations, saved messages) ----------------------------------

FRAME_JSON = JSON_VALUES | st.fixed_dictionaries(
    {},
    optional={
        "hex": JSON_VALUES | JUNK_TEXT,
        "base64": JSON_VALUES | JUNK_TEXT,
        "json": JSON_VALUES,
        "text": JSON_VALUES,
    },
)


@fuzz(120)
@given(FRAME_JSON)
@example({"json": "\ud800"})  # was UnicodeEncodeError
def test_any_json_value_is_a_frame_or_refused_at_its_place(value):
    result = outcome(lambda: frame_from_json(value, "frames[0]"), SpecError)
    if refused(result):
        assert result.path.startswith("frames[0]") and result.message
    else:
        assert isinstance(result, bytes)
    listed = outcome(lambda: frames_from_json(value, "frames"), SpecError)
    assert refused(listed) or all(isinstance(frame, bytes) for frame in listed)


# -- templates ----------------------------------------------------------------------------------

TEMPLATE_PIECES = (
    st.sampled_from(
        [
            "{",
            "}",
            "{{",
            "}}",
            "{seq}",
            "{time}",
            "{uuid}",
            "{rand:1:6}",
            "{rand:6:1}",
            "{rand:-5:5}",
            "{rand:1}",
            "{rand:a:b}",
            "{rand:1:" + "9" * 5000 + "}",
            "{rand:\u0661:\u0669}",
            "{nope}",
            "{seq",
            "seq}",
            "{}",
            "{ seq }",
            "x",
            "é",
            "\ud800",
            "\x00",
        ]
    )
    | JUNK_TEXT
)


@fuzz(150)
@given(st.lists(TEMPLATE_PIECES, max_size=8).map("".join), st.integers(0, 2**40))
@example("{rand:1:" + "9" * 5000 + "}", 0)  # was ValueError
@example("a \ud800", 0)  # was UnicodeEncodeError
def test_any_template_compiles_and_renders_or_is_refused_in_words(text, seq):
    compiled = outcome(lambda: compile_template(text, "frames[0]"), SpecError)
    problem = check_template(text)
    if refused(compiled):
        assert problem == compiled.message
        return
    assert problem == ""
    frames = render_frames([compiled], seq)
    assert len(frames) == 1 and isinstance(frames[0], bytes)


# -- automations --------------------------------------------------------------------------------

AUTOMATIONS = [
    {"reply": {"echo": True, "delay_ms": 10}},
    {"reply": {"frames": ["World", {"hex": "00ff"}, {"json": {"ok": True}}]}},
    {
        "send": {
            "frames": ["Hello {seq} {rand:1:6}", {"base64": "AAE="}],
            "count": 3,
            "interval_ms": 5,
            "timeout_ms": 100,
        }
    },
    {"send": {"frames": ["tick {time} {uuid}"]}, "forward": {"to": "out"}},
    {"forward": {"to": "out"}},
]
SOCKETS = {"out": "PUSH", "in": "PULL", "me": "DEALER", "pub": "PUB"}


@fuzz(120)
@given(
    st.sampled_from(AUTOMATIONS).flatmap(mutated) | JSON_VALUES,
    st.sampled_from(
        [
            None,
            "REP",
            "REQ",
            "ROUTER",
            "DEALER",
            "PUB",
            "SUB",
            "PUSH",
            "PULL",
            "pair",
            "nonsense",
            "",
        ]
    ),
    st.sampled_from([None, "me", "out"]),
    st.booleans(),
)
def test_any_automation_object_parses_or_is_refused_at_its_place(
    obj, type_name, name, with_sockets
):
    result = outcome(
        lambda: parse_automation(
            obj,
            "sockets[0].automation",
            type_name=type_name,
            name=name,
            sockets=SOCKETS if with_sockets else None,
        ),
        SpecError,
    )
    if refused(result):
        assert result.path.startswith("sockets[0].automation")


# -- workspace files ----------------------------------------------------------------------------

WORKSPACE = {
    "zinspect": 1,
    "sockets": [
        {
            "name": "weather",
            "type": "SUB",
            "connect": ["tcp://127.0.0.1:5556"],
            "subscribe": ["10001", {"hex": "00ff"}],
            "options": {"RCVHWM": 10000, "LINGER": 0, "MAXMSGSIZE": 1048576},
        },
        {
            "name": "hello",
            "type": "REP",
            "bind": ["tcp://127.0.0.1:5555", "ipc:///tmp/zi-fuzz"],
            "automation": {"reply": {"frames": ["World", {"base64": "AAE="}], "delay_ms": 5}},
        },
        {
            "name": "client",
            "type": "REQ",
            "connect": "tcp://127.0.0.1:5555",
            "options": {"ROUTING_ID": {"hex": "c0ffee"}},
            "automation": {
                "send": {
                    "frames": ["Hello {seq} {rand:1:6}", {"json": {"k": [1, 2]}}],
                    "count": 10,
                    "interval_ms": 0,
                    "timeout_ms": 500,
                }
            },
        },
        {
            "name": "front",
            "type": "ROUTER",
            "bind": ["tcp://*:*"],
            "automation": {"forward": {"to": "back"}},
            "security": {
                "mechanism": "CURVE",
                "server": True,
                "public_key": PUBLIC_1,
                "secret_key": SECRET_1,
                "save_secrets": True,
                "authentication": {
                    "allow": ["127.0.0.1", "10.0.0.0/8"],
                    "deny": ["10.0.0.1"],
                    "client_keys": [PUBLIC_2],
                },
            },
        },
        {
            "name": "back",
            "type": "DEALER",
            "connect": ["tcp://127.0.0.1:0;127.0.0.1:5558"],
            "security": {
                "mechanism": "CURVE",
                "public_key": PUBLIC_2,
                "secret_key": SECRET_2,
                "server_key": PUBLIC_1,
                "save_secrets": True,
            },
        },
        {
            "name": "plain-client",
            "type": "PUSH",
            "connect": ["tcp://[::1]:5559"],
            "security": {
                "mechanism": "PLAIN",
                "username": "alice",
                "password": "secret",
                "save_secrets": True,
            },
        },
        {
            "name": "plain-server",
            "type": "PULL",
            "bind": ["tcp://127.0.0.1:*"],
            "security": {
                "mechanism": "PLAIN",
                "server": True,
                "authentication": {"users": {"alice": "secret", "bob": None}},
            },
        },
    ],
    "messages": [
        {"name": "ping", "frames": ["ping", {"hex": "00"}], "socket": "client"},
        {"name": "blob", "frames": [{"base64": "3q2+7w=="}]},
    ],
}
WORKSPACE_TEXT = json.dumps(WORKSPACE, indent=2)


def test_the_fuzzed_workspace_is_valid_to_begin_with():
    workspace = parse_workspace(WORKSPACE_TEXT)
    assert workspace.invalid == [] and len(workspace.sockets) == 7


def check_workspace_text(text: str) -> None:
    """Refused whole in words, or loaded with every left-out entry's error at its place;
    what loaded saves, reloads without errors, and saves again to the same text."""
    workspace = outcome(lambda: parse_workspace(text), WorkspaceError)
    if refused(workspace):
        return
    for error in workspace.invalid:
        assert isinstance(error, SpecError) and error.path
        assert_in_words(error)
    saved = dump_workspace(workspace)
    again = parse_workspace(saved)
    assert [error for error in again.invalid if not known_gap(error, workspace)] == []
    if not again.invalid:
        assert dump_workspace(again) == saved


def known_gap(error: SpecError, first: Workspace) -> bool:
    """The two ways a loaded workspace, saved, does not reload whole (reported to the lead,
    not changed here because each is a choice of format, not a parser bug):

    - a forward to a socket that was left out loads (the file declares the target), but
      the saved file no longer holds the target, so on reload the forwarding socket is left
      out too ("no socket named ...");
    - a CURVE secret key without "save_secrets": true is used, not written back (by design,
      the security form warns), so on reload the socket has no key pair and is left out.
    """
    loaded = {spec.name for spec in first.sockets}
    if error.path.endswith(".forward.to") and error.message.startswith("no socket named "):
        return json.loads(error.message.removeprefix("no socket named ")) not in loaded
    if (
        error.path.endswith(".security.secret_key")
        and "needs its own CURVE key pair" in error.message
    ):
        index = int(error.path.split("[", 1)[1].split("]", 1)[0])
        security = first.sockets[index].security
        return (
            security is not None
            and bool(security.secret_key)
            and not security.save_secrets
            and not security.certificate
        )
    return False


@fuzz(120)
@given(mutated(WORKSPACE))
def test_a_workspace_with_one_field_changed_loads_the_rest_or_is_refused_in_words(document):
    check_workspace_text(to_json_text(document))


@fuzz(120)
@given(text_mutation(WORKSPACE_TEXT) | NASTY_JSON_TEXTS | JUNK_TEXT)
def test_a_workspace_text_one_character_off_loads_or_is_refused_in_words(text):
    check_workspace_text(text)


@fuzz(50)
@given(
    st.binary(max_size=60)
    | text_mutation(WORKSPACE_TEXT).map(
        lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass")
    )
    | st.sampled_from([b"\xff\xfe{\x00}\x00", b"\x00", b"", b"\xef\xbb\xbf"])
)
def test_a_workspace_file_of_any_bytes_opens_or_is_refused_in_words(tmp_path, caplog, data):
    caplog.expected_warnings = True  # a refused file is logged at WARNING, by design
    path = tmp_path / "w.zinspect.json"
    path.write_bytes(data)
    outcome(lambda: read_workspace(path), WorkspaceError)


# -- capture files ------------------------------------------------------------------------------

HEADER = b'{"zinspect_capture": 1, "created": 1700000000.0, "zinspect": "0.1.0"}\n'
TIMES = st.floats(min_value=0, max_value=4e9, allow_nan=False) | st.integers(0, 2**40)
MESSAGE_LINES = st.builds(
    lambda stamp, socket, direction, frames: (
        "message",
        LineEncoder().line(stamp, socket, direction, frames).encode("utf-8"),
        (float(stamp), socket, direction, frames),
    ),
    TIMES,
    st.text(ANY_CHAR, max_size=8),
    st.sampled_from([IN, OUT]),
    st.lists(st.binary(max_size=20), min_size=1, max_size=3),
)
EVENT_LINES = st.builds(
    lambda *fields: (
        "event",
        event_line(SocketEvent(*fields)).encode("utf-8"),
        SocketEvent(*fields),
    ),
    st.floats(min_value=0, max_value=4e9),
    st.text(max_size=8),
    st.sampled_from(["connected", "disconnected", "auth_denied", "a_later_kind"]),
    st.text(max_size=12),
    st.integers(-1, 2**31),
    st.text(max_size=12),
)
GOOD_MESSAGE = {"time": 1.5, "socket": "s", "direction": "in", "frames": ["aGk="]}
# Values a message field can never have: each makes the line corrupt by construction.
NOT_A_TIME = (
    st.sampled_from([None, True, "1.5", [], {}, 10**400, -(10**400)])
    | st.floats().filter(lambda x: not math.isfinite(x))
    | st.text(max_size=5)
)
NOT_A_SOCKET = st.sampled_from([None, 1, 1.5, True, [], {}])
NOT_A_DIRECTION = st.sampled_from([None, 1, "IN", "", "both", [], "in "]) | st.text(max_size=4)
NOT_FRAMES = st.sampled_from(
    [None, [], "aGk=", {}, ["!!"], ["aGk"], [1], [None], ["aGk=", 1], ["\u00e9"], ["a\nb"]]
)
CORRUPT_MESSAGES = st.one_of(
    st.builds(lambda t: {**GOOD_MESSAGE, "time": t}, NOT_A_TIME),
    st.builds(lambda s: {**GOOD_MESSAGE, "socket": s}, NOT_A_SOCKET),
    st.builds(lambda d: {**GOOD_MESSAGE, "direction": d}, NOT_A_DIRECTION),
    st.builds(lambda f: {**GOOD_MESSAGE, "frames": f}, NOT_FRAMES),
    st.sampled_from(list(GOOD_MESSAGE)).map(
        lambda key: {k: v for k, v in GOOD_MESSAGE.items() if k != key}
    ),
)
CORRUPT_LINES = st.one_of(
    CORRUPT_MESSAGES.map(lambda obj: to_json_text(obj).encode("utf-8")),
    # not a JSON object: any other JSON value, or text that is not JSON at all
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(
        lambda v: to_json_text(v).encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=30).map(lambda b: b"#" + b.replace(b"\n", b"")),
    NASTY_JSON_TEXTS.filter(lambda t: t and not t.startswith(("{", "\ufeff"))).map(
        lambda t: t.encode("utf-8", "surrogatepass")
    ),
    # a good line cut short, as a recording killed mid-write leaves it
    MESSAGE_LINES.flatmap(
        lambda m: st.integers(1, len(m[1]) - 2).map(lambda cut: m[1][:cut].rstrip(b"\n"))
    ),
).map(lambda line: ("corrupt", line, None))
BLANK_LINES = st.sampled_from([b"", b"   ", b"\t"]).map(lambda line: ("blank", line, None))


@fuzz(100)
@given(
    st.lists(MESSAGE_LINES | EVENT_LINES | CORRUPT_LINES | BLANK_LINES, max_size=25), st.booleans()
)
def test_corrupt_lines_between_good_ones_are_skipped_and_counted_and_no_good_line_is_lost(
    tmp_path_factory, lines, final_newline
):
    path = tmp_path_factory.mktemp("fuzz") / "c.jsonl"
    body = b"\n".join(line.rstrip(b"\n") for _, line, _ in lines)
    path.write_bytes(HEADER + body + (b"\n" if final_newline and lines else b""))
    result = read_capture(path)
    messages = [(m.time, m.socket, m.direction, m.frames) for m in result.messages]
    assert messages == [value for kind, _, value in lines if kind == "message"]
    assert result.event_records == [value for kind, _, value in lines if kind == "event"]
    assert result.events == len(result.event_records)
    bad = [number for number, (kind, _, _) in enumerate(lines, start=2) if kind == "corrupt"]
    assert result.skipped == len(bad)
    assert result.first_bad_lines == bad[:10]
    report = result.damage_report()
    if bad:
        assert_in_words(ValueError(report))
        assert result.truncated_end == (bad[-1] == len(lines) + 1 and not final_newline)
    else:
        assert report == "" and not result.truncated_end


@fuzz(100)
@given(
    st.one_of(
        st.binary(max_size=60),
        JSON_VALUES.map(lambda v: to_json_text(v).encode("utf-8", "surrogatepass")),
        NASTY_JSON_TEXTS.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [{"zinspect_capture": v} for v in [0, -1, 2, 10**400, 1.0, True, None, "1", [], 1e400]]
        ).map(lambda obj: to_json_text(obj).encode()),
        mutated({"zinspect_capture": 1, "created": 1.0, "zinspect": "0.1.0"}).map(
            lambda obj: to_json_text(obj).encode("utf-8", "surrogatepass")
        ),
    ),
    st.binary(max_size=100),
)
@example(nested(100000).encode(), b"")  # a header line nested deep: was RecursionError
@example(
    b'{"zinspect_capture": 1}',
    b'{"time": 1%s, "socket": "s", "direction": "in", "frames": []}' % (b"0" * 400),
)  # was OverflowError
@example(b'{"zinspect_capture": 1}', b'{"time": 1%s, "event": "x"}' % (b"0" * 400))
def test_any_file_opens_as_a_capture_or_is_refused_in_words(tmp_path_factory, first, rest):
    path = tmp_path_factory.mktemp("fuzz") / "c.jsonl"
    path.write_bytes(first + b"\n" + rest)
    result = outcome(lambda: read_capture(path), CaptureError)
    if not refused(result):
        assert result.skipped <= rest.count(b"\n") + first.count(b"\n") + 1
        assert bool(result.damage_report()) == bool(result.skipped)


# -- socket options -----------------------------------------------------------------------------

OPTION_NAMES = (
    st.sampled_from(
        [
            "RCVHWM",
            "rcvhwm",
            "ZMQ_LINGER",
            " linger ",
            "IDENTITY",
            "ROUTING_ID",
            "TYPE",
            "FD",
            "SUBSCRIBE",
            "HWM",
            "RCVHWN",
            "CURVE_SERVERKEY",
            "",
            "ZMQ_",
        ]
    )
    | JUNK_TEXT
)


@fuzz(120)
@given(OPTION_NAMES, JSON_VALUES | st.binary(max_size=10) | st.sampled_from([2**31, 2**63]))
def test_any_option_name_and_value_is_usable_or_refused_in_words(name, value):
    option = outcome(lambda: lookup_option(name), OptionError)
    if refused(option):
        return
    # check_option_value is the Python API under SocketHandle.set_option (the workspace and
    # the form check types before): its refusal names the Python type ("takes an integer,
    # not str", a tested wording), so only "an OptionError naming the option" is asserted.
    try:
        checked = check_option_value(option, value)
    except OptionError as error:
        assert str(error).startswith(option.name)
    else:
        assert isinstance(checked, (int, bytes))


NUMBER_TEXTS = st.builds(
    lambda sign, digits, fraction, gap, unit, junk: sign + digits + fraction + gap + unit + junk,
    st.sampled_from(["", "-", "+", "--"]),
    st.sampled_from(
        [
            "0",
            "1",
            "100",
            "1_000",
            "1 000",
            "2147483648",
            "9" * 20,
            "9" * 5000,
            "\u0661\u0660",
            "\u00b2",
            "",
            "_1",
            "1__0",
        ]
    ),
    st.sampled_from(["", ".5", ".", ".25", "." + "3" * 5000, ".0000001"]),
    st.sampled_from(["", " ", "  ", "\t", " " * 3000]),
    st.sampled_from(
        [
            "",
            "ms",
            "s",
            "sec",
            "min",
            "KiB",
            "MiB",
            "GiB",
            "kb",
            "K",
            "m",
            "b",
            "messages",
            "message",
            "probes",
            "seconds",
            "on",
            "off",
            "lots",
        ]
    ),
    st.sampled_from(["", "", "", "!", "x", " 1", "\u00b2"]) | PIECE_JUNK,
)


@fuzz(250)
@given(
    st.sampled_from(sorted(CATALOG)),
    NUMBER_TEXTS
    | JUNK_TEXT
    | st.sampled_from(
        [
            "on",
            "OFF",
            "true",
            "yes",
            "OS default",
            "wait forever",
            "0x",
            "0xzz",
            "0x00",
            "0x" + "ab" * 300,
            "x" * 256,
            "\ud800",
            "no limit",
        ]
    ),
)
@example("LINGER", "9" * 5000)  # more digits than Python converts: was ValueError
@example("MAXMSGSIZE", "1." + "5" * 5000 + " KiB")
@example("IMMEDIATE", "1" * 5000)
@example("SNDHWM", "1" + " " * 20000 + "1x!")  # took 10 s (quadratic backtracking)
@example("ROUTING_ID", "\ud800")  # was UnicodeEncodeError
def test_any_text_typed_for_any_option_is_a_value_or_refused_in_words(name, text):
    spec = CATALOG[name]
    value = outcome(lambda: parse_value(spec, text), OptionValueError)
    if not refused(value):
        assert check_value(spec, value) == value


# -- security objects and CURVE keys ------------------------------------------------------------

SECURITY = [
    {
        "mechanism": "CURVE",
        "server": True,
        "public_key": PUBLIC_1,
        "secret_key": SECRET_1,
        "save_secrets": True,
        "authentication": {
            "allow": ["127.0.0.1"],
            "deny": ["10.0.0.0/8"],
            "client_keys": [PUBLIC_2],
            "client_key_directory": "/nonexistent",
        },
    },
    {
        "mechanism": "CURVE",
        "public_key": PUBLIC_2,
        "secret_key": SECRET_2,
        "server_key": PUBLIC_1,
        "save_secrets": True,
    },
    {"mechanism": "CURVE", "certificate": "/nonexistent/me.key_secret", "server_key": PUBLIC_1},
    {"mechanism": "PLAIN", "username": "alice", "password": "secret", "save_secrets": True},
    {
        "mechanism": "PLAIN",
        "server": True,
        "authentication": {"users": {"alice": "secret", "bob": None}},
    },
    {"mechanism": "NULL", "authentication": {"allow": ["::1", "192.168.0.0/16"]}},
]


@fuzz(120)
@given(st.sampled_from(SECURITY).flatmap(mutated) | JSON_VALUES)
@example({"mechanism": "PLAIN", "username": "\ud800", "password": "x"})  # UnicodeEncodeError
@example({"mechanism": "PLAIN", "username": "a", "password": "\udfff"})
def test_any_security_object_is_a_spec_or_refused_at_its_place(obj):
    spec = outcome(lambda: security_from_json(obj, "sockets[0].security"), SpecError)
    if refused(spec):
        assert spec.path.startswith("sockets[0].security")
    else:
        assert isinstance(spec, SecuritySpec)


@st.composite
def near_keys(draw):
    key = draw(st.sampled_from([PUBLIC_1, SECRET_1, PUBLIC_2, SECRET_2]))
    change = draw(
        st.sampled_from(["as is", "swap", "insert", "delete", "hex", "overflow", "blank"])
    )
    where = draw(st.integers(0, len(key) - 1))
    char = draw(st.sampled_from(list(Z85_ALPHABET) + JUNK_CHARS))
    if change == "swap":
        return key[:where] + char + key[where + 1 :]
    if change == "insert":
        return key[:where] + char + key[where:]
    if change == "delete":
        return key[:where] + key[where + 1 :]
    if change == "hex":
        return draw(st.binary(min_size=32, max_size=32)).hex()
    if change == "overflow":  # a 5-character group above 2**32-1 ("#####" is 85**5-1)
        return key[: where // 5 * 5] + "#####" + key[where // 5 * 5 + 5 :]
    if change == "blank":
        return f"  {key}\n"
    return key


@fuzz(150)
@given(
    near_keys() | JUNK_TEXT | st.text(st.sampled_from(Z85_ALPHABET), min_size=38, max_size=42),
    st.booleans(),
)
def test_any_text_is_a_curve_key_or_refused_in_words(text, secret):
    key = outcome(lambda: check_key(text, "server key", secret=secret), KeyFormatError)
    if refused(key):
        if secret:  # a secret key's characters are never repeated in a message
            assert not any(
                len(part) >= 5 and part in str(key)
                for part in (text.strip()[i : i + 5] for i in range(0, len(text.strip()), 5))
            )
    else:
        assert len(key) == 40 and key == text.strip()


@fuzz(100)
@given(
    JUNK_TEXT
    | st.sampled_from(
        [
            "127.0.0.1",
            "10.0.0.0/8",
            "::1",
            "fe80::1%eth0",
            "1.2.3.4/33",
            "1.2.3.4/",
            "::ffff:1.2.3.4",
            "",
            "*",
        ]
    )
)
def test_any_address_entry_is_a_network_or_refused_in_words(text):
    outcome(lambda: parse_address(text), ValueError)


# -- demos --------------------------------------------------------------------------------------

DEMOS = {
    name: json.loads(_folder().joinpath(f"{name}.zinspect.json").read_text("utf-8"))
    for name in demo_names()
}


@fuzz(80)
@given(
    st.sampled_from(sorted(DEMOS)).flatmap(
        lambda name: st.tuples(st.just(name), mutated(DEMOS[name]))
    )
)
def test_a_demo_with_one_field_changed_loads_or_is_refused_at_its_place(case):
    name, document = case
    outcome(lambda: parse_demo(name, to_json_text(document), ""), SpecError, WorkspaceError)


@fuzz(60)
@given(
    JUNK_TEXT
    | st.sampled_from(demo_names())
    | st.sampled_from(
        [
            "..",
            "../demos/pubsub",
            "pubsub.md",
            "pubsub.zinspect.json",
            "list",
            " pubsub",
            "PUBSUB",
            "\x00",
        ]
    )
)
def test_any_demo_name_is_a_demo_or_refused_with_the_names_there_are(name):
    demo = outcome(lambda: load_demo(name), DemoError)
    if refused(demo):
        assert all(known in str(demo) for known in demo_names())
    else:
        assert name in demo_names()


# -- connection events read from a capture -------------------------------------------------------

EVENT = {
    "time": 1.5,
    "event": "bind_failed",
    "socket": "s",
    "endpoint": "tcp://127.0.0.1:1",
    "value": 98,
    "detail": "",
}


@fuzz(150)
@given(
    st.sampled_from(sorted(LABELS) + ["a_later_kind", ""]).flatmap(
        lambda name: mutated({**EVENT, "event": name})
    )
)
def test_any_event_line_is_an_event_explained_in_words_or_ignored(obj):
    """A later zinspect may write other events: a line of the wrong shape is ignored (None),
    and any event read is labelled and explained (the Events panel shows every one)."""
    if not isinstance(obj, dict):  # the reader passes only objects
        return
    event = parse_event(obj)
    if event is not None:
        assert math.isfinite(event.time)
        assert isinstance(event.label, str) and isinstance(event.explanation, str)
        assert isinstance(decode_value(event.name, event.value), str)


# -- replay rate and traffic filter -------------------------------------------------------------


@fuzz(100)
@given(
    st.floats()
    | st.integers()
    | st.integers(-(10**400), 10**400)
    | st.sampled_from([None, "100", True, [], 1e400])
)
@example(10**400)  # was OverflowError
def test_any_replay_rate_is_used_or_refused_in_words(rate):
    result = outcome(lambda: check_rate(rate), ReplayError)
    assert refused(result) or 0 < result <= MAX_RATE


FILTER_TEXTS = JUNK_TEXT | st.sampled_from(
    [
        "a{4294967296}",
        "(" * 1000 + ")" * 1000,
        "(" * 300,
        "(?i)x",
        "x(?i)",
        "[",
        "\\",
        "0x",
        "0xdead",
        "0x de:ad",
        "0xzz",
        "(?P<a>x)(?P<a>y)",
        "a**",
        "\\p{L}",
        "(?<=a+)b",
    ]
)


@fuzz(150)
@given(FILTER_TEXTS, st.booleans(), st.sampled_from([None, IN, OUT]))
@example("a{4294967296}", True, None)  # was OverflowError
@example("(" * 1000 + ")" * 1000, True, None)  # was RecursionError
def test_any_filter_text_is_a_filter_or_refused_in_words(text, regex, direction):
    matcher = outcome(
        lambda: TrafficFilter(text=text, regex=regex, direction=direction).compile(), FilterError
    )
    if not refused(matcher):
        assert isinstance(matcher, FilterMatcher)


# -- values too deep for hypothesis to print as explicit examples --------------------------------


def test_json_frames_nested_deeper_than_the_stack_are_refused_at_their_place():
    """Regressions: frame_from_json raised RecursionError on {"json": 1,200-deep list}; a
    workspace whose send frame was JSON 600 deep loaded, then saving it raised RecursionError
    (the indented writer recursed into the value); 990 deep failed while loading."""
    error = outcome(lambda: frame_from_json({"json": nest_value(1200)}, "frames[0]"), SpecError)
    assert refused(error) and error.path == "frames[0].json"
    for depth in (100, 101, 600, 990):
        for document in (
            {
                "zinspect": 1,
                "sockets": [
                    {
                        "type": "PUSH",
                        "automation": {"send": {"frames": [{"json": nest_value(depth)}]}},
                    }
                ],
            },
            {"zinspect": 1, "messages": [{"name": "m", "frames": [{"json": nest_value(depth)}]}]},
        ):
            check_workspace_text(to_json_text(document))
    assert (
        parse_workspace(
            to_json_text(
                {
                    "zinspect": 1,
                    "sockets": [
                        {
                            "type": "PUSH",
                            "automation": {"send": {"frames": [{"json": nest_value(99)}]}},
                        }
                    ],
                }
            )
        ).invalid
        == []
    )  # 100 deep: the most a {"json"} frame may be
