"""The words for who sent a tap's row (core.tap.registry.tap_sender), in every case the
Peer column, the Message pane and a CSV export meet; the windows' own are in
tests/test_tap_sender_words.py."""

from __future__ import annotations

from zinspect.core.store import IN, OUT
from zinspect.core.tap.registry import tap_sender

SERVER = "tcp://127.0.0.1:5555"


def test_server_to_client_names_the_server_at_its_endpoint():
    assert tap_sender(OUT, SERVER) == f"server {SERVER}"
    assert (
        tap_sender(OUT, SERVER, routing_id="alice")
        == f"server {SERVER}, to client routing id alice"
    )
    assert tap_sender(OUT, "") == "server"


def test_client_to_server_names_the_client_by_address_and_routing_id():
    assert tap_sender(IN, SERVER) == "client"  # libzmq's proxy does not say which
    assert tap_sender(IN, SERVER, "127.0.0.1") == "client 127.0.0.1"
    assert tap_sender(IN, SERVER, "127.0.0.1", "alice") == "client 127.0.0.1, routing id alice"
    several = "one of 3 connections from 10.0.0.7"
    assert tap_sender(IN, SERVER, several) == f"client, {several}"
    # a routing id tells which connection: the host alone is enough
    assert tap_sender(IN, SERVER, several, "bob") == "client 10.0.0.7, routing id bob"
