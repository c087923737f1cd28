"""Saving a workspace file so that a crash or a full disk never leaves half of one."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

from zinspect.core.workspace.model import WorkspaceError

log = logging.getLogger(__name__)

SECRET_FILE_MODE = 0o600  # a workspace holding secrets: readable only by its owner


def save_workspace_atomic(path: str | os.PathLike[str], text: str, *, secret: bool = False) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one, never
    half of one: a temporary file in the same directory, flushed to disk, then renamed over
    the old. WorkspaceError in words when it fails; the old file is then untouched.
    A ``secret`` text (see holds_secrets) gets mode 0600, as secret key files do, whatever
    the old file's mode was: the temporary file is 0600 from its first byte."""
    target = Path(os.path.realpath(path))  # through a symlink: keep the link, replace its file
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise WorkspaceError(f"Could not save {path}: {error.reason}") from None
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, SECRET_FILE_MODE if secret else _mode_for(target))
        os.replace(temp, target)
        temp = None
        _sync_directory(target.parent)
    except OSError as error:
        raise WorkspaceError(f"Could not save {path}: {error.strerror or error}") from None
    finally:
        if temp is not None:
            try:
                os.unlink(temp)
            except OSError:
                pass
    log.info("saved workspace %s", target)


def _mode_for(target: Path) -> int:
    """The old file's permissions, or the usual ones for a new file (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
