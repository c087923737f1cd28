"""NULL, PLAIN and CURVE applied to live sockets: allowed keys talk, others are denied with
the reason as an event, a wrong server key delivers nothing, changing the security of a
connected socket recreates it and says so, a wrong spec changes nothing, and the one
authenticator per session leaves the loop cleanly and comes back.

The other security topics are in the sibling tests/test_core_security_*.py files.
"""

from __future__ import annotations

import pytest
import zmq
import zmq.auth
from security_helpers import KEY, events
from session_helpers import ANY_PORT, WAIT_MS, run, traffic

from zinspect.core.keys.curve_keys import generate_keypair
from zinspect.core.security.apply import apply_security, apply_security_async, security_of
from zinspect.core.security.authenticator import AuthSpec, authenticator_for
from zinspect.core.security.security_warnings import security_warnings
from zinspect.core.security.spec import SecurityError, SecuritySpec
from zinspect.core.sockets.events import AUTH_ALLOWED, AUTH_DENIED


# -- live sockets -----------------------------------------------------------------------------
def curve_pair(session, auth: AuthSpec | None = None, client_keys=None, server_key=None):
    """A CURVE PULL server and PUSH client in the session, connected over tcp loopback."""
    server_public, server_secret = generate_keypair()
    client_public, client_secret = client_keys or generate_keypair()
    server = session.create_socket("PULL", "server")
    client = session.create_socket("PUSH", "client")
    apply_security(
        server, SecuritySpec("CURVE", True, server_public, server_secret, authentication=auth)
    )
    apply_security(
        client,
        SecuritySpec(
            "CURVE", False, client_public, client_secret, server_key=server_key or server_public
        ),
    )
    client.connect(server.bind(ANY_PORT).address)
    return server, client, client_public


def test_curve_client_with_an_allowed_key_talks(session, qtbot):
    client_keys = generate_keypair()
    server, client, public = curve_pair(
        session, AuthSpec(client_keys=[client_keys[0]]), client_keys
    )
    assert client.send_now([b"secret plan"])
    qtbot.waitUntil(lambda: traffic(session, server) == [[b"secret plan"]], timeout=WAIT_MS)
    [allowed] = events(session, AUTH_ALLOWED, server)
    assert allowed.detail == f"CURVE client key {public} (from 127.0.0.1)"
    assert server.socket.getsockopt(zmq.MECHANISM) == zmq.CURVE


def test_a_client_key_not_in_the_list_is_denied_with_the_reason(session, qtbot):
    server, client, public = curve_pair(session, AuthSpec(client_keys=[generate_keypair()[0]]))
    assert client.send_now([b"let me in"])
    qtbot.waitUntil(lambda: bool(events(session, AUTH_DENIED, server)), timeout=WAIT_MS)
    denied = events(session, AUTH_DENIED, server)[0]
    assert denied.detail == f"CURVE client key {public} is not in the allowed list (from 127.0.0.1)"
    assert denied.problem and "denied a client" in denied.explanation
    assert traffic(session, server) == []


def test_a_wrong_server_key_delivers_nothing(session, qtbot):
    server, client, _ = curve_pair(session, server_key=generate_keypair()[0])
    assert client.send_now([b"hello?"])
    qtbot.waitUntil(
        lambda: any(
            e.name.startswith("handshake_failed") for e in session.events if e.socket == server.name
        ),
        timeout=WAIT_MS,
    )
    assert traffic(session, server) == []
    assert events(session, AUTH_ALLOWED) == []  # it never got as far as authentication


def test_plain_wrong_password_is_denied_and_the_right_one_talks(session, qtbot):
    server = session.create_socket("PULL", "server")
    apply_security(
        server, SecuritySpec("PLAIN", True, authentication=AuthSpec(users={"bob": "right"}))
    )
    address = server.bind(ANY_PORT).address
    wrong = session.create_socket("PUSH", "wrong")
    apply_security(wrong, SecuritySpec("PLAIN", username="bob", password="wrong"))
    wrong.connect(address)
    assert wrong.send_now([b"from wrong"])
    qtbot.waitUntil(lambda: bool(events(session, AUTH_DENIED, server)), timeout=WAIT_MS)
    assert (
        events(session, AUTH_DENIED, server)[0].detail
        == "PLAIN user 'bob': wrong password (from 127.0.0.1)"
    )
    right = session.create_socket("PUSH", "right")
    apply_security(right, SecuritySpec("PLAIN", username="bob", password="right"))
    right.connect(address)
    assert right.send_now([b"from right"])
    qtbot.waitUntil(lambda: traffic(session, server) == [[b"from right"]], timeout=WAIT_MS)


