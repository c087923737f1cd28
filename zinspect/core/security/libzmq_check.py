"""Whether the libzmq in use has known security flaws: shown in About, ``--version`` and the
security form, so nobody trusts CURVE on a library with published CVEs."""

from __future__ import annotations

import zmq

SAFE_LIBZMQ = (4, 3, 3)  # older releases have known CVEs


def libzmq_warning() -> str:
    """A sentence to show when libzmq is older than 4.3.3, else ""."""
    if zmq.zmq_version_info()[:3] < SAFE_LIBZMQ:
        return (
            f"libzmq {zmq.zmq_version()} is older than 4.3.3 and has known security "
            "flaws (CVE-2019-6250, CVE-2019-13132, CVE-2020-15166): upgrade pyzmq."
        )
    return ""
