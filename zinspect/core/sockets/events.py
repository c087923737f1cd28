"""Connection events: what libzmq's socket monitor reports, decoded into words.

The hardest ZeroMQ bugs are invisible: a connect that retries forever, a handshake that
fails, a CURVE key that is wrong. libzmq tells a monitor socket about each of these
(``zmq_socket_monitor``); this module names the events, decodes their values (an errno, a
retry interval, a ZMTP protocol error, a ZAP status code) and explains each in a sentence,
so the Events panel and the capture file can show them. ``core.monitor`` reads them.
"""

from __future__ import annotations

import errno as errno_module
import os
from dataclasses import dataclass

import zmq

# libzmq's event constant -> our name (snake case of ZMQ_EVENT_*)
EVENT_NAMES: dict[int, str] = {
    zmq.EVENT_CONNECTED: "connected",
    zmq.EVENT_CONNECT_DELAYED: "connect_delayed",
    zmq.EVENT_CONNECT_RETRIED: "connect_retried",
    zmq.EVENT_LISTENING: "listening",
    zmq.EVENT_BIND_FAILED: "bind_failed",
    zmq.EVENT_ACCEPTED: "accepted",
    zmq.EVENT_ACCEPT_FAILED: "accept_failed",
    zmq.EVENT_CLOSED: "closed",
    zmq.EVENT_CLOSE_FAILED: "close_failed",
    zmq.EVENT_DISCONNECTED: "disconnected",
    zmq.EVENT_MONITOR_STOPPED: "monitor_stopped",
    zmq.EVENT_HANDSHAKE_FAILED_NO_DETAIL: "handshake_failed_no_detail",
    zmq.EVENT_HANDSHAKE_SUCCEEDED: "handshake_succeeded",
    zmq.EVENT_HANDSHAKE_FAILED_PROTOCOL: "handshake_failed_protocol",
    zmq.EVENT_HANDSHAKE_FAILED_AUTH: "handshake_failed_auth",
}
# Events zinspect adds itself (not from libzmq's monitor): the authenticator's verdicts
AUTH_DENIED = "auth_denied"
AUTH_ALLOWED = "auth_allowed"
# ... and the recorder's last line when a quit left messages unwritten (core.capture.recorder)
RECORDING_CUT = "recording_cut"
# ... and a script automation's lines (core.automation.script_runner)
SCRIPT_LOG = "script_log"
SCRIPT_ERROR = "script_error"
SCRIPT_PROBLEM = "script_problem"  # the script goes on: a message it sent was refused

# The label shown in the timeline for each name
LABELS: dict[str, str] = {
    "connected": "connected",
    "connect_delayed": "connect delayed",
    "connect_retried": "connect retried",
    "listening": "listening",
    "bind_failed": "bind failed",
    "accepted": "accepted",
    "accept_failed": "accept failed",
    "closed": "closed",
    "close_failed": "close failed",
    "disconnected": "disconnected",
    "monitor_stopped": "monitor stopped",
    "handshake_failed_no_detail": "handshake failed",
    "handshake_succeeded": "handshake succeeded",
    "handshake_failed_protocol": "handshake failed (protocol)",
    "handshake_failed_auth": "handshake failed (auth)",
    AUTH_DENIED: "authentication denied",
    AUTH_ALLOWED: "authenticated",
    RECORDING_CUT: "recording cut short",
    SCRIPT_LOG: "script",
    SCRIPT_ERROR: "script failed",
    SCRIPT_PROBLEM: "script problem",
}
# How serious each is, for the timeline's colour and filter
PROBLEMS = frozenset(
    {
        "bind_failed",
        "accept_failed",
        "close_failed",
        "handshake_failed_no_detail",
        "handshake_failed_protocol",
        "handshake_failed_auth",
        AUTH_DENIED,
        SCRIPT_ERROR,
        SCRIPT_PROBLEM,
    }
)
# Everything else is information, shown in the normal text colour: "disconnected" (a peer
# that exits in order, a ventilator whose work is sent, looks the same as one that crashed)
# and "connect retried" (libzmq trying again while the peer is away is what it should do;
# an endpoint that never answers shows as "retrying" in the sockets list)

# ZMTP protocol errors (ZMQ_PROTOCOL_ERROR_*), the value of handshake_failed_protocol
PROTOCOL_ERRORS: dict[int, str] = {
    0x10000000: "ZMTP_UNSPECIFIED",
    0x10000001: "ZMTP_UNEXPECTED_COMMAND",
    0x10000002: "ZMTP_INVALID_SEQUENCE",
    0x10000003: "ZMTP_KEY_EXCHANGE",
    0x10000011: "ZMTP_MALFORMED_COMMAND_UNSPECIFIED",
    0x10000012: "ZMTP_MALFORMED_COMMAND_MESSAGE",
    0x10000013: "ZMTP_MALFORMED_COMMAND_HELLO",
    0x10000014: "ZMTP_MALFORMED_COMMAND_INITIATE",
    0x10000015: "ZMTP_MALFORMED_COMMAND_ERROR",
    0x10000016: "ZMTP_MALFORMED_COMMAND_READY",
    0x10000017: "ZMTP_MALFORMED_COMMAND_WELCOME",
    0x10000018: "ZMTP_INVALID_METADATA",
    0x11000001: "ZMTP_CRYPTOGRAPHIC",
    0x11000002: "ZMTP_MECHANISM_MISMATCH",
    0x20000000: "ZAP_UNSPECIFIED",
    0x20000001: "ZAP_MALFORMED_REPLY",
    0x20000002: "ZAP_BAD_REQUEST_ID",
    0x20000003: "ZAP_BAD_VERSION",
    0x20000004: "ZAP_INVALID_STATUS_CODE",
    0x20000005: "ZAP_INVALID_METADATA",
}
PROTOCOL_WORDS: dict[str, str] = {
    "ZMTP_MECHANISM_MISMATCH": "the two sides use different security mechanisms (NULL, "
    "PLAIN, CURVE), or both or neither are the server",
    "ZMTP_CRYPTOGRAPHIC": "a CURVE message did not decrypt: the server's public key is not "
    "the one the client was given",
    "ZMTP_KEY_EXCHANGE": "the CURVE key exchange failed",
    "ZMTP_UNEXPECTED_COMMAND": "the peer sent a command out of order (not a ZeroMQ peer, or "
    "a different mechanism)",
    "ZMTP_INVALID_SEQUENCE": "the peer's handshake messages came in the wrong order",
    "ZMTP_INVALID_METADATA": "the peer sent malformed metadata",
}
# ZAP status codes (RFC 27), the value of handshake_failed_auth
ZAP_STATUS: dict[int, str] = {
    300: "temporary error (300): the authenticator could not decide; try again",
    400: "authentication failure (400): the server's authenticator rejected the credentials",
    500: "internal error (500) in the server's authenticator",
}


