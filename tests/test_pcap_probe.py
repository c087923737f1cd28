"""Endpoint probe: a raw TCP connection and a ZMTP greeting tell what answers; real peer
processes of each socket type, a CURVE server, an HTTP server and a closed port; and
``zinspect probe`` in a subprocess."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from peerio import PeerOutput

from zinspect.core.pcap.probe import ProbeError, parse_probe_endpoint, run_probe

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["REP", "REQ", "PUB", "SUB", "XPUB", "XSUB", "ROUTER", "DEALER", "PUSH", "PULL", "PAIR"]


def bound(peer, kind: str, *options: str) -> str:
    out = PeerOutput(peer("bound_socket.py", "tcp://127.0.0.1:*", kind, *options))
    return out.ready_endpoint()


@pytest.mark.parametrize("kind", TYPES)
def test_each_socket_type_is_named_with_its_zmtp_version_and_mechanism(peer, kind):
    endpoint = bound(peer, kind)
    result = run_probe(endpoint)
    assert result.zeromq and result.listening
    assert result.version.startswith("3.") and result.mechanism == "NULL"
    assert result.socket_type == kind
    assert f"mechanism NULL, socket type {kind}" in result.text


def test_a_router_with_a_routing_id_shows_its_identity(peer):
    result = run_probe(bound(peer, "ROUTER", "--routing-id", "broker-1"))
    assert result.identity == b"broker-1"
    assert "socket type ROUTER, identity b'broker-1'" in result.text


def test_a_curve_server_shows_only_its_mechanism(peer):
    result = run_probe(bound(peer, "REP", "--curve"))
    assert result.zeromq and result.mechanism == "CURVE"
    assert result.socket_type == ""
    assert "mechanism CURVE (encrypted" in result.text


@pytest.fixture
def http_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"tcp://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_an_http_server_is_not_zeromq(http_server):
    result = run_probe(http_server)
    assert result.listening and not result.zeromq
    assert result.text.startswith("Not ZeroMQ:")
    assert "web server" in result.text or "HTTP server" in result.text


def test_a_closed_port_has_nothing_listening():
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_probe(f"tcp://127.0.0.1:{port}")
    assert not result.listening and not result.zeromq
    assert result.text == f"Nothing listening at 127.0.0.1:{port} (the connection was refused)"


@pytest.mark.parametrize(
    ("endpoint", "words"),
    [
        ("", "Enter an endpoint"),
        ("127.0.0.1:5555", "no transport"),
        ("ipc:///tmp/x", "The probe speaks TCP"),
        ("tcp://127.0.0.1", "has no port"),
        ("tcp://127.0.0.1:99999", "out of range"),
    ],
)
def test_an_endpoint_that_cannot_be_probed_is_refused_in_words(endpoint, words):
    with pytest.raises(ProbeError, match=words):
        parse_probe_endpoint(endpoint)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zinspect", "probe", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def test_zinspect_probe_prints_one_line_and_exits_by_what_answered(peer):
    endpoint = bound(peer, "PUB")
    done = run_cli(endpoint)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("mechanism NULL, socket type PUB")
    as_json = json.loads(run_cli(endpoint, "--json").stdout)
    assert as_json["socket_type"] == "PUB" and as_json["zeromq"] is True
    bad = run_cli("udp://x")
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.startswith("zinspect probe: ") and len(bad.stderr.splitlines()) == 1
