"""``zinspect stats``: a capture summed up (topics, request/reply latency, sequence gaps) as
text or one JSON object, in a subprocess like a script would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from zinspect.core.capture.capture import CaptureWriter

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zinspect", "stats", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def capture(tmp_path) -> Path:
    """Ten requests of a REQ answered 50 ms (+ n ms) later, one left unanswered; a ROUTER
    server answering two clients out of order; bitcoin notifications that skip 2; weather
    updates; JSON prices whose seq skips 3."""
    path = tmp_path / "run.jsonl"
    writer = CaptureWriter(path)
    t = 1000.0
    for n in range(10):
        writer.write(t, "client", "out", [b"Hello %d" % n])
        writer.write(t + 0.050 + n / 1000, "client", "in", [b"World"])
        writer.write(t + 0.1, "weather", "in", [b"10001 %d 49" % (n - 70)])
        t += 0.2
    writer.write(t, "client", "out", [b"lost"])
    writer.write(t, "router-1", "in", [b"A", b"", b"job a"])
    writer.write(t + 0.01, "router-1", "in", [b"B", b"", b"job b"])
    writer.write(t + 0.02, "router-1", "out", [b"B", b"", b"done b"])
    writer.write(t + 0.04, "router-1", "out", [b"A", b"", b"done a"])
    for seq in (7, 8, 11):
        writer.write(t + seq, "node", "in", [b"hashblock", bytes(32), seq.to_bytes(4, "little")])
    for seq in (1, 2, 6, 7):
        writer.write(t + 20 + seq, "prices", "in", [b"eur", json.dumps({"seq": seq}).encode()])
    writer.close()
    return path


@pytest.fixture
def workspace(tmp_path) -> Path:
    path = tmp_path / "ws.zinspect.json"
    sockets = [{"name": "client", "type": "REQ"}, {"name": "weather", "type": "SUB"}]
    path.write_text(json.dumps({"zinspect": 1, "sockets": sockets}))
    return path


def test_json_has_topics_latency_and_gaps(capture, workspace):
    done = run(
        str(capture), "--workspace", str(workspace), "--json", "--sequence", "prices", "f2.seq"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    assert set(report) == {"topics", "latency", "gaps"}

    topics = {(t["socket"], t["topic"]): t for t in report["topics"]}
    weather = topics[("weather", "10001")]
    assert weather["count"] == 10
    assert weather["last"] == "10001 -61 49"
    assert weather["rate"] > 0
    assert topics[("node", "hashblock")]["count"] == 3
    assert {"socket", "topic", "count", "rate", "last"} <= set(weather)

    latency = {item["socket"]: item for item in report["latency"]}
    client = latency["client"]
    assert client["count"] == 10
    assert client["unanswered"] == 1
    assert 50 <= client["p50_ms"] <= 56
    assert client["max_ms"] == pytest.approx(59, abs=0.5)
    assert client["p50_ms"] <= client["p90_ms"] <= client["p99_ms"] <= client["max_ms"]
    router = latency["router-1"]  # a name zinspect gave says the type
    assert (router["count"], router["unanswered"]) == (2, 0)
    assert router["max_ms"] == pytest.approx(40, abs=0.5)
    assert {"socket", "count", "p50_ms", "p90_ms", "p99_ms", "max_ms", "unanswered"} <= set(client)

    gaps = [(g["socket"], g["topic"], g["after"], g["next"], g["missed"]) for g in report["gaps"]]
    assert gaps == [("node", "hashblock", 8, 11, 2), ("prices", "eur", 2, 6, 3)]


def test_text_is_readable(capture, workspace):
    done = run(str(capture), "--workspace", str(workspace))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "Topics" in text and "Request/reply latency (ms)" in text
    line = next(line for line in text.splitlines() if line.strip().startswith("weather"))
    assert line.split()[:3] == ["weather", "10001", "10"]
    latency = text.split("Request/reply latency (ms)")[1]
    client = next(line for line in latency.splitlines() if line.strip().startswith("client"))
    assert client.split()[1] == "10" and client.split()[-1] == "1"
    assert "node  hashblock  seq 8 -> 11: 2 missed at" in text


def test_bad_input_is_one_line_in_words(tmp_path, capture):
    missing = run(str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("zinspect stats: ") and "Traceback" not in missing.stderr
    bad_path = run(str(capture), "--sequence", "prices", "seq")
    assert bad_path.returncode == 2
    assert "--sequence prices seq: path: a path starts with f" in bad_path.stderr
    assert bad_path.stdout == ""


def test_an_empty_capture_has_nothing_to_report(tmp_path):
    path = tmp_path / "empty.jsonl"
    CaptureWriter(path).close()
    done = run(str(path), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"topics": [], "latency": [], "gaps": []}
    text = run(str(path))
    assert text.returncode == 0
    assert text.stdout.startswith("0 messages over 0.000 s, 0 sockets, 0 topics")
