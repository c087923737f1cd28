"""End to end: zinspect sockets with CURVE and PLAIN security against real peer processes
(tests/peers/secure_push.py, secure_rep.py: plain pyzmq). The right keys talk; a wrong key,
a wrong password, a missing mechanism deliver nothing, and the reason shows as an event.
Ports are always random."""

from __future__ import annotations

import pytest
import zmq
from peerio import start_peer
from session_helpers import ANY_PORT, WAIT_MS, traffic
from ui_actions import PEER_WAIT_MS

from zinspect.core.keys.curve_keys import generate_certificate, generate_keypair, load_certificate
from zinspect.core.security.apply import apply_security
from zinspect.core.security.authenticator import AuthSpec
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.sockets.events import AUTH_ALLOWED, AUTH_DENIED, PROTOCOL_ERRORS
from zinspect.core.store import IN

pytestmark = pytest.mark.e2e

CRYPTOGRAPHIC = next(k for k, v in PROTOCOL_ERRORS.items() if v == "ZMTP_CRYPTOGRAPHIC")
MECHANISM_MISMATCH = next(k for k, v in PROTOCOL_ERRORS.items() if v == "ZMTP_MECHANISM_MISMATCH")


started = start_peer  # the shared helper, under this file's name


def events(session, name: str, handle) -> list:
    return [e for e in session.events if e.name == name and e.socket == handle.name]


@pytest.fixture
def curve_server(session, tmp_path):
    """A zinspect PULL bound as a CURVE server whose authentication allows the client
    certificate ``tmp_path/client``; returns (handle, address, server public key, client
    secret certificate path)."""
    public, secret = generate_keypair()
    _, client_cert = generate_certificate(tmp_path / "client")
    client_key = load_certificate(client_cert).public_key
    handle = session.create_socket("PULL", "server")
    apply_security(
        handle,
        SecuritySpec(
            "CURVE", True, public, secret, authentication=AuthSpec(client_keys=[client_key])
        ),
    )
    return handle, handle.bind(ANY_PORT).address, public, client_cert


def test_a_curve_client_with_the_right_keys_talks(session, qtbot, peer, curve_server):
    handle, address, server_key, client_cert = curve_server
    out = started(
        peer,
        qtbot,
        "secure_push.py",
        address,
        3,
        f"--server-key={server_key}",
        "--cert",
        client_cert,
    )
    qtbot.waitUntil(lambda: len(traffic(session, handle)) == 3, timeout=WAIT_MS)
    assert traffic(session, handle) == [[b"msg 0"], [b"msg 1"], [b"msg 2"]]
    client_key = out.line("public").split()[1]
    [allowed] = events(session, AUTH_ALLOWED, handle)
    assert allowed.detail == f"CURVE client key {client_key} (from 127.0.0.1)"
    qtbot.waitUntil(lambda: out.proc.poll() is not None, timeout=WAIT_MS)
    assert out.proc.returncode == 0 and out.has("event handshake_succeeded")


def test_a_client_key_not_allowed_is_denied_with_the_reason(session, qtbot, peer, curve_server):
    handle, address, server_key, _ = curve_server
    out = started(peer, qtbot, "secure_push.py", address, 1, f"--server-key={server_key}")
    qtbot.waitUntil(
        lambda: (
            bool(events(session, AUTH_DENIED, handle)) and out.has("event handshake_failed_auth")
        ),
        timeout=WAIT_MS,
    )
    stranger = out.line("public").split()[1]
    denied = events(session, AUTH_DENIED, handle)[0]
    assert (
        denied.detail == f"CURVE client key {stranger} is not in the allowed list (from 127.0.0.1)"
    )
    assert out.line("event handshake_failed_auth") == "event handshake_failed_auth 400"
    assert traffic(session, handle) == []


def test_a_wrong_server_key_fails_the_handshake_and_delivers_nothing(
    session, qtbot, peer, curve_server
):
    handle, address, _, client_cert = curve_server
    out = started(
        peer,
        qtbot,
        "secure_push.py",
        address,
        1,
        f"--server-key={generate_keypair()[0]}",
        "--cert",
        client_cert,
    )
    qtbot.waitUntil(
        lambda: bool(events(session, "handshake_failed_protocol", handle)), timeout=WAIT_MS
    )
    failure = events(session, "handshake_failed_protocol", handle)[0]
    assert failure.value == CRYPTOGRAPHIC
    assert "did not decrypt" in failure.explanation
    qtbot.waitUntil(lambda: out.has("event handshake_failed"), timeout=WAIT_MS)
    assert traffic(session, handle) == []
    assert events(session, AUTH_ALLOWED, handle) == []


