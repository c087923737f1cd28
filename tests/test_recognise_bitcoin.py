"""Bitcoin Core's ZMQ notifications (its doc/zmq.md): topic, body and a 4-byte little-endian
sequence number; txids of real mainnet transactions computed without their witness data, the
genesis block's hash from its header, and a skipped sequence number counted as a gap."""

from __future__ import annotations

import pytest
from recognise_helpers import decode, pub_sub, receive

from zinspect.core.decode.gaps import SequenceGaps
from zinspect.core.decode.model import DecodeError
from zinspect.core.decode.protocols.bitcoin_tx import parse_block, parse_transaction

# Block 170: the first bitcoin transaction between people (legacy: no witness).
LEGACY_TX = bytes.fromhex(
    "0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847"
    "304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8e"
    "ca07de4860a4acdd12909d831cc56cbbac4622082221a8768d1d0901ffffffff0200ca9a3b000000004341"
    "04ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa28414e7aab37397f554a7df5f"
    "142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a016b"
    "49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9"
    "d4c03f999b8643f656b412a3ac00000000"
)
LEGACY_TXID = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
# Block 481824 (the first segwit block): a P2SH-P2WPKH spend, one input, one output.
SEGWIT_TX = bytes.fromhex(
    "0200000000010140d43a99926d43eb0e619bf0b3d83b4a31f60c176beecfb9d35bf45e54d0f74201000000"
    "17160014a4b4ca48de0b3fffc15404a1acdc8dbaae226955ffffffff0100e1f5050000000017a9144a1154"
    "d50b03292b3024370901711946cb7cccc387024830450221008604ef8f6d8afa892dee0f31259b6ce02dd7"
    "0c545cfcfed8148179971876c54a022076d771d6e91bed212783c9b06e0de600fab2d518fad6f15a2b191d"
    "7fbd262a3e0121039d25ab79f41f75ceaf882411fd41fa670a4c672c23ffaf0e361a969cde0692e800000000"
)
SEGWIT_TXID = "c586389e5e4b3acb9d6c8be1c19ae8ab2795397633176f5a6442a261bbdefc3a"
SEGWIT_WTXID = "b759d39a8596b70b3a46700b83e1edb247e17ba58df305421864fe7a9ac142ea"
GENESIS_HEADER = bytes.fromhex(
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12"
    "b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
)
GENESIS_COINBASE = bytes.fromhex(
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04"
    "ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e20"
    "6272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01"
    "000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4c"
    "ef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000"
)
GENESIS_BLOCK = GENESIS_HEADER + b"\x01" + GENESIS_COINBASE
GENESIS_HASH = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"


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
