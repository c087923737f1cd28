"""The test loop fixture drives core sockets while qtbot waits."""

from ui_actions import WAIT_MS

from zinspect.core.store import IN, OUT


def test_req_rep_inside_qasync(session, qtbot, aloop):
    rep = session.create_socket("REP")
    req = session.create_socket("REQ")
    endpoint = rep.bind("tcp://127.0.0.1:*")
    req.connect(endpoint.address)
    aloop.create_task(req.send([b"Hello"]))
    qtbot.waitUntil(lambda: rep.received == 1, timeout=WAIT_MS)
    aloop.create_task(rep.send([b"World"]))
    qtbot.waitUntil(lambda: req.received == 1, timeout=WAIT_MS)
    got = [(m.socket, m.direction, m.frames) for m in session.store]
    assert got == [
        ("req-1", OUT, [b"Hello"]),
        ("rep-1", IN, [b"Hello"]),
        ("rep-1", OUT, [b"World"]),
        ("req-1", IN, [b"World"]),
    ]
