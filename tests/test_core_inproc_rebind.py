"""A socket closed (or re-created) gives its inproc name back at once: binding the same name
straight after never fails with "Address already in use" (a demo's Reset does exactly this)."""

from __future__ import annotations


def test_an_inproc_name_is_free_right_after_its_socket_closes(session):
    for round_ in range(200):
        first = session.create_socket("PUSH", f"first-{round_}")
        first.bind("inproc://again")
        first.close()
        second = session.create_socket("PULL", f"second-{round_}")
        second.bind("inproc://again")  # raises SocketError if the name were still taken
        second.close()


def test_a_recreated_socket_binds_its_inproc_name_again(session):
    handle = session.create_socket("PULL", "kept")
    handle.bind("inproc://kept")
    for _ in range(50):
        handle.recreate()
        assert [entry.address for entry in handle.endpoints] == ["inproc://kept"]
