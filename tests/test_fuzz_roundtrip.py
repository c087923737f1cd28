"""Round trips, fuzzed: what zinspect writes, it reads back exactly (frames, templates,
automations, security, option values).

- each frame encoding: the text a frame is shown or typed in (text, hex in every spelling
  people paste, base64 with line breaks, JSON compact or indented) encodes back to the same
  bytes; a frame's JSON form in a file (frames_json) gives back the same bytes;
- message templates: an escaped text renders as itself;
- automations: automation_to_json, through JSON text, parses back to an equal spec;
- security objects (with save_secrets) read back equal;
- option values: every on/off and choice value the form shows parses back.

Workspaces and capture files have their own file (test_fuzz_roundtrip_files.py); the
strategies both files draw from are in roundtrip_strategies.py.

Complements the existing round trips (test_core_codecs: editable_form and the hex/base64
views; test_core_automation: send specs; test_core_option_catalog: numbers and routing ids).
"""

from __future__ import annotations

import base64
import json

import pytest
from fuzz_support import ANY_CHAR, fuzz
from hypothesis import given
from hypothesis import strategies as st
from roundtrip_strategies import NAMES, REPLIES, SENDS, fixed, security_specs

from zinspect.core.automation.automation import (
    AutomationSpec,
    ForwardSpec,
    automation_to_json,
    compile_template,
    escape_template,
    parse_automation,
    render_frames,
)
from zinspect.core.codecs import auto_view, encode_frame, printable_text, render
from zinspect.core.frames_json import (
    frame_from_json,
    frame_to_json,
    frames_from_json,
    frames_to_json,
)
from zinspect.core.security.spec_json import security_from_json, security_to_json
from zinspect.core.sockets.option_catalog import CATALOG, format_value, parse_value

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


@fuzz(150)
@given(security_specs().map(fixed))
def test_any_security_written_as_json_text_reads_back_equal(spec):
    text = json.dumps(security_to_json(spec))
    assert security_from_json(json.loads(text), "security") == spec


# -- option values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(name for name, spec in CATALOG.items() if spec.kind in ("bool", "choice"))
)
def test_every_on_off_and_choice_value_the_form_shows_parses_back(name):
    spec = CATALOG[name]
    for value, _meaning in spec.special:
        assert parse_value(spec, format_value(spec, value)) == value
