"""Closing a socket safely: one that holds work made by hand (an automation, a script, decode
rules, security settings, fields typed but not applied) is closed only after the user says
so; a plain socket closes at once, as before.

Closing cannot be undone: the socket, its automation and its rules go with it. A user who
pressed Ctrl+W (or Close) by mistake lost reply rules typed by hand, so the question names
what would be lost, and Keep is its default and Escape button. The box is opened, never
exec'd (no nested event loop), one at a time.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox, QWidget

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.sockets.socket_handle import SocketHandle
from zinspect.ui.automation.automation_editor import AutomationEditor
from zinspect.ui.automation.script_pane import ScriptPane

log = logging.getLogger(__name__)

CLOSE = "Close socket"
KEEP = "Keep"


def kept_work(handle: SocketHandle, decoder: MessageDecoder) -> list[str]:
    """What ``handle`` holds that was set up by hand and goes when it closes, in words."""
    parts: list[str] = []
    spec = handle.automation
    if spec is not None and spec.script is not None:
        parts.append("its script automation (the file stays)")
    elif spec is not None:
        kinds = [
            kind
            for kind, part in (
                ("reply", spec.reply),
                ("send", spec.send),
                ("forward", spec.forward),
            )
            if part is not None
        ]
        parts.append(f"its automation ({', '.join(kinds) or 'set up'})")
    rules = len(decoder.rules(handle.name))
    if rules:
        parts.append(f"{rules} decode rule{'s' if rules != 1 else ''}")
    if handle.security_options:
        parts.append("its security settings")
    return parts


def typed_work(handle: SocketHandle, editor: AutomationEditor, script: ScriptPane) -> list[str]:
    """What the editors showing ``handle`` hold that is not applied yet, in words."""
    parts: list[str] = []
    more = editor.more
    groups = (editor.reply_group, editor.send_group, editor.forward_group)
    typed = any(group.isVisibleTo(editor) and group.isChecked() for group in groups) or any(
        box.toPlainText().strip() for box in (more.rules_edit, more.steps_edit)
    )
    if typed and handle.automation is None:  # an applied one is said by kept_work
        parts.append("automation fields typed but not started")
    if script.runner is not None and script.edit.document().isModified():
        parts.append("script edits not saved")
    return parts


class CloseSocket(QObject):
    """Closes sockets for the sockets panel, asking first when work would be lost."""

    def __init__(self, window: QWidget, decoder: MessageDecoder) -> None:
        super().__init__(window)
        self._window = window
        self._decoder = decoder
        self.box: QMessageBox | None = None  # the question on screen, if any
        self._asked: SocketHandle | None = None  # the socket it asks about

    def close(self, handle: SocketHandle, typed: list[str] | None = None) -> None:
        """Close ``handle`` now if it holds nothing made by hand, else ask; ``typed`` is
        what the panel's editors hold for it, unapplied."""
        if handle.closed:
            return
        parts = kept_work(handle, self._decoder) + (typed or [])
        if not parts:
            handle.close()
            return
        self._ask(handle, parts)

    def socket_removed(self, handle: SocketHandle) -> None:
        """``handle`` closed meanwhile (a workspace opened, say): its question goes too."""
        if self.box is not None and handle is self._asked:
            self.box.close()

    def _ask(self, handle: SocketHandle, parts: list[str]) -> None:
        if self.box is not None:
            self.box.close()
        self._asked = handle
        box = self.box = QMessageBox(
            QMessageBox.Icon.Question,
            "Close socket?",
            f"Close {handle.name}? Closing cannot be undone: {'; '.join(parts)} would go with it.",
            QMessageBox.StandardButton.NoButton,
            self._window,
        )
        box.setObjectName("close_socket_box")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName("Close socket?")
        close = box.addButton(CLOSE, QMessageBox.ButtonRole.DestructiveRole)
        close.setToolTip(f"Close {handle.name} and lose what it holds")
        keep = box.addButton(KEEP, QMessageBox.ButtonRole.RejectRole)
        keep.setToolTip(f"Leave {handle.name} open, as it is")
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)

        def clicked(button: QAbstractButton) -> None:
            if button is close and not handle.closed:
                log.info("closing %s, with %s", handle.name, parts)
                handle.close()

        box.buttonClicked.connect(clicked)
        box.finished.connect(lambda _result: self._forget(box))
        box.open()

    def _forget(self, box: QMessageBox) -> None:
        if self.box is box:
            self.box, self._asked = None, None
