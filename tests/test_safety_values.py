"""Values that used to cost a whole workspace or crash at run time are refused at their place.

A 4,400-digit number or a value nested 100,000 deep inside one socket refuses that socket
only, naming where; an automation interval or delay of 10^20 ms is refused where it is
written or typed, with the allowed range; a CURVE client whose server key is wrong is told
that is the usual cause, instead of a bare "EPIPE".
"""

from __future__ import annotations

import json

import pytest
from peerio import start_peer
from PySide6.QtCore import Qt
from session_helpers import ANY_PORT, WAIT_MS, linked
from test_app import run_app

from zinspect.core.keys.curve_keys import generate_certificate, generate_keypair
from zinspect.core.security.apply import apply_security
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.sockets.events import CURVE_CLIENT_HINT
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.model import WorkspaceError
from zinspect.core.workspace.parse import read_workspace
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.socket_panel import SocketPanel

HUGE = "9" * 4400
DEEP = "[" * 100_000 + "]" * 100_000


def write(tmp_path, text: str):
    path = tmp_path / "values.zinspect.json"
    path.write_text(text)
    return path


def three_sockets(bad_value: str) -> str:
    return (
        '{"zinspect": 1, "sockets": [\n  {"name": "a", "type": "PUB"},\n'
        f'  {{"name": "b", "type": "SUB", "options": {{"SNDHWM": {bad_value}}}}},\n'
        '  {"name": "c", "type": "PULL", "bind": ["inproc://c"]}\n]}\n'
    )


def test_a_huge_number_refuses_only_its_socket(session, tmp_path, caplog):
    caplog.expected_warnings = True
    workspace = read_workspace(write(tmp_path, three_sockets(HUGE)))
    assert [str(e) for e in workspace.invalid] == [
        "sockets[1].options.SNDHWM: a number of 4,400 digits is too large"
    ]
    assert [s.name for s in workspace.sockets] == ["a", "c"]
    apply_workspace(workspace, session)
    assert [s.name for s in session.sockets] == ["a", "c"]


def test_deep_nesting_refuses_only_its_socket_with_line_and_column(tmp_path):
    text = three_sockets(DEEP)
    workspace = read_workspace(write(tmp_path, text))
    # the document, the sockets list, the socket and its options make four levels; the
    # 201st starts at the 197th "[" of the value
    column = text.splitlines()[2].index("[") + 197
    assert [str(e) for e in workspace.invalid] == [
        "sockets[1].options.SNDHWM[0][0][0]…: nested more than 200 levels deep "
        f"(line 3, column {column})"
    ]
    assert [s.name for s in workspace.sockets] == ["a", "c"]


def test_deep_nesting_in_a_saved_message_refuses_only_that_message(tmp_path):
    text = (
        '{"zinspect": 1, "sockets": [{"type": "PUB"}], "messages": [\n'
        f'{{"name": "bad", "frames": [{{"json": {DEEP}}}]}}, '
        '{"name": "good", "frames": ["hi"]}]}'
    )
    workspace = read_workspace(write(tmp_path, text))
    assert [str(e).split(":")[0] for e in workspace.invalid] == [
        "messages[0].frames[0].json[0][0][0]…"
    ]
    assert [m.name for m in workspace.messages] == ["good"] and len(workspace.sockets) == 1


def test_bad_values_outside_any_entry_refuse_the_file_saying_where(tmp_path, caplog):
    caplog.expected_warnings = True
    with pytest.raises(WorkspaceError, match="zinspect: a number of 4,400 digits"):
        read_workspace(write(tmp_path, f'{{"zinspect": {HUGE}}}'))
    with pytest.raises(
        WorkspaceError,
        match=r"nested more than 200 levels deep \(line 2, "
        r"column 205\)",
    ):
        read_workspace(write(tmp_path, f'{{"zinspect": 1,\n"x": {DEEP}}}'))


def test_command_line_loads_the_rest_and_says_where(tmp_path):
    text = (
        three_sockets(HUGE).rstrip().removesuffix("]}")
        + f',\n  {{"name": "d", "type": "SUB", "options": {{"RCVHWM": {DEEP}}}}}\n]}}\n'
    )
    path = write(tmp_path, text)
    result = run_app(tmp_path, "--log-level", "INFO", str(path), "--autostop", "1", timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "sockets[1].options.SNDHWM: a number of 4,400 digits is too large" in result.stderr
    assert (
        "sockets[3].options.RCVHWM[0][0][0]…: nested more than 200 levels deep (line 6,"
        in result.stderr
    )
    assert "created PULL socket c" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "automation, place",
    [
        ({"send": {"frames": ["x"], "interval_ms": 10**20}}, "send.interval_ms"),
        ({"send": {"frames": ["x"], "timeout_ms": 10**20}}, "send.timeout_ms"),
        ({"reply": {"echo": True, "delay_ms": 10**20}}, "reply.delay_ms"),
    ],
)
def test_automation_times_beyond_the_timer_limit_are_refused_with_the_range(
    tmp_path, automation, place
):
    document = {
        "zinspect": 1,
        "sockets": [
            {
                "name": "s",
                "type": {
                    "send.interval_ms": "PUSH",
                    "send.timeout_ms": "REQ",
                    "reply.delay_ms": "REP",
                }[place],
                "automation": automation,
            },
            {"name": "ok", "type": "PUB"},
        ],
    }
    workspace = read_workspace(write(tmp_path, json.dumps(document)))
    assert [str(e) for e in workspace.invalid] == [
        f"sockets[0].automation.{place}: 100,000,000,000,000,000,000 ms is too long: the most "
        "is 2,147,483,647 ms (about 24.8 days)"
    ]
    assert [s.name for s in workspace.sockets] == ["ok"]


def test_automation_editor_refuses_a_huge_interval_under_the_field(aloop, session, qtbot):
    panel = SocketPanel(SessionBridge(session))
    qtbot.addWidget(panel)
    panel.show()
    pull, push = linked(session, "PULL", "PUSH")
    panel.select_socket(push)
    editor = panel.automation_editor
    editor.send_group.setFocus()
    qtbot.keyClick(editor.send_group, Qt.Key.Key_Space)
    editor.interval_edit.clear()
    qtbot.keyClicks(editor.interval_edit, "100000000000000000000")
    assert editor.interval_error.isVisible()
    assert editor.interval_error.text() == (
        "100,000,000,000,000,000,000 ms is too long: the most is 2,147,483,647 ms (about 24.8 days)"
    )
    qtbot.mouseClick(editor.start_button, Qt.MouseButton.LeftButton)
    assert push.automation is None and push.automation_runner is None


@pytest.mark.e2e
def test_curve_client_with_a_wrong_server_key_is_told_the_likely_cause(
    session, qtbot, peer, tmp_path
):
    _, server_cert = generate_certificate(tmp_path / "server")
    out = start_peer(peer, qtbot, "secure_rep.py", ANY_PORT, "--cert", server_cert)
    client = session.create_socket("REQ", "client")
    apply_security(
        client, SecuritySpec("CURVE", False, *generate_keypair(), server_key=generate_keypair()[0])
    )
    client.connect(out.line("ready").split()[1])
    qtbot.waitUntil(
        lambda: any(e.name == "handshake_failed_no_detail" for e in session.events), timeout=WAIT_MS
    )
    failed = next(e for e in session.events if e.name == "handshake_failed_no_detail")
    assert failed.explanation.endswith(CURVE_CLIENT_HINT)
    assert "wrong server key" in failed.explanation and failed.problem
