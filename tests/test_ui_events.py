"""The Events panel and the connection state in the sockets list: a user binds
and connects through the window and reads what happened in the timeline."""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_core_events import dead_port
from ui_actions import WAIT_MS
from window_driver import ANY_PORT

from zinspect.ui.events.events_panel import COL_EVENT, COL_MEANING, COL_SOCKET, EventsModel
from zinspect.ui.sockets.socket_list_model import SocketListModel


def shown_rows(panel) -> list[tuple[str, str, str]]:
    proxy = panel.proxy
    return [
        (
            proxy.index(row, COL_SOCKET).data(),
            proxy.index(row, COL_EVENT).data(),
            proxy.index(row, COL_MEANING).data(),
        )
        for row in range(proxy.rowCount())
    ]


def test_the_timeline_shows_listening_handshakes_and_peer_counts(window, user, qtbot):
    panel = window.events
    window.events.dock.show()
    window.events.dock.raise_()
    server = user.create("REP", "server")
    user.bind(ANY_PORT)
    address = server.endpoints[0].address
    client = user.create("REQ", "client")
    user.connect(address)
    qtbot.waitUntil(
        lambda: ("client", "handshake succeeded") in [row[:2] for row in shown_rows(panel)],
        timeout=WAIT_MS,
    )
    rows = shown_rows(panel)
    assert ("server", "listening", f"bound: peers can connect to {address}") in rows
    assert panel.count_label.text() == f"{len(rows)} events"
    model = window.sockets.model
    qtbot.waitUntil(
        lambda: model.index(model.row_of(server)).data(SocketListModel.PeersRole) == "1 peer",
        timeout=WAIT_MS,
    )
    # the client's line follows its own connection event, maybe a turn later
    qtbot.waitUntil(
        lambda: "1 peer, in 0, out 0" in model.index(model.row_of(client)).data(),
        timeout=WAIT_MS,
    )


def test_a_dead_endpoint_retries_in_the_normal_colour_and_problems_only_filters(
    window, user, qtbot
):
    panel = window.events
    hopeful = user.create("DEALER", "hopeful")
    endpoint = f"tcp://127.0.0.1:{dead_port()}"
    user.connect(endpoint)
    # "connect retried", or "connect retried · 2× · …" when two came in one batch
    qtbot.waitUntil(
        lambda: any(row[1].startswith("connect retried") for row in shown_rows(panel)),
        timeout=WAIT_MS,
    )
    row = next(
        r for r, values in enumerate(shown_rows(panel)) if values[1].startswith("connect retried")
    )
    # a retry is information: the normal text colour (the sockets list says "retrying")
    assert panel.proxy.index(row, COL_EVENT).data(Qt.ItemDataRole.ForegroundRole) is None
    model = window.sockets.model
    qtbot.waitUntil(
        lambda: (
            f"retrying {endpoint}"
            in model.index(model.row_of(hopeful)).data(SocketListModel.StateRole)
        ),
        timeout=WAIT_MS,
    )

    user.create("PUB", "first")
    user.bind(ANY_PORT)
    taken = window.session.socket_named("first").endpoints[0].address
    user.create("PUB", "second")
    editor = window.sockets.endpoint_editor
    user.type_endpoint(taken)
    user.click(editor.bind_button)
    assert "Address already in use" in editor.error_label.text()
    qtbot.waitUntil(
        lambda: any(row[1] == "bind failed" for row in shown_rows(panel)), timeout=WAIT_MS
    )
    panel.problems_check.setChecked(True)
    assert {row[1] for row in shown_rows(panel)} == {"bind failed"}
    assert "of" in panel.count_label.text()
    panel.problems_check.setChecked(False)
    panel.socket_combo.setCurrentIndex(panel.socket_combo.findData("hopeful"))
    assert {row[0] for row in shown_rows(panel)} == {"hopeful"}
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert panel.model.rowCount() == 0


def test_the_model_keeps_the_newest_events_up_to_its_limit(qtmodeltester):
    from zinspect.core.sockets.events import SocketEvent

    model = EventsModel(limit=5)
    model.add([SocketEvent(float(n), "s", "connected", "tcp://h:1", n) for n in range(3)])
    model.add([SocketEvent(float(n), "s", "disconnected", f"tcp://h:{n}", n) for n in range(3, 9)])
    assert [model.event_at(r).value for r in range(model.rowCount())] == [4, 5, 6, 7, 8]
    qtmodeltester.check(model)
