"""``zinspect import-pcap``: a packet capture converted to a zinspect capture in a
subprocess; the capture reads back (and decodes) with the messages the peers sent, event
lines say what the import learnt, and a bad input is one line in words with exit status 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import zmq
from pcap_fixtures import exchange, packets_of, write

from zinspect.core.capture.capture import read_capture

ROOT = Path(__file__).resolve().parent.parent
SENT = [[b"req", b"%d" % n] for n in range(50)]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zinspect", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def _push(client, server) -> None:
    for message in SENT:
        client.send_multipart(message)
    assert [server.recv_multipart() for _ in SENT] == SENT


def test_a_pcap_becomes_a_capture_that_reads_and_decodes(tmp_path):
    pcap = tmp_path / "push.pcapng"
    write(pcap, packets_of(exchange(zmq.PUSH, zmq.PULL, _push)), "sll2")
    out = tmp_path / "push.jsonl"
    done = run("import-pcap", str(pcap), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "50 messages" in done.stderr and "PUSH -> PULL" in done.stderr
    result = read_capture(out)
    assert [m.frames for m in result.messages] == SENT
    assert {(m.socket, m.direction) for m in result.messages} == {
        ("10.0.0.1:40000 -> 10.0.0.2:5555", "out")
    }
    assert result.skipped == 0
    details = [event.detail for event in result.event_records]
    assert "server 10.0.0.2:5555: socket type PULL" in details
    decoded = run("decode", str(out))
    assert decoded.returncode == 0
    assert json.loads(decoded.stdout.splitlines()[0])["frames"][0]["value"] == "req"


def test_an_existing_output_is_not_replaced_without_force(tmp_path):
    pcap = tmp_path / "push.pcap"
    write(pcap, packets_of(exchange(zmq.PUSH, zmq.PULL, _push)))
    out = tmp_path / "mine.txt"
    out.write_text("precious")
    done = run("import-pcap", str(pcap), "-o", str(out))
    assert done.returncode == 2 and "exists" in done.stderr
    assert out.read_text() == "precious"
    assert run("import-pcap", str(pcap), "-o", str(out), "--force", "-q").returncode == 0
    assert len(read_capture(out).messages) == len(SENT)


def test_a_file_that_is_no_packet_capture_is_one_line_in_words(tmp_path):
    for name, content in [("text.pcap", b"hello world\n"), ("empty.pcap", b"")]:
        path = tmp_path / name
        path.write_bytes(content)
        done = run("import-pcap", str(path), "-o", str(tmp_path / "out.jsonl"))
        assert done.returncode == 2
        assert len(done.stderr.splitlines()) == 1, done.stderr
        assert done.stderr.startswith("zinspect import-pcap: ")
        assert "Traceback" not in done.stderr
        assert not (tmp_path / "out.jsonl").exists()
    missing = run("import-pcap", str(tmp_path / "nope.pcap"), "-o", str(tmp_path / "o.jsonl"))
    assert missing.returncode == 2 and "No such file" in missing.stderr
