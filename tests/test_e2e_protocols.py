"""End to end: a peer process publishes Jupyter IOPub messages signed with a key, Bitcoin Core
notifications with a skipped sequence number and pyzmq log records; zinspect's Session
subscribes and records them, and decoding the recording names each protocol, checks the
signatures with the key, and counts the gap."""

from __future__ import annotations

import pytest
from bitcoin_samples import LEGACY_TX, LEGACY_TXID, SEGWIT_TX, SEGWIT_TXID
from peerio import PeerOutput
from session_helpers import ANY_PORT, WAIT_MS, traffic

from zinspect.core.capture.capture import read_capture
from zinspect.core.capture.recorder import Recorder
from zinspect.core.decode.gaps import SequenceGaps

pytestmark = pytest.mark.e2e

KEY = "a0b1c2d3-e4f5-kernel-connection-key"
SENT = 4 + 3 + 3  # Jupyter, bitcoin (rawtx 0, 2, 3... and a hashtx), log records


def test_a_recording_of_protocol_traffic_decodes_to_the_protocols(session, peer, qtbot, tmp_path):
    publisher = PeerOutput(
        peer(
            "protocol_publisher.py",
            ANY_PORT,
            "--key",
            KEY,
            "--rawtx",
            LEGACY_TX.hex(),
            "--rawtx",
            SEGWIT_TX.hex(),
        )  # fmt: skip
    )
    qtbot.waitUntil(lambda: publisher.has("ready"), timeout=WAIT_MS)
    path = tmp_path / "protocols.jsonl"
    recorder = Recorder(session.store, path, tick=0.05)
    recorder.start()
    sub = session.create_socket("SUB", "iopub")
    sub.subscribe(b"")
    sub.connect(publisher.line("ready").split()[1])
    qtbot.waitUntil(lambda: len(traffic(session, sub)) == SENT, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: recorder.pending == 0, timeout=WAIT_MS)
    assert recorder.stop() == ""
    assert publisher.has(f"sent {SENT}")

    recorded = [m for m in read_capture(path).messages if m.socket == "iopub"]
    assert len(recorded) == SENT
    decoder = session.decoder
    decoder.set_jupyter_key("iopub", KEY.encode())
    gaps = SequenceGaps()
    decoded = [decoder.decode(m.frames, m.socket, "SUB") for m in recorded]
    missed = [gaps.feed(m.socket, d.recognition) for m, d in zip(recorded, decoded)]
    protocols = [d.recognition.protocol if d.recognition else None for d in decoded]
    assert protocols == ["jupyter"] * 4 + ["bitcoin"] * 3 + ["pyzmq-log"] * 3

    jupyter = [d.recognition.fields for d in decoded[:4]]
    assert [f["msg_type"] for f in jupyter] == ["status", "stream", "execute_result", "status"]
    assert {f["signature"] for f in jupyter} == {"valid"}
    assert {f["parent_msg_type"] for f in jupyter} == {"execute_request"}
    assert jupyter[0]["topic"] == f"kernel.{jupyter[0]['session']}.status"  # whole, not cut
    assert decoded[1].frames[-1].value == {"name": "stdout", "text": "hello from the kernel\n"}
    assert "✓" in decoded[0].summary and KEY not in repr(decoded)

    bitcoin = [d.recognition.fields for d in decoded[4:7]]
    assert [(f["topic"], f["sequence"], f["txid"]) for f in bitcoin] == [
        ("rawtx", 0, LEGACY_TXID),
        ("rawtx", 2, SEGWIT_TXID),
        ("hashtx", 0, LEGACY_TXID),
    ]
    assert missed[5] == 1 and gaps.missed_total == 1  # rawtx number 1 never came

    logs = [d.recognition.fields for d in decoded[7:]]
    assert [(f["level"], f["root"], f["subtopic"]) for f in logs] == [
        ("INFO", "demo", ""),
        ("WARNING", "demo", "db"),
        ("ERROR", "demo", ""),
    ]
    assert logs[0]["message"] == "service started"
    assert "connection pool almost full" in logs[1]["message"]

    decoder.set_jupyter_key("iopub", b"the wrong key")
    assert decoder.decode(recorded[0].frames, "iopub", "SUB").recognition.fields[
        "signature"
    ] == "invalid"  # fmt: skip
