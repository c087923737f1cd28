"""Applying a ``SecuritySpec`` to a live socket.

``apply_security`` turns a spec into libzmq options through
``SocketHandle.set_security_option`` (which neither logs values nor puts them where a
workspace is saved), registers the socket's policy with the session's authenticator (the
ZAP handler, authenticator.py), and re-creates the socket when it has endpoints already,
because libzmq only applies security to connections made after it is set. A spec that could
not be applied yet is kept (``keep_security``) with the endpoints that wait for it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import weakref
from dataclasses import dataclass, field

import zmq

from zinspect.core.keys.curve_keys import (
    KeyFormatError,
    load_certificate,
    load_public_keys,
    public_key_of,
    short_key,
)
from zinspect.core.security.authenticator import authenticator_for
from zinspect.core.security.spec import SecurityError, SecuritySpec, check_spec
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

REBIND_SECONDS = 1.0  # apply_security_async: how long a re-created socket retries a bind


def _resolve(spec: SecuritySpec) -> tuple[SecuritySpec, list[str]]:
    """``spec`` with the keys of its certificate file read in and the public key derived;
    SecurityError when a file cannot be used. Also returns notes for the user."""
    notes: list[str] = []
    if spec.mechanism != "CURVE":
        return spec, notes
    public, secret = spec.public_key.strip(), spec.secret_key.strip()
    if not secret and spec.certificate:
        try:
            certificate = load_certificate(spec.certificate)
        except KeyFormatError as error:
            raise SecurityError(str(error), "certificate") from None
        if not certificate.secret_key:
            raise SecurityError(
                f"{certificate.path.name} holds only a public key: this "
                "socket needs the secret certificate (NAME.key_secret)",
                "certificate",
            )
        public, secret = certificate.public_key, certificate.secret_key
        notes.extend(certificate.notes)
    if not public:
        public = public_key_of(secret)
    auth = spec.authentication
    if auth is not None and auth.client_key_directory:
        try:
            load_public_keys(auth.client_key_directory)
        except KeyFormatError as error:
            raise SecurityError(str(error), "authentication.client_key_directory") from None
    return dataclasses.replace(
        spec, public_key=public, secret_key=secret, server_key=spec.server_key.strip()
    ), notes


# -- applying --------------------------------------------------------------------------------
@dataclass
class _State:
    """What zinspect knows about one socket's security. ``applied`` False: the spec came
    from a workspace and could not be applied; ``waiting`` are its (bind?, endpoint) pairs
    held back until it is, so the socket never talks without the security it should have."""

    spec: SecuritySpec
    applied: bool
    waiting: list[tuple[bool, str]] = field(default_factory=list)


_states: weakref.WeakKeyDictionary[SocketHandle, _State] = weakref.WeakKeyDictionary()


def security_of(handle: SocketHandle) -> SecuritySpec | None:
    """The security last applied to (or meant for) ``handle`` as it was given (keys from a
    certificate file are not filled in); None: never set (NULL)."""
    state = _states.get(handle)
    return state.spec if state is not None else None


def security_pending(handle: SocketHandle) -> bool:
    """Whether ``handle``'s security is known but could not be applied yet."""
    state = _states.get(handle)
    return state is not None and not state.applied


def waiting_endpoints(handle: SocketHandle) -> list[tuple[bool, str]]:
    """(bind?, endpoint) the socket will bind or connect once its security applies."""
    state = _states.get(handle)
    return list(state.waiting) if state is not None else []


def keep_security(
    handle: SocketHandle, spec: SecuritySpec, waiting: list[tuple[bool, str]] | None = None
) -> None:
    """Remember ``spec`` for ``handle`` although it could not be applied (a workspace whose
    password was not saved), with the endpoints to attach once it is: the form shows it,
    saving the workspace keeps all of it, and ``apply_security`` attaches them."""
    _states[handle] = _State(spec, False, list(waiting or []))


def apply_security(handle: SocketHandle, spec: SecuritySpec) -> list[str]:
    """Give ``handle`` the security ``spec`` describes; returns what was done, in words.

    Nothing changes when the spec is wrong (SecurityError names the field). When the
    socket has endpoints it is re-created with them, since libzmq applies security only to
    connections made after it is set; the words say so, and name any endpoint that could
    not be restored (``apply_security_async`` tries those again for a moment).
    """
    done, lost = _apply(handle, spec)
    return done + _lost_words(lost)


async def apply_security_async(handle: SocketHandle, spec: SecuritySpec) -> list[str]:
    """``apply_security``, then bind again what the re-created socket could not bind at
    once. libzmq closes the old socket's listener on its I/O thread, so binding the same
    port right away fails with "Address already in use" for a few milliseconds about one
    time in six; this retries for up to REBIND_SECONDS, without blocking the loop."""
    done, lost = _apply(handle, spec)
    deadline = time.monotonic() + REBIND_SECONDS
    while lost and time.monotonic() < deadline and not handle.closed:
        await asyncio.sleep(0.01)
        lost = _attach(
            handle, [(bound, address, requested) for bound, address, requested, _ in lost]
        )
    return done + _lost_words(lost)


