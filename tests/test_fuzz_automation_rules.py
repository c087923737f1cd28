"""Fuzzed round trips of the protocol automations: any reply rules, send sequence and start/
stop conditions written by automation_to_json read back to an equal spec, and any text typed
as a template or a frame test is either accepted or refused in words, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from zinspect.core.automation.automation import (
    AutomationSpec,
    ReplyRule,
    ReplySpec,
    SendSpec,
    SendStep,
    automation_to_json,
    parse_automation,
)
from zinspect.core.automation.conditions import Trigger
from zinspect.core.automation.rules import FrameTest, parse_test
from zinspect.core.automation.templates import check_template
from zinspect.core.frames_json import SpecError

LITERALS = st.text(st.characters(exclude_characters="{}", exclude_categories=["Cs"]), max_size=6)
PLACEHOLDERS = st.sampled_from(
    [
        "{seq:05d}",
        "{rand:0:99:03d}",
        "{choice:a|b|c}",
        "{letter}",
        "{u8:seq}",
        "{u16le:9}",
        "{u32be:seq}",
        "{u64le:seq}",
        "{bytes:4}",
        "{uuid:bytes}",
        "{{",
    ]
)
TEMPLATES = st.lists(LITERALS | PLACEHOLDERS, max_size=4).map("".join)
REPLY_TEMPLATES = st.lists(
    LITERALS | PLACEHOLDERS | st.sampled_from(["{frame:0}", "{frame:2:text}", "{frame:1:hex}"]),
    max_size=4,
).map("".join)
FRAMES = st.lists(TEMPLATES | st.binary(max_size=12), min_size=1, max_size=3)
TESTS = st.lists(
    st.builds(
        FrameTest,
        frame=st.integers(0, 9),
        kind=st.sampled_from(["equals", "starts_with"]),
        value=st.binary(max_size=8),
    )
    | st.builds(FrameTest, frame=st.integers(0, 9), kind=st.just("any"))
    | st.builds(
        FrameTest,
        frame=st.integers(0, 9),
        kind=st.just("regex"),
        value=st.sampled_from([b"^a+$", b"[0-9]{2}", b"END"]),
    ),
    max_size=3,
)
RULES = st.lists(
    st.builds(
        ReplyRule,
        match=TESTS,
        frames=st.none()
        | st.lists(REPLY_TEMPLATES | st.binary(max_size=8), min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=3,
)
DELAYS = st.integers(0, 500).flatmap(
    lambda low: st.tuples(st.just(low), st.none() | st.integers(low, 1000))
)
STEPS = st.lists(
    st.builds(SendStep, frames=FRAMES, count=st.integers(1, 50), interval_ms=st.integers(0, 999)),
    min_size=1,
    max_size=3,
)
TRIGGERS = st.builds(
    Trigger,
    after_ms=st.integers(0, 10**6),
    socket=st.none() | st.just("other"),
    received=st.none() | st.integers(1, 99),
    match=st.none() | TESTS,
)


@st.composite
def specs(draw):
    low, high = draw(DELAYS)
    reply = ReplySpec(rules=draw(RULES), delay_ms=low, delay_max_ms=high)
    if draw(st.booleans()):
        reply.echo = True
    send = SendSpec(steps=draw(STEPS), repeat=draw(st.none() | st.integers(1, 5)))
    start = draw(st.none() | TRIGGERS)
    stop = draw(st.none() | TRIGGERS)
    if start is not None and start.socket and not start.has_event:
        start.socket = None
    if stop is not None:
        if stop.socket and not stop.has_event:
            stop.socket = None
        if not stop.has_event and not stop.after_ms:
            stop.after_ms = 1
    return AutomationSpec(reply=reply, send=send, start=start, stop=stop)


@settings(max_examples=150, deadline=None)
@given(specs())
def test_any_protocol_automation_reads_back_equal(spec):
    sockets = {"me": "DEALER", "other": "PULL"}
    obj = automation_to_json(spec)
    again = parse_automation(obj, "a", type_name="DEALER", name="me", sockets=sockets)
    assert again == spec
    assert automation_to_json(again) == obj


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_template_or_refused_in_words(text):
    for frames in (False, True):
        message = check_template(text, frames=frames)
        assert isinstance(message, str)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["frame", "equals", "starts_with", "regex", "other"]),
        st.integers(-3, 2000) | st.text(max_size=6) | st.none() | st.booleans(),
        max_size=3,
    )
)
def test_any_frame_test_object_is_read_or_refused_with_its_place(obj):
    try:
        parse_test(obj, "t")
    except SpecError as error:
        assert error.path.startswith("t") and error.message
