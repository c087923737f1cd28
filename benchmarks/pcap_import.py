"""pcap import speed: importing a packet capture of 64 B ZeroMQ messages against merely
reading the same file with dpkt (the reader the import uses).

    python benchmarks/pcap_import.py             # a 200 MB capture
    python benchmarks/pcap_import.py --quick     # a 50 MB capture
    python benchmarks/pcap_import.py --mb 1024   # the 1 GB figure of docs/pcap.md

The capture is generated: one PUSH -> PULL connection over Ethernet/IPv4 with a ZMTP 3.1
handshake, then 64 B single-frame messages with ACKs the other way. ``pcap_import_ratio``:
one message a TCP segment (a steady stream: libzmq sets TCP_NODELAY);
``pcap_import_ratio_batched``: BATCHED messages a segment (a flood: the sender batches).
Each is the import's rate over the bare read's (bytes of file per second, best of ROUNDS,
interleaved); the target is >= 0.5. The bare read opens the file as a user would; the
import reads through a 64 KiB buffer, and ``..._same_buffer`` divides the same bare read
through that buffer by the import (the parsing's cost alone; reported, no target). The
import's rows are built and dropped, as the command line's writer would take them; the bare
read touches each record once. A batched capture holds many messages per record, each a row
to build, while dpkt's cost is per record: that ratio is the harder one.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from zinspect.core.pcap.pcap_file import READ_BUFFER  # noqa: E402

MESSAGE = b"m" * 64
BATCHED = 20  # messages per segment in a flood (libzmq batches small messages)
ROUNDS = 3
_SIGNATURE = b"\xff" + b"\x00" * 8 + b"\x7f"


def greeting(socket_type: bytes) -> bytes:
    ready = b"\x05READY" + b"\x0bSocket-Type" + struct.pack("!I", len(socket_type)) + socket_type
    return (
        _SIGNATURE
        + b"\x03\x01"
        + b"NULL".ljust(20, b"\x00")
        + b"\x00" * 32
        + bytes([0x04, len(ready)])
        + ready
    )


def _packet(
    src: bytes, dst: bytes, sport: int, dport: int, seq: int, flags: int, data: bytes
) -> bytes:
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 65535, 0, 0)
    total = 20 + len(tcp) + len(data)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 0, 0x4000, 64, 6, 0, src, dst)
    return b"\x02" * 6 + b"\x04" * 6 + b"\x08\x00" + ip + tcp + data


def generate(path: str, megabytes: float, per_segment: int = 1) -> int:
    """Write the capture, ``per_segment`` messages to a TCP segment; returns the number of
    messages in it."""
    client, server = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    frame = bytes([0, len(MESSAGE)]) + MESSAGE
    payload = frame * per_segment
    limit = int(megabytes * 1_000_000)
    messages = 0
    stamp = 1_700_000_000.0
    with open(path, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

        def record(data: bytes) -> None:
            nonlocal stamp
            stamp += 0.00001
            sec = int(stamp)
            usec = int((stamp - sec) * 1_000_000)
            out.write(struct.pack("<IIII", sec, usec, len(data), len(data)) + data)

        cseq, sseq = 1000, 5000
        record(_packet(client, server, 40000, 5555, cseq, 0x02, b""))
        record(_packet(server, client, 5555, 40000, sseq, 0x12, b""))
        cseq, sseq = cseq + 1, sseq + 1
        for data, from_client in ((greeting(b"PUSH"), True), (greeting(b"PULL"), False)):
            if from_client:
                record(_packet(client, server, 40000, 5555, cseq, 0x18, data))
                cseq += len(data)
            else:
                record(_packet(server, client, 5555, 40000, sseq, 0x18, data))
                sseq += len(data)
        ack = _packet(server, client, 5555, 40000, sseq, 0x10, b"")
        while out.tell() < limit:
            record(_packet(client, server, 40000, 5555, cseq, 0x18, payload))
            cseq = (cseq + len(payload)) % (1 << 32)
            messages += per_segment
            if messages % (per_segment * 4) == 0:
                record(ack)
    return messages


def bare_read(path: str, buffering: int = -1) -> float:
    """dpkt reading every record of the file, opened as a user would (``buffering`` -1: the
    file system's block size, 4 KiB here) or with the import's buffer."""
    import dpkt

    started = time.perf_counter()
    with open(path, "rb", buffering=buffering) as file:
        for _stamp, _data in dpkt.pcap.Reader(file):
            pass
    return time.perf_counter() - started


def import_all(path: str) -> tuple[float, int]:
    from zinspect.core.pcap.importer import PcapImporter

    started = time.perf_counter()
    importer = PcapImporter(path)
    count = 0
    while not importer.done:
        count += len(importer.read_rows(0.05))
    importer.close()
    return time.perf_counter() - started, count


def measure(quick: bool = False, megabytes: float | None = None) -> dict[str, float]:
    """The figures, on a capture of one message a segment and on one of BATCHED."""
    size = megabytes or (50 if quick else 200)
    figures: dict[str, float] = {}
    for name, per_segment in (("", 1), ("_batched", BATCHED)):
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "flood.pcap")
            messages = generate(path, size, per_segment)
            file_bytes = os.path.getsize(path)
            bare, buffered, imported = [], [], []
            for _ in range(ROUNDS):  # interleaved: this machine's load changes by the second
                bare.append(bare_read(path))
                buffered.append(bare_read(path, READ_BUFFER))
                seconds, count = import_all(path)
                assert count == messages, (count, messages)
                imported.append(seconds)
        best_bare, best_import = min(bare), min(imported)
        print(
            f"pcap import, {per_segment} message(s) a segment: {file_bytes / 1e6:.0f} MB, "
            f"{messages:,} messages; dpkt reads {file_bytes / best_bare / 1e6:.0f} MB/s, the "
            f"import {file_bytes / best_import / 1e6:.0f} MB/s "
            f"({messages / best_import:,.0f} messages/s)",
            file=sys.stderr,
        )
        figures[f"pcap_import_ratio{name}"] = best_bare / best_import
        # the same read through the import's 64 KiB buffer (part of the import's lead over
        # a plain open is that buffer: this ratio is the parsing's cost alone)
        figures[f"pcap_import_ratio{name}_same_buffer"] = min(buffered) / best_import
        figures[f"pcap_import_mb_s{name}"] = file_bytes / best_import / 1e6
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--mb", type=float, help="size of the generated capture in MB")
    args = parser.parse_args()
    print(json.dumps({k: round(v, 4) for k, v in measure(args.quick, args.mb).items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
