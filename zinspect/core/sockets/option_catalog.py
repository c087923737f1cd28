"""The socket options zinspect offers in its options form: what each means, its unit and
default, which socket types it matters for, and when it takes effect; plus parsing of what
people type (``1.5 s``, ``64 KiB``, ``on``) into the value libzmq takes, with errors in words.

Every claim here was checked against libzmq 4.3's zmq_setsockopt manual and, where the
manual is vague, against libzmq 4.3.5 itself (tests/test_core_option_catalog.py keeps the
checks): the defaults are what ``getsockopt`` returns on a fresh socket, and an option is
"new connections only" when setting it on a socket that is already bound or connected
changes nothing for those endpoints, not even for peers that arrive later on an existing
bind (libzmq copies the options when the bind or connect is made). SNDHWM and RCVHWM, which
older manuals list as bind/connect-time options, apply at once since libzmq 4.2.

Limits that are tighter than libzmq's are deliberate: libzmq accepts TCP_KEEPALIVE_IDLE 0 or
40000, but the OS then refuses the value on every new TCP socket and the connection fails
silently, over and over.
"""

from __future__ import annotations

import re

from zinspect.core.codecs import FrameEncodingError, encode_frame, printable_text
from zinspect.core.sockets.option_table_base import INT64_MAX, MIB
from zinspect.core.sockets.option_table_base import INT_MAX as INT_MAX
from zinspect.core.sockets.option_table_base import OptionSpec as OptionSpec
from zinspect.core.sockets.option_table_connecting import CONNECTING_OPTIONS
from zinspect.core.sockets.option_table_queues import QUEUE_OPTIONS
from zinspect.core.sockets.option_table_routing import ROUTING_OPTIONS
from zinspect.core.sockets.option_table_tcp import TCP_OPTIONS
from zinspect.core.sockets.socket_base import default_maxmsgsize
from zinspect.core.sockets.socket_options import OptionError


class OptionValueError(OptionError):
    """Typed text that is not a valid value for an option; the message is for the user."""


GROUPS: tuple[str, ...] = (
    "Queues",
    "Timeouts",
    "Connecting",
    "Heartbeats",
    "Routing",
    "Publish/subscribe",
    "TCP",
)
# one table per group or two (option_table_*.py), each in a sensible reading order
_SPECS: tuple[OptionSpec, ...] = (
    *QUEUE_OPTIONS,
    *CONNECTING_OPTIONS,
    *ROUTING_OPTIONS,
    *TCP_OPTIONS,
)
CATALOG: dict[str, OptionSpec] = {spec.name: spec for spec in _SPECS}


# -- which options, which defaults ----------------------------------------------------------
def option_spec(name: str) -> OptionSpec:
    """The catalog entry for ``name`` (canonical libzmq name without ZMQ_); KeyError else."""
    try:
        return CATALOG[name.strip().upper().removeprefix("ZMQ_")]
    except KeyError:
        raise KeyError(f"{name} is not one of the options the form offers") from None


def applies_to(spec: OptionSpec, type_name: str) -> bool:
    return spec.types is None or type_name.upper() in spec.types


def options_for(type_name: str) -> list[OptionSpec]:
    """The options that matter for a socket of ``type_name``, grouped in GROUPS order."""
    rank = {group: index for index, group in enumerate(GROUPS)}
    specs = [spec for spec in _SPECS if applies_to(spec, type_name)]
    return sorted(specs, key=lambda spec: rank[spec.group])  # stable: catalog order within


def libzmq_default(spec: OptionSpec, type_name: str) -> int | bytes | None:
    """What libzmq 4.3 gives a fresh socket of ``type_name`` (None: no routing id)."""
    return dict(spec.type_defaults).get(type_name.upper(), spec.default)


def zinspect_default(spec: OptionSpec, type_name: str) -> tuple[int, str] | None:
    """(value, why) where zinspect sets an option on every socket it makes, else None."""
    if spec.name == "LINGER":
        return 0, "so closing a socket never waits for messages nobody takes"
    if spec.name == "ROUTER_MANDATORY" and type_name.upper() == "ROUTER":
        return 1, "so a send to a peer that is gone fails in words instead of vanishing"
    if spec.name == "MAXMSGSIZE":
        return default_maxmsgsize(), "so a peer cannot make it allocate gigabytes"
    return None


def effective_default(spec: OptionSpec, type_name: str) -> int | bytes | None:
    """The value a socket zinspect makes has when the user has not set the option."""
    own = zinspect_default(spec, type_name)
    return own[0] if own is not None else libzmq_default(spec, type_name)


def default_text(spec: OptionSpec, type_name: str) -> str:
    """The default in words: ``1000 messages``, or ``zinspect's default: 256 MiB, so ...
    (libzmq's: -1 (no limit))`` where zinspect sets its own."""
    libzmq = libzmq_default(spec, type_name)
    own = zinspect_default(spec, type_name)
    if own is None:
        return describe_value(spec, libzmq)
    return (
        f"zinspect's default: {describe_value(spec, own[0])}, {own[1]} "
        f"(libzmq's: {describe_value(spec, libzmq)})"
    )


