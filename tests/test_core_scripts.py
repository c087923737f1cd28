"""Script automations in core (docs/scripting.md): the peer API, errors at their line, a
busy loop reported by name, the workspace round trip; on the ``session`` + ``aloop`` loop."""

from __future__ import annotations

import json
import textwrap

import pytest
from session_helpers import ANY_PORT, WAIT_MS, linked, send, traffic

from zinspect.core.automation.automation import AutomationSpec, ScriptSpec
from zinspect.core.automation.script_runner import SCRIPT_ERROR, SCRIPT_LOG, attach_any
from zinspect.core.frames_json import SpecError
from zinspect.core.store import OUT
from zinspect.core.workspace.apply import apply_workspace, workspace_scripts
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace


def script(tmp_path, text: str, name: str = "peer.py") -> AutomationSpec:
    file = tmp_path / name
    file.write_text(textwrap.dedent(text), encoding="utf-8")
    return AutomationSpec(script=ScriptSpec(path=name, file=str(file)))


def events(session, name: str) -> list[str]:
    return [event.detail for event in session.events if event.name == name]


def test_a_script_replies_keeps_state_and_logs(aloop, session, qtbot, tmp_path):
    rep, req = linked(session, "REP", "REQ")
    spec = script(
        tmp_path,
        """
        def on_start(peer):
            peer.state["n"] = 0
            peer.log(f"{peer.name} is a {peer.type}")

        def on_message(peer, frames):
            peer.state["n"] += 1
            peer.send([frames[0].upper(), str(peer.state["n"])])
        """,
    )
    runner = attach_any(rep, spec)
    assert runner.state == "running"
    for index in range(3):
        send(aloop, qtbot, req, f"hello {index}".encode())
        qtbot.waitUntil(lambda i=index: len(traffic(session, req)) == i + 1, timeout=WAIT_MS)
    assert traffic(session, req) == [[f"HELLO {i}".encode(), str(i + 1).encode()] for i in range(3)]
    assert events(session, SCRIPT_LOG) == [f"{rep.name} is a REP"]
    assert runner.sent == 3 and runner.last_error == ""


def test_recv_sleep_after_every_and_another_socket(aloop, session, qtbot, tmp_path):
    pull = session.create_socket("PULL")
    push = session.create_socket("PUSH", "out")
    push.connect(pull.bind(ANY_PORT).address)
    rep, req = linked(session, "REP", "REQ")
    spec = script(
        tmp_path,
        """
        async def on_start(peer):
            out = peer.socket("out")
            ticks = []
            timer = peer.every(0.01, lambda: ticks.append(1))
            peer.after(0.02, lambda: out.send(["after"]))
            request = await peer.recv(timeout=5)
            assert await peer.recv(timeout=0.05) is None  # a REQ waits for its reply
            await peer.sleep(0.05)
            timer.cancel()
            peer.state["ticks"] = len(ticks)
            peer.send([b"got " + request[0]])
            out.send([f"ticks {len(ticks) >= 3}", peer.socket("out").type])
        """,
    )
    runner = attach_any(rep, spec)
    send(aloop, qtbot, req, b"one")
    qtbot.waitUntil(lambda: traffic(session, req) == [[b"got one"]], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(traffic(session, pull)) == 2, timeout=WAIT_MS)
    assert traffic(session, pull) == [[b"after"], [b"ticks True", b"PUSH"]]
    ticks = runner.peer.state["ticks"]
    qtbot.wait(50)
    assert runner.peer.state["ticks"] == ticks  # a cancelled every() ticks no more
    assert runner.last_error == ""


def test_an_exception_is_shown_at_its_line_and_stops_only_that_script(
    aloop, session, qtbot, tmp_path
):
    rep, req = linked(session, "REP", "REQ")
    other_rep, other_req = linked(session, "REP", "REQ")
    problems = []
    from zinspect.core.automation.automation_runner import listen_for_problems

    listen_for_problems(session, lambda *problem: problems.append(problem))
    bad = script(
        tmp_path,
        """
        def on_message(peer, frames):
            total = 0
            return 1 / total
        """,
        "bad.py",
    )
    good = script(tmp_path, "def on_message(peer, frames):\n    peer.send(frames)\n", "good.py")
    runner = attach_any(rep, bad)
    other = attach_any(other_rep, good)
    send(aloop, qtbot, req, b"boom")
    qtbot.waitUntil(lambda: runner.state == "stopped", timeout=WAIT_MS)
    assert runner.failed and runner.error_line == 4
    assert "bad.py" in runner.last_error and "ZeroDivisionError" in runner.last_error
    assert events(session, SCRIPT_ERROR) == ["bad.py, line 4: ZeroDivisionError: division by zero"]
    assert problems and problems[0][0] == rep.name and problems[0][2] is True
    send(aloop, qtbot, other_req, b"still fine")
    qtbot.waitUntil(lambda: traffic(session, other_req) == [[b"still fine"]], timeout=WAIT_MS)
    assert other.running and not other.failed


