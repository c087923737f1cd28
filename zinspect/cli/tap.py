"""``zinspect tap --pattern P --front EP --upstream EP --record FILE``: a tap without a window.

The tap of the GUI's Tap wizard (core.tap) on a plain asyncio loop: clients connect to the
front, the server binds upstream, every message is forwarded and recorded with its direction
(``in`` on the front socket: client -> server; ``out``: server -> client). A status line every
few seconds on stderr; Ctrl+C or SIGTERM stops it with the recording complete. A pipeline
is forwarded by libzmq's proxy in a helper process, as in the window (core.tap.engine);
``--engine`` chooses by hand.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from zinspect.cli.headless import EXIT_BAD_INPUT, add_common_arguments, run_headless
from zinspect.core.sockets.session import Session
from zinspect.core.tap.engine import ENGINES, make_tap
from zinspect.core.tap.spec import CUSTOM_TYPES, PATTERNS, TapError, make_spec

PROG = "zinspect tap"
EPILOG = (
    """\
patterns:
"""
    + "\n".join(f"  {p.name:9} {p.explanation}" for p in PATTERNS.values())
    + """

examples:
  zinspect tap --pattern reqrep --front tcp://*:5555 --upstream tcp://127.0.0.1:5556 \\
      --record run.jsonl          clients use 5555, the server moved to 5556
  zinspect tap --pattern pubsub --front ipc:///tmp/feed --upstream ipc:///tmp/feed.real \\
      --record feed.jsonl --autostop 60
"""
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Sit between ZeroMQ programs, forward their traffic and record it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pattern", required=True, choices=list(PATTERNS))
    parser.add_argument("--front", required=True, metavar="ENDPOINT", help="clients connect here")
    parser.add_argument(
        "--upstream", required=True, metavar="ENDPOINT", help="the server binds here"
    )
    parser.add_argument("--front-type", default="", choices=["", *CUSTOM_TYPES])
    parser.add_argument("--upstream-type", default="", choices=["", *CUSTOM_TYPES])
    parser.add_argument("--name", default="tap", help="the front socket's name in the capture")
    parser.add_argument(
        "--engine",
        default="auto",
        choices=list(ENGINES),
        help="who forwards: libzmq's proxy in a helper process (pipeline only; auto takes it "
        "there) or zinspect's relay (every pattern)",
    )
    add_common_arguments(parser)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        spec = make_spec(
            args.name, args.pattern, args.front, args.upstream, args.front_type, args.upstream_type
        )
    except TapError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    def setup(session: Session) -> tuple[Callable[[], str], str]:
        tap = make_tap(session, spec, args.engine)
        tap.start()  # TapError (a ValueError) in words
        # the bound address (a wildcard port resolved): what the clients must connect to
        return tap.status_text, f"front {tap.front_address}"

    return run_headless(args, setup, "tap")
