"""Opening a packet capture with "Clear traffic first": its requests and replies are paired
in the Latency view as when nothing was there before (the view started again after the
clear from where the store ended at its next tick, by then past the opened rows, and stayed
empty)."""

from __future__ import annotations

import zmq
from pcap_fixtures import exchange, packets_of, write
from test_ui_latency import cells, show_latency_dock
from ui_actions import WAIT_MS

from zinspect.core.store import OUT, Message

COUNT = 12


def req_rep(client, server) -> None:
    for n in range(COUNT):
        client.send(b"ask %d" % n)
        server.send(server.recv())
        assert client.recv() == b"ask %d" % n


def test_a_capture_opened_after_a_clear_is_paired(window, qtbot, tmp_path):
    path = tmp_path / "reqrep.pcap"
    write(path, packets_of(exchange(zmq.REQ, zmq.REP, req_rep)))
    show_latency_dock(window, qtbot)
    store = window.session.store
    store.append(Message(1.0, "earlier", OUT, [b"traffic already in the table"]))
    with qtbot.waitSignal(window.capture.job_finished, timeout=WAIT_MS):
        assert window.capture.open_capture(path, clear_first=True)
    assert len(store) == 2 * COUNT  # the earlier message went with the clear
    model = window.latency.figures_model
    qtbot.waitUntil(lambda: [row[1] for row in cells(model)[:1]] == [str(COUNT)], timeout=WAIT_MS)
    assert window.latency.skipped == 0
