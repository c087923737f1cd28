"""Per-socket security: the mechanism (NULL, PLAIN, CURVE), its keys or credentials, and
who may connect (ZAP authentication), as one ``SecuritySpec``.

Every check is in ``check_spec``, shared by the workspace reader (a ``SpecError`` naming
``sockets[2].security.server_key``) and the form (the message beside the field).
apply.py gives a spec to a socket, spec_json.py reads and writes it in a workspace.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zinspect.core.keys.curve_keys import KeyFormatError, check_key, check_pair
from zinspect.core.security.authenticator import AuthSpec, parse_address
from zinspect.core.sockets.socket_base import SocketError

MECHANISMS = ("NULL", "PLAIN", "CURVE")
MAX_PLAIN_BYTES = 255  # libzmq's limit on a PLAIN username or password


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
