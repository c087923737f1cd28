"""``zinspect stats CAPTURE.jsonl``: what the Topics and Latency views compute, for scripts.

Per socket and topic the count, the mean rate over the capture, the first and last time and
the latest value; request/reply latency per socket (count, p50, p90, p99, max, unanswered);
sequence gaps. As readable text, or with ``--json`` one JSON object with the keys ``topics``,
``latency`` and ``gaps``. ``--workspace`` gives the decoder the sockets' rules, Jupyter keys
and types (which say how requests pair up); without it a name zinspect gave ("req-1") says
the type. The capture is read as a stream (``zinspect decode``'s reading), in bounded memory.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from zinspect.cli.decode import SLICE_S, damage_note, quiet_stdout, workspace_decoder
from zinspect.core.capture.capture import CaptureError, CaptureReader
from zinspect.core.explore.latency import guess_socket_type
from zinspect.core.explore.sequence_gaps import MarkError, SequenceMark, parse_mark
from zinspect.core.explore.traffic_stats import TrafficStats
from zinspect.core.message_time import clock_text

log = logging.getLogger(__name__)

PROG = "zinspect stats"
EXIT_BAD_INPUT = 2
VALUE_WIDTH = 50

EPILOG = """\
examples:
  zinspect stats run.jsonl
  zinspect stats run.jsonl --workspace bench.zinspect.json --json | jq '.latency[].p99_ms'
  zinspect stats run.jsonl --sequence sub-1 f2.seq     gaps in a JSON "seq" field

--json prints {"topics": [{"socket", "topic", "count", "rate", "last", "first_time",
"last_time"}], "latency": [{"socket", "count", "p50_ms", "p90_ms", "p99_ms", "max_ms",
"unanswered", "groups": [...per service or msg_type]}], "gaps": [{"socket", "topic",
"after", "next", "missed", "time"}]}. Rates are messages per second over the whole capture;
times are Unix seconds; a request still unanswered at the end of the capture counts.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Sum up a zinspect capture: topics, request/reply latency, sequence gaps.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("capture", metavar="CAPTURE", help="a capture file (.jsonl)")
    parser.add_argument(
        "--workspace",
        metavar="WS",
        help="use the socket types, decode rules and Jupyter keys of this workspace (by name)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--sequence",
        nargs=2,
        action="append",
        default=[],
        metavar=("SOCKET", "PATH"),
        help="count gaps in the field at PATH (f2.seq, f1[2]) of messages received on SOCKET",
    )
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    logging.basicConfig(level=logging.WARNING, format="zinspect stats: %(message)s")
    decoder, types, problem = workspace_decoder(args.workspace)
    if problem:
        return _fail(problem)
    marks: list[SequenceMark] = []
    for socket, path in args.sequence:
        try:
            marks.append(parse_mark(socket, path))
        except MarkError as error:
            return _fail(f"--sequence {socket} {path}: {error}")
    stats = TrafficStats(decoder, lambda name: types.get(name) or guess_socket_type(name), marks)
    try:
        reader = CaptureReader(args.capture)
    except CaptureError as error:
        return _fail(str(error))
    try:
        number = 0
        while not reader.done:
            rows = reader.read_rows(SLICE_S)
            stats.feed(number, rows)
            number += len(rows)
    except CaptureError as error:
        return _fail(str(error))
    finally:
        reader.close()
    report = stats.report()
    try:
        if args.json:
            sys.stdout.write(json.dumps(report) + "\n")
        else:
            print_text(report, stats, sys.stdout)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped listening (| head): that is no error
        quiet_stdout()
        return 0
    if reader.skipped:
        print(f"{PROG}: {args.capture}: {damage_note(reader)}", file=sys.stderr)
    return 0


def print_text(report: dict[str, Any], stats: TrafficStats, out: TextIO) -> None:
    """The report as aligned tables a person reads."""
    topics = report["topics"]
    out.write(
        f"{stats.messages} messages over {stats.duration:.3f} s, "
        f"{len({t['socket'] for t in topics})} sockets, {len(topics)} topics\n\n"
    )
    out.write("Topics\n")
    _table(
        out,
        ("socket", "topic", "count", "rate/s", "first", "last", "latest value"),
        [
            (
                t["socket"],
                t["topic"] or "(none)",
                str(t["count"]),
                f"{t['rate']:.2f}",
                clock_text(t["first_time"]),
                clock_text(t["last_time"]),
                _cut(t["last"]),
            )
            for t in topics
        ],
        left={0, 1, 4, 5, 6},
    )
    out.write("\nRequest/reply latency (ms)\n")
    rows = []
    for item in report["latency"]:
        for entry, name in [(item, item["socket"])] + [
            (group, f"  {group['group']}") for group in item["groups"]
        ]:
            rows.append(
                (
                    name,
                    str(entry["count"]),
                    *(f"{entry[key]:.3f}" for key in ("p50_ms", "p90_ms", "p99_ms", "max_ms")),
                    str(entry["unanswered"]),
                )
            )
    if rows:
        header = ("socket", "count", "p50", "p90", "p99", "max", "unanswered")
        _table(out, header, rows, left={0})
    else:
        out.write("  no request was answered or left waiting\n")
    gaps = report["gaps"]
    missed = sum(gap["missed"] for gap in gaps)
    out.write(f"\nSequence gaps ({len(gaps)} gaps, {missed} missed)\n")
    for gap in gaps:
        out.write(
            f"  {gap['socket']}  {gap['topic'] or '(none)'}  seq {gap['after']} -> "
            f"{gap['next']}: {gap['missed']} missed at {clock_text(gap['time'])}\n"
        )
    if not gaps:
        out.write("  none\n")


def _table(
    out: TextIO, header: Sequence[str], rows: Sequence[Sequence[str]], left: set[int]
) -> None:
    """Columns padded to their widest cell: words (the ``left`` columns) to the left,
    figures to the right."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    for cells in (header, *rows):
        line = "  ".join(
            cell.ljust(width) if index in left else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths))
        )
        out.write("  " + line.rstrip() + "\n")


def _cut(text: str) -> str:
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _fail(problem: str) -> int:
    print(f"{PROG}: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT
