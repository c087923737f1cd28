"""Setting and resetting socket options so that they really apply, and saying what happened.

Many libzmq options are read only when a bind or connect is made (core.option_catalog marks
them): set on a socket that already has endpoints, they would silently change nothing. So
when such an option changes on a socket with endpoints, the socket is re-created in place
(SocketHandle.recreate: closed, then bound, connected and subscribed again with all its
options) and the sentence returned tells the user so, with what could not be restored.

Several changes are applied together and re-create the socket at most once. Resetting an
option puts zinspect's default back and forgets the option, so a workspace no longer saves
it; libzmq refuses some defaults as values (HEARTBEAT_TIMEOUT -1, "no routing id"), and only
a fresh socket has those again, so resetting one of them re-creates the socket.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from zinspect.core.sockets.option_catalog import (
    OptionSpec,
    OptionValueError,
    check_value,
    describe_value,
    effective_default,
    option_spec,
)
from zinspect.core.sockets.socket_base import SocketError

if TYPE_CHECKING:
    from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)


@dataclass
class ApplyOutcome:
    """What apply_options did: the options applied, the ones refused (name -> reason in
    words, for the field), whether the socket was re-created and what it could not restore,
    and one message for the user."""

    applied: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    recreated: bool = False
    problems: list[str] = field(default_factory=list)
    message: str = ""


def _count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def _reattached(handle: SocketHandle) -> str:
    """``it bound 1 endpoint again and reconnected to 2 endpoints`` (and subscriptions)."""
    binds = sum(1 for entry in handle.endpoints if entry.bound)
    connects = len(handle.endpoints) - binds
    parts = []
    if binds:
        parts.append(f"bound {_count(binds, 'endpoint')} again")
    if connects:
        parts.append(f"reconnected to {_count(connects, 'endpoint')}")
    if parts and handle.subscriptions:
        parts.append(
            f"subscribed again to {_count(len(handle.subscriptions), 'prefix')}".replace(
                "prefixs", "prefixes"
            )
        )
    return "it " + " and ".join(parts) if parts else "it has no endpoints"


def apply_options(handle: SocketHandle, changes: Mapping[str, int | bytes | None]) -> ApplyOutcome:
    """Set each option in ``changes`` (None resets it to its default) on ``handle``, then
    re-create the socket once if an option that only applies to new binds and connects
    changed while it has endpoints. Values are checked first: if any is invalid, nothing
    changes and ``errors`` says why, per option."""
    outcome = ApplyOutcome()
    specs: dict[str, OptionSpec] = {}
    values: dict[str, int | bytes | None] = {}
    for name, value in changes.items():
        try:
            spec = option_spec(name)
            if value is not None:
                check_value(spec, value)
        except KeyError as error:
            outcome.errors[name] = str(error.args[0])
            continue
        except OptionValueError as error:
            outcome.errors[name] = str(error)
            continue
        specs[spec.name] = spec
        values[spec.name] = value
    if outcome.errors:
        outcome.message = (
            "Nothing was changed: "
            + _names(sorted(outcome.errors))
            + (" has" if len(outcome.errors) == 1 else " have")
            + " a value that cannot be used."
        )
        return outcome

    was_waiting = handle.send_waiting
    was_awaiting_reply = handle.awaiting_reply
    fresh_needed = False  # a default libzmq refuses as a value: only a new socket has it
    reset: list[str] = []
    later: list[str] = []
    for name, spec in specs.items():
        value = values[name]
        try:
            if value is None:
                if name not in handle.options:
                    continue  # already at its default: nothing to forget
                default = effective_default(spec, handle.type_name)
                if spec.default_unsettable or default is None:
                    handle.options.pop(name)
                    fresh_needed = True
                else:
                    handle.set_option(name, default)
                    handle.options.pop(name, None)  # the default is not the user's choice
                reset.append(name)
            else:
                handle.set_option(name, value)
        except SocketError as error:
            outcome.errors[name] = str(error)
            continue
        outcome.applied.append(name)
        if spec.new_connections_only:
            later.append(name)
    if reset and not fresh_needed:
        handle.session.notify_changed(handle)  # options lost an entry: listeners re-read them
    if (later and handle.endpoints) or fresh_needed:
        try:  # recreate stops the monitor first and waits out the old listener's port
            outcome.problems = handle.recreate()
            outcome.recreated = True
        except SocketError as error:
            outcome.problems = [str(error)]
    outcome.message = _message(
        handle, specs, outcome, reset, later, was_waiting, was_awaiting_reply
    )
    log.info(
        "%s options %s: %s", handle.name, ", ".join(outcome.applied) or "none", outcome.message
    )
    return outcome


def _default_words(spec: OptionSpec, handle: SocketHandle) -> str:
    return describe_value(spec, effective_default(spec, handle.type_name))


def _message(
    handle: SocketHandle,
    specs: dict[str, OptionSpec],
    outcome: ApplyOutcome,
    reset: list[str],
    later: list[str],
    was_waiting: bool,
    was_awaiting_reply: bool,
) -> str:
    """One or two sentences: what changed, how it applies, and what re-creating cost."""
    if not outcome.applied:
        if outcome.errors:
            return "libzmq refused " + _names(sorted(outcome.errors)) + "."
        return "Nothing to change: those options were already at their defaults."
    sentences = []
    set_now = [name for name in outcome.applied if name not in reset]
    if set_now:
        values = [
            f"{name} = {describe_value(specs[name], handle.options.get(name))}" for name in set_now
        ]
        sentences.append("Set " + _names(values) + ".")
    if reset:
        values = [f"{name} ({_default_words(specs[name], handle)})" for name in reset]
        sentences.append("Back to the default: " + _names(values) + ".")
    if outcome.recreated:
        why = _names(later) if later else _names(reset)
        text = (
            f"Re-created the socket so {why} "
            f"{'applies' if len(later or reset) == 1 else 'apply'} to its connections; "
            f"{_reattached(handle)}."
        )
        lost = []
        if was_waiting:
            lost.append("the message waiting to be sent was cancelled")
        if was_awaiting_reply:
            lost.append("the REQ no longer waits for its reply")
        if lost:
            joined = "; ".join(lost)
            text += f" {joined[0].upper()}{joined[1:]}."
        sentences.append(text)
        if outcome.problems:
            sentences.append("Could not restore: " + "; ".join(outcome.problems) + ".")
    elif later:
        sentences.append(f"{_names(later)} will apply to the binds and connects made from now on.")
    else:
        sentences.append(
            "It applies at once." if len(outcome.applied) == 1 else "They apply at once."
        )
    if outcome.errors:
        sentences.append("libzmq refused " + _names(sorted(outcome.errors)) + ".")
    return " ".join(sentences)