# -- values in words -------------------------------------------------------------------------
_SIZE_UNITS = (("GiB", 1024**3), ("MiB", MIB), ("KiB", 1024))


def _noun(spec: OptionSpec) -> str:
    return {"ms": "milliseconds", "s": "seconds", "": ""}.get(spec.unit, spec.unit)


def describe_value(spec: OptionSpec, value: int | bytes | None) -> str:
    """A value for people: ``1000 messages``, ``-1 (wait forever)``, ``256 MiB``, ``on``."""
    if value is None:
        return "none (libzmq picks a random one)" if spec.kind == "id" else "not set"
    if isinstance(value, bytes):
        return format_value(spec, value)
    special = spec.special_values.get(value)
    if spec.kind in ("bool", "choice"):
        return special if special is not None else str(value)
    text = format_value(spec, value) if spec.kind == "size" else str(value)
    if spec.kind != "size" and spec.unit and (special is None or value >= spec.minimum):
        text = f"{text} {spec.unit}"
    return f"{text} ({special})" if special is not None else text


def format_value(spec: OptionSpec, value: int | bytes) -> str:
    """The text an editor shows for ``value``; parse_value reads it back unchanged."""
    if isinstance(value, bytes):
        text = printable_text(value)
        if text is None or not text or text.lower().startswith("0x"):
            return "0x" + value.hex()
        return text
    if spec.kind in ("bool", "choice"):
        return spec.special_values.get(value, str(value))
    if spec.kind == "size" and value not in spec.special_values:
        for unit, factor in _SIZE_UNITS:
            if value and value % factor == 0:
                return f"{value // factor} {unit}"
        return f"{value} B"
    return str(value)


def range_text(spec: OptionSpec) -> str:
    """What the option takes, as the end of "expected ...": ``a whole number of
    milliseconds, 0 or more, or -1 (wait forever)``."""
    if spec.kind == "bool":
        return "on or off (1 or 0)"
    if spec.kind == "choice":
        parts = [f"{value} ({meaning})" for value, meaning in spec.special]
        return ", ".join(parts[:-1]) + f" or {parts[-1]}"
    if spec.kind == "id":
        return "1 to 255 bytes: text, or 0x and hex digits (not starting with a zero byte)"
    if spec.kind == "size":
        what = "a size in bytes (such as 65536, 64 KiB or 1 MiB)"
    else:
        noun = _noun(spec)
        what = f"a whole number of {noun}" if noun else "a whole number"
    if spec.maximum in (INT_MAX, INT64_MAX):
        text = f"{what}, {spec.minimum} or more"
    else:
        text = f"{what} from {spec.minimum} to {spec.maximum}"
    outside = [
        (v, m)
        for v, m in spec.special
        if not spec.minimum <= v <= spec.maximum
        and not (spec.default_unsettable and v == spec.default)
    ]
    inside = [(v, m) for v, m in spec.special if spec.minimum <= v <= spec.maximum]
    if outside:
        text += ", or " + " or ".join(f"{v} ({m})" for v, m in outside)
    if inside:
        text += "; " + "; ".join(f"{v} means {m}" for v, m in inside)
    return text


def _error(spec: OptionSpec, problem: str) -> OptionValueError:
    return OptionValueError(f"{problem}: expected {range_text(spec)}")


def check_value(spec: OptionSpec, value: int | bytes) -> int | bytes:
    """``value`` if the form may set it (libzmq's rules, tightened where libzmq would accept
    a value that breaks connections), else OptionValueError in words."""
    if spec.kind == "id":
        if not isinstance(value, bytes):
            raise _error(spec, f"{value!r} is not bytes")
        if not 1 <= len(value) <= 255:
            raise _error(spec, f"{len(value)} bytes is {'too long' if value else 'empty'}")
        if value[0] == 0:
            raise OptionValueError(
                "a routing id must not start with a zero byte: libzmq keeps those for itself"
            )
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(spec, f"{value!r} is not a whole number")
    if spec.default_unsettable and value == spec.default:
        raise OptionValueError(
            f"{value} ({spec.special_values.get(value, 'the default')}) "
            "is the default: use Reset to get it back"
        )
    if spec.minimum <= value <= spec.maximum or value in spec.special_values:
        return value
    raise _error(spec, f"{value} is out of range")


_NUMBER = r"([+-]?\d+(?:\.\d+)?)"
_MS_FACTORS = {
    "": 1,
    "ms": 1,
    "s": 1000,
    "sec": 1000,
    "secs": 1000,
    "second": 1000,
    "seconds": 1000,
    "min": 60_000,
    "mins": 60_000,
    "minute": 60_000,
    "minutes": 60_000,
}
_SIZE_FACTORS = {
    "": 1,
    "b": 1,
    "byte": 1,
    "bytes": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": MIB,
    "gib": 1024**3,
}
_WORDS_ON = {"1", "on", "true", "yes"}
_WORDS_OFF = {"0", "off", "false", "no"}


