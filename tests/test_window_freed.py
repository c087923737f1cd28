"""A closed main window is freed, and so are its session's store and sockets.

The app has one window per run, but the tests make hundreds: a window that outlived its close
kept its store (up to the caps) and its panels' models alive for the rest of the worker. The
window lives in reference cycles, so "freed" means: gone once Qt has run the deletions it
was asked for (``deleteLater``, what pytest-qt's teardown and conftest's
``collect_between_tests`` do) and the collector has run.
"""

from __future__ import annotations

import gc
import re
import weakref
from pathlib import Path

import pytest
import shiboken6
import zmq
from peerio import start_peer
from PySide6.QtCore import QCoreApplication, QEvent
from pytestqt.exceptions import TimeoutError as WaitTimeout
from ui_actions import WAIT_MS, click_box, record_to, trigger_menu
from window_driver import ANY_PORT, WindowDriver, settings_at

import zinspect
from zinspect.core.capture.capture import read_capture
from zinspect.ui.main_window import MainWindow


def live_zmq_sockets() -> int:
    """pyzmq sockets not closed yet, in this process (a context has no public list)."""
    return sum(1 for obj in gc.get_objects() if isinstance(obj, zmq.Socket) and not obj.closed)


def wait_freed(qtbot, **refs: weakref.ref) -> None:
    """Run the deletions Qt was asked for and collect, until every referent is gone; the
    first try comes before any other event runs (a timer the window started as it closed
    has not fired yet)."""

    def freed() -> bool:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        return all(ref() is None for ref in refs.values())

    try:
        qtbot.waitUntil(freed, timeout=WAIT_MS)
    except WaitTimeout:
        alive = [name for name, ref in refs.items() if ref() is not None]
        pytest.fail(f"still alive after the window closed: {', '.join(alive)}")


@pytest.fixture
def open_window(qtbot, tmp_path):
    """Open a main window (on ``session``, else its own), shown as the app shows it; one a
    failed test left open is quit at the end (not registered with qtbot, which would close
    it again even once it was deleted)."""
    made: list[weakref.ref] = []

    def open_one(session=None) -> MainWindow:
        window = MainWindow(settings=settings_at(tmp_path / "s.ini"), session=session)
        made.append(weakref.ref(window))
        window.resize(1600, 800)
        window.show()
        qtbot.waitExposed(window)
        return window

    yield open_one
    for ref in made:
        window = ref()
        if window is not None and shiboken6.isValid(window):
            window.quit_without_asking()
            window.deleteLater()


def use(window: MainWindow, qtbot, peer, tmp_path) -> None:
    """Record to a file, talk to a real REP server, read its reply in the Message pane."""
    record_to(window, qtbot, tmp_path / "recording.jsonl")
    user = WindowDriver(window, qtbot)
    endpoint = start_peer(peer, qtbot, "rep_server.py", ANY_PORT, "World").line("ready").split()[1]
    user.create("REQ", "client")
    user.connect(endpoint)
    user.compose("Hello")
    user.click_send()
    rows = user.wait_rows(2)
    assert [row.frames for row in rows] == [(b"Hello",), (b"World",)]
    user.click_row(1)
    assert user.detail_frames() == ["World"]
    window.latency_dock.raise_()
    window.topics_dock.raise_()


def test_a_window_quit_after_traffic_is_freed_with_its_store_and_sockets(
    aloop, open_window, qtbot, tmp_path, peer
):
    before = live_zmq_sockets()
    window = open_window()
    use(window, qtbot, peer, tmp_path)
    assert live_zmq_sockets() > before  # the count sees the window's sockets
    refs = {
        "the window": weakref.ref(window),
        "its session": weakref.ref(window.session),
        "its store": weakref.ref(window.session.store),
        "the traffic table's model": weakref.ref(window.traffic.model),
    }

    trigger_menu(window, "Quit")
    click_box(window, qtbot, "Discard")  # the socket made above is an unsaved change
    session = refs["its session"]
    qtbot.waitUntil(lambda: session().closed, timeout=WAIT_MS)
    assert not window.isVisible()
    recorded = read_capture(tmp_path / "recording.jsonl").messages  # stopped by the quit
    assert [m.frames for m in recorded] == [[b"Hello"], [b"World"]]
    assert live_zmq_sockets() <= before  # closed with the session, monitors too

    window.deleteLater()
    del window
    wait_freed(qtbot, **refs)


def test_a_window_closed_before_a_shown_panel_drew_is_freed(aloop, open_window, qtbot):
    """The Plot tab, raised, draws on the next turn of the loop; the window goes first
    (Ctrl+C quits that way). That pending call once kept the whole window."""
    window = open_window()
    refs = {"the window": weakref.ref(window), "its store": weakref.ref(window.session.store)}
    window.plots.dock.raise_()
    window.quit_without_asking()
    window.deleteLater()
    del window
    wait_freed(qtbot, **refs)


def test_a_session_that_outlives_its_window_lets_the_panels_go(
    session, aloop, open_window, qtbot, tmp_path, peer
):
    """A session given to the window (the tests' ``session`` fixture) stays after the window
    closed: it must not keep the panels that listened to it or to its store."""
    window = open_window(session)
    use(window, qtbot, peer, tmp_path)
    refs = {
        "the window": weakref.ref(window),
        "the session bridge": weakref.ref(window.bridge),
        "the Events panel": weakref.ref(window.events),
        "the Latency panel": weakref.ref(window.latency),
        "the Topics view": weakref.ref(window.topics),
        "the Topics view's follower": weakref.ref(window.topics.follower),
        "the traffic table's model": weakref.ref(window.traffic.model),
    }
    window.quit_without_asking()
    assert session.closed
    window.deleteLater()
    del window
    wait_freed(qtbot, **refs)
    assert len(session.store) == 2  # the session, and its traffic, are still there


def test_no_module_calls_later_through_the_leaking_single_shot():
    """``QTimer.singleShot(0, owner, callback)`` leaks whenever ``owner`` goes first, which
    no test can time reliably: ``call_soon`` does the same without the leak."""
    pattern = re.compile(r"singleShot\(\s*0\s*,\s*[\w.]+\s*,")
    package = Path(zinspect.__file__).parent
    found = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if pattern.search(path.read_text(encoding="utf-8")) and path.name != "soon.py"
    ]  # soon.py says why in its docstring
    assert found == []
