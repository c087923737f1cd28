"""Compare on live traffic: zinspect's SUB on the guide's weather publisher, the Message
pane's pinned diff against the previous update of the same zip code."""

from __future__ import annotations

from peerio import start_peer
from ui_actions import WAIT_MS
from window_driver import ANY_PORT

from zinspect.core.store import message_number


def test_the_pinned_diff_compares_a_weather_update_with_the_previous_one_of_its_zip_code(
    window, user, peer, qtbot
):
    out = start_peer(peer, qtbot, "pub_weather.py", ANY_PORT, "--rate", "100")
    endpoint = out.line("ready").split()[1]
    user.create("SUB", "weather")
    user.connect(endpoint)
    user.subscribe("")
    qtbot.waitUntil(lambda: window.session.socket_named("weather").received >= 40, timeout=WAIT_MS)
    rows = user.wait_rows(40)
    new_york = [i for i, row in enumerate(rows) if row.frames[0].startswith(b"10001 ")]
    assert len(new_york) >= 2
    before, last = new_york[-2], new_york[-1]

    user.click_row(last)
    user.click(window.compare.pin_button)
    model = window.traffic.model
    expected_a = f"A Message #{message_number(model.message_at(before).seq)} "
    expected_b = f"B Message #{message_number(model.message_at(last).seq)} "
    pinned = window.compare.pinned_view
    qtbot.waitUntil(lambda: expected_a in pinned.text(), timeout=WAIT_MS)
    text = pinned.text()
    assert expected_b in text
    assert "topic '10001'" in text
    # the two updates differ in their temperature or humidity, or are the same: both said
    assert "Frame 1: changed" in text or "The messages are the same" in text
