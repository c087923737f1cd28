"""Behaviour that type checking showed to be broken."""


def test_detach_drops_an_endpoint_libzmq_already_forgot(session):
    """Removing a connect that libzmq no longer knows (ENOENT) just drops it from the list,
    instead of failing with an internal error."""
    handle = session.create_socket("SUB")
    entry = handle.connect("tcp://127.0.0.1:1")
    handle.socket.disconnect(entry.address)  # libzmq forgets it behind zinspect's back
    handle.detach(entry)
    assert handle.endpoints == []
