"""Majordomo frames as the ZeroMQ guide's broker, worker and client build them, seen from
each socket (REQ client, DEALER worker, ROUTER broker); pyzmq's PUBHandler publishing real
log records; and the envelope on ROUTER/DEALER traffic when nothing else matched."""

from __future__ import annotations

import logging

import zmq
from recognise_helpers import decode, linked, pub_sub, receive
from zmq.log.handlers import PUBHandler

MDPC01, MDPW01 = b"MDPC01", b"MDPW01"
READY, REQUEST, REPLY, HEARTBEAT, DISCONNECT = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"


def roles(message) -> list[str | None]:
    return [frame.role for frame in message.frames]


def test_a_client_request_seen_by_the_req_client_and_by_the_router_broker():
    with linked(zmq.ROUTER, zmq.REQ, b"client-7") as (broker, client):
        request = [MDPC01, b"echo", b"Hello world"]  # mdcliapi.send
        client.send_multipart(request)
        at_broker = receive(broker)
        broker.send_multipart(at_broker[:2] + [MDPC01, b"echo", b"Hello world"])  # the reply
        at_client = receive(client)
    seen = decode(at_broker, "ROUTER")
    assert seen.recognition.protocol == "mdp"
    assert seen.recognition.fields["service"] == "echo"
    assert seen.recognition.fields["routing_id"] == "client-7"
    assert roles(seen) == ["routing id", "delimiter", "protocol", "service", "body"]
    assert seen.summary == "MDP client echo: Hello world"
    reply = decode(at_client, "REQ")
    assert roles(reply) == ["protocol", "service", "body"]
    assert reply.frames[2].value == "Hello world"


def test_worker_commands_seen_by_the_dealer_worker_and_by_the_broker():
    with linked(zmq.ROUTER, zmq.DEALER, b"worker-1") as (broker, worker):
        worker.send_multipart([b"", MDPW01, READY, b"echo"])  # mdwrkapi: send_to_broker
        ready = receive(broker)
        broker.send_multipart([b"worker-1", b"", MDPW01, REQUEST, b"\x00k\x8bEg", b"", b"hi"])
        request = receive(worker)
        worker.send_multipart([b"", MDPW01, REPLY, b"\x00k\x8bEg", b"", b"hi"])
        reply = receive(broker)
        worker.send_multipart([b"", MDPW01, HEARTBEAT])
        heartbeat = receive(broker)
        broker.send_multipart([b"worker-1", b"", MDPW01, DISCONNECT])
        disconnect = receive(worker)

    ready_seen = decode(ready, "ROUTER")
    assert ready_seen.recognition.fields["command"] == "READY"
    assert ready_seen.summary == "MDP worker READY service=echo"
    assert roles(ready_seen) == ["routing id", "delimiter", "protocol", "command", "service"]
    request_seen = decode(request, "DEALER")
    assert request_seen.recognition.fields["client"] == "0x 00 6b 8b 45 67"
    assert roles(request_seen) == [
        "delimiter", "protocol", "command", "client address", "delimiter", "body"
    ]  # fmt: skip
    assert request_seen.summary == "MDP worker REQUEST client=0x 00 6b 8b 45 67: hi"
    assert decode(reply, "ROUTER").recognition.fields["command"] == "REPLY"
    assert decode(heartbeat, "ROUTER").summary == "MDP worker HEARTBEAT"
    assert decode(disconnect, "DEALER").summary == "MDP worker DISCONNECT"


def test_almost_majordomo_is_not_majordomo():
    assert decode([MDPW01, b"\x09"]).recognition is None  # no such command
    assert decode([MDPW01, REQUEST, b"client", b"body"]).recognition is None  # no empty frame
    assert decode([MDPW01, READY]).recognition is None  # no service
    assert decode([MDPW01, HEARTBEAT, b"extra"]).recognition is None
    assert decode([MDPC01]).recognition is None  # no service
    assert decode([b"id", b"x", MDPC01, b"svc"]).recognition is None  # header not after a delimiter


def test_pyzmq_log_records_with_and_without_a_root_topic():
    with pub_sub() as (publisher, subscriber):
        handler = PUBHandler(publisher)
        handler.root_topic = "myapp.web"
        logger = logging.getLogger("test_recognise.pubhandler")
        logger.propagate = False
        logger.setLevel(logging.DEBUG)
        logger.addHandler(handler)
        try:
            logger.info("server started")
            logger.warning("db.pool::pool almost full")
            handler.root_topic = ""
            logger.error("boom")
        finally:
            logger.removeHandler(handler)
        records = [receive(subscriber) for _ in range(3)]
    info, warning, error = (decode(frames, "SUB") for frames in records)
    assert info.recognition.protocol == "pyzmq-log"
    assert info.recognition.fields == {
        "topic": "myapp.web.INFO",
        "level": "INFO",
        "message": "server started",
        "root": "myapp.web",
        "subtopic": "",
    }
    assert info.summary == "INFO [myapp.web] server started"
    assert warning.recognition.fields["level"] == "WARNING"
    assert warning.recognition.fields["subtopic"] == "db.pool"
    assert warning.recognition.fields["message"].endswith("pool almost full")
    assert error.recognition.fields["topic"] == "ERROR" and error.recognition.fields["root"] == ""
    assert "boom" in error.recognition.fields["message"]
    assert [frame.role for frame in info.frames] == ["topic", "log record"]


def test_text_that_only_mentions_a_level_is_not_a_log_record():
    assert decode([b"INFORMATION", b"x"]).recognition is None
    assert decode([b"app.INFO", b"x", b"y"]).recognition is None  # three frames
    assert decode([b"app.INFO", b"\xff\xfe"]).recognition is None  # not UTF-8


def test_envelopes_on_router_and_dealer_when_nothing_else_matches():
    with linked(zmq.ROUTER, zmq.REQ, b"req-1") as (router, req):
        req.send_multipart([b"Hello", b'{"n": 1}'])
        from_req = receive(router)
    seen = decode(from_req, "ROUTER")
    assert seen.recognition.protocol == "envelope"
    assert roles(seen) == ["routing id", "delimiter", "body", "body"]
    assert seen.recognition.fields["routing_ids"] == ["req-1"]
    assert seen.frames[3].value == {"n": 1} and seen.frames[3].guessed
    assert seen.summary == '[req-1] Hello | {"n": 1}'

    with linked(zmq.ROUTER, zmq.DEALER, b"dealer-1") as (router, dealer):
        dealer.send_multipart([b"work"])
        plain = receive(router)
    assert roles(decode(plain, "ROUTER")) == ["routing id", "body"]
    assert roles(decode([b"", b"reply"], "DEALER")) == ["delimiter", "body"]
    assert decode([b"just", b"frames"], "DEALER").recognition is None  # nothing to mark
    assert decode([b"Hello"], "REP").recognition is None  # REP stripped its envelope
    assert decode(from_req, "PUB").recognition is None  # a PUB has no envelope


def test_a_long_or_odd_service_name_keeps_the_summary_on_one_short_line():
    decoded = decode([MDPC01, b"svc\nwith a line break " + b"x" * 500, b"body"])
    assert decoded.recognition.fields["service"].startswith("svc\nwith")
    assert "\n" not in decoded.summary and len(decoded.summary) < 160


def test_a_log_summary_stays_on_one_line():
    decoded = decode([b"odd\nroot.ERROR.sub", b"first line\nsecond line\n"])
    assert decoded.recognition.fields["message"] == "first line\nsecond line"
    assert decoded.summary == "ERROR [odd⏎root.sub] first line⏎second line"
