"""CURVE keys and certificate files: Z85 keys checked with the reason in words (a secret
key's characters never repeated in a message), generated key pairs that belong together,
certificate files in pyzmq's format with a 0600 secret file, and unusable certificate
files refused in words.

The other security topics are in the sibling tests/test_core_security_*.py files.
"""

from __future__ import annotations

import os
import stat

import pytest
import zmq
import zmq.auth
from security_helpers import KEY
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
