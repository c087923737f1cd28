"""Running the core without a window: a plain asyncio loop, a status line, a clean stop.

``zinspect record`` and ``zinspect tap`` run on servers without a display, so they import no
Qt: the session, its sockets and the recorder run on an ordinary asyncio loop. Every few
seconds one status line goes to stderr; Ctrl+C, SIGTERM and SIGHUP (and ``--autostop``)
stop the same way as the window's quit: the sockets close, then the recorder writes
everything the store holds and closes the file, which the GUI opens like any capture.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType

from zinspect.core.capture.capture import CaptureError
from zinspect.core.capture.recorder import Recorder
from zinspect.core.sockets.session import Session

log = logging.getLogger(__name__)

STATUS_SECONDS = 5.0
EXIT_BAD_INPUT = 2
EXIT_FAILED = 1
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """``--record``, ``--autostop``, ``--status-every`` and ``--log-level``."""
    parser.add_argument(
        "--record", metavar="CAPTURE", required=True, help="the capture file to write (.jsonl)"
    )
    parser.add_argument(
        "--autostop", metavar="S", type=positive_seconds, help="stop cleanly after S seconds"
    )
    parser.add_argument(
        "--status-every",
        metavar="S",
        type=positive_seconds,
        default=STATUS_SECONDS,
        help=f"seconds between status lines on stderr (default {STATUS_SECONDS:g})",
    )
    parser.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not 0 < value < 10**7:
        raise argparse.ArgumentTypeError("give a number of seconds above 0")
    return value


# makes the sockets; returns the status line's text function, and a line for stdout ('' none)
Setup = Callable[[Session], tuple[Callable[[], str], str]]


def run_headless(args: argparse.Namespace, setup: Setup, what: str) -> int:
    """Make a session, call ``setup`` (which returns the status text function, or raises
    ValueError in words), record, print status lines, and stop on a signal or autostop."""
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return asyncio.run(_run(args, setup, what))


async def _run(args: argparse.Namespace, setup: Setup, what: str) -> int:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    session = Session()
    recorder = Recorder(session.store, args.record, events=session.on_event)
    try:
        status, announce = setup(session)
        # in the same turn of the loop as the sockets: no message can come in between
        recorder.start()
    except (ValueError, CaptureError) as error:
        session.close()
        where = f"cannot record to {args.record}: " if isinstance(error, CaptureError) else ""
        print(f"zinspect {what}: {where}{error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if announce:
        print(announce, flush=True)
    stopped_by: list[str] = []

    def on_signal(name: str) -> None:
        if not stopped_by:
            stopped_by.append(name)
        stop.set()  # a second signal during the stop changes nothing

    for name in STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            loop.add_signal_handler(sig, on_signal, name)
        except NotImplementedError:  # Windows' loops: a plain handler that wakes the loop
            signal.signal(sig, _waking_handler(loop, on_signal, name))
    recorder.on_stopped.append(lambda error: stop.set() if error else None)
    if args.autostop:
        loop.call_later(args.autostop, on_signal, "autostop")
    started = time.monotonic()
    print(f"zinspect {what}: recording to {args.record}; Ctrl+C stops", file=sys.stderr)
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), args.status_every)
        except asyncio.TimeoutError:
            pass
        line = _status(status(), recorder, time.monotonic() - started)
        print(line, file=sys.stderr, flush=True)
    for name in STOP_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                loop.remove_signal_handler(sig)
            except NotImplementedError:
                signal.signal(sig, signal.SIG_DFL)
    session.close()  # nothing more arrives; the store keeps what came
    problem = recorder.stop()
    # the counts as they ended (a tap's copies lost are exact only once it stopped)
    print(_status(status(), recorder, time.monotonic() - started), file=sys.stderr, flush=True)
    if problem:
        print(f"zinspect {what}: the recording stopped: {problem}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"zinspect {what}: stopped ({stopped_by[0] if stopped_by else 'done'}); "
        f"{recorder.written:,} messages in {args.record}"
        + (
            f", {recorder.missed:,} missed (the store's cap dropped them)"
            if recorder.missed
            else ""
        ),
        file=sys.stderr,
        flush=True,
    )
    return 0


def _waking_handler(
    loop: asyncio.AbstractEventLoop, on_signal: Callable[[str], None], name: str
) -> Callable[[int, FrameType | None], None]:
    def handler(_number: int, _frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(on_signal, name)

    return handler


def _status(text: str, recorder: Recorder, elapsed: float) -> str:
    return (
        f"[{elapsed:7.1f} s] {text}; {recorder.written:,} written"
        + (f", {recorder.missed:,} missed" if recorder.missed else "")
        + (f", {recorder.pending:,} pending" if recorder.pending else "")
    )
