"""Per-socket security: the mechanism (NULL, PLAIN, CURVE), its keys or credentials, and
who may connect (ZAP authentication), as one ``SecuritySpec``.

``apply_security`` turns a spec into libzmq options through
``SocketHandle.set_security_option`` (which neither logs values nor puts them where a
workspace is saved), registers the socket's policy with the session's authenticator, and
re-creates the socket when it has endpoints already, because libzmq only applies security to
connections made after it is set. ``security_to_json``/``security_from_json`` are the
``security`` object of a workspace: secret keys and passwords are written only when the spec
says ``save_secrets``; otherwise a CURVE secret key is found again through the certificate
file the spec names, and PLAIN passwords must be typed again.

Every check is in ``check_spec``, shared by the workspace reader (a ``SpecError`` naming
``sockets[2].security.server_key``) and the form (the message beside the field).
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import logging
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

import zmq

from zinspect.core.frames_json import SpecError, describe_json, expect
from zinspect.core.keys.curve_keys import (
    KeyFormatError,
    check_key,
    check_pair,
    load_certificate,
    load_public_keys,
    public_key_of,
    short_key,
)
from zinspect.core.keys.secret_values import kind_of
from zinspect.core.security.authenticator import AuthSpec, authenticator_for, parse_address
from zinspect.core.security.libzmq_check import libzmq_warning
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.sockets.socket_handle import SocketHandle

log = logging.getLogger(__name__)

MECHANISMS = ("NULL", "PLAIN", "CURVE")
MAX_PLAIN_BYTES = 255  # libzmq's limit on a PLAIN username or password
REBIND_SECONDS = 1.0  # apply_security_async: how long a re-created socket retries a bind
_KEYS = (
    "mechanism",
    "server",
    "public_key",
    "secret_key",
    "certificate",
    "server_key",
    "username",
    "password",
    "authentication",
    "save_secrets",
)
_AUTH_KEYS = ("allow", "deny", "client_keys", "client_key_directory", "users")


class SecurityError(SocketError):
    """Security that cannot be applied; ``field`` is the spec key it is about
    (``server_key``, ``authentication.allow``), so the form shows it beside that field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class SecuritySpec:
    """The security of one socket. Secrets (``secret_key``, ``password``, the users'
    passwords) are left out of ``repr`` so that logging a spec never shows them.

    CURVE: ``server`` marks the CURVE server; its own key pair is ``public_key`` and
    ``secret_key``, or the ``certificate`` file (``NAME.key_secret``) they come from; a
    client also needs ``server_key``, the server's public key. PLAIN: a server sets
    ``server``; a client its ``username`` and ``password`` (None: it was not saved). Servers
    (and NULL sockets, for address checks) may set ``authentication``.
    """

    mechanism: str = "NULL"
    server: bool = False
    public_key: str = ""
    secret_key: str = field(default="", repr=False)
    certificate: str = ""
    server_key: str = ""
    username: str = ""
    password: str | None = field(default="", repr=False)
    authentication: AuthSpec | None = None
    save_secrets: bool = False

    @property
    def is_default(self) -> bool:
        return self == SecuritySpec()

    def describe(self) -> str:
        """One line for a status bar: "CURVE server, 2 allowed client keys"."""
        role = " server" if self.server else (" client" if self.mechanism != "NULL" else "")
        text = self.mechanism + role
        auth = self.authentication
        if auth is not None:
            parts = []
            if auth.client_keys:
                parts.append(
                    f"{len(auth.client_keys)} allowed client "
                    f"key{'s' if len(auth.client_keys) != 1 else ''}"
                )
            if auth.client_key_directory:
                parts.append(f"client certificates in {auth.client_key_directory}")
            if auth.users:
                parts.append(f"{len(auth.users)} PLAIN user{'s' if len(auth.users) != 1 else ''}")
            if auth.allow:
                parts.append("allowed addresses " + ", ".join(auth.allow))
            if auth.deny:
                parts.append("denied addresses " + ", ".join(auth.deny))
            text += ", authentication on" + (f" ({'; '.join(parts)})" if parts else "")
        return text


