"""A socket's ``decode`` rules and Jupyter key in a workspace: read with the exact place of
each mistake, and written back as they were written.

``"decode": [{"topic": "sensors/", "frame": 2, "as": "zstd+msgpack"}, ...]`` chooses the
decoder of a socket's frames (core.decode); a protobuf rule names its ``schema`` (a path
relative to the workspace file) and its message ``type``. ``"jupyter_key"`` or
``"jupyter_connection_file"`` give the key that signs a Jupyter kernel's messages; the key
is a secret, so no message here repeats it, and a connection file is read for its ``"key"``
at load. Decoder names are checked at load, plugins included (core.decode.plugins).
"""

from __future__ import annotations

import json
import os
from typing import Any

from zinspect.core.decode.frame_decoders import SCHEMA_DECODERS, chain_steps, decoder_problem
from zinspect.core.decode.model import DecodeRule
from zinspect.core.decode.plugins import load_plugins
from zinspect.core.decode.protocols.jupyter import hash_name
from zinspect.core.decode.recognisers import DEFAULT_JUPYTER_SCHEME
from zinspect.core.frames_json import SpecError, expect
from zinspect.core.keys.secret_values import kind_of

RULE_KEYS = ("topic", "frame", "as", "schema", "type")
MAX_RULES = 1000
MAX_FRAME_NUMBER = 1_000_000
MAX_CONNECTION_FILE_BYTES = 1 << 20  # a Jupyter connection file is a few hundred bytes
EXAMPLE_RULE = '{"frame": 2, "as": "msgpack"}'


def rules_from_json(value: Any, path: str, base: str) -> list[DecodeRule]:
    """The rules of a ``decode`` list at ``path``; schema paths are made absolute from
    ``base`` (the workspace file's directory) and kept as written too."""
    items = expect(value, list, path, f"a list of decode rules such as [{EXAMPLE_RULE}]")
    if len(items) > MAX_RULES:
        raise SpecError(path, f"at most {MAX_RULES} decode rules, got {len(items)}")
    load_plugins()  # plugin decoders are names too
    return [rule_from_json(item, f"{path}[{index}]", base) for index, item in enumerate(items)]


def rule_from_json(value: Any, path: str, base: str) -> DecodeRule:
    obj = expect(value, dict, path, f"a decode rule such as {EXAMPLE_RULE}")
    for key in obj:
        if key not in RULE_KEYS:
            raise SpecError(
                f"{path}.{key}", f"unknown key; a decode rule has {', '.join(RULE_KEYS)}"
            )
    if "as" not in obj:
        raise SpecError(f"{path}.as", 'missing: the decoder, e.g. "msgpack" or "zstd+json"')
    name = expect(obj["as"], str, f"{path}.as", 'a decoder name such as "msgpack"').strip()
    problem = decoder_problem(name)
    if problem is not None:
        raise SpecError(f"{path}.as", problem)
    steps = chain_steps(name)
    name = "+".join(steps)
    topic = None
    if obj.get("topic") is not None:
        topic = expect(
            obj["topic"], str, f"{path}.topic", "the text a message's first frame starts with"
        )
    frame = None
    if obj.get("frame") is not None:
        frame = expect(obj["frame"], int, f"{path}.frame", "a frame number from 1")
        if not 1 <= frame <= MAX_FRAME_NUMBER:
            raise SpecError(
                f"{path}.frame",
                f"expected a frame number from 1 to {MAX_FRAME_NUMBER:,}, got {frame}",
            )
    needs_schema = any(step in SCHEMA_DECODERS for step in steps)
    written = message_type = None
    for key in ("schema", "type"):
        if obj.get(key) is not None and not needs_schema:
            raise SpecError(
                f"{path}.{key}", f"only protobuf uses a {key}; this rule decodes as {name}"
            )
    if needs_schema:
        if obj.get("schema") is None:
            raise SpecError(
                f"{path}.schema",
                "missing: the .proto file or descriptor set (.desc) of the messages",
            )
        if obj.get("type") is None:
            raise SpecError(
                f"{path}.type", "missing: the full name of the message type, e.g. pkg.Sensor"
            )
        written = expect(obj["schema"], str, f"{path}.schema", "a file path").strip()
        if not written:
            raise SpecError(f"{path}.schema", "expected a file path, got an empty string")
        message_type = expect(obj["type"], str, f"{path}.type", "a message type name").strip()
        if not message_type:
            raise SpecError(f"{path}.type", "expected a message type name, got an empty string")
    return DecodeRule(
        name,
        topic,
        frame,
        resolve(written, base) if written else None,
        message_type,
        schema_as_written=written,
    )


