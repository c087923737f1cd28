"""Big inputs through the real window: an automation with 3,000 frames in a workspace file,
and Edit and resend of a received message with 5,000 frames. Each opens at once with rows for
the first frames only and a note saying what happens to the others, and nothing is lost:
the workspace saves back the same, the message is sent whole and unchanged."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QWidget
from session_helpers import WAIT_MS, linked, send, traffic

from zinspect.core.store import IN
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace
from zinspect.ui.automation.automation_frames import SHOWN_LIMIT as AUTOMATION_ROWS
from zinspect.ui.compose.frame_editor import SHOWN_LIMIT as COMPOSER_ROWS

MANY_TEMPLATES = [f"frame {i} {{seq}}" if i % 3 else {"hex": f"{i:04x}00ff"} for i in range(3000)]


def automation_workspace(tmp_path, frames) -> tuple:
    """A workspace file (in zinspect's own layout, so a save writes the same text) whose PUB
    socket sends a script of ``frames`` once."""
    document = {
        "zinspect": 1,
        "sockets": [
            {
                "name": "script",
                "type": "PUB",
                "bind": ["inproc://safety-ui-script"],
                "automation": {"send": {"frames": frames, "count": 1}},
            },
            {"name": "other", "type": "PULL", "bind": ["inproc://safety-ui-other"]},
        ],
    }
    text = dump_workspace(parse_workspace(json.dumps(document)))
    path = tmp_path / "frames.zinspect.json"
    path.write_text(text, encoding="utf-8")
    return path, text


def saved_text(window, qtbot, path) -> str:
    before = path.stat().st_mtime_ns
    window.workspace_actions.save_action.trigger()
    qtbot.waitUntil(
        lambda: path.stat().st_mtime_ns != before or "Saved" in window.statusBar().currentMessage(),
        timeout=WAIT_MS,
    )
    return path.read_text(encoding="utf-8")


def test_an_automation_of_3000_frames_opens_shows_50_saves_whole_and_closes(
    window, user, qtbot, tmp_path
):
    path, text = automation_workspace(tmp_path, MANY_TEMPLATES)
    assert window.workspace_actions.open_path(path)
    sockets = {handle.name: handle for handle in window.session.sockets}
    user.select(sockets["other"])
    user.select(sockets["script"])
    frames = window.sockets.automation_editor.send_frames
    qtbot.waitUntil(lambda: not frames.loading, timeout=WAIT_MS)

    assert len(frames.rows) == AUTOMATION_ROWS == 50
    assert frames.frame_count == 3000
    assert [(row.encoding, row.text) for row in frames.rows[:3]] == [
        ("hex", "00 00 00 ff"),
        ("text", "frame 1 {seq}"),
        ("text", "frame 2 {seq}"),
    ]
    assert frames.held_label.isVisible()
    assert frames.held_label.text().startswith(
        "Showing the first 50 of 3,000 frames. The other 2,950 (frames 51 to 3,000) are kept "
        "as they are and go after frame 50, unchanged"
    )

    # Start applies what the editor holds: rows and kept frames make the same script
    user.click(window.sockets.automation_editor.start_button)
    assert sockets["script"].automation.send is not None
    assert len(sockets["script"].automation.send.frames) == 3000
    assert saved_text(window, qtbot, path) == text

    with qtbot.waitSignal(window.window_closed, timeout=WAIT_MS):
        window.close()
    assert not window.isVisible()


def test_an_edit_among_many_automation_frames_keeps_the_others_in_place(
    window, user, qtbot, tmp_path
):
    path, _text = automation_workspace(tmp_path, MANY_TEMPLATES)
    window.workspace_actions.open_path(path)
    editor = window.sockets.automation_editor
    frames = editor.send_frames
    qtbot.waitUntil(lambda: not frames.loading, timeout=WAIT_MS)
    frames.rows[1].text_edit.setText("changed {seq}")
    user.click(frames.add_button)
    assert frames.frame_count == 3001
    assert "go after frame 51" in frames.held_label.text()
    frames.rows[-1].text_edit.setText("added")
    user.click(editor.start_button)
    spec = window.session.socket_named("script").automation
    expected = (
        parse_workspace(
            json.dumps(
                {
                    "zinspect": 1,
                    "sockets": [
                        {
                            "name": "s",
                            "type": "PUB",
                            "automation": {
                                "send": {
                                    "frames": [
                                        MANY_TEMPLATES[0],
                                        "changed {seq}",
                                        *MANY_TEMPLATES[2:50],
                                        "added",
                                        *MANY_TEMPLATES[50:],
                                    ],
                                    "count": 1,
                                }
                            },
                        }
                    ],
                }
            )
        )
        .sockets[0]
        .automation
    )
    assert spec.send.frames == expected.send.frames


def test_a_short_automation_has_a_row_per_frame_and_no_note(window, qtbot, tmp_path):
    path, _text = automation_workspace(tmp_path, [f"f{i}" for i in range(30)])
    window.workspace_actions.open_path(path)
    frames = window.sockets.automation_editor.send_frames
    qtbot.waitUntil(lambda: not frames.loading, timeout=WAIT_MS)
    assert [row.text for row in frames.rows] == [f"f{i}" for i in range(30)]
    assert not frames.held_label.isVisible()


# -- Edit and resend ---------------------------------------------------------------------------
def many_frames(count: int) -> list[bytes]:
    """Text, binary, empty and editor-unfriendly (\\r\\n) frames, all different."""
    kinds = (
        lambda i: b"text %d" % i,
        lambda i: bytes([i % 256, 0, 255]),
        lambda i: b"",
        lambda i: b"line\r\n%d" % i,
    )
    return [kinds[i % len(kinds)](i) for i in range(count)]


def test_edit_and_resend_of_5000_frames_sends_them_all_unchanged(window, user, qtbot, aloop):
    session = window.session
    left, right = linked(session, "PAIR", "PAIR", "inproc://safety-ui-resend")
    frames = many_frames(5000)
    send(aloop, qtbot, right, *frames)
    qtbot.waitUntil(lambda: traffic(session, left) == [frames], timeout=WAIT_MS)
    user.select(left)
    rows = user.wait_rows(2)
    user.click_row(
        next(
            i
            for i, row in enumerate(rows)
            if row.socket == left.name and row.frames == tuple(frames)
        )
    )
    widgets_before = len(window.composer.findChildren(QWidget))

    user.click(window.detail.findChild(QWidget, "resend_button"))
    editor = window.composer.frame_editor
    qtbot.waitUntil(lambda: not editor.loading, timeout=WAIT_MS)
    assert window.sockets.current_socket() is left
    assert len(editor.rows) == COMPOSER_ROWS == 100
    assert editor.frame_count == 5000
    assert editor.held_label.isVisible()
    note = editor.held_label.text()
    assert note.startswith("Frames 101 to 5,000 (4,900 frames, ")
    assert "sent unchanged after frame 100; Send sends all 5,000 frames." in note
    assert window.composer.frames_label.text().startswith("5000 frames")
    # a row per frame would be 5,000 rows of some 23 widgets; a hundred rows are fewer
    # widgets than the message has frames
    assert len(window.composer.findChildren(QWidget)) - widgets_before < len(frames)

    user.click_send()
    qtbot.waitUntil(lambda: traffic(session, right) == [frames], timeout=WAIT_MS)
    assert [m.frames for m in session.store if m.socket == left.name and m.direction != IN] == [
        frames
    ]
    # and the user can start afresh: Clear message drops the kept frames too
    user.click(window.composer.clear_message_button)
    assert editor.frame_count == 1 and editor.held_count == 0
    assert not editor.held_label.isVisible()
    assert window.composer.frames_label.text().startswith("1 frame")


def test_edit_and_resend_of_a_few_frames_is_unchanged(window, user, qtbot, aloop):
    session = window.session
    left, right = linked(session, "PAIR", "PAIR", "inproc://safety-ui-few")
    frames = many_frames(8)
    send(aloop, qtbot, right, *frames)
    qtbot.waitUntil(lambda: traffic(session, left) == [frames], timeout=WAIT_MS)
    user.select(left)
    rows = user.wait_rows(2)
    user.click_row(next(i for i, row in enumerate(rows) if row.socket == left.name))
    user.click(window.detail.findChild(QWidget, "resend_button"))
    editor = window.composer.frame_editor
    assert [row.data for row in editor.rows] == frames
    assert not editor.held_label.isVisible()
