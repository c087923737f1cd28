"""Applying a workspace to a live session: create its sockets, configure them, attach
their automations, start its taps, and say in words (with the place in the file) what failed."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Generator
from dataclasses import dataclass

from zinspect.core.automation.script_runner import attach_any
from zinspect.core.decode.model import DecodeError
from zinspect.core.decode.protobuf_schema import load_schema
from zinspect.core.frames_json import SpecError, describe_json
from zinspect.core.security.apply import apply_security, keep_security
from zinspect.core.sockets.fd_limit import OutOfDescriptorsError, did_not_fit
from zinspect.core.sockets.ipc_files import SocketFileExistsError
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import AddressInUseError, SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.tap.engine import make_tap, start_tap
from zinspect.core.tap.proxy_tap import ProxyTap
from zinspect.core.tap.spec import TapError, TapSpec
from zinspect.core.tap.tap import Tap
from zinspect.core.workspace.model import SocketSpec, Workspace

log = logging.getLogger(__name__)

# A bind whose port is taken is tried again for this long: the workspace opened again (or
# re-opened after Discard) finds its own port held by the socket it just closed, which
# libzmq's I/O thread releases a few milliseconds later (as a tap's start waits:
# core.tap.engine.start_tap).
REBIND_SECONDS = 1.0
REBIND_INTERVAL_S = 0.01  # between two tries
# apply_workspace runs the steps at once, holding the loop: it waits no longer than this
SYNC_REBIND_SECONDS = 0.05


@dataclass
class _TakenBind:
    """A bind that found its port taken, to try again: where it is in the file, and why
    it failed the last time."""

    handle: SocketHandle
    endpoint: str
    place: str
    replace_socket_file: bool
    error: str
    slot: int  # where its problem goes in the list: in file order, as if said at once


def apply_workspace(
    workspace: Workspace, session: Session, *, start_sends: bool = True, run_scripts: bool = True
) -> list[str]:
    """``apply_steps`` run to its end at once: the problems, in words."""
    steps = apply_steps(
        workspace,
        session,
        start_sends=start_sends,
        run_scripts=run_scripts,
        rebind_seconds=SYNC_REBIND_SECONDS,
    )
    while True:
        try:
            next(steps)
        except StopIteration as done:
            lines: list[str] = done.value
            return lines


def close_steps(session: Session) -> Generator[None, None, None]:
    """Close every socket of ``session``, yielding after each: a close costs about a
    millisecond (most of it libzmq ending the socket's monitor), so the 3,000 sockets of the
    workspace being replaced held the window for seconds when closed at once."""
    for handle in list(session.sockets):
        handle.close()
        yield


def apply_steps(
    workspace: Workspace,
    session: Session,
    *,
    start_sends: bool = True,
    run_scripts: bool = True,
    start_taps: bool = True,
    rebind_seconds: float = REBIND_SECONDS,
) -> Generator[None, None, list[str]]:
    """Create every socket of ``workspace`` in ``session``, then start its taps; return (and
    log at WARNING, one line each) every error found: the invalid entries first, then what
    failed here.

    Options are set before any bind or connect (most only apply to later ones). A socket
    whose bind, connect, subscription or option fails still exists, with the failure in
    ``last_error``, so the user sees it and can fix it by hand. Automations start last,
    once every socket exists, so a forward finds its target. ``start_sends`` False attaches
    automations that send messages without starting them (a demo waits for its Start
    button); replies and forwards always start, or the first messages would go unanswered.
    ``run_scripts`` False attaches script automations without running them (the user has
    not said yet that they trust them). ``start_taps`` False leaves the taps to
    ``start_taps_soon`` (a window: a tap forwarded by libzmq's proxy waits 50-150 ms for its
    helper process, which the loop must not). A bind whose port is taken is tried again for
    ``rebind_seconds`` once every socket exists (the socket just closed may still hold it).

    A generator: it yields after each socket it creates and each automation it attaches,
    so a window can spread a workspace of 1,000 sockets over turns of its loop (about a
    millisecond each); the problems are its return value.
    """
    lines = [str(error) for error in workspace.invalid]
    created: list[tuple[SocketSpec, SocketHandle]] = []
    taken: list[_TakenBind] = []  # binds to try again once every socket exists
    for number, spec in enumerate(workspace.sockets):
        if session.closed:  # the window quit while the workspace opened
            break
        where = spec.source or f"socket {describe_json(spec.name)}"
        try:
            handle = session.create_socket(spec.type, spec.name or None)
        except OutOfDescriptorsError:
            # the rest would fail the same way: one sentence, not thousands of lines
            lines.append(
                did_not_fit(len(created), len(workspace.sockets) - number, len(workspace.sockets))
            )
            break
        except SocketError as error:
            lines.append(f"{where}: {error}")
            continue
        waiting = len(taken)
        problems = _configure(handle, spec, where, taken)
        for bind in taken[waiting:]:  # its place among this socket's problems, in the list
            bind.slot += len(lines)
        problems += _set_decoding(session, handle, spec, where)
        if problems:
            handle.last_error = "; ".join(text for _, text in problems)
            session.notify_changed(handle)  # the socket list shows last_error
            lines.extend(f"{place}: {text}" for place, text in problems)
        created.append((spec, handle))
        yield
    yield from _bind_taken(taken, session, lines, rebind_seconds)
    for spec, handle in created:
        if spec.automation is None or spec.automation.empty:
            continue
        yield
        if handle.closed:  # closed by its user while the workspace opened
            continue
        try:
            automation = spec.automation
            if automation.script is not None:
                start = run_scripts
            else:
                start = start_sends or automation.send is None
            attach_any(handle, automation, start=start)
        except (SocketError, SpecError) as error:
            where = spec.source or f"socket {describe_json(spec.name)}"
            handle.last_error = "; ".join(filter(None, [handle.last_error, str(error)]))
            session.notify_changed(handle)
            lines.append(f"{where}.automation: {error}")
    for index, tap_spec in enumerate(workspace.taps if start_taps else ()):
        try:
            make_tap(session, tap_spec).start()
        except TapError as error:
            lines.append(tap_problem(index, tap_spec, error))
    for line in lines:
        log.warning("%s", line)
    return lines


def tap_problem(index: int, spec: TapSpec, error: TapError) -> str:
    """A tap that did not start, in words, at its place in the file."""
    return f"taps[{index}] ({describe_json(spec.name)}): {error}"


async def start_taps_soon(workspace: Workspace, session: Session) -> list[str]:
    """Start the workspace's taps without holding the loop: all at once, each proxy's helper
    process awaited on the loop (the relay starts at once); the problems, in words (logged at
    WARNING as ``apply_steps`` logs its own). Cancelled, it stops the taps it started."""
    lines: list[str] = []
    made: list[tuple[int, TapSpec, Tap | ProxyTap]] = []
    for index, spec in enumerate(workspace.taps):
        try:
            made.append((index, spec, make_tap(session, spec)))
        except TapError as error:
            lines.append(tap_problem(index, spec, error))
    try:
        results = await asyncio.gather(
            *(start_tap(tap) for _, _, tap in made), return_exceptions=True
        )
    except asyncio.CancelledError:
        for _, _, tap in made:
            tap.stop()
        raise
    if session.closed:  # the window quit while they started: nothing to say
        for _, _, tap in made:
            tap.stop()
        return []
    for (index, spec, tap), result in zip(made, results, strict=True):
        if isinstance(result, TapError):
            lines.append(tap_problem(index, spec, result))
        elif isinstance(result, BaseException):  # a bug: said, and the others still run
            log.error("tap %s did not start", spec.name, exc_info=result)
            tap.stop()
            lines.append(tap_problem(index, spec, TapError(f"The tap did not start: {result}")))
    for line in lines:
        log.warning("%s", line)
    return lines


def workspace_scripts(workspace: Workspace) -> list[str]:
    """The files of the workspace's script automations, each once, in order."""
    files = [
        spec.automation.script.file
        for spec in workspace.sockets
        if spec.automation is not None and spec.automation.script is not None
    ]
    return list(dict.fromkeys(files))


def rebase_scripts(workspace: Workspace, path: str) -> Workspace:
    """Write each relative script path relative to ``path``'s folder (the workspace is saved
    somewhere else: Save As), so it names the same file. The specs are changed in place, the
    live sockets' too, which share them; absolute and ``~`` paths stay as written."""
    folder = os.path.dirname(os.path.abspath(path))
    for spec in workspace.sockets:
        script = spec.automation.script if spec.automation is not None else None
        if script is None or os.path.isabs(script.path) or script.path.startswith("~"):
            continue
        script.path = os.path.relpath(script.file, folder).replace(os.sep, "/")
    return workspace


def _bind_taken(
    taken: list[_TakenBind], session: Session, lines: list[str], seconds: float
) -> Generator[None, None, None]:
    """Try the binds that found their port taken again, every REBIND_INTERVAL_S for
    ``seconds``, yielding between tries (the loop runs meanwhile: the window stays live);
    those still refused then are problems, in words, at their place."""
    deadline = time.monotonic() + seconds
    next_try = time.monotonic() + REBIND_INTERVAL_S
    while taken and not session.closed:
        now = time.monotonic()
        if now < next_try:
            yield
            continue
        waiting: list[_TakenBind] = []
        for bind in taken:
            handle = bind.handle
            if handle.closed:
                continue
            problems = handle.last_error  # a bind that works clears the list's word
            try:
                handle.bind(bind.endpoint, replace_socket_file=bind.replace_socket_file)
            except AddressInUseError as error:
                bind.error = str(error)
                waiting.append(bind)
                continue
            except SocketError as error:
                bind.error = str(error)
                _bind_refused(bind, session, lines)
                continue
            if problems:
                handle.last_error = problems
                session.notify_changed(handle)
            log.info("%s bound %s once its port was free", handle.name, bind.endpoint)
        taken = waiting
        if now >= deadline:
            break
        next_try = time.monotonic() + REBIND_INTERVAL_S
        yield
    for bind in reversed(taken):  # the later first: each earlier slot stays where it was
        if not bind.handle.closed:
            _bind_refused(bind, session, lines)


def _bind_refused(bind: _TakenBind, session: Session, lines: list[str]) -> None:
    text = f"bind {bind.endpoint}: {bind.error}"
    handle = bind.handle
    handle.last_error = "; ".join(filter(None, [handle.last_error, text]))
    session.notify_changed(handle)
    lines.insert(bind.slot, f"{bind.place}: {text}")


def _configure(
    handle: SocketHandle, spec: SocketSpec, where: str, taken: list[_TakenBind]
) -> list[tuple[str, str]]:
    """Options, security, then binds, connects and subscriptions; the (place, error) of
    each failure. Security comes after options so its ZAP domain wins over one written in
    options. A socket whose security fails is not bound or connected: it would otherwise
    talk without the security its user asked for. A bind whose port is taken goes to
    ``taken``, to be tried again in a moment."""
    problems: list[tuple[str, str]] = []
    handle.replace_socket_files = spec.replace_socket_files
    for name, value in spec.options.items():
        try:
            handle.set_option(name, value)
        except SocketError as error:
            problems.append((f"{where}.options.{name}", str(error)))
    if spec.security is not None and not spec.security.is_default:
        try:
            apply_security(handle, spec.security)
        except SocketError as error:
            # kept (shown in the form, saved again as it was); binds and connects wait
            keep_security(
                handle,
                spec.security,
                [(True, e) for e in spec.bind] + [(False, e) for e in spec.connect],
            )
            problems.append(
                (
                    f"{where}.security",
                    f"{error}; not bound or connected until its security is fixed",
                )
            )
            spec = SocketSpec(spec.name, spec.type, subscribe=spec.subscribe, options=spec.options)
    for key in ("bind", "connect"):
        for index, endpoint in enumerate(getattr(spec, key)):
            try:
                if key == "bind":
                    handle.bind(endpoint, replace_socket_file=spec.replace_socket_files)
                else:
                    handle.connect(endpoint)
            except AddressInUseError as error:
                place = f"{where}.{key}[{index}]"
                replace, slot = spec.replace_socket_files, len(problems)
                taken.append(_TakenBind(handle, endpoint, place, replace, str(error), slot))
            except SocketError as error:
                hint = (
                    ' (add "replace_socket_files": true to this socket to allow it)'
                    if isinstance(error, SocketFileExistsError)
                    else ""
                )
                problems.append((f"{where}.{key}[{index}]", f"{key} {endpoint}: {error}{hint}"))
    for index, topic in enumerate(spec.subscribe):
        try:
            handle.subscribe(topic)
        except SocketError as error:
            problems.append((f"{where}.subscribe[{index}]", str(error)))
    return problems


def _set_decoding(
    session: Session, handle: SocketHandle, spec: SocketSpec, where: str
) -> list[tuple[str, str]]:
    """The socket's decode rules and Jupyter key into the session's decoder. Protobuf
    schemas are compiled now, so a broken one is said at load with its place in the file
    (the rule is kept: fixing the file is enough, the next decode compiles it again)."""
    session.decoder.set_rules(handle.name, spec.decode)
    session.decoder.set_jupyter_key(
        handle.name, spec.jupyter_key, spec.jupyter_scheme, spec.jupyter_connection_file
    )
    problems: list[tuple[str, str]] = []
    for index, rule in enumerate(spec.decode):
        if rule.schema is None:
            continue
        try:
            load_schema(rule.schema)
        except DecodeError as error:
            problems.append((f"{where}.decode[{index}].schema", str(error)))
    return problems
