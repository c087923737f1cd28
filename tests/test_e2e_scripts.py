"""Script automations end to end: the shipped MDP worker script against the real broker and
client (tests/peers), and headless runs with and without --run-scripts (a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from peerio import PeerOutput, start_peer
from session_helpers import ANY_PORT, WAIT_MS, traffic
from ui_actions import PEER_WAIT_MS

from zinspect.core.store import OUT
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.parse import parse_workspace

pytestmark = pytest.mark.e2e

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def finished(out: PeerOutput, qtbot, timeout: int = PEER_WAIT_MS) -> int:
    qtbot.waitUntil(lambda: out.proc.poll() is not None, timeout=timeout)
    qtbot.waitUntil(lambda: (out.poll(), out.eof)[1], timeout=WAIT_MS)
    return out.proc.returncode


def test_the_mdp_worker_script_answers_100_requests_and_no_heartbeat(session, peer, qtbot):
    broker = start_peer(peer, qtbot, "mdp_broker.py", ANY_PORT, "--count", 100)
    endpoint = broker.lines[0].split()[1]
    document = json.loads((EXAMPLES / "mdp-worker-script.zinspect.json").read_text("utf-8"))
    document["sockets"][0]["connect"] = [endpoint]
    workspace = parse_workspace(json.dumps(document), EXAMPLES)
    assert workspace.invalid == []
    assert apply_workspace(workspace, session) == []
    worker = session.socket_named("worker")
    qtbot.waitUntil(lambda: broker.has("worker"), timeout=PEER_WAIT_MS)
    client = start_peer(peer, qtbot, "mdp_client.py", endpoint, 100)
    assert finished(client, qtbot) == 0
    assert client.has("done 100")
    assert finished(broker, qtbot) == 0
    summary = next(line for line in broker.lines if line.startswith("requests"))
    assert summary.startswith("requests 100 replies 100") and summary.endswith("storm 0")
    replies = [f for f in traffic(session, worker, OUT) if len(f) > 2 and f[2] == b"\x03"]
    assert len(replies) == 100 and replies[-1][-1] == b"request 99"
    runner = worker.automation_runner
    assert runner.peer.state["answered"] == 100 and runner.last_error == ""


def run_app(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "zinspect", "--settings", str(tmp_path / "settings.ini"), *args],
        capture_output=True,
        text=True,
        timeout=40,
        env=env,
    )


def script_workspace(tmp_path, body: str) -> str:
    (tmp_path / "peers").mkdir()
    (tmp_path / "peers" / "p.py").write_text(body, encoding="utf-8")
    path = tmp_path / "s.zinspect.json"
    socket = {"name": "out", "type": "PUSH", "automation": {"script": "peers/p.py"}}
    path.write_text(json.dumps({"zinspect": 1, "sockets": [socket]}))
    return str(path)


def test_headless_refuses_scripts_without_run_scripts(tmp_path):
    path = script_workspace(tmp_path, "def on_start(peer):\n    open('ran', 'w').close()\n")
    result = run_app(tmp_path, path, "--autostop", "1")
    assert result.returncode == 2
    assert "runs Python scripts (peers/p.py)" in result.stderr
    assert "--run-scripts" in result.stderr


def test_headless_runs_scripts_with_run_scripts_and_says_their_errors(tmp_path):
    marker = tmp_path / "ran.txt"
    body = (
        "def on_start(peer):\n"
        f"    open({str(marker)!r}, 'w').write(peer.name)\n"
        "    peer.after(0.05, lambda: 1 / 0)\n"
    )
    result = run_app(
        tmp_path, script_workspace(tmp_path, body), "--autostop", "1.5", "--run-scripts"
    )
    assert marker.read_text() == "out"
    assert result.returncode == 1  # the script failed
    assert "zinspect: automation of out: script peers/p.py failed:" in result.stderr
    assert 'p.py", line 3, in <lambda>' in result.stderr
    assert "ZeroDivisionError: division by zero" in result.stderr


def test_a_shipped_example_script_workspace_parses(tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    workspace = parse_workspace(
        (tmp_path / "examples" / "mdp-worker-script.zinspect.json").read_text(),
        tmp_path / "examples",
    )
    assert workspace.invalid == []
    assert Path(workspace.sockets[0].automation.script.file).is_file()


def test_the_scripting_page_shows_the_example_as_shipped():
    page = (EXAMPLES.parent.parent / "docs" / "scripting.md").read_text(encoding="utf-8")
    example = (EXAMPLES / "peers" / "mdp_worker.py").read_text(encoding="utf-8")
    assert f"```python\n{example}```" in page


def test_the_pages_lazy_pirate_script_gets_every_reply_from_a_dropping_server(
    session, peer, qtbot, tmp_path
):
    page = (EXAMPLES.parent.parent / "docs" / "scripting.md").read_text(encoding="utf-8")
    code = page.split("```python\n")[2].split("```")[0]
    assert "peer.recreate()" in code
    (tmp_path / "lp.py").write_text(code.replace("timeout=2.5", "timeout=0.3"), "utf-8")
    server = start_peer(peer, qtbot, "lp_server.py", ANY_PORT, "--drop-every", 3, "--count", 10)
    socket = {"name": "client", "type": "REQ", "connect": [server.lines[0].split()[1]]}
    socket["automation"] = {"script": "lp.py"}
    workspace = parse_workspace(json.dumps({"zinspect": 1, "sockets": [socket]}), tmp_path)
    assert apply_workspace(workspace, session) == []
    runner = session.socket_named("client").automation_runner
    qtbot.waitUntil(lambda: runner.state == "stopped", timeout=PEER_WAIT_MS)
    logs = [e.detail for e in session.events if e.name == "script_log"]
    assert logs == [f"got request {i}" for i in range(10)]
    assert not runner.failed and server.has("dropped")
