"""Workspaces through the window: the File menu, the title's star, the unsaved-changes
question and recent files.

Problems found while loading have their own file (test_ui_workspace_problems.py), and so do
the saved messages (test_ui_saved_messages.py)."""

from __future__ import annotations

import json
import os

from PySide6.QtCore import Qt
from ui_actions import WAIT_MS, click_box, menu_action, the_box, trigger_menu
from window_driver import settings_at
from workspace_helpers import PAIR_WORKSPACE, choose_file, modified, read, title, write

from zinspect.core.workspace.parse import parse_workspace
from zinspect.ui.main_window import MainWindow

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
