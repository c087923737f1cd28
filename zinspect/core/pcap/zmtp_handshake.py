"""What one side of a ZMTP connection says about itself: the handshake as data, and READY's
metadata read from its bytes (the import's parser and the endpoint probe both read it)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Handshake:
    """What one side said about itself."""

    version: str = ""  # "3.1", "3.0", "2.0"; "" when the greeting was not seen
    mechanism: str = ""
    as_server: bool = False
    socket_type: str = ""
    identity: bytes = b""
    user: str = ""  # PLAIN's user name (the password is never kept)
    encrypted: bool = False
    properties: dict[str, str] = field(default_factory=dict)


def read_properties(data: bytes) -> dict[str, bytes]:
    """READY's metadata: name (1-byte size) and value (4-byte size) pairs; stops at damage."""
    properties: dict[str, bytes] = {}
    i, n = 0, len(data)
    while i < n and len(properties) < 100:
        size = data[i]
        name = data[i + 1 : i + 1 + size]
        i += 1 + size
        if i + 4 > n:
            break
        length = int.from_bytes(data[i : i + 4], "big")
        if i + 4 + length > n:
            break
        properties[name.decode("ascii", "replace")] = data[i + 4 : i + 4 + length]
        i += 4 + length
    return properties
