"""The helper process of a fast tap: libzmq's own proxy forwards in C and sends zinspect copies.

Started by core.tap.proxy_tap as ``python -m zinspect.core.tap.proxy_child CONFIG`` (a JSON
object). It binds the front, connects upstream, binds a capture XPUB, an acks PAIR and a
control PAIR on private endpoints, prints one JSON line (the bound addresses, or the error),
waits until zinspect's capture socket has subscribed (so no copy of the first messages goes
to nobody), then runs ``zmq.proxy_steerable``: forwarding and the STATISTICS answers happen
in libzmq, outside Python and outside zinspect's event loop.

The proxy's capture is an inproc publisher read by a thread (core.tap.proxy_copies) that
sends the copies on to zinspect's capture XPUB within a byte budget, on credit from
zinspect's acks: a publisher never blocks, so when zinspect's window cannot keep up the
copies are dropped and the forwarding goes on; zinspect counts the drops as the proxy's
forwarded count minus the copies it received.

It goes away with zinspect however zinspect ends: a thread waits for the end of its stdin,
which the kernel closes when the parent exits (a crash, SIGKILL, or the tap's stop), then
terminates the context, which makes the proxy return; the sockets close with linger 0.
It imports only the standard library and pyzmq, to start in a few tens of milliseconds.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import threading
from typing import Any

import zmq

from zinspect.core.tap.proxy_copies import INNER, forward_copies

SUBSCRIBE_WAIT_MS = 10_000  # zinspect connects its capture socket right after the ready line
EXIT_FALLBACK_S = 2.0  # the context would not terminate: leave anyway


_claim_lock = threading.Lock()
_claimed: list[str] = []


def _claim_termination(who: str) -> bool:
    """The first to ask terminates the context; True for that one."""
    with _claim_lock:
        if _claimed:
            return False
        _claimed.append(who)
        return True


def _watch_stdin(context: zmq.Context[Any]) -> None:
    """Stop when zinspect goes: its end of our stdin closes."""
    try:
        while os.read(sys.stdin.fileno(), 4096):
            pass
    except OSError:
        pass
    timer = threading.Timer(EXIT_FALLBACK_S, os._exit, (0,))
    timer.daemon = True
    timer.start()
    if _claim_termination("watcher"):
        context.term()  # the proxy returns with ETERM; the main thread closes the sockets


def _say(**fields: object) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def _socket(context: zmq.Context[Any], type_name: str, config: dict[str, Any]) -> zmq.Socket[Any]:
    sock: zmq.Socket[Any] = context.socket(getattr(zmq, type_name))
    sock.linger = 0
    sock.setsockopt(zmq.MAXMSGSIZE, int(config["maxmsgsize"]))
    for option in ("sndhwm", "rcvhwm"):
        if option in config:
            sock.setsockopt(getattr(zmq, option.upper()), int(config[option]))
    return sock


def run(config: dict[str, Any]) -> int:
    # Ctrl+C in a terminal reaches the whole process group, and a closed terminal sends SIGHUP:
    # zinspect stops the helper itself after its last counts, so these are not for us (and
    # an ignored signal interrupts no call: pyzmq restarts an interrupted proxy afresh)
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    context: zmq.Context[Any] = zmq.Context()
    sockets: list[zmq.Socket[Any]] = []
    where = "helper"
    copier: list[zmq.Socket[Any]] = []  # the copies thread's, closed by it once it runs
    try:
        inner = _socket(context, "XPUB", config)  # the proxy's capture
        sockets.append(inner)
        inner.setsockopt(zmq.SNDHWM, int(config["capture_hwm"]))
        inner.bind(INNER)
        taken = _socket(context, "SUB", config)
        copier.append(taken)
        taken.setsockopt(zmq.RCVHWM, int(config["capture_hwm"]))
        taken.setsockopt(zmq.SUBSCRIBE, b"")
        taken.connect(INNER)
        capture = _socket(context, "XPUB", config)
        copier.append(capture)
        capture.setsockopt(zmq.SNDHWM, 0)  # the byte budget bounds it, not a count
        capture.bind(config["capture"])
        acks = _socket(context, "PAIR", config)
        copier.append(acks)
        acks.bind(config["acks"])
        control = _socket(context, "PAIR", config)
        sockets.append(control)
        control.bind(config["control"])
        where = "front"
        front = _socket(context, config["front_type"], config)
        sockets.append(front)
        front.ipv6 = bool(config["ipv6"][0])
        if "front_fd" in config:  # an ipc front zinspect made (it refuses to replace files)
            front.setsockopt(zmq.USE_FD, int(config["front_fd"]))
        front.bind(config["front"])
        where = "upstream"
        upstream = _socket(context, config["upstream_type"], config)
        sockets.append(upstream)
        upstream.ipv6 = bool(config["ipv6"][1])
        upstream.connect(config["upstream"])
    except zmq.ZMQError as error:
        _say(error=error.errno, where=where, text=str(error))
        _close(context, sockets + copier, None)
        return 1
    watcher = threading.Thread(target=_watch_stdin, args=(context,), daemon=True)
    watcher.start()
    _say(
        front=front.getsockopt_string(zmq.LAST_ENDPOINT),
        capture=capture.getsockopt_string(zmq.LAST_ENDPOINT),
        control=control.getsockopt_string(zmq.LAST_ENDPOINT),
        acks=acks.getsockopt_string(zmq.LAST_ENDPOINT),
    )
    try:
        if not capture.poll(SUBSCRIBE_WAIT_MS):
            return 1  # zinspect never connected: it has gone or given up
        capture.recv()  # the subscription to everything
        if not inner.poll(SUBSCRIBE_WAIT_MS):
            return 1  # never happens: the copies thread's socket subscribed before
        inner.recv()  # its subscription: the first copies go to it
        copies = threading.Thread(
            target=forward_copies,
            args=(taken, capture, acks, int(config["copy_budget"])),
            daemon=True,
        )
        copies.start()
        copier.clear()  # the thread's now: it closes them when the context ends
        # the side that receives is the proxy's frontend: its messages go to the other side
        if config["receiving"] == "front":
            zmq.proxy_steerable(front, upstream, inner, control)
        else:
            zmq.proxy_steerable(upstream, front, inner, control)
    except zmq.ContextTerminated:
        pass
    finally:
        _close(context, sockets + copier, watcher)
        if config.get("private_dir"):
            shutil.rmtree(config["private_dir"], ignore_errors=True)
    return 0


def _close(
    context: zmq.Context[Any], sockets: list[zmq.Socket[Any]], watcher: threading.Thread | None
) -> None:
    """Close the sockets and wait until libzmq has (an ipc front's file removed)."""
    for sock in sockets:
        sock.close(linger=0)
    if _claim_termination("main"):
        context.term()
    elif watcher is not None:
        watcher.join(EXIT_FALLBACK_S)  # it terminates the context now the sockets are closed


if __name__ == "__main__":
    code = run(json.loads(sys.argv[1]))
    sys.stdout.flush()
    os._exit(code)  # not the interpreter's shutdown: the watcher may still wait on stdin
