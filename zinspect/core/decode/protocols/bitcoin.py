"""Bitcoin Core's ZMQ notifications: hashtx, hashblock, rawtx, rawblock and sequence.

Each notification (Bitcoin Core's doc/zmq.md) is three frames: the topic, the body, and a
4-byte little-endian counter per topic so that subscribers can see what they missed. The
counter goes into the ``sequence`` field with the topic, which is what SequenceGaps counts.
Hashes travel little-endian and are shown reversed, as explorers and the RPC show them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from zinspect.core.decode.model import DecodedFrame, DecodeError, Recognition
from zinspect.core.decode.protocols.bitcoin_tx import parse_block, parse_transaction, reversed_hex
from zinspect.core.decode.protocols.common import short, text_frame

if TYPE_CHECKING:
    from zinspect.core.decode.recognisers import DecodeContext

TOPICS = frozenset({b"hashtx", b"hashblock", b"rawtx", b"rawblock", b"sequence"})
SEQUENCE_LABELS = {
    "C": "block connected",
    "D": "block disconnected",
    "R": "transaction removed from the mempool",
    "A": "transaction added to the mempool",
}
HASH_SIZE = 32


def _hash(body: bytes, what: str) -> str:
    if len(body) != HASH_SIZE:
        raise DecodeError(f"a {what} notification carries a 32-byte hash, not {len(body)} bytes")
    return reversed_hex(body)


def _sequence_body(body: bytes) -> dict[str, object]:
    """The ``sequence`` topic's body: a hash, a label letter, and for A and R the 8-byte
    mempool sequence number."""
    if len(body) < HASH_SIZE + 1:
        raise DecodeError(f"a sequence notification is a hash and a label, not {len(body)} bytes")
    label = chr(body[HASH_SIZE])
    if label not in SEQUENCE_LABELS:
        raise DecodeError(f"unknown sequence label {label!r} (C, D, R or A)")
    rest = body[HASH_SIZE + 1 :]
    expected = 8 if label in "RA" else 0
    if len(rest) != expected:
        raise DecodeError(
            f"a sequence notification labelled {label} has {len(rest)} bytes after its label,"
            f" not {expected}"
        )
    value: dict[str, object] = {
        "hash": reversed_hex(body[:HASH_SIZE]),
        "label": label,
        "event": SEQUENCE_LABELS[label],
    }
    if rest:
        value["mempool_sequence"] = int.from_bytes(rest, "little")
    return value


class BitcoinRecogniser:
    name = "bitcoin"
    markers = tuple(sorted(TOPICS))  # one of them is in every message match() takes

    def match(self, frames: Sequence[bytes], socket_type: str) -> bool:
        return len(frames) == 3 and frames[0] in TOPICS and len(frames[2]) == 4

    def decode(
        self, frames: Sequence[bytes], socket: str, socket_type: str, context: DecodeContext
    ) -> tuple[Recognition, tuple[DecodedFrame, ...]]:
        if not self.match(frames, socket_type):
            raise DecodeError("not a topic, body and 4-byte sequence number")
        topic = frames[0].decode("ascii")
        body = frames[1]
        sequence = int.from_bytes(frames[2], "little")
        fields: dict[str, object] = {"topic": topic, "sequence": sequence}
        head = f"{topic} seq={sequence}"
        if topic in ("hashtx", "hashblock"):
            name = "txid" if topic == "hashtx" else "block_hash"
            digest = _hash(body, topic)
            fields[name] = digest
            value: object = digest
            role = name.replace("_", " ")
            summary = f"{head} {'txid' if topic == 'hashtx' else 'hash'}={short(digest)}"
        elif topic == "rawtx":
            tx = parse_transaction(body)
            fields.update(
                {key: tx[key] for key in ("txid", "wtxid", "size", "total_out") if key in tx},
                inputs=tx["input_count"],
                outputs=tx["output_count"],
            )
            value, role = tx, "transaction"
            summary = (
                f"{head} txid={short(str(tx['txid']))} "
                f"{tx['input_count']} in, {tx['output_count']} out"
            )
        elif topic == "rawblock":
            block = parse_block(body)
            fields.update(block_hash=block["hash"], tx_count=block["tx_count"], size=block["size"])
            value, role = block, "block"
            summary = f"{head} hash={short(str(block['hash']))} {block['tx_count']} txs"
        else:
            event = _sequence_body(body)
            label = str(event["label"])
            fields["block_hash" if label in "CD" else "txid"] = event["hash"]
            fields.update(label=label, event=event["event"])
            if "mempool_sequence" in event:
                fields["mempool_sequence"] = event["mempool_sequence"]
            value, role = event, "event"
            summary = f"{head} {event['label']} {short(str(event['hash']))} ({event['event']})"
        decoded = (
            text_frame(topic, "topic"),
            DecodedFrame("bitcoin", value, role=role),
            DecodedFrame("uint32 le", sequence, role="sequence"),
        )
        return Recognition("bitcoin", summary, fields), decoded
