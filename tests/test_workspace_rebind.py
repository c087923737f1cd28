"""A workspace opened again finds its port held for a moment by the socket it just closed
(libzmq's I/O thread lets go of a listener a few milliseconds after the close): the open
tries the bind again and the socket ends up bound; a port held for good is refused in
words, at its place in the file."""

from __future__ import annotations

import zmq
from ui_actions import WAIT_MS
from workspace_helpers import write


def held_port() -> tuple[zmq.Context, zmq.Socket, int]:
    """A plain pyzmq socket of its own context bound to a free port: another socket there."""
    context = zmq.Context()
    holder = context.socket(zmq.PULL)
    holder.linger = 0
    port = holder.bind_to_random_port("tcp://127.0.0.1")
    return context, holder, port


def workspace_binding(tmp_path, port: int) -> str:
    document = {
        "zinspect": 1,
        "sockets": [
            {"name": "listener", "type": "PULL", "bind": [f"tcp://127.0.0.1:{port}"]},
            {"name": "other", "type": "PUSH"},
        ],
    }
    return write(tmp_path / "ws.zinspect.json", document)


def test_a_port_freed_a_moment_after_the_open_starts_is_bound(window, qtbot, tmp_path):
    context, holder, port = held_port()
    actions = window.workspace_actions
    try:
        assert actions.open_path(workspace_binding(tmp_path, port))
        # the first bind found the port taken: the open waits for it, the window lives on
        assert actions.switch.running
        holder.close()
        qtbot.waitUntil(lambda: not actions.switch.running, timeout=WAIT_MS)
    finally:
        holder.close()
        context.term()
    listener = next(h for h in window.session.sockets if h.name == "listener")
    assert [e.address for e in listener.endpoints] == [f"tcp://127.0.0.1:{port}"]
    assert listener.last_error == "" and actions.load_problems.problems == []
    assert "bind failed" not in window.sockets.state_label.text()
    assert not actions.problems_button.isVisible()


def test_a_port_held_for_good_is_refused_in_words_at_its_place(window, qtbot, tmp_path, caplog):
    caplog.expected_warnings = True  # the refused bind is logged as a problem
    context, holder, port = held_port()
    actions = window.workspace_actions
    try:
        assert actions.open_path(workspace_binding(tmp_path, port))
        qtbot.waitUntil(lambda: not actions.switch.running, timeout=WAIT_MS)
    finally:
        holder.close()
        context.term()
    [problem] = actions.load_problems.problems
    assert problem.startswith(f"sockets[0].bind[0]: bind tcp://127.0.0.1:{port}: ")
    assert "Address already in use" in problem
    listener = next(h for h in window.session.sockets if h.name == "listener")
    assert listener.endpoints == [] and "Address already in use" in listener.last_error
    assert actions.problems_button.isVisible()
    assert [h.name for h in window.session.sockets] == ["listener", "other"]
