"""The whole application process on its way out: SIGTERM, SIGHUP and Ctrl+C (SIGINT) quit the
orderly way, like File > Quit, while a peer floods a recorded socket: exit status 0, a capture
file whose every line is whole and which holds every message zinspect received, in order, and
no error on stderr. A second signal while shutting down does no harm.

And the open-file limit: a workspace of 1,000 sockets opens whole under a soft limit of 256
(zinspect raises it to the hard limit); under a hard limit too low, it opens what fits and
says in words how many did not fit.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from zinspect.core.capture.capture import read_capture

pytestmark = pytest.mark.e2e

PEERS = Path(__file__).parent / "peers"
ROOT = Path(__file__).resolve().parent.parent
START_MS = 40_000  # a loaded 2-core machine starts Qt slowly
FLOOD = 50_000_000  # more than any run sends: the peer is still flooding at the signal
WRITTEN = re.compile(r"stopped: ([\d,]+) messages written, ([\d,]+) missed")


def env() -> dict[str, str]:
    return dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )


def line_count(path: Path) -> int:
    """Message lines written so far: not the header, not event lines (a peer connecting is
    one; counting them made "at least as many messages as lines seen" fail under load)."""
    try:
        with open(path, "rb") as file:
            return sum(1 for line in file if line.startswith(b'{"time"') and b'"event"' not in line)
    except FileNotFoundError:
        return 0


class RecordedFlood:
    """``zinspect WORKSPACE --record FILE`` with a PUSH peer flooding its PULL socket."""

    def __init__(self, tmp_path: Path, run: int = 0) -> None:
        self.capture = tmp_path / f"flood-{run}.jsonl"
        self.stderr_path = tmp_path / f"zinspect-{run}.log"
        endpoint = f"ipc://{tmp_path}/flood-{run}.ipc"
        workspace = tmp_path / f"flood-{run}.zinspect.json"
        workspace.write_text(
            json.dumps(
                {"zinspect": 1, "sockets": [{"name": "sink", "type": "PULL", "bind": [endpoint]}]}
            )
        )
        self.stderr = open(self.stderr_path, "w")
        self.app = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "zinspect",
                str(workspace),
                "--record",
                str(self.capture),
                "--log-level",
                "INFO",
                "--settings",
                str(tmp_path / f"s-{run}.ini"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
            env=env(),
        )
        self.peer = subprocess.Popen(
            [
                sys.executable,
                str(PEERS / "push_worker.py"),
                endpoint,
                str(FLOOD),
                "m",
                "--timeout",
                "120",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_recording(self, qtbot, lines: int = 3000) -> None:
        """Until the capture holds ``lines`` lines: zinspect is up and the flood flows."""
        qtbot.waitUntil(
            lambda: line_count(self.capture) >= lines or self.app.poll() is not None,
            timeout=START_MS,
        )
        assert self.app.poll() is None, self.log()

    def log(self) -> str:
        self.stderr.flush()
        return self.stderr_path.read_text(errors="replace")

    def close(self) -> None:
        for proc in (self.peer, self.app):
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)
        self.stderr.close()


@pytest.fixture
def flood(tmp_path):
    floods: list[RecordedFlood] = []

    def start(run: int = 0) -> RecordedFlood:
        floods.append(RecordedFlood(tmp_path, run))
        return floods[-1]

    yield start
    for item in floods:
        item.close()


def assert_complete(flood: RecordedFlood, at_least: int) -> None:
    """Every line whole and parsed; messages m 0, m 1, ... with none missing; as many as
    the recorder says it wrote (so every message received was written); no error logged."""
    raw = flood.capture.read_bytes()
    assert raw.endswith(b"\n"), "the last line is cut short"
    result = read_capture(flood.capture)
    assert result.skipped == 0 and not result.truncated_end, result.damage_report()
    frames = [m.frames for m in result.messages]
    assert len(frames) >= at_least
    assert frames == [[b"m %d" % i] for i in range(len(frames))], "a message is missing"
    log = flood.log()
    written = WRITTEN.search(log)
    assert written, log
    assert int(written.group(1).replace(",", "")) == len(frames)
    assert written.group(2) == "0"
    assert " ERROR " not in log and "Traceback" not in log, log
    assert "capture file is closed" not in log, log


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=["SIGTERM", "SIGHUP", "SIGINT"]
)
def test_a_quit_signal_finishes_the_recording_of_a_flood_and_exits_0(flood, qtbot, signum):
    run = flood()
    run.wait_recording(qtbot)
    seen = line_count(run.capture)
    run.app.send_signal(signum)
    assert run.app.wait(timeout=20) == 0, run.log()
    assert_complete(run, seen)
    assert f"{signal.Signals(signum).name} received: quitting" in run.log()


def test_a_second_sigterm_while_shutting_down_does_no_harm(flood, qtbot):
    run = flood()
    run.wait_recording(qtbot)
    seen = line_count(run.capture)
    for _ in range(3):
        run.app.send_signal(signal.SIGTERM)
    assert run.app.wait(timeout=20) == 0, run.log()
    assert_complete(run, seen)
    assert run.log().count("received: quitting") == 1


def test_ctrl_c_during_a_recorded_flood_never_reports_a_closed_capture_file(flood, qtbot):
    for number in range(5):
        run = flood(number)
        run.wait_recording(qtbot, lines=2000)
        seen = line_count(run.capture)
        run.app.send_signal(signal.SIGINT)
        assert run.app.wait(timeout=20) == 0, run.log()
        assert_complete(run, seen)
        run.close()


# -- the open-file limit ------------------------------------------------------------------------
def workspace_of(path: Path, count: int) -> Path:
    path.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {"name": f"pair-{i}", "type": "PAIR", "bind": [f"inproc://pair-{i}"]}
                    for i in range(count)
                ],
            }
        )
    )
    return path


HEADLESS = """
import asyncio, sys
from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.parse import read_workspace

async def main():
    session = Session()
    problems = apply_workspace(read_workspace(sys.argv[1]), session)
    print(len(session.sockets), len(problems))
    session.close()

asyncio.run(main())
"""


def test_a_thousand_sockets_open_under_a_soft_limit_of_256(tmp_path):
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 4096:
        pytest.skip(f"this machine's hard open-file limit ({hard}) is too low")
    workspace = workspace_of(tmp_path / "many.zinspect.json", 1000)
    result = subprocess.run(
        [
            "bash",
            "-c",
            'ulimit -Sn 256 && exec "$@"',
            "bash",
            sys.executable,
            "-c",
            HEADLESS,
            str(workspace),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["1000", "0"], result.stderr


def test_sockets_that_do_not_fit_are_counted_in_words(tmp_path):
    workspace = workspace_of(tmp_path / "many.zinspect.json", 1000)
    result = subprocess.run(
        [
            "bash",
            "-c",
            'ulimit -n 300 && exec "$@"',
            "bash",
            sys.executable,
            "-m",
            "zinspect",
            str(workspace),
            "--autostop",
            "2",
            "--settings",
            str(tmp_path / "s.ini"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env(),
    )
    assert result.returncode == 0, result.stderr
    said = re.search(r"([\d,]+) of 1,000 sockets opened; ([\d,]+) did not fit", result.stderr)
    assert said, result.stderr
    opened, left_out = (int(group.replace(",", "")) for group in said.groups())
    assert opened > 0 and opened + left_out == 1000
    assert "too many open files" in result.stderr
    assert "Traceback" not in result.stderr and " ERROR " not in result.stderr
