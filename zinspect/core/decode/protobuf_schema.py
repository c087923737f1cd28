"""Protocol Buffers with a schema: a ``.proto`` file compiled by protoc, or a descriptor set.

A ``.proto`` is compiled once per path and modification time by ``grpc_tools.protoc`` (protoc
as a wheel, so nothing else needs installing), in this process (a millisecond or two); the
first of its error messages becomes a one-line reason. A descriptor set (written by
``protoc --descriptor_set_out``, ``.desc`` or ``.pb``) is read as it is. Messages are
decoded by the protobuf library and shown by json_format with their field names as written
in the schema. Failures are cached too, so a broken schema is not recompiled for every row
the table shows.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
from google.protobuf.message import Message

from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import check_size, plain

log = logging.getLogger(__name__)

MAX_SCHEMA_BYTES = 16 << 20
MAX_CACHED = 32  # schemas kept compiled
PROTO_SUFFIX = ".proto"


@dataclass(frozen=True)
class _Loaded:
    pool: descriptor_pool.DescriptorPool | None
    problem: str | None


_CACHE: OrderedDict[tuple[str, int, int], _Loaded] = OrderedDict()


def load_schema(path: str) -> descriptor_pool.DescriptorPool:
    """The message types of the schema at ``path`` (absolute), compiled once per
    modification; DecodeError with a one-line reason when it cannot be used."""
    try:
        info = os.stat(path)
    except OSError as error:
        raise DecodeError(f"cannot read the schema {path}: {error.strerror or error}") from None
    key = (path, info.st_mtime_ns, info.st_size)
    loaded = _CACHE.get(key)
    if loaded is None:
        try:
            loaded = _Loaded(_load(path, info.st_size), None)
        except DecodeError as error:
            loaded = _Loaded(None, str(error))
        _CACHE[key] = loaded
        while len(_CACHE) > MAX_CACHED:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    if loaded.pool is None:
        raise DecodeError(loaded.problem or "the schema cannot be used")
    return loaded.pool


def _load(path: str, size: int) -> descriptor_pool.DescriptorPool:
    if size > MAX_SCHEMA_BYTES:
        raise DecodeError(f"the schema {path} is larger than {MAX_SCHEMA_BYTES >> 20} MiB")
    if path.endswith(PROTO_SUFFIX):
        data = _compile(path)
    else:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise DecodeError(f"cannot read the schema {path}: {error.strerror or error}") from None
    files = descriptor_pb2.FileDescriptorSet()
    try:
        files.ParseFromString(data)
    except Exception:  # the library's DecodeError and others on junk
        raise DecodeError(
            f"{path} is no descriptor set (write one with protoc --descriptor_set_out "
            "--include_imports, or give the .proto)"
        ) from None
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        try:
            pool.Add(file)
        except Exception as error:  # TypeError, KeyError... on a bad set
            raise DecodeError(f"{path}: {file.name} cannot be loaded ({error})") from None
    return pool


def _compile(path: str) -> bytes:
    """The descriptor set of ``path`` and its imports, by protoc in this process (about a
    millisecond, where a child process would cost the window a third of a second)."""
    import grpc_tools  # its bundled well-known types (google/protobuf/*.proto) live here
    from grpc_tools import protoc

    includes = Path(grpc_tools.__file__).parent / "_proto"
    with tempfile.TemporaryDirectory(prefix="zinspect-proto-") as temp:
        out = os.path.join(temp, "schema.desc")
        command = [
            "protoc",
            f"--proto_path={os.path.dirname(path)}",
            f"--proto_path={includes}",
            f"--descriptor_set_out={out}",
            "--include_imports",
            path,
        ]
        with tempfile.TemporaryFile(dir=temp) as errors:
            status = _with_stderr_to(errors, lambda: protoc.main(command))
            errors.seek(0)
            lines = errors.read(64 * 1024).decode("utf-8", "replace").strip().splitlines()
        if status != 0 or not os.path.exists(out):
            reason = lines[0] if lines else f"protoc refused it (status {status})"
            raise DecodeError(f"the schema does not compile: {reason}")
        log.info("compiled the protobuf schema %s", path)
        return Path(out).read_bytes()


def _with_stderr_to(stream: BinaryIO, call: Callable[[], int]) -> int:
    """``call()`` with file descriptor 2 pointing at ``stream``: protoc (C++) writes its errors
    there, not to sys.stderr. zinspect runs one thread, so nothing else writes meanwhile.
    Where there is no descriptor 2 (a windowed app on Windows), protoc's words are lost."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, AttributeError, ValueError):
        return call()
    try:
        os.dup2(stream.fileno(), 2)
        return call()
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def message_class(rule: DecodeRule) -> type[Message]:
    if not rule.schema:
        raise DecodeError('protobuf needs a "schema": a .proto file or a descriptor set')
    if not rule.message_type:
        raise DecodeError('protobuf needs a "type": the full name of the message, pkg.Message')
    pool = load_schema(rule.schema)
    try:
        descriptor = pool.FindMessageTypeByName(rule.message_type)
    except KeyError:
        raise DecodeError(f"the schema has no message type {rule.message_type!r}") from None
    cls: type[Message] = message_factory.GetMessageClass(descriptor)
    return cls


def decode_protobuf(data: bytes, rule: DecodeRule) -> object:
    check_size(data, "protobuf")
    message = message_class(rule)()
    try:
        message.ParseFromString(data)
        value = json_format.MessageToDict(message, preserving_proto_field_name=True)
    except Exception:  # protobuf's DecodeError, RuntimeError, ... on junk
        raise DecodeError(f"not a {rule.message_type} message") from None
    return plain(value)
