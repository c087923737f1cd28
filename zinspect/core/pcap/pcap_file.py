"""A pcap or pcapng file opened with dpkt's readers, read through a guard that refuses
absurd record sizes (a hostile length field would make dpkt read the whole file at once)
and counts the bytes read, for progress.

dpkt is the maintained, BSD-licensed reader the import uses for the file format
(docs/pcap.md says why); everything after the record (link, IP, TCP, ZMTP) is ours.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import dpkt

from zinspect.core.capture.capture import describe_os_error
from zinspect.core.pcap.packets import link_name, supported

MAX_RECORD_BYTES = 16 << 20  # no packet record is longer (snap lengths are 256 KiB)
PCAP_MAGICS = {b"\xa1\xb2\xc3\xd4", b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\x3c\x4d", b"\x4d\x3c\xb2\xa1"}
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"
PCAP_SUFFIXES = (".pcap", ".pcapng", ".cap", ".dmp")


class _RecordTooLongError(Exception):
    pass


# what reading a hostile file through dpkt may raise (``failure`` turns each into words)
READ_ERRORS = (
    dpkt.Error,
    ValueError,
    OverflowError,
    IndexError,
    TypeError,
    OSError,
    _RecordTooLongError,
)


class PcapError(Exception):
    """The file cannot be imported; the message says why, in words."""


def is_pcap_path(path: str | os.PathLike[str]) -> bool:
    """Whether a file is to be opened as a packet capture: by its suffix, or by its first
    bytes when it has another one."""
    if os.fspath(path).lower().endswith(PCAP_SUFFIXES):
        return True
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False  # opening a FIFO would wait for a writer
        with open(path, "rb") as file:
            head = file.read(4)
    except OSError:
        return False
    return head in PCAP_MAGICS or head == PCAPNG_MAGIC


class _Guarded:
    """The file as dpkt sees it: reads larger than a record can be are refused."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self._read = file.read
        self.name = getattr(file, "name", "")
        # reads that found fewer bytes than asked: one (empty) is the end of the file; a
        # second, or one with some bytes, is a record the file ends inside (dpkt's pcap
        # reader hands such a record on short, without a word)
        self.short_reads = 0
        self.partial = False

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > MAX_RECORD_BYTES:
            raise _RecordTooLongError(size)
        data = self._read(size)
        if len(data) < size:
            self.short_reads += 1
            self.partial = self.partial or bool(data)
        return data

    @property
    def ended_inside_a_record(self) -> bool:
        return self.partial or self.short_reads > 1

    @property
    def position(self) -> int:
        try:
            return self.file.tell()
        except (OSError, ValueError):
            return 0

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def fileno(self) -> int:
        return self.file.fileno()


class PacketFile:
    """The records of one capture file: ``packets()`` yields (time, bytes)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._cut_short = False  # dpkt said the file ends inside a record
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                raise PcapError(f"{self.path} is not a regular file")
            self._file: BinaryIO = open(self.path, "rb")
            self.size = os.fstat(self._file.fileno()).st_size
        except OSError as error:
            raise PcapError(describe_os_error(error, self.path, writing=False)) from None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        magic = self._file.read(4)
        self._file.seek(0)
        self._guard = _Guarded(self._file)
        if magic in PCAP_MAGICS:
            self.format = "pcap"
            opener = dpkt.pcap.Reader
        elif magic == PCAPNG_MAGIC:
            self.format = "pcapng"
            opener = dpkt.pcapng.Reader
        elif not magic:
            raise PcapError(f"{self.path} is empty")
        else:
            raise PcapError(f"{self.path} is not a pcap or pcapng file (its first bytes say so)")
        try:
            self._reader = opener(self._guard)
        except _RecordTooLongError:
            raise PcapError(
                f"{self.path} is damaged: its header gives an impossible length"
            ) from None
        except (dpkt.Error, ValueError, OverflowError, IndexError, TypeError) as error:
            raise PcapError(f"{self.path} is not a readable {self.format} file: {error}") from None
        self.linktype = int(self._reader.datalink())
        if not supported(self.linktype):
            raise PcapError(
                f"{self.path}: {link_name(self.linktype)} captures are not supported (zinspect "
                "reads Ethernet, Linux cooked, loopback and raw IP)"
            )

    @property
    def link(self) -> str:
        return link_name(self.linktype)

    @property
    def cut_short(self) -> bool:
        """Whether the file ends inside a record (a capture interrupted, a copy cut)."""
        return self._cut_short or self._guard.ended_inside_a_record

    @property
    def progress(self) -> float:
        return 1.0 if self.size <= 0 else min(1.0, self._guard.position / self.size)

    def records(self) -> Iterator[tuple[float, bytes]]:
        """The records in file order, straight from dpkt when its times are floats (its
        errors then reach the caller: ``failure`` says what they mean)."""
        if isinstance(getattr(self._reader, "_divisor", 1.0), float):
            return iter(self._reader)
        return self._as_floats()

    def _as_floats(self) -> Iterator[tuple[float, bytes]]:
        for stamp, data in self._reader:  # nanosecond pcap: dpkt gives Decimal times
            yield float(stamp), data

    def failure(self, error: BaseException) -> PcapError | None:
        """What an error of ``records()`` means: a PcapError in words, or None when the
        file just ends inside a record (``cut_short``: a capture interrupted)."""
        if isinstance(error, dpkt.NeedData):
            self._cut_short = True
            return None
        where = f"{self.path} is damaged at byte {self._guard.position:,}"
        if isinstance(error, _RecordTooLongError):
            return PcapError(f"{where}: a record claims more than {MAX_RECORD_BYTES >> 20} MiB")
        if isinstance(error, OSError):
            return PcapError(describe_os_error(error, self.path, writing=False))
        return PcapError(f"{where}: {error}")

    def packets(self) -> Iterator[tuple[float, bytes]]:
        """The records, a damaged one raising PcapError and a cut last one ending them."""
        records = self.records()
        while True:
            try:
                stamp, data = next(records)
            except StopIteration:
                return
            except READ_ERRORS as error:
                failure = self.failure(error)
                if failure is None:
                    return
                raise failure from None
            yield stamp, data

    def close(self) -> None:
        try:
            self._file.close()
        except (OSError, AttributeError):
            pass