# -- checking --------------------------------------------------------------------------------
def check_spec(spec: SecuritySpec) -> list[tuple[str, str]]:
    """Every mistake in ``spec`` as (field, message in words); [] when it can be applied
    (a certificate file named is read by ``apply_security``, not here)."""
    problems: list[tuple[str, str]] = []
    if spec.mechanism not in MECHANISMS:
        return [("mechanism", f"unknown mechanism {spec.mechanism!r}: choose NULL, PLAIN or CURVE")]
    if spec.mechanism == "CURVE":
        problems += _check_curve(spec)
    elif spec.mechanism == "PLAIN" and not spec.server:
        if not spec.username:
            problems.append(
                ("username", "Enter the username: a PLAIN client sends a username and a password")
            )
        elif _plain_problem(spec.username, "username"):
            problems.append(("username", _plain_problem(spec.username, "username")))
        if spec.password is None:
            problems.append(
                ("password", "The password was not saved in the workspace: enter it again")
            )
        elif not spec.password:
            problems.append(("password", "Enter the password: PLAIN does not take an empty one"))
        elif _plain_problem(spec.password, "password"):
            problems.append(("password", _plain_problem(spec.password, "password")))
    if spec.authentication is not None:
        problems += _check_auth(spec)
    return problems


def _plain_problem(text: str, what: str) -> str:
    """Why PLAIN cannot send ``text`` as the ``what``, or ""."""
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate, which no UTF-8 can carry
        return f"The {what} is not valid text (it holds half of a surrogate pair)"
    if size > MAX_PLAIN_BYTES:
        return f"The {what} is longer than {MAX_PLAIN_BYTES} bytes, the most PLAIN allows"
    return ""


def _check_curve(spec: SecuritySpec) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    public = secret = ""
    if spec.public_key:
        try:
            public = check_key(spec.public_key, "public key")
        except KeyFormatError as error:
            problems.append(("public_key", str(error)))
    if spec.secret_key:
        try:
            secret = check_key(spec.secret_key, "secret key", secret=True)
        except KeyFormatError as error:
            problems.append(("secret_key", str(error)))
    if public and secret:
        try:
            check_pair(public, secret)
        except KeyFormatError as error:
            problems.append(("public_key", str(error)))
    if not spec.secret_key and not spec.certificate:
        problems.append(
            (
                "secret_key",
                "This socket needs its own CURVE key pair: generate "
                "one, load a certificate, or enter the secret key",
            )
        )
    if not spec.server:
        try:
            check_key(spec.server_key, "server public key")
        except KeyFormatError as error:
            problems.append(
                ("server_key", f"{error} (a CURVE client must know the server's public key)")
            )
    elif spec.server_key:
        problems.append(
            ("server_key", "A CURVE server does not use a server key: clear it, or untick 'server'")
        )
    return problems


def _check_auth(spec: SecuritySpec) -> list[tuple[str, str]]:
    auth = spec.authentication
    assert auth is not None
    problems: list[tuple[str, str]] = []
    if spec.mechanism != "NULL" and not spec.server:
        problems.append(
            (
                "authentication",
                "Authentication is for server sockets: tick 'server', or turn authentication off",
            )
        )
    for key in ("allow", "deny"):
        for index, entry in enumerate(getattr(auth, key)):
            try:
                parse_address(entry)
            except ValueError as error:
                problems.append((f"authentication.{key}[{index}]", str(error)))
    if auth.client_keys and spec.mechanism != "CURVE":
        problems.append(("authentication.client_keys", "Client keys are only checked for CURVE"))
    for index, key in enumerate(auth.client_keys):
        try:
            check_key(key, f"client key {index + 1}")
        except KeyFormatError as error:
            problems.append((f"authentication.client_keys[{index}]", str(error)))
    if auth.client_key_directory and spec.mechanism != "CURVE":
        problems.append(
            (
                "authentication.client_key_directory",
                "A client certificate directory is only used for CURVE",
            )
        )
    if auth.users and spec.mechanism != "PLAIN":
        problems.append(("authentication.users", "Users are only checked for PLAIN"))
    for name in auth.users:
        if not name:
            problems.append(("authentication.users", "A user needs a name"))
    return problems


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


