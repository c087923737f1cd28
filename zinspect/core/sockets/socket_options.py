"""libzmq socket options by name: which exist, which may be set, and what type each takes.

Workspace files and ``SocketHandle.set_option`` name options as libzmq does (``RCVHWM``,
``ROUTING_ID``), so the names people find in the libzmq manual work unchanged. pyzmq's
``zmq.SocketOption`` enum is the list of names and knows each option's C type; this module
adds what it does not say: which options are read-only, which have a better place in
zinspect (subscriptions), and the words for a bad name or value.
"""

from __future__ import annotations

import difflib

import zmq

INT32_RANGE = (-(2**31), 2**31 - 1)
INT64_RANGE = (-(2**63), 2**63 - 1)

# Options libzmq only reports: setting them always fails with "Invalid argument".
READ_ONLY = frozenset(
    {"TYPE", "RCVMORE", "FD", "EVENTS", "LAST_ENDPOINT", "MECHANISM", "THREAD_SAFE", "TOPICS_COUNT"}
)
# Options with a better place in zinspect, and where that is.
ELSEWHERE = {
    "SUBSCRIBE": 'subscriptions go in the socket\'s "subscribe" list',
    "UNSUBSCRIBE": 'subscriptions go in the socket\'s "subscribe" list',
    "HWM": "libzmq 3 and later have no HWM: set SNDHWM and RCVHWM",
}


class OptionError(ValueError):
    """A socket option name or value that cannot be used; the message is for the user."""


def _names() -> list[str]:
    return [option.name for option in zmq.SocketOption]


def lookup_option(name: str) -> zmq.SocketOption:
    """The option called ``name`` (``RCVHWM``; ``ZMQ_RCVHWM``, lower case and old aliases
    such as ``IDENTITY`` work too, and ``.name`` is the canonical spelling), if it can be
    set; OptionError says why not, with a suggestion for a misspelt name."""
    key = name.strip().upper()
    if key.startswith("ZMQ_"):
        key = key[4:]
    option = zmq.SocketOption.__members__.get(key)
    if option is None:
        close = difflib.get_close_matches(key, _names(), n=1)
        hint = (
            f"; did you mean {close[0]}?"
            if close
            else " (names are libzmq's without ZMQ_, e.g. RCVHWM, ROUTING_ID, LINGER)"
        )
        raise OptionError(f'unknown socket option "{name}"{hint}')
    if option.name in READ_ONLY or option._opt_type.name == "fd":
        raise OptionError(f"{option.name} is read-only: libzmq reports it, it cannot be set")
    if option.name in ELSEWHERE:
        raise OptionError(f"{option.name} is not set as an option: {ELSEWHERE[option.name]}")
    return option


def option_kind(option: zmq.SocketOption) -> str:
    """ "int" (32-bit), "int64" or "bytes": what libzmq takes for ``option``."""
    return option._opt_type.name


def check_option_value(option: zmq.SocketOption, value: object) -> int | bytes:
    """``value`` if it has the type and range ``option`` takes, else OptionError.

    A ``str`` for a bytes option is taken as UTF-8 (CURVE keys in Z85, ZAP domains...)."""
    kind = option_kind(option)
    if kind in ("int", "int64"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise OptionError(f"{option.name} takes an integer, not {type(value).__name__}")
        low, high = INT32_RANGE if kind == "int" else INT64_RANGE
        if not low <= value <= high:
            raise OptionError(
                f"{option.name} takes an integer from {low} to {high}; {value} is out of range"
            )
        return value
    if isinstance(value, str):
        try:
            return value.encode("utf-8")
        except UnicodeEncodeError:
            raise OptionError(f"{option.name}: the text is not valid Unicode") from None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise OptionError(f"{option.name} takes bytes or text, not {type(value).__name__}")
