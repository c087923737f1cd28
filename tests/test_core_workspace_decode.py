"""Decode rules and Jupyter keys in workspaces: read with exact places, relative schema
paths kept as written, applied to the session's decoder, saved back to the same file, and
a workspace holding a Jupyter key saved readable by its owner only."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import msgpack

from zinspect.core.decode.model import DecodeRule
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.atomic_save import save_workspace_atomic
from zinspect.core.workspace.dump import dump_workspace, holds_secrets
from zinspect.core.workspace.parse import parse_workspace, read_workspace
from zinspect.core.workspace.snapshot import snapshot

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "a0b1c2d3-secret-kernel-key"

WORKSPACE = """\
{
  "zinspect": 1,
  "sockets": [
    {
      "name": "sensors",
      "type": "SUB",
      "bind": [],
      "connect": ["inproc://decode-ws-nowhere"],
      "subscribe": [""],
      "decode": [
        {"topic": "sensors/msgpack", "frame": 2, "as": "msgpack"},
        {"frame": 2, "as": "protobuf", "schema": "pb/sensor.proto", "type": "demo.sensors.Sensor"},
        {"as": "zstd+json"}
      ]
    },
    {
      "name": "kernel",
      "type": "SUB",
      "bind": [],
      "connect": [],
      "subscribe": [],
      "jupyter_connection_file": "kernel-1.json"
    }
  ],
  "messages": []
}
"""


def write_workspace(tmp_path: Path, text: str = WORKSPACE) -> Path:
    (tmp_path / "pb").mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "sensor.proto", tmp_path / "pb" / "sensor.proto")
    (tmp_path / "kernel-1.json").write_text(json.dumps({"key": SECRET, "shell_port": 1}))
    path = tmp_path / "bench.zinspect.json"
    path.write_text(text)
    return path


def test_rules_and_keys_are_read_with_paths_relative_to_the_workspace_file(tmp_path):
    workspace = read_workspace(write_workspace(tmp_path))
    assert workspace.invalid == []
    sensors, kernel = workspace.sockets
    assert sensors.decode == [
        DecodeRule("msgpack", topic="sensors/msgpack", frame=2),
        DecodeRule(
            "protobuf",
            frame=2,
            schema=str(tmp_path / "pb" / "sensor.proto"),
            message_type="demo.sensors.Sensor",
        ),
        DecodeRule("zstd+json"),
    ]
    assert kernel.jupyter_key == SECRET.encode() and kernel.jupyter_connection_file == (
        "kernel-1.json"
    )


def test_opened_and_saved_again_the_file_is_the_same_text(tmp_path):
    workspace = read_workspace(write_workspace(tmp_path))
    text = dump_workspace(workspace)
    assert json.loads(text) == json.loads(WORKSPACE)  # relative paths as written, no key
    assert SECRET not in text and not holds_secrets(workspace)
    assert dump_workspace(parse_workspace(text, tmp_path)) == text


def test_a_workspace_applied_to_a_session_decodes_with_its_rules_and_saves_back(session, tmp_path):
    workspace = read_workspace(write_workspace(tmp_path))
    assert apply_workspace(workspace, session) == []
    decoder = session.decoder
    assert decoder.rules("sensors") == tuple(workspace.sockets[0].decode)
    assert decoder.jupyter_key("kernel") == SECRET.encode()
    frames = [b"sensors/msgpack/1", msgpack.packb({"t": 21.5})]
    decoded = decoder.decode(frames, "sensors", "SUB").frames[1]
    assert (decoded.decoder, decoded.value, decoded.guessed) == ("msgpack", {"t": 21.5}, False)
    again = snapshot(session)
    assert json.loads(dump_workspace(again)) == json.loads(WORKSPACE)


def test_a_broken_schema_is_said_at_load_with_its_place(session, tmp_path, caplog):
    caplog.expected_warnings = True  # apply_workspace logs each problem
    path = write_workspace(tmp_path)
    (tmp_path / "pb" / "sensor.proto").write_text('syntax = "proto3"; message X { y z = 1; }')
    lines = apply_workspace(read_workspace(path), session)
    assert len(lines) == 1
    assert lines[0].startswith("sockets[0].decode[1].schema: the schema does not compile: ")


def test_a_jupyter_key_written_in_the_workspace_makes_it_a_secret_file(tmp_path):
    document = json.loads(WORKSPACE)
    del document["sockets"][1]["jupyter_connection_file"]
    document["sockets"][1]["jupyter_key"] = SECRET
    workspace = parse_workspace(json.dumps(document), tmp_path)
    assert workspace.sockets[1].jupyter_key == SECRET.encode()
    assert holds_secrets(workspace)
    text = dump_workspace(workspace)
    assert json.loads(text)["sockets"][1]["jupyter_key"] == SECRET
    target = tmp_path / "secret.zinspect.json"
    save_workspace_atomic(target, text, secret=holds_secrets(workspace))
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


def mistakes(tmp_path: Path, socket: dict) -> list[str]:
    entry = {"name": "s", "type": "SUB", **socket}
    workspace = parse_workspace(json.dumps({"zinspect": 1, "sockets": [entry]}), tmp_path)
    assert workspace.sockets == []  # the entry is left out...
    return [str(error) for error in workspace.invalid]  # ...and each mistake said


def test_mistakes_in_rules_are_refused_in_words_at_their_place(tmp_path):
    assert mistakes(tmp_path, {"decode": [{"frame": 2, "as": "yaml"}]}) == [
        "sockets[0].decode[0].as: no decoder named 'yaml'; the decoders are cbor, gzip, json, "
        "lz4, msgpack, pickle, protobuf, protobuf-raw, raw, text, zlib, zstd"
    ]
    assert mistakes(tmp_path, {"decode": [{"as": "msgpack+json"}]}) == [
        "sockets[0].decode[0].as: 'msgpack' gives no bytes for 'json': only a decompressor "
        "(gzip, lz4, zlib, zstd) may come before another decoder"
    ]
    assert mistakes(tmp_path, {"decode": [{"as": "json", "frame": 0}]}) == [
        "sockets[0].decode[0].frame: expected a frame number from 1 to 1,000,000, got 0"
    ]
    assert mistakes(tmp_path, {"decode": [{"as": "protobuf", "schema": "x.proto"}]}) == [
        "sockets[0].decode[0].type: missing: the full name of the message type, e.g. pkg.Sensor"
    ]
    assert mistakes(tmp_path, {"decode": [{"as": "json", "schema": "x.proto"}]}) == [
        "sockets[0].decode[0].schema: only protobuf uses a schema; this rule decodes as json"
    ]
    assert mistakes(tmp_path, {"decode": [{"as": "json", "frames": 2}]}) == [
        "sockets[0].decode[0].frames: unknown key; a decode rule has topic, frame, as, schema, type"
    ]
    assert mistakes(tmp_path, {"decode": {"as": "json"}})[0].startswith(
        "sockets[0].decode: expected a list of decode rules"
    )


def test_jupyter_key_mistakes_never_repeat_the_key(tmp_path):
    found = mistakes(tmp_path, {"jupyter_key": SECRET, "jupyter_connection_file": "k.json"})
    found += mistakes(tmp_path, {"jupyter_key": [SECRET]})
    found += mistakes(tmp_path, {"jupyter_connection_file": "missing.json"})
    (tmp_path / "notjson.json").write_text(SECRET)
    found += mistakes(tmp_path, {"jupyter_connection_file": "notjson.json"})
    assert found == [
        "sockets[0].jupyter_key: give the key or the connection file it is in, not both",
        "sockets[0].jupyter_key: the Jupyter key must be text; this is a list",
        f"sockets[0].jupyter_connection_file: cannot read {tmp_path / 'missing.json'}: "
        "No such file or directory",
        f"sockets[0].jupyter_connection_file: {tmp_path / 'notjson.json'} is not a "
        "connection file: it is not JSON",
    ]
    assert not any(SECRET in line for line in found)


def test_a_connection_files_signature_scheme_is_used_to_check_signatures(session, tmp_path):
    from jupyter_client.session import Session as JupyterSession

    path = write_workspace(tmp_path)
    (tmp_path / "kernel-1.json").write_text(
        json.dumps({"key": SECRET, "signature_scheme": "hmac-sha512"})
    )
    assert apply_workspace(read_workspace(path), session) == []
    assert session.decoder.jupyter_scheme("kernel") == "hmac-sha512"
    kernel = JupyterSession(key=SECRET.encode(), signature_scheme="hmac-sha512")
    message = kernel.msg("status", {"execution_state": "idle"})
    frames = [b"kernel.abc.status", *kernel.serialize(message)]
    recognised = session.decoder.decode(frames, "kernel", "SUB").recognition
    assert recognised is not None and recognised.fields["signature"] == "valid"
    assert snapshot(session).sockets[1].jupyter_scheme == "hmac-sha512"