def test_a_null_client_against_a_curve_server_fails_on_the_mechanism(
    session, qtbot, peer, curve_server
):
    handle, address, _, _ = curve_server
    out = started(peer, qtbot, "secure_push.py", address, 1)
    # the side that reads the other's greeting first names the mismatch; the other one
    # sees the connection closed (EPIPE)
    mismatch = f"event handshake_failed_protocol {MECHANISM_MISMATCH}"
    try:
        qtbot.waitUntil(
            lambda: (
                any(
                    e.value == MECHANISM_MISMATCH
                    for e in events(session, "handshake_failed_protocol", handle)
                )
                or out.has(mismatch)
            ),
            timeout=WAIT_MS,
        )
    except qtbot.TimeoutError:  # rare in parallel runs: say what each side saw instead
        seen = [(e.name, e.value) for e in session.events if e.socket == handle.name]
        raise AssertionError(f"server events {seen[:20]}; client said {out.poll()[:20]}") from None
    qtbot.waitUntil(
        lambda: any(
            e.name.startswith("handshake_failed") for e in session.events if e.socket == handle.name
        ),
        timeout=WAIT_MS,
    )
    assert traffic(session, handle) == []


def test_plain_wrong_password_is_denied_and_the_right_one_talks(session, qtbot, peer):
    handle = session.create_socket("PULL", "server")
    apply_security(
        handle, SecuritySpec("PLAIN", True, authentication=AuthSpec(users={"bob": "hunter2"}))
    )
    address = handle.bind(ANY_PORT).address
    wrong = started(peer, qtbot, "secure_push.py", address, 1, "--plain", "bob:guess")
    qtbot.waitUntil(lambda: bool(events(session, AUTH_DENIED, handle)), timeout=WAIT_MS)
    # the client's side, from its own monitor (one failure in a full CI run: say what it saw)
    try:
        qtbot.waitUntil(lambda: wrong.has("event handshake_failed_auth"), timeout=PEER_WAIT_MS)
    except qtbot.TimeoutError:
        said = wrong.poll()[:20]
        raise AssertionError(f"the client never said its handshake failed: {said}") from None
    assert (
        events(session, AUTH_DENIED, handle)[0].detail
        == "PLAIN user 'bob': wrong password (from 127.0.0.1)"
    )
    assert traffic(session, handle) == []
    right = started(peer, qtbot, "secure_push.py", address, 1, "--plain", "bob:hunter2")
    qtbot.waitUntil(lambda: traffic(session, handle) == [[b"msg 0"]], timeout=WAIT_MS)
    assert right.has("public -")


# -- zinspect as the client -------------------------------------------------------------------
def test_zinspect_as_curve_client_talks_to_a_curve_server(session, qtbot, peer, tmp_path):
    _, server_cert = generate_certificate(tmp_path / "server")
    out = started(peer, qtbot, "secure_rep.py", ANY_PORT, "--cert", server_cert)
    client = session.create_socket("REQ", "client")
    apply_security(
        client,
        SecuritySpec(
            "CURVE", False, *generate_keypair(), server_key=load_certificate(server_cert).public_key
        ),
    )
    client.connect(out.line("ready").split()[1])
    assert client.send_now([b"Hello"])
    qtbot.waitUntil(lambda: traffic(session, client, IN) == [[b"World"]], timeout=WAIT_MS)
    assert out.has("Received request: Hello")


def test_zinspect_with_a_wrong_server_key_delivers_nothing(session, qtbot, peer, tmp_path):
    _, server_cert = generate_certificate(tmp_path / "server")
    out = started(peer, qtbot, "secure_rep.py", ANY_PORT, "--cert", server_cert)
    client = session.create_socket("REQ", "client")
    apply_security(
        client, SecuritySpec("CURVE", False, *generate_keypair(), server_key=generate_keypair()[0])
    )
    client.connect(out.line("ready").split()[1])
    assert client.send_now([b"Hello"])
    qtbot.waitUntil(
        lambda: out.has(f"event handshake_failed_protocol {CRYPTOGRAPHIC}"), timeout=WAIT_MS
    )
    assert not out.has("Received request")
    assert client.socket.getsockopt(zmq.MECHANISM) == zmq.CURVE


def test_zinspect_plain_client_with_a_wrong_password_is_rejected(session, qtbot, peer):
    out = started(peer, qtbot, "secure_rep.py", ANY_PORT, "--plain", "alice:open-sesame")
    client = session.create_socket("REQ", "client")
    apply_security(client, SecuritySpec("PLAIN", username="alice", password="sesame"))
    client.connect(out.line("ready").split()[1])
    assert client.send_now([b"Hello"])
    qtbot.waitUntil(lambda: bool(events(session, "handshake_failed_auth", client)), timeout=WAIT_MS)
    failure = events(session, "handshake_failed_auth", client)[0]
    assert failure.value == 400 and "rejected our credentials" in failure.explanation
    assert not out.has("Received request")
