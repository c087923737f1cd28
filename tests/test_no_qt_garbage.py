"""What a user does leaves no live Qt object for Python's cyclic garbage collector.

A collection starts wherever Python happens to allocate, inside any callback Qt calls too.
When it frees a parentless Qt object that only a reference cycle kept, PySide deletes the C++
object there and then, possibly while Qt is using it: that is how a test once crashed in the
middle of Qt's event processing (SIGSEGV). So a Qt object zinspect drops must be freed by
its parent, by ``deleteLater`` or by reference counting, never by the collector. These tests
keep every collection's garbage (``gc.DEBUG_SAVEALL``) while a user works through the real
window and look for a Qt object in it whose C++ side is still alive.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import shiboken6
from preferences_helpers import open_preferences, press_ok
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from table_helpers import ctrl_click_row, row_menu
from ui_actions import (
    WAIT_MS,
    click,
    click_box,
    fill_tap_window,
    record_to,
    tap_window,
    trigger_menu,
)
from window_driver import ANY_PORT
from workspace_helpers import PAIR_WORKSPACE, choose_file, write

from zinspect.core.capture.capture import write_capture
from zinspect.core.decode.decoder import value_text
from zinspect.core.store import IN, Message


def _live_qt_objects(garbage: list[object]) -> list[str]:
    """The Qt objects in ``garbage`` whose C++ side is alive and would go with them: every
    QObject, and any other object Python owns (a graphics item, say) except a value (a
    QFont, a QColor: a copy of its own, safe to free anywhere)."""
    return [
        f"{type(obj).__module__}.{type(obj).__qualname__}"
        for obj in garbage
        if isinstance(obj, shiboken6.Shiboken.Object)
        and shiboken6.isValid(obj)
        and (
            isinstance(obj, QObject)
            or (shiboken6.ownedByPython(obj) and not hasattr(type(obj), "__copy__"))
        )
    ]


class GarbageWatch:
    """Keeps what every collection finds, automatic ones included, and names the step that
    left a live Qt object in it."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def step(self, what: str) -> None:
        gc.collect()
        self.found += [f"{what}: {name}" for name in _live_qt_objects(gc.garbage)]
        _free_garbage()


def _free_garbage() -> None:
    """Free what was kept, now, at a quiet moment (kept again by the next collection else)."""
    flags = gc.get_debug()
    gc.set_debug(flags & ~gc.DEBUG_SAVEALL)
    gc.garbage.clear()
    gc.collect()
    gc.set_debug(flags)


def _settle() -> None:
    """Collect until nothing is left: a finalizer run by one collection can drop the last
    outside reference to another cycle."""
    for _ in range(10):
        if not gc.collect():
            return


@contextmanager
def garbage_watched() -> Iterator[GarbageWatch]:
    flags = gc.get_debug()
    _settle()  # what came before is not this test's
    gc.set_debug(flags | gc.DEBUG_SAVEALL)
    try:
        yield GarbageWatch()
    finally:
        gc.set_debug(flags)
        gc.garbage.clear()
        gc.collect()


def earlier_widgets_deleted() -> None:
    """One turn of an event loop, so the widgets earlier tests in this process closed are
    deleted (``deleteLater`` waits for a loop): until then their connections keep cycles of
    their own alive (a panel test's parentless bridge, a closed qasync loop's timers),
    which are not this test's to find."""
    loop = QEventLoop()
    QTimer.singleShot(0, loop.quit)
    loop.exec()


def put_readings(window, count: int, socket: str = "sensor") -> None:
    now = time.time()
    window.session.store.extend(
        [
            Message(now + i / 100, socket, IN, [b"oslo", json.dumps({"temp": i}).encode()])
            for i in range(count)
        ]
    )


def use_sockets(window, user, qtbot, watch: GarbageWatch) -> None:
    pull = user.create("PULL", "pull")
    address = user.bind()
    push = user.create("PUSH", "push")
    user.connect(address)
    user.create("SUB", "sub")
    user.subscribe("")
    watch.step("sockets created, bound and connected")
    user.select(push)
    user.compose("hello", "world")
    user.click_send()
    user.wait_rows(2)
    user.compose("again")
    user.click_send()
    rows = user.wait_rows(4)
    assert {row.socket for row in rows} == {"push", "pull"}
    watch.step("messages sent and received")
    user.select(pull)
    user.click_row(1)
    row_menu(qtbot, window, 0).close()
    watch.step("a row selected and its menu opened")


def use_dialogs(window, user, qtbot, watch: GarbageWatch) -> None:
    press_ok(qtbot, open_preferences(window, qtbot))
    watch.step("Preferences opened and closed")
    rep = user.create("REP", "rep")
    upstream = user.bind()
    dialog = tap_window(window, qtbot)
    fill_tap_window(qtbot, dialog, "reqrep", ANY_PORT, upstream, "tap")
    user.click(dialog.start_button)
    qtbot.waitUntil(lambda: dialog.tap is not None, timeout=WAIT_MS)
    user.click(dialog.stop_button)
    qtbot.waitUntil(lambda: dialog.tap is None, timeout=WAIT_MS)
    user.click(dialog.close_button)
    assert rep in window.session.sockets
    watch.step("a tap started and stopped in the Tap window")


