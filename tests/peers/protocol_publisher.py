"""Publishes a little of each recognised protocol: Jupyter IOPub, Bitcoin Core notifications
with a skipped sequence number, and pyzmq log records.

    python protocol_publisher.py ENDPOINT --key KEY --rawtx HEX [--rawtx HEX ...] [--timeout S]

Binds an XPUB (on the wire a PUB; it tells when the subscriber's subscription arrived, so
nothing is lost to the slow joiner) and waits for one subscription. Then it sends, each
message built here by hand as its protocol's documentation says:

- four Jupyter IOPub messages (status busy, stream, execute_result, status idle), the
  ``<IDS|MSG>`` wire format signed with HMAC-SHA256 under KEY, as a kernel does;
- Bitcoin Core notifications (its doc/zmq.md): ``rawtx`` for each HEX given, numbered
  0, 2, 3... (number 1 is skipped, as when the publisher's high-water mark drops one), then
  ``hashtx`` numbered 0;
- three records from pyzmq's PUBHandler under the root topic ``demo`` (INFO, WARNING with
  the subtopic ``db``, ERROR).

Prints ``ready <endpoint>`` first, ``subscribed`` and ``sent N`` at the end; exits after
that (lingering up to --timeout so the messages leave) or at --timeout with status 1.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import sys
import time
import uuid

import zmq
from zmq.log.handlers import PUBHandler


def jupyter_messages(key: bytes) -> list[list[bytes]]:
    session = uuid.uuid4().hex
    request = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": "execute_request",
        "session": "front",
        "username": "ada",
        "date": "2026-01-01T00:00:00Z",
        "version": "5.3",
    }
    contents = [
        ("status", {"execution_state": "busy"}),
        ("stream", {"name": "stdout", "text": "hello from the kernel\n"}),
        ("execute_result", {"execution_count": 1, "data": {"text/plain": "2"}, "metadata": {}}),
        ("status", {"execution_state": "idle"}),
    ]
    messages = []
    for number, (msg_type, content) in enumerate(contents):
        header = {
            "msg_id": f"{session}_{number}",
            "msg_type": msg_type,
            "session": session,
            "username": "kernel",
            "date": "2026-01-01T00:00:01Z",
            "version": "5.3",
        }
        dicts = [json.dumps(part).encode() for part in (header, request, {}, content)]
        signature = hmac.new(key, b"".join(dicts), hashlib.sha256).hexdigest().encode()
        topic = f"kernel.{session}.{msg_type}".encode()
        messages.append([topic, b"<IDS|MSG>", signature, *dicts])
    return messages


def bitcoin_messages(raw_txs: list[bytes]) -> list[list[bytes]]:
    numbers = [0] + list(range(2, len(raw_txs) + 1))  # number 1 never leaves
    messages = [[b"rawtx", tx, n.to_bytes(4, "little")] for tx, n in zip(raw_txs, numbers)]
    txid = hashlib.sha256(hashlib.sha256(raw_txs[0]).digest()).digest()  # legacy: the txid
    messages.append([b"hashtx", txid, (0).to_bytes(4, "little")])
    return messages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("--key", required=True, help="the Jupyter connection key")
    parser.add_argument("--rawtx", action="append", required=True, help="a transaction as hex")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds until exit")
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout

    context = zmq.Context()
    socket = context.socket(zmq.XPUB)
    socket.bind(args.endpoint)
    print(f"ready {socket.getsockopt_string(zmq.LAST_ENDPOINT)}", flush=True)
    if not socket.poll(max(0, int((deadline - time.monotonic()) * 1000))):
        print("timeout", flush=True)
        socket.close(0)
        context.term()
        return 1
    socket.recv()  # the subscription
    print("subscribed", flush=True)

    sent = 0
    for message in jupyter_messages(args.key.encode()) + bitcoin_messages(
        [bytes.fromhex(text) for text in args.rawtx]
    ):
        socket.send_multipart(message)
        sent += 1
    handler = PUBHandler(socket)
    handler.root_topic = "demo"
    logger = logging.getLogger("protocol_publisher")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.info("service started")
    logger.warning("db::connection pool almost full")
    logger.error("request failed")
    sent += 3
    print(f"sent {sent}", flush=True)
    socket.close(linger=max(0, int((deadline - time.monotonic()) * 1000)))
    context.term()
    return 0


if __name__ == "__main__":
    sys.exit(main())