@dataclass(frozen=True)
class SocketEvent:
    """One connection event of one socket, decoded. ``value`` is libzmq's raw number: a
    file descriptor, an errno, a retry interval in ms, a protocol error or a ZAP status."""

    time: float
    socket: str
    name: str
    endpoint: str
    value: int
    detail: str = ""  # the decoded value, when it means something: "ZMTP_CRYPTOGRAPHIC"

    @property
    def label(self) -> str:
        return LABELS.get(self.name, self.name.replace("_", " "))

    @property
    def problem(self) -> bool:
        return self.name in PROBLEMS

    @property
    def explanation(self) -> str:
        return explain(self.name, self.value, self.detail, self.endpoint)


# A CURVE client's failed handshake (libzmq says only EPIPE: the server hung up) added by
# core.monitor: a server that cannot decrypt the client's HELLO closes the connection.
CURVE_CLIENT_HINT = (
    "as a CURVE client, the usual cause is a wrong server key: the server "
    "could not decrypt our hello and hung up (check the server's public key)"
)


def decode_value(name: str, value: int) -> str:
    """The value's meaning in a word or two, when it has one ("" when it is just an fd)."""
    if name in ("bind_failed", "accept_failed", "close_failed"):
        return _errno_name(value)
    if name == "handshake_failed_protocol":
        return PROTOCOL_ERRORS.get(value, f"protocol error 0x{value:x}")
    if name == "handshake_failed_auth":
        return f"ZAP {value}"
    if name == "connect_retried":
        return f"{value} ms"
    if name == "handshake_failed_no_detail" and value:
        return _errno_name(value)
    return ""


def _errno_name(value: int) -> str:
    code = errno_module.errorcode.get(value)
    return f"{code}: {os.strerror(value)}" if code else f"error {value}"


def explain(name: str, value: int, detail: str, endpoint: str) -> str:
    """One line in words: what happened and, for a failure, the likely reason."""
    where = endpoint or "the endpoint"
    if name == "connected":
        return f"the connection to {where} is open; the ZeroMQ handshake comes next"
    if name == "connect_delayed":
        return f"connecting to {where} did not succeed at once; libzmq keeps trying"
    if name == "connect_retried":
        return (
            f"nobody answered at {where} yet; the next try is in {value} ms "
            "(RECONNECT_IVL, doubling up to RECONNECT_IVL_MAX)"
        )
    if name == "listening":
        return f"bound: peers can connect to {where}"
    if name == "bind_failed":
        return f"could not bind {where}: {detail or _errno_name(value)}"
    if name == "accepted":
        return f"a peer connected to {where}"
    if name == "accept_failed":
        return f"a peer's connection could not be accepted: {detail or _errno_name(value)}"
    if name == "closed":
        return f"the connection on {where} was closed"
    if name == "close_failed":
        return f"closing the connection failed: {detail or _errno_name(value)}"
    if name == "disconnected":
        return (
            f"the peer at {where} closed the connection (it exited or closed its socket, "
            "or the connection broke); a connecting socket reconnects by itself"
        )
    if name == "monitor_stopped":
        return "the socket was closed: no more events"
    if name == "handshake_succeeded":
        return "the ZeroMQ handshake (and security, if any) succeeded: messages can flow"
    if name == "handshake_failed_no_detail":
        if detail.endswith(CURVE_CLIENT_HINT):
            return f"the ZeroMQ handshake failed: {detail}"
        return (
            "the ZeroMQ handshake failed"
            + (f": {detail}" if detail else "")
            + " (not a ZeroMQ peer, a timeout, or the peer went away)"
        )
    if name == "handshake_failed_protocol":
        words = PROTOCOL_WORDS.get(detail, "the peer broke the ZeroMQ protocol")
        return f"the handshake failed: {words}"
    if name == "handshake_failed_auth":
        return (
            f"the server rejected our credentials: {ZAP_STATUS.get(value, f'ZAP {value}')}"
            if value != 200
            else "authentication failed"
        )
    if name == AUTH_DENIED:
        return f"our authenticator denied a client: {detail}"
    if name == AUTH_ALLOWED:
        return f"our authenticator allowed a client: {detail}"
    if name == SCRIPT_LOG:
        return f"the socket's script logged: {detail}"
    if name == SCRIPT_ERROR:
        return f"the socket's script raised an error and its automation stopped: {detail}"
    if name == SCRIPT_PROBLEM:
        return f"the socket's script goes on, but: {detail}"
    if name == RECORDING_CUT:
        return f"the recording ends here, {value:,} messages short: {detail}"
    return name.replace("_", " ")
