"""Decoding a message: the automatic guess, rules by frame and topic, failures in words."""

from __future__ import annotations

from zinspect.core.decode.decoder import MessageDecoder, value_text
from zinspect.core.decode.model import DecodeRule


def test_without_rules_json_text_and_binary_frames_are_guessed_and_said_so():
    decoded = MessageDecoder().decode([b"topic", b'{"a": 1, "b": [1, 2]}', b"\x00\x01"])
    assert [frame.decoder for frame in decoded.frames] == ["text", "json", "raw"]
    assert all(frame.guessed for frame in decoded.frames)
    assert decoded.frames[1].value == {"a": 1, "b": [1, 2]}
    assert decoded.summary == 'topic | {"a": 1, "b": [1, 2]} | 0x 00 01'


def test_a_rule_for_a_topic_and_frame_chooses_the_decoder_and_a_failure_keeps_the_bytes():
    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("json", topic="sensors/", frame=2)])
    good = decoder.decode([b"sensors/a", b"[1]"], "s")
    assert good.frames[1].decoder == "json" and not good.frames[1].guessed
    bad = decoder.decode([b"sensors/a", b"{oops"], "s")
    assert bad.frames[1].value == b"{oops" and bad.frames[1].error.startswith("not JSON")
    other_topic = decoder.decode([b"other", b"{oops"], "s")
    assert other_topic.frames[1].guessed and other_topic.frames[1].error is None


def test_an_unknown_decoder_name_is_a_reason_not_an_exception():
    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("yaml")])
    frame = decoder.decode([b"x"], "s").frames[0]
    assert frame.error == "no decoder named 'yaml'" and frame.value == b"x"


def test_a_huge_decoded_value_is_cut_for_the_table_without_rendering_it_all():
    value = {str(key): list(range(100)) for key in range(100_000)}
    text = value_text(value, 40)
    assert len(text) == 40 and text.endswith("…") and text.startswith('{"0": [0, 1')


def test_sequence_gaps_count_what_a_stream_skipped_per_topic():
    from zinspect.core.decode.gaps import SequenceGaps
    from zinspect.core.decode.model import Recognition

    def seen(topic: str, sequence: int) -> Recognition:
        return Recognition("bitcoin", "", {"topic": topic, "sequence": sequence})

    gaps = SequenceGaps()
    fed = [
        gaps.feed("sub", seen("hashtx", 5)),
        gaps.feed("sub", seen("hashblock", 0)),
        gaps.feed("sub", seen("hashtx", 6)),
        gaps.feed("sub", seen("hashtx", 9)),  # 7 and 8 missed
        gaps.feed("sub", seen("hashblock", 1)),
        gaps.feed("sub", seen("hashtx", 0)),  # the publisher restarted: no gap
        gaps.feed("sub", None),
    ]
    assert fed == [None, None, None, 2, None, None, None]
    assert gaps.missed_total == 2
    assert gaps.feed("sub", seen("wrap", 0xFFFFFFFF)) is None
    assert gaps.feed("sub", seen("wrap", 1)) == 1  # the 4-byte counter wrapped past 0


def test_a_closed_sockets_decode_rules_do_not_pass_to_a_new_socket_of_its_name(session):
    sensors = session.create_socket("SUB", "sensors")
    session.decoder.set_rules("sensors", [DecodeRule("json")])
    sensors.close()
    assert session.decoder.rules("sensors") == ()
    session.create_socket("SUB", "sensors")
    assert session.decoder.decode([b"{oops"], "sensors", "SUB").frames[0].error is None
