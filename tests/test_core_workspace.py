"""Workspace files: parsing with exact error places, stable dumps, atomic saves, and recreating
live sockets (options before binds, a failed bind leaves a socket with its error)."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from session_helpers import ANY_PORT, WAIT_MS, send, traffic

from zinspect.core.automation.automation import AutomationSpec, ReplySpec, SendSpec
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.atomic_save import save_workspace_atomic
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import SavedMessage, SocketSpec, Workspace, WorkspaceError
from zinspect.core.workspace.parse import parse_workspace, read_workspace
from zinspect.core.workspace.snapshot import snapshot

# A workspace exactly as docs/workspace-format.md says people may write it by hand.
HAND_WRITTEN = """\
{
  "zinspect": 1,
  "sockets": [
    {"name": "weather", "type": "SUB",
     "connect": ["tcp://127.0.0.1:5556"], "bind": [],
     "subscribe": ["10001"],
     "options": {"RCVHWM": 10000, "LINGER": 0}},
    {"name": "hello", "type": "REP", "bind": ["tcp://127.0.0.1:5555"],
     "automation": {"reply": {"frames": ["World"]}}},
    {"name": "client", "type": "REQ", "connect": ["tcp://127.0.0.1:5555"],
     "automation": {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}}}
  ]
}
"""

# ...and as zinspect writes it back (docs/workspace-format.md shows this form too).
SAVED = """\
{
  "zinspect": 1,
  "sockets": [
    {
      "name": "weather",
      "type": "SUB",
      "bind": [],
      "connect": ["tcp://127.0.0.1:5556"],
      "subscribe": ["10001"],
      "options": {"LINGER": 0, "RCVHWM": 10000}
    },
    {
      "name": "hello",
      "type": "REP",
      "bind": ["tcp://127.0.0.1:5555"],
      "connect": [],
      "automation": {"reply": {"frames": ["World"]}}
    },
    {
      "name": "client",
      "type": "REQ",
      "bind": [],
      "connect": ["tcp://127.0.0.1:5555"],
      "automation": {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}}
    }
  ],
  "messages": []
}
"""


def errors_of(text: str) -> list[str]:
    return [str(error) for error in parse_workspace(text).invalid]


def one_socket(**entry) -> str:
    return json.dumps({"zinspect": 1, "sockets": [entry]})


# -- parsing ------------------------------------------------------------------------------------


def test_the_hand_written_example_loads_with_every_key():
    workspace = parse_workspace(HAND_WRITTEN)
    assert workspace.invalid == []
    weather, hello, client = workspace.sockets
    assert weather == SocketSpec(
        "weather", "SUB", [], ["tcp://127.0.0.1:5556"], [b"10001"], {"LINGER": 0, "RCVHWM": 10000}
    )
    assert hello == SocketSpec(
        "hello",
        "REP",
        ["tcp://127.0.0.1:5555"],
        [],
        [],
        {},
        AutomationSpec(reply=ReplySpec(frames=[b"World"])),
    )
    assert client.automation == AutomationSpec(
        send=SendSpec(frames=["Hello {seq}"], count=10, interval_ms=0)
    )
    assert client.connect == ["tcp://127.0.0.1:5555"] and client.bind == []
    assert [s.source for s in workspace.sockets] == ["sockets[0]", "sockets[1]", "sockets[2]"]


def test_it_is_saved_in_a_stable_readable_form_that_reads_back_the_same():
    saved = dump_workspace(parse_workspace(HAND_WRITTEN))
    assert saved == SAVED
    assert dump_workspace(parse_workspace(saved)) == saved


def test_frames_in_every_form_and_saved_messages_round_trip_exactly():
    text = json.dumps(
        {
            "zinspect": 1,
            "sockets": [
                {
                    "name": "dealer",
                    "type": "DEALER",
                    "bind": "inproc://one",
                    "options": {"ROUTING_ID": {"hex": "00ff10"}, "ZMQ_SNDHWM": 5, "sndbuf ": None},
                },
                {"type": "XSUB", "subscribe": [{"base64": "AAE="}, "", {"json": {"a": 1}}]},
            ],
            "messages": [
                {"name": "ping", "socket": "dealer", "frames": ["", "ping", {"hex": "00 01"}]},
                {"name": " big ", "frames": [{"base64": "eHl6" * 100}], "socket": None},
            ],
            "comment": "extra keys are ignored",
        }
    )
    workspace = parse_workspace(text)
    assert [str(e) for e in workspace.invalid] == [
        "sockets[0].options.sndbuf : expected an integer, got null"
    ]
    text = text.replace(', "sndbuf ": null', "")
    workspace = parse_workspace(text)
    assert workspace.invalid == []
    dealer, xsub = workspace.sockets
    assert dealer.bind == ["inproc://one"]
    assert dealer.options == {"ROUTING_ID": b"\x00\xff\x10", "SNDHWM": 5}
    assert xsub.name == "" and xsub.subscribe == [b"\x00\x01", b"", b'{"a":1}']
    assert workspace.messages == [
        SavedMessage("ping", "dealer", [b"", b"ping", b"\x00\x01"]),
        SavedMessage("big", None, [b"xyz" * 100]),
    ]
    saved = dump_workspace(workspace)
    assert '"ROUTING_ID": {"hex": "00ff10"}' in saved
    again = parse_workspace(saved)
    assert (again.sockets, again.messages, again.invalid) == (
        workspace.sockets,
        workspace.messages,
        [],
    )
    assert dump_workspace(again) == saved


@pytest.mark.parametrize(
    "entry, expected",
    [
        (
            {"type": "SUB", "options": {"RCVHWM": "lots"}},
            'sockets[0].options.RCVHWM: expected an integer, got "lots"',
        ),
        (
            {"type": "SUB", "options": {"RCVHWM": True}},
            "sockets[0].options.RCVHWM: expected an integer, got true",
        ),
        (
            {"type": "SUB", "options": {"RCVHWM": 2**31}},
            "sockets[0].options.RCVHWM: expected an integer from -2147483648 to 2147483647, "
            "got 2147483648",
        ),
        (
            {"type": "SUB", "options": {"RCVHMW": 1}},
            'sockets[0].options.RCVHMW: unknown socket option "RCVHMW"; did you mean RCVHWM?',
        ),
        (
            {"type": "SUB", "options": {"TYPE": 1}},
            "sockets[0].options.TYPE: TYPE is read-only: libzmq reports it, it cannot be set",
        ),
        (
            {"type": "SUB", "options": {"SUBSCRIBE": "a"}},
            "sockets[0].options.SUBSCRIBE: SUBSCRIBE is not set as an option: subscriptions go "
            'in the socket\'s "subscribe" list',
        ),
        (
            {"type": "SUB", "options": {"IDENTITY": "a", "ROUTING_ID": "b"}},
            "sockets[0].options.ROUTING_ID: ROUTING_ID is set twice (also as IDENTITY)",
        ),
        (
            {"type": "SUB", "options": ["RCVHWM"]},
            'sockets[0].options: expected an object such as {"RCVHWM": 1000}, got a list',
        ),
        (
            {"type": "DEALER", "options": {"ROUTING_ID": {"hex": "xyz"}}},
            'sockets[0].options.ROUTING_ID.hex: not hex: "xyz"',
        ),
        ({"type": "SOCKET"}, "sockets[0].type: unknown socket type 'SOCKET'; choose one of "),
        ({"name": "x"}, 'sockets[0].type: missing: the socket type, e.g. "SUB"'),
        ({"type": 3}, 'sockets[0].type: expected a socket type such as "SUB", got 3'),
        (
            {"type": "SUB", "name": "  "},
            "sockets[0].name: expected a name, got an empty string (leave the key out to have "
            "one chosen)",
        ),
        (
            {"type": "SUB", "connect": ["tcp://127.0.0.1:5555", "localhost:5556"]},
            "sockets[0].connect[1]: 'localhost:5556' has no transport: write it as "
            "transport://address, for example tcp://localhost:5556",
        ),
        (
            {"type": "PUB", "bind": "tcp://*:99999"},
            "sockets[0].bind: Port 99999 is out of range: ports go from 1 to 65535",
        ),
        (
            {"type": "PUB", "bind": ["inproc://a", "inproc://a"]},
            'sockets[0].bind[1]: "inproc://a" is listed twice',
        ),
        (
            {"type": "PUB", "subscribe": ["a"]},
            "sockets[0].subscribe: only SUB and XSUB sockets subscribe; this is PUB",
        ),
        (
            {"type": "SUB", "subscribe": ["a", "b", "a"]},
            'sockets[0].subscribe[2]: the prefix "a" is listed twice',
        ),
        (
            {"type": "SUB", "subscribe": [7]},
            'sockets[0].subscribe[0]: expected a string or one of {"hex": …}, {"base64": …}, '
            '{"json": …}, got 7',
        ),
        (
            {"type": "PUB", "automation": {"reply": {"echo": True}}},
            "sockets[0].automation.reply: a PUB socket cannot reply; only REP, ROUTER, DEALER, "
            "PAIR sockets can",
        ),
        (
            {"type": "SUB", "name": "\ud800"},
            "sockets[0].name: the text holds an unpaired surrogate escape (\\ud800-\\udfff), which "
            "is not Unicode",
        ),
    ],
)
def test_a_bad_socket_is_reported_with_its_exact_place_and_value(entry, expected):
    errors = errors_of(one_socket(**entry))
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_every_mistake_of_an_entry_is_listed_and_every_valid_entry_is_kept():
    text = json.dumps(
        {
            "zinspect": 1,
            "sockets": [
                {"name": "ok-1", "type": "PUB", "bind": ["inproc://ok"]},
                {
                    "name": "bad",
                    "type": "SUB",
                    "options": {"RCVHWM": "lots", "LINGER": -1},
                    "connect": [5],
                },
                "not a socket",
                {"name": "ok-1", "type": "SUB"},
                {"name": "ok-2", "type": "SUB", "connect": ["inproc://ok"], "subscribe": [""]},
            ],
            "messages": [
                {"name": "m"},
                {"name": "fine", "frames": ["x"]},
                {"name": "fine", "frames": ["y"]},
            ],
        }
    )
    workspace = parse_workspace(text)
    assert [s.name for s in workspace.sockets] == ["ok-1", "ok-2"]
    assert [m.name for m in workspace.messages] == ["fine"]
    assert [str(e) for e in workspace.invalid] == [
        'sockets[1].connect[0]: expected an endpoint such as "tcp://127.0.0.1:5555", got 5',
        'sockets[1].options.RCVHWM: expected an integer, got "lots"',
        'sockets[2]: expected a socket object such as {"type": "SUB", "connect": [...]}, '
        'got "not a socket"',
        'sockets[3].name: "ok-1" is the name of sockets[0] already; socket names must differ',
        "messages[0].frames: missing: a list of the frames to send",
        'messages[2].name: "fine" is the name of messages[1] already',
    ]
    assert workspace.invalid[1].path == "sockets[1].options.RCVHWM"


def test_sockets_and_messages_that_are_not_lists_are_reported_not_refused():
    workspace = parse_workspace('{"zinspect": 1, "sockets": {"a": 1}, "messages": "none"}')
    assert workspace.sockets == [] and workspace.messages == []
    assert [str(e) for e in workspace.invalid] == [
        "sockets: expected a list of sockets, got an object",
        'messages: expected a list of saved messages, got "none"',
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            '{"zinspect": 1, "sockets": [',
            "Not a workspace: the file is not valid JSON: Expecting value (line 1, column 29)",
        ),
        ("", "Not a workspace: the file is not valid JSON: Expecting value (line 1, column 1)"),
        (
            "[1, 2]",
            'Not a workspace: expected a JSON object such as {"zinspect": 1, "sockets": '
            "[...]}, got a list",
        ),
        (
            '{"sockets": []}',
            'Not a zinspect workspace: it has no "zinspect": 1 format version at the top',
        ),
        (
            '{"zinspect": "1"}',
            'Not a zinspect workspace: "zinspect" must be the format version 1, got "1"',
        ),
        (
            '{"zinspect": 2, "sockets": [{"type": "FUTURE"}]}',
            "This workspace was written by a newer zinspect (format version 2); "
            "this zinspect reads version 1: update zinspect to open it",
        ),
        ("[" * 100_000, "Not a workspace: the JSON is nested too deeply"),
    ],
)
def test_only_a_file_that_is_not_a_workspace_or_is_newer_is_refused_whole(text, expected):
    with pytest.raises(WorkspaceError) as caught:
        parse_workspace(text)
    assert str(caught.value) == expected


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
    assert again.invalid == []
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


# -- files --------------------------------------------------------------------------------------


def test_saving_is_atomic_and_keeps_permissions(tmp_path, monkeypatch):
    path = tmp_path / "a.zinspect.json"
    save_workspace_atomic(path, SAVED)
    assert path.read_text(encoding="utf-8") == SAVED
    os.chmod(path, 0o640)
    save_workspace_atomic(path, SAVED.replace("weather", "météo"))
    assert "météo" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.zinspect.json"]  # no temp file left

    def crash(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(WorkspaceError, match="Could not save .*: No space left on device"):
        save_workspace_atomic(path, "{}")
    assert "météo" in path.read_text(encoding="utf-8")  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["a.zinspect.json"]


def test_saving_where_it_cannot_says_why(tmp_path):
    with pytest.raises(WorkspaceError, match="Could not save .*No such file or directory"):
        save_workspace_atomic(tmp_path / "missing" / "a.zinspect.json", SAVED)


def test_saving_through_a_symlink_replaces_the_file_it_points_to(tmp_path):
    real = tmp_path / "real.zinspect.json"
    real.write_text("{}")
    link = tmp_path / "link.zinspect.json"
    link.symlink_to(real)
    save_workspace_atomic(link, SAVED)
    assert link.is_symlink() and real.read_text(encoding="utf-8") == SAVED


def test_reading_files_refuses_in_words_and_logs_it(tmp_path, caplog):
    caplog.expected_warnings = True
    path = tmp_path / "a.zinspect.json"
    path.write_bytes(b"\xef\xbb\xbf" + SAVED.encode())  # a byte-order mark is fine
    assert len(read_workspace(path).sockets) == 3
    path.write_bytes(b'{"zinspect": 1, "sockets": ["\xff"]}')
    with pytest.raises(
        WorkspaceError, match=r"^Not a workspace: the file is not UTF-8 text \(byte 30\)$"
    ):
        read_workspace(path)
    with pytest.raises(WorkspaceError, match="^Cannot open the file: No such file or directory$"):
        read_workspace(tmp_path / "nothing.zinspect.json")
    refusals = [r for r in caplog.records if r.name == "zinspect.core.workspace.parse"]
    assert [r.levelno for r in refusals] == [logging.WARNING, logging.WARNING]
    assert refusals[1].getMessage() == (
        f"{tmp_path / 'nothing.zinspect.json'}: Cannot open the file: No such file or directory"
    )


# -- live sockets --------------------------------------------------------------------------------


def test_set_option_sets_remembers_and_refuses_in_words(session):
    dealer = session.create_socket("DEALER")
    changed = []
    session.on_socket_changed.append(changed.append)
    dealer.set_option("rcvhwm", 7)
    dealer.set_option("IDENTITY", "me")
    assert dealer.socket.getsockopt(zmq.RCVHWM) == 7
    assert dealer.socket.getsockopt(zmq.ROUTING_ID) == b"me"
    assert dealer.options == {"RCVHWM": 7, "ROUTING_ID": b"me"}
    assert changed == [dealer, dealer]
    for name, value, message in [
        ("RCVHWM", "lots", "RCVHWM takes an integer, not str"),
        ("RCVHWM", 2**40, "RCVHWM takes an integer from -2147483648 to 2147483647"),
        ("NOPE", 1, 'unknown socket option "NOPE"'),
        ("EVENTS", 1, "EVENTS is read-only"),
        (
            "ROUTING_ID",
            b"",
            "ROUTING_ID = b'': libzmq refused it: not an option of a "
            "DEALER socket, or a value it does not take",
        ),
    ]:
        with pytest.raises(SocketError, match=message):
            dealer.set_option(name, value)
    assert dealer.options == {"RCVHWM": 7, "ROUTING_ID": b"me"}


def test_workspace_to_sockets_to_save_gives_the_identical_file(session, qtbot):
    text = dump_workspace(
        Workspace(
            sockets=[
                SocketSpec(
                    "server",
                    "ROUTER",
                    ["inproc://rt-server", ANY_PORT],
                    [],
                    [],
                    {"ROUTER_HANDOVER": 1, "SNDHWM": 50},
                    AutomationSpec(reply=ReplySpec(echo=True)),
                ),
                SocketSpec(
                    "client",
                    "DEALER",
                    [],
                    ["inproc://rt-server"],
                    [],
                    {"ROUTING_ID": b"\x00\x01peer"},
                ),
                SocketSpec("feed", "XSUB", [], ["inproc://rt-nowhere"], [b"", b"\xff"], {}),
                SocketSpec("sub", "SUB", [], [], [], {}),
            ],
            messages=[SavedMessage("hi", "client", [b"hi", b"\x00"])],
        )
    )
    workspace = parse_workspace(text)
    assert workspace.invalid == []
    assert apply_workspace(workspace, session) == []
    server = session.socket_named("server")
    assert [e.requested for e in server.endpoints] == ["inproc://rt-server", ANY_PORT]
    assert "*" not in server.endpoints[1].address  # bound to a real port, saved as asked
    assert dump_workspace(snapshot(session, workspace.messages)) == text


def test_options_are_set_before_connecting_and_automations_run(session, qtbot):
    text = HAND_WRITTEN.replace("tcp://127.0.0.1:5555", "inproc://hello").replace(
        "tcp://127.0.0.1:5556", "inproc://weather"
    )
    assert apply_workspace(parse_workspace(text), session) == []
    client = session.socket_named("client")
    qtbot.waitUntil(lambda: len(traffic(session, client)) == 10, timeout=WAIT_MS)
    assert traffic(session, client) == [[b"World"]] * 10
    hello = session.socket_named("hello")
    assert traffic(session, hello) == [[f"Hello {n}".encode()] for n in range(10)]
    weather = session.socket_named("weather")
    assert weather.socket.getsockopt(zmq.RCVHWM) == 10000
    assert weather.subscriptions == [b"10001"]

    # a routing id set as an option is the one the ROUTER sees: set before connecting
    workspace = parse_workspace(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {"name": "router", "type": "ROUTER", "bind": ["inproc://rid"]},
                    {
                        "name": "dealer",
                        "type": "DEALER",
                        "connect": ["inproc://rid"],
                        "options": {"ROUTING_ID": {"hex": "00beef"}},
                    },
                ],
            }
        )
    )
    assert workspace.invalid == [] and apply_workspace(workspace, session) == []
    send(session.socket_named("router")._loop, qtbot, session.socket_named("dealer"), b"x")
    router = session.socket_named("router")
    qtbot.waitUntil(lambda: traffic(session, router) == [[b"\x00\xbe\xef", b"x"]], timeout=WAIT_MS)


def test_a_bind_that_fails_leaves_the_socket_with_its_error(session, qtbot, caplog):
    caplog.expected_warnings = True
    taken = session.create_socket("PUB", "other").bind(ANY_PORT).address
    text = json.dumps(
        {
            "zinspect": 1,
            "sockets": [
                {"name": "pub", "type": "PUB", "bind": ["inproc://fine", taken]},
                {"name": "other", "type": "SUB"},
                {"name": "broken", "type": "SUB", "options": {"RCVHWM": "lots"}},
                {"name": "dealer", "type": "DEALER", "options": {"ROUTER_MANDATORY": 1}},
            ],
        }
    )
    lines = apply_workspace(parse_workspace(text), session)
    assert lines == [
        'sockets[2].options.RCVHWM: expected an integer, got "lots"',
        f"sockets[0].bind[1]: bind {taken}: Address already in use: another socket or "
        "program is bound there",
        "sockets[1]: A socket named 'other' exists already",
        "sockets[3].options.ROUTER_MANDATORY: ROUTER_MANDATORY = 1: libzmq refused it: not "
        "an option of a DEALER socket, or a value it does not take",
    ]
    pub = session.socket_named("pub")
    assert [e.address for e in pub.endpoints] == ["inproc://fine"]
    assert pub.last_error == (
        f"bind {taken}: Address already in use: another socket or program is bound there"
    )
    assert session.socket_named("dealer").last_error.startswith("ROUTER_MANDATORY = 1: libzmq")
    assert session.socket_named("broken") is None
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name == "zinspect.core.workspace.apply" and r.levelno == logging.WARNING
    ]
    assert logged == lines  # one line each, for the command line's stderr


def test_the_examples_in_the_format_document_are_what_zinspect_reads_and_writes():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "workspace-format.md").read_text()
    blocks = text.split("```json\n")[1:3]
    hand, saved = (block.split("```")[0] for block in blocks)
    assert hand.startswith(HAND_WRITTEN.rstrip("\n}").rstrip("\n ]"))
    workspace = parse_workspace(hand)
    assert workspace.invalid == [] and len(workspace.sockets) == 3
    assert dump_workspace(workspace) == saved
