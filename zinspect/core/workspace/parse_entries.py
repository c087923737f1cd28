"""Reading one entry of a workspace: a socket or a saved message. Each check raises (or
collects) a SpecError naming the exact place, so parse.py can leave that entry out and
load the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from zinspect.core.automation.automation import parse_automation
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.recognisers import DEFAULT_JUPYTER_SCHEME
from zinspect.core.frames_json import (
    SpecError,
    describe_json,
    expect,
    frame_from_json,
    frames_from_json,
)
from zinspect.core.keys.secret_values import is_secret_option, secret_from_json
from zinspect.core.security.spec_json import security_from_json
from zinspect.core.sockets.endpoints import EndpointError, validate_endpoint
from zinspect.core.sockets.socket_options import (
    INT32_RANGE,
    INT64_RANGE,
    OptionError,
    lookup_option,
    option_kind,
)
from zinspect.core.sockets.socket_types import SUBSCRIBING_TYPES, socket_type
from zinspect.core.workspace.decode_json import jupyter_from_json, rules_from_json
from zinspect.core.workspace.model import SavedMessage, SocketSpec

T = TypeVar("T")


def _collect(errors: list[SpecError], parse: Callable[[], T], default: T) -> T:
    try:
        return parse()
    except SpecError as error:
        errors.append(error)
        return default


def declared_types(sockets: list[Any]) -> dict[str, str]:
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


def parse_socket(
    entry: Any,
    path: str,
    types: Mapping[str, str],
    seen: Mapping[str, str],
    errors: list[SpecError],
    base: str = "",
) -> SocketSpec | None:
    """The socket at ``path``, every mistake in it added to ``errors`` (all of them, not
    just the first, so one reading shows the user everything to fix). ``types`` are the
    names the file declares (forward targets), ``seen`` the names taken before this one,
    ``base`` the directory relative paths start at (the workspace file's; "" the current)."""
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
                base=base or os.getcwd(),
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
    base = base or os.getcwd()
    decode: list[DecodeRule] = []
    if entry.get("decode") is not None:
        decode = _collect(
            errors, lambda: rules_from_json(entry["decode"], f"{path}.decode", base), []
        )
    no_key: tuple[bytes | None, str, str | None] = (None, DEFAULT_JUPYTER_SCHEME, None)
    jupyter_key, jupyter_scheme, jupyter_file = _collect(
        errors, lambda: jupyter_from_json(entry, path, base), no_key
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
        decode=decode,
        jupyter_key=jupyter_key,
        jupyter_scheme=jupyter_scheme,
        jupyter_connection_file=jupyter_file,
        replace_socket_files=replace,
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


def parse_message(
    entry: Any, path: str, seen: Mapping[str, str], errors: list[SpecError]
) -> SavedMessage | None:
    """The saved message at ``path``, every mistake in it added to ``errors``."""
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
