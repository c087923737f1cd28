"""Topics and field paths: what the Topics view, plots and columns read from a message."""

from __future__ import annotations

import pytest

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.explore.fields import (
    FieldPath,
    PathError,
    field_value,
    message_topic,
    numeric,
)

decoder = MessageDecoder()


def test_a_weather_update_is_on_its_zip_code_and_its_words_are_fields():
    frames = [b"10001 -70 49"]
    decoded = decoder.decode(frames)
    assert message_topic(frames, decoded) == "10001"
    assert field_value(decoded, FieldPath.parse("f1[2]")) == "-70"
    assert numeric(field_value(decoded, FieldPath(1, (3,)))) == 49.0
    assert field_value(decoded, FieldPath(1, (4,))) is None


def test_paths_into_json_round_trip_through_their_text():
    frames = [b"sensors/a", b'{"temp": 21.5, "data": {"text/plain": [1, 2]}}']
    decoded = decoder.decode(frames)
    assert message_topic(frames, decoded) == "sensors/a"
    path = FieldPath(2, ("data", "text/plain", 1))
    assert path.text() == 'f2.data["text/plain"][1]'
    assert FieldPath.parse(path.text()) == path
    assert field_value(decoded, path) == 2
    assert numeric(field_value(decoded, FieldPath.parse("f2.temp"))) == 21.5
    assert field_value(decoded, FieldPath.parse("f2.nothing.here")) is None
    assert field_value(decoded, FieldPath.parse("f9")) is None


@pytest.mark.parametrize("text", ["2.temp", "f0", "f2.", "f2[x]", 'f2["open'])
def test_a_bad_path_is_refused_in_words(text):
    with pytest.raises(PathError):
        FieldPath.parse(text)


def test_numbers_are_read_from_numbers_and_numeric_text_only():
    assert [numeric(v) for v in (3, 2.5, True, "1e3", "x", None, float("nan"), [1])] == [
        3.0,
        2.5,
        1.0,
        1000.0,
        None,
        None,
        None,
        None,
    ]


def test_binary_and_empty_messages_have_no_topic_but_binary_multipart_ones_do():
    assert message_topic([b"\x00\x01"]) == ""
    assert message_topic([]) == ""
    assert message_topic([b"\x00\x01", b"x"]) == "0x0001"
