"""The copy and save buttons under the frame viewer, and the line that says what they did.

Both always use the whole frame, exact bytes, however much of it the viewer shows: a head
(the Message pane shows the traffic table's preview of a big message) is read whole when a
button asks for it, never before. A copy puts at most COPY_LIMIT characters on the clipboard
(as the table's row copies and Copy value do): a bigger frame is refused in words before
anything is read or built, and Save frame… keeps it whole (its hex text, then Qt's UTF-16
copy of it, cost six times the frame: a 100 MiB frame took 600 MB more). Saving asks with
Qt's own non-blocking dialog and its own overwrite box, so no nested event loop runs.
"""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Callable

from PySide6.QtCore import QDir, QSize, Qt
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.codecs import DETAIL_LIMIT, FrameHead, frame_size, human_size
from zinspect.core.store import message_number
from zinspect.ui.message.frame_render import LIMIT_TEXT, size_text
from zinspect.ui.widgets.feedback import ERROR_TEMPLATE
from zinspect.ui.widgets.theme import set_style

log = logging.getLogger(__name__)

HUGE_COPY = 1024 * 1024  # copying more than this many bytes gets a warning in the tooltip
COPY_LIMIT = 16 * 1024 * 1024  # characters a copy puts on the clipboard at most
# how the frame is copied: what it is called, the text's characters per byte at most
COPY_FORMS = {
    "text": ("as UTF-8 text (invalid bytes become \ufffd)", 1.0),
    "hex": ("as hex digits, two per byte", 2.0),
    "base64": ("as base64", 4 / 3),
}


