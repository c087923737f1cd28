"""A tap started again on the front a socket let go of a moment ago: libzmq closes a closed
socket's listener on its I/O thread, so the port reads "Address already in use" for a few
milliseconds (Stop then Start in the Tap window failed now and then). The start tries again
for a moment; a port that stays taken is still refused in words."""

from __future__ import annotations

import pytest
import zmq
from fault_helpers import free_port
from session_helpers import run

from zinspect.core.sockets.socket_handle import REBIND_SECONDS
from zinspect.core.tap.engine import make_tap, start_tap
from zinspect.core.tap.spec import TapError, TapSpec


def spec(front: str) -> TapSpec:
    return TapSpec("tap-1", "reqrep", front, f"tcp://127.0.0.1:{free_port()}")


def test_a_front_freed_a_moment_after_start_is_taken(session, aloop, qtbot):
    front = f"tcp://127.0.0.1:{free_port()}"
    holder = zmq.Context.instance().socket(zmq.ROUTER)
    holder.bind(front)
    aloop.call_later(REBIND_SECONDS / 5, holder.close, 0)  # freed while the start waits
    tap = make_tap(session, spec(front), "relay")
    run(aloop, qtbot, start_tap(tap))
    assert tap.running and tap.front_address == front
    tap.stop()


def test_a_front_that_stays_taken_is_refused_in_words(session, aloop, qtbot):
    front = f"tcp://127.0.0.1:{free_port()}"
    holder = zmq.Context.instance().socket(zmq.ROUTER)
    holder.bind(front)
    try:
        tap = make_tap(session, spec(front), "relay")
        with pytest.raises(TapError, match="Front: Address already in use") as refused:
            run(aloop, qtbot, start_tap(tap))
        assert refused.value.address_in_use and not tap.running
        assert [s.name for s in session.sockets] == []
    finally:
        holder.close(0)


def test_a_taken_port_libzmq_reports_as_would_block_is_still_taken(session, monkeypatch):
    """With a monitor attached, libzmq may report a taken port as EAGAIN; its event says
    EADDRINUSE. That is still "in use" (a tap's start waits for it), not another failure."""
    import errno

    from zinspect.core.sockets.socket_base import AddressInUseError

    handle = session.create_socket("ROUTER", "clobbered")

    def would_block(_socket, _endpoint):
        raise zmq.ZMQError(errno.EAGAIN)

    monkeypatch.setattr(type(handle.socket), "bind", would_block)
    monkeypatch.setattr(handle.monitor, "bind_errno", lambda: errno.EADDRINUSE)
    with pytest.raises(AddressInUseError, match="Address already in use"):
        handle.bind(f"tcp://127.0.0.1:{free_port()}")
    assert handle.endpoints == []
