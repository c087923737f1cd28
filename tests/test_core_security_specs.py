"""Security decisions and specs: address lists, PLAIN and CURVE verdicts with their reason
(never the password), each mistake of a spec placed on its field, bad security in a
workspace named at its place, and the security JSON round trip.

The other security topics are in the sibling tests/test_core_security_*.py files.
"""

from __future__ import annotations

import json

import pytest
from security_helpers import KEY
from zmq.utils import z85

from zinspect.core.keys.curve_keys import generate_keypair
from zinspect.core.security.authenticator import AuthSpec, decide
from zinspect.core.security.spec import SecuritySpec, check_spec
from zinspect.core.security.spec_json import security_from_json, security_to_json
from zinspect.core.workspace.parse import parse_workspace


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


# -- security in workspace JSON ----------------------------------------------------------------


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
