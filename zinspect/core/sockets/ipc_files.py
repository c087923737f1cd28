"""The files behind ipc:// binds: zinspect creates them itself and removes only its own.

libzmq's ipc listener unlinks whatever is at the path before it binds, so a typo in a Bind
field (``ipc:///home/me/notes.txt``) would turn a file into a socket with no warning, and a
bind over another program's socket would silently steal its clients. zinspect therefore makes
the listening socket itself: Python's ``bind`` refuses any path that exists (no race between
a check and the bind), and the ready socket is handed to libzmq with ``ZMQ_USE_FD``, which
then neither unlinks nor creates anything. When the endpoint is unbound or its socket closed,
the file is removed only if it is still the one zinspect made (same device and inode), so
a file someone put there afterwards is left alone.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import stat
from dataclasses import dataclass

import zmq

from zinspect.core.sockets.socket_base import SocketError

log = logging.getLogger(__name__)

BACKLOG = 100  # libzmq's own default listen backlog (ZMQ_BACKLOG)


class SocketFileExistsError(SocketError):
    """An ipc bind found a socket file at its path; binding would replace it. The user may
    allow that (``replace_socket_file``); the message says so in words."""

    def __init__(self, message: str, path: str, live: bool) -> None:
        super().__init__(message)
        self.path = path
        self.live = live  # a program answered on it: replacing it cuts that program off


@dataclass(frozen=True)
class OwnedFile:
    """A socket file zinspect created: removed on unbind/close only while still this one.
    The change time is kept with the inode: a file made right after ours was unlinked often
    gets the same inode number back."""

    path: str
    device: int
    inode: int
    changed_ns: int


def ipc_file_path(endpoint: str) -> str | None:
    """The file system path an ipc:// bind would create, or None (not ipc, the ``*``
    wildcard, for which libzmq makes a fresh private directory, or an abstract ``@name``)."""
    transport, sep, address = endpoint.partition("://")
    if not sep or transport != "ipc" or address == "*" or address.startswith("@"):
        return None
    return address


def file_kind(mode: int) -> str:
    """What a file is, in words: ``a regular file``, ``a directory``..."""
    for test, words in (
        (stat.S_ISREG, "a regular file"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket file"),
    ):
        if test(mode):
            return words
    return "a special file"


def check_parent(path: str) -> None:
    """SocketError in words unless the directory the socket file goes in exists."""
    parent = os.path.dirname(os.path.abspath(path))
    try:
        info = os.stat(parent)
    except FileNotFoundError:
        raise SocketError(
            f"{parent}: the directory does not exist; create it first, or "
            "choose a path in a directory that exists"
        ) from None
    except OSError as error:
        raise SocketError(f"Cannot use the directory {parent}: {error.strerror or error}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise SocketError(
            f"{parent} is {file_kind(info.st_mode)}, not a directory: the "
            "socket file cannot be created in it"
        )


def _listening(path: str) -> bool:
    """Whether a program accepts connections on the socket file at ``path`` (never waits:
    a non-blocking connect either succeeds, is in progress, or is refused at once)."""
    if not hasattr(socket, "AF_UNIX"):
        return True  # cannot tell: assume it is in use
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.setblocking(False)
    try:
        probe.connect(path)
    except (BlockingIOError, InterruptedError):
        return True  # its backlog is full: still somebody's
    except OSError:
        return False
    finally:
        probe.close()
    return True


def refuse_existing(path: str, info: os.stat_result) -> SocketError:
    """The error for an ipc bind to ``path``, which exists (``info`` from lstat)."""
    if stat.S_ISSOCK(info.st_mode):
        live = _listening(path)
        who = (
            "a program is listening on it: binding here would take its new clients"
            if live
            else "nothing is listening on it (probably left behind by a program that ended)"
        )
        return SocketFileExistsError(
            f"{path} is a socket file already; {who}. Replace it only if you know it is not in use",
            path,
            live,
        )
    size = f" of {info.st_size:,} bytes" if stat.S_ISREG(info.st_mode) else ""
    return SocketError(
        f"{path} is {file_kind(info.st_mode)}{size}: zinspect never replaces "
        "a file it did not create; choose another ipc path"
    )


def create_listener(path: str, *, replace_socket_file: bool = False) -> tuple[int, OwnedFile]:
    """A listening Unix socket at ``path`` made by zinspect: its file descriptor (for
    ZMQ_USE_FD) and the file it created. SocketError in words when the path is taken; a
    socket file there is replaced only with ``replace_socket_file``."""
    check_parent(path)
    for attempt in range(2):
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(path)  # never replaces anything: EADDRINUSE if the path exists
            listener.listen(BACKLOG)
            info = os.lstat(path)
            owned = OwnedFile(path, info.st_dev, info.st_ino, info.st_ctime_ns)
            return listener.detach(), owned
        except OSError as error:
            listener.close()
            if error.errno != errno.EADDRINUSE or attempt:
                raise SocketError(_bind_words(path, error)) from None
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            continue  # gone in between: try once more
        refusal = refuse_existing(path, info)
        if not (replace_socket_file and isinstance(refusal, SocketFileExistsError)):
            raise refusal
        _remove_if(path, info.st_dev, info.st_ino, info.st_ctime_ns)
        log.info("replaced the socket file %s (the user allowed it)", path)
    raise SocketError(f"{path} keeps being created by another program; choose another path")


def _bind_words(path: str, error: OSError) -> str:
    if error.errno == errno.EACCES:
        return f"Permission denied: zinspect may not create a file in {os.path.dirname(path)}"
    if error.errno == errno.ENOTDIR:
        return "A part of the ipc path is not a directory"
    return f"Cannot create the socket file {path}: {error.strerror or error}"


def bind_ipc(
    sock: zmq.Socket[object], endpoint: str, path: str, *, replace_socket_file: bool = False
) -> OwnedFile | None:
    """Bind ``sock`` to ``endpoint`` on a socket file zinspect creates at ``path``."""
    if not hasattr(socket, "AF_UNIX"):  # a Python without Unix sockets: check, then bind
        _bind_checked(sock, endpoint, path, replace_socket_file)
        return None
    fd, owned = create_listener(path, replace_socket_file=replace_socket_file)
    try:
        sock.setsockopt(zmq.USE_FD, fd)
        try:
            sock.bind(endpoint)
        finally:
            sock.setsockopt(zmq.USE_FD, -1)  # later binds (tcp...) make their own
    except BaseException:
        os.close(fd)
        remove_owned(owned)
        raise
    return owned


def _bind_checked(
    sock: zmq.Socket[object], endpoint: str, path: str, replace_socket_file: bool
) -> None:
    """The same refusals, checked just before libzmq binds (and unlinks what is there):
    only where Python cannot make the Unix socket itself."""
    check_parent(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None:
        refusal = refuse_existing(path, info)
        if not (replace_socket_file and isinstance(refusal, SocketFileExistsError)):
            raise refusal
    sock.bind(endpoint)
    return None


def _remove_if(path: str, device: int, inode: int, changed_ns: int) -> bool:
    try:
        info = os.lstat(path)
    except OSError:
        return False
    if (info.st_dev, info.st_ino, info.st_ctime_ns) != (
        device,
        inode,
        changed_ns,
    ) or not stat.S_ISSOCK(info.st_mode):
        return False
    try:
        os.unlink(path)
    except OSError:
        return False
    return True


def remove_owned(owned: OwnedFile | None) -> None:
    """Remove the socket file zinspect made, unless something else is at its path now."""
    if owned is None:
        return
    if _remove_if(owned.path, owned.device, owned.inode, owned.changed_ns):
        log.info("removed the socket file %s", owned.path)
    elif os.path.lexists(owned.path):
        log.info("left %s alone: it is no longer the socket file zinspect created", owned.path)
