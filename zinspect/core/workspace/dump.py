"""Writing a workspace file. ``dump_workspace`` writes the same text for the same sockets
every time, so a workspace opened and saved again is byte-for-byte the file it was."""

from __future__ import annotations

import json
from typing import Any

from zinspect.core.automation.automation import automation_to_json
from zinspect.core.frames_json import frame_to_json, frames_to_json
from zinspect.core.keys.secret_values import is_secret_option
from zinspect.core.security.spec_json import security_to_json
from zinspect.core.sockets.socket_types import SUBSCRIBING_TYPES
from zinspect.core.workspace.decode_json import rule_to_json
from zinspect.core.workspace.model import (
    FORMAT_KEY,
    FORMAT_VERSION,
    SavedMessage,
    SocketSpec,
    Workspace,
)
from zinspect.core.workspace.tap_json import tap_to_json

LINE_WIDTH = 96  # dump_workspace keeps a value on one line when it fits in this
INLINE_DEPTH = 3  # ...and when it is inside a socket or message (the document, its lists
# and their objects are always spread over lines)


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
    if spec.decode:
        obj["decode"] = [rule_to_json(rule) for rule in spec.decode]
    if spec.jupyter_connection_file:
        obj["jupyter_connection_file"] = spec.jupyter_connection_file
    elif spec.jupyter_key:
        obj["jupyter_key"] = spec.jupyter_key.decode("utf-8", "replace")  # a secret: mode 0600
    if spec.replace_socket_files:
        obj["replace_socket_files"] = True
    return obj


def message_to_json(message: SavedMessage) -> dict[str, Any]:
    obj: dict[str, Any] = {"name": message.name}
    if message.socket:
        obj["socket"] = message.socket
    obj["frames"] = frames_to_json(message.frames)
    return obj


class _Written(str):
    """JSON text already made (an entry left out, written back as it was read)."""


def dump_workspace(workspace: Workspace) -> str:
    """The file's text: indented, keys in a fixed order, options sorted by name, frames in
    their most readable exact form; the same sockets always give the same text. Entries
    that could not be loaded (``left_out``) go back to their places, as they were."""
    sections: dict[str, list[Any]] = {
        "sockets": [socket_to_json(spec) for spec in workspace.sockets],
        "messages": [message_to_json(message) for message in workspace.messages],
        "taps": [tap_to_json(tap) for tap in workspace.taps],
    }
    for entry in sorted(workspace.left_out, key=lambda entry: entry.index):
        items = sections[entry.section]
        # ASCII escapes: an entry may hold text that is not Unicode (why it was left out)
        text = _pretty(entry.value, 2, ascii_only=True)
        items.insert(min(entry.index, len(items)), _Written(text))
    if not sections["taps"]:
        del sections["taps"]  # a workspace without taps reads as before taps existed
    document = {FORMAT_KEY: FORMAT_VERSION, **sections}
    return _pretty(document, 0) + "\n"


def _pretty(value: Any, depth: int, room: int = LINE_WIDTH, ascii_only: bool = False) -> str:
    """JSON text with the document, each socket and each message spread over lines, and
    everything inside them (endpoint lists, options, frames) on one line when it fits, so
    a file reads like the examples people write by hand."""
    if isinstance(value, _Written):
        return str(value)
    compact = json.dumps(value, ensure_ascii=ascii_only)
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
            f"{pad}{json.dumps(key, ensure_ascii=ascii_only)}: "
            + _pretty(item, depth + 1, LINE_WIDTH - len(pad) - len(key) - 5, ascii_only)
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    items = [
        pad + _pretty(item, depth + 1, LINE_WIDTH - len(pad) - 1, ascii_only) for item in value
    ]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"


def holds_secrets(workspace: Workspace) -> bool:
    """Whether the file written for ``workspace`` holds a secret (a CURVE secret key or a
    PLAIN password, in options or in a security saved with its secrets; a Jupyter key not
    found again through a connection file; or anywhere in an entry written back as it was
    read)."""
    if any(_json_holds_secret(entry.value) for entry in workspace.left_out):
        return True
    for spec in workspace.sockets:
        if spec.jupyter_key and not spec.jupyter_connection_file:
            return True
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


def _json_holds_secret(value: Any) -> bool:
    """Whether JSON as read holds a value under a secret's key (``secret_key``,
    ``password``, a user's password, CURVE_SECRETKEY...): any such key counts, whatever
    its value, since the entry was not understood."""
    if isinstance(value, list):
        return any(map(_json_holds_secret, value))
    if not isinstance(value, dict):
        return False
    for key, item in value.items():
        if key in ("secret_key", "password", "users") or is_secret_option(str(key)):
            if item is not None:
                return True
        if _json_holds_secret(item):
            return True
    return False
