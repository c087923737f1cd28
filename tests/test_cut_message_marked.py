"""A message over zinspect's per-message frame cap is kept cut, and says so: the Message pane
reads "1,000 of 2,000 frames kept" (not "1,000 frames", as if whole), and the socket's
heading counts the cut messages as its row in the list does, without selecting it again.

A real peer process sends the messages; the cap is lowered for the test (100,000 frames in
use) so that the messages stay small."""

from __future__ import annotations

import pytest
from ui_actions import PEER_WAIT_MS, WAIT_MS

from zinspect.core.sockets import socket_receive

CAP = 1_000
CUT_WORDS = "3 messages cut at the per-message caps"


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(socket_receive, "MAX_FRAMES_PER_MESSAGE", CAP)


def row_with_frames(user, count: int) -> int:
    return next(i for i, row in enumerate(user.rows()) if len(row.frames) == count)


def test_a_cut_message_says_how_many_frames_were_kept(window, user, qtbot, peer, small_cap, caplog):
    caplog.expected_warnings = True  # the first cut message is logged
    sink = user.create("PULL", "sink")
    address = user.bind()
    user.activate()
    # a whole message of 5 frames, then 3 of 2,000; the peers stay connected: no
    # connection event shows the socket again meanwhile
    peer("big_message_sender.py", address, 1, 5, 1, "--stay")
    user.wait_rows(1, timeout=PEER_WAIT_MS)
    peer("big_message_sender.py", address, 3, 2 * CAP, 1, "--stay")
    user.wait_rows(4, timeout=PEER_WAIT_MS)
    assert sorted(len(row.frames) for row in user.rows()) == [5, CAP, CAP, CAP]
    assert sink.cut_messages == 3

    # the heading agrees with the list, the socket still selected as it was
    heading = window.sockets.state_label
    qtbot.waitUntil(lambda: CUT_WORDS in heading.text(), timeout=WAIT_MS)
    assert any(CUT_WORDS in line for line in user.socket_list())

    user.click_row(row_with_frames(user, CAP))
    frames = user.detail_field("frames")
    assert frames.startswith("1,000 of 2,000 frames kept"), frames
    user.click_row(row_with_frames(user, 5))
    assert user.detail_field("frames") == "5 frames"
