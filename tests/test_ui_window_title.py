"""The window title names what the window holds: the workspace, and the capture file whose
messages the traffic shows, so two zinspect windows can be told apart."""

from __future__ import annotations

from ui_actions import WAIT_MS
from workspace_helpers import PAIR_WORKSPACE, title, write

from zinspect.core.capture.capture import write_capture
from zinspect.core.store import IN, Message


def open_capture(window, qtbot, path) -> None:
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS * 4):
        assert window.capture.open_capture(path)


def test_an_opened_capture_is_named_in_the_title_until_the_traffic_is_cleared(
    window, qtbot, tmp_path
):
    path = tmp_path / "run.jsonl"
    write_capture(path, [Message(float(i), "feed", IN, [b"m%d" % i]) for i in range(5)])
    assert title(window) == "Untitled — zinspect"
    open_capture(window, qtbot, path)
    assert title(window) == "run.jsonl (capture) — zinspect"
    window.traffic.clear_action.trigger()
    assert title(window) == "Untitled — zinspect"


def test_a_workspace_and_a_capture_are_both_named(window, qtbot, tmp_path):
    workspace = write(tmp_path / "bench.zinspect.json", PAIR_WORKSPACE)
    assert window.workspace_actions.open_path(workspace)
    assert title(window) == "bench.zinspect.json — zinspect"
    path = tmp_path / "run.jsonl"
    write_capture(path, [Message(1.0, "left", IN, [b"hello"])])
    open_capture(window, qtbot, path)
    assert title(window) == "bench.zinspect.json + run.jsonl — zinspect"
    # the star still says the workspace changed
    window.session.create_socket("PUB", "pub-9")
    qtbot.waitUntil(lambda: window.isWindowModified(), timeout=WAIT_MS * 4)
    assert title(window) == "bench.zinspect.json* + run.jsonl — zinspect"
