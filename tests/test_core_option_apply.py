"""Applying options so they take effect: immediate ones in place, bind/connect-time ones by
re-creating a socket that has endpoints, resets back to zinspect's defaults; and the
sentence that tells the user what happened."""

from __future__ import annotations

import time

import zmq
from session_helpers import WAIT_MS, linked, send, traffic

from zinspect.core.sockets.option_apply import apply_options
from zinspect.core.sockets.option_catalog import CATALOG, read_live
from zinspect.core.sockets.socket_base import DEFAULT_MAXMSGSIZE


def live(handle, name):
    return read_live(CATALOG[name], handle.socket)


def test_an_immediate_option_is_set_in_place(session):
    pull, push = linked(session, "PULL", "PUSH")
    before = push.socket
    outcome = apply_options(push, {"SNDHWM": 10, "LINGER": 250})
    assert outcome.applied == ["SNDHWM", "LINGER"] and not outcome.recreated
    assert push.socket is before and live(push, "SNDHWM") == 10 and live(push, "LINGER") == 250
    assert push.options == {"SNDHWM": 10, "LINGER": 250}
    assert outcome.message == ("Set SNDHWM = 10 messages and LINGER = 250 ms. They apply at once.")


def test_a_connect_time_option_waits_for_the_next_connect_on_a_socket_without_endpoints(session):
    dealer = session.create_socket("DEALER")
    before = dealer.socket
    outcome = apply_options(dealer, {"HEARTBEAT_IVL": 1000})
    assert not outcome.recreated and dealer.socket is before
    assert outcome.message == (
        "Set HEARTBEAT_IVL = 1000 ms. HEARTBEAT_IVL will apply to the "
        "binds and connects made from now on."
    )


def test_a_connect_time_option_re_creates_a_connected_socket_which_still_talks(
    session, aloop, qtbot
):
    pull, push = linked(session, "PULL", "PUSH")
    address = pull.endpoints[0].address
    old = pull.socket
    outcome = apply_options(pull, {"MAXMSGSIZE": 4096, "RCVHWM": 50})
    assert outcome.recreated and outcome.problems == []
    assert pull.socket is not old and old.closed
    assert [e.address for e in pull.endpoints] == [address]  # the same port again
    assert live(pull, "MAXMSGSIZE") == 4096 and live(pull, "RCVHWM") == 50
    assert outcome.message == (
        "Set MAXMSGSIZE = 4 KiB and RCVHWM = 50 messages. Re-created the socket so "
        "MAXMSGSIZE applies to its connections; it bound 1 endpoint again."
    )
    # A PUSH may hand its first message to the connection the old socket had before it
    # notices that connection is gone (then libzmq drops it with the connection): that is
    # ZeroMQ, not zinspect. What must hold is that the re-created socket talks again.
    deadline = time.monotonic() + WAIT_MS / 1000
    while not traffic(session, pull) and time.monotonic() < deadline:
        send(aloop, qtbot, push, b"still here")
        qtbot.wait(100)
    qtbot.waitUntil(lambda: traffic(session, pull) != [], timeout=WAIT_MS)
    assert {tuple(frames) for frames in traffic(session, pull)} == {(b"still here",)}


def test_re_creating_says_what_was_lost(session):
    req = session.create_socket("REQ")
    req.connect("tcp://127.0.0.1:1")  # nobody there: the request stays queued
    req.send_now([b"question"])
    assert req.awaiting_reply
    outcome = apply_options(req, {"ROUTING_ID": b"client-7"})
    assert outcome.recreated and not req.awaiting_reply
    assert outcome.message.endswith(
        "it reconnected to 1 endpoint. The REQ no longer waits for its reply."
    )
    assert live(req, "ROUTING_ID") == b"client-7"


