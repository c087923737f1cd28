"""Shared fixtures: an offscreen Qt, a fresh qasync loop per test that fails the test on any
loop exception, a Session created inside that loop, peer processes, and (from
window_driver.py) the real main window with a user driving it."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

PEERS = Path(__file__).parent / "peers"

# the ``window`` (the real main window) and ``user`` (a WindowDriver on it) fixtures; the
# ``panel`` (a sockets panel) and ``pane`` (a message detail pane) fixtures that several
# test files drive (a module's own fixture of the same name still wins there)
pytest_plugins = ["window_driver", "socket_panel_helpers", "detail_pane_helpers"]


def pytest_collection_modifyitems(items) -> None:
    """A test that starts peer processes is end-to-end, whether or not its file says so:
    ``-m "not e2e"`` must leave out every test that needs a peer to start in time."""
    for item in items:
        if "peer" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.e2e)
    # what collection made (modules, Qt's bindings, hypothesis) lives to the end: out of the
    # collector's reach, so collect_between_tests walks only what the tests make
    gc.collect()
    gc.freeze()


@pytest.fixture
def aloop(qapp):
    """A qasync loop that asyncio sees as running, driven by the Qt event processing of qtbot
    waits.

    It is deliberately not created with ``already_running=True``: qasync's ``stop()`` then
    calls ``QApplication.exit()``, and with no ``exec()`` running Qt keeps its quit flag set,
    so every later ``QEventLoop.exec()`` (each qtbot wait) returns at once and the next test's
    loop never runs a callback.
    """
    import qasync

    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    asyncio.events._set_running_loop(loop)
    errors: list[dict] = []

    def handler(the_loop, context):
        errors.append(context)
        the_loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    yield loop
    # let callbacks scheduled by closing sockets run before the loop goes
    qapp.processEvents()
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)
    if errors:
        pytest.fail(f"exceptions in the event loop: {errors}")


@pytest.fixture
def session(aloop):
    from zinspect.core.sockets.session import Session

    session = Session()
    yield session
    session.close()


@pytest.fixture(autouse=True)
def collect_between_tests():
    """Collect a test's garbage when it ends, at a quiet moment. Windows, dialogs and
    pyqtgraph's items live in reference cycles; left to a collection that happens to run
    inside the next test's Qt event processing, deleting one there crashed a worker
    (SIGSEGV in pytest-qt's processEvents). The widgets pytest-qt closed are deleted first:
    until their ``deleteLater`` runs, their connections keep cycles alive that hold live
    parentless QObjects (a panel test's bridge, a closed qasync loop's timers), and the next
    test's collections found them."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(autouse=True)
def fail_on_unexpected_warnings(caplog):
    """A test that logs an unexpected WARNING (or worse) fails; mark expected ones with
    ``caplog.expected_warnings = True``."""
    caplog.set_level(logging.INFO, logger="zinspect")
    yield
    if getattr(caplog, "expected_warnings", False):
        return
    bad = [
        r
        for r in caplog.get_records("call")
        if r.levelno >= logging.WARNING and r.name.startswith("zinspect")
    ]
    if bad:
        pytest.fail("unexpected warnings: " + "; ".join(r.getMessage() for r in bad))


@pytest.fixture
def sender():
    """Plain pyzmq PUSH sockets (not zinspect's) connected to an address, closed at the end;
    ``source``: the host a tcp connection comes from (libzmq's ``source;destination``)."""
    import zmq

    context = zmq.Context()
    made: list[zmq.Socket] = []

    def connect(address: str, source: str = "") -> zmq.Socket:
        sock = context.socket(zmq.PUSH)
        sock.linger = 0
        sock.sndhwm = 0
        sock.connect(f"tcp://{source}:0;{address[len('tcp://') :]}" if source else address)
        made.append(sock)
        return sock

    yield connect
    for sock in made:
        sock.close()
    context.term()


@pytest.fixture
def endpoint_in_use():
    """A tcp endpoint a plain pyzmq socket keeps bound for the test: a port in use."""
    import zmq

    context = zmq.Context()
    sock = context.socket(zmq.PULL)
    sock.linger = 0
    sock.bind("tcp://127.0.0.1:*")
    yield sock.getsockopt_string(zmq.LAST_ENDPOINT)
    context.destroy(0)


@pytest.fixture
def peer(tmp_path):
    """Start a peer script from tests/peers with arguments; every peer is killed at teardown."""
    import subprocess

    procs: list[subprocess.Popen] = []

    def start(script: str, *args: str) -> subprocess.Popen:
        proc = subprocess.Popen(
            [sys.executable, str(PEERS / script), *map(str, args)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(5)
        if proc.stdout:
            proc.stdout.close()
        if proc.stderr:
            proc.stderr.close()
