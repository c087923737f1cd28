"""File > Open several captures at once: two headless recorders' files merged by time.

Two ``zinspect record`` processes (no Qt) each record a PULL socket; a pusher sends to the
first, then the second, then the first again. Opened together in the window, the messages
come in the order they were sent, not file after file.
"""

from __future__ import annotations

import json
import socket

import pytest
from headless_helpers import WAIT_S, headless, stop, wait_text
from ui_actions import WAIT_MS

from zinspect.core.capture.capture_merge import MergedReader

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def record_two(peer, tmp_path) -> list:
    """Two recorders; 'a' to the first, 'b' to the second, 'c' to the first; their files."""
    recorders, endpoints, captures = [], [], []
    for name in ("one", "two"):
        endpoint = f"tcp://127.0.0.1:{free_port()}"
        workspace = tmp_path / f"{name}.zinspect.json"
        workspace.write_text(
            json.dumps(
                {"zinspect": 1, "sockets": [{"name": name, "type": "PULL", "bind": [endpoint]}]}
            )
        )
        capture = tmp_path / f"{name}.jsonl"
        recorders.append(
            headless("record", str(workspace), "--record", str(capture), "--status-every", "0.1")
        )
        endpoints.append(endpoint)
        captures.append(capture)
    try:
        for _proc, output in recorders:
            wait_text(output, "recording to")
        for (index, text), total in zip([(0, "a"), (1, "b"), (0, "c")], [4, 4, 8], strict=True):
            assert peer("push_worker.py", endpoints[index], 4, text).wait(WAIT_S) == 0
            wait_text(recorders[index][1], f"{total} received")
    finally:
        for proc, output in recorders:
            stop(proc, output)
    return captures


def test_two_captures_open_merged_by_time(peer, tmp_path, window, user, qtbot):
    captures = record_two(peer, tmp_path)
    expected = [f"{t} {n}".encode() for t in "abc" for n in range(4)]
    reader = MergedReader(captures)
    rows = []
    while not reader.done:
        rows.extend(reader.read_rows())
    assert [row[4] for row in rows] == expected
    # the same through File > Open capture…, both files chosen in the dialog
    window.capture.choose_open_file()
    dialog = window.capture.file_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.selectFile(" ".join(f'"{c.name}"' for c in captures))
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(" ".join(f'"{c.name}"' for c in captures))
    dialog.accept()
    shown = user.wait_rows(12, timeout=WAIT_MS)
    assert [r.frames[0] for r in shown] == expected
    assert [r.socket for r in shown] == ["one"] * 4 + ["two"] * 4 + ["one"] * 4
    # the rows show as they are read; the status says so once the open has finished
    qtbot.waitUntil(lambda: "2 captures" in window.statusBar().currentMessage(), timeout=WAIT_MS)
