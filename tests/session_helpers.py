"""Helpers for tests that drive core sockets on the ``aloop`` test loop.

The loop only runs while qtbot waits, so a coroutine is started as a task and waited for with
``qtbot.waitUntil``; these keep that pattern (and reading traffic back from the store) short.
"""

from __future__ import annotations

from ui_actions import WAIT_MS

from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import IN

ANY_PORT = "tcp://127.0.0.1:*"


def run(aloop, qtbot, coro, timeout: int = WAIT_MS):
    """Run a coroutine on the test loop until it is done; return its result or raise."""
    task = aloop.create_task(coro)
    qtbot.waitUntil(task.done, timeout=timeout)
    return task.result()


def send(aloop, qtbot, handle: SocketHandle, *frames: bytes) -> None:
    run(aloop, qtbot, handle.send(list(frames)))


def traffic(session: Session, handle: SocketHandle, direction: str = IN) -> list[list[bytes]]:
    return [m.frames for m in session.store if m.socket == handle.name and m.direction == direction]


def linked(
    session: Session, bind_type: str, connect_type: str, endpoint: str = ANY_PORT
) -> tuple[SocketHandle, SocketHandle]:
    server = session.create_socket(bind_type)
    client = session.create_socket(connect_type)
    client.connect(server.bind(endpoint).address)
    return server, client


def read_rows_from(reader, first_seq: int) -> list[tuple]:
    """Every row of ``reader`` (a store or a history log) from ``first_seq`` to its end, the
    way callers loop: ``rows()`` may answer with fewer rows than asked for."""
    out: list[tuple] = []
    seq = first_seq
    while seq < reader.end_seq:
        first, rows = reader.rows(seq, reader.end_seq)
        assert first == seq and rows
        out.extend(rows)
        seq += len(rows)
    return out
