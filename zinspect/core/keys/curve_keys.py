"""CURVE keys and certificate files: checking, generating, reading and writing them.

A CURVE key is 32 bytes, written as 40 characters of Z85 (ZeroMQ RFC 32). People paste keys
from terminals, chat and config files, so a wrong key must be refused in words ("39
characters", "'"' is not a Z85 character") before libzmq sees it; libzmq would only say
"Invalid argument".

Certificate files use pyzmq's format (``zmq.auth.create_certificates``/``load_certificate``,
the same as czmq's ``zcert``): ``NAME.key`` holds the public key, ``NAME.key_secret`` both.
pyzmq writes the secret file with the default permissions; this module creates it with mode
0600 from the first byte (and never leaves a half-written file), as docs/platform-facts.md explains.
"""

from __future__ import annotations

import datetime
import os
import stat
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import zmq
import zmq.auth
from zmq.utils import z85

Z85_ALPHABET = (
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
)
_Z85_SET = frozenset(Z85_ALPHABET)
KEY_LENGTH = 40  # Z85 characters of a 32-byte key
PUBLIC_SUFFIX = ".key"
SECRET_SUFFIX = ".key_secret"
SECRET_MODE = 0o600

# The banners pyzmq writes (zmq/auth/certs.py), so a file we write reads like one of its own
_SECRET_BANNER = """#   ****  Generated on {0} by zinspect  ****
#   ZeroMQ CURVE **Secret** Certificate
#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.

"""
_PUBLIC_BANNER = """#   ****  Generated on {0} by zinspect  ****
#   ZeroMQ CURVE Public Certificate
#   Exchange securely, or use a secure mechanism to verify the contents
#   of this file after exchange. Store public certificates in your home
#   directory, in the .curve subdirectory.

"""


class KeyFormatError(ValueError):
    """A CURVE key or certificate that cannot be used; the message is for the user."""


def check_key(text: str, what: str = "key", *, secret: bool = False) -> str:
    """The key ``text`` (blanks around it dropped) if it is 40 Z85 characters that decode to
    32 bytes; KeyFormatError in words otherwise. ``what`` names it in the message ("server
    public key"); a ``secret`` key's characters are never repeated in a message."""
    key = text.strip()
    if not key:
        raise KeyFormatError(f"Enter the {what}: 40 characters of Z85 text")
    for index, char in enumerate(key):
        if char not in _Z85_SET:
            shown = "" if secret or not char.isprintable() else f" ({char!r})"
            raise KeyFormatError(
                f"The {what} is not Z85: character {index + 1}{shown} is not one of 0-9 a-z "
                "A-Z .-:+=^!/*?&<>()[]{}@%$#"
            )
    if len(key) != KEY_LENGTH:
        hint = ""
        if len(key) == 64 and all(c in "0123456789abcdefABCDEF" for c in key):
            hint = " (this looks like the key in hex: ZeroMQ writes keys in Z85)"
        raise KeyFormatError(
            f"The {what} must be {KEY_LENGTH} Z85 characters; this is {len(key)}{hint}"
        )
    try:
        raw = z85.decode(key)
    except (struct.error, ValueError):
        group = next(i for i in range(0, KEY_LENGTH, 5) if _z85_overflows(key[i : i + 5]))
        raise KeyFormatError(
            f"The {what} is not a valid Z85 key: characters {group + 1}-"
            f"{group + 5} stand for a number larger than 32 bits"
        ) from None
    if len(raw) != 32:  # cannot happen for 40 valid characters; kept as the rule itself
        raise KeyFormatError(f"The {what} does not decode to 32 bytes")
    return key


def _z85_overflows(chunk: str) -> bool:
    value = 0
    for char in chunk:
        value = value * 85 + Z85_ALPHABET.index(char)
    return value > 0xFFFFFFFF


def generate_keypair() -> tuple[str, str]:
    """A new (public, secret) CURVE key pair in Z85 (libzmq's ``zmq_curve_keypair``)."""
    public, secret = zmq.curve_keypair()
    return public.decode("ascii"), secret.decode("ascii")


def public_key_of(secret_key: str) -> str:
    """The public key that belongs to ``secret_key`` (a checked Z85 key)."""
    return zmq.curve_public(secret_key.encode("ascii")).decode("ascii")


def check_pair(public_key: str, secret_key: str) -> None:
    """KeyFormatError unless ``public_key`` is the public half of ``secret_key``."""
    if public_key_of(secret_key) != public_key:
        raise KeyFormatError(
            "The public key does not belong to this secret key: they are not one key pair"
        )


# -- certificate files -----------------------------------------------------------------------
@dataclass
class Certificate:
    """A certificate file's keys; ``secret_key`` "" for a public certificate. ``notes`` are
    things the user should know (a secret file others can read)."""

    path: Path
    public_key: str
    secret_key: str = field(default="", repr=False)
    notes: list[str] = field(default_factory=list)