def test_re_creating_a_bound_socket_keeps_its_port_every_time(session):
    """libzmq closes the old listener a moment after the socket: the bind is retried."""
    router = session.create_socket("ROUTER")
    address = router.bind("tcp://127.0.0.1:*").address
    for interval in range(100, 120):
        outcome = apply_options(router, {"HANDSHAKE_IVL": interval})
        assert outcome.problems == [] and [e.address for e in router.endpoints] == [address]
        assert router.endpoints[0].requested == "tcp://127.0.0.1:*"


def test_reset_puts_zinspects_default_back_and_forgets_the_option(session):
    push = session.create_socket("PUSH")
    apply_options(push, {"LINGER": 250, "MAXMSGSIZE": 1024, "SNDHWM": 5})
    outcome = apply_options(push, {"LINGER": None, "MAXMSGSIZE": None})
    assert push.options == {"SNDHWM": 5}
    assert live(push, "LINGER") == 0  # zinspect's, not libzmq's -1
    assert live(push, "MAXMSGSIZE") == DEFAULT_MAXMSGSIZE
    assert outcome.message.startswith(
        "Back to the default: LINGER (0 ms (drop them at once)) and MAXMSGSIZE (256 MiB)."
    )
    nothing = apply_options(push, {"LINGER": None})
    assert nothing.applied == [] and nothing.message.startswith("Nothing to change")


def test_resetting_a_default_libzmq_refuses_as_a_value_re_creates_the_socket(session):
    dealer = session.create_socket("DEALER")
    apply_options(dealer, {"HEARTBEAT_TIMEOUT": 500, "ROUTING_ID": b"me"})
    assert live(dealer, "HEARTBEAT_TIMEOUT") == 500
    outcome = apply_options(dealer, {"HEARTBEAT_TIMEOUT": None, "ROUTING_ID": None})
    assert outcome.recreated and dealer.options == {}
    assert live(dealer, "HEARTBEAT_TIMEOUT") == -1 and live(dealer, "ROUTING_ID") is None
    assert "it has no endpoints" in outcome.message


def test_an_invalid_value_changes_nothing(session):
    sub = session.create_socket("SUB")
    outcome = apply_options(sub, {"RCVHWM": 7, "TCP_KEEPALIVE_IDLE": 0, "NOPE": 1})
    assert outcome.applied == [] and sub.options == {} and live(sub, "RCVHWM") == 1000
    assert "from 1 to 32767, or -1 (OS default)" in outcome.errors["TCP_KEEPALIVE_IDLE"]
    assert "not one of the options" in outcome.errors["NOPE"]
    assert outcome.message.startswith("Nothing was changed: NOPE and TCP_KEEPALIVE_IDLE have")


def test_libzmq_refusing_an_option_is_reported_per_option(session):
    pull = session.create_socket("PULL")
    outcome = apply_options(pull, {"ROUTER_HANDOVER": 1, "RCVHWM": 20})
    assert outcome.applied == ["RCVHWM"] and list(outcome.errors) == ["ROUTER_HANDOVER"]
    assert "libzmq refused it" in outcome.errors["ROUTER_HANDOVER"]
    assert outcome.message.endswith("libzmq refused ROUTER_HANDOVER.")
    assert pull.socket.getsockopt(zmq.RCVHWM) == 20


def test_a_re_created_subscriber_subscribes_again(session, aloop, qtbot):
    pub, sub = linked(session, "PUB", "SUB")
    sub.subscribe(b"news")
    outcome = apply_options(sub, {"CONFLATE": 1})
    assert outcome.message.endswith(
        "it reconnected to 1 endpoint and subscribed again to 1 prefix."
    )
    assert sub.subscriptions == [b"news"]

    def delivered() -> bool:  # the subscription reaches the PUB a moment after the connect
        pub.send_now([b"news flash"])
        return traffic(session, sub) != []

    qtbot.waitUntil(delivered, timeout=WAIT_MS)
    assert set(map(tuple, traffic(session, sub))) == {(b"news flash",)}