def use_docks(window, user, qtbot, watch: GarbageWatch) -> None:
    put_readings(window, 40)
    user.wait_rows(44)
    trigger_menu(window, "Add plot series…")
    dialog = window.plots.dialog
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    qtbot.keyClicks(dialog.path_edit, "f2.temp")
    click(qtbot, dialog.add_button)
    canvas = window.plots.panel.values
    qtbot.waitUntil(
        lambda: any(c.xData is not None and len(c.xData) for c in canvas.curves.values()),
        timeout=WAIT_MS,
    )
    watch.step("a value plotted in the Plot dock")
    window.topics_dock.raise_()
    qtbot.waitUntil(lambda: window.topics.model.find("sensor", None).isValid(), timeout=WAIT_MS)
    window.latency_dock.raise_()
    qtbot.waitUntil(window.latency_dock.isVisible, timeout=WAIT_MS)
    watch.step("the Topics and Latency docks shown")
    user.click_row(4)  # two of the readings
    ctrl_click_row(user, 6)
    trigger_menu(window, "Compare selected messages")
    compare = window.compare
    qtbot.waitUntil(
        lambda: compare.dialog is not None and compare.dialog.isVisible(), timeout=WAIT_MS
    )
    compare.dialog.close()
    watch.step("two messages compared")


def use_files(window, user, qtbot, tmp_path, watch: GarbageWatch) -> None:
    path = tmp_path / "capture.jsonl"
    write_capture(path, [Message(1.7e9 + i, "old", IN, [b"%d" % i]) for i in range(20)])
    actions = window.capture
    actions.open_action.trigger()
    qtbot.waitUntil(lambda: actions.file_dialog is not None, timeout=WAIT_MS)
    actions.file_dialog.selectFile(str(path))
    actions.file_dialog.accept()
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS):
        click_box(window, qtbot, "Clear traffic first")  # the table has traffic
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 20, timeout=WAIT_MS)
    watch.step("a capture opened")
    trigger_menu(window, "Clear traffic")
    qtbot.waitUntil(lambda: window.traffic.model.rowCount() == 0, timeout=WAIT_MS)
    watch.step("the traffic cleared")
    trigger_menu(window, "Dark")
    trigger_menu(window, "System")
    watch.step("the theme changed")
    user.select(window.session.socket_named("push"))
    trigger_menu(window, "Close socket")
    qtbot.waitUntil(lambda: window.session.socket_named("push") is None, timeout=WAIT_MS)
    watch.step("a socket closed")
    trigger_menu(window, "Open workspace…")
    click_box(window, qtbot, "Discard")  # the sockets made above are unsaved changes
    choose_file(window, qtbot, write(tmp_path / "pair.zinspect.json", PAIR_WORKSPACE))
    qtbot.waitUntil(
        lambda: [s.name for s in window.session.sockets] == ["left", "right"], timeout=WAIT_MS
    )
    watch.step("a workspace opened")


@pytest.mark.timeout(120)
def test_common_actions_leave_no_live_qt_object_to_the_collector(window, user, qtbot, tmp_path):
    earlier_widgets_deleted()
    with garbage_watched() as watch:
        use_sockets(window, user, qtbot, watch)
        use_dialogs(window, user, qtbot, watch)
        use_docks(window, user, qtbot, watch)
        use_files(window, user, qtbot, tmp_path, watch)
    assert watch.found == []


def use_more(window, user, qtbot, tmp_path, watch: GarbageWatch) -> None:
    user.create("REP", "rep")
    address = user.bind()
    probe = window.show_probe_dialog()
    probe.endpoint_edit.clear()
    qtbot.keyClicks(probe.endpoint_edit, address)
    click(qtbot, probe.probe_button)
    qtbot.waitUntil(lambda: not probe.running, timeout=WAIT_MS)
    probe.close()
    watch.step("an endpoint probed")
    form = window.sockets.security_form
    form.mechanism_combo.setCurrentText("CURVE")
    form.curve_server_check.setChecked(True)
    qtbot.mouseClick(form.keys.generate_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(form.security_applied, timeout=WAIT_MS):
        qtbot.mouseClick(form.apply_button, Qt.MouseButton.LeftButton)
    watch.step("a CURVE server key pair generated and applied")
    actions = window.capture
    record_to(window, qtbot, tmp_path / "recording.jsonl")
    put_readings(window, 5)
    user.wait_rows(5)
    with qtbot.waitSignal(actions.recording_stopped, timeout=WAIT_MS):
        actions.stop_record_action.trigger()
    watch.step("traffic recorded to a file")
    user.click_row(1)
    actions.replay_selected().close()
    watch.step("the replay window opened on a row")
    window.demos.open_demo("reqrep", ask=False)
    click_box(window, qtbot, "Clear")  # the table has traffic
    panel = window.demos.panel
    qtbot.waitUntil(panel.start_button.isEnabled, timeout=WAIT_MS)
    window.demos.dock.raise_()
    click(qtbot, panel.start_button)
    qtbot.waitUntil(lambda: len(window.session.store) >= 4, timeout=WAIT_MS)
    click(qtbot, panel.stop_button)
    watch.step("a demo opened, started and stopped")


@pytest.mark.timeout(120)
def test_less_common_actions_leave_no_live_qt_object_to_the_collector(
    window, user, qtbot, tmp_path
):
    earlier_widgets_deleted()
    with garbage_watched() as watch:
        use_more(window, user, qtbot, tmp_path, watch)
    assert watch.found == []


def test_a_decoded_summary_leaves_no_garbage():
    """The Summary cell of a decoded map or list (every row a table, topics or latency view
    shows): once a reference cycle of two closures per cell, garbage that made collections
    run far more often under a flood."""
    value = {"temp": 21.5, "tags": ["a", "b", [1, 2]], "at": {"x": 1, "y": None}}
    with garbage_watched():
        texts = {value_text(value, limit) for limit in (8, 40, 200)}
        gc.collect()
        assert gc.garbage == []
    assert texts == {
        '{"temp"…',
        '{"temp": 21.5, "tags": ["a", "b", [1, 2…',
        '{"temp": 21.5, "tags": ["a", "b", [1, 2]], "at": {"x": 1, "y": null}}',
    }