def certificate_paths(base: str | os.PathLike[str]) -> tuple[Path, Path]:
    """(``NAME.key``, ``NAME.key_secret``) for ``base``, which may name either file."""
    path = Path(os.path.expanduser(os.fspath(base)))
    name = path.name
    for suffix in (SECRET_SUFFIX, PUBLIC_SUFFIX):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    stem = path.with_name(name)
    return stem.with_name(name + PUBLIC_SUFFIX), stem.with_name(name + SECRET_SUFFIX)


def save_certificate(
    base: str | os.PathLike[str], public_key: str, secret_key: str = ""
) -> tuple[Path, Path | None]:
    """Write ``NAME.key`` (public) and, with a secret key, ``NAME.key_secret`` (mode 0600
    from its creation) in pyzmq's format; return their paths. Each file is written to a
    temporary file beside it and renamed, so a failure leaves no half-written certificate.
    KeyFormatError (a bad key) or OSError (the file system said no) otherwise."""
    public_key = check_key(public_key, "public key")
    if secret_key:
        secret_key = check_key(secret_key, "secret key", secret=True)
        check_pair(public_key, secret_key)
    public_path, secret_path = certificate_paths(base)
    now = datetime.datetime.now()
    _write_atomic(
        public_path, _PUBLIC_BANNER.format(now) + _curve_section(public_key), secret=False
    )
    if not secret_key:
        return public_path, None
    _write_atomic(
        secret_path,
        _SECRET_BANNER.format(now) + _curve_section(public_key, secret_key),
        secret=True,
    )
    return public_path, secret_path


def generate_certificate(base: str | os.PathLike[str]) -> tuple[Path, Path]:
    """A new key pair saved as ``NAME.key`` and ``NAME.key_secret`` (0600); what
    ``zmq.auth.create_certificates`` does, without its world-readable secret file."""
    public_key, secret_key = generate_keypair()
    public_path, secret_path = save_certificate(base, public_key, secret_key)
    assert secret_path is not None
    return public_path, secret_path


def _curve_section(public_key: str, secret_key: str = "") -> str:
    text = f'metadata\ncurve\n    public-key = "{public_key}"\n'
    if secret_key:
        text += f'    secret-key = "{secret_key}"\n'
    return text


def _write_atomic(path: Path, text: str, *, secret: bool) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:  # mkstemp makes it 0600
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if not secret:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    if secret:
        os.chmod(path, SECRET_MODE)  # the rename kept 0600; say it once more, explicitly


def load_certificate(path: str | os.PathLike[str]) -> Certificate:
    """Read a certificate file (pyzmq's format); KeyFormatError in words when it is
    missing, unreadable, not a certificate, or holds keys that are not a valid pair."""
    file = Path(os.path.expanduser(os.fspath(path)))
    if not file.is_file():
        raise KeyFormatError(
            f"No certificate file at {file}" if not file.exists() else f"{file} is not a file"
        )
    try:
        public_raw, secret_raw = zmq.auth.load_certificate(file)
    except ValueError:
        raise KeyFormatError(
            f"{file.name} is not a CURVE certificate: it has no public-key line"
        ) from None
    except OSError as error:
        raise KeyFormatError(f"Cannot read {file.name}: {error.strerror or error}") from None
    try:
        public_key = check_key(public_raw.decode("ascii", "replace"), f"public key in {file.name}")
        secret_key = ""
        if secret_raw:
            secret_key = check_key(
                secret_raw.decode("ascii", "replace"), f"secret key in {file.name}", secret=True
            )
            check_pair(public_key, secret_key)
    except KeyFormatError as error:
        raise KeyFormatError(f"{file.name}: {error}") from None
    notes: list[str] = []
    if secret_key:
        mode = stat.S_IMODE(file.stat().st_mode)
        if mode & 0o077:
            notes.append(
                f"{file.name} holds a secret key and other users may read it (mode "
                f"{mode:04o}): run chmod 600 on it"
            )
    return Certificate(file, public_key, secret_key, notes)


def load_public_keys(directory: str | os.PathLike[str]) -> list[str]:
    """The public keys of the certificates (``*.key``) in ``directory``, sorted, as the
    authenticator allows them (``zmq.auth.load_certificates``); KeyFormatError in words."""
    folder = Path(os.path.expanduser(os.fspath(directory)))
    if not folder.is_dir():
        raise KeyFormatError(
            f"No directory at {folder}" if not folder.exists() else f"{folder} is not a directory"
        )
    keys: set[str] = set()
    for file in sorted(folder.glob("*" + PUBLIC_SUFFIX)):
        keys.add(load_certificate(file).public_key)
    return sorted(keys)


def short_key(key: str) -> str:
    """A public key shortened for a label: the first 8 characters and an ellipsis."""
    return key[:8] + "…" if len(key) > 8 else key
