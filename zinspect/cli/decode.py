"""``zinspect decode CAPTURE.jsonl``: every message of a capture decoded, as JSON Lines.

One JSON object per message, in the file's order: its number, time, socket, direction, the
protocol a recogniser found and its fields, the gap in a numbered stream before it, and each
frame with the decoder that read it and its value (bytes as hex). The decoding is the
window's own (core.decode's MessageDecoder); ``--workspace`` gives it the sockets' decode
rules and Jupyter keys, matched to the capture's sockets by name. The capture is read as a
stream, one slice at a time, so a capture of any size runs in bounded memory.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from zinspect.core.capture.capture import CaptureError, CaptureReader
from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.gaps import SequenceGaps
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.decode.plugins import load_plugins
from zinspect.core.decode.values import json_ready
from zinspect.core.store import ROW_DIRECTION, ROW_FRAMES, ROW_SOCKET, ROW_TIME, Row
from zinspect.core.workspace.model import WorkspaceError
from zinspect.core.workspace.parse import read_workspace

log = logging.getLogger(__name__)

PROG = "zinspect decode"
EXIT_BAD_INPUT = 2
SLICE_S = 0.05

EPILOG = """\
examples:
  zinspect decode run.jsonl | jq -c 'select(.protocol == "jupyter") | .fields.msg_type'
  zinspect decode run.jsonl --workspace bench.zinspect.json > decoded.jsonl

Each line: {"seq", "time", "socket", "direction", "protocol", "fields", "gap" (only after a
gap), "frames": [{"decoder", "value", "guessed" (when no rule chose the decoder), "error"
(only on failure), "role" (if known)}]}. Bytes are hex text.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Print every message of a zinspect capture decoded, one JSON object a line.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("capture", metavar="CAPTURE", help="a capture file (.jsonl)")
    parser.add_argument(
        "--workspace",
        metavar="WS",
        help="use the decode rules and Jupyter keys of this workspace's sockets (by name)",
    )
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(level=logging.WARNING, format="zinspect decode: %(message)s")
    decoder, types, problem = workspace_decoder(args.workspace)
    if problem:
        return _fail(problem)
    try:
        reader = CaptureReader(args.capture)
    except CaptureError as error:
        return _fail(str(error))
    try:
        _print_messages(reader, decoder, types, sys.stdout)
    except CaptureError as error:
        return _fail(str(error))
    except BrokenPipeError:  # the reader stopped listening (| head): that is no error
        quiet_stdout()
        return 0
    finally:
        reader.close()
    if reader.skipped:
        print(f"{PROG}: {args.capture}: {damage_note(reader)}", file=sys.stderr)
    return 0


def damage_note(reader: CaptureReader) -> str:
    """What a capture's damaged lines were, for a note after the output."""
    first = reader.first_bad_lines[0] if reader.first_bad_lines else "?"
    return (
        f"{reader.skipped} damaged line(s) skipped (the first, line {first}: {reader.first_error})"
    )


def workspace_decoder(
    workspace: str | None,
) -> tuple[MessageDecoder, dict[str, str], str | None]:
    """What the capture commands decode with: plugins loaded, a decoder with the rules and
    keys of ``workspace``'s sockets, their types by name, and the problem in words, if any."""
    load_plugins()
    decoder = MessageDecoder()
    types: dict[str, str] = {}
    problem = use_workspace(workspace, decoder, types) if workspace else None
    return decoder, types, problem


def use_workspace(path: str, decoder: MessageDecoder, types: dict[str, str]) -> str | None:
    """The workspace's rules and keys into ``decoder``; the problem in words, if any."""
    quiet = logging.getLogger("zinspect.core.workspace.parse")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # it logs what it refuses; the refusal is printed once
    try:
        workspace = read_workspace(path)
    except WorkspaceError as error:
        return f"{path}: {error}"
    finally:
        quiet.setLevel(level)
    if workspace.invalid:
        more = len(workspace.invalid) - 1
        return f"{path}: {workspace.invalid[0]}" + (f" (and {more} more)" if more else "")
    for spec in workspace.sockets:
        if not spec.name:
            continue
        decoder.set_rules(spec.name, spec.decode)
        decoder.set_jupyter_key(
            spec.name, spec.jupyter_key, spec.jupyter_scheme, spec.jupyter_connection_file
        )
        types[spec.name] = spec.type
    return None


def _print_messages(
    reader: CaptureReader, decoder: MessageDecoder, types: dict[str, str], out: TextIO
) -> None:
    gaps = SequenceGaps()
    number = 0
    while not reader.done:
        for row in reader.read_rows(SLICE_S):
            number += 1
            socket = row[ROW_SOCKET]
            decoded = decoder.decode(row[ROW_FRAMES:], socket, types.get(socket, ""))
            gap = gaps.feed(socket, decoded.recognition)
            out.write(json.dumps(message_object(number, row, decoded, gap)) + "\n")
        out.flush()


def message_object(
    number: int, row: Row, decoded: DecodedMessage, gap: int | None
) -> dict[str, Any]:
    """One output line's object (strict JSON: bytes as hex, no NaN)."""
    recognition = decoded.recognition
    obj: dict[str, Any] = {
        "seq": number,
        "time": row[ROW_TIME],
        "socket": row[ROW_SOCKET],
        "direction": row[ROW_DIRECTION],
        "protocol": recognition.protocol if recognition else None,
        "fields": json_ready(recognition.fields) if recognition else {},
    }
    if gap is not None:
        obj["gap"] = gap
    frames = []
    for frame in decoded.frames:
        item: dict[str, Any] = {"decoder": frame.decoder, "value": json_ready(frame.value)}
        if frame.guessed:
            item["guessed"] = True
        if frame.error is not None:
            item["error"] = frame.error
        if frame.role is not None:
            item["role"] = frame.role
        frames.append(item)
    obj["frames"] = frames
    return obj


def _fail(problem: str) -> int:
    print(f"{PROG}: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT


def quiet_stdout() -> None:
    """After a closed pipe, Python's own flush at exit would complain: point stdout at null."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
