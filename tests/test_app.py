"""The command line and the whole application process: --version, --help, Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import zmq


def run_cli(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "zinspect", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


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
        [sys.executable, "-m", "zinspect", "--log-level", "INFO",
         "--settings", str(tmp_path / "settings.ini")],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
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
        assert time.monotonic() - started < 1.0
        assert (tmp_path / "settings.ini").exists(), "the layout is saved on the way out"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()
