"""Decoder plugins: a package's entry point in the group ``zinspect.decoders`` becomes a
decoder by its name (in rules, workspaces and ``zinspect decode``); a broken plugin is said
in words and skipped, and a plugin that misbehaves costs a reason, never a crash. The
example plugin here is the one docs/decoders.md shows."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from zinspect.core.capture.capture import CaptureWriter
from zinspect.core.decode import plugins
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.frame_decoders import DECODERS
from zinspect.core.decode.model import DecodeRule
from zinspect.core.workspace.parse import parse_workspace

ROOT = Path(__file__).resolve().parent.parent

PLUGIN_CODE = '''\
"""An example zinspect decoder plugin: frames of "key=value;key=value" pairs."""

from zinspect.core.decode.model import DecodeError


def decode_pairs(data, rule):
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise DecodeError("not key=value pairs: the frame is not ASCII text") from None
    pairs = {}
    for part in filter(None, text.split(";")):
        key, equals, value = part.partition("=")
        if not equals:
            raise DecodeError(f"not key=value pairs: {part[:20]!r} has no '='")
        pairs[key] = value
    return pairs


def crash(data, rule):
    return 1 / 0


def odd_value(data, rule):
    return {(1, 2): {3, 4}, "when": object}


NOT_A_FUNCTION = 42
'''

ENTRY_POINTS = """\
[zinspect.decoders]
pairs = zinspect_pairs:decode_pairs
crashy = zinspect_pairs:crash
odd = zinspect_pairs:odd_value
missing = zinspect_pairs_gone:decode
number = zinspect_pairs:NOT_A_FUNCTION
raw = zinspect_pairs:decode_pairs
bad+name = zinspect_pairs:decode_pairs
"""


def install_fake_distribution(directory: Path) -> Path:
    """A distribution as pip would leave it: the module and its .dist-info with the entry
    points, in ``directory`` (to be put on sys.path)."""
    (directory / "zinspect_pairs.py").write_text(PLUGIN_CODE)
    info = directory / "zinspect_pairs-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: zinspect-pairs\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    return directory


@pytest.fixture
def plugin_path(tmp_path, monkeypatch):
    install_fake_distribution(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = dict(DECODERS)
    yield tmp_path
    DECODERS.clear()
    DECODERS.update(before)
    sys.modules.pop("zinspect_pairs", None)
    plugins.load_plugins(force=True)  # back to the plugins really installed


def test_a_plugin_entry_point_becomes_a_decoder_and_broken_ones_are_skipped_in_words(
    plugin_path, caplog
):
    caplog.expected_warnings = True
    assert plugins.load_plugins(force=True) == ["pairs", "crashy", "odd"]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "'missing' from zinspect-pairs 1.0 could not be loaded (ModuleNotFoundError" in w
        for w in warnings
    )
    assert any(
        "'number' from zinspect-pairs 1.0 skipped" in w and "not a function" in w for w in warnings
    )
    assert any("'raw' from zinspect-pairs 1.0 skipped: zinspect already has" in w for w in warnings)
    assert any("'bad+name' from zinspect-pairs 1.0 skipped" in w for w in warnings)

    decoder = MessageDecoder()
    decoder.set_rules("s", [DecodeRule("pairs", frame=2), DecodeRule("crashy", frame=3)])
    message = decoder.decode([b"topic", b"t=21.5;unit=C", b"x"], "s")
    assert message.frames[1].value == {"t": "21.5", "unit": "C"}
    assert message.frames[1].decoder == "pairs" and not message.frames[1].guessed
    assert (
        message.frames[2].error == "the crashy plugin failed (ZeroDivisionError: division by zero)"
    )
    assert decoder.decode([b"t", b"nope"], "s").frames[1].error == (
        "not key=value pairs: 'nope' has no '='"
    )
    odd = MessageDecoder()
    odd.set_rules("s", [DecodeRule("odd")])
    assert odd.decode([b"x"], "s").frames[0].value == {"[1, 2]": [3, 4], "when": "<class 'object'>"}


def test_a_workspace_may_name_a_plugin_decoder(plugin_path, caplog):
    caplog.expected_warnings = True
    plugins.load_plugins(force=True)
    workspace = parse_workspace(
        json.dumps({"zinspect": 1, "sockets": [{"type": "SUB", "decode": [{"as": "pairs"}]}]})
    )
    assert workspace.invalid == [] and workspace.sockets[0].decode == [DecodeRule("pairs")]


def test_zinspect_decode_loads_the_plugins_installed(plugin_path, tmp_path):
    capture = tmp_path / "run.jsonl"
    writer = CaptureWriter(capture)
    writer.write(1.0, "s", "in", [b"a=1;b=2"])
    writer.close()
    workspace = tmp_path / "ws.zinspect.json"
    workspace.write_text(
        json.dumps(
            {"zinspect": 1, "sockets": [{"name": "s", "type": "SUB", "decode": [{"as": "pairs"}]}]}
        )
    )
    done = subprocess.run(
        [sys.executable, "-m", "zinspect", "decode", str(capture), "--workspace", str(workspace)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": f"{ROOT}:{plugin_path}", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0
    assert json.loads(done.stdout)["frames"] == [
        {"decoder": "pairs", "value": {"a": "1", "b": "2"}}
    ]
    assert "could not be loaded" in done.stderr  # the broken entry points, said in words
