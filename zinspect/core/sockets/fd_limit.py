"""How many sockets fit: the process's open-file limit and libzmq's own socket limit.

Every zinspect socket costs libzmq about three file descriptors (its mailbox, and the monitor
socket pair that reports its connection events), and one more per TCP connection. Most
systems start a process with a soft limit of 1024 open files while allowing far more (the
hard limit), and libzmq refuses a context's 1024th socket whatever the limit. So a workspace
of a few hundred sockets failed with "Too many open files" although the system allowed
thousands. ``raise_fd_limit`` lifts the soft limit to the hard one (the app calls it at
start, a Session calls it too, so scripts using the core get it), and ``max_sockets`` gives
the libzmq socket limit that matches it.
"""

from __future__ import annotations

import errno
import logging

import zmq

from zinspect.core.sockets.socket_base import SocketError

log = logging.getLogger(__name__)

RESERVE_FDS = 64
MIN_SOCKETS = 16
# Tried in turn when the hard limit is "unlimited" (Linux caps the soft one at nr_open,
# macOS at OPEN_MAX): the first one the system accepts wins.
UNLIMITED_CANDIDATES = (1 << 20, 65536, 10240)


def fd_limits() -> tuple[int, int]:
    """(soft, hard) open-file limits; -1 for unlimited or unknown (no resource module)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return -1, -1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    infinity = resource.RLIM_INFINITY
    return (-1 if soft == infinity else soft), (-1 if hard == infinity else hard)


def raise_fd_limit() -> int:
    """Raise the soft open-file limit as far as the hard limit allows; return the soft limit
    now in force (-1: unlimited or unknown). Never raises: a refusal keeps the old limit."""
    try:
        import resource
    except ImportError:
        return -1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    infinity = resource.RLIM_INFINITY
    if soft == infinity:
        return -1
    targets = UNLIMITED_CANDIDATES if hard == infinity else (hard,)
    for target in targets:
        if target <= soft:
            break
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            continue
        log.info("open-file limit raised from %d to %d", soft, target)
        return target
    return soft


def max_sockets(fd_soft_limit: int, ceiling: int) -> int:
    """The libzmq MAX_SOCKETS that matches ``fd_soft_limit``: a libzmq socket holds one
    descriptor, and a reserve (an eighth, at least RESERVE_FDS) stays free for TCP
    connections, Qt, dialogs and capture files: running out of descriptors there aborts
    the process, running out of sockets is said in words. Never above ``ceiling`` (the
    SOCKET_LIMIT this libzmq was built with)."""
    if fd_soft_limit < 0:
        return ceiling
    wanted = fd_soft_limit - max(RESERVE_FDS, fd_soft_limit // 8)
    return max(MIN_SOCKETS, min(wanted, ceiling))


def configure_context(context: zmq.Context[zmq.Socket[object]]) -> None:
    """Raise the open-file limit and set the context's MAX_SOCKETS to match (before its
    first socket: libzmq reads it then)."""
    limit = raise_fd_limit()
    try:
        context.set(zmq.MAX_SOCKETS, max_sockets(limit, context.get(zmq.SOCKET_LIMIT)))
    except zmq.ZMQError as error:
        log.warning("cannot raise libzmq's socket limit: %s", error)


class OutOfDescriptorsError(SocketError):
    """A socket could not be made: the process (or libzmq) has no descriptors left."""


def is_out_of_descriptors(error: BaseException) -> bool:
    """True for "Too many open files" (the process's or libzmq's limit)."""
    return getattr(error, "errno", None) in (errno.EMFILE, errno.ENFILE)


def did_not_fit(opened: int, left_out: int, total: int) -> str:
    """The workspace-level sentence when sockets ran out of descriptors, in words."""
    soft, hard = fd_limits()
    soft_text = "unlimited" if soft < 0 else f"{soft:,}"
    hard_text = "unlimited" if hard < 0 else f"{hard:,}"
    return (
        f"{opened:,} of {total:,} sockets opened; {left_out:,} did not fit and were not "
        f"opened: too many open files (this process may open {soft_text} files, at most "
        f"{hard_text}; each socket needs about 3, more with TCP connections). Raise the "
        f"limit (ulimit -n) or open fewer sockets."
    )
