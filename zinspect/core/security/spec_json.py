"""The ``security`` object of a workspace. Secret keys and passwords are written only when
the spec says ``save_secrets``; otherwise a CURVE secret key is found again through the
certificate file the spec names, and PLAIN passwords must be typed again. Errors name the
exact place and never repeat a secret."""

from __future__ import annotations

from typing import Any

from zinspect.core.frames_json import SpecError, describe_json, expect
from zinspect.core.keys.secret_values import kind_of
from zinspect.core.security.authenticator import AuthSpec
from zinspect.core.security.spec import MECHANISMS, SecuritySpec, check_spec

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
        # a secret written in the file without "save_secrets" is saved again: saving must
        # not drop a key the user wrote (the socket would be left out on the next opening)
        save_secrets=expect(
            obj.get("save_secrets", _holds_secret(obj)),
            bool,
            f"{path}.save_secrets",
            "true or false",
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


def _holds_secret(obj: dict[str, Any]) -> bool:
    """Whether a ``security`` object as written holds a secret key or a password."""
    auth = obj.get("authentication")
    users = auth.get("users") if isinstance(auth, dict) else None
    return (
        obj.get("secret_key") is not None
        or obj.get("password") is not None
        or (isinstance(users, dict) and any(v is not None for v in users.values()))
    )


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
