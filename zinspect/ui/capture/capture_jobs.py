"""Long capture jobs, exporting the traffic to a file and opening a capture into it, as
asyncio tasks that work in ~10 ms slices and let the loop paint in between, with a progress
bar and Cancel in the status bar. One job runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox

from zinspect.core.capture.apart_names import ApartNames
from zinspect.core.capture.capture import CaptureError, CaptureReader
from zinspect.core.capture.capture_merge import MergedReader
from zinspect.core.capture.export import Exporter
from zinspect.core.pcap.importer import PcapImporter
from zinspect.core.pcap.pcap_result import counted
from zinspect.core.store import MessageStore
from zinspect.ui.capture.capture_dialogs import CaptureDialogs
from zinspect.ui.capture.capture_open import open_into_store
from zinspect.ui.capture.capture_status import JobProgress

if TYPE_CHECKING:
    from zinspect.ui.traffic.traffic_panel import TrafficPanel

log = logging.getLogger(__name__)

SLICE_SECONDS = 0.010  # work per turn of the loop for exports and opens


class CaptureJobs(QObject):
    """Runs one export or open at a time; ``running_changed`` when one starts or ends,
    ``job_finished`` with what it did in words (also said with ``say``, errors in a box),
    ``messages_opened(messages, received)`` per slice of a capture put in the store,
    ``socket_types_found({connection: type})`` for a packet capture's connections."""

    running_changed = Signal()
    job_finished = Signal(str)
    messages_opened = Signal(int, int)
    socket_types_found = Signal(object)

    def __init__(
        self,
        store: MessageStore,
        traffic: TrafficPanel,
        progress: JobProgress,
        dialogs: CaptureDialogs,
        say: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.traffic = traffic
        self.job_progress = progress
        self._dialogs = dialogs
        self._say = say
        self._job: asyncio.Task | None = None
        self._job_report = ("", "", "", "")  # text, error, warning, notice

    @property
    def running(self) -> bool:
        return self._job is not None and not self._job.done()

    def cancel(self) -> None:
        if self.running:
            assert self._job is not None
            self._job.cancel()

    def export(self, path: str, seqs: Sequence[int], as_csv: bool, note: str) -> None:
        """Write the messages ``seqs`` to ``path``; ``note`` ends the report of success."""
        kind = "CSV" if as_csv else "capture"
        self._run_job(
            self._export(path, seqs, as_csv, note),
            f"Exporting {os.path.basename(path)}…",
            f"Writing {len(seqs):,} messages to {path} ({kind})",
        )

    def open(
        self, reader: CaptureReader | PcapImporter | MergedReader, apart: ApartNames | None = None
    ) -> None:
        """Read the capture of ``reader`` into the store, after the traffic there; socket
        names as ``apart`` gives them (capture_open)."""
        self._run_job(
            self._open(reader, apart),
            f"Opening {os.path.basename(reader.path)}…",
            f"Reading {reader.path} into the traffic table",
        )

    def _run_job(self, coro, text: str, tip: str) -> None:
        self.job_progress.begin(text, tip)
        self._job_report = ("", "", "", "")
        self._job = asyncio.ensure_future(coro)
        self._job.add_done_callback(self._on_job_done)
        self.running_changed.emit()

    def _report(self, text: str, error: str = "", warning: str = "", notice: str = "") -> None:
        """What the running job will say when it is over (status bar, and a box for errors,
        warnings and notices)."""
        self._job_report = (text, error, warning, notice)

    def _on_job_done(self, task: asyncio.Task) -> None:
        if task is self._job:
            self._job = None
        self.job_progress.end()
        self.running_changed.emit()
        text, error, warning, notice = self._job_report
        if not task.cancelled() and task.exception() is not None:
            failure = task.exception()
            log.error("capture job failed", exc_info=failure)
            text, error = f"Failed: {failure}", str(failure)
        self.finish(text, error, warning, notice)

    def finish(self, text: str, error: str = "", warning: str = "", notice: str = "") -> None:
        """Say what a job did, or why it could not start: in the status bar, errors and
        warnings in a box with a warning icon, a notice (worth knowing, nothing wrong) in
        one with an information icon, and with ``job_finished``."""
        self._say(text)
        if error:
            self._dialogs.show_box(QMessageBox.Icon.Warning, "Capture file", error)
        elif warning:
            self._dialogs.show_box(QMessageBox.Icon.Warning, "Capture file", warning)
        elif notice:
            self._dialogs.show_box(QMessageBox.Icon.Information, "Capture file", notice)
        self.job_finished.emit(text)

    async def _export(self, path: str, seqs: Sequence[int], as_csv: bool, note: str) -> None:
        try:
            peer_of = self.traffic.model.extra.peer_text  # as the table's Peer column
            exporter = Exporter(
                self.store, seqs, path, as_csv, self.traffic.socket_type_of, peer_of
            )
        except CaptureError as error:
            self._report(f"Export failed: {error}", error=str(error))
            return
        try:
            while not exporter.step(SLICE_SECONDS):
                self.job_progress.set_fraction(exporter.progress)
                await asyncio.sleep(0)
        except CaptureError as error:
            exporter.abort()
            self._report(f"Export failed: {error}", error=str(error))
            return
        except asyncio.CancelledError:
            exporter.abort()
            self._report(f"Export to {path} cancelled; the partial file was removed")
            raise
        text = f"Exported {exporter.written:,} messages to {path}{note}"
        if exporter.gone:
            text += (
                f"; {exporter.gone:,} were dropped by the store's cap before they could be written"
            )
        self._report(text)

    async def _open(
        self, reader: CaptureReader | PcapImporter | MergedReader, apart: ApartNames | None
    ) -> None:
        try:
            self._report(
                *await open_into_store(
                    reader,
                    self.store,
                    self.traffic,
                    self.job_progress.set_fraction,
                    self.messages_opened.emit,
                    self.socket_types_found.emit,
                    apart,
                )
            )
        except asyncio.CancelledError:
            read = counted(reader.messages_read, "message")
            self._report(f"Opening {reader.path} cancelled after {read}")
            raise
