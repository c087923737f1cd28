"""Shared by the core security tests (tests/test_core_security_*.py): a known valid public
key, and the session's events of one kind."""

from __future__ import annotations

KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"  # the libzmq manual's example public key


def events(session, name: str, handle=None) -> list:
    return [
        e for e in session.events if e.name == name and (handle is None or e.socket == handle.name)
    ]