def copy_chars(size: int, how: str) -> int:
    """The characters a frame of ``size`` bytes copied as ``how`` puts on the clipboard (at
    most: UTF-8 text may be fewer)."""
    if how == "base64":
        return 4 * -(-size // 3)
    return int(size * COPY_FORMS[how][1])


def too_big_text(row: int, size: int, how: str) -> str:
    """Why frame ``row`` (0-based) is not copied as ``how``, and what to do instead."""
    return (
        f"Frame {row + 1} ({size_text(size)}) was not copied: as {how} it is "
        f"{human_size(copy_chars(size, how))} of text, more than the "
        f"{human_size(COPY_LIMIT)} a copy may put on the clipboard. Save frame… keeps its "
        "exact bytes in a file."
    )


def gone_text(seq: int) -> str:
    """Why the whole of message ``seq`` cannot be had: only its heads were read."""
    return (
        f"Message #{message_number(seq)} is no longer stored (the oldest messages were "
        f"dropped): only the first {LIMIT_TEXT} of its big frames were read, so nothing "
        "was copied, saved or sent."
    )


class FrameActions(QWidget):
    """Copy as text, hex or base64, and Save frame…, for the frame set with ``set_frame``."""

    def __init__(
        self,
        parent: QWidget | None = None,
        whole_frame: Callable[[int], bytes | None] | None = None,
    ) -> None:
        """``whole_frame(row)``: frame ``row`` of the message whole, when the one set is a
        head (core.codecs.FrameHead); None when it can no longer be read."""
        super().__init__(parent)
        self._whole_frame = whole_frame
        self._seq = -1  # the message's number, for the file name and the reports
        self._frame_row = -1
        self._data: bytes | None = None
        self._pending_save: tuple[int, int, bytes] | None = None  # (seq, frame index, data)
        self._pending_path = ""
        self._save_dialog: QFileDialog | None = None
        self._overwrite_box: QMessageBox | None = None
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # a grid whose Save button moves under the copy buttons, and then "Copy as:" above
        # them, in a narrow Message dock (see resizeEvent) instead of holding the dock wide
        buttons = self._buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setColumnStretch(4, 1)
        self._copy_label = QLabel("Copy as:")
        self._copy_label.setToolTip("Copy the whole selected frame to the clipboard")
        self._copy_buttons: dict[str, QPushButton] = {}
        for how, label in (("text", "Text"), ("hex", "Hex"), ("base64", "Base64")):
            button = QPushButton(label)
            button.setObjectName(f"copy_{how}_button")
            button.setAccessibleName(f"Copy as {how}")
            # narrower than the style's default minimum, so the pane fits beside the table
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(label) + 24)
            button.clicked.connect(getattr(self, f"_on_copy_{how}_button_clicked"))
            self._copy_buttons[how] = button
        self._save_button = QPushButton("Save frame…")
        self._save_button.setObjectName("save_frame_button")
        self._save_button.setAccessibleName("Save frame")
        self._save_button.clicked.connect(self._on_save_button_clicked)
        self._lines = 0
        self._arrange(1)
        layout.addLayout(buttons)

        self._action_status = QLabel()
        self._action_status.setWordWrap(True)
        self._action_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._action_status.setObjectName("action_status")
        self._action_status.setAccessibleName("Copy and save status")
        self._action_status.setToolTip("The result of the last copy or save")
        layout.addWidget(self._action_status)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        gap = self._gap()
        copy_row = self._copy_label.sizeHint().width() + self._copy_width() + gap
        save = self._save_button.sizeHint().width()
        self._arrange(
            1 if width >= copy_row + gap + save + 2 * gap else 2 if width >= copy_row else 3
        )

    def minimumSizeHint(self) -> QSize:
        """As narrow as the three copy buttons side by side (Save under them, "Copy as:"
        above), so the dock is never held wider by the row."""
        hint = super().minimumSizeHint()
        width = max(self._copy_width(), self._save_button.minimumSizeHint().width())
        return QSize(max(width, self._copy_label.sizeHint().width()), hint.height())

    def _gap(self) -> int:
        return max(self._buttons.horizontalSpacing(), 6)

    def _copy_width(self) -> int:
        widths = [button.minimumWidth() for button in self._copy_buttons.values()]
        return sum(widths) + self._gap() * (len(widths) - 1)

    def _arrange(self, lines: int) -> None:
        """On one line; Save under the copy buttons (2); "Copy as:" above them too (3)."""
        if lines == self._lines:
            return
        self._lines = lines
        grid = self._buttons
        for widget in (self._copy_label, *self._copy_buttons.values(), self._save_button):
            grid.removeWidget(widget)
        first = 0 if lines < 3 else 1  # the column of the first copy button, the row below
        if lines < 3:
            grid.addWidget(self._copy_label, 0, 0)
        else:
            grid.addWidget(self._copy_label, 0, 0, 1, 3)
        row = 0 if lines < 3 else 1
        for column, button in enumerate(self._copy_buttons.values(), start=1 - first):
            grid.addWidget(button, row, column)
        if lines == 1:
            grid.addWidget(self._save_button, 0, 5)
        else:
            grid.addWidget(self._save_button, row + 1, 0, 1, 2)
        self.updateGeometry()  # a line more or less: the viewer above makes room

    # -- public API --------------------------------------------------------------------
    def set_frame(self, seq: int, row: int, data: bytes | None) -> None:
        """Act on frame ``row`` (0-based) of message ``seq``; None: no frame, buttons off."""
        self._seq, self._frame_row, self._data = seq, row, data
        for widget in (*self._copy_buttons.values(), self._save_button):
            widget.setEnabled(data is not None)
        if data is not None:
            self._update_action_tips(frame_size(data))

    def _update_action_tips(self, size: int) -> None:
        """Copy tooltips say the whole frame is copied, and warn when that is a lot (or too
        much: then Save frame… is the way)."""
        for how, (what, _factor) in COPY_FORMS.items():
            tip = f"Copy the whole frame ({size_text(size)}) {what} to the clipboard"
            chars = copy_chars(size, how)
            if chars > COPY_LIMIT:
                tip = (
                    f"This frame ({size_text(size)}) is too big to copy {what}: a copy puts "
                    f"at most {human_size(COPY_LIMIT)} of text on the clipboard. Save "
                    "frame… keeps its exact bytes"
                )
            elif size > HUGE_COPY:
                tip += (
                    f". This frame is huge: the clipboard gets about "
                    f"{human_size(chars)} of text, which may take a while"
                )
            elif size > DETAIL_LIMIT:
                tip += f", not only the {LIMIT_TEXT} shown"
            self._copy_buttons[how].setToolTip(tip)
        self._save_button.setToolTip(
            f"Save the whole frame ({size_text(size)}, exact bytes) to a file"
        )

    def show_status(self, text: str, problem: bool = False) -> None:
        self._action_status.setText(text)
        set_style(self._action_status, ERROR_TEMPLATE if problem else "")
        self._action_status.setVisible(bool(text))

    def _whole_data(self) -> bytes | None:
        """The frame set, read whole if it is a head; None (the reason shown) when it is
        gone."""
        data = self._data
        if data is None or type(data) is not FrameHead:
            return data
        whole = self._whole_frame(self._frame_row) if self._whole_frame is not None else None
        if whole is None:
            self.show_status(gone_text(self._seq), problem=True)
        return whole

    def _copy(self, how: str) -> None:
        if self._data is None:
            return
        size = frame_size(self._data)  # a head knows its whole size: nothing is read for it
        if copy_chars(size, how) > COPY_LIMIT:
            self.show_status(too_big_text(self._frame_row, size, how), problem=True)
            return
        data = self._whole_data()
        if data is None:
            return
        note = ""
        if how == "text":
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("utf-8", errors="replace")
                note = "; it is not valid UTF-8, so invalid bytes became \ufffd"
        elif how == "hex":
            text = data.hex()
        else:
            text = base64.b64encode(data).decode("ascii")
        QGuiApplication.clipboard().setText(text)
        self.show_status(
            f"Copied frame {self._frame_row + 1} ({size_text(len(data))}) as {how}{note}."
        )

    def _on_copy_text_button_clicked(self) -> None:
        self._copy("text")

    def _on_copy_hex_button_clicked(self) -> None:
        self._copy("hex")

    def _on_copy_base64_button_clicked(self) -> None:
        self._copy("base64")

    def _on_save_button_clicked(self) -> None:
        data = self._whole_data()
        if data is None:
            return
        # Keep the bytes now: the user may pick another message while the dialog is open.
        self._pending_save = (self._seq, self._frame_row, data)
        if self._save_dialog is None:
            dialog = QFileDialog(self, "Save frame", QDir.homePath())
            dialog.setObjectName("save_frame_dialog")
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.setFileMode(QFileDialog.FileMode.AnyFile)
            # Qt's own dialog behaves the same everywhere without blocking; it would ask
            # about overwriting with a blocking message box, so the pane asks instead.
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
            dialog.setNameFilters(["Binary files (*.bin)", "All files (*)"])
            dialog.fileSelected.connect(self._on_save_dialog_file_selected)
            dialog.rejected.connect(self._on_save_dialog_rejected)
            # once closed it goes: a kept dialog's model rereads its folder as it changes
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.destroyed.connect(self._on_save_dialog_destroyed)
            self._save_dialog = dialog
        self._save_dialog.selectFile(
            f"message-{message_number(self._seq)}-frame-{self._frame_row + 1}.bin"
        )
        self._save_dialog.open()

    def _on_save_dialog_destroyed(self) -> None:
        self._save_dialog = None

    def _on_save_dialog_rejected(self) -> None:
        self._pending_save = None  # do not keep a 100 MB frame alive for nothing

    def _on_save_dialog_file_selected(self, path: str) -> None:
        if self._pending_save is None or not path:
            return
        if os.path.isfile(path):
            self._confirm_overwrite(path)
        else:
            self._write_pending(path)

    def _confirm_overwrite(self, path: str) -> None:
        if self._overwrite_box is not None:
            self._overwrite_box.deleteLater()
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Replace file?",
            f"{os.path.basename(path)} already exists. Replace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("confirm_overwrite_box")
        box.setInformativeText(path)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAccessibleName("Replace file?")
        box.finished.connect(self._on_overwrite_box_finished)
        self._overwrite_box = box
        self._pending_path = path
        box.open()

    def _on_overwrite_box_finished(self, _result: int) -> None:
        box = self._overwrite_box
        if box is None:
            return
        replace = box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)
        self._overwrite_box = None
        box.deleteLater()
        if replace:
            self._write_pending(self._pending_path)
        else:
            self._pending_save = None
            self.show_status("Not saved: the file already exists.")

    def _write_pending(self, path: str) -> None:
        """Write the pending frame; an OS error becomes a message in the pane, nothing else."""
        if self._pending_save is None:
            return
        seq, row, data = self._pending_save
        self._pending_save = None
        existed = os.path.lexists(path)
        try:
            with open(path, "wb") as file:
                file.write(data)
        except OSError as error:
            if not existed:
                try:  # do not leave half a frame behind (e.g. disk full)
                    os.remove(path)
                except OSError:
                    pass
            reason = error.strerror or str(error)
            log.info("saving frame %d of message %d to %s failed: %s", row + 1, seq, path, reason)
            self.show_status(f"Could not save frame {row + 1} to {path}: {reason}.", problem=True)
            return
        log.info("saved frame %d of message %d (%d bytes) to %s", row + 1, seq, len(data), path)
        self.show_status(
            f"Saved frame {row + 1} of message #{message_number(seq)} "
            f"({size_text(len(data))}) to {path}."
        )
