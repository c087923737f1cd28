"""Pattern demos: bundled workspaces that play a ZeroMQ pattern out live, with a short
explanation and buttons for the experiments worth trying.

A demo is one mechanism with workspaces, not a second one (docs/platform-facts.md): the file
``resources/demos/NAME.zinspect.json`` is an ordinary workspace whose extra ``"demo"`` key
(ignored by the workspace loader) says what the demo panel shows, and ``NAME.md`` is the
explanation in Markdown. The ``demo`` object::

    {"title": "Pipeline", "summary": "one line for --demo list",
     "later": ["late"],             # sockets of the file created by an action, not at opening
     "actions": [{"label": "Stop a worker", "tip": "...", "steps": [{"stop_one": [...]}]}],
     "watch": [{"label": "worker 1", "socket": "worker-1", "show": "received",
                "share": "workers"}]}

Steps are a small closed vocabulary (see ``DemoRunner.STEPS``) run in order; each says what
it did in words, which the panel shows beside the button. The files are ours, so a mistake
in the ``demo`` object is a SpecError (the tests load every demo).
"""

from __future__ import annotations

import importlib.resources
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zinspect.core.automation.automation import compile_template, parse_send_frame, render_frames
from zinspect.core.frames_json import SpecError, describe_json, expect
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import ROW_FRAMES, ROW_SOCKET
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.model import Workspace
from zinspect.core.workspace.parse import parse_workspace

log = logging.getLogger(__name__)

RESOURCE_PACKAGE = "zinspect.resources"
DEMO_FOLDER = "demos"
SUFFIX = ".zinspect.json"
SHOWS = ("received", "sent", "first")


class DemoError(Exception):
    """No demo of that name; the message lists the names there are."""


@dataclass
class DemoAction:
    label: str
    tip: str
    steps: list[tuple[str, Any]]


@dataclass
class DemoWatch:
    """A live figure in the demo panel: a socket's received or sent count (with its share of
    the ``share`` group), or the first message it received containing ``match``."""

    label: str
    socket: str
    show: str
    share: str = ""
    match: str = ""


@dataclass
class Demo:
    name: str
    title: str
    summary: str
    explanation: str
    workspace: Workspace
    later: list[str] = field(default_factory=list)
    actions: list[DemoAction] = field(default_factory=list)
    watch: list[DemoWatch] = field(default_factory=list)


# -- finding and reading --------------------------------------------------------------------
def _folder() -> Any:
    return importlib.resources.files(RESOURCE_PACKAGE).joinpath(DEMO_FOLDER)


# the order they are best watched in, simplest first; a demo not listed comes last
_ORDER = {"reqrep": 0, "pubsub": 1, "pipeline": 2, "routerdealer": 3, "broker": 4}


def demo_names() -> list[str]:
    """The bundled demos' names, simplest first."""
    names = [
        entry.name[: -len(SUFFIX)] for entry in _folder().iterdir() if entry.name.endswith(SUFFIX)
    ]
    return sorted(names, key=lambda name: (_ORDER.get(name, len(_ORDER)), name))


def load_demo(name: str) -> Demo:
    """The demo called ``name``; DemoError (with the names there are) when there is none."""
    folder = _folder()
    source = folder.joinpath(f"{name}{SUFFIX}")
    if not name or "/" in name or not source.is_file():
        raise DemoError(f"no demo called {name!r}; the demos are: {', '.join(demo_names())}")
    explanation = folder.joinpath(f"{name}.md")
    return parse_demo(
        name,
        source.read_text("utf-8"),
        explanation.read_text("utf-8") if explanation.is_file() else "",
    )


def parse_demo(name: str, text: str, explanation: str) -> Demo:
    """A demo from its workspace text (with the ``demo`` key) and its explanation."""
    import json

    workspace = parse_workspace(text)
    if workspace.invalid:
        raise SpecError(name, "; ".join(map(str, workspace.invalid)))
    meta = expect(json.loads(text).get("demo"), dict, "demo", "an object")
    names = {spec.name for spec in workspace.sockets}

    def socket_name(value: Any, path: str) -> str:
        name = expect(value, str, path, "a socket name")
        if name not in names:
            raise SpecError(path, f"no socket named {describe_json(name)}")
        return name

    later = [
        socket_name(item, f"demo.later[{i}]")
        for i, item in enumerate(expect(meta.get("later", []), list, "demo.later", "a list"))
    ]
    actions = []
    for index, item in enumerate(expect(meta.get("actions", []), list, "demo.actions", "a list")):
        path = f"demo.actions[{index}]"
        item = expect(item, dict, path, "an object")
        steps = []
        for number, step in enumerate(expect(item.get("steps"), list, f"{path}.steps", "a list")):
            where = f"{path}.steps[{number}]"
            step = expect(step, dict, where, "an object with one key")
            if len(step) != 1 or next(iter(step)) not in DemoRunner.STEPS:
                raise SpecError(where, f"expected one of {', '.join(DemoRunner.STEPS)}")
            kind, value = next(iter(step.items()))
            steps.append((kind, _check_step(kind, value, where, socket_name)))
        actions.append(
            DemoAction(
                expect(item.get("label"), str, f"{path}.label", "text"),
                expect(item.get("tip"), str, f"{path}.tip", "text"),
                steps,
            )
        )
    watch = []
    for index, item in enumerate(expect(meta.get("watch", []), list, "demo.watch", "a list")):
        path = f"demo.watch[{index}]"
        item = expect(item, dict, path, "an object")
        show = expect(item.get("show"), str, f"{path}.show", "received, sent or first")
        if show not in SHOWS:
            raise SpecError(f"{path}.show", "expected received, sent or first")
        watch.append(
            DemoWatch(
                expect(item.get("label"), str, f"{path}.label", "text"),
                socket_name(item.get("socket"), f"{path}.socket"),
                show,
                expect(item.get("share", ""), str, f"{path}.share", "text"),
                expect(item.get("match", ""), str, f"{path}.match", "text"),
            )
        )
    return Demo(
        name=name,
        title=expect(meta.get("title"), str, "demo.title", "text"),
        summary=expect(meta.get("summary"), str, "demo.summary", "text"),
        explanation=explanation,
        workspace=workspace,
        later=later,
        actions=actions,
        watch=watch,
    )


def _check_step(kind: str, value: Any, path: str, socket_name: Callable[[Any, str], str]) -> Any:
    """The step's value, checked, in the form DemoRunner runs it."""
    if kind in ("start", "stop"):
        return [
            socket_name(v, f"{path}.{kind}[{i}]")
            for i, v in enumerate(expect(value, list, f"{path}.{kind}", "a list"))
        ]
    if kind == "stop_one":
        groups = expect(value, list, f"{path}.stop_one", "a list of socket name lists")
        return [
            [
                socket_name(v, f"{path}.stop_one[{i}][{j}]")
                for j, v in enumerate(expect(group, list, f"{path}.stop_one[{i}]", "a list"))
            ]
            for i, group in enumerate(groups)
        ]
    if kind == "restart":
        return socket_name(value, f"{path}.restart")
    value = expect(value, dict, f"{path}.{kind}", "an object")
    # one dict per step, its keys fixed by ``kind``: what DemoRunner._step_<kind> reads
    checked: dict[str, Any] = {"socket": socket_name(value.get("socket"), f"{path}.{kind}.socket")}
    if kind == "send":
        frames = expect(value.get("frames"), list, f"{path}.send.frames", "a list of frames")
        checked["frames"] = [
            compile_template(f, f"{path}.send.frames[{i}]")
            if isinstance(f, str)
            else [parse_send_frame(f, f"{path}.send.frames[{i}]")]
            for i, f in enumerate(frames)
        ]
        checked["count"] = expect(value.get("count", 1), int, f"{path}.send.count", "a number")
    elif kind == "toggle_subscription":
        checked["topic"] = expect(value.get("topic"), str, f"{path}.{kind}.topic", "text")
    elif kind == "connect_to":
        checked["bound_by"] = socket_name(value.get("bound_by"), f"{path}.connect_to.bound_by")
        checked["transport"] = expect(
            value.get("transport", "tcp"), str, f"{path}.connect_to.transport", "a transport"
        )
    return checked


# -- running --------------------------------------------------------------------------------
def opening(demo: Demo) -> Workspace:
    """What opening ``demo`` makes: its sockets but those made ``later`` (by an action); a
    window makes them a step per turn (apply_steps, start_sends False), then its runner."""
    return Workspace(sockets=[s for s in demo.workspace.sockets if s.name not in demo.later])


