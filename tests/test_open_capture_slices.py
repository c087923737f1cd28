"""A capture of a million messages opens in slices (the loop turns between them, so the window
stays live) and shows every message, in order, with nothing dropped: a million is the
store's default cap."""

from __future__ import annotations

import json

import pytest

from zinspect.core.capture.capture import LineEncoder, header_object
from zinspect.core.store import DEFAULT_MAX_MESSAGES

MESSAGES = 1_000_000


def write_big_capture(path, messages: int) -> None:
    encoder = LineEncoder()
    with open(path, "w", encoding="utf-8") as file:
        file.write(json.dumps(header_object()) + "\n")
        batch = []
        for number in range(messages):
            batch.append(encoder.line(1.0 + number * 1e-6, "sub-1", "in", [b"m%d" % number]))
            if len(batch) >= 10_000:
                file.write("".join(batch))
                batch = []
        file.write("".join(batch))


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_capture_of_a_million_messages_opens_in_slices_and_shows_every_one(
    window, qtbot, tmp_path
):
    assert MESSAGES == DEFAULT_MAX_MESSAGES  # the whole file fits: nothing may be dropped
    path = tmp_path / "million.jsonl"
    write_big_capture(path, MESSAGES)
    actions = window.capture
    model = window.traffic.model
    store = window.session.store
    shown_while_open: list[int] = []
    model.refreshed.connect(lambda: shown_while_open.append(model.rowCount()))
    with qtbot.waitSignal(actions.job_finished, timeout=240_000) as finished:
        assert actions.open_capture(path)
        assert len(store) < MESSAGES  # Open returned with the reading under way
    assert finished.args[0] == "Opened million.jsonl: 1,000,000 messages"
    qtbot.waitUntil(lambda: model.rowCount() == MESSAGES, timeout=30_000)
    # the table grew while the file was read, a slice at a time
    assert any(0 < rows < MESSAGES for rows in shown_while_open)
    assert store.dropped == 0 and len(store) == MESSAGES
    assert [model.message_at(row).frames for row in (0, 1, MESSAGES - 1)] == [
        [b"m0"],
        [b"m1"],
        [b"m%d" % (MESSAGES - 1)],
    ]
    _first, rows = store.rows(store.first_seq, store.end_seq)
    assert [row[4] for row in rows[:: MESSAGES // 10]] == [
        b"m%d" % n for n in range(0, MESSAGES, MESSAGES // 10)
    ]