def test_an_async_exception_names_its_line_too(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    spec = script(
        tmp_path,
        """
        async def on_start(peer):
            await peer.sleep(0.01)
            raise ValueError("no such task")
        """,
    )
    runner = attach_any(push, spec)
    qtbot.waitUntil(lambda: runner.state == "stopped", timeout=WAIT_MS)
    assert runner.error_line == 4 and "ValueError: no such task" in runner.last_error


def test_a_syntax_error_is_said_at_load_with_its_line(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    spec = script(tmp_path, "def on_start(peer):\n    peer.send([b'x']\n\nx = 1\n")
    runner = attach_any(push, spec)
    assert runner.state == "stopped" and runner.failed
    assert runner.error_line in (2, 4)
    assert f"line {runner.error_line}: SyntaxError" in runner.last_error


def test_a_missing_script_is_said_in_words(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    spec = AutomationSpec(script=ScriptSpec("gone.py", str(tmp_path / "gone.py")))
    runner = attach_any(push, spec)
    assert runner.failed and "cannot read" in runner.last_error and "gone.py" in runner.last_error


def test_a_busy_loop_is_reported_by_name(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    spec = script(
        tmp_path,
        """
        import time

        def spin(peer):
            end = time.monotonic() + 0.15
            while time.monotonic() < end:
                pass

        def on_start(peer):
            peer.after(0.01, lambda: spin(peer))
        """,
    )
    runner = attach_any(push, spec)
    qtbot.waitUntil(lambda: runner.held_reports == 1, timeout=WAIT_MS)
    assert "<lambda> held the window for" in runner.last_error
    assert runner.running  # reported, not stopped


def test_on_stop_runs_when_the_user_stops(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    spec = script(tmp_path, "def on_stop(peer):\n    peer.log('bye ' + peer.name)\n")
    runner = attach_any(push, spec)
    runner.stop()
    assert events(session, SCRIPT_LOG) == [f"bye {push.name}"]
    runner.start()  # runs again, loading the file anew
    assert runner.running


def test_peer_stop_ends_the_run_from_inside(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    runner = attach_any(push, script(tmp_path, "def on_start(peer):\n    peer.stop()\n"))
    qtbot.waitUntil(lambda: runner.state == "stopped", timeout=WAIT_MS)
    assert not runner.failed


def test_send_rejects_what_is_not_a_frame(aloop, session, qtbot, tmp_path):
    push = session.create_socket("PUSH")
    runner = attach_any(push, script(tmp_path, "def on_start(peer):\n    peer.send([1])\n"))
    assert runner.failed and "TypeError: frame 0 is a int" in runner.last_error
    assert traffic(session, push, OUT) == []


def test_the_workspace_keeps_the_script_path_as_written(aloop, session, tmp_path):
    (tmp_path / "peers").mkdir()
    (tmp_path / "peers" / "w.py").write_text("def on_start(peer):\n    pass\n")
    text = json.dumps(
        {
            "zinspect": 1,
            "sockets": [
                {"name": "w", "type": "DEALER", "automation": {"script": "peers/w.py"}},
            ],
        }
    )
    workspace = parse_workspace(text, tmp_path)
    spec = workspace.sockets[0].automation.script
    assert spec.path == "peers/w.py" and spec.file == str(tmp_path / "peers" / "w.py")
    assert workspace_scripts(workspace) == [spec.file]
    assert apply_workspace(workspace, session, run_scripts=False) == []
    handle = session.socket_named("w")
    assert handle.automation_runner.state == "stopped"  # not run until trusted
    again = json.loads(dump_workspace(workspace))
    assert again["sockets"][0]["automation"] == {"script": "peers/w.py"}


@pytest.mark.parametrize(
    ("automation", "words"),
    [
        ({"script": ""}, "empty string"),
        ({"script": "peer.txt"}, "ending in .py"),
        ({"script": 3}, "a path such as"),
        ({"script": "a.py", "reply": {"echo": True}}, 'remove "reply"'),
    ],
)
def test_a_bad_script_entry_says_why(automation, words):
    text = json.dumps({"zinspect": 1, "sockets": [{"type": "DEALER", "automation": automation}]})
    workspace = parse_workspace(text)
    assert len(workspace.invalid) == 1
    assert isinstance(workspace.invalid[0], SpecError) and words in str(workspace.invalid[0])


def test_closing_the_session_runs_on_stop_without_a_problem(aloop, session, qtbot, tmp_path):
    from zinspect.core.automation.automation_runner import listen_for_problems

    pull, push = linked(session, "PULL", "PUSH")
    problems = []
    listen_for_problems(session, lambda *problem: problems.append(problem))
    body = "def on_stop(peer):\n    peer.send(['bye'])\n    peer.log('stopped')\n"
    runner = attach_any(push, script(tmp_path, body))
    session.close()  # the window quitting
    assert runner.state == "stopped"
    assert events(session, SCRIPT_LOG) == ["stopped"]
    assert problems == []  # a message for a closed socket is dropped, not an error


def test_async_calls_piling_up_are_bounded(aloop, session, qtbot, tmp_path, monkeypatch):
    from zinspect.core.automation import script_runner

    monkeypatch.setattr(script_runner, "TASKS_MAX", 3)
    push = session.create_socket("PUSH")
    body = "import asyncio\n\nasync def slow(peer):\n    await asyncio.sleep(60)\n"
    runner = attach_any(push, script(tmp_path, body))
    namespace = {}
    exec(body, namespace)
    for _ in range(5):
        runner.call_script(namespace["slow"], runner.peer, name="slow")
    assert runner.dropped == 2 and "3 calls of async slow still run" in runner.last_error
    runner.stop()
