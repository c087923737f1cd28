"""Workspaces through the window: the File menu, the title's star, the unsaved-changes
question, recent files, problems found while loading, and the saved messages list."""

from __future__ import annotations

import json
import os
import socket as pysocket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from ui_actions import WAIT_MS, click_box, menu_action, open_boxes, the_box, trigger_menu
from window_driver import settings_at

from zinspect.core.workspace.parse import parse_workspace
from zinspect.ui.compose.saved_messages_model import COL_NAME, SavedMessagesModel
from zinspect.ui.main_window import MainWindow

IN_TEXT = "← in"

PAIR_WORKSPACE = {
    "zinspect": 1,
    "sockets": [
        {"name": "left", "type": "PAIR", "bind": ["inproc://ui-pair"]},
        {
            "name": "right",
            "type": "PAIR",
            "connect": ["inproc://ui-pair"],
            "options": {"SNDHWM": 10},
        },
    ],
    "messages": [{"name": "hello", "socket": "left", "frames": ["hello", {"hex": "00ff"}]}],
}


def read(path) -> str:
    with open(path, encoding="utf-8") as stream:
        return stream.read()


def write(path, document) -> str:
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def choose_file(window: MainWindow, qtbot, path) -> None:
    """Pick ``path`` in the file dialog that is open. The dialog is Qt's own, and it fills
    its name field in again once it has listed the directory, so typing into it races that;
    this gives zinspect exactly what the dialog gives it when the user picks a file."""
    qtbot.waitUntil(
        lambda: any(d.isVisible() for d in window.findChildren(QFileDialog)), timeout=WAIT_MS
    )
    dialog = next(d for d in window.findChildren(QFileDialog) if d.isVisible())
    dialog.hide()
    dialog.fileSelected.emit(str(path))


def title(window: MainWindow) -> str:
    """The title as shown: Qt puts "*" where "[*]" is while the window is modified."""
    return window.windowTitle().replace("[*]", "*" if window.isWindowModified() else "")


def modified(window: MainWindow) -> bool:
    return window.isWindowModified()


# -- the File menu and the title ------------------------------------------------------------


def test_file_menu_has_the_workspace_actions_with_their_shortcuts(window):
    actions = window.workspace_actions
    texts = [
        a.text().replace("&", "") for a in actions.file_menu().actions() if not a.isSeparator()
    ]
    assert texts[:5] == [
        "New workspace",
        "Open workspace…",
        "Open recent",
        "Save workspace",
        "Save workspace as…",
    ]
    assert texts[-1] == "Quit"
    shortcuts = {
        a.text().replace("&", ""): a.shortcut().toString()
        for a in (
            actions.new_action,
            actions.open_action,
            actions.save_action,
            actions.save_as_action,
        )
    }
    assert shortcuts == {
        "New workspace": "Ctrl+Shift+N",
        "Open workspace…": "Ctrl+O",
        "Save workspace": "Ctrl+S",
        "Save workspace as…": "Ctrl+Shift+S",
    }
    assert menu_action(window, "New socket…").shortcut().toString() == "Ctrl+N"
    assert menu_action(window, "Saved messages").isChecked()  # View menu toggles the dock


def test_title_shows_the_file_and_a_star_while_it_differs_from_it(window, user, qtbot, tmp_path):
    assert title(window) == "Untitled — zinspect"
    pub = user.create("PUB", "news")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    assert title(window) == "Untitled* — zinspect"
    pub.close()  # undone by hand: nothing to save any more
    qtbot.waitUntil(lambda: not modified(window), timeout=WAIT_MS)

    user.create("PUB", "news")
    user.bind("tcp://127.0.0.1:*")
    trigger_menu(window, "Save workspace")  # no file yet: Save As
    choose_file(window, qtbot, tmp_path / "news")
    path = tmp_path / "news.zinspect.json"
    qtbot.waitUntil(path.exists, timeout=WAIT_MS)
    assert title(window) == "news.zinspect.json — zinspect"
    saved = path.read_text(encoding="utf-8")
    assert '"bind": ["tcp://127.0.0.1:*"]' in saved  # as asked, not the port it got
    assert parse_workspace(saved).sockets[0].name == "news"

    user.bind("inproc://more")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    assert title(window) == "news.zinspect.json* — zinspect"
    user.activate()
    user.shortcut(Qt.Key.Key_S, target=window.traffic.view)  # Ctrl+S saves over the file
    qtbot.waitUntil(lambda: not modified(window), timeout=WAIT_MS)
    assert '"inproc://more"' in path.read_text(encoding="utf-8")
    assert "Saved" in window.statusBar().currentMessage()


