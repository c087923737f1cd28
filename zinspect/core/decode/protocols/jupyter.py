"""Jupyter messaging: the wire protocol of kernels and their clients, with its HMAC checked.

A Jupyter message on the wire (jupyter_client's messaging documentation, "The Wire Protocol")
is routing ids (on IOPub one topic), the ``<IDS|MSG>`` delimiter, the HMAC signature as hex,
four JSON dicts (header, parent header, metadata, content) and raw buffers. The signature is
the HMAC of the four dicts under the connection file's key, with its ``signature_scheme``
(hmac-sha256 by default); it is checked with the key the user gave for the socket, which
never appears in a field, a summary, an error or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from zinspect.core.codecs import FrameHead, frame_size, parse_json
from zinspect.core.decode.model import DecodedFrame, DecodeError, Recognition
from zinspect.core.decode.protocols.common import (
    guessed,
    id_field,
    id_text,
    one_line,
    text_frame,
)

if TYPE_CHECKING:
    from zinspect.core.decode.recognisers import DecodeContext

DELIMITER = b"<IDS|MSG>"
MAX_IDS = 16  # routing ids looked through for the delimiter (match runs per visible row)
DICT_NAMES = ("header", "parent header", "metadata", "content")
JSON_LIMIT = 1 << 20  # a dict bigger than this is left as bytes (the table must stay quick)
SIGN_CHECK_LIMIT = 16 << 20  # bytes hashed to check a signature; past it: unchecked
DEFAULT_JUPYTER_SCHEME = "hmac-sha256"  # a connection file's default signature_scheme
CONNECTION_FILE_LIMIT = 1 << 20  # a connection file is a few hundred bytes
# hash functions a scheme may name (hmac-NAME): fixed-length ones hashlib always has
HASHES = frozenset(hashlib.algorithms_guaranteed) - {"shake_128", "shake_256"}
SIGNATURE_SHOWN = 256  # a hex digest is at most 128 characters (sha512)
TOPIC_SOCKETS = frozenset({"SUB", "XSUB"})  # IOPub's one prefix frame is a topic
GIST_KEYS = ("execution_state", "code", "text", "ename", "comm_id", "name")


def delimiter_index(frames: Sequence[bytes]) -> int | None:
    for index, frame in enumerate(frames[: MAX_IDS + 1]):
        if frame == DELIMITER:
            return index
    return None


def hash_name(scheme: str) -> str | None:
    """The hashlib name in a signature scheme such as "hmac-sha256", or None if unknown."""
    prefix, _, name = scheme.partition("-")
    return name if prefix == "hmac" and name in HASHES else None


def parse_connection_file(data: bytes) -> tuple[bytes, str]:
    """(key, signature scheme) from a kernel's connection file; DecodeError in words when it
    is not one. The message never quotes the file: it holds the key."""
    if len(data) > CONNECTION_FILE_LIMIT:
        raise DecodeError("this is too big to be a Jupyter connection file")
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError):
        raise DecodeError("a Jupyter connection file is JSON; this is not") from None
    if not isinstance(document, dict):
        raise DecodeError("a Jupyter connection file is a JSON object; this is not")
    key = document.get("key", "")
    scheme = document.get("signature_scheme", DEFAULT_JUPYTER_SCHEME)
    if not isinstance(key, str):
        raise DecodeError("the connection file's key is not text")
    if not isinstance(scheme, str) or hash_name(scheme) is None:
        raise DecodeError(
            "the connection file's signature_scheme is not hmac- and a hash name (hmac-sha256)"
        )
    try:
        return key.encode("utf-8"), scheme
    except UnicodeEncodeError:
        raise DecodeError("the connection file's key is not valid text") from None


def signature_state(
    key: bytes | None,
    signature: bytes,
    dicts: Sequence[bytes],
    scheme: str = DEFAULT_JUPYTER_SCHEME,
) -> tuple[str, str]:
    """("valid" | "invalid" | "unchecked", why) for ``signature`` over the four dicts."""
    if not key:
        return "unchecked", "no key set for this socket" if signature else "unsigned"
    name = hash_name(scheme)
    if name is None:
        return "unchecked", "unknown signature scheme"
    if sum(map(frame_size, dicts)) > SIGN_CHECK_LIMIT:
        return "unchecked", "too big to check here"
    if any(type(part) is FrameHead for part in dicts):  # a table cell's head of a big dict
        return "unchecked", "too big to check in the table (the Message pane checks it)"
    digest = hmac.new(key, digestmod=name)
    for part in dicts:
        digest.update(part)
    expected = digest.hexdigest().encode("ascii")
    if hmac.compare_digest(expected, bytes(signature)):
        return "valid", ""
    return "invalid", "unsigned" if not signature else "does not match the key"


def _dict_frame(data: bytes, role: str) -> DecodedFrame:
    if frame_size(data) > JSON_LIMIT:
        return DecodedFrame(
            "json", data, error=f"{frame_size(data)} bytes: too big to decode here", role=role
        )
    try:
        value = parse_json(data)
    except ValueError as error:
        return DecodedFrame("json", data, error=f"not JSON ({error})", role=role)
    return DecodedFrame("json", value, role=role)


def _text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


class JupyterRecogniser:
    name = "jupyter"
    markers = (b"<IDS|MSG>",)  # in every message match() takes

    def match(self, frames: Sequence[bytes], socket_type: str) -> bool:
        index = delimiter_index(frames)
        return index is not None and len(frames) >= index + 6

    def decode(
        self, frames: Sequence[bytes], socket: str, socket_type: str, context: DecodeContext
    ) -> tuple[Recognition, tuple[DecodedFrame, ...]]:
        index = delimiter_index(frames)
        if index is None or len(frames) < index + 6:
            raise DecodeError("no <IDS|MSG> delimiter followed by a signature and four dicts")
        signature = frames[index + 1]
        dicts = frames[index + 2 : index + 6]
        decoded_dicts = [_dict_frame(data, role) for data, role in zip(dicts, DICT_NAMES)]
        header = decoded_dicts[0].value
        if decoded_dicts[0].error is not None or not isinstance(header, dict):
            raise DecodeError("the frame after the signature is not a JSON header")
        msg_type = header.get("msg_type")
        if not isinstance(msg_type, str) or not msg_type:
            raise DecodeError("the header has no msg_type")
        signature_text = signature[:SIGNATURE_SHOWN].decode("ascii", "replace")
        state, why = signature_state(
            context.jupyter_key(socket), signature, dicts, context.jupyter_scheme(socket)
        )

        id_role = "topic" if socket_type.upper() in TOPIC_SOCKETS else "routing id"
        decoded = [guessed(frame, id_role) for frame in frames[:index]]
        decoded.append(text_frame(DELIMITER.decode(), "delimiter"))
        decoded.append(
            text_frame(signature_text, "signature")
            if len(signature) <= SIGNATURE_SHOWN and signature.isascii()
            else DecodedFrame("raw", signature, role="signature")
        )
        decoded.extend(decoded_dicts)
        decoded.extend(DecodedFrame("raw", frame, role="buffer") for frame in frames[index + 6 :])

        parent = decoded_dicts[1].value if isinstance(decoded_dicts[1].value, dict) else {}
        content = decoded_dicts[3].value if isinstance(decoded_dicts[3].value, dict) else {}
        msg_id = _text_of(header.get("msg_id"))
        fields: dict[str, object] = {
            "msg_type": msg_type,
            "msg_id": msg_id,
            "signature": state,
            "session": _text_of(header.get("session")),
            "username": _text_of(header.get("username")),
            "date": _text_of(header.get("date")),
            "version": _text_of(header.get("version")),
            "parent_msg_id": _text_of(parent.get("msg_id")),
            "parent_msg_type": _text_of(parent.get("msg_type")),
            "buffers": len(frames) - index - 6,
        }
        if why:
            fields["signature_note"] = why
        if index:
            fields[id_role.replace(" ", "_")] = id_field(frames[0])
        return Recognition(
            "jupyter", _summary(msg_type, msg_id, state, why, content), fields
        ), tuple(decoded)


def _summary(
    msg_type: str, msg_id: str, state: str, why: str, content: dict[object, object]
) -> str:
    mark = {"valid": "✓", "invalid": "✗ bad signature"}.get(state, "")
    if state == "unchecked" and why != "unsigned":
        mark = "(signature unchecked)"
    parts = [one_line(msg_type, 40), f"msg_id={one_line(msg_id, 13)}"] + ([mark] if mark else [])
    for key in GIST_KEYS:
        value = content.get(key)
        if isinstance(value, str) and value:
            parts.append(id_text(value.encode("utf-8", "replace")))
            break
    return " ".join(parts)
