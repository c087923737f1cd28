"""Workspace files parsed: the hand-written example loads with every key, dumps are stable
and readable, frames in every form round-trip, every mistake is reported with its exact
place and value while every valid entry is kept, and the examples in
docs/workspace-format.md are what zinspect reads and writes.

The other workspace topics are in the sibling tests/test_core_workspace_*.py files.
"""

from __future__ import annotations

import json

import pytest
from workspace_examples import HAND_WRITTEN, SAVED

from zinspect.core.automation.automation import AutomationSpec, ReplySpec, SendSpec
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import SavedMessage, SocketSpec, WorkspaceError
from zinspect.core.workspace.parse import parse_workspace


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


def test_the_examples_in_the_format_document_are_what_zinspect_reads_and_writes():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "workspace-format.md").read_text()
    blocks = text.split("```json\n")[1:3]
    hand, saved = (block.split("```")[0] for block in blocks)
    assert hand.startswith(HAND_WRITTEN.rstrip("\n}").rstrip("\n ]"))
    workspace = parse_workspace(hand)
    assert workspace.invalid == [] and len(workspace.sockets) == 3
    assert dump_workspace(workspace) == saved
