"""``zinspect import-pcap FILE.pcap -o CAPTURE.jsonl``: a packet capture's ZMTP messages as
a zinspect capture, so decode, the window, export and replay read them like a recording.

Each message becomes one message line (its pcap time, the connection ``client -> server``
as the socket, ``out`` for what the client sent); what the import learnt about each
connection (greeting, socket types, gaps, resynchronisation, encryption) becomes event
lines (docs/pcap.md). The pcap is read as a stream: a file of any size runs in bounded
memory, with progress on stderr for a big one.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from zinspect.core.capture.capture import CaptureError, CaptureWriter
from zinspect.core.pcap.importer import PcapError, PcapImporter
from zinspect.core.pcap.pcap_result import counted

log = logging.getLogger(__name__)

PROG = "zinspect import-pcap"
EXIT_BAD_INPUT = 2
SLICE_S = 0.1
PROGRESS_BYTES = 20 << 20  # files at least this big report progress
PROGRESS_EVERY_S = 1.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Convert the ZeroMQ (ZMTP) traffic of a .pcap or .pcapng file to a "
        "zinspect capture (.jsonl).",
    )
    parser.add_argument("pcap", metavar="FILE.pcap", help="a tcpdump or Wireshark capture")
    parser.add_argument("-o", "--output", required=True, metavar="CAPTURE.jsonl")
    parser.add_argument("--force", action="store_true", help="replace the output file if it exists")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(level=logging.WARNING, format=f"{PROG}: %(message)s")
    output = Path(args.output)
    if output.exists() and not args.force:
        return _fail(f"{output} exists: choose another name, or --force to replace it")
    try:
        importer = PcapImporter(args.pcap, keep_events=True)
    except PcapError as error:
        return _fail(str(error))
    try:
        writer = CaptureWriter(output)
    except CaptureError as error:
        importer.close()
        return _fail(str(error))
    try:
        _convert(importer, writer, not args.quiet and importer.file.size >= PROGRESS_BYTES)
        writer.close()
    except (PcapError, CaptureError) as error:
        writer.abort()
        _remove(output)
        return _fail(str(error))
    except KeyboardInterrupt:
        writer.abort()
        _remove(output)
        print(f"{PROG}: interrupted; {output} removed", file=sys.stderr)
        return 130
    finally:
        importer.close()
    if not args.quiet:
        _summary(importer, output)
    return 0


def _convert(importer: PcapImporter, writer: CaptureWriter, progress: bool) -> None:
    shown = time.monotonic()
    while not importer.done:
        rows = importer.read_rows(SLICE_S)
        if rows:
            writer.write_rows(rows)
        for event in importer.take_events():
            writer.write_event(event)
        writer.flush()
        if progress and time.monotonic() - shown >= PROGRESS_EVERY_S:
            shown = time.monotonic()
            print(
                f"{PROG}: {importer.progress:.0%} of {importer.path.name}, "
                f"{importer.messages_read:,} messages",
                file=sys.stderr,
                flush=True,
            )


def _summary(importer: PcapImporter, output: Path) -> None:
    result = importer.result([])
    print(
        f"{PROG}: {counted(importer.messages_read, 'message')} from "
        f"{counted(importer.packets, 'packet')} "
        f"({importer.link}) written to {output}",
        file=sys.stderr,
    )
    for line in result.connections[:20]:
        print(f"  {line}", file=sys.stderr)
    if len(result.connections) > 20:
        print(f"  ... and {len(result.connections) - 20:,} more connections", file=sys.stderr)
    for note in result.notes:
        print(f"{PROG}: note: {note}", file=sys.stderr)


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fail(problem: str) -> int:
    print(f"{PROG}: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT
