"""Workspace files: the sockets of a session (and a library of saved messages) as JSON.

A workspace holds everything needed to recreate the sockets: type, name, the endpoints as
they were *requested* (``tcp://127.0.0.1:*`` stays a wildcard, so each opening takes a free
port: write a fixed port to get the same one every time), subscriptions, the options that
were set and the automation. docs/workspace-format.md describes the format for people who
write workspaces by hand.

Loading is forgiving on purpose: a file people wrote by hand may hold a mistake, and one bad
socket must not cost them the nine good ones. Only a file that is not JSON, not a workspace,
or of a newer format version is refused whole (WorkspaceError); every other mistake becomes
a SpecError naming its exact place (``sockets[2].options.RCVHWM``), its entry is left out,
and the rest loads. ``dump_workspace`` writes the same text for the same sockets every time,
so a workspace opened and saved again is byte-for-byte the file it was.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from zinspect.core.automation.automation import (
    AutomationSpec,
    automation_to_json,
    parse_automation,
)
from zinspect.core.automation.automation_runner import attach_automation
from zinspect.core.frames_json import (
    SpecError,
    describe_json,
    expect,
    frame_from_json,
    frame_to_json,
    frames_from_json,
    frames_to_json,
)
from zinspect.core.json_limits import bad_values, loads_bounded
from zinspect.core.keys.secret_values import is_secret_option, secret_from_json
from zinspect.core.security.security import (
    SecuritySpec,
    apply_security,
    keep_security,
    security_from_json,
    security_of,
    security_to_json,
    waiting_endpoints,
)
from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint
from zinspect.core.sockets.fd_limit import OutOfDescriptorsError, did_not_fit
from zinspect.core.sockets.ipc_files import SocketFileExistsError
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.sockets.socket_options import (
    INT32_RANGE,
    INT64_RANGE,
    OptionError,
    lookup_option,
    option_kind,
)
from zinspect.core.sockets.socket_types import SUBSCRIBING_TYPES, socket_type

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
SECRET_FILE_MODE = 0o600  # a workspace holding secrets: readable only by its owner
EXTENSION = ".zinspect.json"
FORMAT_KEY = "zinspect"
LINE_WIDTH = 96  # dump_workspace keeps a value on one line when it fits in this
INLINE_DEPTH = 3  # ...and when it is inside a socket or message (the document, its lists
# and their objects are always spread over lines)

T = TypeVar("T")


class WorkspaceError(Exception):
    """A workspace that cannot be read or written at all; the message is for the user."""


@dataclass
class SocketSpec:
    """One socket as a workspace records it. ``name`` "" lets the session choose one."""

    name: str
    type: str
    bind: list[str] = field(default_factory=list)
    connect: list[str] = field(default_factory=list)
    subscribe: list[bytes] = field(default_factory=list)
    options: dict[str, int | bytes] = field(default_factory=dict)
    automation: AutomationSpec | None = None
    security: SecuritySpec | None = None  # None: NULL, no authentication
    # its ipc binds may replace a socket file found at their path (never any other file)
    replace_socket_files: bool = False
    # where it was in the file (``sockets[2]``), so errors met while creating it name the
    # place the user must edit; not part of what the socket *is*
    source: str = field(default="", compare=False)


@dataclass
class SavedMessage:
    """A named message to send with one click; ``socket`` None sends on the selected one."""

    name: str
    socket: str | None
    frames: list[bytes]


@dataclass
class Workspace:
    """What a workspace file holds; ``invalid`` the entries that were left out, and why."""

    sockets: list[SocketSpec] = field(default_factory=list)
    messages: list[SavedMessage] = field(default_factory=list)
    invalid: list[SpecError] = field(default_factory=list)


# -- reading -----------------------------------------------------------------------------------
def parse_workspace(text: str) -> Workspace:
    """A workspace from its JSON text. WorkspaceError only when the text is not JSON, not a
    workspace object, or of a newer format version; any other mistake is a SpecError in
    ``invalid`` and only its entry is left out."""
    try:
        document, markers = loads_bounded(text)  # too-large or too-deep values: see below
    except RecursionError:
        raise WorkspaceError("Not a workspace: the JSON is nested too deeply") from None
    except ValueError as error:
        where = (
            f" (line {error.lineno}, column {error.colno})"
            if isinstance(error, json.JSONDecodeError)
            else ""
        )
        reason = (
            error.msg if isinstance(error, json.JSONDecodeError) else "a number has too many digits"
        )  # the only other ValueError: int() refused it
        raise WorkspaceError(
            f"Not a workspace: the file is not valid JSON: {reason}{where}"
        ) from None
    if not isinstance(document, dict):
        raise WorkspaceError(
            "Not a workspace: expected a JSON object such as "
            f'{{"{FORMAT_KEY}": 1, "sockets": [...]}}, got '
            f"{describe_json(document)}"
        )
    for key, value in document.items():  # outside the entries, a bad value spoils the file
        found = [] if key in ("sockets", "messages") else bad_values(value, key, markers)
        if found:
            raise WorkspaceError(f"Not a workspace: {found[0][0]}: {found[0][1]}")
    _check_version(document)
    workspace = Workspace()
    sockets = _entries(document, "sockets", "a list of sockets", workspace.invalid)
    messages = _entries(document, "messages", "a list of saved messages", workspace.invalid)
    types = _declared_types(sockets)
    seen: dict[str, str] = {}
    for index, entry in enumerate(sockets):
        path = f"sockets[{index}]"
        spec = _parse_entry(
            entry,
            path,
            workspace.invalid,
            markers,
            lambda errors: _parse_socket(entry, path, types, seen, errors),  # noqa: B023 (called at once)
        )
        if spec is not None:
            workspace.sockets.append(spec)
            if spec.name:
                seen[spec.name] = path
    seen = {}
    for index, entry in enumerate(messages):
        path = f"messages[{index}]"
        message = _parse_entry(
            entry,
            path,
            workspace.invalid,
            markers,
            lambda errors: _parse_message(entry, path, seen, errors),  # noqa: B023 (called at once)
        )
        if message is not None:
            workspace.messages.append(message)
            seen[message.name] = path
    return workspace


def read_workspace(path: str | os.PathLike[str]) -> Workspace:
    """Read and parse a workspace file; WorkspaceError (also logged, after the path) when
    it is refused. Its message does not repeat the path: the caller shows which file."""
    try:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise WorkspaceError(f"Cannot open the file: {error.strerror or error}") from None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise WorkspaceError(
                f"Not a workspace: the file is not UTF-8 text (byte {error.start + 1})"
            ) from None
        return parse_workspace(text)
    except WorkspaceError as error:
        log.warning("%s: %s", path, error)
        raise


def _check_version(document: dict[str, Any]) -> None:
    if FORMAT_KEY not in document:
        raise WorkspaceError(
            f'Not a zinspect workspace: it has no "{FORMAT_KEY}": '
            f"{FORMAT_VERSION} format version at the top"
        )
    version = document[FORMAT_KEY]
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise WorkspaceError(
            f'Not a zinspect workspace: "{FORMAT_KEY}" must be the format '
            f"version {FORMAT_VERSION}, got {describe_json(version)}"
        )
    if version > FORMAT_VERSION:
        raise WorkspaceError(
            f"This workspace was written by a newer zinspect (format "
            f"version {version}); this zinspect reads version "
            f"{FORMAT_VERSION}: update zinspect to open it"
        )


def _entries(document: dict[str, Any], key: str, what: str, invalid: list[SpecError]) -> list[Any]:
    value = document.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        invalid.append(SpecError(key, f"expected {what}, got {describe_json(value)}"))
        return []
    return value


def _parse_entry(
    entry: Any,
    path: str,
    invalid: list[SpecError],
    markers: dict[str, tuple[int, int]],
    parse: Callable[[list[SpecError]], T],
) -> T | None:
    """Run ``parse`` on one entry; None (and its errors in ``invalid``) if any is found.
    Values nothing after may meet (text that is not Unicode, so the file can always be
    written back; numbers too large; nesting too deep) are looked for first."""
    errors = [SpecError(where, message) for where, message in bad_values(entry, path, markers)]
    if not errors:
        value = parse(errors)
        if not errors:
            return value
    invalid.extend(errors)
    return None


def _collect(errors: list[SpecError], parse: Callable[[], T], default: T) -> T:
    try:
        return parse()
    except SpecError as error:
        errors.append(error)
        return default


def _declared_types(sockets: list[Any]) -> dict[str, str]:
    """Every name -> type the file declares (first one wins): the forward targets."""
    types: dict[str, str] = {}
    for entry in sockets:
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("name"), str)
            and isinstance(entry.get("type"), str)
        ):
            types.setdefault(entry["name"].strip(), entry["type"])
    return types


def _parse_socket(
    entry: Any,
    path: str,
    types: Mapping[str, str],
    seen: Mapping[str, str],
    errors: list[SpecError],
) -> SocketSpec | None:
    if not isinstance(entry, dict):
        errors.append(
            SpecError(
                path,
                'expected a socket object such as {"type": "SUB", '
                f'"connect": [...]}}, got {describe_json(entry)}',
            )
        )
        return None
    type_name = _collect(errors, lambda: _socket_type(entry, path), "")
    name = _collect(errors, lambda: _socket_name(entry, path, seen), "")
    bind: list[str] = _collect(errors, lambda: _endpoints(entry, "bind", path), [])
    connect: list[str] = _collect(errors, lambda: _endpoints(entry, "connect", path), [])
    subscribe: list[bytes] = []
    if entry.get("subscribe") is not None:
        subscribe = _collect(
            errors, lambda: _subscriptions(entry["subscribe"], f"{path}.subscribe", type_name), []
        )
    options: dict[str, int | bytes] = {}
    if entry.get("options") is not None:
        options = _options(entry["options"], f"{path}.options", errors)
    automation = None
    if entry.get("automation") is not None:
        automation = _collect(
            errors,
            lambda: parse_automation(
                entry["automation"],
                f"{path}.automation",
                type_name=type_name or None,
                name=name or None,
                sockets=types,
            ),
            None,
        )
        if automation is not None and automation.empty:
            automation = None
    security = None
    if entry.get("security") is not None:
        security = _collect(
            errors, lambda: security_from_json(entry["security"], f"{path}.security"), None
        )
    replace = _collect(
        errors,
        lambda: expect(
            entry.get("replace_socket_files", False),
            bool,
            f"{path}.replace_socket_files",
            "true or false",
        ),
        False,
    )
    return SocketSpec(
        name,
        type_name,
        bind,
        connect,
        subscribe,
        options,
        automation,
        security,
        replace,
        source=path,
    )


def _socket_type(entry: dict[str, Any], path: str) -> str:
    if "type" not in entry:
        raise SpecError(f"{path}.type", 'missing: the socket type, e.g. "SUB"')
    text = expect(entry["type"], str, f"{path}.type", 'a socket type such as "SUB"')
    try:
        info = socket_type(text)
    except KeyError as error:
        raise SpecError(f"{path}.type", str(error.args[0])) from None
    if not info.available:
        raise SpecError(f"{path}.type", info.unavailable_reason)
    return info.name


def _socket_name(entry: dict[str, Any], path: str, seen: Mapping[str, str]) -> str:
    if entry.get("name") is None:
        return ""
    name = expect(entry["name"], str, f"{path}.name", "a name").strip()
    if not name:
        raise SpecError(
            f"{path}.name",
            "expected a name, got an empty string (leave the key out to have one chosen)",
        )
    if name in seen:
        raise SpecError(
            f"{path}.name",
            f"{describe_json(name)} is the name of {seen[name]} already; socket names must differ",
        )
    return name


def _strings(value: Any, path: str, what: str) -> list[Any]:
    """A list, or one value standing for a list of one (``"bind": "tcp://..."``)."""
    if isinstance(value, (str, dict)):
        return [value]
    return expect(value, list, path, what)


def _endpoints(entry: dict[str, Any], key: str, path: str) -> list[str]:
    if entry.get(key) is None:
        return []
    items = _strings(entry[key], f"{path}.{key}", "a list of endpoints")
    endpoints: list[str] = []
    for index, item in enumerate(items):
        where = f"{path}.{key}[{index}]" if isinstance(entry[key], list) else f"{path}.{key}"
        text = expect(item, str, where, 'an endpoint such as "tcp://127.0.0.1:5555"')
        try:
            endpoint = validate_endpoint(text, bind=key == "bind")
        except EndpointError as error:
            raise SpecError(where, str(error)) from None
        if endpoint in endpoints and "*" not in endpoint:
            raise SpecError(where, f"{describe_json(endpoint)} is listed twice")
        endpoints.append(endpoint)
    return endpoints


def _subscriptions(value: Any, path: str, type_name: str) -> list[bytes]:
    items = _strings(value, path, "a list of subscription prefixes")
    many = isinstance(value, list)
    topics = [
        frame_from_json(item, f"{path}[{index}]" if many else path)
        for index, item in enumerate(items)
    ]
    if topics and type_name and type_name not in SUBSCRIBING_TYPES:
        raise SpecError(path, f"only SUB and XSUB sockets subscribe; this is {type_name}")
    for index, topic in enumerate(topics):
        if topic in topics[:index]:
            raise SpecError(
                f"{path}[{index}]" if many else path,
                f"the prefix {describe_json(items[index])} is listed twice",
            )
    return topics


def _options(value: Any, path: str, errors: list[SpecError]) -> dict[str, int | bytes]:
    if not isinstance(value, dict):
        errors.append(
            SpecError(
                path, f'expected an object such as {{"RCVHWM": 1000}}, got {describe_json(value)}'
            )
        )
        return {}
    options: dict[str, int | bytes] = {}
    written: dict[str, str] = {}
    for key, raw in value.items():
        where = f"{path}.{key}"
        try:
            option = lookup_option(key)
        except OptionError as error:
            errors.append(SpecError(where, str(error)))
            continue
        if option.name in options:
            errors.append(
                SpecError(where, f"{option.name} is set twice (also as {written[option.name]})")
            )
            continue
        parsed = _collect(
            errors,
            lambda: _option_value(option, raw, where),  # noqa: B023 (called at once)
            None,
        )
        if parsed is not None:
            options[option.name] = parsed
            written[option.name] = key
    return dict(sorted(options.items()))


def _option_value(option: Any, value: Any, path: str) -> int | bytes:
    kind = option_kind(option)
    if is_secret_option(option.name):
        return secret_from_json(value, path, option.name)  # errors never repeat it
    if kind == "bytes":
        return frame_from_json(value, path)
    number = expect(value, int, path, "an integer")
    low, high = INT32_RANGE if kind == "int" else INT64_RANGE
    if not low <= number <= high:
        raise SpecError(path, f"expected an integer from {low} to {high}, got {number}")
    return number


def _parse_message(
    entry: Any, path: str, seen: Mapping[str, str], errors: list[SpecError]
) -> SavedMessage | None:
    if not isinstance(entry, dict):
        errors.append(
            SpecError(
                path,
                'expected a message object such as {"name": "ping", '
                f'"frames": ["ping"]}}, got {describe_json(entry)}',
            )
        )
        return None

    def name() -> str:
        if "name" not in entry:
            raise SpecError(f"{path}.name", "missing: the name shown in the list")
        text = expect(entry["name"], str, f"{path}.name", "a name").strip()
        if not text:
            raise SpecError(f"{path}.name", "expected a name, got an empty string")
        if text in seen:
            raise SpecError(
                f"{path}.name", f"{describe_json(text)} is the name of {seen[text]} already"
            )
        return text

    def socket() -> str | None:
        if entry.get("socket") is None:
            return None
        text = expect(entry["socket"], str, f"{path}.socket", "a socket name").strip()
        return text or None

    def frames() -> list[bytes]:
        if "frames" not in entry:
            raise SpecError(f"{path}.frames", "missing: a list of the frames to send")
        result = frames_from_json(entry["frames"], f"{path}.frames")
        if not result:
            raise SpecError(f"{path}.frames", "a message needs at least one frame")
        return result

    return SavedMessage(
        _collect(errors, name, ""), _collect(errors, socket, None), _collect(errors, frames, [])
    )


# -- writing -----------------------------------------------------------------------------------
def socket_to_json(spec: SocketSpec) -> dict[str, Any]:
    """One socket's JSON object, keys always in the same order (see dump_workspace)."""
    obj: dict[str, Any] = {"name": spec.name} if spec.name else {}
    obj.update(type=spec.type, bind=list(spec.bind), connect=list(spec.connect))
    if spec.subscribe or spec.type in SUBSCRIBING_TYPES:
        obj["subscribe"] = frames_to_json(spec.subscribe)
    if spec.options:
        obj["options"] = {
            name: value if isinstance(value, int) else frame_to_json(value)
            for name, value in sorted(spec.options.items())
        }
    if spec.automation is not None and not spec.automation.empty:
        obj["automation"] = automation_to_json(spec.automation)
    if spec.security is not None and not spec.security.is_default:
        obj["security"] = security_to_json(spec.security)  # secrets only if it says so
    if spec.replace_socket_files:
        obj["replace_socket_files"] = True
    return obj


def message_to_json(message: SavedMessage) -> dict[str, Any]:
    obj: dict[str, Any] = {"name": message.name}
    if message.socket:
        obj["socket"] = message.socket
    obj["frames"] = frames_to_json(message.frames)
    return obj


def dump_workspace(workspace: Workspace) -> str:
    """The file's text: indented, keys in a fixed order, options sorted by name, frames in
    their most readable exact form; the same sockets always give the same text."""
    document = {
        FORMAT_KEY: FORMAT_VERSION,
        "sockets": [socket_to_json(spec) for spec in workspace.sockets],
        "messages": [message_to_json(message) for message in workspace.messages],
    }
    return _pretty(document, 0) + "\n"


def _pretty(value: Any, depth: int, room: int = LINE_WIDTH) -> str:
    """JSON text with the document, each socket and each message spread over lines, and
    everything inside them (endpoint lists, options, frames) on one line when it fits, so
    a file reads like the examples people write by hand."""
    compact = json.dumps(value, ensure_ascii=False)
    single = (
        isinstance(value, dict)
        and len(value) == 1
        and not isinstance(next(iter(value.values())), (dict, list))
    )  # {"hex": "..."}
    if (
        not isinstance(value, (dict, list))
        or not value
        or (depth >= INLINE_DEPTH and (single or len(compact) <= room))
    ):
        return compact
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(key, ensure_ascii=False)}: "
            + _pretty(item, depth + 1, LINE_WIDTH - len(pad) - len(key) - 5)
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    items = [pad + _pretty(item, depth + 1, LINE_WIDTH - len(pad) - 1) for item in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"


def holds_secrets(workspace: Workspace) -> bool:
    """Whether the file written for ``workspace`` holds a secret (a CURVE secret key or a
    PLAIN password, in options or in a security saved with its secrets)."""
    for spec in workspace.sockets:
        if any(is_secret_option(name) for name in spec.options):
            return True
        if spec.security is not None and not spec.security.is_default:
            obj = security_to_json(spec.security)
            users = obj.get("authentication", {}).get("users", {})
            if (
                "secret_key" in obj
                or "password" in obj
                or any(v is not None for v in users.values())
            ):
                return True
    return False


def save_workspace_atomic(path: str | os.PathLike[str], text: str, *, secret: bool = False) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one, never
    half of one: a temporary file in the same directory, flushed to disk, then renamed over
    the old. WorkspaceError in words when it fails; the old file is then untouched.
    A ``secret`` text (see holds_secrets) gets mode 0600, as secret key files do, whatever
    the old file's mode was: the temporary file is 0600 from its first byte."""
    target = Path(os.path.realpath(path))  # through a symlink: keep the link, replace its file
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise WorkspaceError(f"Could not save {path}: {error.reason}") from None
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, SECRET_FILE_MODE if secret else _mode_for(target))
        os.replace(temp, target)
        temp = None
        _sync_directory(target.parent)
    except OSError as error:
        raise WorkspaceError(f"Could not save {path}: {error.strerror or error}") from None
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    log.info("saved workspace %s", target)


