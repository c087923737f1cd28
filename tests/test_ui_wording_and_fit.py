"""Words and layout a user reads: counts agree with their nouns ("1 message", never
"1 messages"), a sentence starts with a capital, "the value" or "the values" marked in red,
and the Add series dialog's error never overlaps the help below it."""

from __future__ import annotations

import pytest
import zmq
from pcap_fixtures import exchange, packets_of, write
from PySide6.QtWidgets import QWidget
from session_helpers import ANY_PORT
from ui_actions import WAIT_MS, click

from zinspect.core.pcap.pcap_result import counted, import_notes
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.sockets.options_form import OptionsForm

NO_COUNTS: dict[str, int] = {}


def notes(**found: int) -> list[str]:
    args = {"not_zmtp": 0, "fragments": 0, "refused": 0, "bad_times": 0}
    args.update(found)
    return [text for _, text in import_notes(NO_COUNTS, cut_short=False, max_connections=9, **args)]


def test_counts_agree_with_their_nouns():
    assert counted(1, "message") == "1 message"
    assert counted(0, "message") == "0 messages"
    assert counted(2000, "packet") == "2,000 packets"
    assert notes(not_zmtp=1) == ["1 TCP connection is not ZMTP and was left out"]
    assert notes(not_zmtp=2) == ["2 TCP connections are not ZMTP and were left out"]
    assert notes(fragments=1) == ["1 IP fragment was left out (not reassembled)"]
    assert notes(bad_times=1) == ["1 packet without a valid time was left out"]
    assert notes(refused=1) == ["1 packet of connections past the 9 open at once was left out"]
    counts = {"message_skipped": 1, "zmtp_error": 1}
    said = [
        text
        for _, text in import_notes(
            counts,
            cut_short=False,
            not_zmtp=0,
            fragments=0,
            refused=0,
            bad_times=0,
            max_connections=9,
        )
    ]
    assert said == [
        "1 message too big to import was left out",
        "1 ZMTP error (see the events of the capture)",
    ]


def one_push(client, server) -> None:
    client.send_multipart([b"only"])
    assert server.recv_multipart() == [b"only"]


def test_a_cut_pcap_of_one_message_is_told_in_sentences(window, qtbot, tmp_path):
    path = tmp_path / "one.pcap"
    write(path, packets_of(exchange(zmq.PUSH, zmq.PULL, one_push)))
    data = path.read_bytes()
    path.write_bytes(data[:-3])  # the last packet record (a FIN) is cut short
    actions = window.capture
    with qtbot.waitSignal(actions.job_finished, timeout=WAIT_MS) as finished:
        assert actions.open_capture(path)
    text = finished.args[0]
    assert text.startswith("Opened one.pcap: 1 message from 1 ZeroMQ connection ")
    assert ". The file ends in the middle of a packet record" in text
    assert "1 messages" not in text and ". the file" not in text
    box = actions.message_box
    assert box is not None and box.isVisible() and ". The file ends" in box.text()


@pytest.mark.parametrize(
    ("wrong", "words"), [(["LINGER"], "value"), (["LINGER", "SNDHWM"], "values")]
)
def test_the_values_marked_in_red(session, qtbot, wrong, words):
    form = OptionsForm(SessionBridge(session))
    qtbot.addWidget(form)
    form.resize(380, 800)
    form.show()
    push = session.create_socket("PUSH")
    push.bind(ANY_PORT)
    form.set_socket(push)
    for name in wrong:
        qtbot.keyClicks(form.row(name).editor, "soon")
    click(qtbot, form.apply_button)
    assert form.status_label.text() == (
        f"Nothing was changed: correct the {words} marked in red first."
    )


def bottom(widget: QWidget) -> int:
    return widget.mapTo(widget.window(), widget.rect().bottomLeft()).y()


def top(widget: QWidget) -> int:
    return widget.mapTo(widget.window(), widget.rect().topLeft()).y()


def test_the_add_series_error_pushes_the_help_down(window, qtbot):
    dialog = window.plots.open_add_dialog()
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    help_label = next(
        label
        for label in dialog.findChildren(type(dialog.path_error))
        if label.text().startswith("f1[2]: the second word")
    )

    def laid_out_apart() -> bool:
        error = dialog.path_error
        return (
            bottom(error) < top(help_label)
            and help_label.height() >= help_label.heightForWidth(help_label.width())
            and error.height() >= error.heightForWidth(error.width())
            and bottom(help_label) < top(dialog.add_button)
        )

    qtbot.keyClicks(dialog.path_edit, "f1[2]..x[")
    assert dialog.path_error.isVisible()
    qtbot.waitUntil(laid_out_apart, timeout=WAIT_MS)
    dialog.path_edit.clear()
    click(qtbot, dialog.add_button)  # nothing typed: a longer message
    assert dialog.isVisible() and dialog.path_error.text().startswith("type a field path")
    qtbot.waitUntil(laid_out_apart, timeout=WAIT_MS)
