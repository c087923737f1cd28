"""Per-socket security: Z85 keys checked in words, certificate files in pyzmq's
format with a 0600 secret file, NULL/PLAIN/CURVE applied to live sockets, ZAP verdicts as
events with their reason, workspaces that keep secrets only when asked, and no secret in any
log line."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest
import zmq
import zmq.auth
from session_helpers import ANY_PORT, WAIT_MS, run, traffic
from zmq.utils import z85

from zinspect.core.keys.curve_keys import (
    KeyFormatError,
    check_key,
    generate_certificate,
    generate_keypair,
    load_certificate,
    load_public_keys,
    public_key_of,
    save_certificate,
)
from zinspect.core.security.apply import apply_security, apply_security_async, security_of
from zinspect.core.security.authenticator import AuthSpec, authenticator_for, decide
from zinspect.core.security.security_warnings import security_warnings
from zinspect.core.security.spec import SecurityError, SecuritySpec, check_spec
from zinspect.core.security.spec_json import security_from_json, security_to_json
from zinspect.core.sockets.events import AUTH_ALLOWED, AUTH_DENIED
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace
from zinspect.core.workspace.snapshot import snapshot

KEY = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"  # the libzmq manual's example public key


def events(session, name: str, handle=None) -> list:
    return [
        e for e in session.events if e.name == name and (handle is None or e.socket == handle.name)
    ]


# -- keys -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter the server key: 40 characters of Z85 text"),
        (KEY[:39], "The server key must be 40 Z85 characters; this is 39"),
        (KEY + "x", "The server key must be 40 Z85 characters; this is 41"),
        (
            KEY[:10] + '"' + KEY[11:],
            "The server key is not Z85: character 11 ('\"') is not one of "
            "0-9 a-z A-Z .-:+=^!/*?&<>()[]{}@%$#",
        ),
        (
            "ab" * 32,
            "The server key must be 40 Z85 characters; this is 64 (this looks like the "
            "key in hex: ZeroMQ writes keys in Z85)",
        ),
        (
            "#####" + KEY[5:],
            "The server key is not a valid Z85 key: characters 1-5 stand for a "
            "number larger than 32 bits",
        ),
    ],
)
def test_z85_keys_are_checked_with_the_reason_in_words(text, message):
    with pytest.raises(KeyFormatError) as caught:
        check_key(text, "server key")
    assert str(caught.value) == message


def test_a_valid_key_passes_and_blanks_around_it_are_dropped():
    assert check_key(f"  {KEY}\n") == KEY
    assert len(z85.decode(KEY)) == 32


def test_a_secret_keys_characters_are_never_repeated_in_a_message():
    with pytest.raises(KeyFormatError) as caught:
        check_key("Q" * 20 + "~" + "Q" * 19, "secret key", secret=True)
    assert "~" not in str(caught.value) and "character 21" in str(caught.value)


def test_generated_key_pairs_are_valid_and_belong_together():
    public, secret = generate_keypair()
    assert check_key(public) == public and check_key(secret) == secret
    assert public_key_of(secret) == public
    assert generate_keypair() != (public, secret)


# -- certificate files ------------------------------------------------------------------------
def test_a_generated_secret_certificate_is_mode_0600_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        public_path, secret_path = generate_certificate(tmp_path / "server")
    finally:
        os.umask(old)
    assert public_path.name == "server.key" and secret_path.name == "server.key_secret"
    assert stat.S_IMODE(secret_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(public_path.stat().st_mode) == 0o666  # the public one is public
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind
    # pyzmq reads our files as its own
    public, secret = zmq.auth.load_certificate(secret_path)
    assert zmq.curve_public(secret) == public
    assert zmq.auth.load_certificate(public_path) == (public, None)


def test_saving_existing_keys_and_loading_them_back(tmp_path):
    public, secret = generate_keypair()
    paths = save_certificate(tmp_path / "client.key_secret", public, secret)  # either name
    assert [p.name for p in paths] == ["client.key", "client.key_secret"]
    certificate = load_certificate(paths[1])
    assert (certificate.public_key, certificate.secret_key, certificate.notes) == (
        public,
        secret,
        [],
    )
    assert load_certificate(paths[0]).secret_key == ""
    with pytest.raises(KeyFormatError, match="does not belong to this secret key"):
        save_certificate(tmp_path / "mixed", generate_keypair()[0], secret)


def test_certificates_made_by_pyzmq_load_and_a_readable_secret_file_is_pointed_out(tmp_path):
    public_file, secret_file = zmq.auth.create_certificates(tmp_path, "made")
    os.chmod(secret_file, 0o644)  # what pyzmq leaves with a usual umask
    certificate = load_certificate(secret_file)
    assert certificate.public_key == zmq.auth.load_certificate(public_file)[0].decode()
    assert certificate.notes == [
        "made.key_secret holds a secret key and other users may "
        "read it (mode 0644): run chmod 600 on it"
    ]


def test_unusable_certificate_files_are_refused_in_words(tmp_path):
    with pytest.raises(KeyFormatError, match="No certificate file at"):
        load_certificate(tmp_path / "missing.key")
    (tmp_path / "notes.key").write_text("hello\n")
    with pytest.raises(
        KeyFormatError, match="notes.key is not a CURVE certificate: it has no public-key line"
    ):
        load_certificate(tmp_path / "notes.key")
    (tmp_path / "short.key").write_text('curve\n    public-key = "abc"\n')
    with pytest.raises(
        KeyFormatError,
        match="short.key: The public key in short.key must be 40 Z85 characters; this is 3",
    ):
        load_certificate(tmp_path / "short.key")


def test_a_directory_of_client_certificates_gives_their_public_keys(tmp_path):
    keys = sorted(
        load_certificate(generate_certificate(tmp_path / name)[0]).public_key for name in ("a", "b")
    )
    assert load_public_keys(tmp_path) == keys
    with pytest.raises(KeyFormatError, match="No directory at"):
        load_public_keys(tmp_path / "nope")


# -- verdicts ---------------------------------------------------------------------------------
def test_address_lists_decide_first_and_say_why():
    curve = [z85.decode(KEY)]
    assert (
        decide(AuthSpec(deny=["10.0.0.0/8"]), "10.0.0.5", b"CURVE", curve).reason
        == "address 10.0.0.5 is denied"
    )
    verdict = decide(AuthSpec(allow=["127.0.0.1"]), "192.168.1.2", b"NULL", [])
    assert verdict == (False, "address 192.168.1.2 is not in the allowed list", "")
    assert decide(AuthSpec(allow=["127.0.0.1"]), "::ffff:127.0.0.1", b"NULL", []).allowed
    assert decide(AuthSpec(allow=["::1"]), "::1", b"NULL", []).allowed
    assert not decide(AuthSpec(allow=["127.0.0.1"]), "", b"NULL", []).allowed
    assert decide(AuthSpec(), "", b"NULL", []).allowed


def test_plain_verdicts_name_the_user_and_never_the_password():
    auth = AuthSpec(users={"alice": "s3cret", "carol": None})
    assert decide(auth, "127.0.0.1", b"PLAIN", [b"alice", b"s3cret"]) == (
        True,
        "PLAIN user 'alice'",
        "alice",
    )
    assert (
        decide(auth, "127.0.0.1", b"PLAIN", [b"alice", b"guess"]).reason
        == "PLAIN user 'alice': wrong password"
    )
    assert (
        decide(auth, "127.0.0.1", b"PLAIN", [b"bob", b"s3cret"]).reason
        == "PLAIN user 'bob' is not in the allowed users"
    )
    assert "not saved in the workspace" in decide(auth, "", b"PLAIN", [b"carol", b"x"]).reason
    assert decide(AuthSpec(), "", b"PLAIN", [b"anyone", b"x"]).allowed


def test_curve_verdicts_check_the_list_and_the_directory_keys():
    other = generate_keypair()[0]
    raw = z85.decode(KEY)
    assert decide(AuthSpec(client_keys=[KEY]), "", b"CURVE", [raw]) == (
        True,
        f"CURVE client key {KEY}",
        KEY,
    )
    assert (
        decide(AuthSpec(client_keys=[other]), "", b"CURVE", [raw]).reason
        == f"CURVE client key {KEY} is not in the allowed list"
    )
    directory = AuthSpec(client_key_directory="/certs")
    assert decide(directory, "", b"CURVE", [raw], frozenset({KEY})).allowed
    assert (
        decide(directory, "", b"CURVE", [raw]).reason
        == f"CURVE client key {KEY} is not in the certificates of /certs"
    )
    assert decide(AuthSpec(), "", b"CURVE", [raw]).allowed  # nothing listed: any key


# -- checking specs ---------------------------------------------------------------------------
def test_check_spec_places_each_mistake_on_its_field():
    assert check_spec(SecuritySpec()) == []
    assert check_spec(SecuritySpec("CURVE", server_key="short")) == [
        (
            "secret_key",
            "This socket needs its own CURVE key pair: generate one, load a "
            "certificate, or enter the secret key",
        ),
        (
            "server_key",
            "The server public key must be 40 Z85 characters; this is 5 (a CURVE "
            "client must know the server's public key)",
        ),
    ]
    public, secret = generate_keypair()
    assert check_spec(SecuritySpec("CURVE", True, KEY, secret))[0] == (
        "public_key",
        "The public key does not belong to this secret key: they are not one key pair",
    )
    assert check_spec(SecuritySpec("PLAIN")) == [
        ("username", "Enter the username: a PLAIN client sends a username and a password"),
        ("password", "Enter the password: PLAIN does not take an empty one"),
    ]
    assert check_spec(
        SecuritySpec(
            "CURVE",
            False,
            public,
            secret,
            server_key=KEY,
            authentication=AuthSpec(allow=["nowhere"]),
        )
    ) == [
        (
            "authentication",
            "Authentication is for server sockets: tick 'server', or turn authentication off",
        ),
        (
            "authentication.allow[0]",
            "'nowhere' is not an IP address or network (e.g. 127.0.0.1, ::1, 10.0.0.0/8)",
        ),
    ]


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


# -- secrets ----------------------------------------------------------------------------------
def test_no_secret_reaches_any_log_line(session, qtbot, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, zmq.auth and zinspect's alike
    server_public, server_secret = generate_keypair()
    client_public, client_secret = generate_keypair()
    server = session.create_socket("PULL", "server")
    apply_security(
        server,
        SecuritySpec(
            "CURVE",
            True,
            server_public,
            server_secret,
            authentication=AuthSpec(client_keys=[client_public]),
        ),
    )
    client = session.create_socket("PUSH", "client")
    apply_security(
        client, SecuritySpec("CURVE", False, client_public, client_secret, server_key=server_public)
    )
    client.connect(server.bind(ANY_PORT).address)
    plain = session.create_socket("PULL", "plain")
    apply_security(
        plain, SecuritySpec("PLAIN", True, authentication=AuthSpec(users={"u": "pw-s3cret-1"}))
    )
    user = session.create_socket("PUSH", "user")
    apply_security(user, SecuritySpec("PLAIN", username="u", password="pw-s3cret-1"))
    intruder = session.create_socket("PUSH", "intruder")
    apply_security(intruder, SecuritySpec("PLAIN", username="u", password="pw-s3cret-2"))
    for handle in (user, intruder):
        handle.connect(plain.bind(ANY_PORT).address)
        handle.send_now([b"1"])
    client.send_now([b"2"])
    qtbot.waitUntil(
        lambda: (
            len(traffic(session, plain)) + len(traffic(session, server)) == 2
            and bool(events(session, AUTH_DENIED, plain))
        ),
        timeout=WAIT_MS,
    )
    text = "\n".join(r.getMessage() for r in caplog.records) + repr(
        [security_of(h) for h in session.sockets]
    )
    assert "security option CURVE_SECRETKEY set" in text  # it did log, just not the value
    for secret in (server_secret, client_secret, "pw-s3cret-1", "pw-s3cret-2"):
        assert secret not in text


def test_a_workspace_keeps_secrets_only_when_asked(session, tmp_path):
    public, secret = generate_keypair()
    _, secret_file = save_certificate(tmp_path / "server", public, secret)
    server = session.create_socket("PULL", "server")
    apply_security(
        server,
        SecuritySpec(
            "CURVE",
            True,
            public,
            secret,
            certificate=str(secret_file),
            authentication=AuthSpec(client_keys=[KEY]),
        ),
    )
    client = session.create_socket("PUSH", "client")
    apply_security(client, SecuritySpec("PLAIN", username="bob", password="hunter2"))
    text = dump_workspace(snapshot(session))
    assert secret not in text and "hunter2" not in text
    document = json.loads(text)
    assert document["sockets"][0]["security"] == {
        "mechanism": "CURVE",
        "server": True,
        "public_key": public,
        "certificate": str(secret_file),
        "authentication": {"client_keys": [KEY]},
    }
    assert document["sockets"][1]["security"] == {"mechanism": "PLAIN", "username": "bob"}

    apply_security(
        client, SecuritySpec("PLAIN", username="bob", password="hunter2", save_secrets=True)
    )
    saved = json.loads(dump_workspace(snapshot(session)))["sockets"][1]["security"]
    assert saved == {
        "mechanism": "PLAIN",
        "username": "bob",
        "password": "hunter2",
        "save_secrets": True,
    }


def test_a_workspace_round_trip_reads_the_key_from_the_certificate(session, tmp_path, caplog):
    public, secret = generate_keypair()
    _, secret_file = save_certificate(tmp_path / "server", public, secret)
    text = dump_workspace(
        parse_workspace(
            json.dumps(
                {
                    "zinspect": 1,
                    "sockets": [
                        {
                            "name": "server",
                            "type": "PULL",
                            "bind": [ANY_PORT],
                            "security": {
                                "mechanism": "CURVE",
                                "server": True,
                                "certificate": str(secret_file),
                            },
                        },
                        {
                            "name": "client",
                            "type": "PUSH",
                            "connect": ["tcp://127.0.0.1:5999"],
                            "security": {"mechanism": "PLAIN", "username": "bob"},
                        },
                    ],
                }
            )
        )
    )
    workspace = parse_workspace(text)
    assert workspace.invalid == []
    caplog.expected_warnings = True  # the PLAIN password was not saved
    lines = apply_workspace(workspace, session)
    server, client = session.sockets
    assert security_of(server).certificate == str(secret_file)
    assert server.security_options["CURVE_PUBLICKEY"] == public.encode()  # from the file
    assert server.socket.getsockopt(zmq.CURVE_SERVER) == 1 and server.endpoints
    assert lines == [
        "sockets[1].security: The password was not saved in the workspace: "
        "enter it again; not bound or connected until its security is fixed"
    ]
    assert client.endpoints == []  # not connected without the security it was meant to have
    assert dump_workspace(snapshot(session)) == text  # saving again keeps the security
    done = apply_security(client, SecuritySpec("PLAIN", username="bob", password="pw"))
    assert done[-1] == "Bound or connected the 1 endpoint that waited for this security"
    assert [e.requested for e in client.endpoints] == ["tcp://127.0.0.1:5999"]
    assert dump_workspace(snapshot(session)) == text  # the same endpoint, once


@pytest.mark.parametrize(
    "security, message",
    [
        (
            {"mechanism": "CURVES"},
            'sockets[0].security.mechanism: expected NULL, PLAIN or CURVE, got "CURVES"',
        ),
        (
            {"mechanism": "CURVE", "server": True, "secret_kye": "x"},
            "sockets[0].security.secret_kye: unknown key; expected one of mechanism, server, "
            "public_key, secret_key, certificate, server_key, username, password, authentication, "
            "save_secrets",
        ),
        (
            {"mechanism": "CURVE", "certificate": "/c", "server_key": "abc"},
            "sockets[0].security.server_key: The server public key must be 40 Z85 characters; this "
            "is 3 (a CURVE client must know the server's public key)",
        ),
        (
            {"mechanism": "NULL", "authentication": {"deny": ["10.0.0.300"]}},
            "sockets[0].security.authentication.deny[0]: '10.0.0.300' is not an IP address or "
            "network (e.g. 127.0.0.1, ::1, 10.0.0.0/8)",
        ),
        (
            {
                "mechanism": "CURVE",
                "server": True,
                "certificate": "/c",
                "authentication": {"users": {"a": 1}},
            },
            "sockets[0].security.authentication.users.a: expected a password or null, got a number",
        ),
    ],
)
def test_bad_security_in_a_workspace_names_its_place(security, message):
    workspace = parse_workspace(
        json.dumps({"zinspect": 1, "sockets": [{"type": "PULL", "security": security}]})
    )
    assert [str(e) for e in workspace.invalid] == [message]


def test_security_json_round_trips_every_field():
    spec = SecuritySpec(
        "CURVE",
        True,
        *generate_keypair(),
        certificate="/c/s.key_secret",
        authentication=AuthSpec(["127.0.0.1"], ["10.0.0.0/8"], [KEY], "/c"),
        save_secrets=True,
    )
    assert security_from_json(security_to_json(spec), "s") == spec
    plain = SecuritySpec("PLAIN", True, authentication=AuthSpec(users={"a": "b"}))
    assert security_from_json(security_to_json(plain), "s").authentication.users == {"a": None}


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
