"""ipc binds never destroy a file zinspect did not create, and saved secrets stay private.

A typo in a Bind field or a workspace (``ipc:///home/me/notes.txt``) must not turn a file
into a socket; a socket file at the path is replaced only when the user says so; zinspect
removes the socket files it made, and only those. A workspace saved with secrets is 0600.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket as pysocket
import stat
from pathlib import Path

import pytest
import zmq
from PySide6.QtCore import Qt
from test_app import run_app
from window_driver import WAIT_MS

from zinspect.core.sockets.ipc_files import SocketFileExistsError
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.atomic_save import save_workspace_atomic
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace, read_workspace

PRECIOUS = "my notes: do not lose them\n"


def notes_file(tmp_path) -> str:
    path = tmp_path / "notes.txt"
    path.write_text(PRECIOUS)
    return str(path)


def stale_socket_file(path) -> str:
    """A socket file nobody listens on, as a program that crashed leaves behind."""
    left = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    left.bind(str(path))
    left.close()
    assert stat.S_ISSOCK(os.lstat(path).st_mode)
    return str(path)


def listening(path: str) -> bool:
    probe = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    try:
        probe.connect(path)
        return True
    except OSError:
        return False
    finally:
        probe.close()


def workspace_binding(path: str, **extra) -> dict:
    return {
        "zinspect": 1,
        "sockets": [
            {"name": "sink", "type": "PULL", "bind": [f"ipc://{path}"], **extra},
            {"name": "other", "type": "PUB"},
        ],
    }


async def deliver(session, endpoint: str, handle) -> None:
    """A message from a plain pyzmq PUSH at ``endpoint`` arrives at ``handle``."""
    push = zmq.Context.instance().socket(zmq.PUSH)
    push.setsockopt(zmq.LINGER, 0)
    push.connect(endpoint)
    before = handle.received
    try:
        push.send(b"through")
        for _ in range(1000):
            if handle.received > before:
                break
            await asyncio.sleep(0.01)
    finally:
        push.close()
    assert handle.received > before, "nothing arrived through the socket file"


# -- the Session API -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, words",
    [
        (lambda tmp: notes_file(tmp), "is a regular file of 27 bytes"),
        (lambda tmp: str(tmp), "is a directory"),
        (lambda tmp: (os.mkfifo(tmp / "fifo"), str(tmp / "fifo"))[1], "is a named pipe"),
        (
            lambda tmp: (os.symlink(tmp / "target", tmp / "link"), str(tmp / "link"))[1],
            "is a symbolic link",
        ),
    ],
)
def test_bind_to_an_existing_file_is_refused_in_words(session, tmp_path, make, words):
    path = make(tmp_path)
    pull = session.create_socket("PULL")
    with pytest.raises(SocketError) as refused:
        pull.bind(f"ipc://{path}")
    assert words in str(refused.value) and path in str(refused.value)
    assert "never replaces" in str(refused.value)
    assert pull.endpoints == []
    if os.path.isfile(path) and not os.path.islink(path):
        assert Path(path).read_text() == PRECIOUS
    assert not stat.S_ISSOCK(os.lstat(path).st_mode)


def test_bind_in_a_missing_or_non_directory_parent_says_which(session, tmp_path):
    pull = session.create_socket("PULL")
    with pytest.raises(SocketError, match="missing: the directory does not exist"):
        pull.bind(f"ipc://{tmp_path}/missing/feed")
    notes = notes_file(tmp_path)
    with pytest.raises(SocketError, match="is a regular file, not a directory"):
        pull.bind(f"ipc://{notes}/feed")
    assert Path(notes).read_text() == PRECIOUS and pull.endpoints == []


def test_stale_socket_file_is_replaced_only_when_allowed(session, aloop, tmp_path):
    path = stale_socket_file(tmp_path / "feed.sock")
    inode = os.lstat(path).st_ino
    pull = session.create_socket("PULL")
    with pytest.raises(SocketFileExistsError, match="nothing is listening on it") as refused:
        pull.bind(f"ipc://{path}")
    assert not refused.value.live and os.lstat(path).st_ino == inode
    entry = pull.bind(f"ipc://{path}", replace_socket_file=True)
    assert entry.address == f"ipc://{path}"
    aloop.run_until_complete(deliver(session, f"ipc://{path}", pull))


def test_another_programs_listening_socket_is_not_taken(session, tmp_path):
    path = str(tmp_path / "theirs.sock")
    theirs = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
    theirs.bind(path)
    theirs.listen(1)
    try:
        inode = os.lstat(path).st_ino
        pull = session.create_socket("PULL")
        with pytest.raises(SocketFileExistsError, match="a program is listening on it") as refused:
            pull.bind(f"ipc://{path}")
        assert refused.value.live and os.lstat(path).st_ino == inode
        client = pysocket.socket(pysocket.AF_UNIX, pysocket.SOCK_STREAM)
        client.connect(path)  # still theirs, still answering
        client.close()
    finally:
        theirs.close()


def test_own_socket_file_removed_on_unbind_and_close_but_not_a_replacement(session, tmp_path):
    pull = session.create_socket("PULL")
    first, second = str(tmp_path / "a.sock"), str(tmp_path / "b.sock")
    entry = pull.bind(f"ipc://{first}")
    pull.bind(f"ipc://{second}")
    assert stat.S_ISSOCK(os.lstat(first).st_mode)
    pull.detach(entry)
    assert not os.path.lexists(first)
    os.unlink(second)  # someone else puts a socket file where zinspect's was (the inode
    stale_socket_file(second)  # number often comes back: the hard case)
    replaced = os.lstat(second).st_ino
    pull.close()
    assert os.lstat(second).st_ino == replaced  # theirs: left alone
    other = session.create_socket("PULL")
    other.bind(f"ipc://{first}")
    session.close()
    assert not os.path.lexists(first)


def test_recreate_binds_its_own_socket_file_again(session, aloop, tmp_path):
    path = str(tmp_path / "req.sock")
    pull = session.create_socket("PULL")
    pull.bind(f"ipc://{path}")
    assert pull.recreate() == []
    assert [e.address for e in pull.endpoints] == [f"ipc://{path}"]
    aloop.run_until_complete(deliver(session, f"ipc://{path}", pull))


# -- workspaces ------------------------------------------------------------------------------
def test_workspace_bind_to_a_file_is_refused_with_its_place(session, tmp_path, caplog):
    caplog.expected_warnings = True
    notes = notes_file(tmp_path)
    lines = apply_workspace(parse_workspace(json.dumps(workspace_binding(notes))), session)
    assert len(lines) == 1
    assert lines[0].startswith(f"sockets[0].bind[0]: bind ipc://{notes}: {notes} is a regular file")
    assert Path(notes).read_text() == PRECIOUS
    assert [s.name for s in session.sockets] == ["sink", "other"]  # the rest is there
    assert "regular file" in session.socket_named("sink").last_error


def test_workspace_replaces_a_stale_socket_file_only_when_it_says_so(session, tmp_path, caplog):
    caplog.expected_warnings = True
    path = stale_socket_file(tmp_path / "feed.sock")
    lines = apply_workspace(parse_workspace(json.dumps(workspace_binding(path))), session)
    assert len(lines) == 1 and "is a socket file already" in lines[0]
    assert '"replace_socket_files": true' in lines[0]  # how to allow it
    for handle in list(session.sockets):
        handle.close()
    allowed = parse_workspace(json.dumps(workspace_binding(path, replace_socket_files=True)))
    assert allowed.sockets[0].replace_socket_files
    assert apply_workspace(allowed, session) == []
    assert session.socket_named("sink").endpoints[0].address == f"ipc://{path}"
    assert '"replace_socket_files": true' in dump_workspace(allowed)
    wrong = parse_workspace(json.dumps(workspace_binding(path, replace_socket_files="yes")))
    assert [str(e) for e in wrong.invalid] == [
        'sockets[0].replace_socket_files: expected true or false, got "yes"'
    ]


def test_cli_workspace_never_touches_the_file(tmp_path):
    notes = notes_file(tmp_path)
    stale = stale_socket_file(tmp_path / "stale.sock")
    inode = os.lstat(stale).st_ino
    document = workspace_binding(notes)
    document["sockets"][1] = {"name": "left", "type": "PULL", "bind": [f"ipc://{stale}"]}
    path = tmp_path / "files.zinspect.json"
    path.write_text(json.dumps(document))
    result = run_app(tmp_path, str(path), "--autostop", "1")
    assert result.returncode == 0, result.stderr
    assert Path(notes).read_text() == PRECIOUS and os.lstat(stale).st_ino == inode
    assert f"sockets[0].bind[0]: bind ipc://{notes}: {notes} is a regular file" in result.stderr
    assert "sockets[1].bind[0]" in result.stderr and "is a socket file already" in result.stderr
    assert "Traceback" not in result.stderr


# -- the Bind field --------------------------------------------------------------------------
def test_bind_field_refuses_a_file_in_words(window, user, qtbot, tmp_path):
    notes = notes_file(tmp_path)
    user.create("PULL", "sink")
    editor = window.sockets.endpoint_editor
    user.type_endpoint(f"ipc://{notes}")
    user.click(editor.bind_button)
    assert editor.error_label.isVisibleTo(window)
    assert "is a regular file of 27 bytes" in editor.error_label.text()
    assert not editor.replace_box.isVisibleTo(window)  # nothing to offer: never replaced
    assert editor.endpoints_shown() == [] and Path(notes).read_text() == PRECIOUS
    assert editor.endpoint_edit.text() == f"ipc://{notes}"  # kept, to be corrected


def test_bind_field_asks_before_replacing_a_stale_socket_file(window, user, qtbot, tmp_path):
    path = stale_socket_file(tmp_path / "feed.sock")
    inode = os.lstat(path).st_ino
    handle = user.create("PULL", "sink")
    editor = window.sockets.endpoint_editor
    user.type_endpoint(f"ipc://{path}")
    user.click(editor.bind_button)
    assert "is a socket file already" in editor.error_label.text()
    assert editor.replace_box.isVisibleTo(window)
    user.click(editor.keep_button)  # no: nothing happens
    assert not editor.replace_box.isVisibleTo(window)
    assert not editor.error_label.isVisibleTo(window)
    assert handle.endpoints == [] and os.lstat(path).st_ino == inode
    assert not listening(path)

    user.click(editor.bind_button)
    qtbot.keyClicks(editor.endpoint_edit, "x")  # the question was about the old text
    assert not editor.replace_box.isVisibleTo(window)
    qtbot.keyClick(editor.endpoint_edit, Qt.Key.Key_Backspace)

    user.click(editor.bind_button)
    user.click(editor.replace_button)  # yes
    qtbot.waitUntil(lambda: editor.endpoints_shown() == [f"bind  ipc://{path}"], timeout=WAIT_MS)
    assert not editor.error_label.isVisibleTo(window)
    assert listening(path)  # the stale file refused connections; zinspect's answers


# -- secrets in saved workspaces --------------------------------------------------------------
SECRET_WORKSPACE = {
    "zinspect": 1,
    "sockets": [
        {
            "name": "c",
            "type": "DEALER",
            "security": {
                "mechanism": "PLAIN",
                "username": "u",
                "password": "hunter2",
                "save_secrets": True,
            },
        }
    ],
}


def test_workspace_with_secrets_is_written_0600_and_others_keep_their_mode(tmp_path):
    old_umask = os.umask(0o022)
    try:
        secret = tmp_path / "secret.zinspect.json"
        text = dump_workspace(parse_workspace(json.dumps(SECRET_WORKSPACE)))
        save_workspace_atomic(secret, text, secret=True)
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        plain = tmp_path / "plain.zinspect.json"
        save_workspace_atomic(plain, "{}\n")
        assert stat.S_IMODE(plain.stat().st_mode) == 0o644
        os.chmod(plain, 0o664)
        save_workspace_atomic(plain, "{}\n")  # not secret: the old mode stays
        assert stat.S_IMODE(plain.stat().st_mode) == 0o664
        save_workspace_atomic(plain, text, secret=True)  # secrets written in: narrowed
        assert stat.S_IMODE(plain.stat().st_mode) == 0o600
        assert read_workspace(plain).sockets[0].security.password == "hunter2"
    finally:
        os.umask(old_umask)


def test_saving_secrets_from_the_window_says_readable_only_by_you(window, qtbot, tmp_path):
    old_umask = os.umask(0o022)
    try:
        path = tmp_path / "secret.zinspect.json"
        path.write_text(json.dumps(SECRET_WORKSPACE))
        os.chmod(path, 0o644)
        assert window.workspace_actions.open_path(path)
        window.workspace_actions.save_action.trigger()
        qtbot.waitUntil(lambda: "Saved" in window.statusBar().currentMessage(), timeout=WAIT_MS)
        assert "with secrets: readable only by you" in window.statusBar().currentMessage()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old_umask)