def resolve(written: str, base: str) -> str:
    """A path as written in a workspace, absolute: relative ones start at ``base``."""
    return os.path.normpath(os.path.join(base, os.path.expanduser(written)))


def rule_to_json(rule: DecodeRule) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    if rule.topic is not None:
        obj["topic"] = rule.topic
    if rule.frame is not None:
        obj["frame"] = rule.frame
    obj["as"] = rule.decoder
    schema = rule.schema_as_written or rule.schema
    if schema is not None:
        obj["schema"] = schema
    if rule.message_type is not None:
        obj["type"] = rule.message_type
    return obj


def jupyter_from_json(
    entry: dict[str, Any], path: str, base: str
) -> tuple[bytes | None, str, str | None]:
    """(key, signature scheme, connection file as written) of a socket entry; SpecError in
    words that never repeat the key."""
    key_value = entry.get("jupyter_key")
    file_value = entry.get("jupyter_connection_file")
    if key_value is not None and file_value is not None:
        raise SpecError(
            f"{path}.jupyter_key",
            "give the key or the connection file it is in, not both",
        )
    if key_value is not None:
        where = f"{path}.jupyter_key"
        if not isinstance(key_value, str):
            raise SpecError(where, f"the Jupyter key must be text; this is {kind_of(key_value)}")
        if not key_value:
            raise SpecError(
                where, "the Jupyter key is empty (leave the key out when the kernel signs nothing)"
            )
        try:
            return key_value.encode("utf-8"), DEFAULT_JUPYTER_SCHEME, None
        except UnicodeEncodeError:
            raise SpecError(
                where, "the Jupyter key holds a character that is not Unicode text"
            ) from None
    if file_value is None:
        return None, DEFAULT_JUPYTER_SCHEME, None
    where = f"{path}.jupyter_connection_file"
    written = expect(file_value, str, where, "the path of a kernel's connection file").strip()
    if not written:
        raise SpecError(where, "expected a file path, got an empty string")
    key, scheme = connection_key(resolve(written, base), where)
    return key, scheme, written


def connection_key(file: str, where: str) -> tuple[bytes | None, str]:
    """The ``"key"`` of a Jupyter connection file (None when it is empty: nothing signed)
    and its ``"signature_scheme"``."""
    try:
        with open(file, "rb") as stream:
            data = stream.read(MAX_CONNECTION_FILE_BYTES + 1)
    except OSError as error:
        raise SpecError(where, f"cannot read {file}: {error.strerror or error}") from None
    if len(data) > MAX_CONNECTION_FILE_BYTES:
        raise SpecError(where, f"{file} is larger than a connection file is (over 1 MiB)")
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise SpecError(where, f"{file} is not a connection file: it is not JSON") from None
    if not isinstance(document, dict) or "key" not in document:
        raise SpecError(where, f'{file} is not a connection file: it has no "key"')
    key = document["key"]
    if not isinstance(key, str):
        raise SpecError(where, f'the "key" in {file} must be text; it is {kind_of(key)}')
    scheme = document.get("signature_scheme", DEFAULT_JUPYTER_SCHEME)
    if not isinstance(scheme, str) or hash_name(scheme) is None:
        raise SpecError(
            where,
            f'the "signature_scheme" in {file} is not hmac- and a hash name (hmac-sha256)',
        )
    try:
        return key.encode("utf-8") or None, scheme
    except UnicodeEncodeError:
        raise SpecError(where, f'the "key" in {file} is not Unicode text') from None