def test_traffic_and_lock_step_turns_are_not_changes(window, user, qtbot, tmp_path):
    window.workspace_actions.open_path(write(tmp_path / "p.zinspect.json", PAIR_WORKSPACE))
    assert not modified(window)
    left = window.session.socket_named("left")
    user.select(left)
    user.compose("hi")
    user.click_send()
    user.wait_rows(2)
    assert not window.workspace_actions.update_modified()


def test_open_then_save_writes_the_identical_file(window, qtbot, tmp_path):
    from zinspect.core.workspace.dump import dump_workspace

    text = dump_workspace(parse_workspace(json.dumps(PAIR_WORKSPACE)))
    path = tmp_path / "pair.zinspect.json"
    path.write_text(text, encoding="utf-8")
    window.workspace_actions.open_path(path)
    before = path.stat().st_mtime_ns
    window.workspace_actions.save_action.trigger()
    qtbot.waitUntil(
        lambda: path.stat().st_mtime_ns != before or "Saved" in window.statusBar().currentMessage(),
        timeout=WAIT_MS,
    )
    assert read(path) == text

    # Save As over another existing file asks first
    other = tmp_path / "other.zinspect.json"
    other.write_text("{}")
    window.workspace_actions.save_as_action.trigger()
    choose_file(window, qtbot, other)
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Replace file?"
    click_box(window, qtbot, "Cancel")
    assert read(other) == "{}" and title(window) == "pair.zinspect.json — zinspect"
    window.workspace_actions.save_as_action.trigger()
    choose_file(window, qtbot, other)
    click_box(window, qtbot, "Replace")
    qtbot.waitUntil(lambda: read(other) == text, timeout=WAIT_MS)
    assert title(window) == "other.zinspect.json — zinspect"


# -- unsaved changes ----------------------------------------------------------------------------


def test_new_asks_first_and_cancel_keeps_everything(window, user, qtbot):
    user.create("PUB", "keep-me")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    trigger_menu(window, "New workspace")
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Unsaved changes"
    assert "Untitled has changes that are not saved" in box.text()
    click_box(window, qtbot, "Cancel")
    assert [s.name for s in window.session.sockets] == ["keep-me"]

    trigger_menu(window, "New workspace")
    click_box(window, qtbot, "Discard")
    qtbot.waitUntil(lambda: not window.session.sockets, timeout=WAIT_MS)
    assert title(window) == "Untitled — zinspect"


def test_closing_with_changes_asks_and_save_then_closes(window, user, qtbot, tmp_path):
    user.create("PULL", "sink")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    window.close()
    box = the_box(window, qtbot)
    assert "before quitting?" in box.text()
    assert window.isVisible()  # still open while it asks
    with qtbot.waitSignal(window.window_closed, timeout=WAIT_MS):
        click_box(window, qtbot, "Save")
        choose_file(window, qtbot, tmp_path / "sink.zinspect.json")
    assert not window.isVisible()
    assert parse_workspace((tmp_path / "sink.zinspect.json").read_text()).sockets[0].name == "sink"


def test_closing_with_changes_can_discard_or_stay(window, user, qtbot):
    user.create("PULL", "sink")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    window.close()
    click_box(window, qtbot, "Cancel")
    assert window.isVisible()
    window.close()
    with qtbot.waitSignal(window.window_closed, timeout=WAIT_MS):
        click_box(window, qtbot, "Discard")
    assert not window.isVisible()


