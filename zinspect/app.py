"""Start-up: command line, QApplication, the qasync loop, and a clean quick shutdown.

Everything runs on one thread: Qt's event loop is the asyncio loop (qasync), and the session's
sockets are created inside it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Sequence

import zinspect
from zinspect.cli import COMMANDS, run_command
from zinspect.core.sockets.fd_limit import raise_fd_limit

log = logging.getLogger(__name__)

DESCRIPTION = """\
zinspect: a desktop ZeroMQ message inspector.

Create sockets of any type, bind and connect them, subscribe, send single- or multi-part
messages and watch every message in and out, frame by frame, as text, hex or JSON.
"""

EPILOG = """\
examples:
  zinspect                              start with an empty session
  zinspect bench.zinspect.json          open a workspace (sockets, endpoints, automations)
  zinspect bench.zinspect.json --record run.jsonl --autostop 60
                                        record a minute of traffic, then quit
  zinspect worker.zinspect.json --autostop 60 --run-scripts
                                        run a workspace's Python scripts headless
  zinspect --demo pipeline              open the pipeline demo (--demo list names them all)
  zinspect decode run.jsonl             print a capture's messages decoded, as JSON Lines
                                        (zinspect decode --help says more)
  zinspect stats run.jsonl [--json]     a capture's topics, request/reply latency and
                                        sequence gaps (zinspect stats --help says more)
  zinspect record ws.zinspect.json --record run.jsonl
                                        record a workspace without a window (no Qt)
  zinspect tap --pattern reqrep --front tcp://*:5555 --upstream tcp://127.0.0.1:5556
      --record run.jsonl                sit between clients and a server, record both ways
  zinspect --version                    show versions of zinspect, pyzmq, libzmq, Qt and
                                        libzmq's transports and features

Ctrl+C, SIGTERM and SIGHUP quit like File > Quit: the sockets close, the recording is
finished (every message received is in the file), and the exit status is 0.

Qt's own options (for example -platform offscreen, -style fusion) are passed through.
"""

# numpy's bundled OpenBLAS starts a thread per core that spins for a while after each call:
# the window's arrays are small, and on two cores the spinning took CPU from the receiving
# thread in a flood (docs/performance.md). Set before numpy is first imported (the window
# imports it; this module does not).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Qt's command-line options that take a value: kept away from argparse's positional WORKSPACE
QT_VALUE_OPTIONS = frozenset(
    {
        "-platform",
        "-platformpluginpath",
        "-platformtheme",
        "-plugin",
        "-style",
        "-stylesheet",
        "-display",
        "-geometry",
        "-qwindowgeometry",
        "-qwindowtitle",
        "-qwindowicon",
        "-session",
        "-screen",
        "-title",
    }
)


def split_qt_args(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(zinspect's arguments, Qt's arguments): Qt's start with a single dash."""
    ours: list[str] = []
    qt: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg in QT_VALUE_OPTIONS:
            qt.append(arg)
            qt.append(next(args, ""))
        elif arg.startswith("-") and not arg.startswith("--") and arg not in ("-h",):
            qt.append(arg)
        else:
            ours.append(arg)
    return ours, qt


def positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zinspect",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "workspace",
        nargs="?",
        metavar="WORKSPACE",
        help="open this workspace file (.zinspect.json): its sockets, "
        "endpoints, subscriptions, options and automations",
    )
    parser.add_argument(
        "--demo",
        metavar="NAME",
        help="open a pattern demo (reqrep, pubsub, pipeline, routerdealer, "
        "broker) instead of a workspace; 'list' prints them all",
    )
    parser.add_argument(
        "--record",
        metavar="FILE",
        help="record all traffic to this capture file (JSON Lines) from the "
        "start; the file is flushed at least once a second",
    )
    parser.add_argument(
        "--autostop",
        metavar="SECONDS",
        type=positive_seconds,
        help="quit cleanly after SECONDS, finishing the recording (like Wireshark's "
        "autostop); every automation problem is printed on stderr, and the exit code is 1 "
        "when an automation failed (also without a display)",
    )
    parser.add_argument(
        "--run-scripts",
        action="store_true",
        help="run the workspace's Python script automations without asking (they are "
        "code that runs with your rights; docs/scripting.md); without a display or with "
        "--autostop, a workspace that holds scripts is refused without it",
    )
    parser.add_argument(
        "--version",
        action="store_true",
        help="print the versions of zinspect, pyzmq, libzmq and Qt, and which "
        "transports and draft features this libzmq has, then exit",
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="how much to log to stderr (default: WARNING)",
    )
    parser.add_argument(
        "--settings",
        metavar="FILE",
        help="store window layout and preferences in this INI file instead of "
        "the user's settings (handy for tests and portable setups)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:  # zinspect decode ...: no window, no Qt
        return run_command(argv[0], argv[1:])
    parser = build_parser()
    ours, qt_args = split_qt_args(argv)
    args = parser.parse_args(ours)
    if args.version:
        from zinspect.versions import version_report

        print(version_report())
        return 0
    if args.demo is not None:
        problem = check_demo_argument(args)
        if problem is not None:
            return problem
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    raise_fd_limit()  # a workspace of thousands of sockets needs thousands of descriptors
    from zinspect.core.decode.plugins import load_plugins

    load_plugins()  # third-party decoders, once, before any workspace names them
    from zinspect.core.history.folders import remove_stale_histories

    remove_stale_histories()  # what crashed sessions left; this session makes its own
    if args.workspace and not args.run_scripts and (args.autostop or _no_display()):
        refused = scripts_refused(args.workspace)
        if refused:
            print(refused, file=sys.stderr)
            return 2
    return run_gui(args, qt_args)


def scripts_refused(path: str) -> str:
    """Headless, nobody can be asked: a workspace holding scripts needs --run-scripts.
    The sentence that says so, or "" (no scripts, or a file the window will say is bad)."""
    from zinspect.core.workspace.apply import workspace_scripts
    from zinspect.core.workspace.model import WorkspaceError
    from zinspect.core.workspace.parse import read_workspace

    try:
        files = workspace_scripts(read_workspace(path))
    except WorkspaceError:
        return ""
    if not files:
        return ""
    names = ", ".join(
        os.path.relpath(file, os.path.dirname(os.path.abspath(path))) for file in files
    )
    return (
        f"zinspect: {path} runs Python scripts ({names}): code that runs with your rights. "
        "Nobody can be asked without a display: add --run-scripts to run them."
    )


def check_demo_argument(args: argparse.Namespace) -> int | None:
    """Handle ``--demo list`` and a wrong demo name here, before any window: the exit code
    to return now, or None to go on and open the demo."""
    from zinspect.core.demos.demos import DemoError, demo_names, load_demo

    if args.demo == "list":
        names = demo_names()
        width = max(map(len, names))
        for name in names:
            print(f"{name:<{width}}  {load_demo(name).summary}")
        return 0
    if args.workspace:
        print("zinspect: choose a workspace or a demo, not both", file=sys.stderr)
        return 2
    try:
        load_demo(args.demo)
    except DemoError as error:
        print(f"zinspect: {error}", file=sys.stderr)
        return 2
    return None


def run_gui(args: argparse.Namespace, qt_args: list[str]) -> int:
    import qasync
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from zinspect.core.automation.automation_runner import listen_for_problems
    from zinspect.ui.main_window import MainWindow
    from zinspect.ui.quit_signals import QuitSignals

    app = QApplication.instance() or QApplication(["zinspect", *qt_args])
    app.setApplicationName("zinspect")
    app.setOrganizationName("zinspect")
    app.setApplicationVersion(zinspect.__version__)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    loop.set_exception_handler(_log_loop_exception)
    settings = (
        QSettings(args.settings, QSettings.Format.IniFormat) if args.settings else QSettings()
    )

    exit_code = 0
    signals = QuitSignals()

    def report_problem(socket: str, message: str, failed: bool) -> None:
        """Headless, nobody sees the window: every automation problem goes to stderr, and
        one that ended an automation makes the exit code 1."""
        nonlocal exit_code
        print(f"zinspect: automation of {socket}: {message}", file=sys.stderr, flush=True)
        if failed and exit_code == 0:
            exit_code = 1

    async def run() -> None:
        nonlocal exit_code
        window = MainWindow(settings=settings)
        closed = asyncio.Event()
        window.window_closed.connect(closed.set)
        # Signal handlers only note the signal: the quit itself runs from the loop, never in
        # the middle of whatever Python code the signal interrupted (a recorder's write, say).
        signals.install(window.quit_without_asking)
        if args.autostop or _no_display():
            listen_for_problems(window.session, report_problem)
        window.workspace_actions.script_trust.run_without_asking = args.run_scripts
        window.show()
        log.info("main window shown")
        freeze_startup_objects()
        if args.record and not window.capture.start_recording(args.record):
            exit_code = 2
            print(
                f"zinspect: cannot record to {args.record}: "
                f"{window.capture.last_error or 'see the log'}",
                file=sys.stderr,
            )
            window.quit_without_asking()
        elif args.workspace:
            window.workspace_actions.open_path(args.workspace)
        elif args.demo:
            window.demos.open_demo(args.demo, ask=False)
        if args.autostop:
            asyncio.get_running_loop().call_later(args.autostop, window.quit_without_asking)
        try:
            await closed.wait()
        finally:
            window.shutdown()
            signals.stop_polling()

    try:
        with loop:
            loop.run_until_complete(run())
    finally:
        signals.restore()
    return exit_code


def freeze_startup_objects() -> None:
    """Move every object alive once the window is built (modules, classes, the window's
    widgets, the store's row list: ~70 k) out of the garbage collector's reach.

    Python's full collection walks every tracked object: 30-50 ms here for what start-up
    alone leaves, plus a visit of each stored row's slot, and under a flood one comes every
    few seconds, which was the largest single turn of a send flood and of a 1,000-socket
    workspace (docs/performance.md, "Stalls, second round"). These objects live until
    the window closes, so the collector gains nothing by walking them. Done once, after a
    collection and before any workspace, capture or demo opens: what those make later
    stays collectable."""
    gc.collect()
    gc.freeze()


def _no_display() -> bool:
    """Whether Qt draws nowhere a person could look (an offscreen platform, or Linux with
    neither X11 nor Wayland)."""
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal"):
        return True
    return sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )


def _log_loop_exception(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """Keep running after a stray exception in a callback, but never hide it."""
    error = context.get("exception")
    log.error(
        "unexpected error in the event loop: %s",
        context.get("message"),
        exc_info=error if isinstance(error, BaseException) else None,
    )
