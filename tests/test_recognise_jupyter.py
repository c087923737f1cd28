"""Jupyter messages as jupyter_client's Session signs them: every frame named, the JSON read,
and the signature checked with the socket's key: valid, invalid or unchecked, never shown."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import zmq
from jupyter_client.session import Session
from recognise_helpers import decode, linked, pub_sub, receive

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodeError
from zinspect.core.decode.protocols.jupyter import parse_connection_file

KEY = b"4f6e8c2a-key-of-the-connection-file"


def shell_request(key: bytes = KEY) -> list[bytes]:
    """An execute_request as a kernel's ROUTER shell socket receives it from a DEALER client."""
    session = Session(key=key, username="ada")
    with linked(zmq.ROUTER, zmq.DEALER, b"client-1") as (kernel, client):
        session.send(client, "execute_request", content={"code": "print(1 + 1)", "silent": False})
        return receive(kernel)


def test_a_signed_request_with_the_right_key_is_valid_and_every_frame_has_its_role():
    frames = shell_request()
    decoded = decode(frames, "ROUTER", key=KEY)
    assert decoded.recognition.protocol == "jupyter"
    fields = decoded.recognition.fields
    assert fields["msg_type"] == "execute_request" and fields["signature"] == "valid"
    assert fields["username"] == "ada" and fields["msg_id"]
    roles = [frame.role for frame in decoded.frames]
    assert roles == [
        "routing id", "delimiter", "signature", "header", "parent header", "metadata", "content"
    ]  # fmt: skip
    assert decoded.frames[0].value == "client-1"
    assert decoded.frames[6].value == {"code": "print(1 + 1)", "silent": False}
    assert decoded.summary.startswith(f"execute_request msg_id={fields['msg_id'][:12]}")
    assert "✓" in decoded.summary and "print(1 + 1)" in decoded.summary


def test_a_wrong_key_makes_it_invalid_and_no_key_leaves_it_unchecked():
    frames = shell_request()
    wrong = decode(frames, "ROUTER", key=b"not-the-key")
    assert wrong.recognition.fields["signature"] == "invalid"
    assert "bad signature" in wrong.summary
    unchecked = decode(frames, "ROUTER")
    assert unchecked.recognition.fields["signature"] == "unchecked"
    assert "unchecked" in unchecked.summary


def test_an_unsigned_message_is_invalid_when_the_socket_has_a_key():
    frames = shell_request(key=b"")
    assert frames[2] == b""  # jupyter_client sends an empty signature without a key
    assert decode(frames, "ROUTER").recognition.fields["signature"] == "unchecked"
    assert decode(frames, "ROUTER", key=KEY).recognition.fields["signature"] == "invalid"


def test_a_changed_content_no_longer_matches_its_signature():
    frames = shell_request()
    frames[-1] = frames[-1].replace(b"1 + 1", b"2 + 2")
    assert decode(frames, "ROUTER", key=KEY).recognition.fields["signature"] == "invalid"


def test_iopub_messages_have_a_topic_a_parent_and_buffers(caplog):
    caplog.set_level(logging.DEBUG, logger="zinspect")
    kernel = Session(key=KEY)
    parent = kernel.msg("execute_request", content={"code": "x"})
    with pub_sub() as (iopub, subscriber):
        kernel.send(
            iopub,
            "display_data",
            content={"data": {"text/plain": "x"}},
            parent=parent,
            ident=b"kernel.1234.display_data",
            buffers=[b"\x00\x01binary"],
        )
        frames = receive(subscriber)
    decoded = decode(frames, "SUB", key=KEY)
    fields = decoded.recognition.fields
    assert fields["signature"] == "valid" and fields["buffers"] == 1
    assert fields["parent_msg_id"] == parent["header"]["msg_id"]
    assert fields["parent_msg_type"] == "execute_request"
    assert fields["topic"] == "kernel.1234.display_data"
    assert decoded.frames[0].role == "topic" and decoded.frames[-1].role == "buffer"
    assert decoded.frames[-1].value == b"\x00\x01binary"
    key_text = KEY.decode()
    seen = repr(decoded) + caplog.text
    assert key_text not in seen and KEY.hex() not in seen  # the key is never shown


def test_a_delimiter_without_a_json_header_is_not_jupyter():
    frames = [b"id", b"<IDS|MSG>", b"sig", b"not json", b"{}", b"{}", b"{}"]
    decoded = decode(frames)
    assert decoded.recognition is None  # the decoder fell back to plain frames
    assert [frame.decoder for frame in decoded.frames][3] == "text"
    no_type = [b"<IDS|MSG>", b"", b'{"msg_id": "1"}', b"{}", b"{}", b"{}"]
    assert decode(no_type).recognition is None


def test_the_connection_files_scheme_is_used_and_read_with_its_key(tmp_path):
    from jupyter_client.connect import write_connection_file

    path, info = write_connection_file(
        str(tmp_path / "kernel.json"), key=KEY, signature_scheme="hmac-sha512"
    )
    key, scheme = parse_connection_file(Path(path).read_bytes())
    assert (key, scheme) == (KEY, "hmac-sha512")
    session = Session(key=key, signature_scheme=scheme)
    frames = session.serialize(session.msg("kernel_info_request"), ident=[b"c"])
    decoder = MessageDecoder()
    decoder.set_jupyter_key("shell", key, scheme)
    assert decoder.decode(frames, "shell").recognition.fields["signature"] == "valid"
    decoder.set_jupyter_key("shell", key)  # sha256, the default: the wrong scheme
    assert decoder.decode(frames, "shell").recognition.fields["signature"] == "invalid"
    decoder.set_jupyter_key("shell", key, "hmac-nonsense")
    fields = decoder.decode(frames, "shell").recognition.fields
    assert fields["signature"] == "unchecked"
    assert fields["signature_note"] == "unknown signature scheme"


def test_a_file_that_is_not_a_connection_file_is_refused_without_quoting_it():
    for data, reason in [
        (b"not json " + KEY, "is JSON"),
        (b"[1]", "JSON object"),
        (b'{"key": 5}', "key is not text"),
        (b'{"key": "k", "signature_scheme": "sha256"}', "signature_scheme"),
        (b'{"key": "\\ud800"}', "not valid text"),
    ]:
        with pytest.raises(DecodeError, match=reason) as refused:
            parse_connection_file(data)
        assert KEY.decode() not in str(refused.value)
    assert parse_connection_file(b'{"key": ""}') == (b"", "hmac-sha256")  # signing off


def test_a_users_rule_for_a_frame_wins_and_the_frame_keeps_its_role():
    from zinspect.core.decode.model import DecodeRule

    decoder = MessageDecoder()
    decoder.set_jupyter_key("shell", KEY)
    decoder.set_rules("shell", [DecodeRule("raw", frame=7)])
    decoded = decoder.decode(shell_request(), "shell", "ROUTER")
    content = decoded.frames[6]
    assert content.decoder == "raw" and content.role == "content"
    assert isinstance(content.value, bytes)
    assert decoded.recognition.fields["signature"] == "valid"
