"""Starting the fast tap's helper process and reading its first line, with or without the loop.

The helper (core.tap.proxy_child) prints one JSON line once its sockets are bound. The
command line may simply wait for it; a window must not: a Python starting and importing
pyzmq takes 50-150 ms on a busy machine, so ``first_line_soon`` waits for the pipe on the
event loop instead.
"""

from __future__ import annotations

import asyncio
import json
import os
import selectors
import subprocess
import sys
from typing import Any

import zmq

import zinspect
from zinspect.core.sockets.endpoints import describe_zmq_error
from zinspect.core.tap.spec import TapError


def spawn_helper(config: dict[str, Any], front_fd: int) -> subprocess.Popen[bytes]:
    """Start core.tap.proxy_child with ``config``, handing it ``front_fd`` (-1: none)."""
    # Without ``site`` (-S, a third of its start-up), finding zinspect and pyzmq where this
    # process found them.
    places = [zinspect.__file__, zmq.__file__]
    roots = [os.path.dirname(os.path.dirname(os.path.abspath(p))) for p in places]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (*roots, env.get("PYTHONPATH")) if p)
    return subprocess.Popen(
        [sys.executable, "-S", "-m", "zinspect.core.tap.proxy_child", json.dumps(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        pass_fds=(front_fd,) if front_fd >= 0 else (),
    )


def private_endpoints(directory: str) -> tuple[str, str, str]:
    """Endpoints for the copies, the control and the copies' acks that only this user can
    reach: ipc files in a directory of ours where ipc exists, else tcp on the loopback
    (port chosen there)."""
    names = ("capture", "control", "acks")
    if zmq.has("ipc"):
        paths = [os.path.join(directory, name) for name in names]
        if all(len(p) < zmq.IPC_PATH_MAX_LEN for p in paths):
            return f"ipc://{paths[0]}", f"ipc://{paths[1]}", f"ipc://{paths[2]}"
    return "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", "tcp://127.0.0.1:*"


def read_first_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """The helper's first line ('' when it ended or said nothing in ``timeout``)."""
    assert proc.stdout is not None
    if sys.platform == "win32":  # no select on pipes: the helper prints or exits
        return proc.stdout.readline().decode("utf-8", "replace")
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            return ""
    return proc.stdout.readline().decode("utf-8", "replace")


async def first_line_soon(proc: subprocess.Popen[bytes], timeout: float) -> str:
    """``read_first_line`` without holding the loop: the pipe is watched by the loop, and
    read once it has something (the helper writes its line at once, whole)."""
    assert proc.stdout is not None
    if sys.platform == "win32":  # no pipe watching on a Proactor loop: wait as before
        return read_first_line(proc, timeout)
    loop = asyncio.get_running_loop()
    readable: asyncio.Future[None] = loop.create_future()
    fd = proc.stdout.fileno()

    def on_readable() -> None:
        if not readable.done():
            readable.set_result(None)

    loop.add_reader(fd, on_readable)
    try:
        await asyncio.wait_for(readable, timeout)
    except asyncio.TimeoutError:
        return ""
    finally:
        loop.remove_reader(fd)
    return proc.stdout.readline().decode("utf-8", "replace")


def ready_endpoints(line: str) -> dict[str, str]:
    """The endpoints in the helper's first line, or TapError in words."""
    try:
        ready: dict[str, Any] = json.loads(line) if line else {}
    except ValueError:
        ready = {}
    if "error" in ready:
        where = {"front": "Front", "upstream": "Upstream"}.get(ready.get("where", ""), "")
        text = describe_zmq_error(zmq.ZMQError(int(ready["error"])))
        raise TapError(f"{where}: {text}" if where else text)
    if not all(isinstance(ready.get(k), str) for k in ("front", "capture", "control", "acks")):
        raise TapError("The tap's helper process did not start (see the log)")
    return ready
