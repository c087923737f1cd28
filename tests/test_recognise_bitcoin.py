"""Bitcoin Core's ZMQ notifications (its doc/zmq.md): topic, body and a 4-byte little-endian
sequence number; txids of real mainnet transactions computed without their witness data, the
genesis block's hash from its header, and a skipped sequence number counted as a gap."""

from __future__ import annotations

import pytest
from bitcoin_samples import (
    GENESIS_BLOCK,
    GENESIS_COINBASE,
    GENESIS_HASH,
    GENESIS_HEADER,
    LEGACY_TX,
    LEGACY_TXID,
    SEGWIT_TX,
    SEGWIT_TXID,
    SEGWIT_WTXID,
)
from recognise_helpers import decode, pub_sub, receive

from zinspect.core.decode.gaps import SequenceGaps
from zinspect.core.decode.model import DecodeError
from zinspect.core.decode.protocols.bitcoin_tx import parse_block, parse_transaction


def seq(number: int) -> bytes:
    return number.to_bytes(4, "little")


def test_the_txid_of_real_legacy_and_segwit_transactions():
    legacy = parse_transaction(LEGACY_TX)
    assert legacy["txid"] == LEGACY_TXID and "wtxid" not in legacy
    assert (legacy["input_count"], legacy["output_count"]) == (1, 2)
    assert legacy["total_out"] == 50 * 10**8
    segwit = parse_transaction(SEGWIT_TX)
    assert segwit["txid"] == SEGWIT_TXID and segwit["wtxid"] == SEGWIT_WTXID
    assert segwit["segwit"] and (segwit["input_count"], segwit["output_count"]) == (1, 1)
    assert (
        parse_transaction(GENESIS_COINBASE)["txid"] == parse_block(GENESIS_BLOCK)["merkle_root"]
    )  # the genesis block's only transaction is its merkle root


def test_published_notifications_are_recognised_and_a_skipped_number_is_a_gap():
    """A publisher doing what doc/zmq.md says bitcoind does: one counter per topic; message
    2 of rawtx never leaves (as when the high-water mark drops it)."""
    txid_le = bytes.fromhex(SEGWIT_TXID)[::-1]
    sent = [
        [b"hashblock", bytes.fromhex(GENESIS_HASH)[::-1], seq(0)],
        [b"rawblock", GENESIS_BLOCK, seq(0)],
        [b"rawtx", LEGACY_TX, seq(0)],
        [b"rawtx", SEGWIT_TX, seq(1)],
        [b"rawtx", LEGACY_TX, seq(3)],
        [b"hashtx", txid_le, seq(0)],
        [b"sequence", txid_le + b"A" + (77).to_bytes(8, "little"), seq(0)],
        [b"sequence", bytes.fromhex(GENESIS_HASH)[::-1] + b"C", seq(1)],
    ]
    with pub_sub() as (publisher, subscriber):
        for message in sent:
            publisher.send_multipart(message)
        received = [receive(subscriber) for _ in sent]
    gaps = SequenceGaps()
    decoded = [decode(frames, "SUB") for frames in received]
    missed = [gaps.feed("sub", message.recognition) for message in decoded]
    assert missed == [None, None, None, None, 1, None, None, None]
    assert gaps.missed_total == 1
    assert {message.recognition.protocol for message in decoded} == {"bitcoin"}
    hashblock, rawblock, legacy, segwit, _, hashtx, added, connected = decoded
    assert hashblock.recognition.fields["block_hash"] == GENESIS_HASH
    assert rawblock.recognition.fields["block_hash"] == GENESIS_HASH
    assert rawblock.recognition.fields["tx_count"] == 1
    assert legacy.recognition.fields["txid"] == LEGACY_TXID
    assert segwit.recognition.fields["txid"] == SEGWIT_TXID
    assert segwit.recognition.fields["wtxid"] == SEGWIT_WTXID
    assert (segwit.recognition.fields["inputs"], segwit.recognition.fields["outputs"]) == (1, 1)
    assert segwit.summary == f"rawtx seq=1 txid={SEGWIT_TXID[:16]}… 1 in, 1 out"
    assert [frame.role for frame in segwit.frames] == ["topic", "transaction", "sequence"]
    assert hashtx.recognition.fields["txid"] == SEGWIT_TXID
    assert added.recognition.fields["txid"] == SEGWIT_TXID
    assert added.recognition.fields["label"] == "A"
    assert added.recognition.fields["mempool_sequence"] == 77
    assert connected.recognition.fields["block_hash"] == GENESIS_HASH
    assert "block connected" in connected.summary


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (LEGACY_TX[:-1], "ends inside its locktime"),
        (LEGACY_TX + b"\x00", "follow the transaction"),
        (LEGACY_TX[:4] + b"\xff" + b"\xff" * 8 + LEGACY_TX[5:], "more than its bytes hold"),
        (SEGWIT_TX[:5] + b"\x02" + SEGWIT_TX[6:], "unknown segwit flag"),
        (SEGWIT_TX[:-40], "ends inside"),
    ],
)
def test_a_broken_transaction_is_refused_in_words(body, reason):
    with pytest.raises(DecodeError, match=reason):
        parse_transaction(body)
    decoded = decode([b"rawtx", body, seq(0)])
    assert decoded.recognition is None  # shown as plain frames instead


def test_bodies_of_the_wrong_size_are_not_bitcoin():
    assert decode([b"hashtx", b"\x00" * 31, seq(0)]).recognition is None
    assert decode([b"hashtx", b"\x00" * 32, seq(0)[:3]]).recognition is None
    assert decode([b"sequence", b"\x00" * 32 + b"A", seq(0)]).recognition is None
    assert decode([b"sequence", b"\x00" * 32 + b"X", seq(0)]).recognition is None
    assert decode([b"rawblock", GENESIS_HEADER, seq(0)]).recognition is None
