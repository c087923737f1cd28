"""Capture > Open capture… next to live traffic never mixes two sockets' messages: a socket
of the capture named like a live socket (or like one of the kept traffic, or of another
file opened with it) is shown with its file's name added, so Gaps, Topics and Latency count
it apart; the status line says which were renamed."""

from __future__ import annotations

import time

import zmq
from pcap_fixtures import exchange, packets_of, write
from session_helpers import linked, send
from test_ui_latency import cells, show_latency_dock
from test_ui_topics import cell, node_index, show_topics
from ui_actions import WAIT_MS, click_box, open_boxes

from zinspect.core.capture.capture import write_capture
from zinspect.core.store import IN, Message
from zinspect.ui.topics.topics_model import COL_COUNT


def status_text(window) -> str:
    return window.statusBar().currentMessage()


def choose_in_dialog(window, qtbot, *paths) -> None:
    """Capture > Open capture…, the files chosen in its dialog as a user types them."""
    actions = window.capture
    actions.open_action.trigger()
    qtbot.waitUntil(lambda: actions.file_dialog is not None, timeout=WAIT_MS)
    dialog = actions.file_dialog
    dialog.setDirectory(str(paths[0].parent))
    if len(paths) == 1:
        dialog.selectFile(paths[0].name)
    else:
        dialog.selectFile(" ".join(f'"{path.name}"' for path in paths))
    dialog.accept()


def mark_sequence(window, user, qtbot, socket: str) -> None:
    """Latency > Gaps: "tick N" on ``socket`` counts up by one."""
    show_latency_dock(window, qtbot)
    gaps = window.latency.gaps_tab
    window.latency.tabs.setCurrentWidget(gaps)
    qtbot.keyClicks(gaps.path_edit, "f1[2]")
    qtbot.waitUntil(lambda: gaps.socket_box.findText(socket) >= 0, timeout=WAIT_MS)
    gaps.socket_box.setCurrentIndex(gaps.socket_box.findText(socket))
    user.click(gaps.mark_button)
    assert gaps.marks_list.item(0).text() == f"f1[2] on {socket}"


def recording(path, socket: str, ticks, extra: str = "other") -> None:
    """A capture recorded earlier (older times) of ``socket`` counting ``ticks``."""
    start = time.time() - 3600
    messages = [Message(start + i, socket, IN, [f"tick {n}".encode()]) for i, n in enumerate(ticks)]
    messages.append(Message(start + len(messages), extra, IN, [b"hello"]))
    write_capture(path, messages)


def test_a_capture_added_after_live_traffic_keeps_its_socket_apart(
    window, user, qtbot, aloop, tmp_path
):
    pull, push = linked(window.session, "PULL", "PUSH")
    mark_sequence(window, user, qtbot, pull.name)
    for number in (1, 2, 3):
        send(aloop, qtbot, push, f"tick {number}".encode())
    user.wait_rows(6)  # three sent, three received
    path = tmp_path / "rec1.jsonl"
    recording(path, pull.name, [858, 1058])
    choose_in_dialog(window, qtbot, path)
    box = open_boxes(window)[0]
    assert "shown with the file's name added, as 'name (rec1.jsonl)'" in box.text()
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        click_box(window, qtbot, "Add after current traffic")  # the default button
    apart = f"{pull.name} (rec1.jsonl)"
    assert f"{pull.name} as '{apart}'" in finished.args[0]
    assert "other as" not in finished.args[0]  # a name nobody has stays as it is
    assert finished.args[0] == status_text(window)
    rows = user.wait_rows(9)
    assert [row.socket for row in rows[6:]] == [apart, apart, "other"]
    assert window.traffic.socket_combo.findData(apart) >= 0

    # live traffic goes on: the capture's numbers (858, 1058) are not the live socket's
    for number in (4, 6):
        send(aloop, qtbot, push, f"tick {number}".encode())
    gaps = window.latency.gaps_tab
    qtbot.waitUntil(lambda: gaps.model.rowCount() >= 1, timeout=WAIT_MS)
    user.wait_rows(13)
    socket, topic, missed, _message, gap = cells(gaps.model)[0]
    assert (socket, topic, missed) == (pull.name, "tick", "1")
    assert gap.startswith("seq 4 -> 6: 1 missed")
    assert gaps.model.rowCount() == 1 and gaps.summary.text() == "1 missed in 1 gap on 1 topic"

    # Topics counts each socket's own messages
    show_topics(window, qtbot)
    live = node_index(window, qtbot, pull.name)
    opened = node_index(window, qtbot, apart)
    qtbot.waitUntil(lambda: cell(window, live, COL_COUNT) == "5", timeout=WAIT_MS)
    assert cell(window, opened, COL_COUNT) == "2"


