"""Opening a capture into the traffic store: the Capture menu's "Open capture…" job.

The file is read in slices (core.capture's CaptureReader; several files chosen together
through core.capture_merge's MergedReader, merged by time; a .pcap or .pcapng is imported as
it is read, by core.pcap's PcapImporter) on the event loop; each slice's messages go into
the store like any traffic, so the store's caps apply (the newest are kept, the others
counted as dropped) and memory stays bounded whatever the file's size. The socket names the
file brings become choices of the traffic table's socket filter, added a part per turn of
the loop (a hostile file may bring tens of thousands) and at most MAX_FILTER_NAMES. The
socket types a packet capture's connections said in their handshakes come from the importer
as data (``take_socket_types``; ``ConnectionTypes``), so the Latency view pairs their
requests and replies; whether its notes warn is its ``problems()``, not their wording.
A socket name the file brings that is in use already (a live socket, the kept traffic,
another of the files merged) is kept apart under a name of its own (core.capture's
ApartNames), and the status line says so: the views tell sockets apart by name only.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeAlias

from zinspect.core.capture.apart_names import ApartNames
from zinspect.core.capture.capture import CaptureError, CaptureReader
from zinspect.core.capture.capture_merge import MergedReader
from zinspect.core.explore.latency import connection_socket_type
from zinspect.core.pcap.importer import PcapError, PcapImporter
from zinspect.core.pcap.pcap_file import is_pcap_path
from zinspect.core.pcap.pcap_result import counted
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_types import SOCKET_TYPES
from zinspect.core.store import ROW_SOCKET, MessageStore

if TYPE_CHECKING:
    from zinspect.ui.traffic.traffic_panel import TrafficPanel

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.010  # reading per turn of the loop
NAMES_PER_TURN = 2_000  # socket names added to the traffic filter per turn of the loop
MAX_FILTER_NAMES = 50_000  # socket names one opened capture may add to the filter

OpenReader: TypeAlias = CaptureReader | PcapImporter | MergedReader


def reader_for(path: str | list[str]) -> OpenReader:
    """A reader of the capture at ``path`` (a list: the captures merged by time); the file
    is checked as it opens (CaptureError or PcapError when it is not a capture)."""
    if isinstance(path, list):
        return MergedReader(path)
    if is_pcap_path(path):  # a packet capture is imported (core.pcap) as it is read
        # its handshakes' types, and its "in" rows counted for the status line
        return PcapImporter(path, keep_types=True, count_received=True)
    return CaptureReader(path)


def names_in_use(session: Session, traffic: TrafficPanel) -> set[str]:
    """The socket names the traffic shows or will show: live sockets (even with no message
    yet), the kept traffic and the names the socket filter offers (closed sockets whose
    messages may be in the history on disk)."""
    names = {handle.name for handle in session.sockets}
    if len(session.store):
        names |= session.store.socket_names()
    return names | traffic.socket_filter_names()


class NewNames:
    """The socket names an opened capture brings, in the order first seen, waiting to be
    added to the traffic filter a part at a time; at most MAX_FILTER_NAMES."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_FILTER_NAMES if limit is None else limit
        self.seen: set[str] = set()
        self.pending: list[str] = []
        self.overflow = False  # more names came than the limit

    def note(self, rows: list[tuple]) -> None:
        seen = self.seen
        for name in dict.fromkeys([row[ROW_SOCKET] for row in rows]):
            if name in seen:
                continue
            if len(seen) >= self.limit:
                self.overflow = True
                return
            seen.add(name)
            self.pending.append(name)

    def take(self, count: int = NAMES_PER_TURN) -> list[str]:
        part, self.pending = self.pending[:count], self.pending[count:]
        return part


