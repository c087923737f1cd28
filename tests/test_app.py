"""The command line and the whole application process: --version, --help, Ctrl+C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import zmq


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "zinspect", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def test_version_lists_versions_and_libzmq_features():
    result = run_cli("--version")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "zinspect 0.1.0" in out
    assert f"pyzmq    {zmq.__version__}" in out
    assert f"libzmq   {zmq.zmq_version()}" in out
    assert "Qt " in out and "PySide6 6." in out
    assert "transports available: tcp, inproc, ipc" in out
    assert f"draft: {'yes' if zmq.has('draft') else 'no'}" in out


def test_help_explains_every_option():
    result = run_cli("--help")
    assert result.returncode == 0
    for option in ("--version", "--log-level", "--settings", "--help"):
        assert option in result.stdout
    assert "ZeroMQ" in result.stdout


def test_unknown_option_is_refused_in_words():
    result = run_cli("--frobnicate")
    assert result.returncode == 2
    assert "unrecognized arguments: --frobnicate" in result.stderr


def test_ctrl_c_in_the_terminal_quits_within_a_second(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "zinspect",
            "--log-level",
            "INFO",
            "--settings",
            str(tmp_path / "settings.ini"),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        for line in proc.stderr:
            if "main window shown" in line:
                break
            assert time.monotonic() < deadline, "the window never showed"
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert time.monotonic() - started < 5.0  # linger 0: it never waits for peers
        assert (tmp_path / "settings.ini").exists(), "the layout is saved on the way out"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


def run_app(tmp_path, *args: str, timeout: float = 40) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "zinspect", "--settings", str(tmp_path / "settings.ini"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.e2e
def test_record_and_autostop_capture_a_scripted_req_against_a_rep_server(tmp_path, peer):
    from peerio import PeerOutput

    from zinspect.core.capture.capture import read_capture

    server = PeerOutput(peer("rep_server.py", "tcp://127.0.0.1:*", "World", "--count", "10"))
    endpoint = server.ready_endpoint()
    workspace = tmp_path / "bench.zinspect.json"
    workspace.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {
                        "name": "client",
                        "type": "REQ",
                        "connect": [endpoint],
                        "automation": {
                            "send": {"frames": ["Hello {seq}"], "count": 10, "interval_ms": 0}
                        },
                    },
                ],
            }
        )
    )
    capture = tmp_path / "run.jsonl"
    result = run_app(tmp_path, str(workspace), "--record", str(capture), "--autostop", "3")
    assert result.returncode == 0, result.stderr
    assert server.finish(10) == 0
    got = [(m.socket, m.direction, m.frames) for m in read_capture(capture).messages]
    expected = []
    for seq in range(10):
        expected += [("client", "out", [f"Hello {seq}".encode()]), ("client", "in", [b"World"])]
    assert got == expected


def test_a_workspace_with_problems_is_reported_on_stderr_one_line_each(tmp_path):
    workspace = tmp_path / "bad.zinspect.json"
    workspace.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {"name": "ok", "type": "PULL", "bind": ["inproc://fine"]},
                    {"name": "weird", "type": "SUB", "options": {"RCVHWM": "lots"}},
                ],
            }
        )
    )
    result = run_app(tmp_path, str(workspace), "--autostop", "1")
    assert result.returncode == 0
    assert 'sockets[1].options.RCVHWM: expected an integer, got "lots"' in result.stderr


def test_autostop_needs_a_positive_number(tmp_path):
    result = run_app(tmp_path, "--autostop", "soon")
    assert result.returncode == 2
    assert "expected a number of seconds, got 'soon'" in result.stderr


def test_record_to_a_missing_folder_exits_with_the_reason(tmp_path):
    target = tmp_path / "no such folder" / "run.jsonl"
    result = run_app(tmp_path, "--record", str(target))
    assert result.returncode == 2
    assert f"cannot record to {target}" in result.stderr
