"""A pcap or pcapng file opened with dpkt's readers, over a file that refuses absurd record
sizes (a hostile length field would make dpkt read the whole file at once).

dpkt is the maintained, BSD-licensed reader the import uses for the file format
(docs/pcap.md says why); everything after the record (link, IP, TCP, ZMTP) is ours.
"""

from __future__ import annotations

import io
import os
import stat
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dpkt

from zinspect.core.capture.capture import describe_os_error
from zinspect.core.pcap.packets import link_name, supported

MAX_RECORD_BYTES = 16 << 20  # no packet record is longer (snap lengths are 256 KiB)
READ_BUFFER = 64 << 10  # read from the file at once; dpkt's reads are served from it
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
    MemoryError,  # a hostile record length the machine cannot even reserve
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


class _BoundedFile(io.FileIO):
    """The file under dpkt's reader, refusing reads larger than a record can be.

    dpkt reads each record with two calls of ``read``; an io.BufferedReader serves them from
    its buffer, in C, and comes here only to fill the buffer or to read past it, so the check
    costs nothing per record (a Python ``read`` in between cost the import a tenth of its
    time). A hostile length field asks for the rest of the file (or, in pcapng, a negative
    length, which is "everything"): it is refused here, before a byte is read."""

    def readinto(self, buffer: Any) -> int | None:
        size = memoryview(buffer).nbytes
        if size > MAX_RECORD_BYTES:
            raise _RecordTooLongError(size)
        return super().readinto(buffer)

    def readall(self) -> bytes:
        raise _RecordTooLongError(-1)

    def read(self, size: int | None = -1, /) -> bytes:
        if size is None or size < 0 or size > MAX_RECORD_BYTES:
            raise _RecordTooLongError(size)
        return super().read(size)


class PacketFile:
    """The records of one capture file: ``packets()`` yields (time, bytes)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._cut_short = False  # the file ends inside a record
        try:
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                raise PcapError(f"{self.path} is not a regular file")
            self._raw = _BoundedFile(self.path, "r")
            self.size = os.fstat(self._raw.fileno()).st_size
        except OSError as error:
            raise PcapError(describe_os_error(error, self.path, writing=False)) from None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def _open(self) -> None:
        magic = self._raw.read(4)
        self._raw.seek(0)
        self._file = io.BufferedReader(self._raw, READ_BUFFER)
        self._magic = magic
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
            self._reader = opener(self._file)
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
        return self._cut_short

    @property
    def position(self) -> int:
        """Bytes of the file read so far."""
        try:
            return self._file.tell()
        except (OSError, ValueError):
            return 0

    @property
    def progress(self) -> float:
        return 1.0 if self.size <= 0 else min(1.0, self.position / self.size)

    def ended(self, last_size: int | None) -> None:
        """The records ended; ``last_size`` is the length of the last one dpkt handed on
        (None: there was none). dpkt's pcap reader hands on a record the file ends inside
        without a word, shorter than its header says: that header sits just before the
        last ``last_size`` bytes of the file either way, so it is read there."""
        if last_size is None or self.format != "pcap" or self._cut_short:
            return
        start = self.size - last_size - 16
        try:
            self._raw.seek(start)
            header = self._raw.read(16)
        except (OSError, ValueError, _RecordTooLongError):
            return
        if start < 24 or header is None or len(header) < 16:
            return
        order = "<" if self._magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
        (captured,) = struct.unpack_from(order + "I", header, 8)
        self._cut_short = captured != last_size

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
        where = f"{self.path} is damaged at byte {self.position:,}"
        if isinstance(error, MemoryError):  # the length dpkt asked for could not be reserved
            return PcapError(f"{where}: a record claims more memory than there is")
        if isinstance(error, _RecordTooLongError):
            return PcapError(f"{where}: a record claims more than {MAX_RECORD_BYTES >> 20} MiB")
        if isinstance(error, OSError):
            return PcapError(describe_os_error(error, self.path, writing=False))
        return PcapError(f"{where}: {error}")

    def close(self) -> None:
        for file in (getattr(self, "_file", None), getattr(self, "_raw", None)):
            try:
                if file is not None:
                    file.close()
            except OSError:
                pass