class ConnectionTypes:
    """How to pair the requests and replies of each connection of a packet capture
    (core.explore.latency), from the socket types its two ends said; at most ``limit``
    connections."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = MAX_FILTER_NAMES if limit is None else limit
        self._typed: set[str] = set()

    def note(self, said: Mapping[str, tuple[str, str]]) -> dict[str, str]:
        """The connections of ``said`` (name: the client's and the server's socket types,
        '' for an end not heard) that can be paired, with the type to pair them as."""
        found: dict[str, str] = {}
        for name, ends in said.items():
            if name not in self._typed and len(self._typed) >= self.limit:
                continue
            # a peer may say anything: only libzmq's types count
            client, server = (kind if kind in SOCKET_TYPES else "" for kind in ends)
            kind = connection_socket_type(client, server)
            if kind:
                self._typed.add(name)
                found[name] = kind
        return found


def add_names_later(traffic: TrafficPanel, names: NewNames) -> None:
    """Add the names not added yet, a part per turn of the loop (the job itself is over)."""
    if names.pending:
        traffic.add_socket_names(names.take())
        asyncio.get_running_loop().call_soon(add_names_later, traffic, names)


async def open_into_store(
    reader: CaptureReader | PcapImporter | MergedReader,
    store: MessageStore,
    traffic: TrafficPanel,
    progress: Callable[[float], None],
    opened: Callable[[int, int], None] | None = None,
    typed: Callable[[dict[str, str]], None] | None = None,
    apart: ApartNames | None = None,
) -> tuple[str, str, str, str]:
    """Read the whole capture into ``store``; returns (what happened, error, warning,
    notice) in words for the status bar and a message box (a warning when something was
    left out or damaged, a notice when the file only holds what is worth knowing).
    ``opened(messages, received)`` hears of each slice put in the store (the status bar
    counts them apart from this session's traffic); ``typed(types)`` hears of the socket
    types of a packet capture's connections, in the slice that brings their first messages.
    ``apart`` gives the socket names shown (a MergedReader has its own). CancelledError
    propagates (the report for it is the caller's)."""
    dropped_before = store.dropped
    if isinstance(reader, MergedReader):
        apart = reader.apart
    elif apart is None:
        apart = ApartNames()
    source = reader.path.name
    names = NewNames()
    types = ConnectionTypes()
    try:
        while not reader.done:
            rows = reader.read_rows(SLICE_SECONDS)
            if isinstance(reader, PcapImporter) and reader.keep_types:
                found = types.note(reader.take_socket_types())
                if found and typed is not None:  # before the rows are read by anyone
                    typed({apart.name(name, source): kind for name, kind in found.items()})
            if rows:  # counted against the caps like any traffic
                if apart.any_taken and not isinstance(reader, MergedReader):
                    rows = apart.rows(rows, source)
                store.extend_rows(rows, reader.received_in_last)
                if opened is not None:
                    opened(len(rows), reader.received_in_last)
                names.note(rows)
                del rows
            progress(reader.progress)
            traffic.add_socket_names(names.take())
            await asyncio.sleep(0)
        while names.pending:
            traffic.add_socket_names(names.take())
            await asyncio.sleep(0)
    except (CaptureError, PcapError) as error:
        add_names_later(traffic, names)
        read = counted(reader.messages_read, "message")
        text = f"Reading {reader.path} failed after {read}: {error}{apart.report()}"
        return text, str(error), "", ""
    except asyncio.CancelledError:
        reader.close()
        add_names_later(traffic, names)
        raise
    result = reader.result([])
    text = f"Opened {reader.path.name}: {counted(reader.messages_read, 'message')}"
    if isinstance(reader, PcapImporter):
        text += pcap_summary(reader)
    text += apart.report()
    dropped = store.dropped - dropped_before
    if dropped:
        text += (
            f"; the store keeps at most {store.max_messages:,} messages "
            f"({store.max_bytes >> 20:,} MiB), so {dropped:,} older ones were dropped"
        )
    if names.overflow:
        text += (
            f"; the socket filter offers its first {names.limit:,} socket names, the "
            "others were left out of it"
        )
    damage = result.damage_report()
    if damage:
        text += f". {damage[:1].upper()}{damage[1:]}"  # the notes begin in lower case
    cut_short = getattr(result, "cut_short", "")  # a recording's own note; a pcap has none
    if cut_short:  # the file says what it lacks: say it too
        text += f". Recording cut short: {cut_short}"
    log.info("%s", text)
    if cut_short or (damage and not only_notices(reader)):
        return text, "", text, ""
    return text, "", "", text if damage else ""


def only_notices(reader: CaptureReader | PcapImporter | MergedReader) -> bool:
    """Whether every note of a packet capture says what it holds, nothing that went wrong
    (encrypted connections shown as sizes, TCP connections of other protocols): those are
    told in a box with an information icon, not a warning."""
    return isinstance(reader, PcapImporter) and not reader.problems()


def pcap_summary(importer: PcapImporter) -> str:
    """What an imported packet capture held: its ZMTP connections, the first few named."""
    connections = importer.summaries
    empty = ""
    if importer.empty:  # a client that tried before its server was up: said apart
        empty = (
            f"; {importer.empty:,} TCP connection{'s' if importer.empty != 1 else ''} "
            "without data (refused, or closed before a byte)"
        )
    if not connections:
        return f" (no ZeroMQ connection found in {counted(importer.packets, 'packet')}{empty})"
    shown = "; ".join(connections[:3]) + ("; …" if len(connections) > 3 else "")
    noun = "connection" if len(connections) == 1 else "connections"
    return f" from {len(connections):,} ZeroMQ {noun} ({shown}){empty}"
