"""The fast tap for one-way pairs: libzmq's proxy forwards in a helper process, zinspect copies.

A pipeline tap (PULL front, PUSH upstream; or the reverse chosen by hand) forwards in one
direction only, so every copy has the same direction and libzmq's own ``zmq_proxy_steerable``
can forward it, in C, at about two and a half times the rate of zinspect's relay on its
event loop (docs/platform-facts.md). It runs in a child process (core.tap.proxy_child), not
a thread: zinspect runs no threads (docs/platform-facts.md). The child owns the front and
upstream sockets; zinspect has one socket of its own, named as the tap, that receives the
proxy's copies from a private endpoint and stores them through the receive path with the
tap's direction, so the table, recordings and workspaces see the tap as with the relay.

Forwarding never waits on the window: the copies come from a publisher, which drops what the
window cannot take. They are bounded in bytes, not only in messages: the helper sends a copy
on only while the copies zinspect has not yet taken fit in ``COPY_QUEUE_BYTES``
(core.tap.proxy_copies), and zinspect acknowledges what it took after each batch. The drops
are counted as what the proxy says it forwarded (its STATISTICS, asked a few times a second
on a control socket) minus the copies received. libzmq counts no waits: while the proxy
waits for room in a burst it answers nothing, so the time its answers are overdue is shown
as a lower bound of its wait. Patterns whose copies need a direction per message
(request/reply, publish/subscribe, PAIR) stay on the relay (core.tap.tap): libzmq's capture
stream does not say which side a copy came from.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import zmq

from zinspect.core.sockets.endpoints import describe_zmq_error, uses_ipv6
from zinspect.core.sockets.ipc_files import OwnedFile, create_listener, ipc_file_path, remove_owned
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError, default_maxmsgsize
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, OUT, Row
from zinspect.core.tap.proxy_copies import COPY_OVERHEAD, copy_cost
from zinspect.core.tap.proxy_helper import (
    first_line_soon,
    private_endpoints,
    read_first_line,
    ready_endpoints,
    spawn_helper,
)
from zinspect.core.tap.registry import RUNNING
from zinspect.core.tap.spec import TapError, TapSpec
from zinspect.core.tap.status import proxy_status_line

log = logging.getLogger(__name__)

ENGINE_WORDS = "libzmq proxy in a helper process"
CAPTURE_HWM = 1000  # copies the helper's copies thread may be behind the proxy (inproc)
# copies sent and not yet taken by zinspect, in bytes (helper queue, kernel, zinspect's
# receive queue); at least one message of the largest size the tap accepts
COPY_QUEUE_BYTES = 256 * 1024 * 1024
STATS_S = 0.25  # how often the proxy is asked for its counts
OVERDUE_S = 0.1  # an answer later than this: the proxy is waiting for room
START_TIMEOUT_S = 15.0
STOP_STATS_S = 0.1  # at stop: the proxy's last counts
STOP_DRAIN_S = 0.1  # at stop: copies still on their way
STOP_EXIT_S = 1.0  # at stop: the helper's exit, then it is killed
BATCH_MAX_MESSAGES = 4096
_NOBLOCK = int(zmq.NOBLOCK)
# the one-way pairs: (front, upstream) -> the side that receives
ONE_WAY = {("PULL", "PUSH"): "front", ("PUSH", "PULL"): "upstream"}


def proxy_possible(spec: TapSpec) -> bool:
    """Whether libzmq's proxy can forward for ``spec``: a one-way pair, and a Python that
    can start the helper (not a frozen application)."""
    if spec.types not in ONE_WAY or getattr(sys, "frozen", False):
        return False
    # an ipc front is made here, refusing what exists, and handed over (pass_fds: POSIX)
    return ipc_file_path(spec.front) is None or sys.platform != "win32"


class ProxyTap:
    """A one-way tap forwarded by libzmq's proxy in a helper process.

    The same surface as core.tap.tap.Tap: ``start()`` (TapError in words), ``stop()``,
    ``status_text()``, ``front`` (the socket whose rows are the tap's traffic: here the
    copies' socket), ``front_address`` (where clients connect), the counters.
    """

    engine = "proxy"
    engine_words = ENGINE_WORDS

    def __init__(self, session: Session, spec: TapSpec) -> None:
        if spec.types not in ONE_WAY:
            raise TapError(f"libzmq's proxy forwards one-way pairs only, not {spec.types}")
        self.session = session
        self.spec = spec
        self.receiving = ONE_WAY[spec.types]  # "front": client -> server
        self.direction = IN if self.receiving == "front" else OUT
        self.front: SocketHandle | None = None  # the copies, stored under the tap's name
        self.upstream: SocketHandle | None = None  # in the helper: none here
        self.front_address = ""
        self.running = False
        self.started_at = 0.0
        self.on_stopped: list[Callable[[ProxyTap], None]] = []
        self.forwarded_frames = 0  # the proxy's count (libzmq counts frames)
        self.copies = 0  # messages received as copies
        self.copy_frames = 0
        self.copy_refused = 0  # copies bigger than the store can hold
        self.waited_s = 0.0  # the proxy's answers overdue: waiting for room to send
        self._progress_at = 0.0  # when the proxy's count last grew (time.monotonic)
        self.final = False  # stopped: the counts are complete
        self.helper_pid = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir = ""
        self._front_file: OwnedFile | None = None  # an ipc front's socket file, made here
        self._control: zmq.Socket[bytes] | None = None
        self._acks: zmq.Socket[bytes] | None = None  # what was taken, for the helper's credit
        self._taken_bytes = 0
        self._asked_at: float | None = None
        self._last_poll = 0.0
        self._previous_frames = 0  # the proxy's count one answer earlier (copies caught up)
        self._timer: asyncio.TimerHandle | None = None
        self._store_dropped_at_start = 0

    # -- counters ----------------------------------------------------------------------------
    @property
    def sockets(self) -> list[SocketHandle]:
        return [self.front] if self.front is not None else []

    @property
    def multipart(self) -> bool:
        """Whether some copy had several frames (then drops are counted in frames)."""
        return self.copy_frames != self.copies

    @property
    def lost_frames(self) -> int:
        """Frames forwarded whose copy never came. While running, against the count of one
        answer earlier: the copies of the last quarter second may still be on their way."""
        forwarded = self.forwarded_frames if self.final else self._previous_frames
        return max(0, forwarded - self.copy_frames)

    @property
    def copy_dropped(self) -> int:
        """Forwarded but not stored: lost copies (frames, when messages had several) and
        copies too big for the store."""
        return self.lost_frames + self.copy_refused

    @property
    def forwarded(self) -> int:
        """Messages forwarded (exact for one-frame messages; with several frames, the copies
        received plus the lost frames over the mean frames per copy)."""
        if not self.multipart:
            return max(self.copies, self.forwarded_frames)
        mean = self.copy_frames / self.copies
        return self.copies + round(self.lost_frames / mean)

    @property
    def to_server(self) -> int:
        return self.forwarded if self.receiving == "front" else 0

    @property
    def to_client(self) -> int:
        return self.forwarded if self.receiving == "upstream" else 0

    @property
    def quiet_s(self) -> float:
        """Seconds since the proxy last forwarded (0 before the first message): a server
        that stopped reading shows here, as does a quiet system."""
        if not (self.forwarded_frames or self.copy_frames) or not self.running:
            return 0.0
        return time.monotonic() - self._progress_at

    @property
    def not_shown(self) -> int:
        """Forwarded but not in the store: never copied, or dropped by its caps since."""
        return self.copy_dropped + self.session.store.dropped - self._store_dropped_at_start

    def status_text(self) -> str:
        return proxy_status_line(self)

    # -- starting ----------------------------------------------------------------------------
    def start(self) -> None:
        """Start, waiting for the helper (the command line); TapError in words."""
        self._launch()
        assert self._proc is not None
        self._connect(read_first_line(self._proc, START_TIMEOUT_S))

    async def start_async(self) -> None:
        """Start without holding the loop while the helper starts (a window: 50-150 ms)."""
        self._launch()
        assert self._proc is not None
        line = await first_line_soon(self._proc, START_TIMEOUT_S)
        if self._proc is None:  # stopped meanwhile
            raise TapError("The tap was stopped while it started")
        self._connect(line)

    def _launch(self) -> None:
        RUNNING.setdefault(self.session, []).append(self)
        try:  # first: a name already taken is said as for any socket, before any process
            capture = self.session.create_socket("SUB", self.spec.name)
        except SocketError as error:
            self.stop()
            raise TapError(str(error)) from None
        self.front = capture
        capture.relay = self._serve
        try:
            self._spawn()
        except OSError as error:
            self.stop()
            raise TapError(f"The tap's helper process could not start: {error}") from None
        except TapError:
            self.stop()
            raise

    def _connect(self, line: str) -> None:
        """Connect to the helper's endpoints (its first line) and start counting."""
        capture = self.front
        assert capture is not None
        try:
            ready = ready_endpoints(line)
            self.front_address = ready["front"]
            # no message limit: the helper's byte credit bounds what waits here, and a copy
            # dropped here would never be acknowledged (the credit would shrink for good)
            capture._sync.setsockopt(zmq.RCVHWM, 0)
            capture.subscribe(b"")
            capture.connect(ready["capture"])
            control = zmq.Socket(self.session.context, zmq.PAIR)
            control.linger = 0
            self._control = control
            control.connect(ready["control"])
            acks = zmq.Socket(self.session.context, zmq.PAIR)
            acks.linger = 0
            self._acks = acks
            acks.connect(ready["acks"])
        except (SocketError, zmq.ZMQError, OSError) as error:
            self.stop()
            raise TapError(f"The tap's helper process could not start: {error}") from None
        except TapError:
            self.stop()
            raise
        self.running = True
        self.started_at = time.time()
        self._store_dropped_at_start = self.session.store.dropped
        self.session.on_socket_removed.append(self._on_socket_removed)
        self.session.on_closing.append(self._on_session_closing)
        self._timer = asyncio.get_running_loop().call_later(STATS_S, self._poll)
        log.info(
            "tap %s (%s, %s, pid %d): %s -> %s",
            self.spec.name,
            self.spec.pattern,
            ENGINE_WORDS,
            self.helper_pid,
            self.front_address,
            self.spec.upstream,
        )

    def _spawn(self) -> None:
        """Start the helper process (its first line will say the bound endpoints)."""
        front_type, upstream_type = self.spec.types
        self._dir = tempfile.mkdtemp(prefix="zinspect-tap-")  # 0700: nobody else reads copies
        config: dict[str, Any] = {
            "front": self.spec.front,
            "front_type": front_type,
            "upstream": self.spec.upstream,
            "upstream_type": upstream_type,
            "receiving": self.receiving,
            "maxmsgsize": default_maxmsgsize(),
            "capture_hwm": CAPTURE_HWM,
            "copy_budget": max(COPY_QUEUE_BYTES, copy_cost([default_maxmsgsize()])),
            "private_dir": self._dir,
        }
        config["capture"], config["control"], config["acks"] = private_endpoints(self._dir)
        config["ipv6"] = [uses_ipv6(self.spec.front), uses_ipv6(self.spec.upstream)]
        path = ipc_file_path(self.spec.front)
        front_fd = -1
        if path is not None:  # libzmq would unlink what is there: zinspect binds it itself
            try:
                front_fd, self._front_file = create_listener(path)
            except SocketError as error:
                raise TapError(f"Front: {error}") from None
            config["front_fd"] = front_fd
        try:
            proc = spawn_helper(config, front_fd)
        finally:
            if front_fd >= 0:
                os.close(front_fd)  # the helper has its own
        self._proc = proc
        self.helper_pid = proc.pid

    # -- copies into the store ---------------------------------------------------------------
    def _serve(self, deadline: float) -> bool:
        """A turn of the copies' socket: receive a batch and store it with the tap's
        direction, the way the receive path does, without waiting on anything."""
        handle = self.front
        if handle is None or not self.running:
            return False
        recv = handle._sync.recv
        clock = time.monotonic
        now = time.time()
        name = handle.name
        direction = self.direction
        store = self.session.store
        cap = store.max_bytes
        rows: list[Row] = []
        append = rows.append
        frames_seen = 0
        taken = 0  # bytes, as the helper's credit counts them (without the overhead)
        more = False
        while True:
            try:
                frame = recv(_NOBLOCK, copy=False)
                if frame.more:
                    frames = [frame.bytes]
                    while frame.more:
                        frame = recv(_NOBLOCK, copy=False)
                        frames.append(frame.bytes)
                    frames_seen += len(frames)
                    size = sum(map(len, frames))
                    taken += size
                    if size <= cap:
                        append((now, name, direction, size, *frames))
                    else:
                        self.copy_refused += 1
                else:
                    data = frame.bytes
                    frames_seen += 1
                    taken += len(data)
                    if len(data) <= cap:
                        append((now, name, direction, len(data), data))
                    else:
                        self.copy_refused += 1
            except zmq.Again:
                break
            except zmq.ZMQError as error:
                log.error("tap %s: copies: %s", self.spec.name, describe_zmq_error(error))
                break
            count = len(rows)
            if not count & 63 and (count >= BATCH_MAX_MESSAGES or clock() > deadline):
                more = True
                break
        if frames_seen:
            self.copy_frames += frames_seen
            self._progress_at = clock()  # a copy goes out as its message is forwarded
            self._taken_bytes += taken + COPY_OVERHEAD * frames_seen
            self._acknowledge()
        handle.received += len(rows)
        self.copies += len(rows)
        if rows:
            store.extend_rows(rows, len(rows) if direction == IN else 0)
            self.session.notify_received(handle, len(rows))
        return more

    def _acknowledge(self) -> None:
        """Tell the helper how many bytes of copies were taken in all (its credit)."""
        if self._acks is None:
            return
        try:
            self._acks.send(self._taken_bytes.to_bytes(8, "little"), _NOBLOCK)
        except zmq.ZMQError:  # its queue is full (it reads them at once) or gone: the next
            pass  # batch says the newer total

    # -- the proxy's counts ------------------------------------------------------------------
    def _poll(self) -> None:
        """Ask the proxy for its counts; an answer overdue means it waits for room."""
        self._timer = None
        if not self.running:
            return
        proc = self._proc
        if proc is not None and proc.poll() is not None:  # killed from outside, or crashed
            log.warning(
                "tap %s: its helper process ended (exit status %s): the tap stops",
                self.spec.name,
                proc.returncode,
            )
            self.stop()
            return
        now = time.monotonic()
        self._read_answers()
        asked = self._asked_at
        if asked is not None and now - asked > OVERDUE_S:
            self.waited_s += now - max(asked + OVERDUE_S, self._last_poll)
        elif asked is None:
            self._ask()
        self._last_poll = now
        self._timer = asyncio.get_running_loop().call_later(STATS_S, self._poll)

    def _ask(self) -> None:
        if self._control is None:
            return
        try:
            self._control.send(b"STATISTICS", _NOBLOCK)
            self._asked_at = time.monotonic()
        except zmq.ZMQError:  # not connected yet: the next poll asks
            pass

    def _read_answers(self) -> bool:
        """Take the proxy's answers that came; True when one did."""
        got = False
        while self._control is not None:
            try:
                parts = self._control.recv_multipart(_NOBLOCK)
            except zmq.ZMQError:
                break
            if len(parts) != 8:
                continue
            values = [int.from_bytes(p, "little") for p in parts]
            # (front recv, bytes, front sent, bytes, back recv, bytes, back sent, bytes)
            sent = values[6] if self.receiving == "front" else values[2]
            self._previous_frames = self.forwarded_frames
            if sent > self.forwarded_frames:
                self.forwarded_frames = sent
                self._progress_at = time.monotonic()
            self._asked_at = None
            got = True
        return got

    # -- stopping ----------------------------------------------------------------------------
    def _on_session_closing(self, _session: Session) -> None:
        self.stop()  # before the copies' socket closes: the last copies are kept

    def _on_socket_removed(self, handle: SocketHandle) -> None:
        if handle is self.front:
            self.stop()  # the copies' socket closed: the tap goes with it

    def stop(self) -> None:
        """Take the proxy's last counts and the copies on their way, end the helper (it
        closes its sockets) and close the copies' socket."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        was_running, self.running = self.running, False
        running = RUNNING.get(self.session, [])
        if self in running:
            running.remove(self)
        if self._on_socket_removed in self.session.on_socket_removed:
            self.session.on_socket_removed.remove(self._on_socket_removed)
        if self._on_session_closing in self.session.on_closing:
            self.session.on_closing.remove(self._on_session_closing)
        if was_running:
            self._last_counts()
        self._end_helper()
        for sock in (self._control, self._acks):
            if sock is not None:
                sock.close(linger=0)
        self._control = self._acks = None
        front = self.front
        if front is not None and not front.closed:
            front.relay = None
            front.close()
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = ""
        remove_owned(self._front_file)  # the helper has gone: its ipc front's file
        self._front_file = None
        if was_running:
            self.final = True
            log.info("tap %s stopped: %s", self.spec.name, self.status_text())
            for listener in list(self.on_stopped):
                listener(self)

    def _last_counts(self) -> None:
        """The proxy's final count, then the copies still on their way (briefly)."""
        control = self._control
        if control is not None:
            self._read_answers()
            if self._asked_at is None:
                self._ask()
            if control.poll(int(STOP_STATS_S * 1000)):
                self._read_answers()
        front = self.front
        if front is None or front.closed:
            return
        end = time.monotonic() + STOP_DRAIN_S
        self.running = True  # _serve works for these last turns
        try:
            while self.copy_frames < self.forwarded_frames and time.monotonic() < end:
                if front._sync.poll(10):
                    self._serve(end)
        finally:
            self.running = False

    def _end_helper(self) -> None:
        proc = self._proc
        if proc is None:
            return
        self._proc = None
        if proc.stdin is not None:
            proc.stdin.close()  # the helper's signal to go
        try:
            proc.wait(STOP_EXIT_S)
        except subprocess.TimeoutExpired:
            log.warning("tap %s: the helper process did not stop; killed", self.spec.name)
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