class DemoRunner:
    """Runs one open demo on a session: opening it, its Start/Stop, actions and figures."""

    STEPS = ("send", "start", "stop", "stop_one", "restart", "toggle_subscription", "connect_to")

    def __init__(self, demo: Demo, session: Session) -> None:
        self.demo = demo
        self.session = session
        self._specs = {spec.name: spec for spec in demo.workspace.sockets}
        # "first" figures: the handle they were found on, and the message text
        self._first: dict[int, tuple[SocketHandle, str]] = {}
        self._watch_first = {w.socket for w in demo.watch if w.show == "first"}
        # counted figures outlive their socket: the last handle seen, and what closed
        # handles of that name had counted before (a stopped worker's tasks still count)
        self._seen: dict[int, SocketHandle] = {}
        self._earlier: dict[int, int] = {}
        self._stopped = False  # the user pressed Stop since the last Start
        session.on_received.append(self._on_session_received)

    def close(self) -> None:
        if self._on_session_received in self.session.on_received:
            self.session.on_received.remove(self._on_session_received)

    def open(self) -> list[str]:
        """Create the demo's sockets (all but ``later``), automations that send stopped."""
        return apply_workspace(opening(self.demo), self.session, start_sends=False)

    # -- Start / Stop -----------------------------------------------------------------------
    def _senders(self) -> list[SocketHandle]:
        return [
            h
            for h in self.session.sockets
            if h.automation_runner is not None
            and h.automation is not None
            and h.automation.send is not None
        ]

    @property
    def running(self) -> bool:
        return any(h.automation_runner.running for h in self._senders())  # type: ignore

    def start(self) -> str:
        """Start every send automation (from its first message)."""
        senders = self._senders()
        for handle in senders:
            handle.automation_runner.start()  # type: ignore[union-attr]
        self._stopped = False
        return (
            f"Started {_names(senders)}."
            if senders
            else "Nothing to start: the sockets that send were closed (Reset brings them back)."
        )

    def stop(self) -> str:
        senders = [h for h in self._senders() if h.automation_runner.running]  # type: ignore
        for handle in senders:
            handle.automation_runner.stop()  # type: ignore[union-attr]
        self._stopped = self._stopped or bool(senders)
        return f"Stopped {_names(senders)}." if senders else "Nothing was running."

    def run_state(self) -> str:
        """The run as it is now, in one line (recomputed, so it never goes stale)."""
        senders = self._senders()
        running = [h for h in senders if h.automation_runner.running]  # type: ignore[union-attr]
        if running:
            parts = []
            for handle in running:
                runner = handle.automation_runner
                count = handle.automation.send.count  # type: ignore[union-attr]
                done = runner.sent  # type: ignore[union-attr]
                parts.append(
                    f"{handle.name} sending ({done:,} of {count:,})"
                    if count
                    else f"{handle.name} sending ({done:,} so far)"
                )
            return "Running: " + ", ".join(parts)
        names = {s.name for s in self.demo.workspace.sockets if s.automation and s.automation.send}
        sent = sum(h.sent for h in self.session.sockets if h.name in names and not h.closed)
        if self._stopped:
            return f"Stopped: {sent:,} sent." if sent else "Stopped."
        if sent:
            return f"Finished: {sent:,} sent."
        return "Ready: press Start to play the pattern; the buttons below try things out."

    # -- actions ----------------------------------------------------------------------------
    def run(self, action: DemoAction) -> str:
        """Do the action's steps in order; what happened, in words. Never raises for a
        socket's refusal: that refusal is the lesson (a REQ's second send, say)."""
        said = []
        for kind, value in action.steps:
            said.append(getattr(self, f"_step_{kind}")(value))
        return " ".join(filter(None, said))

    def _open_socket(self, name: str) -> SocketHandle | None:
        handle = self.session.socket_named(name)
        return handle if handle is not None and not handle.closed else None

    def _step_send(self, value: dict[str, Any]) -> str:
        name, count = value["socket"], value["count"]
        handle = self._open_socket(name)
        if handle is None:
            return f"{name} is closed."
        messages = [render_frames(value["frames"], seq) for seq in range(count)]
        sent = 0
        try:
            while sent < count:
                ok, reason = handle.can_send_now
                if not ok:
                    return (
                        f"{name} sent {sent} of {count}; message {sent + 1} was refused: {reason}"
                    )
                went = handle.send_batch(messages[sent:])
                if not went:
                    return (
                        f"{name} sent {sent} of {count}; the rest could not be queued "
                        "(no peer, or the high-water mark)."
                    )
                sent += went
        except SocketError as error:
            return f"{name} sent {sent} of {count}; then: {error}"
        return f"{name} sent {_plural(count, 'message')}."

    def _step_start(self, names: list[str]) -> str:
        missing = [n for n in names if self._open_socket(n) is None]
        if not missing:
            return "Already running: " + ", ".join(names) + "."
        problems = apply_workspace(
            Workspace(sockets=[self._specs[n] for n in missing]), self.session
        )
        text = f"Started {', '.join(missing)}."
        return f"{text} Problems: {'; '.join(problems)}" if problems else text

    def _step_stop(self, names: list[str]) -> str:
        stopped = [n for n in names if self._open_socket(n) is not None]
        for name in stopped:
            self._open_socket(name).close()  # type: ignore[union-attr]
        return f"Stopped {', '.join(stopped)}." if stopped else ""

    def _step_stop_one(self, groups: list[list[str]]) -> str:
        for group in groups:
            if all(self._open_socket(n) is not None for n in group):
                return self._step_stop(group)
        return "None left to stop."

    def _step_restart(self, name: str) -> str:
        handle = self._open_socket(name)
        runner = handle.automation_runner if handle is not None else None
        if runner is None:
            return f"{name} is closed."
        runner.stop()
        runner.start()
        return f"{name} restarted sending from its first message."

    def _step_toggle_subscription(self, value: dict[str, Any]) -> str:
        name, topic = value["socket"], value["topic"]
        handle = self._open_socket(name)
        if handle is None:
            return f"{name} is closed."
        data = topic.encode("utf-8")
        if data in handle.subscriptions:
            handle.unsubscribe(data)
            return f"{name} unsubscribed from {topic!r}."
        handle.subscribe(data)
        return f"{name} subscribed to {topic!r}."

    def _step_connect_to(self, value: dict[str, Any]) -> str:
        handle = self._open_socket(value["socket"])
        server = self._open_socket(value["bound_by"])
        if handle is None or server is None:
            return f"{value['socket'] if handle is None else value['bound_by']} is closed."
        addresses = [
            e.address
            for e in server.endpoints
            if e.bound and e.address.startswith(f"{value['transport']}://")
        ]
        for address in addresses:
            handle.connect(address)
        return (
            f"{handle.name} connected to {', '.join(addresses)}."
            if addresses
            else f"{server.name} has no {value['transport']} endpoint."
        )

    # -- figures ----------------------------------------------------------------------------
    def _on_session_received(self, handle: SocketHandle, count: int) -> None:
        if handle.name not in self._watch_first:
            return
        store = self.session.store
        _, rows = store.rows(max(store.first_seq, store.end_seq - count), store.end_seq)
        for index, watch in enumerate(self.demo.watch):
            if watch.show != "first" or watch.socket != handle.name:
                continue
            found = self._first.get(index)
            if found is not None and found[0] is handle:
                continue
            for row in rows:
                if row[ROW_SOCKET] != handle.name:
                    continue
                text = " | ".join(f.decode("utf-8", "replace") for f in row[ROW_FRAMES:])
                if watch.match in text:
                    self._first[index] = (handle, text)
                    break

    def _counted(self, index: int, show: str, handle: SocketHandle | None) -> int:
        """What the watched socket counted, closed handles of its name included."""
        seen = self._seen.get(index)
        if seen is not None and seen is not handle and handle is not None:
            self._earlier[index] = self._earlier.get(index, 0) + getattr(seen, show)
        if handle is not None:
            self._seen[index] = handle
            seen = handle
        now = getattr(seen, show) if seen is not None else 0
        return self._earlier.get(index, 0) + now

    def figures(self) -> list[tuple[str, str]]:
        """(label, value in words) for each watched figure, as it is now. A counted figure
        keeps what a stopped socket counted (shown as stopped), so shares add up to all."""
        counts: dict[int, int] = {}
        totals: dict[str, int] = {}
        for index, watch in enumerate(self.demo.watch):
            if watch.show in ("received", "sent"):
                count = self._counted(index, watch.show, self._open_socket(watch.socket))
                counts[index] = count
                if watch.share:
                    totals[watch.share] = totals.get(watch.share, 0) + count
        out = []
        for index, watch in enumerate(self.demo.watch):
            handle = self._open_socket(watch.socket)
            if watch.show == "first":
                found = self._first.get(index)
                if handle is None:
                    value = "not running"
                else:
                    value = found[1] if found is not None and found[0] is handle else "nothing yet"
            elif handle is None and index not in self._seen:
                value = "not running"
            else:
                number = counts[index]
                value = f"{number:,}"
                total = totals.get(watch.share, 0)
                if watch.share and total:
                    value += f"  ({100 * number / total:.0f} %)"
                if handle is None:
                    value += " — stopped"
            out.append((watch.label, value))
        return out


def _names(handles: list[SocketHandle]) -> str:
    return ", ".join(h.name for h in handles)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'s' if count != 1 else ''}"
