"""Reading a workspace file: the document, its version, and each entry in turn.

Loading is forgiving on purpose: a file people wrote by hand may hold a mistake, and one bad
socket must not cost them the nine good ones. Only a file that is not JSON, not a workspace,
or of a newer format version is refused whole (WorkspaceError); every other mistake becomes
a SpecError naming its exact place (``sockets[2].options.RCVHWM``), its entry is left out,
and the rest loads. The entries themselves are read by parse_entries.py.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from zinspect.core.frames_json import SpecError, describe_json
from zinspect.core.json_limits import HugeNumber, bad_values, loads_bounded
from zinspect.core.workspace.model import (
    FORMAT_KEY,
    FORMAT_VERSION,
    LeftOut,
    Workspace,
    WorkspaceError,
)
from zinspect.core.workspace.parse_entries import declared_types, parse_message, parse_socket
from zinspect.core.workspace.tap_json import parse_tap

log = logging.getLogger(__name__)

T = TypeVar("T")
KEPT_NESTING = 64  # an entry left out is kept, to be written back, up to this deep


def parse_workspace(text: str, base: str | os.PathLike[str] | None = None) -> Workspace:
    """A workspace from its JSON text. WorkspaceError only when the text is not JSON, not a
    workspace object, or of a newer format version; any other mistake is a SpecError in
    ``invalid`` and only its entry is left out. Relative paths in it (protobuf schemas, a
    Jupyter connection file) start at ``base``, the file's directory (None: the current)."""
    base_dir = os.path.abspath(base) if base is not None else ""
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
        found = [] if key in ("sockets", "messages", "taps") else bad_values(value, key, markers)
        if found:
            raise WorkspaceError(f"Not a workspace: {found[0][0]}: {found[0][1]}")
    _check_version(document)
    workspace = Workspace()
    sockets = _entries(document, "sockets", "a list of sockets", workspace.invalid)
    messages = _entries(document, "messages", "a list of saved messages", workspace.invalid)
    types = declared_types(sockets)
    seen: dict[str, str] = {}
    for path, spec in _each_entry(
        "sockets",
        sockets,
        workspace,
        markers,
        lambda entry, path, errors: parse_socket(entry, path, types, seen, errors, base_dir),
    ):
        workspace.sockets.append(spec)
        if spec.name:
            seen[spec.name] = path
    saved: dict[str, str] = {}
    for path, message in _each_entry(
        "messages",
        messages,
        workspace,
        markers,
        lambda entry, path, errors: parse_message(entry, path, saved, errors),
    ):
        workspace.messages.append(message)
        saved[message.name] = path
    taken = {spec.name: f"sockets[{n}]" for n, spec in enumerate(workspace.sockets)}
    taps = _entries(document, "taps", "a list of taps", workspace.invalid)
    for path, tap in _each_entry(
        "taps",
        taps,
        workspace,
        markers,
        lambda entry, path, errors: parse_tap(entry, path, taken, errors),
    ):
        workspace.taps.append(tap)
        taken[tap.name] = path
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
        return parse_workspace(text, os.path.dirname(os.path.abspath(path)))
    except WorkspaceError as error:
        log.warning("%s: %s", path, error)
        raise


def _as_read(value: Any, markers: dict[str, tuple[int, int]]) -> bool:
    """Whether ``value`` is the JSON the file holds and can be written back as it was: not
    when a stand-in replaced part of it (a HugeNumber, a marker for a value nested too
    deep), nor when it nests deeper than KEPT_NESTING (the writer recurses). Iterative."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, HugeNumber) or (isinstance(item, str) and item in markers):
            return False
        if isinstance(item, (dict, list)):
            if depth >= KEPT_NESTING:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


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


def _each_entry(
    kind: str,
    entries: list[Any],
    workspace: Workspace,
    markers: dict[str, tuple[int, int]],
    parse: Callable[[Any, str, list[SpecError]], T | None],
) -> Iterator[tuple[str, T]]:
    """Each entry of ``kind`` parsed, with its path, in order (the caller records it before
    the next is parsed, so names already taken are known); one that fails goes to
    ``invalid``, and, when it can be written back as it was read, to ``left_out``."""
    for index, entry in enumerate(entries):
        path = f"{kind}[{index}]"
        value = _parse_entry(
            entry,
            path,
            workspace.invalid,
            markers,
            lambda errors: parse(entry, path, errors),  # noqa: B023 (called at once)
        )
        if value is not None:
            yield path, value
        elif _as_read(entry, markers):
            workspace.left_out.append(LeftOut(kind, index, entry))


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
