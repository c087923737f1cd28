"""Workspaces and live sockets: options set, remembered and refused in words, a workspace
recreated as sockets saves back to the identical file, options are set before connecting
and automations run, and a bind that fails leaves the socket with its error.

The other workspace topics are in the sibling tests/test_core_workspace_*.py files.
"""

from __future__ import annotations

import json
import logging

import pytest
import zmq
from session_helpers import ANY_PORT, WAIT_MS, send, traffic
from workspace_examples import HAND_WRITTEN

from zinspect.core.automation.automation import AutomationSpec, ReplySpec
from zinspect.core.sockets.socket_base import SocketError
from zinspect.core.workspace.apply import apply_workspace
from zinspect.core.workspace.dump import dump_workspace
from zinspect.core.workspace.model import SavedMessage, SocketSpec, Workspace
from zinspect.core.workspace.parse import parse_workspace
from zinspect.core.workspace.snapshot import snapshot

# -- live sockets --------------------------------------------------------------------------------


def test_set_option_sets_remembers_and_refuses_in_words(session):
    dealer = session.create_socket("DEALER")
    changed = []
    session.on_socket_changed.append(changed.append)
    dealer.set_option("rcvhwm", 7)
    dealer.set_option("IDENTITY", "me")
    assert dealer.socket.getsockopt(zmq.RCVHWM) == 7
    assert dealer.socket.getsockopt(zmq.ROUTING_ID) == b"me"
    assert dealer.options == {"RCVHWM": 7, "ROUTING_ID": b"me"}
    assert changed == [dealer, dealer]
    for name, value, message in [
        ("RCVHWM", "lots", "RCVHWM takes an integer, not str"),
        ("RCVHWM", 2**40, "RCVHWM takes an integer from -2147483648 to 2147483647"),
        ("NOPE", 1, 'unknown socket option "NOPE"'),
        ("EVENTS", 1, "EVENTS is read-only"),
        (
            "ROUTING_ID",
            b"",
            "ROUTING_ID = b'': libzmq refused it: not an option of a "
            "DEALER socket, or a value it does not take",
        ),
    ]:
        with pytest.raises(SocketError, match=message):
            dealer.set_option(name, value)
    assert dealer.options == {"RCVHWM": 7, "ROUTING_ID": b"me"}


def test_workspace_to_sockets_to_save_gives_the_identical_file(session, qtbot):
    text = dump_workspace(
        Workspace(
            sockets=[
                SocketSpec(
                    "server",
                    "ROUTER",
                    ["inproc://rt-server", ANY_PORT],
                    [],
                    [],
                    {"ROUTER_HANDOVER": 1, "SNDHWM": 50},
                    AutomationSpec(reply=ReplySpec(echo=True)),
                ),
                SocketSpec(
                    "client",
                    "DEALER",
                    [],
                    ["inproc://rt-server"],
                    [],
                    {"ROUTING_ID": b"\x00\x01peer"},
                ),
                SocketSpec("feed", "XSUB", [], ["inproc://rt-nowhere"], [b"", b"\xff"], {}),
                SocketSpec("sub", "SUB", [], [], [], {}),
            ],
            messages=[SavedMessage("hi", "client", [b"hi", b"\x00"])],
        )
    )
    workspace = parse_workspace(text)
    assert workspace.invalid == []
    assert apply_workspace(workspace, session) == []
    server = session.socket_named("server")
    assert [e.requested for e in server.endpoints] == ["inproc://rt-server", ANY_PORT]
    assert "*" not in server.endpoints[1].address  # bound to a real port, saved as asked
    assert dump_workspace(snapshot(session, workspace.messages)) == text


def test_options_are_set_before_connecting_and_automations_run(session, qtbot):
    text = HAND_WRITTEN.replace("tcp://127.0.0.1:5555", "inproc://hello").replace(
        "tcp://127.0.0.1:5556", "inproc://weather"
    )
    assert apply_workspace(parse_workspace(text), session) == []
    client = session.socket_named("client")
    qtbot.waitUntil(lambda: len(traffic(session, client)) == 10, timeout=WAIT_MS)
    assert traffic(session, client) == [[b"World"]] * 10
    hello = session.socket_named("hello")
    assert traffic(session, hello) == [[f"Hello {n}".encode()] for n in range(10)]
    weather = session.socket_named("weather")
    assert weather.socket.getsockopt(zmq.RCVHWM) == 10000
    assert weather.subscriptions == [b"10001"]

    # a routing id set as an option is the one the ROUTER sees: set before connecting
    workspace = parse_workspace(
        json.dumps(
            {
                "zinspect": 1,
                "sockets": [
                    {"name": "router", "type": "ROUTER", "bind": ["inproc://rid"]},
                    {
                        "name": "dealer",
                        "type": "DEALER",
                        "connect": ["inproc://rid"],
                        "options": {"ROUTING_ID": {"hex": "00beef"}},
                    },
                ],
            }
        )
    )
    assert workspace.invalid == [] and apply_workspace(workspace, session) == []
    send(session.socket_named("router")._loop, qtbot, session.socket_named("dealer"), b"x")
    router = session.socket_named("router")
    qtbot.waitUntil(lambda: traffic(session, router) == [[b"\x00\xbe\xef", b"x"]], timeout=WAIT_MS)


def test_a_bind_that_fails_leaves_the_socket_with_its_error(session, qtbot, caplog):
    caplog.expected_warnings = True
    taken = session.create_socket("PUB", "other").bind(ANY_PORT).address
    text = json.dumps(
        {
            "zinspect": 1,
            "sockets": [
                {"name": "pub", "type": "PUB", "bind": ["inproc://fine", taken]},
                {"name": "other", "type": "SUB"},
                {"name": "broken", "type": "SUB", "options": {"RCVHWM": "lots"}},
                {"name": "dealer", "type": "DEALER", "options": {"ROUTER_MANDATORY": 1}},
            ],
        }
    )
    lines = apply_workspace(parse_workspace(text), session)
    assert lines == [
        'sockets[2].options.RCVHWM: expected an integer, got "lots"',
        f"sockets[0].bind[1]: bind {taken}: Address already in use: another socket or "
        "program is bound there",
        "sockets[1]: A socket named 'other' exists already",
        "sockets[3].options.ROUTER_MANDATORY: ROUTER_MANDATORY = 1: libzmq refused it: not "
        "an option of a DEALER socket, or a value it does not take",
    ]
    pub = session.socket_named("pub")
    assert [e.address for e in pub.endpoints] == ["inproc://fine"]
    assert pub.last_error == (
        f"bind {taken}: Address already in use: another socket or program is bound there"
    )
    assert session.socket_named("dealer").last_error.startswith("ROUTER_MANDATORY = 1: libzmq")
    assert session.socket_named("broken") is None
    logged = [
        r.getMessage()
        for r in caplog.records
        if r.name == "zinspect.core.workspace.apply" and r.levelno == logging.WARNING
    ]
    assert logged == lines  # one line each, for the command line's stderr