_Lost = tuple[bool, str, str, str]  # bind?, address to use, as requested, the error


def _lost_words(lost: list[_Lost]) -> list[str]:
    return [
        f"Could not {'bind' if bound else 'connect'} {address}: {error}"
        for bound, address, _, error in lost
    ]


def _attach(handle: SocketHandle, entries: list[tuple[bool, str, str]]) -> list[_Lost]:
    """Bind or connect each (bind?, address, requested); keep the requested form (a
    wildcard stays a wildcard in the workspace). Returns the failures."""
    failed: list[_Lost] = []
    for bound, address, requested in entries:
        if handle.closed:
            return []
        try:
            entry = (
                handle.bind(address, replace_socket_file=handle.replace_socket_files)
                if bound
                else handle.connect(address)
            )
            entry.requested = requested
        except SocketError as error:
            failed.append((bound, address, requested, str(error)))
    return failed


def _apply(handle: SocketHandle, spec: SecuritySpec) -> tuple[list[str], list[_Lost]]:
    problems = check_spec(spec)
    if problems:
        field_name, message = problems[0]
        raise SecurityError(message, field_name)
    if spec.mechanism == "CURVE" and not zmq.has("curve"):
        raise SecurityError(
            "This libzmq was built without CURVE (libsodium): CURVE is not available", "mechanism"
        )
    resolved, notes = _resolve(spec)
    state = _states.get(handle)
    if state is not None and state.applied and state.spec == spec:
        return ["No change: the socket already uses this security."], []
    waiting = state.waiting if state is not None else []
    authenticator = authenticator_for(handle.session, create=resolved.authentication is not None)
    domain = ""
    if authenticator is not None and resolved.authentication is not None:
        domain = authenticator.add_policy(handle, resolved.authentication)
    elif authenticator is not None:
        authenticator.remove_policy(handle)

    # Back to NULL first (CURVE_SERVER 0 sets the NULL mechanism), then only what this
    # spec needs, in the order recreate() will set it again. libzmq cannot clear a ZAP
    # domain (it refuses ""): a socket that had one and needs none is re-created below.
    stale_domain = bool(handle.socket.getsockopt(zmq.ZAP_DOMAIN)) and not domain
    handle.set_security_option("CURVE_SERVER", 0)
    handle.security_options.clear()
    _set_options(handle, resolved, domain)
    _states[handle] = _State(spec, True)  # as given: a certificate stays a reference
    done = [f"{handle.name}: {resolved.describe()}"]
    if resolved.mechanism == "CURVE":
        done.append(
            f"own public key {short_key(resolved.public_key)}"
            + ("" if resolved.server else f", server key {short_key(resolved.server_key)}")
        )
    if domain:
        done.append(f"authentication by zinspect's ZAP handler (ZAP domain {domain!r})")
    done.extend(notes)
    lost: list[_Lost] = []
    if handle.endpoints:
        before = [
            (e.bound, e.address if e.bound else e.requested, e.requested) for e in handle.endpoints
        ]
        problems_text = handle.recreate()
        done.append(
            f"Re-created the socket so its {len(before)} endpoint"
            f"{'s use' if len(before) != 1 else ' uses'} the new security (open "
            "connections were closed and reconnect)"
        )
        kept = {(e.bound, e.requested) for e in handle.endpoints}
        for bound, address, requested in before:
            if (bound, requested) not in kept:
                prefix = f"{'bind' if bound else 'connect'} {address}: "  # recreate's words
                error = next(
                    (p[len(prefix) :] for p in problems_text if p.startswith(prefix)), "failed"
                )
                lost.append((bound, address, requested, error))
        done.extend(
            f"Could not restore {p}"
            for p in problems_text
            if not p.startswith(("bind ", "connect "))
        )
    elif stale_domain:
        handle.recreate()  # no endpoints: nothing the user would notice
    if waiting:
        lost += _attach(handle, [(bound, endpoint, endpoint) for bound, endpoint in waiting])
        attached = len(waiting) - len(lost)
        if attached:
            done.append(
                f"Bound or connected the {attached} endpoint"
                f"{'s' if attached != 1 else ''} that waited for this security"
            )
    log.info("%s: security is now %s", handle.name, resolved.describe())
    return done, lost


def _set_options(handle: SocketHandle, spec: SecuritySpec, domain: str) -> None:
    """The libzmq options of ``spec`` (keys resolved), on a socket reset to NULL."""
    if spec.mechanism == "CURVE":
        if spec.server:
            handle.set_security_option("CURVE_SERVER", 1)
        handle.set_security_option("CURVE_PUBLICKEY", spec.public_key)
        handle.set_security_option("CURVE_SECRETKEY", spec.secret_key)
        if not spec.server:
            handle.set_security_option("CURVE_SERVERKEY", spec.server_key)
    elif spec.mechanism == "PLAIN":
        if spec.server:
            handle.set_security_option("PLAIN_SERVER", 1)
        else:
            handle.set_security_option("PLAIN_USERNAME", spec.username)
            handle.set_security_option("PLAIN_PASSWORD", spec.password or "")
    if domain:
        handle.set_security_option("ZAP_DOMAIN", domain)
