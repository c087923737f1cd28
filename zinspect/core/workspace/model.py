"""What a workspace holds: the sockets of a session (and a library of saved messages).

A workspace holds everything needed to recreate the sockets: type, name, the endpoints as
they were *requested* (``tcp://127.0.0.1:*`` stays a wildcard, so each opening takes a free
port: write a fixed port to get the same one every time), subscriptions, the options that
were set and the automation. docs/workspace-format.md describes the format for people who
write workspaces by hand; parse.py reads it, dump.py writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zinspect.core.automation.automation import AutomationSpec
from zinspect.core.decode.model import DecodeRule
from zinspect.core.frames_json import SpecError
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.tap.spec import TapSpec

FORMAT_VERSION = 1
EXTENSION = ".zinspect.json"
FORMAT_KEY = "zinspect"


class WorkspaceError(Exception):
    """A workspace that cannot be read or written at all; the message is for the user."""


@dataclass
class SocketSpec:
    """One socket as a workspace records it. ``name`` "" lets the session choose one."""

    name: str
    type: str
    bind: list[str] = field(default_factory=list)
    connect: list[str] = field(default_factory=list)
    subscribe: list[bytes] = field(default_factory=list)
    options: dict[str, int | bytes] = field(default_factory=dict)
    automation: AutomationSpec | None = None
    security: SecuritySpec | None = None  # None: NULL, no authentication
    # its ipc binds may replace a socket file found at their path (never any other file)
    replace_socket_files: bool = False
    decode: list[DecodeRule] = field(default_factory=list)  # the first that matches wins
    jupyter_key: bytes | None = None  # a secret: saved only when no connection file is named
    jupyter_scheme: str = "hmac-sha256"  # the connection file's signature_scheme
    jupyter_connection_file: str | None = None  # as written; the key was read from it
    # where it was in the file (``sockets[2]``), so errors met while creating it name the
    # place the user must edit; not part of what the socket *is*
    source: str = field(default="", compare=False)


@dataclass
class SavedMessage:
    """A named message to send with one click; ``socket`` None sends on the selected one."""

    name: str
    socket: str | None
    frames: list[bytes]


@dataclass
class LeftOut:
    """An entry of the file that could not be loaded (a bad secret key, a typo), kept as it
    was written: saving the workspace writes it back at its place, so a file opened with
    mistakes loses none of them (the user fixes them by hand, or removes them)."""

    section: str  # "sockets", "messages" or "taps"
    index: int  # its place in that list in the file
    value: Any  # the entry's JSON, as read

    def holds(self, error: SpecError) -> bool:
        """Whether ``error`` is about this entry (not, say, about the file's whole list)."""
        place = f"{self.section}[{self.index}]"
        return error.path == place or error.path.startswith((place + ".", place + "["))


@dataclass
class Workspace:
    """What a workspace file holds; ``invalid`` the entries that were left out, and why;
    ``left_out`` those entries as they were written (dump.py writes them back)."""

    sockets: list[SocketSpec] = field(default_factory=list)
    messages: list[SavedMessage] = field(default_factory=list)
    taps: list[TapSpec] = field(default_factory=list)  # core.tap: zinspect between programs
    invalid: list[SpecError] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
