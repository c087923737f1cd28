"""Words that outlived what they were about: the Gaps form's refusal once another workspace
opened (or its field changed), a socket's "bind failed" after later actions worked, and an
Events panel that opened at the oldest event and then never followed the new ones."""

from __future__ import annotations

from test_ui_latency import show_latency_dock
from ui_actions import WAIT_MS
from workspace_helpers import PAIR_WORKSPACE, write

BAD_PATH_WORDS = "Path: a path starts with f and a frame number, like f2.temp."


def test_the_gaps_refusal_goes_with_its_field_or_the_workspace(window, user, qtbot, tmp_path):
    pull = user.create("PULL", "numbers")
    show_latency_dock(window, qtbot)
    gaps = window.latency.gaps_tab
    window.latency.tabs.setCurrentWidget(gaps)
    gaps.socket_box.setCurrentText(pull.name)

    def refuse() -> None:
        gaps.path_edit.clear()
        qtbot.keyClicks(gaps.path_edit, "seq")
        user.click(gaps.mark_button)
        assert gaps.error.isVisible() and gaps.error.text() == BAD_PATH_WORDS

    refuse()
    qtbot.keyClicks(gaps.path_edit, "!")  # the user mends what was refused
    assert not gaps.error.isVisible()
    refuse()
    assert window.workspace_actions.open_path(write(tmp_path / "w.zinspect.json", PAIR_WORKSPACE))
    qtbot.waitUntil(lambda: not window.workspace_actions.switch.running, timeout=WAIT_MS)
    assert not gaps.error.isVisible() and gaps.error.text() == ""


def test_bind_failed_goes_once_a_later_action_works(window, user, qtbot):
    user.create("PUB", "pub")
    taken = user.bind("tcp://127.0.0.1:*")
    sub = user.create("SUB", "sub")
    panel = window.sockets
    user.type_endpoint(taken)
    user.click(panel.endpoint_editor.bind_button)  # the port is the PUB's
    qtbot.waitUntil(lambda: "bind failed" in panel.state_label.text(), timeout=WAIT_MS)
    user.subscribe("weather")  # works
    qtbot.waitUntil(lambda: "bind failed" not in panel.state_label.text(), timeout=WAIT_MS)
    assert "bind failed" not in user.socket_list()[1]
    assert sub.subscriptions == [b"weather"]
    events = window.events.model  # the timeline keeps what happened
    qtbot.waitUntil(
        lambda: any(events.event_at(r).name == "bind_failed" for r in range(events.rowCount())),
        timeout=WAIT_MS,
    )


def at_newest(view) -> bool:
    bar = view.verticalScrollBar()
    return bar.maximum() > 0 and bar.value() == bar.maximum()


def test_events_open_at_the_newest_and_follow_unless_scrolled_up(window, user, qtbot):
    events = window.events
    window.events_dock.hide()  # not shown yet: a tab behind the Composer, or closed
    qtbot.waitUntil(lambda: not events.view.isVisible(), timeout=WAIT_MS)
    pub = user.create("PUB", "many")
    for _ in range(40):  # an event each: "listening"
        pub.bind("tcp://127.0.0.1:*")
    qtbot.waitUntil(lambda: events.model.rowCount() >= 40, timeout=WAIT_MS)
    window.events_dock.show()  # the user opens it
    window.events_dock.raise_()
    qtbot.waitUntil(events.view.isVisible, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: at_newest(events.view), timeout=WAIT_MS)

    shown = events.model.rowCount()
    for _ in range(10):
        pub.bind("tcp://127.0.0.1:*")
    qtbot.waitUntil(lambda: events.model.rowCount() >= shown + 10, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: at_newest(events.view), timeout=WAIT_MS)  # it follows

    events.view.verticalScrollBar().setValue(0)  # the user reads the oldest
    shown = events.model.rowCount()
    pub.bind("tcp://127.0.0.1:*")
    qtbot.waitUntil(lambda: events.model.rowCount() > shown, timeout=WAIT_MS)
    assert events.view.verticalScrollBar().value() == 0  # left where the user is
