"""What a user should know about a socket's security before trusting it: an old libzmq,
a plain-text listener on a network interface, a server that accepts anyone, a secret key
that would be lost. Words for the form, never errors."""

from __future__ import annotations

import ipaddress

from zinspect.core.security.libzmq_check import libzmq_warning
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.sockets.socket_handle import SocketHandle


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