def test_a_null_socket_can_deny_an_address(session, qtbot):
    server = session.create_socket("PULL", "server")
    apply_security(server, SecuritySpec(authentication=AuthSpec(deny=["127.0.0.0/8"])))
    client = session.create_socket("PUSH", "client")
    client.connect(server.bind(ANY_PORT).address)
    assert client.send_now([b"x"])
    qtbot.waitUntil(lambda: bool(events(session, AUTH_DENIED, server)), timeout=WAIT_MS)
    assert (
        events(session, AUTH_DENIED, server)[0].detail
        == "address 127.0.0.1 is denied (from 127.0.0.1)"
    )
    assert traffic(session, server) == []


def test_changing_security_of_a_connected_socket_recreates_it_and_says_so(session, qtbot, aloop):
    server = session.create_socket("PULL", "server")
    address = server.bind(ANY_PORT).address
    public, secret = generate_keypair()
    done = run(
        aloop, qtbot, apply_security_async(server, SecuritySpec("CURVE", True, public, secret))
    )
    assert done[-1] == (
        "Re-created the socket so its 1 endpoint uses the new security (open "
        "connections were closed and reconnect)"
    )
    assert server.endpoints[0].address == address  # the same port: peers find it again
    assert apply_security(server, SecuritySpec("CURVE", True, public, secret)) == [
        "No change: the socket already uses this security."
    ]
    server.recreate()  # what recreate restores: the mechanism and keys too
    assert server.socket.getsockopt(zmq.MECHANISM) == zmq.CURVE
    assert server.socket.getsockopt(zmq.CURVE_SERVER) == 1
    apply_security(server, SecuritySpec())
    assert server.socket.getsockopt(zmq.MECHANISM) == zmq.NULL
    assert server.security_options == {}


def test_a_wrong_spec_changes_nothing(session):
    server = session.create_socket("PULL", "server")
    with pytest.raises(SecurityError) as caught:
        apply_security(server, SecuritySpec("CURVE", server_key="x"))
    assert caught.value.field == "secret_key"
    assert server.security_options == {} and security_of(server) is None
    assert authenticator_for(session, create=False) is None


def test_the_authenticator_is_one_per_session_and_leaves_the_loop_cleanly(session, qtbot, qtlog):
    public, secret = generate_keypair()
    first = session.create_socket("PULL", "a")
    second = session.create_socket("PULL", "a2")
    apply_security(first, SecuritySpec("CURVE", True, public, secret, authentication=AuthSpec()))
    apply_security(second, SecuritySpec("CURVE", True, public, secret, authentication=AuthSpec()))
    auth = authenticator_for(session, create=False)
    assert auth is not None and auth.running
    assert sorted(auth.policies) == ["a", "a2"]
    second.close()
    assert list(auth.policies) == ["a"]
    session.close()
    qtbot.wait(50)
    assert not [r for r in qtlog.records if "QSocketNotifier" in r.message]


def test_warnings_name_exposed_binds_and_open_curve_servers(session):
    handle = session.create_socket("PULL", "server")
    handle.bind("tcp://*:*")
    handle.bind(ANY_PORT)
    warnings = security_warnings(handle, SecuritySpec())
    assert warnings == [
        "tcp://*:* listens on a network interface without CURVE: anyone who "
        "can reach this machine can connect, and the traffic can be read on "
        "the network. Bind 127.0.0.1, or use CURVE."
    ]
    public, secret = generate_keypair()
    assert security_warnings(handle, SecuritySpec("CURVE", True, public, secret))[0].startswith(
        "A CURVE server without authentication encrypts the traffic but accepts any client key"
    )


def test_the_authenticator_comes_back_after_every_socket_was_closed(session, qtbot):
    """New workspace closes every socket (the reader leaves the loop) but not the session."""
    public, secret = generate_keypair()
    first = session.create_socket("PULL", "first")
    apply_security(first, SecuritySpec("CURVE", True, public, secret, authentication=AuthSpec()))
    first.close()
    server, client, key = curve_pair(session, AuthSpec(client_keys=[KEY]))
    assert client.send_now([b"x"])
    qtbot.waitUntil(lambda: bool(events(session, AUTH_DENIED, server)), timeout=WAIT_MS)
    assert events(session, AUTH_DENIED, server)[0].detail.startswith(f"CURVE client key {key}")
