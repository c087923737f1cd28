"""A REP run by a script, against a real REQ peer process (tests/peers/req_client.py): a
request whose on_message raised is answered once the fixed script is Run again (the pane
says so), and a reply sent before any request is refused in words, in the pane and in the
Events timeline, while the script goes on answering."""

from __future__ import annotations

import pytest
from peerio import start_peer
from PySide6.QtCore import Qt
from session_helpers import ANY_PORT, WAIT_MS
from ui_actions import PEER_WAIT_MS, click

from zinspect.core.automation.automation import AutomationSpec, ScriptSpec
from zinspect.core.automation.script_runner import attach_any

pytestmark = pytest.mark.e2e

RAISES = "def on_message(peer, frames):\n    raise ValueError('not ready for ' + repr(frames))\n"
ANSWERS = "def on_message(peer, frames):\n    peer.send([b're:' + frames[0]])\n"
RECV_ANSWERS = (
    "async def on_start(peer):\n"
    "    while True:\n"
    "        request = await peer.recv()\n"
    "        peer.send([b'got:' + request[0]])\n"
)
SENDS_FIRST = "def on_start(peer):\n    peer.send('hello before any request')\n\n" + ANSWERS


def rep_with_script(window, user, qtbot, tmp_path, text: str):
    """A REP bound on a free port, its automation the script ``text``; its pane."""
    rep = user.create("REP", "rep-s")
    endpoint = user.bind(ANY_PORT)
    file = tmp_path / "rep_s.py"
    file.write_text(text, encoding="utf-8")
    attach_any(rep, AutomationSpec(script=ScriptSpec("rep_s.py", str(file))), start=False)
    window.sockets.select_socket(rep)
    pane = window.sockets.script_pane
    qtbot.waitUntil(pane.script_view.isVisible, timeout=WAIT_MS)
    return rep, endpoint, pane


def replace_text(qtbot, pane, text: str) -> None:
    """Type ``text`` over the pane's text, as a user fixing the script does."""
    pane.edit.setFocus()
    pane.edit.selectAll()
    for index, line in enumerate(text.rstrip("\n").split("\n")):
        if index:
            qtbot.keyClick(pane.edit, Qt.Key.Key_Return)
            qtbot.keyClick(pane.edit, Qt.Key.Key_Home)  # the editor keeps no indent
            qtbot.keyClick(pane.edit, Qt.Key.Key_Home, Qt.KeyboardModifier.ShiftModifier)
        qtbot.keyClicks(pane.edit, line)


@pytest.mark.parametrize("fixed", [ANSWERS, RECV_ANSWERS], ids=["on_message", "recv"])
def test_run_gives_the_request_whose_on_message_raised_to_the_fixed_script(
    window, user, peer, qtbot, tmp_path, fixed
):
    rep, endpoint, pane = rep_with_script(window, user, qtbot, tmp_path, RAISES)
    click(qtbot, pane.run_button)
    client = start_peer(peer, qtbot, "req_client.py", endpoint, 2, "--timeout", 30)
    qtbot.waitUntil(lambda: "ValueError" in pane.error.text(), timeout=PEER_WAIT_MS)
    assert pane.state_label.text() == "stopped" and not client.has("Received")

    replace_text(qtbot, pane, fixed)
    click(qtbot, pane.run_button)  # saves, then runs: the request still waits for its reply
    word = "re:" if fixed == ANSWERS else "got:"
    qtbot.waitUntil(lambda: client.has("done 2"), timeout=PEER_WAIT_MS)
    assert client.line("Received reply 0") == f"Received reply 0 [ {word}Hello 0 ]"
    assert client.line("Received reply 1") == f"Received reply 1 [ {word}Hello 1 ]"
    assert pane.note.isVisible()
    taker = "on_message" if fixed == ANSWERS else "peer.recv()"
    assert "b'Hello 0'" in pane.note.text() and f"{taker} got it again" in pane.note.text()
    assert pane.runner.running and not pane.error.isVisible()


def test_a_rep_script_sending_first_is_told_why_and_goes_on(window, user, peer, qtbot, tmp_path):
    rep, endpoint, pane = rep_with_script(window, user, qtbot, tmp_path, SENDS_FIRST)
    click(qtbot, pane.run_button)
    qtbot.waitUntil(pane.error.isVisible, timeout=WAIT_MS)
    said = pane.error.text()
    assert said.startswith("peer.send() in on_start: message not sent: REP must receive")
    assert "from on_message; it never sends first" in said
    events = [e.detail for e in window.session.events if e.name == "script_problem"]
    assert events == [f"rep_s.py: {said}"]
    assert pane.runner.running and not pane.note.isVisible()

    client = start_peer(peer, qtbot, "req_client.py", endpoint, 2, "--timeout", 30)
    qtbot.waitUntil(lambda: client.has("done 2"), timeout=PEER_WAIT_MS)
    assert client.line("Received reply 1") == "Received reply 1 [ re:Hello 1 ]"
    assert pane.error.text().startswith("peer.send() in on_start")  # still said


def test_a_refused_send_on_another_socket_names_that_socket(session, qtbot, tmp_path):
    session.create_socket("REP", "rep-x")
    push = session.create_socket("PUSH", "push-x")
    file = tmp_path / "other.py"
    file.write_text("def on_start(peer):\n    peer.socket('rep-x').send('hi')\n", encoding="utf-8")
    runner = attach_any(push, AutomationSpec(script=ScriptSpec("other.py", str(file))))
    assert runner is not None and runner.running
    said = runner.send_problem
    assert said.startswith("peer.socket('rep-x').send() in on_start: message not sent: REP must")
    events = [e.detail for e in session.events if e.name == "script_problem"]
    assert events == [f"other.py: {said}"]
