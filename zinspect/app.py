"""Start-up: command line, QApplication, the qasync loop, and a clean quick shutdown.

Everything runs on one thread: Qt's event loop is the asyncio loop (qasync), and the session's
sockets are created inside it.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Sequence

import zinspect

log = logging.getLogger("zinspect.app")

DESCRIPTION = """\
zinspect: a desktop ZeroMQ message inspector.

Create sockets of any type, bind and connect them, subscribe, send single- or multi-part
messages and watch every message in and out, frame by frame, as text, hex or JSON.
"""

EPILOG = """\
examples:
  zinspect                 start with an empty session
  zinspect --version       show versions of zinspect, pyzmq, libzmq, Qt and libzmq features

Qt's own options (for example -platform offscreen, -style fusion) are passed through.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zinspect", description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="store_true",
                        help="print the versions of zinspect, pyzmq, libzmq and Qt, and which "
                             "transports and draft features this libzmq has, then exit")
    parser.add_argument("--log-level", default="WARNING",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="how much to log to stderr (default: WARNING)")
    parser.add_argument("--settings", metavar="FILE",
                        help="store window layout and preferences in this INI file instead of "
                             "the user's settings (handy for tests and portable setups)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, qt_args = parser.parse_known_args(argv)
    unknown = [a for a in qt_args if a.startswith("--")]
    if unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.version:
        from zinspect.versions import version_report

        print(version_report())
        return 0
    logging.basicConfig(level=args.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run_gui(args, qt_args)


def run_gui(args: argparse.Namespace, qt_args: list[str]) -> int:
    import qasync
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from zinspect.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(["zinspect", *qt_args])
    app.setApplicationName("zinspect")
    app.setOrganizationName("zinspect")
    app.setApplicationVersion(zinspect.__version__)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_log_loop_exception)
    settings = (QSettings(args.settings, QSettings.Format.IniFormat) if args.settings
                else QSettings())

    async def run() -> None:
        window = MainWindow(settings=settings)
        closed = asyncio.Event()
        window.window_closed.connect(closed.set)
        previous = signal.signal(signal.SIGINT, lambda *_: window.close())
        # Python runs signal handlers only between bytecodes; a slow timer lets Ctrl+C in
        # the terminal through while Qt waits in C++.
        wake = QTimer()
        wake.timeout.connect(lambda: None)
        wake.start(200)
        window.show()
        log.info("main window shown")
        try:
            await closed.wait()
        finally:
            wake.stop()
            signal.signal(signal.SIGINT, previous)
            window.shutdown()

    with loop:
        loop.run_until_complete(run())
    return 0


def _log_loop_exception(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """Keep running after a stray exception in a callback, but never hide it."""
    error = context.get("exception")
    log.error("unexpected error in the event loop: %s", context.get("message"),
              exc_info=error if isinstance(error, BaseException) else None)