def security_warnings(handle: SocketHandle | None, spec: SecuritySpec) -> list[str]:
    """What the user should know about ``spec`` on ``handle``, in words (never errors)."""
    warnings: list[str] = []
    version = libzmq_warning()
    if version:
        warnings.append(version)
    if handle is not None and spec.mechanism != "CURVE":
        for entry in handle.endpoints:
            if entry.bound and _exposed(entry.address):
                warnings.append(
                    f"{entry.requested} listens on a network interface without CURVE: anyone "
                    "who can reach this machine can connect, and the traffic"
                    + (" (including the PLAIN password)" if spec.mechanism == "PLAIN" else "")
                    + " can be read on the network. Bind 127.0.0.1, or use CURVE."
                )
    auth = spec.authentication
    if spec.mechanism == "CURVE" and spec.server:
        if auth is None:
            warnings.append(
                "A CURVE server without authentication encrypts the traffic but "
                "accepts any client key: turn on authentication and list the "
                "client keys to allow."
            )
        elif not auth.client_keys and not auth.client_key_directory:
            warnings.append(
                "Authentication is on but no client keys are listed: any client "
                "key is accepted (only the address lists apply)."
            )
    if spec.mechanism == "PLAIN" and spec.server:
        if auth is None:
            warnings.append(
                "A PLAIN server without authentication accepts any username and password."
            )
        elif not auth.users:
            warnings.append(
                "Authentication is on but no users are listed: any username and "
                "password are accepted."
            )
    if (
        spec.mechanism == "CURVE"
        and spec.secret_key
        and not spec.certificate
        and not spec.save_secrets
    ):
        warnings.append(
            "The secret key will not be saved in the workspace: save a "
            "certificate, or choose to save secrets, or it is lost when "
            "zinspect closes."
        )
    return warnings


