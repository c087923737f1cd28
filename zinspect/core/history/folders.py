"""Where a session's temporary history lives, and removing the ones a crash left behind.

Each session gets a folder of its own under the system's temporary folder, named
``zinspect-history-*``, holding a marker file that says zinspect made it and a lock file the
session holds (``fcntl.flock``) while it runs. At start, ``remove_stale_histories`` removes
only folders with that name *and* that marker whose lock nobody holds: a live session's
folder, or anything zinspect did not create, is never touched. The kernel releases a flock
when its process dies, however it dies, so a crashed session's folder is stale at once.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Final

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; folders are then never stale
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

PREFIX: Final = "zinspect-history-"
MARKER: Final = "ZINSPECT-HISTORY"
LOCK: Final = "lock"
_MARKER_TEXT: Final = "A temporary message history of a zinspect session; removed when it ends.\n"


class HistoryFolder:
    """A session's history folder, locked while the session runs."""

    def __init__(self, base: Path | None = None) -> None:
        parent = Path(tempfile.gettempdir()) if base is None else base
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX, dir=parent))
        (self.path / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")
        self._lock_fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        if fcntl is not None:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def remove(self) -> None:
        """Delete the folder and everything in it (a clean exit)."""
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1
        shutil.rmtree(self.path, ignore_errors=True)


def is_stale(path: Path) -> bool:
    """Whether ``path`` is a history folder zinspect made whose session is gone."""
    if not path.name.startswith(PREFIX) or path.is_symlink() or not path.is_dir():
        return False
    if not (path / MARKER).is_file() or fcntl is None:
        return False
    try:
        fd = os.open(path / LOCK, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False  # a live session holds it
    finally:
        os.close(fd)  # closing releases a lock taken just now
    return True


def remove_stale_histories(base: Path | None = None) -> int:
    """Remove the history folders crashed sessions left in ``base`` (the system's temporary
    folder by default); the number removed."""
    parent = Path(tempfile.gettempdir()) if base is None else base
    removed = 0
    try:
        candidates = list(parent.glob(PREFIX + "*"))
    except OSError:
        return 0
    for path in candidates:
        if is_stale(path):
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
            log.info("removed a stale history: %s", path)
    return removed


def free_space(path: Path) -> int | None:
    """Bytes free for us where ``path`` is, or None when the system does not say."""
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None
