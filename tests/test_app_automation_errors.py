"""Headless runs say what went wrong with an automation: on stderr, and in the exit code."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading

import pytest

pytestmark = pytest.mark.e2e


def run_app(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "zinspect", "--settings", str(tmp_path / "settings.ini"), *args],
        capture_output=True,
        text=True,
        timeout=40,
        env=env,
    )


def workspace(tmp_path, automation: dict) -> str:
    path = tmp_path / "w.zinspect.json"
    socket = {"name": "client", "type": "REQ", "connect": ["tcp://127.0.0.1:9"]}
    path.write_text(json.dumps({"zinspect": 1, "sockets": [{**socket, "automation": automation}]}))
    return str(path)


def test_a_lazy_pirate_that_gives_up_is_said_on_stderr_and_fails_the_run(tmp_path):
    send = {"frames": ["ping"], "count": 1, "timeout_ms": 200, "tries": 2}
    result = run_app(tmp_path, workspace(tmp_path, {"send": send}), "--autostop", "2")
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if "automation of client" in line]
    assert lines == [
        "zinspect: automation of client: no reply to request 0 within 200 ms (try 1 of 2): "
        "re-created the REQ socket and sent it again",
        "zinspect: automation of client: no reply to request 0 after 2 tries of 200 ms: "
        "gave up (the server seems to be offline)",
    ]


def test_a_timeout_the_run_goes_on_after_is_said_but_does_not_fail(tmp_path):
    send = {"frames": ["ping"], "count": 1, "timeout_ms": 200}
    result = run_app(tmp_path, workspace(tmp_path, {"send": send}), "--autostop", "2")
    assert result.returncode == 0, result.stderr
    assert (
        "zinspect: automation of client: no reply to request 0 within 200 ms: "
        "re-created the REQ socket" in result.stderr
    )


def test_without_a_display_problems_are_said_even_without_autostop(tmp_path):
    send = {"frames": ["ping"], "count": 1, "timeout_ms": 200, "tries": 1}
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zinspect",
            "--settings",
            str(tmp_path / "settings.ini"),
            workspace(tmp_path, {"send": send}),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    guard = threading.Timer(30, proc.kill)  # a run that never says it ends the wait
    guard.start()
    try:
        assert proc.stderr is not None
        line = ""
        for line in proc.stderr:  # blocks on the pipe until the line comes (or the app ends)
            if "automation of client" in line:
                break
        assert "gave up (the server seems to be offline)" in line
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 1
    finally:
        guard.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
