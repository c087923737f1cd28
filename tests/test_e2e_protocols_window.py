"""End to end through the window and the command line: a peer process publishes Jupyter,
Bitcoin Core and pyzmq log traffic; a user subscribes and records it in zinspect's window,
reads the decoded summaries in the table and the protocol in the Message pane, and
`zinspect decode` on the recording prints the same protocols, the gap, and (given the
kernel's key in a workspace) valid signatures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bitcoin_samples import LEGACY_TX, LEGACY_TXID, SEGWIT_TX, SEGWIT_TXID
from peerio import PeerOutput
from ui_actions import WAIT_MS, record_to

from zinspect.ui.traffic.columns import COL_SUMMARY

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
KEY = "a0b1c2d3-e4f5-kernel-connection-key"
SENT = 4 + 3 + 3  # Jupyter, bitcoin, log records: as tests/peers/protocol_publisher.py sends


def decode_cli(*args: str) -> list[dict]:
    result = subprocess.run(
        [sys.executable, "-m", "zinspect", "decode", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_protocol_traffic_is_decoded_in_the_window_and_by_zinspect_decode(
    window, user, peer, qtbot, tmp_path
):
    publisher = PeerOutput(
        peer(
            "protocol_publisher.py",
            "tcp://127.0.0.1:*",
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
    record_to(window, qtbot, path)
    capture = window.capture
    user.create("SUB", "iopub")
    user.subscribe("")
    user.connect(publisher.line("ready").split()[1])
    user.wait_rows(SENT)

    model = window.traffic.model
    summaries = [model.index(row, COL_SUMMARY).data() for row in range(SENT)]
    assert summaries[0].startswith("status msg_id=")
    assert summaries[4].startswith("rawtx seq=0 txid=" + LEGACY_TXID[:16])
    assert summaries[7].startswith("INFO") and "service started" in summaries[7]
    user.click_row(5)
    assert window.detail.protocol_label.text().startswith("bitcoin: rawtx seq=2")

    with qtbot.waitSignal(capture.recording_stopped, timeout=WAIT_MS):
        capture.stop_record_action.trigger()
    lines = [line for line in decode_cli(str(path)) if line["socket"] == "iopub"]
    assert [line["protocol"] for line in lines] == ["jupyter"] * 4 + ["bitcoin"] * 3 + [
        "pyzmq-log"
    ] * 3
    assert [line["fields"].get("txid") for line in lines[4:7]] == [
        LEGACY_TXID,
        SEGWIT_TXID,
        LEGACY_TXID,
    ]
    assert lines[5]["gap"] == 1 and all("gap" not in line for i, line in enumerate(lines) if i != 5)
    assert {line["fields"]["signature"] for line in lines[:4]} == {"unchecked"}

    workspace = tmp_path / "kernel.zinspect.json"
    workspace.write_text(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {"name": "iopub", "type": "SUB", "bind": [], "connect": [], "jupyter_key": KEY}
                ],
            }
        )
    )
    again = decode_cli(str(path), "--workspace", str(workspace))
    checked = [line for line in again if line["socket"] == "iopub"]
    assert {line["fields"]["signature"] for line in checked[:4]} == {"valid"}