def test_cleared_first_the_capture_is_still_kept_apart_from_a_live_socket(
    window, user, qtbot, aloop, tmp_path
):
    """Clear traffic empties the table, but the live socket keeps receiving under its name."""
    pull, push = linked(window.session, "PULL", "PUSH")
    send(aloop, qtbot, push, b"tick 1")
    user.wait_rows(2)
    path = tmp_path / "rec2.jsonl"
    recording(path, pull.name, [7])
    choose_in_dialog(window, qtbot, path)
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        click_box(window, qtbot, "Clear traffic first")
    rows = user.wait_rows(2)
    assert [row.socket for row in rows] == [f"{pull.name} (rec2.jsonl)", "other"]


def test_a_capture_opened_into_an_empty_window_keeps_its_names(window, user, qtbot, tmp_path):
    path = tmp_path / "rec3.jsonl"
    recording(path, "sub-1", [1, 2])
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        choose_in_dialog(window, qtbot, path)  # nothing to ask about
    assert finished.args[0] == "Opened rec3.jsonl: 3 messages"
    assert [row.socket for row in user.wait_rows(3)] == ["sub-1", "sub-1", "other"]
    assert not open_boxes(window)

    # the same file again, added after: its sockets now have names in use
    choose_in_dialog(window, qtbot, path)
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        click_box(window, qtbot, "Add after current traffic")
    assert "sub-1 as 'sub-1 (rec3.jsonl)', other as 'other (rec3.jsonl)'" in finished.args[0]
    shown = [row.socket for row in user.wait_rows(6)][3:]
    assert shown == ["sub-1 (rec3.jsonl)", "sub-1 (rec3.jsonl)", "other (rec3.jsonl)"]


def test_two_captures_with_the_same_socket_name_merge_without_mixing(window, user, qtbot, tmp_path):
    """Two recorders on two machines, each with its own "sub-1", opened together."""
    now = time.time()
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    write_capture(first, [Message(now + t, "sub-1", IN, [b"tick %d" % t]) for t in (0, 2)])
    write_capture(second, [Message(now + t, "sub-1", IN, [b"tick %d" % t]) for t in (1, 3)])
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        choose_in_dialog(window, qtbot, first, second)
    rows = user.wait_rows(4)
    assert [row.frames[0] for row in rows] == [b"tick 0", b"tick 1", b"tick 2", b"tick 3"]
    assert [row.socket for row in rows] == ["sub-1", "sub-1 (b.jsonl)"] * 2
    assert "sub-1 as 'sub-1 (b.jsonl)'" in finished.args[0]


def test_a_packet_capture_imported_twice_is_paired_apart(window, qtbot, tmp_path):
    """Its connections are named by their addresses: the second import's pairs its own
    requests and replies (Latency), not the first's."""

    def script(client, server):
        for n in range(5):
            client.send(b"ask %d" % n)
            server.send(server.recv())
            assert client.recv() == b"ask %d" % n

    path = tmp_path / "exchange.pcapng"
    write(path, packets_of(exchange(zmq.REQ, zmq.REP, script)), "ethernet", True)
    show_latency_dock(window, qtbot)
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        assert window.capture.open_capture(path)
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS) as finished:
        assert window.capture.open_capture(path)  # as "Add after current traffic" does
    name = "[fd00::1]:40000 -> [fd00::2]:5555"
    assert f"'{name} (exchange.pcapng)'" in finished.args[0]
    model = window.latency.figures_model
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            sorted((row[0], row[1]) for row in cells(model))
            == [(name, "5"), (f"{name} (exchange.pcapng)", "5")]
        ),
        timeout=WAIT_MS,
    )
