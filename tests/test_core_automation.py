"""Automations in core, the spec: the JSON spec (parse, errors with their exact place, round
trip) and placeholder templates.

The runners have their own file (test_core_automation_runner.py)."""

from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zinspect.core.automation.automation import (
    DEFAULT_TIMEOUT_MS,
    AutomationSpec,
    ForwardSpec,
    ReplySpec,
    SendSpec,
    automation_to_json,
    check_template,
    compile_template,
    parse_automation,
    render_frames,
)
from zinspect.core.automation.templates import PLACEHOLDER_HELP
from zinspect.core.frames_json import SpecError

PATH = "sockets[1].automation"


def error_of(obj, **kwargs) -> str:
    with pytest.raises(SpecError) as info:
        parse_automation(obj, PATH, **kwargs)
    return str(info.value)


# -- parsing --------------------------------------------------------------------------------


def test_the_issue_examples_parse():
    hello = parse_automation({"reply": {"frames": ["World"]}}, PATH, type_name="REP")
    assert hello.reply == ReplySpec(echo=False, frames=[b"World"], delay_ms=0)
    assert hello.send is None and hello.forward is None
    client = parse_automation(
        {"send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}}, PATH, type_name="REQ"
    )
    assert client.send == SendSpec(
        frames=["Hello {seq}"], count=10, interval_ms=0, timeout_ms=DEFAULT_TIMEOUT_MS
    )
    echo = parse_automation({"reply": {"echo": True, "delay_ms": 250}}, PATH, type_name="ROUTER")
    assert echo.reply == ReplySpec(echo=True, frames=None, delay_ms=250)
    worker = parse_automation(
        {"forward": {"to": "sink"}},
        PATH,
        type_name="PULL",
        name="work",
        sockets={"work": "PULL", "sink": "PUSH"},
    )
    assert worker.forward == ForwardSpec(to="sink")


def test_send_without_count_runs_until_stopped_and_binary_frames_stay_bytes():
    spec = parse_automation(
        {
            "send": {
                "frames": [{"hex": "00 ff"}, {"json": {"a": [1, 2]}}, {"base64": "AAE="}, "t {{x}}"]
            }
        },
        PATH,
    )
    assert spec.send.count is None and spec.send.interval_ms == 0
    assert spec.send.frames == [b"\x00\xff", b'{"a":[1,2]}', b"\x00\x01", "t {{x}}"]


@pytest.mark.parametrize(
    "obj, kwargs, message",
    [
        (
            {"send": {"frames": ["a"], "count": -3}},
            {},
            f"{PATH}.send.count: expected a positive integer, got -3",
        ),
        (
            {"send": {"frames": ["a"], "count": 0}},
            {},
            f"{PATH}.send.count: expected a positive integer, got 0",
        ),
        (
            {"send": {"frames": ["a"], "count": "lots"}},
            {},
            f'{PATH}.send.count: expected a positive integer, got "lots"',
        ),
        (
            {"send": {"frames": ["a"], "interval_ms": -1}},
            {},
            f"{PATH}.send.interval_ms: expected a whole number of 0 or more, got -1",
        ),
        (
            {"send": {"frames": ["a"], "timeout_ms": 0}},
            {},
            f"{PATH}.send.timeout_ms: expected a positive integer, got 0",
        ),
        (
            {"send": {"frames": ["ok", "Hello {foo}"]}},
            {},
            f"{PATH}.send.frames[1]: unknown placeholder {{foo}}; {PLACEHOLDER_HELP}",
        ),
        (
            {"send": {"frames": ["{rand:9:1}"]}},
            {},
            f"{PATH}.send.frames[0]: {{rand:9:1}}: the lower bound 9 is above the upper bound 1",
        ),
        (
            {"send": {"frames": ["{rand:a:b}"]}},
            {},
            f"{PATH}.send.frames[0]: {{rand:a:b}}: write {{rand:A:B}} with whole numbers A <= B, "
            "e.g. {rand:1:6}",
        ),
        (
            {"send": {"frames": ["oops {seq"]}},
            {},
            f"{PATH}.send.frames[0]: a '{{' at character 6 is not closed; {PLACEHOLDER_HELP}",
        ),
        ({"send": {"frames": []}}, {}, f"{PATH}.send.frames: a message needs at least one frame"),
        ({"send": {"count": 3}}, {}, f"{PATH}.send.frames: missing: a list of the frames to send"),
        ({"send": {"frames": [{"hex": "zz"}]}}, {}, f'{PATH}.send.frames[0].hex: not hex: "zz"'),
        (
            {"send": {"frames": ["a"]}},
            {"type_name": "REP"},
            f'{PATH}.send: a REP socket only answers requests: use "reply" instead',
        ),
        (
            {"send": {"frames": ["a"]}},
            {"type_name": "SUB"},
            f"{PATH}.send: a SUB socket cannot send",
        ),
        (
            {"send": {"frames": ["a"]}},
            {"type_name": "ROUTER"},
            f"{PATH}.send.frames: a ROUTER sends the peer's routing id first, then the data: at "
            'least two frames (or "to": "ready" or "each")',
        ),
        (
            {"reply": {"echo": True}},
            {"type_name": "REQ"},
            f"{PATH}.reply: a REQ socket cannot reply; only REP, ROUTER, DEALER, PAIR sockets can",
        ),
        (
            {"reply": {"echo": True}},
            {"type_name": "PUB"},
            f"{PATH}.reply: a PUB socket cannot reply; only REP, ROUTER, DEALER, PAIR sockets can",
        ),
        (
            {"reply": {}},
            {},
            f'{PATH}.reply: say how to reply: "echo": true, "frames": [...] or "rules": [...]',
        ),
        (
            {"reply": {"echo": True, "frames": ["x"]}},
            {},
            f'{PATH}.reply: choose "echo": true or "frames", not both',
        ),
        ({"reply": {"frames": []}}, {}, f"{PATH}.reply.frames: a reply needs at least one frame"),
        (
            {"reply": {"frames": ["x"], "delay_ms": 1.5}},
            {},
            f"{PATH}.reply.delay_ms: expected a whole number of 0 or more, got 1.5",
        ),
        ({"reply": {"echo": "yes"}}, {}, f'{PATH}.reply.echo: expected true or false, got "yes"'),
        (
            {"forward": {"to": ""}},
            {},
            f"{PATH}.forward.to: expected a socket name, got an empty string",
        ),
        ({"forward": {"to": 3}}, {}, f"{PATH}.forward.to: expected a socket name, got 3"),
        (
            {"forward": {"to": "x"}},
            {"name": "x"},
            f"{PATH}.forward.to: a socket cannot forward to itself",
        ),
        (
            {"forward": {"to": "nobody"}},
            {"sockets": {"me": "PULL"}},
            f'{PATH}.forward.to: no socket named "nobody"',
        ),
        (
            {"forward": {"to": "s"}},
            {"sockets": {"s": "SUB"}},
            f'{PATH}.forward.to: "s" is a SUB socket, which cannot send',
        ),
        (
            {"forward": {"to": "s"}},
            {"type_name": "PUSH"},
            f"{PATH}.forward: a PUSH socket receives nothing to forward",
        ),
        (
            {"forward": {"to": "s"}},
            {"type_name": "REP"},
            f'{PATH}.forward: a REP socket must answer each request before the next: use "reply", '
            "or a ROUTER to forward",
        ),
        (
            {"reply": {"echo": True}, "forward": {"to": "s"}},
            {},
            f'{PATH}: choose "reply" or "forward": a received message cannot be both answered and '
            "forwarded",
        ),
        (
            {"replay": {}},
            {},
            f"{PATH}.replay: unknown key; expected reply, send, forward, script, start or stop",
        ),
        (
            {"send": {"frames": ["a"], "every": 3}},
            {},
            f"{PATH}.send.every: unknown key; expected frames, count, interval_ms, "
            "timeout_ms, tries, to, steps or repeat",
        ),
        (
            [],
            {},
            f'{PATH}: expected an object with "reply", "send", "forward" or "script", got a list',
        ),
    ],
)
def test_bad_values_name_their_place_and_value(obj, kwargs, message):
    assert error_of(obj, **kwargs) == message


def test_round_trip_keeps_every_field_and_leaves_defaults_out():
    spec = AutomationSpec(
        reply=ReplySpec(frames=[b"World", b"\x00\x01", b""], delay_ms=5),
        send=SendSpec(
            frames=["Hello {seq} {{x}}", b"plain bytes", b'{"k":1}', b"\xff"],
            count=3,
            interval_ms=20,
            timeout_ms=500,
        ),
        forward=None,
    )
    data = automation_to_json(spec)
    assert data["send"]["frames"] == [
        "Hello {seq} {{x}}",
        {"hex": b"plain bytes".hex()},
        {"json": {"k": 1}},
        {"hex": "ff"},
    ]
    assert data["reply"] == {"frames": ["World", {"hex": "0001"}, ""], "delay_ms": 5}
    assert parse_automation(data, PATH) == spec
    simple = AutomationSpec(send=SendSpec(frames=["x"]), forward=ForwardSpec(to="out"))
    assert automation_to_json(simple) == {
        "send": {"frames": ["x"], "interval_ms": 0},
        "forward": {"to": "out"},
    }
    assert parse_automation(automation_to_json(simple), PATH) == simple
    assert automation_to_json(AutomationSpec(reply=ReplySpec(echo=True))) == {
        "reply": {"echo": True}
    }


@given(
    st.lists(st.one_of(st.text(max_size=20), st.binary(max_size=20)), min_size=1, max_size=4),
    st.one_of(st.none(), st.integers(1, 10**6)),
    st.integers(0, 10**5),
    st.integers(1, 10**6),
)
def test_any_send_spec_round_trips(frames, count, interval, timeout):
    frames = [
        f if isinstance(f, bytes) else f.replace("{", "{{").replace("}", "}}") for f in frames
    ]
    spec = AutomationSpec(
        send=SendSpec(frames=frames, count=count, interval_ms=interval, timeout_ms=timeout)
    )
    assert parse_automation(automation_to_json(spec), PATH) == spec


# -- templates ------------------------------------------------------------------------------


def render(text: str, seq: int = 0) -> bytes:
    return render_frames([compile_template(text)], seq)[0]


def test_placeholders_render():
    assert render("Hello {seq}", 7) == b"Hello 7"
    assert render("{{seq}} is {seq}}}", 2) == b"{seq} is 2}"
    assert render("") == b""
    assert render("no braces at all") == b"no braces at all"
    assert render("a } b") == b"a } b"
    stamp = float(render("{time}"))
    assert abs(stamp - time.time()) < 5
    assert uuid.UUID(render("{uuid}").decode()).version == 4
    assert render("{uuid}") != render("{uuid}")
    values = {int(render("{rand:-3:-1}")) for _ in range(300)}
    assert values == {-3, -2, -1}
    assert render("{rand:5:5}") == b"5"
    assert render("é {seq}", 1) == "é 1".encode()


def test_check_template_says_what_is_wrong_in_words():
    assert check_template("Hello {seq}") == ""
    assert check_template("{nope}").startswith("unknown placeholder {nope}")
