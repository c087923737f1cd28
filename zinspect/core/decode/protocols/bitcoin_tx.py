"""Bitcoin's serialised transactions and block headers, read far enough to name them.

A txid is the double SHA-256 of the transaction serialised WITHOUT its witness data (BIP
144's marker, flag and witnesses left out), shown byte-reversed as block explorers and the
RPC interface do; a segwit transaction's wtxid hashes all of it. A block's hash is the
double SHA-256 of its 80-byte header. Every count read from the bytes is checked against
the bytes left before anything is allocated for it: a hostile varint cannot make a list of
a billion entries.
"""

from __future__ import annotations

import hashlib
import struct

from zinspect.core.codecs import frame_size
from zinspect.core.decode.model import DecodeError

HEADER_SIZE = 80
MIN_INPUT = 41  # outpoint 36, script length 1, sequence 4
MIN_OUTPUT = 9  # value 8, script length 1
LISTED = 50  # inputs and outputs listed in the decoded value; the counts are always whole
SCRIPT_SHOWN = 80  # bytes of a script shown as hex


def double_sha256(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def reversed_hex(data: bytes) -> str:
    """A hash as Bitcoin shows it: the bytes in reverse order, as hex."""
    return data[::-1].hex()


class Reader:
    """Reads little-endian integers, varints and byte strings, in words when short."""

    def __init__(self, data: bytes, what: str) -> None:
        self.data = data
        self.at = 0
        self.what = what

    @property
    def left(self) -> int:
        return len(self.data) - self.at

    def take(self, size: int, name: str) -> bytes:
        if size > self.left:
            raise DecodeError(f"the {self.what} ends inside its {name}")
        piece = self.data[self.at : self.at + size]
        self.at += size
        return piece

    def uint(self, size: int, name: str) -> int:
        return int.from_bytes(self.take(size, name), "little")

    def varint(self, name: str) -> int:
        first = self.uint(1, name)
        if first < 0xFD:
            return first
        return self.uint({0xFD: 2, 0xFE: 4, 0xFF: 8}[first], name)

    def count(self, name: str, smallest: int) -> int:
        """A varint count of items each at least ``smallest`` bytes, checked against what is
        left so that no list is built for items that cannot be there."""
        number = self.varint(f"number of {name}")
        if number * smallest > self.left:
            raise DecodeError(f"the {self.what} claims {number} {name}, more than its bytes hold")
        return number


def _script(data: bytes) -> str:
    text = data[:SCRIPT_SHOWN].hex()
    return text + ("…" if len(data) > SCRIPT_SHOWN else "")


def _skip(
    data: bytes, at: int, count: int, before: int, after: int, what: str, values: bool = False
) -> tuple[int, int]:
    """Past ``count`` items that are ``before`` bytes, a varint-sized byte string and
    ``after`` bytes, from ``at``: where they end, and the sum of their leading 8-byte values
    when ``values``. The quick path for the items not listed: a 4 MB transaction has 100,000
    inputs, and the Reader's checks per field cost too much for a table row."""
    end = len(data)
    total = 0
    for _ in range(count):
        if values:
            total += int.from_bytes(data[at : at + 8], "little")
        at += before
        if at >= end:
            raise DecodeError(f"the transaction ends inside its {what}")
        first = data[at]
        if first < 0xFD:
            at += 1 + first + after
        else:
            width = 2 if first == 0xFD else 4 if first == 0xFE else 8
            at += 1 + width + int.from_bytes(data[at + 1 : at + 1 + width], "little") + after
        if at > end:
            raise DecodeError(f"the transaction ends inside its {what}")
    return at, total


def parse_transaction(data: bytes) -> dict[str, object]:
    """The transaction in ``data`` (exactly one, nothing after it) as a JSON-like dict with
    its txid, wtxid, version, inputs, outputs and locktime; DecodeError in words if not."""
    reader = Reader(data, "transaction")
    version = int.from_bytes(reader.take(4, "version"), "little", signed=True)
    segwit = reader.data[4:5] == b"\x00"
    if segwit:
        reader.take(1, "segwit marker")
        flag = reader.uint(1, "segwit flag")
        if flag != 1:
            raise DecodeError(f"the transaction has an unknown segwit flag {flag}")
    body_start = reader.at
    inputs: list[dict[str, object]] = []
    input_count = reader.count("inputs", MIN_INPUT)
    if segwit and input_count == 0:
        raise DecodeError("a segwit transaction without inputs")
    for _ in range(min(input_count, LISTED)):
        previous = reader.take(32, "input's previous txid")
        vout = reader.uint(4, "input's output index")
        script = reader.take(reader.varint("input script length"), "input script")
        sequence = reader.uint(4, "input sequence")
        inputs.append(
            {
                "txid": reversed_hex(previous),
                "vout": vout,
                "script": _script(script),
                "sequence": sequence,
            }
        )
    reader.at, _ = _skip(data, reader.at, input_count - len(inputs), 36, 4, "inputs")
    outputs: list[dict[str, object]] = []
    output_count = reader.count("outputs", MIN_OUTPUT)
    for _ in range(min(output_count, LISTED)):
        value = reader.uint(8, "output value")
        script = reader.take(reader.varint("output script length"), "output script")
        outputs.append({"value": value, "script": _script(script)})
    total = sum(int(output["value"]) for output in outputs)  # type: ignore[call-overload]
    reader.at, rest = _skip(data, reader.at, output_count - len(outputs), 8, 0, "outputs", True)
    total += rest
    body_end = reader.at
    if segwit:
        for _ in range(input_count):
            items = reader.count("witness items", 1)
            reader.at, _ = _skip(data, reader.at, items, 0, 0, "witness")
    locktime_bytes = reader.take(4, "locktime")
    if reader.left:
        raise DecodeError(f"{reader.left} bytes follow the transaction's locktime")
    stripped = data[:4] + data[body_start:body_end] + locktime_bytes if segwit else data
    result: dict[str, object] = {"txid": reversed_hex(double_sha256(stripped))}
    if segwit:
        result["wtxid"] = reversed_hex(double_sha256(data))
    result.update(
        version=version,
        segwit=segwit,
        size=len(data),
        input_count=input_count,
        output_count=output_count,
        total_out=total,
        inputs=inputs,
        outputs=outputs,
        locktime=int.from_bytes(locktime_bytes, "little"),
    )
    return result


def parse_block(data: bytes) -> dict[str, object]:
    """A serialised block's header fields, hash and transaction count (the transactions
    themselves are not read: a block is megabytes, the summary needs none of them)."""
    if len(data) < HEADER_SIZE + 1:
        raise DecodeError(
            f"a block is an 80-byte header and its transactions; this is {len(data)} bytes"
        )
    header = data[:HEADER_SIZE]
    version, previous, merkle, time, bits, nonce = struct.unpack("<i32s32sIII", header)
    reader = Reader(data, "block")
    reader.at = HEADER_SIZE
    count = reader.varint("transaction count")
    size = frame_size(data)  # (a table cell's block may be the head of it: core.rows)
    if count == 0 or count * 60 > size - reader.at:
        raise DecodeError(f"the block claims {count} transactions, which its bytes cannot hold")
    return {
        "hash": reversed_hex(double_sha256(header)),
        "version": version,
        "previous": reversed_hex(previous),
        "merkle_root": reversed_hex(merkle),
        "time": time,
        "bits": f"{bits:08x}",
        "nonce": nonce,
        "tx_count": count,
        "size": size,
    }
