"""Workspace files fuzzed: automations, a real workspace with one field changed, one
character off, or as any bytes on disk; the demos with one field changed and any demo
name; JSON frames nested deeper than the stack. What loads saves and reloads as it was
(apart from two known, documented gaps).

The property is the same for every parser (tests/fuzz_support.py): for any input, either a
valid result or zinspect's own error with a message in words; never another exception, never
a hang. The other parsers are fuzzed in the sibling tests/test_fuzz_*.py files.
"""

from __future__ import annotations

import json

from fuzz_support import (
    JSON_VALUES,
    JUNK_TEXT,
    NASTY_JSON_TEXTS,
    PUBLIC_1,
    PUBLIC_2,
    SECRET_1,
    SECRET_2,
    assert_in_words,
    fuzz,
    mutated,
    nest_value,
    outcome,
    refused,
    text_mutation,
    to_json_text,
)
from hypothesis import given
from hypothesis import strategies as st

from zinspect.core.automation.automation import parse_automation
from zinspect.core.demos.demos import DemoError, _folder, demo_names, load_demo, parse_demo
from zinspect.core.frames_json import SpecError, frame_from_json
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import Workspace, WorkspaceError
from zinspect.core.workspace.parse import parse_workspace, read_workspace

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
    what loaded saves (with the left-out entries as they were), reloads without new errors,
    and saves again to the same text."""
    workspace = outcome(lambda: parse_workspace(text), WorkspaceError)
    if refused(workspace):
        return
    for error in workspace.invalid:
        assert isinstance(error, SpecError) and error.path
        assert_in_words(error)
    saved = dump_workspace(workspace)
    again = parse_workspace(saved)
    # entries left out are written back as they were, and are left out again (with those
    # of a known gap below)
    assert len(again.left_out) >= len(workspace.left_out)
    new = [e for e in again.invalid if not any(entry.holds(e) for entry in again.left_out)]
    gaps = [e for e in again.invalid if known_gap(e, workspace)]
    assert [error for error in new if not known_gap(error, workspace)] == []
    assert len(again.left_out) <= len(workspace.left_out) + len(gaps)
    if not new:
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