def _int(spec: OptionSpec, digits: str, shown: str) -> int:
    """int(``digits``) (checked digits), or OptionValueError for more digits than Python
    converts (4300), which is far out of any option's range anyway."""
    try:
        return int(digits)
    except ValueError:
        raise _error(spec, f"{shown} is out of range") from None


def _whole(spec: OptionSpec, number: str, factor: int, shown: str) -> int:
    """``number`` times ``factor`` if that is a whole number (no float rounding)."""
    whole, _, fraction = number.lstrip("+-").partition(".")
    scale: int = 10 ** len(fraction)  # (int ** int is Any to mypy: it may be a float)
    total = (_int(spec, whole, shown) * scale + _int(spec, fraction or "0", shown)) * factor
    if total % scale:
        unit = "milliseconds" if spec.kind == "ms" else "bytes"
        raise _error(spec, f"{shown} is not a whole number of {unit}")
    return -(total // scale) if number.startswith("-") else total // scale


def parse_value(spec: OptionSpec, text: str) -> int | bytes:
    """The value typed as ``text`` (``1500``, ``1.5 s``, ``64 KiB``, ``on``, ``worker-1``),
    checked with check_value; OptionValueError says what is wrong and what is expected."""
    raw = text.strip()
    if spec.kind == "id":
        if raw.lower().startswith("0x"):
            try:
                value = encode_frame(raw, "hex")
            except FrameEncodingError as error:
                raise _error(spec, str(error)) from None
        else:
            try:
                value = text.encode("utf-8")
            except UnicodeEncodeError:
                raise _error(spec, "the text holds half of a surrogate pair") from None
        return check_value(spec, value)
    if not raw:
        raise _error(spec, "nothing typed")
    lowered = raw.lower()
    if spec.kind in ("bool", "choice"):
        for special, meaning in spec.special:
            if lowered == meaning.lower():
                return check_value(spec, special)
        if spec.kind == "bool" and (lowered in _WORDS_ON or lowered in _WORDS_OFF):
            return check_value(spec, 1 if lowered in _WORDS_ON else 0)
        if re.fullmatch(r"[+-]?\d+", raw):
            return check_value(spec, _int(spec, raw, f'"{raw}"'))
        raise _error(spec, f'"{raw}" is not one of these')
    if spec.kind in ("ms", "size"):
        factors = _MS_FACTORS if spec.kind == "ms" else _SIZE_FACTORS
        match = re.fullmatch(_NUMBER + r"\s*([a-z]*)", lowered.replace("_", ""))
        if match is None:
            raise _error(spec, f'"{raw}" is not a number')
        number, unit = match.groups()
        if unit in ("k", "m", "g"):
            raise _error(
                spec,
                f'"{unit.upper()}" is unclear: write {unit.upper()}iB (powers '
                f"of 1024) or {unit.upper()}B (powers of 1000)",
            )
        if unit not in factors:
            raise _error(spec, f'"{unit}" is not a unit zinspect knows here')
        return check_value(spec, _whole(spec, number, factors[unit], raw))
    # counts: digits, optionally grouped with _ or spaces, optionally followed by the unit
    unit_words = {spec.unit, spec.unit.rstrip("s"), _noun(spec), _noun(spec).rstrip("s")}
    # (each run of blanks in the digits must be followed by a digit: a lazy [\d_ ]*? before
    # \s* backtracked quadratically on a long run of blanks)
    match = re.fullmatch(r"([+-]?\d[\d_]*(?: +[\d_]+)*)\s*([a-z]*)", lowered)
    if match is None or "." in raw:
        raise _error(spec, f'"{raw}" is not a whole number')
    digits, unit = match.groups()
    if unit and unit not in unit_words:
        raise _error(spec, f'"{unit}" is not the unit of {spec.name}')
    return check_value(spec, _int(spec, digits.replace("_", "").replace(" ", ""), f'"{raw}"'))


# -- explanations ----------------------------------------------------------------------------
def timing_text(spec: OptionSpec) -> str:
    if spec.new_connections_only:
        return (
            "Applies to binds and connects made after it is set: on a socket that "
            "already has endpoints, zinspect re-creates the socket so it applies "
            "(it closes, then binds and connects again; queued messages are dropped)."
        )
    return "Applies at once, also to existing connections."


def explain(spec: OptionSpec, type_name: str) -> str:
    """The full story of one option for a socket type: meaning, default, note, timing."""
    lines = [f"{spec.name}: {spec.meaning}", f"Default: {default_text(spec, type_name)}."]
    if spec.note:
        lines.append(spec.note)
    lines.append(f"Takes {range_text(spec)}.")
    lines.append(timing_text(spec))
    return "\n".join(lines)


def read_live(spec: OptionSpec, sock: object) -> int | bytes | None:
    """The socket's current value, if libzmq reports it (ROUTER_MANDATORY and the other
    type-specific switches are write-only); None when it cannot be read."""
    import zmq

    try:
        value = sock.getsockopt(getattr(zmq.SocketOption, spec.name))  # type: ignore[attr-defined]
    except (zmq.ZMQError, AttributeError):
        return None
    if isinstance(value, bytes):
        return value or None
    return int(value)
