"""Reply rules, send sequences and start/stop conditions as a workspace writes them: read,
checked in words with their place, and written back unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zinspect.core.automation.automation import automation_to_json, parse_automation
from zinspect.core.automation.rules import FrameTest, matches, message_body
from zinspect.core.frames_json import SpecError
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace, read_workspace

PATH = "sockets[0].automation"
SOCKETS = {"worker": "DEALER", "sync": "REP", "pub": "PUB", "router": "ROUTER", "req": "REQ"}

MDP_WORKER = {
    "reply": {
        "rules": [
            {
                "match": [{"frame": 0, "equals": "MDPW01"}, {"frame": 1, "equals": {"hex": "02"}}],
                "reply": ["MDPW01", {"hex": "03"}, "{frame:2}", "", "{frame:4}"],
            },
            {"match": [{"frame": 1, "equals": {"hex": "04"}}], "reply": None},
            {"match": [{"frame": 0, "regex": "^PING [0-9]+$"}], "reply": ["PONG {seq:04d}"]},
            {"match": [{"frame": 0, "starts_with": "Hi"}, {"frame": 1}], "reply": ["hello"]},
        ],
        "delay_ms": [5, 10],
    },
    "send": {"frames": ["", "MDPW01", {"hex": "01"}, "echo"], "count": 1, "interval_ms": 0},
}
DEALER_BOSS = {
    "send": {
        "steps": [
            {"frames": ["", "task {seq}"], "count": 100, "interval_ms": 0, "to": "ready"},
            {"frames": ["", "END"], "count": 1, "interval_ms": 0, "to": "each"},
        ]
    },
    "stop": {"after_ms": 60000},
}
ALTERNATING = {
    "send": {
        "steps": [
            {"frames": ["A", "We don't want to see this"], "count": 1, "interval_ms": 100},
            {"frames": ["B", "We would like to see this"], "count": 1, "interval_ms": 100},
        ],
        "repeat": True,
    }
}
SYNC_PUB = {
    "send": {"steps": [{"frames": ["Rhubarb"], "count": 10, "interval_ms": 0}]},
    "start": {"socket": "sync", "received": 2},
}
LAZY = {
    "send": {"frames": ["{seq}"], "count": 10, "interval_ms": 0, "timeout_ms": 2500, "tries": 3}
}
END_WORKER = {
    "send": {"frames": ["Hi Boss"], "interval_ms": 0},
    "stop": {"match": [{"frame": 0, "equals": "END"}]},
    "start": {"connected": True, "after_ms": 100},
}
FORWARD = {"forward": {"to": "pub", "delay_ms": 250}}


def parse(obj, type_name, name="me"):
    return parse_automation(obj, PATH, type_name=type_name, name=name, sockets=SOCKETS)


@pytest.mark.parametrize(
    ("obj", "type_name"),
    [
        (MDP_WORKER, "DEALER"),
        (DEALER_BOSS, "ROUTER"),
        (ALTERNATING, "PUB"),
        (SYNC_PUB, "PUB"),
        (LAZY, "REQ"),
        (END_WORKER, "REQ"),
        (FORWARD, "SUB"),
    ],
)
def test_workspace_forms_read_back_unchanged(obj, type_name):
    spec = parse(obj, type_name)
    assert automation_to_json(spec) == obj
    assert parse(automation_to_json(spec), type_name) == spec


def test_rules_match_the_body_after_the_envelope():
    heartbeat = [b"", b"MDPW01", b"\x04"]
    body = message_body(heartbeat, "DEALER")
    assert list(body) == [b"MDPW01", b"\x04"]
    assert matches([FrameTest(1, "equals", b"\x04")], body)
    assert not matches([FrameTest(1, "equals", b"\x02")], body)
    assert list(message_body([b"id", b"", b"Hi"], "ROUTER")) == [b"Hi"]
    assert list(message_body([b"topic", b"", b"x"], "SUB")) == [b"topic", b"", b"x"]
    assert matches([], [b"anything"])
    assert matches([FrameTest(0, "regex", b"^task [0-9]+$")], [b"task 12"])
    assert not matches([FrameTest(2, "any")], [b"a", b"b"])


@pytest.mark.parametrize(
    ("obj", "type_name", "message"),
    [
        (
            {"reply": {"rules": [{"match": [{"frame": 0, "regex": "("}], "reply": None}]}},
            "REP",
            f"{PATH}.reply.rules[0].match[0].regex: Invalid regular expression: missing ) "
            "at position 2",
        ),
        (
            {"reply": {"rules": [{"match": [{"equals": "a", "regex": "b"}], "reply": None}]}},
            "REP",
            f"{PATH}.reply.rules[0].match[0]: choose one of equals, regex",
        ),
        (
            {"reply": {"rules": [{"match": []}]}},
            "REP",
            f"{PATH}.reply.rules[0].reply: missing: the frames to reply, or null for no reply",
        ),
        (
            {"reply": {"rules": [{"reply": ["{frame:x}"]}]}},
            "REP",
            f"{PATH}.reply.rules[0].reply[0]: {{frame:x}}: write {{frame:N}}, {{frame:N:text}} "
            "or {frame:N:hex}",
        ),
        (
            {"reply": {"echo": True, "delay_ms": [9, 3]}},
            "REP",
            f"{PATH}.reply.delay_ms: the low delay 9 is above the high delay 3",
        ),
        (
            {"send": {"steps": [{"frames": ["x"]}, {"frames": ["y"], "count": 1}]}},
            "PUB",
            f"{PATH}.send.steps[0].count: a step without a count never ends: only the last "
            "step of a sequence that is not repeated may have none",
        ),
        (
            {"send": {"frames": ["x"], "to": "each"}},
            "PUB",
            f"{PATH}.send.to: only a ROUTER chooses its peer; a PUB cannot",
        ),
        (
            {"send": {"frames": ["x"], "tries": 3}},
            "DEALER",
            f"{PATH}.send.tries: only a REQ waits for replies to retry; a DEALER does not",
        ),
        (
            {"send": {"frames": ["x"]}, "start": {"socket": "nowhere", "received": 1}},
            "PUB",
            f'{PATH}.start.socket: no socket named "nowhere"',
        ),
        (
            {"send": {"frames": ["x"]}, "stop": {}},
            "PUB",
            f'{PATH}.stop: say when to stop: "after_ms", "received" or "match"',
        ),
        (
            {"send": {"frames": ["x"]}, "stop": {"connected": True}},
            "PUB",
            f"{PATH}.stop.connected: unknown key; expected after_ms, socket, received, match",
        ),
        (
            {"start": {"after_ms": 5}},
            "PUB",
            f'{PATH}: start and stop need something to do: "reply", "send", "forward" or "script"',
        ),
        (
            {"reply": {"echo": True}, "send": {"frames": ["x"], "to": "ready"}},
            "ROUTER",
            f'{PATH}.send: a ROUTER answers its waiting peers by "to" or by "reply", not both',
        ),
    ],
)
def test_bad_automations_name_their_place(obj, type_name, message):
    with pytest.raises(SpecError) as caught:
        parse(obj, type_name)
    assert str(caught.value) == message


def test_every_shipped_example_is_valid_and_saves_back_its_automations():
    examples = sorted((Path(__file__).parent.parent / "resources" / "examples").glob("*.json"))
    assert len(examples) == 9
    for path in examples:
        workspace = read_workspace(path)
        assert workspace.invalid == [], path.name
        again = parse_workspace(dump_workspace(workspace))
        assert [s.automation for s in again.sockets] == [s.automation for s in workspace.sockets]
        written = json.loads(path.read_text(encoding="utf-8"))["sockets"]
        assert [s.get("automation") for s in written] == [
            automation_to_json(s.automation) if s.automation else None for s in workspace.sockets
        ], path.name
