"""Decoding a whole message: recognisers first, then each frame by the socket's rules.

``MessageDecoder`` holds what the user set per socket (decode rules, a Jupyter key) and is the
one entry point for the GUI and ``zinspect decode``. It keeps no per-message state: callers
cache what they show (the table decodes only its visible rows).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from zinspect.core.decode.frame_decoders import decode_frame
from zinspect.core.decode.model import DecodedFrame, DecodedMessage, DecodeError, DecodeRule
from zinspect.core.decode.recognisers import DEFAULT_JUPYTER_SCHEME, RECOGNISERS

log = logging.getLogger(__name__)

SUMMARY_VALUE_LIMIT = 60


class MessageDecoder:
    def __init__(self) -> None:
        self._rules: dict[str, tuple[DecodeRule, ...]] = {}
        self._jupyter_keys: dict[str, bytes] = {}
        self._jupyter_schemes: dict[str, str] = {}
        self._jupyter_files: dict[str, str] = {}
        self._generation = 0

    @property
    def generation(self) -> int:
        """Bumped by every change of rules or keys: views that cache decoded text compare it
        (the table polls it each refresh, so a workspace load re-decodes too)."""
        return self._generation

    def sockets_with_rules(self) -> frozenset[str]:
        return frozenset(self._rules)

    def rules(self, socket: str) -> tuple[DecodeRule, ...]:
        return self._rules.get(socket, ())

    def set_rules(self, socket: str, rules: Sequence[DecodeRule]) -> None:
        if rules:
            self._rules[socket] = tuple(rules)
        else:
            self._rules.pop(socket, None)
        self._generation += 1

    def jupyter_key(self, socket: str) -> bytes | None:
        return self._jupyter_keys.get(socket)

    def jupyter_scheme(self, socket: str) -> str:
        return self._jupyter_schemes.get(socket, DEFAULT_JUPYTER_SCHEME)

    def set_jupyter_key(
        self,
        socket: str,
        key: bytes | None,
        scheme: str = DEFAULT_JUPYTER_SCHEME,
        connection_file: str | None = None,
    ) -> None:
        """The key (and the connection file's ``signature_scheme``) that Jupyter messages on
        ``socket`` are signed with; None or b"" forgets it. ``connection_file`` is where the
        key came from, as the workspace wrote it: saving the workspace writes that path again
        instead of the secret itself."""
        if key:
            self._jupyter_keys[socket] = key
            self._jupyter_schemes[socket] = scheme
        else:
            self._jupyter_keys.pop(socket, None)
            self._jupyter_schemes.pop(socket, None)
        self._generation += 1
        if connection_file:
            self._jupyter_files[socket] = connection_file
        else:
            self._jupyter_files.pop(socket, None)

    def jupyter_connection_file(self, socket: str) -> str | None:
        return self._jupyter_files.get(socket)

    def forget(self, socket: str) -> None:
        """A socket was closed or renamed away: its rules and key go with it."""
        self._rules.pop(socket, None)
        self._jupyter_keys.pop(socket, None)
        self._jupyter_schemes.pop(socket, None)
        self._jupyter_files.pop(socket, None)
        self._generation += 1

    def decode(
        self,
        frames: Sequence[bytes],
        socket: str = "",
        socket_type: str = "",
        max_frames: int | None = None,
        summary: bool = True,
    ) -> DecodedMessage:
        """``max_frames``: decode only that many frames when no recogniser claims the
        message (a table row of a 100,000-frame message shows a few); the summary still
        counts them all. ``summary=False`` leaves an unrecognised message's summary empty:
        a reader of its values alone (the Gaps tab, over every marked message) spent most
        of its time writing that text."""
        rules = self._rules.get(socket, ())
        for recogniser in RECOGNISERS:
            if not recogniser.match(frames, socket_type):
                continue
            try:
                recognition, decoded = recogniser.decode(frames, socket, socket_type, self)
            except DecodeError as error:
                log.debug("%s looked like %s but is not: %s", socket, recogniser.name, error)
                continue
            decoded = tuple(
                self._by_rule(frames, number, frame, rules)
                for number, frame in enumerate(decoded, 1)
            )
            return DecodedMessage(decoded, recognition, recognition.summary)
        first = frames[0] if frames else b""
        shown = frames if max_frames is None else frames[:max_frames]
        decoded = tuple(
            decode_frame(data, _rule_for(rules, first, number))
            for number, data in enumerate(shown, 1)
        )
        text = frames_summary(decoded, total=len(frames)) if summary else ""
        return DecodedMessage(decoded, None, text)

    @staticmethod
    def _by_rule(
        frames: Sequence[bytes], number: int, frame: DecodedFrame, rules: tuple[DecodeRule, ...]
    ) -> DecodedFrame:
        """A user's rule for a frame beats the recogniser's reading of it (its role stays)."""
        rule = _rule_for(rules, frames[0], number)
        if rule is None:
            return frame
        chosen = decode_frame(frames[number - 1], rule)
        return DecodedFrame(chosen.decoder, chosen.value, False, chosen.error, frame.role)


def _rule_for(rules: tuple[DecodeRule, ...], first: bytes, number: int) -> DecodeRule | None:
    for rule in rules:
        if rule.matches(first, number):
            return rule
    return None


def value_text(value: object, limit: int = SUMMARY_VALUE_LIMIT) -> str:
    """A decoded value on one line, cut at ``limit`` characters: what the table shows."""
    if isinstance(value, bytes):
        # whole bytes, as many as the raw summary always showed (20 in a 40+ character cell)
        shown = max(4, min(limit, 40) // 2)
        if not value:
            return "[empty]"
        return "0x " + value[:shown].hex(" ") + ("…" if len(value) > shown else "")
    if isinstance(value, str):
        text = value.replace("\n", "⏎").replace("\r", "").replace("\t", " ") or "[empty]"
    else:
        text = _compact(value, limit)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compact(value: object, limit: int) -> str:
    """JSON-like text of a value, built only as far as ``limit`` needs (a huge decoded map
    must not cost its whole rendering for one table cell)."""
    parts: list[str] = []
    _walk(value, parts, [limit])
    return "".join(parts)


# Plain functions, not closures: a nested function that calls itself is a reference cycle,
# and one per table cell made the garbage collector run far more often (inside Qt's event
# processing too).
def _put(text: str, parts: list[str], left: list[int]) -> bool:
    """Add ``text``; False once ``left`` (the characters still wanted) has run out."""
    parts.append(text)
    left[0] -= len(text)
    return left[0] >= 0


def _walk(item: object, parts: list[str], left: list[int]) -> bool:
    """Add ``item``'s text to ``parts`` until ``left`` runs out (False then: stop)."""
    if isinstance(item, dict):
        if not _put("{", parts, left):
            return False
        for index, (key, inner) in enumerate(item.items()):
            if (
                (index and not _put(", ", parts, left))
                or not _put(f"{_scalar(key)}: ", parts, left)
                or not _walk(inner, parts, left)
            ):
                return False
        return _put("}", parts, left)
    if isinstance(item, (list, tuple)):
        if not _put("[", parts, left):
            return False
        for index, inner in enumerate(item):
            if (index and not _put(", ", parts, left)) or not _walk(inner, parts, left):
                return False
        return _put("]", parts, left)
    return _put(_scalar(item), parts, left)


def _scalar(item: object) -> str:
    if isinstance(item, str):
        return '"' + item.replace("\n", "⏎") + '"'
    if isinstance(item, bytes):
        return "0x" + item[:16].hex()
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true" if item else "false"
    return str(item)


def frames_summary(
    frames: Sequence[DecodedFrame],
    limit: int = 120,
    total: int | None = None,
    value_limit: int = SUMMARY_VALUE_LIMIT,
    fill_last: bool = False,
) -> str:
    """Decoded frames joined by ' | ', cut like the raw summary. ``total``: the message has
    that many frames, of which ``frames`` are the first; ``value_limit``: characters of one
    frame's value at most, but the last one's when ``fill_last`` (it may take all the room
    left: a topic and its payload, in the table's wide cells)."""
    total = len(frames) if total is None else total
    parts: list[str] = []
    used = 0
    for index, frame in enumerate(frames):
        if used >= limit:
            parts.append(f"… +{total - index} frames")
            break
        room = limit - used
        last = fill_last and index == len(frames) - 1
        part = value_text(frame.value, max(8, room if last else min(value_limit, room)))
        parts.append(part)
        used += len(part) + 3
    else:
        if total > len(frames):
            parts.append(f"… +{total - len(frames)} frames")
    return " | ".join(parts)
