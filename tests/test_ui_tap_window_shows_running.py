"""The Tap window shows the taps as they are: one a workspace started shows as running, with
its fields and Stop, never the window's own earlier tap as "Stopped" with Start ready to fail
on the endpoints the running tap holds."""

from __future__ import annotations

from fault_helpers import free_port
from ui_actions import WAIT_MS, click, fill_tap_window, tap_window
from workspace_helpers import write

from zinspect.core.tap.tap import running_taps


def reqrep_workspace(front: str, upstream: str) -> dict:
    return {
        "zinspect": 1,
        "taps": [{"name": "tap-1", "pattern": "reqrep", "front": front, "upstream": upstream}],
    }


def shows_running(dialog, front: str) -> bool:
    return (
        dialog.tap is not None
        and dialog.stop_button.isEnabled()
        and not dialog.start_button.isEnabled()
        and dialog.status_label.text().startswith("Clients connect to ")
        and dialog.front_edit.text() == front
    )


def test_a_tap_a_reopened_workspace_started_shows_as_running(window, user, qtbot, tmp_path):
    front = f"tcp://127.0.0.1:{free_port()}"
    upstream = f"tcp://127.0.0.1:{free_port()}"
    # the window's own tap first, stopped, the window closed
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, "reqrep", front, upstream)
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)
    click(qtbot, dialog.stop_button)
    assert dialog.status_label.text().startswith("Stopped. ")
    click(qtbot, dialog.close_button)
    # then a workspace whose tap-1 has the same endpoints, opened twice
    path = write(tmp_path / "tap.zinspect.json", reqrep_workspace(front, upstream))
    for _ in range(2):
        assert window.workspace_actions.open_path(path)
        qtbot.waitUntil(lambda: len(running_taps(window.session)) == 1, timeout=WAIT_MS)
        qtbot.waitUntil(lambda: running_taps(window.session)[0].running, timeout=WAIT_MS)
    [tap] = running_taps(window.session)
    dialog = tap_window(window, qtbot)
    assert shows_running(dialog, front)
    assert dialog.name_edit.text() == "tap-1" and dialog.upstream_edit.text() == upstream
    assert dialog.pattern_combo.currentData() == "reqrep"
    assert not dialog.start_error.isVisible()
    # its Stop stops the workspace's tap; Start then makes it again on the same endpoints
    click(qtbot, dialog.stop_button)
    assert not tap.running and running_taps(window.session) == []
    assert dialog.status_label.text().startswith("Stopped. tap-1")
    click(qtbot, dialog.start_button)
    qtbot.waitUntil(lambda: shows_running(dialog, front), timeout=WAIT_MS)
    assert not dialog.start_error.isVisible() and not dialog.front_error.isVisible()
    click(qtbot, dialog.stop_button)


def test_a_tap_started_while_the_window_is_open_shows_there(window, user, qtbot, tmp_path):
    front = f"tcp://127.0.0.1:{free_port()}"
    upstream = f"tcp://127.0.0.1:{free_port()}"
    dialog = tap_window(window, qtbot)
    assert dialog.status_label.text() == "Not started."
    path = write(tmp_path / "tap.zinspect.json", reqrep_workspace(front, upstream))
    assert window.workspace_actions.open_path(path)
    qtbot.waitUntil(lambda: shows_running(dialog, front), timeout=WAIT_MS)
    click(qtbot, dialog.stop_button)
    assert running_taps(window.session) == []
