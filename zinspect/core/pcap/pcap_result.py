"""What a packet capture's import found, as data: each ZMTP connection's endpoints, version,
mechanism and socket types, and the notes split into what the file holds and what went wrong.

A window reads these fields (the Latency view pairs requests and replies by the socket types
the two ends said; a box is a warning only when something went wrong), never the wording of
the sentences made from them for people and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PcapConnection:
    """One ZMTP connection of the capture (a "socket" named ``client -> server``)."""

    name: str  # the rows' socket: "10.0.0.1:40312 -> 10.0.0.2:5555"
    client: str  # its address: the side that sent the SYN (or the higher port)
    server: str
    version: str  # "3.1", "3.0", "2.0"; "" when no greeting was seen (joined mid-stream)
    mechanism: str  # "NULL", "PLAIN", "CURVE" (or what the greeting said); "" unknown
    encrypted: bool  # CURVE: messages are sizes and timing only
    client_type: str  # the socket type the client said ("" not seen; a peer may say anything)
    server_type: str
    client_identity: bytes = b""
    server_identity: bytes = b""
    plain_user: str = ""  # PLAIN's user name (the password is never kept)
    sent: int = 0  # messages from the client (rows "out")
    received: int = 0  # messages from the server (rows "in")
    left_out: int = 0  # messages not imported (too big)

    def describe(self) -> str:
        """One line: versions, mechanisms, socket types, message counts."""
        version = self.version or "ZMTP (joined mid-stream)"
        text = f"{self.name}: " + (f"ZMTP {version}" if version[0].isdigit() else version)
        if self.mechanism:
            text += f" {self.mechanism}"
        if self.encrypted:
            text += " (encrypted: sizes only)"
        kinds = f"{_kind(self.client_type, self.client_identity)} -> "
        kinds += _kind(self.server_type, self.server_identity)
        if kinds != "? -> ?":
            text += f", {kinds}"
        if self.plain_user:
            text += f", PLAIN user {self.plain_user!r} (password masked)"
        text += f", {self.sent:,} out, {self.received:,} in"
        if self.left_out:
            text += f", {self.left_out:,} left out"
        return text


def _kind(socket_type: str, identity: bytes) -> str:
    kind = socket_type or "?"
    if identity:
        kind += f" (identity {identity!r})"
    return kind


@dataclass
class PcapResult:
    """What an import found, for the status bar and the command line: ``connections`` and
    ``notes`` in words, ``connection_info`` and the notes split into ``information`` (what
    the file holds: encrypted connections, connections of other protocols) and ``problems``
    (what went wrong or was left out) as data."""

    messages: list[object]
    connections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    connection_info: list[PcapConnection] = field(default_factory=list)
    information: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def damage_report(self) -> str:
        """'' when there is nothing to warn about, else sentences for the user."""
        return "; ".join(self.notes)


def counted(count: int, noun: str) -> str:
    """``count`` with ``noun`` agreeing with it: "1 message", "2,000 messages"."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _were(count: int) -> str:
    return "was" if count == 1 else "were"


def import_notes(
    counts: dict[str, int],
    *,
    cut_short: bool,
    not_zmtp: int,
    fragments: int,
    refused: int,
    bad_times: int,
    max_connections: int,
) -> list[tuple[bool, str]]:
    """What the user should know about an import, in words, each with whether it is a
    problem (True) or says what the file holds (False); ``counts`` are the parsers' notes
    by kind (``tcp_gap``, ``zmtp_encrypted``...)."""
    notes: list[tuple[bool, str]] = []
    if cut_short:
        notes.append(
            (True, "the file ends in the middle of a packet record (a capture interrupted)")
        )
    gaps = counts.get("tcp_gap", 0)
    if gaps:
        places = f"{gaps:,} place{'s' if gaps != 1 else ''}"
        notes.append((True, f"bytes were missing from the capture in {places} (gaps)"))
    joined = counts.get("zmtp_joined", 0) + counts.get("zmtp_resync", 0)
    if joined == 1:
        notes.append(
            (
                True,
                "a stream was joined mid-way and resynchronised on a frame boundary (what "
                "came before is skipped)",
            )
        )
    elif joined:
        notes.append(
            (
                True,
                f"streams were resynchronised on a frame boundary {joined:,} times (joined "
                "mid-way or after lost bytes; what came before each is skipped)",
            )
        )
    if counts.get("zmtp_encrypted"):
        text = "CURVE connections are encrypted: their messages show sizes and timing only"
        notes.append((False, text))
    if counts.get("message_skipped"):
        skipped = counts["message_skipped"]
        text = f"{counted(skipped, 'message')} too big to import {_were(skipped)} left out"
        notes.append((True, text))
    if counts.get("zmtp_error"):
        text = f"{counted(counts['zmtp_error'], 'ZMTP error')} (see the events of the capture)"
        notes.append((True, text))
    if not_zmtp:
        are = "is" if not_zmtp == 1 else "are"
        text = (
            f"{counted(not_zmtp, 'TCP connection')} {are} not ZMTP and {_were(not_zmtp)} left out"
        )
        notes.append((False, text))
    if fragments:
        text = f"{counted(fragments, 'IP fragment')} {_were(fragments)} left out (not reassembled)"
        notes.append((True, text))
    if refused:
        text = (
            f"{counted(refused, 'packet')} of connections past the {max_connections:,} open at "
            f"once {_were(refused)} left out"
        )
        notes.append((True, text))
    if bad_times:
        text = f"{counted(bad_times, 'packet')} without a valid time {_were(bad_times)} left out"
        notes.append((True, text))
    return notes