def _exposed(address: str) -> bool:
    """Whether a bound tcp/ws endpoint listens beyond the loopback interface."""
    transport, _, rest = address.partition("://")
    if transport not in ("tcp", "ws", "wss"):
        return False
    host = rest.rsplit(":", 1)[0].split("/", 1)[0]
    host = host.strip("[]")
    if host in ("localhost", "lo"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # an interface name, or "*"


# -- JSON ------------------------------------------------------------------------------------
def security_to_json(spec: SecuritySpec) -> dict[str, Any]:
    """The ``security`` object of a workspace: keys in a fixed order, defaults left out,
    secrets only with ``save_secrets`` (else the certificate file stands for the key)."""
    obj: dict[str, Any] = {"mechanism": spec.mechanism}
    secrets = spec.save_secrets
    if spec.server:
        obj["server"] = True
    if spec.mechanism == "CURVE":
        if spec.public_key:
            obj["public_key"] = spec.public_key
        if secrets and spec.secret_key:
            obj["secret_key"] = spec.secret_key
        if spec.certificate:
            obj["certificate"] = spec.certificate
        if spec.server_key:
            obj["server_key"] = spec.server_key
    if spec.mechanism == "PLAIN" and not spec.server:
        obj["username"] = spec.username
        if secrets and spec.password is not None:
            obj["password"] = spec.password
    auth = spec.authentication
    if auth is not None:
        auth_obj: dict[str, Any] = {}
        for key in ("allow", "deny", "client_keys"):
            if getattr(auth, key):
                auth_obj[key] = list(getattr(auth, key))
        if auth.client_key_directory:
            auth_obj["client_key_directory"] = auth.client_key_directory
        if auth.users:
            auth_obj["users"] = {
                name: password if secrets else None for name, password in auth.users.items()
            }
        obj["authentication"] = auth_obj
    if secrets:
        obj["save_secrets"] = True
    return obj


def security_from_json(value: Any, path: str) -> SecuritySpec:
    """A spec from a workspace's ``security`` object; SpecError with the exact place
    (unknown keys are errors: a typo must not silently turn authentication off)."""
    obj = expect(value, dict, path, 'an object such as {"mechanism": "CURVE", ...}')
    for key in obj:
        if key not in _KEYS:
            raise SpecError(f"{path}.{key}", f"unknown key; expected one of {', '.join(_KEYS)}")
    mechanism = (
        expect(
            obj.get("mechanism", "NULL"),
            str,
            f"{path}.mechanism",
            'one of "NULL", "PLAIN", "CURVE"',
        )
        .strip()
        .upper()
    )
    if mechanism not in MECHANISMS:
        raise SpecError(
            f"{path}.mechanism",
            f"expected NULL, PLAIN or CURVE, got {describe_json(obj['mechanism'])}",
        )

    def text(key: str, what: str) -> str:
        if obj.get(key) is None:
            return ""
        return expect(obj[key], str, f"{path}.{key}", what)

    password: str | None = ""
    if obj.get("password") is not None:
        password = _secret_text(obj["password"], f"{path}.password", "a string")
    elif mechanism == "PLAIN" and not obj.get("server"):
        password = None  # not saved: the user types it again
    spec = SecuritySpec(
        mechanism=mechanism,
        server=expect(obj.get("server", False), bool, f"{path}.server", "true or false"),
        public_key=text("public_key", "a Z85 key"),
        secret_key=(
            ""
            if obj.get("secret_key") is None
            else _secret_text(obj["secret_key"], f"{path}.secret_key", "a Z85 key")
        ),
        certificate=text("certificate", "a file path"),
        server_key=text("server_key", "a Z85 key"),
        username=text("username", "a user name"),
        password=password,
        save_secrets=expect(
            obj.get("save_secrets", False), bool, f"{path}.save_secrets", "true or false"
        ),
    )
    if obj.get("authentication") is not None:
        spec.authentication = _auth_from_json(obj["authentication"], f"{path}.authentication")
    problems = check_spec(spec)
    # a password that was not saved is expected, not a mistake in the file
    problems = [p for p in problems if p[0] != "password" or spec.password is not None]
    if mechanism == "CURVE" and not spec.secret_key and spec.certificate:
        problems = [p for p in problems if p[0] != "secret_key"]
    if problems:
        key, message = problems[0]
        raise SpecError(f"{path}.{key}", message)
    return spec


def _secret_text(value: Any, path: str, what: str) -> str:
    """``value`` if it is text; else a SpecError that says what it is, never what it holds."""
    if not isinstance(value, str):
        raise SpecError(path, f"expected {what}, got {kind_of(value)}")
    return value


def _auth_from_json(value: Any, path: str) -> AuthSpec:
    obj = expect(value, dict, path, 'an object such as {"client_keys": [...]}')
    for key in obj:
        if key not in _AUTH_KEYS:
            raise SpecError(
                f"{path}.{key}", f"unknown key; expected one of {', '.join(_AUTH_KEYS)}"
            )

    def strings(key: str) -> list[str]:
        items = expect(obj.get(key, []), list, f"{path}.{key}", "a list")
        return [
            expect(item, str, f"{path}.{key}[{i}]", "a string").strip()
            for i, item in enumerate(items)
        ]

    users: dict[str, str | None] = {}
    raw_users = expect(
        obj.get("users", {}), dict, f"{path}.users", 'an object such as {"alice": "password"}'
    )
    for name, password in raw_users.items():
        if password is not None:
            _secret_text(password, f"{path}.users.{name}", "a password or null")
        users[name] = password
    directory = obj.get("client_key_directory") or ""
    return AuthSpec(
        allow=strings("allow"),
        deny=strings("deny"),
        client_keys=strings("client_keys"),
        client_key_directory=expect(directory, str, f"{path}.client_key_directory", "a path"),
        users=users,
    )