def test_open_asks_about_changes_then_replaces_the_sockets(window, user, qtbot, tmp_path):
    path = write(tmp_path / "pair.zinspect.json", PAIR_WORKSPACE)
    user.create("PUB", "old")
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)
    user.activate()
    user.shortcut(Qt.Key.Key_O, target=window.traffic.view)
    click_box(window, qtbot, "Discard")
    choose_file(window, qtbot, path)
    qtbot.waitUntil(
        lambda: [s.name for s in window.session.sockets] == ["left", "right"], timeout=WAIT_MS
    )
    assert user.socket_list()[0].startswith("left (PAIR)")
    assert window.session.socket_named("right").options == {"SNDHWM": 10}
    assert title(window) == "pair.zinspect.json — zinspect"
    assert window.workspace_actions.saved_messages.model.rowCount() == 1


# -- recent files -------------------------------------------------------------------------------


def test_recent_workspaces_are_listed_and_a_missing_one_says_so(window, qtbot, tmp_path):
    actions = window.workspace_actions
    first = write(tmp_path / "one.zinspect.json", {"zinspect": 1})
    second = write(tmp_path / "two.zinspect.json", {"zinspect": 1})
    assert actions.open_path(first) and actions.open_path(second)
    actions.recent_menu.aboutToShow.emit()
    entries = [a for a in actions.recent_menu.actions() if a.data()]
    assert [a.data() for a in entries] == [second, first]  # most recent first
    assert entries[0].text().startswith("&1 two.zinspect.json")

    os.remove(first)
    actions.recent_menu.aboutToShow.emit()
    missing = [a for a in actions.recent_menu.actions() if a.data() == first][0]
    assert missing.text().endswith("(not found)") and "was not found" in missing.toolTip()
    missing.trigger()
    assert actions.recent_paths() == [second]
    assert "not found" in window.statusBar().currentMessage()

    # remembered in the settings, for the next start
    again = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=window.session)
    qtbot.addWidget(again)
    assert again.workspace_actions.recent_paths() == [second]
    again.workspace_actions.clear_recent_action.trigger()
    assert again.workspace_actions.recent_paths() == []
    again.workspace_actions.recent_menu.aboutToShow.emit()
    assert [
        a.text() for a in again.workspace_actions.recent_menu.actions() if not a.isSeparator()
    ] == ["No recent workspaces", "&Clear recent list"]


def test_choosing_a_recent_workspace_opens_it(window, qtbot, tmp_path):
    actions = window.workspace_actions
    path = write(tmp_path / "pair.zinspect.json", PAIR_WORKSPACE)
    assert actions.open_path(path)
    actions.new_workspace()
    actions.recent_menu.aboutToShow.emit()
    next(a for a in actions.recent_menu.actions() if a.data() == path).trigger()
    qtbot.waitUntil(lambda: len(window.session.sockets) == 2, timeout=WAIT_MS)


# -- problems while loading -----------------------------------------------------------------------


def test_problems_are_listed_valid_sockets_work_and_saving_over_asks(
    window, user, qtbot, tmp_path, caplog
):
    caplog.expected_warnings = True
    document = {
        "zinspect": 1,
        "sockets": [
            {"name": "weather", "type": "SUB", "options": {"RCVHWM": "lots"}},
            {"name": "left", "type": "PAIR", "bind": ["inproc://ui-problems"]},
            {"name": "right", "type": "PAIR", "connect": ["inproc://ui-problems"]},
            {"name": "ghost", "type": "GHOST"},
        ],
    }
    path = write(tmp_path / "bad.zinspect.json", document)
    original = read(path)
    assert window.workspace_actions.open_path(path)
    dialog = window.workspace_actions.problems_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    assert not dialog.isModal()
    assert dialog.problems() == [
        'sockets[0].options.RCVHWM: expected an integer, got "lots"',
        "sockets[3].type: unknown socket type 'GHOST'; choose one of PAIR, PUB, SUB, REQ, "
        "REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB, STREAM, CLIENT, SERVER, RADIO, DISH, "
        "SCATTER, GATHER, PEER, CHANNEL",
    ]
    button = window.workspace_actions.problems_button
    assert button.isVisible() and button.text() == "⚠ 2 problems in bad.zinspect.json"
    assert "2 problems" in window.statusBar().currentMessage()
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name == "zinspect.core.workspace.apply" and r.levelname == "WARNING"
    ]
    assert logged == dialog.problems()

    # the valid sockets were created and work
    assert [s.name for s in window.session.sockets] == ["left", "right"]
    user.select(window.session.socket_named("left"))
    user.compose("still works")
    user.click_send()
    assert user.wait_rows(2)[1].direction == IN_TEXT

    dialog.close()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # brings the list back
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    dialog.close()

    window.workspace_actions.save()
    box = the_box(window, qtbot)
    assert "bad.zinspect.json had 2 entries zinspect could not use" in box.text()
    assert 'sockets[0].options.RCVHWM: expected an integer, got "lots"' in box.text()
    click_box(window, qtbot, "Cancel")
    assert read(path) == original  # never dropped silently
    window.workspace_actions.save()
    click_box(window, qtbot, "Save anyway")
    qtbot.waitUntil(lambda: read(path) != original, timeout=WAIT_MS)
    assert [s.name for s in parse_workspace(read(path)).sockets] == ["left", "right"]
    assert not button.isVisible()
    window.workspace_actions.save()  # the file has nothing left out now: no question
    qtbot.wait(50)
    assert open_boxes(window) == []


