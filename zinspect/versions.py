"""What this installation is built from: printed by ``zinspect --version`` and shown in About.

libzmq's features decide what the UI offers (transports, draft types, CURVE), so people
reporting a problem should see them at a glance.
"""

from __future__ import annotations

import platform

import zmq

import zinspect
from zinspect.core.security.libzmq_check import libzmq_warning

TRANSPORTS = ("ipc", "pgm", "epgm", "tipc", "norm", "ws", "wss", "vmci")
FEATURES = ("draft", "curve", "gssapi")


def qt_versions() -> tuple[str, str]:
    """(PySide6 version, Qt runtime version); imported lazily so core users need no Qt."""
    import PySide6
    from PySide6 import QtCore

    return PySide6.__version__, QtCore.qVersion()


def version_report() -> str:
    pyside, qt = qt_versions()
    transports = ["tcp", "inproc"] + [t for t in TRANSPORTS if zmq.has(t)]
    missing = [t for t in TRANSPORTS if not zmq.has(t)]
    features = [f"{f}: {'yes' if zmq.has(f) else 'no'}" for f in FEATURES]
    lines = [
        f"zinspect {zinspect.__version__}",
        f"pyzmq    {zmq.__version__}",
        f"libzmq   {zmq.zmq_version()}",
        f"Qt       {qt} (PySide6 {pyside})",
        f"Python   {platform.python_version()} ({platform.system()} {platform.machine()})",
        f"transports available: {', '.join(transports)}",
        f"transports missing:   {', '.join(missing) or 'none'}",
        f"features: {', '.join(features)}"
        + (
            ""
            if zmq.has("draft")
            else " (draft socket types CLIENT, SERVER, RADIO, DISH, "
            "SCATTER, GATHER, PEER, CHANNEL unavailable)"
        ),
    ]
    warning = libzmq_warning()
    if warning:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
