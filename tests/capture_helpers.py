"""Helpers for the capture tests: compare messages by value, and make a disk "fill up"
under a file this process has open."""

from __future__ import annotations

import os


def as_tuples(messages) -> list[tuple]:
    """Messages by what a capture keeps of them: time, socket, direction, frames."""
    return [(m.time, m.socket, m.direction, list(m.frames)) for m in messages]


def open_fd_of(path) -> int:
    """The descriptor this process has open on ``path``."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") == str(path):
                return int(name)
        except OSError:
            continue
    raise AssertionError(f"{path} is not open")


def fill_disk_under(path) -> None:
    """From now on, writes to the open file ``path`` fail with ENOSPC, as on a full disk."""
    full = os.open("/dev/full", os.O_WRONLY)
    try:
        os.dup2(full, open_fd_of(path))
    finally:
        os.close(full)
