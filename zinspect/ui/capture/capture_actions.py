"""The Capture menu: record traffic to a capture file, export it (capture or CSV), open a
capture into the traffic table to inspect it offline, and replay messages.

Long jobs (exporting or opening a large file) run as asyncio tasks that work in ~10 ms slices
and let the loop paint in between, with a progress bar and Cancel in the status bar
(capture_jobs). Dialogs are opened, never exec'd (capture_dialogs). Opening a capture appends
its messages to the store, after the current traffic, unless the user chooses "Clear traffic
first" (asked only when the table is not empty); its socket names become choices of the
traffic table's socket filter.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from zinspect.core.capture.apart_names import ApartNames
from zinspect.core.capture.capture import CAPTURE_SUFFIX, CaptureError
from zinspect.core.capture.capture_merge import MergedReader
from zinspect.core.capture.recorder import Recorder
from zinspect.core.pcap.importer import PcapError
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.core.store import Message
from zinspect.ui.bridge import SessionBridge
from zinspect.ui.capture.capture_dialogs import CAPTURES, CSV, CaptureDialogs
from zinspect.ui.capture.capture_jobs import CaptureJobs
from zinspect.ui.capture.capture_open import OpenReader, names_in_use, reader_for
from zinspect.ui.capture.capture_status import JobProgress, RecordIndicator
from zinspect.ui.capture.replay_dialog import ReplayDialog
from zinspect.ui.widgets.window_host import WindowHost

if TYPE_CHECKING:
    from zinspect.ui.traffic.traffic_panel import TrafficPanel

log = logging.getLogger(__name__)

CAPTURE_FILTER = f"zinspect captures (*{CAPTURE_SUFFIX})"
OPEN_FILTER = f"Captures (*{CAPTURE_SUFFIX} *.pcap *.pcapng *.cap)"
PCAP_FILTER = "Packet captures: tcpdump, Wireshark (*.pcap *.pcapng *.cap)"
CSV_FILTER = "CSV files (*.csv)"
ALL_FILTER = "All files (*)"
RECORD_SHORTCUT = "Ctrl+R"
STOP_SHORTCUT = "Ctrl+Shift+R"
STATUS_MS = 15_000
ALL, SHOWN = "all", "shown"


def default_name(prefix: str, suffix: str) -> str:
    return f"{prefix}-{time.strftime('%Y%m%d-%H%M%S')}{suffix}"


class CaptureActions(QObject):
    """Owns the Capture menu, the recorder, export/open jobs and the replay dialog.

    The command line uses ``start_recording(path)`` and ``stop_recording()``. The main window
    calls ``update_actions`` when the traffic table's rows change and ``shut_down`` when
    it closes.
    """

    recording_started = Signal(str)  # path
    recording_stopped = Signal(str)  # '' or the error in words
    job_finished = Signal(str)  # what an export or open did, in words (also in the status bar)
    capture_opened = Signal(str)  # the capture file whose messages are shown; '' once cleared

    def __init__(
        self,
        host: WindowHost,
        session: Session,
        bridge: SessionBridge,
        traffic: TrafficPanel,
        current_socket: Callable[[], SocketHandle | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.host = host
        self.session = session
        self.bridge = bridge
        self.traffic = traffic
        self.current_socket = current_socket
        self.store = session.store
        self.recorder: Recorder | None = None
        self.last_error = ""
        self.replay_dialog: ReplayDialog | None = None
        self.dialogs = CaptureDialogs(host.widget, self)

        status_bar = host.status_bar()
        self.indicator = RecordIndicator(status_bar)
        self.job_progress = JobProgress(status_bar)
        status_bar.addPermanentWidget(self.job_progress)
        status_bar.addPermanentWidget(self.indicator)
        self.indicator.stop_clicked.connect(self.stop_recording)
        self.job_progress.cancel_clicked.connect(self.cancel_job)
        self.jobs = CaptureJobs(
            self.store, traffic, self.job_progress, self.dialogs, self._say, self
        )
        self.jobs.running_changed.connect(self.update_actions)
        self.jobs.job_finished.connect(self.job_finished)
        traffic.clear_action.triggered.connect(self._on_clear_action_triggered)

        self._build_actions()
        # "Replay selected rows" needs more than one row selectable (click, Shift, Ctrl+A).
        traffic.allow_multiple_selection()
        self.update_actions()

    # -- building ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        tip: str,
        shortcut: str | None = None,
        separator_before: bool = False,
    ) -> QAction:
        if separator_before:
            self.menu.addSeparator()
        return self.host.add_action(
            self.menu, text, lambda _checked=False: slot(), shortcut or None, tip
        )

    def _build_actions(self) -> None:
        self.menu = self.host.menu("&Capture")
        self.record_action = self._action(
            "&Record…",
            self.choose_record_file,
            f"Record every message in and out from now on to a capture file ({RECORD_SHORTCUT})",
            RECORD_SHORTCUT,
        )
        self.stop_record_action = self._action(
            "&Stop recording",
            self.stop_recording,
            f"Finish the recording and close its capture file ({STOP_SHORTCUT})",
            STOP_SHORTCUT,
        )
        self.export_all_action = self._action(
            "Export &all…",
            lambda: self.choose_export_file(ALL),
            "Save every message the traffic store keeps to a capture file (or CSV)",
            separator_before=True,
        )
        self.export_shown_action = self._action(
            "Export &filtered…",
            lambda: self.choose_export_file(SHOWN),
            "Save the messages the traffic table shows now (its filter applies) to a capture "
            "file (or CSV)",
        )
        # named for what it writes: the filtered rows (Export all… writes CSV too when the
        # CSV file type is chosen)
        self.export_csv_action = self._action(
            "Export filtered as &CSV…",
            lambda: self.choose_export_file(SHOWN, csv=True),
            "Save the messages the traffic table shows now (its filter applies) as CSV, for a "
            "spreadsheet; for every message, Export all… with the CSV file type",
        )
        self.open_action = self._action(
            "&Open capture…",
            self.choose_open_file,
            "Load a capture file (several files: merged by time), or a tcpdump/Wireshark .pcap "
            "or .pcapng (its ZeroMQ traffic), into the traffic table to inspect it offline",
            separator_before=True,
        )
        self.replay_file_action = self._action(
            "Replay &capture…",
            self.choose_replay_file,
            "Send the messages of a capture file again through a socket",
            separator_before=True,
        )
        self.replay_selected_action = self._action(
            "Replay selected &rows…",
            self.replay_selected,
            "Send the selected traffic rows again through a socket",
        )

    def update_actions(self) -> None:
        """Enable what can be done now (recording, a job running, rows selected)."""
        recording = self.recording
        job = self.job_running
        self.record_action.setEnabled(not recording and not job)
        self.stop_record_action.setEnabled(recording)
        for action in (self.export_all_action, self.export_shown_action, self.export_csv_action):
            action.setEnabled(not job)
        self.open_action.setEnabled(not recording and not job)
        self.open_action.setToolTip(
            "Stop recording first: the opened messages would be recorded as traffic"
            if recording
            else "Load a capture file into the traffic table to inspect it offline"
        )
        self.replay_selected_action.setEnabled(self.traffic.has_selection())

    # -- dialogs ------------------------------------------------------
    @property
    def file_dialog(self) -> QFileDialog | None:
        """The file dialog on screen, if any."""
        return self.dialogs.file_dialog

    @property
    def message_box(self) -> QMessageBox | None:
        """The message box on screen, if any."""
        return self.dialogs.message_box

    def _say(self, text: str) -> None:
        self.host.show_status(text, STATUS_MS)

    # -- recording --------------------------------------------------------------------------------
    @property
    def recording(self) -> bool:
        return self.recorder is not None and self.recorder.active

    def choose_record_file(self) -> None:
        if not self.record_action.isEnabled():
            return
        self.dialogs.open_file_dialog(
            "Record traffic to",
            True,
            [CAPTURE_FILTER, ALL_FILTER],
            default_name("capture", CAPTURE_SUFFIX),
            lambda path, _filter: self.start_recording(path),
        )

    def start_recording(self, path: str | os.PathLike[str]) -> bool:
        """Record all traffic from now on to ``path`` (created or overwritten). False, with
        ``last_error`` and a message box saying why, when it cannot start."""
        if self.recording:
            assert self.recorder is not None
            return self._refuse_recording(f"Already recording to {self.recorder.path}")
        recorder = Recorder(self.store, path, events=self.session.on_event)
        try:
            recorder.start()
        except CaptureError as error:
            return self._refuse_recording(str(error))
        self.last_error = ""
        self.recorder = recorder
        recorder.on_stopped.append(lambda error: self._on_recorder_stopped(recorder, error))
        # the indicator says it, with the file's name, and keeps saying it: a message too
        # was cut to "Recording to /t…" beside the indicator in a 1024-px window
        self.indicator.show_recording(recorder)
        self._say("")  # nor does an older message ("Recorded … to") stay beside it
        self.update_actions()
        self.recording_started.emit(recorder.path)
        return True

    def _refuse_recording(self, error: str) -> bool:
        self.last_error = error
        self._say(f"Cannot record: {error}")
        self.dialogs.show_box(QMessageBox.Icon.Warning, "Cannot record", error)
        return False

    def stop_recording(self, deadline: float | None = None) -> None:
        """Write what is pending, flush and close the capture file (no-op if not recording);
        a write error is shown like any other. A quit passes a ``deadline`` (monotonic):
        what is not written by then is left out and the file says so (core.recorder)."""
        if self.recorder is not None and self.recorder.active:
            self.recorder.stop(deadline)

    def _on_recorder_stopped(self, recorder: Recorder, error: str) -> None:
        self.indicator.show_stopped(recorder, error)
        if error:
            self.last_error = error
            self._say(f"Recording stopped: {error}")
        else:
            extra = f", {recorder.missed:,} missed" if recorder.missed else ""
            extra += f", {recorder.cut:,} left out at the quit" if recorder.cut else ""
            self._say(f"Recorded {recorder.written:,} messages{extra} to {recorder.path}")
        self.update_actions()
        self.recording_stopped.emit(error)

    # -- jobs: export and open
    @property
    def job_running(self) -> bool:
        return self.jobs.running

    def cancel_job(self) -> None:
        self.jobs.cancel()

    # -- export
    def choose_export_file(self, which: str, csv: bool = False) -> None:
        if self.job_running:
            return
        filters = [CSV_FILTER] if csv else [CAPTURE_FILTER, CSV_FILTER]
        suffix = ".csv" if csv else CAPTURE_SUFFIX
        title = {ALL: "Export all traffic to", SHOWN: "Export the shown traffic to"}[which]
        if csv:
            title = "Export the shown traffic as CSV to"
        dialog = self.dialogs.open_file_dialog(
            title,
            True,
            filters + [ALL_FILTER],
            default_name("traffic", suffix),
            lambda path, name_filter: self._on_export_file_selected(path, name_filter, which, csv),
            kind=CSV if csv else CAPTURES,
        )
        dialog.setDefaultSuffix(suffix.lstrip("."))

    def _on_export_file_selected(self, path: str, name_filter: str, which: str, csv: bool) -> None:
        as_csv = csv or path.lower().endswith(".csv") or name_filter == CSV_FILTER
        self.export(path, which, as_csv)

    def shown_seqs(self) -> list[int]:
        """The sequence numbers of the rows the traffic table shows now, in order."""
        return self.traffic.shown_seqs()

    def export(self, path: str | os.PathLike[str], which: str = ALL, as_csv: bool = False) -> bool:
        """Start exporting every kept message (ALL) or the table's rows (SHOWN) to ``path``;
        False when another job runs. Progress, Cancel and the outcome show in the status
        bar; ``job_finished`` tells when it ends."""
        if self.job_running:
            return False
        path = os.fspath(path)
        if which == ALL:
            # every message kept, in memory or in the history on disk
            seqs: Sequence[int] = range(self.store.oldest_seq, self.store.end_seq)
        else:
            seqs = self.shown_seqs()
        note = ""
        percent = self.traffic.filter_scan_percent()
        if which == SHOWN and percent < 100:
            note = (
                f" (the filter had looked at {percent}% of the traffic: "
                "the rows shown then were exported)"
            )
        self.jobs.export(path, seqs, as_csv, note)
        return True

    # -- open
    def choose_open_file(self) -> None:
        if not self.open_action.isEnabled():
            return
        self.dialogs.open_file_dialog(
            "Open capture",
            False,
            [OPEN_FILTER, CAPTURE_FILTER, PCAP_FILTER, ALL_FILTER],
            "",
            lambda path, _filter: self._on_open_file_selected([path]),
            self._on_open_file_selected,  # several chosen: merged by time
        )

    def _on_open_file_selected(self, paths: list[str]) -> None:
        path: str | list[str] = paths[0] if len(paths) == 1 else paths
        # the file is checked first: one that is not a capture is refused without a question
        reader = self._reader_for(path)
        if reader is None:
            return
        if self.traffic.row_count() == 0 and len(self.store) == 0:
            self._start_open(reader, path, clear_first=False)
            return
        what = os.path.basename(paths[0]) if len(paths) == 1 else f"{len(paths)} captures"
        box = self.dialogs.question(
            f"Open {what} after the current traffic, or clear the traffic first?\n\n"
            "Added after it, a socket of the capture named like one here is shown with the "
            f"file's name added, as 'name ({os.path.basename(paths[-1])})': the two sockets' "
            "messages do not mix.",
            "Open capture",
        )
        append = box.addButton("Add after current traffic", QMessageBox.ButtonRole.AcceptRole)
        append.setToolTip(
            "Keep the traffic in the table; the capture's messages follow it, its sockets "
            "kept apart from those of the same name"
        )
        clear = box.addButton("Clear traffic first", QMessageBox.ButtonRole.DestructiveRole)
        clear.setToolTip("Discard the traffic in memory (like Clear traffic), then open")
        box.setDefaultButton(append)
        started = False

        def on_clicked(button) -> None:
            nonlocal started
            if button is append or button is clear:
                started = True
                self._start_open(reader, path, clear_first=button is clear)

        def on_gone() -> None:
            if not started:  # cancelled, or the box closed for another
                reader.close()

        box.buttonClicked.connect(on_clicked)
        box.destroyed.connect(lambda *_: on_gone())
        box.open()

    def open_capture(
        self, path: str | os.PathLike[str] | list[str], clear_first: bool = False
    ) -> bool:
        """Load a capture's messages into the store (after the current traffic, or after a
        Clear) in slices, with progress; False when it cannot start (the reason is shown).
        A list of paths: the captures merged by time (core.capture_merge)."""
        path = [os.fspath(p) for p in path] if isinstance(path, list) else os.fspath(path)
        reader = self._reader_for(path)
        return reader is not None and self._start_open(reader, path, clear_first)

    def _can_open(self) -> bool:
        """Whether a capture may be opened now; when not, the reason is said."""
        if self.job_running:
            return False
        if self.recording:
            self.jobs.finish(
                "Stop recording first: the opened messages would be recorded as traffic",
                error="Stop recording before opening a capture",
            )
            return False
        return True

    def _reader_for(self, path: str | list[str]) -> OpenReader | None:
        """A reader of the capture(s) at ``path``; None, with the reason said in words, when
        a file is not a capture or cannot be read (or no capture may be opened now)."""
        if not self._can_open():
            return None
        try:
            return reader_for(path)
        except (CaptureError, PcapError) as error:
            self.jobs.finish(f"Cannot open: {error}", error=str(error))
            return None

    def _start_open(self, reader: OpenReader, path: str | list[str], clear_first: bool) -> bool:
        """Read ``reader`` into the store (after a Clear when ``clear_first``), its socket
        names kept apart from those in use (core.capture.apart_names)."""
        if not self._can_open():  # a recording or a job may have started meanwhile
            reader.close()
            return False
        if clear_first:
            self.traffic.clear_action.trigger()
        apart = ApartNames(names_in_use(self.session, self.traffic))
        if isinstance(reader, MergedReader):
            reader.apart = apart
        self.jobs.open(reader, apart)
        self.capture_opened.emit(path if isinstance(path, str) else path[0])
        return True

    def _on_clear_action_triggered(self) -> None:
        self.capture_opened.emit("")  # the capture's messages are gone with the traffic

    # -- replay
    def _replay_dialog(self) -> ReplayDialog:
        if self.replay_dialog is None:
            self.replay_dialog = ReplayDialog(self.bridge, self.host.widget)
            self.replay_dialog.replay_finished.connect(self._say)
        current = self.current_socket()
        if current is not None and not self.replay_dialog.busy:
            self.replay_dialog.select_socket(current.name)
        return self.replay_dialog

    def _show_replay_dialog(self, dialog: ReplayDialog) -> None:
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()

    def selected_messages(self) -> list[Message]:
        """The messages of the selected traffic rows, in table order (dropped ones left out)."""
        return self.traffic.selected_messages()

    def replay_selected(self) -> ReplayDialog:
        """Open the replay dialog with the selected rows' messages."""
        dialog = self._replay_dialog()
        messages = self.selected_messages()
        noun = "row" if len(messages) == 1 else "rows"
        dialog.set_messages(messages, f"{len(messages):,} selected {noun} of the traffic table")
        self._show_replay_dialog(dialog)
        return dialog

    def choose_replay_file(self) -> None:
        self.dialogs.open_file_dialog(
            "Replay capture",
            False,
            [CAPTURE_FILTER, ALL_FILTER],
            "",
            lambda path, _filter: self.replay_file(path),
        )

    def replay_file(self, path: str | os.PathLike[str]) -> ReplayDialog:
        """Open the replay dialog and read the capture at ``path`` into it."""
        dialog = self._replay_dialog()
        dialog.load_capture(os.fspath(path))
        self._show_replay_dialog(dialog)
        return dialog

    # -- shutdown
    def shut_down(self) -> None:
        """Finish the recording (its file stays complete), stop jobs and any replay."""
        self.stop_recording()
        self.cancel_job()
        if self.replay_dialog is not None:
            self.replay_dialog.cancel()
