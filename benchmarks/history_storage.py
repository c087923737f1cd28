"""Which storage for the on-disk history: the segment log (columns, or marshal of the row
tuples) against SQLite, on the rows zinspect stores (docs/performance.md, "History").

    python benchmarks/history_storage.py [--messages 1000000] [--rounds 3]

For each: the time to append a flood of 64-byte one-frame rows in batches of 500 (as the
receive path stores them), disk bytes per message, and the time to read 50 rows around a
random message. Each round runs every store once, in turn; medians are printed.
"""

from __future__ import annotations

import argparse
import marshal
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from zinspect.core.history.segment_log import SegmentLog

BATCH = 500


def make_rows(count: int) -> list[tuple]:
    payload = os.urandom(64)
    now = time.time()
    return [
        (now + i * 1e-6, "pull-1", "in", 64, payload[:60] + i.to_bytes(4, "little"))
        for i in range(count)
    ]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def run_columns(rows: list[tuple], folder: Path) -> tuple[float, int, float]:
    log = SegmentLog(folder, 0, 1 << 40)
    start = time.perf_counter()
    for at in range(0, len(rows), BATCH):
        log.append(rows[at : at + BATCH])
    log.flush()
    elapsed = time.perf_counter() - start
    seeks = []
    for seq in random.sample(range(len(rows) - 50), 20):
        t = time.perf_counter()
        got: list = []
        at = seq
        while len(got) < 50:
            first, part = log.rows(at, seq + 50)
            got.extend(part)
            at = first + len(part)
        seeks.append(time.perf_counter() - t)
    log.close()
    return elapsed, folder_bytes(folder), statistics.median(seeks)


class MarshalLog:
    """The same log with each chunk as marshal.dumps(rows) (for the comparison only)."""

    def __init__(self, folder: Path) -> None:
        self.fd = os.open(folder / "m.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self.path = folder / "m.log"
        self.pending: list = []
        self.index: list[tuple[int, int, int]] = []
        self.offset = 0
        self.seq = 0

    def append(self, rows: list) -> None:
        self.pending.extend(rows)
        while len(self.pending) >= 256:
            self.write(self.pending[:256])
            del self.pending[:256]

    def write(self, rows: list) -> None:
        data = marshal.dumps(rows)
        os.write(self.fd, data)
        self.index.append((self.seq, self.offset, len(data)))
        self.offset += len(data)
        self.seq += len(rows)

    def read(self, seq: int) -> list:
        first, offset, length = self.index[seq // 256]
        with open(self.path, "rb") as file:
            file.seek(offset)
            return marshal.loads(file.read(length))[seq - first : seq - first + 50]


def run_marshal(rows: list[tuple], folder: Path) -> tuple[float, int, float]:
    log = MarshalLog(folder)
    start = time.perf_counter()
    for at in range(0, len(rows), BATCH):
        log.append(rows[at : at + BATCH])
    elapsed = time.perf_counter() - start
    seeks = []
    for seq in random.sample(range(len(rows) - 300), 20):
        t = time.perf_counter()
        log.read(seq)
        seeks.append(time.perf_counter() - t)
    return elapsed, folder_bytes(folder), statistics.median(seeks)


def run_sqlite(rows: list[tuple], folder: Path) -> tuple[float, int, float]:
    db = sqlite3.connect(folder / "h.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("CREATE TABLE m (seq INTEGER PRIMARY KEY, time REAL, socket TEXT, dir TEXT, f BLOB)")
    start = time.perf_counter()
    seq = 0
    for at in range(0, len(rows), BATCH):
        batch = rows[at : at + BATCH]
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO m VALUES (?, ?, ?, ?, ?)",
            [(seq + i, r[0], r[1], r[2], r[4]) for i, r in enumerate(batch)],
        )
        db.execute("COMMIT")
        seq += len(batch)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.perf_counter() - start
    seeks = []
    for s in random.sample(range(len(rows) - 50), 20):
        t = time.perf_counter()
        db.execute("SELECT * FROM m WHERE seq >= ? AND seq < ?", (s, s + 50)).fetchall()
        seeks.append(time.perf_counter() - t)
    db.close()
    return elapsed, folder_bytes(folder), statistics.median(seeks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = make_rows(args.messages)
    kinds = {
        "segment log, columns": run_columns,
        "segment log, marshal": run_marshal,
        "sqlite (WAL, sync off)": run_sqlite,
    }
    results: dict[str, list[tuple[float, int, float]]] = {k: [] for k in kinds}
    for _ in range(args.rounds):
        for name, run in kinds.items():
            with tempfile.TemporaryDirectory(prefix="zinspect-bench-") as folder:
                results[name].append(run(rows, Path(folder)))
    print(
        f"{args.messages:,} one-frame messages of 64 B, batches of {BATCH}, "
        f"medians of {args.rounds} rounds"
    )
    print("| storage | append ns/msg | disk bytes/msg | read 50 rows ms |")
    print("|---|---|---|---|")
    for name, runs in results.items():
        ns = statistics.median(r[0] for r in runs) / args.messages * 1e9
        per = statistics.median(r[1] for r in runs) / args.messages
        seek = statistics.median(r[2] for r in runs) * 1e3
        print(f"| {name} | {ns:.0f} | {per:.1f} | {seek:.2f} |")


if __name__ == "__main__":
    main()
