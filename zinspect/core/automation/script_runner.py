"""Running a socket's automation written as a Python script (docs/scripting.md).

A ``ScriptRunner`` is an ``AutomationRunner`` whose messages a user's file decides: it
reuses the runner's start and stop conditions, its in-order sending (a message that cannot
be queued yet waits, as in the composer), its counters and its problem listeners. The
script runs on zinspect's event loop, never in a thread: each ``on_start``/``on_message``/
``on_stop`` call and each step of an ``async def`` is timed, and one that held the loop
over ``HOLD_REPORT_SECONDS`` is reported by name once it returns. Nothing on one thread can
interrupt a busy loop while it runs, so an endless loop freezes the window, as any code the
user runs would (docs/scripting.md says so). An exception (or a syntax error at load) is
reported with the script's file and line, in the Events timeline and to the problem
listeners, and stops this automation only. A message the socket refuses (a REP's send
before any request) is dropped and said, in the pane and the Events timeline, and the
script goes on. A REP that read a request no script answered (its on_message raised, or it
had not started) gives that request to the script when it starts, as a reply automation
answers it.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import time
import traceback
from collections.abc import Callable, Coroutine, Generator, Sequence
from typing import Any

from zinspect.core.automation.automation import AutomationSpec, ScriptSpec
from zinspect.core.automation.automation_runner import AutomationRunner, attach_automation
from zinspect.core.automation.automation_send import owed_request
from zinspect.core.automation.script_peer import ScriptPeer
from zinspect.core.sockets.events import SCRIPT_ERROR, SCRIPT_LOG, SCRIPT_PROBLEM
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN, ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET, Row

log = logging.getLogger("zinspect.core.automation.script")

SCRIPT_MAX_BYTES = 1_000_000  # a script larger than this is not read
HOLD_REPORT_SECONDS = 0.1  # a callback that holds the loop longer is reported by name
HOOKS = ("on_start", "on_message", "on_stop")
TASKS_MAX = 10_000  # async calls still running; past this a new one is dropped and said
REFUSED_EVENT_EVERY = 1000  # a refused send is an event the first time, then once per this
PREVIEW_BYTES = 40  # of a request's first frame, in the words that say it was given again


class ScriptError(Exception):
    """A script that cannot be loaded; ``line`` is where (0: not a place in the file)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


def read_script(file: str) -> bytes:
    """The script's bytes (ScriptError in words when it cannot be read)."""
    try:
        with open(file, "rb") as stream:
            data = stream.read(SCRIPT_MAX_BYTES + 1)
    except OSError as error:
        raise ScriptError(f"cannot read {file}: {error.strerror or error}") from None
    if len(data) > SCRIPT_MAX_BYTES:
        raise ScriptError(f"{file} is over {SCRIPT_MAX_BYTES:,} bytes; is it a script?")
    return data


def script_hash(file: str) -> str:
    """SHA-256 of the script's content ("" when it cannot be read): what trust remembers."""
    try:
        return hashlib.sha256(read_script(file)).hexdigest()
    except ScriptError:
        return ""


def load_script(file: str) -> dict[str, Any]:
    """Compile and run the script's module code; its namespace (with its hooks)."""
    source = read_script(file)
    try:
        code = compile(source, file, "exec")
    except SyntaxError as error:
        line = error.lineno or 0
        raise ScriptError(
            f"{file}, line {line}: {type(error).__name__}: {error.msg}", line
        ) from None
    namespace: dict[str, Any] = {"__name__": "zinspect_script", "__file__": file}
    try:
        exec(code, namespace)  # the user's own code, run because they asked (docs/scripting.md)
    except (Exception, SystemExit) as error:  # whatever the script raises is reported
        text, line = describe_exception(error, file)
        raise ScriptError(text, line) from None
    return namespace


def describe_exception(error: BaseException, file: str) -> tuple[str, int]:
    """The traceback limited to the script's own frames, and the line it failed at."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == file]
    line = frames[-1].lineno or 0 if frames else 0
    lines = ["Traceback (the script's lines):"]
    lines += [line_text.rstrip("\n") for line_text in traceback.format_list(frames)]
    lines += [text.rstrip("\n") for text in traceback.format_exception_only(type(error), error)]
    return "\n".join(lines), line


class _Timed:
    """Awaits a script's coroutine step by step, timing each step on the loop."""

    def __init__(self, coro: Coroutine[Any, Any, Any], runner: ScriptRunner, name: str):
        self._coro = coro
        self._runner = runner
        self._name = name

    def __await__(self) -> Generator[Any, Any, Any]:
        coro = self._coro
        value: Any = None
        error: BaseException | None = None
        while True:
            began = time.perf_counter()
            calling, self._runner.calling = self._runner.calling, self._name
            try:
                yielded = coro.send(value) if error is None else coro.throw(error)
            except StopIteration as stop:
                self._runner._held(self._name, began)
                return stop.value
            except SystemExit as exit_error:  # would end the whole loop through a task
                raise RuntimeError("the script called sys.exit(); use peer.stop()") from exit_error
            finally:
                self._runner.calling = calling
            self._runner._held(self._name, began)
            try:
                value = yield yielded
                error = None
            except BaseException as thrown:  # passed on into the coroutine
                value, error = None, thrown