def _mode_for(target: Path) -> int:
    """The old file's permissions, or the usual ones for a new file (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- live sockets ------------------------------------------------------------------------------
def snapshot(session: Session, messages: Iterable[SavedMessage] = ()) -> Workspace:
    """The workspace that recreates ``session``'s sockets as they are now (in list order)."""
    sockets = [socket_spec(handle) for handle in session.sockets if not handle.closed]
    return Workspace(sockets=sockets, messages=list(messages))


def socket_spec(handle: SocketHandle) -> SocketSpec:
    """One live socket as a workspace records it: endpoints as requested, not resolved."""
    waiting = waiting_endpoints(handle)  # held back until its security can be applied
    return SocketSpec(
        name=handle.name,
        type=handle.type_name,
        bind=[e.requested for e in handle.endpoints if e.bound]
        + [endpoint for bound, endpoint in waiting if bound],
        connect=[e.requested for e in handle.endpoints if not e.bound]
        + [endpoint for bound, endpoint in waiting if not bound],
        subscribe=list(handle.subscriptions),
        options=dict(sorted(handle.options.items())),
        automation=automation_of(handle),
        security=security_of(handle),
        replace_socket_files=handle.replace_socket_files,
    )


def automation_of(handle: SocketHandle) -> AutomationSpec | None:
    """The automation attached to ``handle`` (core.automation_runner sets it), if any."""
    spec = handle.automation
    return None if spec is None or spec.empty else spec


