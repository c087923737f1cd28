"""Decoding in the traffic table and the sockets panel: the Summary column shows the decoded
message, the filter finds decoded text, the rules editor changes what the table says (and
refuses a bad frame number in words), and only the rows on screen are ever decoded."""

from __future__ import annotations

import time

from ui_actions import WAIT_MS

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodeRule
from zinspect.core.store import IN, Message, MessageStore
from zinspect.core.traffic_filter import TrafficFilter
from zinspect.ui.traffic.columns import COL_SUMMARY
from zinspect.ui.traffic.traffic_model import TrafficModel


def msg(socket: str, *frames: bytes) -> Message:
    return Message(time.time(), socket, IN, list(frames))


def summaries(model: TrafficModel) -> list[str]:
    return [model.data(model.index(row, COL_SUMMARY)) for row in range(model.rowCount())]


def test_the_summary_column_shows_the_decoded_message(qtbot):
    decoder = MessageDecoder()
    model = TrafficModel(MessageStore(), decoder=decoder)
    model.store.extend([msg("s", b"weather", b'{ "temp" :  21.5,\n "unit": "C" }')])
    model.refresh()
    assert summaries(model) == ['weather | {"temp": 21.5, "unit": "C"}']
    decoder.set_rules("s", [DecodeRule("raw", frame=1)])
    qtbot.waitUntil(
        lambda: summaries(model) == ['0x 77 65 61 74 68 65 72 | {"temp": 21.5, "unit": "C"}'],
        timeout=WAIT_MS,
    )


def test_the_filter_finds_text_only_the_decoded_message_has(qtbot):
    decoder = MessageDecoder()
    model = TrafficModel(MessageStore(), decoder=decoder)
    # "café" is escaped in the raw bytes: only the decoded value has it
    model.store.extend([msg("s", b'{"name": "caf\\u00e9"}'), msg("t", b'{"name": "tea"}')])
    model.set_filter(TrafficFilter(text="CAFÉ"))
    model.refresh()
    assert model.rowCount() == 0  # guessed JSON is searched in its raw text only
    decoder.set_rules("s", [DecodeRule("json")])
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=WAIT_MS)
    assert summaries(model) == ['{"name": "café"}']
    model.set_filter(TrafficFilter(text="caf[eé]$", regex=True))
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.filter_progress == 100, timeout=WAIT_MS)


def test_the_rules_editor_sets_a_rule_and_the_table_re_decodes(user, window, qtbot):
    handle = user.create("PULL", "in-1")
    window.session.store.extend([msg("in-1", b"hello")])
    user.wait_rows(1)
    assert user.rows()[0].summary == "hello"
    user.click_row(0)
    decoded_view = window.detail._frame_viewer.decoded_view
    window.sockets.show_decode_rules(handle)
    editor = window.sockets.decode_rules_editor
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    qtbot.keyClicks(editor.frame_edit, "1")
    editor.decoder_combo.setCurrentIndex(editor.decoder_combo.findText("raw"))
    user.click(editor.add_button)
    assert window.session.decoder.rules("in-1") == (DecodeRule("raw", frame=1),)
    assert editor.rules_list.item(0).text() == "frame 1 → raw"
    qtbot.waitUntil(lambda: user.rows()[0].summary == "0x 68 65 6c 6c 6f", timeout=WAIT_MS)
    # the Message pane follows: the rule's decoder, shown in the Decoded view at once
    qtbot.waitUntil(decoded_view.isVisible, timeout=WAIT_MS)
    assert decoded_view.decoder_label.text() == "Decoded as raw"
    user.click(editor.remove_button)
    qtbot.waitUntil(lambda: user.rows()[0].summary == "hello", timeout=WAIT_MS)


def test_a_bad_frame_number_is_refused_in_words_and_nothing_changes(user, window, qtbot):
    handle = user.create("PULL", "in-2")
    window.sockets.show_decode_rules(handle)
    editor = window.sockets.decode_rules_editor
    qtbot.waitUntil(editor.isVisible, timeout=WAIT_MS)
    for typed in ("0", "two", "-1"):
        editor.frame_edit.clear()
        qtbot.keyClicks(editor.frame_edit, typed)
        user.click(editor.add_button)
        assert editor.frame_error.isVisible()
        assert editor.frame_error.text().startswith("Frame must be a whole number from 1")
        assert window.session.decoder.rules("in-2") == ()
        assert editor.rules_list.count() == 0
    editor.frame_edit.clear()
    qtbot.keyClicks(editor.frame_edit, "2")
    user.click(editor.add_button)
    assert not editor.frame_error.isVisible()
    assert window.session.decoder.rules("in-2") == (DecodeRule("json", frame=2),)


def test_only_the_rows_on_screen_are_decoded(user, window, qtbot):
    decoder = window.session.decoder
    calls: list[str] = []
    real = decoder.decode

    def counting(frames, *args, **kwargs):
        calls.append(len(frames))
        return real(frames, *args, **kwargs)

    decoder.decode = counting  # type: ignore[method-assign]
    store = window.session.store
    store.extend(msg("flood", b'{"n": %d}' % n) for n in range(100_000))
    model = window.traffic.model
    qtbot.waitUntil(lambda: model.rowCount() == 100_000, timeout=WAIT_MS)
    view = window.traffic.view
    view.viewport().repaint()
    shown = view.rowAt(view.viewport().height() - 1) - view.rowAt(0) + 1
    assert 5 <= shown <= 100
    assert 0 < len(calls) <= 3 * shown  # each painted row once (a repaint or two at most)
    before = len(calls)
    view.viewport().repaint()  # painting again costs nothing: the summaries are cached
    assert len(calls) == before


def test_a_decoder_that_breaks_leaves_the_raw_summary_and_says_so_in_the_log(qtbot, caplog):
    from zinspect.core.decode.frame_decoders import DECODERS

    def broken(data, rule):
        raise RuntimeError("a plugin's bug")

    caplog.expected_warnings = True
    DECODERS["broken-for-test"] = broken
    try:
        decoder = MessageDecoder()
        decoder.set_rules("s", [DecodeRule("broken-for-test")])
        model = TrafficModel(MessageStore(), decoder=decoder)
        model.store.extend([msg("s", b"still readable")])
        model.refresh()
        assert summaries(model) == ["still readable"]
        assert "a plugin's bug" in caplog.text
    finally:
        del DECODERS["broken-for-test"]