class ScriptRunner(AutomationRunner):
    """Runs ``spec.script`` on ``handle``: loads the file at each start (so a saved edit
    runs next time), calls its hooks, and stops with the error when the script raises."""

    send_word = "message"
    waits_for_peers = True

    def __init__(self, handle: SocketHandle, spec: AutomationSpec) -> None:
        super().__init__(handle, spec)
        assert spec.script is not None
        self.script: ScriptSpec = spec.script
        self.error_line = 0  # where the last error was in the script (0: nowhere)
        self.held_reports = 0
        self.peer: ScriptPeer | None = None
        self._hooks: dict[str, Callable[..., Any]] = {}
        # the script's async calls still running, each with its coroutine
        self._tasks: dict[asyncio.Task[Any], Coroutine[Any, Any, Any]] = {}
        self._loaded = False
        self.calling = ""  # the script's function running now, for words about its sends
        self.sending_on = ""  # the socket a peer.send() now sends on (ScriptPeer's or another)
        self.note = ""  # what a start did that the user should know (not an error)
        self.send_problem = ""  # the last message of this run the socket refused
        self.refused = 0

    # -- control ---------------------------------------------------------------------------
    def _begin(self) -> None:
        self.waiting = False
        self.error_line = 0
        self.note = self.send_problem = ""
        self.refused = 0
        if self.spec.stop is not None:
            self._arm_stop()
        try:
            began = time.perf_counter()
            namespace = load_script(self.script.file)
            self._held("the script's module code", began)
        except ScriptError as error:
            self._fail(str(error), error.line)
            return
        self._hooks = {name: namespace[name] for name in HOOKS if callable(namespace.get(name))}
        self.peer = ScriptPeer(self, wants_inbox="on_message" not in self._hooks)
        self._loaded = True
        log.info("script %s of %s loaded", self.script.path, self.handle.name)
        if "on_start" in self._hooks:
            self.call_script(self._hooks["on_start"], self.peer, name="on_start")
        self._give_owed_request()

    def _give_owed_request(self) -> None:
        """A REP that read a request while no script answered it (on_message raised, or the
        script was stopped) owes that request its reply: the script gets it now, as a reply
        automation answers it at its start (``AutomationRunner._answer_waiting_request``)."""
        frames = owed_request(self.handle)
        peer = self.peer
        if frames is None or peer is None or not self.running:
            return
        first = frames[0][:PREVIEW_BYTES] if frames else b""
        more = "…" if frames and len(frames[0]) > PREVIEW_BYTES else ""
        hook = self._hooks.get("on_message")
        taker = "on_message" if hook is not None else "peer.recv()"
        self.note = (
            f"{self.handle.name} had read a request it has not answered ({first!r}{more}): "
            f"{taker} got it again at this start, since a REP owes each request a reply."
        )
        log.info("script %s of %s: %s", self.script.path, self.handle.name, self.note)
        self._notify()
        if hook is not None:
            self.call_script(hook, peer, list(frames), name="on_message")
        else:
            peer._received(list(frames))

    def stop(self) -> None:
        if not self.running:
            return
        hook = self._hooks.get("on_stop") if self._loaded and not self.failed else None
        self._loaded = False
        peer = self.peer
        if hook is not None and peer is not None:
            self.call_script(hook, peer, name="on_stop")
        if peer is not None:
            peer._close()
        for task, coro in list(self._tasks.items()):
            task.cancel()
            if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED:
                coro.close()  # never started: nothing to unwind, and no "never awaited"
        self._tasks.clear()
        super().stop()

    # -- calling the script ----------------------------------------------------------------
    def call_script(self, fn: Callable[..., Any], *args: Any, name: str) -> None:
        """Call one of the script's functions; an ``async def`` runs on as a task."""
        if not self.running:
            return
        began = time.perf_counter()
        calling, self.calling = self.calling, name
        try:
            result = fn(*args)
        except (Exception, SystemExit) as error:  # the script's own error, reported
            self._held(name, began)
            self._script_raised(error)
            return
        finally:
            self.calling = calling
        self._held(name, began)
        if inspect.iscoroutine(result):
            if len(self._tasks) >= TASKS_MAX:  # an async on_message slower than a flood
                result.close()
                self.dropped += 1
                if self.dropped == 1 or self.dropped % 1000 == 0:
                    self.report(
                        f"script {self.script.path}: {TASKS_MAX:,} calls of async {name} still "
                        f"run; {self.dropped:,} messages dropped"
                    )
                return
            task = asyncio.ensure_future(_Timed(result, self, name))
            self._tasks[task] = result
            task.add_done_callback(self._on_script_task_done)

    def _on_script_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.pop(task, None)
        if task.cancelled():
            return
        error = task.exception()
        if error is not None and self.running:
            self._script_raised(error)

    def _script_raised(self, error: BaseException) -> None:
        text, line = describe_exception(error, self.script.file)
        self._fail(text, line)

    def _fail(self, text: str, line: int) -> None:
        self.error_line = line
        where = f"{self.script.path}, line {line}" if line else self.script.path
        last = text.splitlines()[-1]
        self.handle.session.record_event(self.handle, SCRIPT_ERROR, detail=f"{where}: {last}")
        log.info("script %s of %s: %s", self.script.path, self.handle.name, text)
        self._error(f"script {self.script.path} failed:\n{text}", failed=True)
        self.stop()

    def _held(self, name: str, began: float) -> None:
        held = time.perf_counter() - began
        if held > HOLD_REPORT_SECONDS and self.running:
            self.held_reports += 1
            self.report(
                f"script {self.script.path}: {name} held the window for {held * 1000:.0f} ms "
                "(a busy loop? use await peer.sleep() or peer.after() to wait)"
            )

    def _send_refused(self, message: str) -> None:
        """A message the script sent that the socket refused: said in the pane (kept beside
        later reports) and in the Events timeline; the script goes on."""
        target = self.sending_on or self.handle.name
        call = "peer.send()" if target == self.handle.name else f"peer.socket({target!r}).send()"
        where = f"{call} in {self.calling}: " if self.calling else ""
        hint = ""
        if "REP must receive a request" in message:
            hint = " A REP answers each request it received, from on_message; it never sends first."
        text = f"{where}{message}{hint}"
        self.send_problem = text
        self.refused += 1
        if self.refused == 1 or self.refused % REFUSED_EVENT_EVERY == 0:
            count = f" ({self.refused:,} refused so far)" if self.refused > 1 else ""
            detail = f"{self.script.path}: {text}{count}"[:2000]
            self.handle.session.record_event(self.handle, SCRIPT_PROBLEM, detail=detail)
        super()._send_refused(text)

    def log_line(self, text: str) -> None:
        self.handle.session.record_event(self.handle, SCRIPT_LOG, detail=text[:2000])

    # -- what the socket receives ----------------------------------------------------------
    def on_received(self, handle: SocketHandle, rows: Sequence[Row]) -> None:
        peer = self.peer
        if self.waiting or peer is None or not self._loaded:
            return
        hook = self._hooks.get("on_message")
        for row in rows:
            if not self.running or not self._loaded:
                return
            if row[ROW_SOCKET] != handle.name or row[ROW_DIRECTION] != IN:
                continue
            frames = list(row[ROW_FRAMES:])
            if hook is not None:
                self.call_script(hook, peer, frames, name="on_message")
            else:
                peer._received(frames)


def attach_any(
    handle: SocketHandle, spec: AutomationSpec | None, *, start: bool = True
) -> AutomationRunner | None:
    """``attach_automation``, and for a script automation a ``ScriptRunner``."""
    if spec is None or spec.script is None:
        return attach_automation(handle, spec, start=start)
    old = handle.automation_runner
    if old is not None:
        old.close()
    runner = ScriptRunner(handle, spec)
    handle.automation = spec
    handle.automation_runner = runner
    if start:
        runner.start()
    handle.session.notify_changed(handle)
    return runner


# What "New script…" writes: the contract in brief, and a reply that works as it is.
TEMPLATE = '''"""A zinspect script automation (docs/scripting.md has the whole contract)."""


def on_start(peer):
    peer.state["count"] = 0
    peer.log(f"{peer.name} ({peer.type}) started")


def on_message(peer, frames):
    # frames: the message received, a list of bytes
    peer.state["count"] += 1
    # peer.send(frames)  # answer (a REP must): a list of bytes or str frames


def on_stop(peer):
    peer.log(f"{peer.name} received {peer.state.get('count', 0)} messages")
'''
