"""``zinspect record WORKSPACE --record CAPTURE.jsonl``: a workspace recorded without a window.

The workspace's sockets (and taps) are made and its automations started as the GUI would, on
a plain asyncio loop; every message goes to the capture file. A status line every few seconds
on stderr; Ctrl+C or SIGTERM stops it with the recording complete.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from zinspect.cli.headless import EXIT_BAD_INPUT, add_common_arguments, run_headless
from zinspect.core.sockets.session import Session
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.model import Workspace, WorkspaceError
from zinspect.core.workspace.parse import read_workspace

PROG = "zinspect record"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Open a workspace without a window and record its traffic.",
        epilog="example:\n  zinspect record bench.zinspect.json --record run.jsonl --autostop 60",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("workspace", metavar="WORKSPACE", help="a workspace file")
    add_common_arguments(parser)
    return parser


def main(argv: Sequence[str]) -> int:
    args = build_parser().parse_args(list(argv))
    try:
        workspace = read_workspace(args.workspace)
    except WorkspaceError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

    def setup(session: Session) -> tuple[Callable[[], str], str]:
        problems = apply_workspace(workspace, session)
        if problems and not session.sockets:
            raise ValueError("nothing to record: " + "; ".join(problems[:3]))
        for problem in problems:  # each in words, with its place in the file
            print(f"{PROG}: {problem}", file=sys.stderr)
        return (lambda: _status(session, workspace)), ""

    return run_headless(args, setup, "record")


def _status(session: Session, workspace: Workspace) -> str:
    store = session.store
    return (
        f"{len(session.sockets)} sockets of {len(workspace.sockets)}; "
        f"{store.received:,} received, {store.sent:,} sent"
    )
