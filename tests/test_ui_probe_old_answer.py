"""The Probe dialog never leaves an earlier endpoint's answer under one it refused: the
answer goes when the typed endpoint is refused and when a new probe starts."""

from __future__ import annotations

from fault_helpers import free_port
from PySide6.QtCore import Qt
from ui_actions import WAIT_MS, click, trigger_menu


def probe(qtbot, dialog, endpoint: str) -> str:
    dialog.endpoint_edit.clear()
    qtbot.keyClicks(dialog.endpoint_edit, endpoint)
    with qtbot.waitSignal(dialog.probe_finished, timeout=WAIT_MS) as finished:
        click(qtbot, dialog.probe_button)
    return finished.args[0]


def test_a_refused_endpoint_clears_the_last_answer(window, qtbot, aloop):
    trigger_menu(window, "Probe endpoint…")
    dialog = window.probe_dialog
    assert dialog is not None
    closed = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    answer = probe(qtbot, dialog, closed)
    assert answer and dialog.answer.text() == answer
    # a new, wrong endpoint: its problem shows, the old answer does not
    dialog.endpoint_edit.clear()
    qtbot.keyClicks(dialog.endpoint_edit, "udp://127.0.0.1:9")
    assert dialog.error.isVisible() and dialog.error.text().startswith("The probe speaks TCP")
    assert dialog.answer.text() == ""
    # Enter on an empty field is refused the same way
    answer = probe(qtbot, dialog, closed)
    assert dialog.answer.text() == answer
    dialog.endpoint_edit.clear()
    qtbot.keyClick(dialog.endpoint_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text().startswith("Enter an endpoint")
    assert dialog.answer.text() == "" and dialog.probe_result is None
    # a new probe says it is probing the new endpoint, not the last answer
    other = f"tcp://127.0.0.1:{free_port()}"
    qtbot.keyClicks(dialog.endpoint_edit, other)
    with qtbot.waitSignal(dialog.probe_finished, timeout=WAIT_MS):
        click(qtbot, dialog.probe_button)
        assert dialog.answer.text() == f"Probing {other}…"
