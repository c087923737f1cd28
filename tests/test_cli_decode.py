"""``zinspect decode``: a capture's messages decoded as JSON Lines, by the window's decoder
with a workspace's rules, streamed; a bad file is one line in words and exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

import msgpack

from zinspect.cli import decode as decode_command
from zinspect.core.capture.capture import CaptureWriter
from zinspect.core.decode import recognisers
from zinspect.core.decode.model import DecodedFrame, Recognition

ROOT = Path(__file__).resolve().parent.parent


def write_capture(path: Path, messages: list[tuple[str, str, list[bytes]]]) -> Path:
    writer = CaptureWriter(path)
    for number, (socket, direction, frames) in enumerate(messages):
        writer.write(100.0 + number, socket, direction, frames)
    writer.close()
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zinspect", "decode", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_a_capture_is_printed_one_decoded_message_a_line_with_the_workspaces_rules(tmp_path):
    capture = write_capture(
        tmp_path / "run.jsonl",
        [
            ("sensors", "in", [b"sensors/a", msgpack.packb("21.5 C")]),
            ("sensors", "in", [b"sensors/b", zlib.compress(b'{"t": 1}')]),
            ("other", "out", [b"\x00\xff", msgpack.packb({"k": [1, 2]})]),
        ],
    )
    workspace = tmp_path / "ws.zinspect.json"
    workspace.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {
                        "name": "sensors",
                        "type": "SUB",
                        "decode": [
                            {"topic": "sensors/a", "frame": 2, "as": "msgpack"},
                            {"frame": 2, "as": "zlib+json"},
                        ],
                    }
                ],
            }
        )
    )
    done = run(str(capture), "--workspace", str(workspace))
    assert done.returncode == 0 and done.stderr == ""
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert lines[0] == {
        "seq": 1,
        "time": 100.0,
        "socket": "sensors",
        "direction": "in",
        "protocol": None,
        "fields": {},
        "frames": [
            {"decoder": "text", "value": "sensors/a", "guessed": True},
            {"decoder": "msgpack", "value": "21.5 C"},
        ],
    }
    assert lines[1]["frames"][1] == {"decoder": "zlib+json", "value": {"t": 1}}
    assert lines[2]["frames"] == [
        {"decoder": "raw", "value": "00ff", "guessed": True},
        {"decoder": "msgpack", "value": {"k": [1, 2]}, "guessed": True},
    ]
    assert "gap" not in lines[0]


def test_a_failing_rule_gives_the_bytes_as_hex_and_the_reason(tmp_path):
    capture = write_capture(tmp_path / "run.jsonl", [("s", "in", [b"\xc1"])])
    workspace = tmp_path / "ws.zinspect.json"
    workspace.write_text(
        json.dumps(
            {"zinspect": 1, "sockets": [{"name": "s", "type": "SUB", "decode": [{"as": "cbor"}]}]}
        )
    )
    line = json.loads(run(str(capture), "--workspace", str(workspace)).stdout)
    assert line["frames"] == [
        {
            "decoder": "cbor",
            "value": "c1",
            "error": "not CBOR: the frame ends in the middle of a value",
        }
    ]


def test_bad_files_are_one_line_in_words_and_status_2(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    capture = write_capture(tmp_path / "run.jsonl", [("s", "in", [b"x"])])
    (tmp_path / "bad.zinspect.json").write_text(
        json.dumps(
            {"zinspect": 1, "sockets": [{"name": "s", "type": "SUB", "decode": [{"as": "yaml"}]}]}
        )
    )
    for args, words in [
        ([str(tmp_path / "missing.jsonl")], "missing.jsonl"),
        ([str(tmp_path / "notes.txt")], "is not a zinspect capture file"),
        (
            [str(capture), "--workspace", str(tmp_path / "bad.zinspect.json")],
            "sockets[0].decode[0].as: no decoder named 'yaml'",
        ),
    ]:
        done = run(*args)
        assert done.returncode == 2 and done.stdout == ""
        assert len(done.stderr.splitlines()) == 1 and words in done.stderr
        assert "Traceback" not in done.stderr


class CountingRecogniser:
    """A recogniser that numbers messages like bitcoin's notifications (frame 2 is the
    sequence), standing in for the real ones in core.decode."""

    name = "counting"

    def match(self, frames, socket_type):
        return len(frames) == 2 and frames[0] == b"count"

    def decode(self, frames, socket, socket_type, context):
        sequence = int(frames[1])
        recognition = Recognition(
            "counting", f"#{sequence}", {"topic": "count", "sequence": sequence, "raw": b"\x01"}
        )
        return recognition, (
            DecodedFrame("text", "count", role="topic"),
            DecodedFrame("text", frames[1].decode(), role="sequence"),
        )


def test_gaps_and_recognised_fields_are_in_each_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(recognisers, "RECOGNISERS", [CountingRecogniser()])
    monkeypatch.setattr("zinspect.core.decode.decoder.RECOGNISERS", [CountingRecogniser()])
    capture = write_capture(
        tmp_path / "run.jsonl",
        [("sub", "in", [b"count", str(number).encode()]) for number in (1, 2, 5, 6)],
    )
    assert decode_command.main([str(capture)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line.get("gap") for line in lines] == [None, None, 2, None]
    assert lines[2]["protocol"] == "counting"
    assert lines[2]["fields"] == {"topic": "count", "sequence": 5, "raw": "01"}
    assert lines[2]["frames"][1] == {"decoder": "text", "value": "5", "role": "sequence"}


def test_the_command_table_dispatches_before_the_window(monkeypatch):
    from zinspect import app

    called = []
    monkeypatch.setattr(app, "run_command", lambda name, argv: called.append((name, argv)) or 7)
    assert app.main(["decode", "x.jsonl"]) == 7
    assert called == [("decode", ["x.jsonl"])]
