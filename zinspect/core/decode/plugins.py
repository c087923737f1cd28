"""Decoders from other packages: entry points in the group ``zinspect.decoders``.

A package adds a decoder by declaring an entry point whose name is the decoder's name (as
used in workspaces and on the command line) and whose object is a callable taking the
frame's bytes and the DecodeRule that chose it, returning a JSON-like value and raising
DecodeError with a reason in words (docs/decoders.md has an example). Plugins are loaded once,
at start: one that cannot be imported, is not callable, or takes a name already used is
logged in words and skipped. A plugin that raises anything but DecodeError, or returns
something that is not JSON-like, costs a reason for that frame, never the window.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points

from zinspect.core.decode.frame_decoders import CHAIN_SEPARATOR, DECODERS, FrameDecoder
from zinspect.core.decode.model import DecodeError, DecodeRule
from zinspect.core.decode.values import plain

log = logging.getLogger(__name__)

GROUP = "zinspect.decoders"
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

_loaded: list[str] | None = None


def load_plugins(force: bool = False) -> list[str]:
    """Register every plugin decoder found (once; ``force`` looks again, for tests); the
    names registered."""
    global _loaded
    if _loaded is not None and not force:
        return list(_loaded)
    names: list[str] = []
    try:
        found = list(entry_points(group=GROUP))
    except Exception as error:  # a broken installed distribution's metadata
        log.warning("decoder plugins could not be listed: %s", error)
        found = []
    for entry in found:
        name = _register(entry)
        if name is not None:
            names.append(name)
    _loaded = names
    return list(names)


def _register(entry: EntryPoint) -> str | None:
    source = _source(entry)
    name = entry.name
    if not NAME_PATTERN.fullmatch(name) or CHAIN_SEPARATOR in name:
        log.warning(
            "decoder plugin %r from %s skipped: a decoder name is letters, digits, "
            "'.', '_' or '-' (at most 64), and no '+'",
            name,
            source,
        )
        return None
    if name in DECODERS and getattr(DECODERS[name], "zinspect_plugin", None) != entry.value:
        log.warning(
            "decoder plugin %r from %s skipped: zinspect already has a decoder of that name",
            name,
            source,
        )
        return None
    try:
        function = entry.load()
    except Exception as error:  # any import failure of third-party code
        log.warning(
            "decoder plugin %r from %s could not be loaded (%s: %s): skipped",
            name,
            source,
            type(error).__name__,
            error,
        )
        return None
    if not callable(function):
        log.warning(
            "decoder plugin %r from %s skipped: %s is not a function", name, source, entry.value
        )
        return None
    DECODERS[name] = _guarded(name, function, entry.value)
    log.info("decoder plugin %r loaded from %s", name, source)
    return name


def _source(entry: EntryPoint) -> str:
    dist = getattr(entry, "dist", None)
    if dist is not None:
        try:
            return f"{dist.metadata['Name']} {dist.version}"
        except Exception:  # metadata of a broken distribution
            pass
    return entry.value


def _guarded(name: str, function: Callable[..., object], origin: str) -> FrameDecoder:
    """The plugin's function, with whatever it raises or returns made safe for the window."""

    def decode(data: bytes, rule: DecodeRule) -> object:
        try:
            value = function(data, rule)
        except DecodeError:
            raise
        except Exception as error:  # third-party code: a reason, not a crash
            log.debug("decoder plugin %s failed", name, exc_info=True)
            raise DecodeError(
                f"the {name} plugin failed ({type(error).__name__}: {error})"[:300]
            ) from None
        return plain(value)

    decode.zinspect_plugin = origin  # type: ignore[attr-defined]
    return decode