def test_a_bind_that_fails_shows_the_socket_with_its_error(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True
    with pysocket.socket() as squatter:  # another program holds the port
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = f"tcp://127.0.0.1:{squatter.getsockname()[1]}"
        path = write(
            tmp_path / "busy.zinspect.json",
            {
                "zinspect": 1,
                "sockets": [{"name": "pub", "type": "PUB", "bind": ["inproc://fine", taken]}],
            },
        )
        assert window.workspace_actions.open_path(path)
    pub = window.session.socket_named("pub")
    assert [e.address for e in pub.endpoints] == ["inproc://fine"]
    assert pub.last_error.startswith(f"bind {taken}: Address already in use")
    problems = window.workspace_actions.problems_dialog.problems()
    assert problems == [f"sockets[0].bind[1]: {pub.last_error}"]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("not json {", "the file is not valid JSON"),
        ('{"zinspect": 7}', "written by a newer zinspect (format version 7)"),
    ],
)
def test_a_file_refused_whole_changes_nothing_and_says_why(
    window, user, qtbot, tmp_path, caplog, content, reason
):
    caplog.expected_warnings = True
    user.create("PUB", "kept")
    path = tmp_path / "broken.zinspect.json"
    path.write_text(content)
    assert not window.workspace_actions.open_path(path)
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Cannot open workspace" and reason in box.text()
    assert [s.name for s in window.session.sockets] == ["kept"]
    assert title(window).startswith("Untitled")
    click_box(window, qtbot, "Close")


