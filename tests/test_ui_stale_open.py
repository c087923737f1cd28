"""Opening a demo (or another workspace) with traffic in the table: the question Clear /
Keep, remembered when "Don't ask again" is ticked; never two sockets' traffic under one
name (Keep is not offered then); and the table follows the new workspace's rows."""

from __future__ import annotations

from ui_actions import WAIT_MS, click, click_box, the_box, trigger_menu

from zinspect.ui.workspace.traffic_on_open import SETTING

PIPELINE = "Pipeline: ventilator, workers, sink"


def names(window) -> list[str]:
    return [s.name for s in window.session.sockets]


def traffic_names(window) -> set[str]:
    return {m.socket for m in window.session.store}


def pipeline_traffic(window, qtbot) -> None:
    """Open the pipeline demo and send its batch: 99 tasks through every socket."""
    window.demos.open_demo("pipeline")
    panel = window.demos.panel
    qtbot.waitUntil(lambda: panel.isVisible(), timeout=WAIT_MS)
    click(qtbot, panel.action_buttons[0])
    qtbot.waitUntil(lambda: "sink" in traffic_names(window), timeout=WAIT_MS)


def my_traffic(window, user, qtbot) -> None:
    """A PUB socket of the user's, named "mine", that sent one message."""
    user.create("PUB", "mine")
    user.bind()
    user.compose("hello")
    user.click_send()
    qtbot.waitUntil(lambda: traffic_names(window) == {"mine"}, timeout=WAIT_MS)


def test_clear_clears_the_previous_traffic_before_the_demo_opens(window, user, qtbot):
    my_traffic(window, user, qtbot)
    trigger_menu(window, PIPELINE)
    click_box(window, qtbot, "Discard")  # the unsaved socket "mine"
    box = the_box(window, qtbot)
    assert box.text().startswith("Clear the traffic of the previous workspace?")
    assert [b.text() for b in box.buttons()] == ["Clear", "Keep"]
    click_box(window, qtbot, "Clear")
    qtbot.waitUntil(lambda: len(names(window)) == 8, timeout=WAIT_MS)
    assert len(window.session.store) == 0 and window.traffic.model.rowCount() == 0


def test_keep_keeps_it_and_the_new_sockets_names_are_all_new(window, user, qtbot):
    my_traffic(window, user, qtbot)
    trigger_menu(window, PIPELINE)
    click_box(window, qtbot, "Discard")
    click_box(window, qtbot, "Keep")
    qtbot.waitUntil(lambda: len(names(window)) == 8, timeout=WAIT_MS)
    assert traffic_names(window) == {"mine"}
    assert "mine" not in names(window) and len(set(names(window))) == len(names(window))


def test_same_names_in_the_kept_traffic_offer_no_keep_and_cancel_changes_nothing(window, qtbot):
    pipeline_traffic(window, qtbot)
    before = len(window.session.store)
    sockets = list(window.session.sockets)
    trigger_menu(window, PIPELINE)
    box = the_box(window, qtbot)
    assert [b.text() for b in box.buttons()] == ["Clear", "Cancel"]
    assert "the new sockets sink, ventilator, worker-1" in box.text().replace("\n", " ")
    click_box(window, qtbot, "Cancel")
    assert list(window.session.sockets) == sockets and len(window.session.store) >= before


def test_dont_ask_again_remembers_clear(window, user, qtbot):
    my_traffic(window, user, qtbot)
    trigger_menu(window, PIPELINE)
    click_box(window, qtbot, "Discard")
    box = the_box(window, qtbot)
    box.checkBox().setChecked(True)
    click_box(window, qtbot, "Clear")
    qtbot.waitUntil(lambda: len(names(window)) == 8, timeout=WAIT_MS)
    assert window.settings.value(SETTING) == "always"
    click(qtbot, window.demos.panel.action_buttons[0])
    qtbot.waitUntil(lambda: "sink" in traffic_names(window), timeout=WAIT_MS)
    window.demos.open_demo("reqrep")  # cleared without a question
    qtbot.waitUntil(lambda: "client" in names(window), timeout=WAIT_MS)
    assert "sink" not in traffic_names(window)


def test_after_opening_the_table_follows_the_new_rows(window, qtbot):
    pipeline_traffic(window, qtbot)  # hundreds of rows: more than the table shows
    traffic = window.traffic
    bar = traffic.view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)
    bar.setValue(0)
    assert traffic.follow_button.isVisible()
    trigger_menu(window, "Request/reply: hello world")
    click_box(window, qtbot, "Keep")
    qtbot.waitUntil(lambda: "client" in names(window), timeout=WAIT_MS)
    click(qtbot, window.demos.panel.start_button)
    qtbot.waitUntil(lambda: "client" in traffic_names(window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.value() == bar.maximum(), timeout=WAIT_MS)
    assert not traffic.follow_button.isVisible() and "sink" in traffic_names(window)
