"""Secrets: no secret reaches any log line, a workspace keeps secrets only when asked, and
a workspace round trip reads the key from the certificate file.

The other security topics are in the sibling tests/test_core_security_*.py files.
"""

from __future__ import annotations

import json
import logging

import zmq
import zmq.auth
from security_helpers import KEY, events
from session_helpers import ANY_PORT, WAIT_MS, traffic

from zinspect.core.keys.curve_keys import generate_keypair, save_certificate
from zinspect.core.security.apply import apply_security, security_of
from zinspect.core.security.authenticator import AuthSpec
from zinspect.core.security.spec import SecuritySpec
from zinspect.core.sockets.events import AUTH_DENIED
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.parse import parse_workspace
from zinspect.core.workspace.snapshot import snapshot


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