def apply_workspace(
    workspace: Workspace, session: Session, *, start_sends: bool = True
) -> list[str]:
    """Create every socket of ``workspace`` in ``session``; return (and log at WARNING, one
    line each) every error found: the invalid entries first, then what failed here.

    Options are set before any bind or connect (most only apply to later ones). A socket
    whose bind, connect, subscription or option fails still exists, with the failure in
    ``last_error``, so the user sees it and can fix it by hand. Automations start last,
    once every socket exists, so a forward finds its target. ``start_sends`` False attaches
    automations that send a script without starting them (a demo waits for its Start
    button); replies and forwards always start, or the first messages would go unanswered.
    """
    lines = [str(error) for error in workspace.invalid]
    created: list[tuple[SocketSpec, SocketHandle]] = []
    for number, spec in enumerate(workspace.sockets):
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
        problems = _configure(handle, spec, where)
        if problems:
            handle.last_error = "; ".join(text for _, text in problems)
            session.notify_changed(handle)  # the socket list shows last_error
            lines.extend(f"{place}: {text}" for place, text in problems)
        created.append((spec, handle))
    for spec, handle in created:
        if spec.automation is None or spec.automation.empty or handle.closed:
            continue
        try:
            attach_automation(
                handle, spec.automation, start=start_sends or spec.automation.send is None
            )
        except (SocketError, SpecError) as error:
            where = spec.source or f"socket {describe_json(spec.name)}"
            handle.last_error = "; ".join(filter(None, [handle.last_error, str(error)]))
            session.notify_changed(handle)
            lines.append(f"{where}.automation: {error}")
    for line in lines:
        log.warning("%s", line)
    return lines


def _configure(handle: SocketHandle, spec: SocketSpec, where: str) -> list[tuple[str, str]]:
    """Options, security, then binds, connects and subscriptions; the (place, error) of
    each failure. Security comes after options so its ZAP domain wins over one written in
    options. A socket whose security fails is not bound or connected: it would otherwise
    talk without the security its user asked for."""
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
