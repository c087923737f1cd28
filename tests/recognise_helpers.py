"""Helpers of the recogniser tests (tests/test_recognise_*.py): real pyzmq socket pairs on
inproc that hand back exactly the frames a socket received, and the decoding of them.

The publisher side is an XPUB: it waits for the subscription before publishing, so nothing
is lost to the slow-joiner race and no test sleeps (on the wire an XPUB's messages are a
PUB's)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import zmq

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodedMessage

TIMEOUT_MS = 5000
_names = itertools.count()


def decode(frames: list[bytes], socket_type: str = "", key: bytes | None = None) -> DecodedMessage:
    decoder = MessageDecoder()
    decoder.set_jupyter_key("s", key)
    return decoder.decode(frames, "s", socket_type)


def receive(socket: zmq.Socket) -> list[bytes]:
    assert socket.poll(TIMEOUT_MS), "nothing arrived"
    return socket.recv_multipart()


@contextmanager
def pub_sub() -> Iterator[tuple[zmq.Socket, zmq.Socket]]:
    """(publisher, subscriber) subscribed to everything, the subscription already seen."""
    context = zmq.Context.instance()
    address = f"inproc://recognise-{next(_names)}"
    publisher = context.socket(zmq.XPUB)
    subscriber = context.socket(zmq.SUB)
    try:
        publisher.bind(address)
        subscriber.connect(address)
        subscriber.subscribe(b"")
        assert receive(publisher) == [b"\x01"]
        yield publisher, subscriber
    finally:
        publisher.close(0)
        subscriber.close(0)


@contextmanager
def linked(
    bind_type: int, connect_type: int, identity: bytes | None = None
) -> Iterator[tuple[zmq.Socket, zmq.Socket]]:
    """A bound and a connected socket (with ``identity`` as its routing id) of the given
    types on a fresh inproc address."""
    context = zmq.Context.instance()
    address = f"inproc://recognise-{next(_names)}"
    server = context.socket(bind_type)
    client = context.socket(connect_type)
    try:
        server.bind(address)
        if identity is not None:
            client.setsockopt(zmq.IDENTITY, identity)
        client.connect(address)
        yield server, client
    finally:
        server.close(0)
        client.close(0)