def test_a_failed_save_keeps_the_old_file_and_says_why(window, user, qtbot, tmp_path, monkeypatch):
    path = write(tmp_path / "p.zinspect.json", PAIR_WORKSPACE)
    window.workspace_actions.open_path(path)
    user.create("PUB", "extra")

    def full_disk(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    window.workspace_actions.save()
    box = the_box(window, qtbot)
    assert box.windowTitle() == "Workspace not saved"
    assert "No space left on device" in box.text()
    assert json.loads(read(path)) == PAIR_WORKSPACE
    assert window.workspace_actions.update_modified()  # still unsaved
    click_box(window, qtbot, "Close")


# -- saved messages ------------------------------------------------------------------------------


def test_saved_messages_save_send_load_rename_delete(window, user, qtbot, tmp_path, qtmodeltester):
    actions = window.workspace_actions
    panel = actions.saved_messages
    window.workspace_actions.open_path(write(tmp_path / "p.zinspect.json", PAIR_WORKSPACE))
    actions.saved_messages_dock.raise_()  # its tab, beside the message detail
    qtmodeltester.check(panel.model)
    assert panel.model.data(panel.model.index(0, 2)) == "hello | 0x 00 ff"

    # the saved message names its socket: it goes out there, whatever is selected
    right = window.session.socket_named("right")
    user.select(right)
    user.compose("half-written")
    panel.select_row(0)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    rows = user.wait_rows(2)
    assert (rows[0].socket, rows[0].frames) == ("left", (b"hello", b"\x00\xff"))
    assert rows[1].socket == "right" and rows[1].direction == IN_TEXT
    qtbot.waitUntil(
        lambda: panel.status_label.text() == "Sent 'hello' on left (2 frames)", timeout=WAIT_MS
    )
    assert user.frame_rows[0].text == "half-written"  # the composer was left alone

    # save the composer's message inline, for the selected socket by default
    user.compose("ping", "1")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert panel.name_row.isVisible()
    assert panel.socket_combo.currentText() == "right (PAIR)"
    panel.socket_combo.setCurrentIndex(0)  # "the selected socket"
    qtbot.keyClicks(panel.name_edit, "hello")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert panel.error_label.text() == (
        "A saved message is called 'hello' already: choose another name"
    )
    panel.name_edit.clear()
    qtbot.keyClicks(panel.name_edit, "ping")
    qtbot.keyClick(panel.name_edit, Qt.Key.Key_Return)
    assert not panel.name_row.isVisible() and not panel.error_label.isVisible()
    assert [m.name for m in panel.model.messages()] == ["hello", "ping"]
    assert panel.model.message_at(1).socket is None
    assert panel.model.data(panel.model.index(1, 1)) == "(selected socket)"
    qtbot.waitUntil(lambda: modified(window), timeout=WAIT_MS)

    # no socket named: it goes to the selected one
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    rows = user.wait_rows(4)
    assert (rows[2].socket, rows[2].frames) == ("right", (b"ping", b"1"))

    # rename in place; a taken name is refused beside the list
    panel.select_row(1)
    qtbot.mouseClick(panel.rename_button, Qt.MouseButton.LeftButton)
    editor = panel.view.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "hello")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(panel.error_label.isVisible, timeout=WAIT_MS)  # the edit ends, then
    assert "called 'hello' already" in panel.error_label.text()
    assert panel.model.message_at(1).name == "ping"
    assert panel.model.setData(panel.model.index(1, COL_NAME), " pong ")
    assert panel.model.message_at(1).name == "pong"

    # load into the composer, then delete
    user.compose("something else")
    qtbot.mouseClick(panel.load_button, Qt.MouseButton.LeftButton)
    assert [row.text for row in user.frame_rows] == ["ping", "1"]
    qtbot.mouseClick(panel.delete_button, Qt.MouseButton.LeftButton)
    assert [m.name for m in panel.model.messages()] == ["hello"]

    # and it is all in the file
    window.workspace_actions.save()
    qtbot.waitUntil(lambda: not modified(window), timeout=WAIT_MS)
    saved = parse_workspace(read(tmp_path / "p.zinspect.json"))
    assert [(m.name, m.socket, m.frames) for m in saved.messages] == [
        ("hello", "left", [b"hello", b"\x00\xff"])
    ]


def test_a_saved_message_that_cannot_go_says_why(window, user, qtbot):
    panel = window.workspace_actions.saved_messages
    window.workspace_actions.saved_messages_dock.raise_()
    user.create("SUB", "listener")
    user.create("PUB", "speaker")
    user.compose("news")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    panel.socket_combo.setCurrentIndex(panel.socket_combo.findData("listener"))
    qtbot.keyClicks(panel.name_edit, "to the sub")
    qtbot.mouseClick(panel.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert panel.status_label.text() == (
        "Not sent on listener: A SUB socket only receives; use XSUB to send subscriptions."
    )
    window.session.socket_named("listener").close()
    qtbot.mouseClick(panel.send_button, Qt.MouseButton.LeftButton)
    assert "which this workspace does not have" in panel.status_label.text()


def test_saved_messages_model_is_sound():
    model = SavedMessagesModel()
    from zinspect.core.workspace.model import SavedMessage

    model.add(SavedMessage("a", None, [b"x"]))
    with pytest.raises(ValueError, match="called 'a' already"):
        model.add(SavedMessage(" a ", None, [b"y"]))
    assert model.name_problem("  ") == "Give the message a name"
    assert model.flags(model.index(0, COL_NAME)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
