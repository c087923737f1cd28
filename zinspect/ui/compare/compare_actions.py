"""Comparing messages: Edit > Compare selected messages (two rows Ctrl+clicked in the traffic
table), Edit > Compare with previous on this topic (the message the Message pane shows), and
the Message pane's pinned "Diff against previous", which follows the selection.

``compare(a, b)`` and ``compare_with_previous(message)`` are the entry points for any other
control that wants a comparison (a row's context menu). Decoding and comparing happen here,
once per request, on bounded work (core.explore.diff, core.explore.previous).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QToolButton

from zinspect.core.codecs import holds_head
from zinspect.core.decode.model import DecodedMessage
from zinspect.core.explore.diff import diff_messages
from zinspect.core.explore.previous import PreviousSearch, TopicReader, previous_on_topic
from zinspect.core.sockets.session import Session
from zinspect.core.store import IN, Message, message_number
from zinspect.ui.compare.compare_view import CompareDialog, CompareView
from zinspect.ui.message.detail_pane import DetailPane
from zinspect.ui.traffic.traffic_panel import TrafficPanel
from zinspect.ui.widgets.theme import mark_toggle
from zinspect.ui.widgets.window_host import WindowHost

log = logging.getLogger(__name__)

COMPARE_SHORTCUT = "Ctrl+D"
PREVIOUS_SHORTCUT = "Ctrl+Shift+D"
STATUS_MS = 8_000


def no_previous_text(message: Message, search: PreviousSearch) -> str:
    """Why there is nothing to compare with, in words."""
    topic = f"topic {search.topic!r}" if search.topic else "no topic"
    direction = "received by" if message.direction == IN else "sent by"
    if search.complete:
        return (
            f"No earlier message on {topic} {direction} {message.socket} among the "
            f"{search.searched:,} kept before it."
        )
    return (
        f"No earlier message on {topic} {direction} {message.socket} in the "
        f"{search.searched:,} messages before it (the search stops there)."
    )


class CompareActions(QObject):
    """The compare actions, the Compare window and the Message pane's pinned diff."""

    def __init__(
        self,
        host: WindowHost,
        session: Session,
        traffic: TrafficPanel,
        detail: DetailPane,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._session = session
        self._traffic = traffic
        self._detail = detail
        self._reader = TopicReader(session.decoder, traffic.socket_type_of)
        self.dialog: CompareDialog | None = None
        self._build_actions()
        self.pinned_view = CompareView()
        self.pinned_view.setObjectName("pinned_diff")
        self.pinned_view.setAccessibleName("Diff against previous")
        traffic.allow_multiple_selection()  # Ctrl+click a second row to compare
        traffic.rows_changed.connect(self.update_actions)
        traffic.message_selected.connect(self._on_traffic_message_selected)
        self.update_actions()

    def _build_actions(self) -> None:
        add = self._host.add_action
        self.compare_action = add(
            None,
            "Compare selected messages",
            self.compare_selected,
            COMPARE_SHORTCUT,
            "Show how the two selected rows differ, frame by frame (select the second "
            f"with Ctrl+click; {COMPARE_SHORTCUT})",
        )
        self.previous_action = add(
            None,
            "Compare with previous on this topic",
            lambda _checked=False: self.compare_with_previous(),
            PREVIOUS_SHORTCUT,
            "Compare the message shown with the one before it on the same socket and topic "
            f"({PREVIOUS_SHORTCUT})",
        )
        self.pin_action = add(
            None,
            "Diff against previous",
            self._on_pin_action_triggered,
            tip="Show, in the Message pane, how each message you select differs from the "
            "previous one on its topic; uncheck to see its frames again",
        )
        self.pin_action.setCheckable(True)
        menu = self._host.menu("&Edit")
        first = menu.actions()[0] if menu.actions() else None
        actions = [self.compare_action, self.previous_action, self.pin_action]
        if first is None:
            menu.addActions(actions)
        else:  # before Preferences, which stays last
            menu.insertActions(first, actions)
            menu.insertSeparator(first)
        self.pin_button = QToolButton()
        self.pin_button.setDefaultAction(self.pin_action)
        self.pin_button.setObjectName("pin_diff_button")
        self.pin_button.setAccessibleName("Diff against previous")
        self.pin_button.setAutoRaise(True)
        mark_toggle(self.pin_button)
        self._detail.add_header_widget(self.pin_button)

    # -- entry points ---------------------------------------------------------------------
    def compare(self, a: Message, b: Message, caption: str = "") -> CompareDialog:
        """Open the Compare window on message A against message B."""
        decoded = (self._decode(a), self._decode(b))
        diff = diff_messages(a.frames, b.frames, *decoded)
        dialog = self.dialog
        if dialog is None:
            dialog = self.dialog = CompareDialog(self._host.widget)
        dialog.view.show_diff(a, b, diff, decoded, caption)
        numbers = f"#{message_number(a.seq)} and #{message_number(b.seq)}"
        dialog.setWindowTitle(f"Compare messages {numbers}")
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def compare_selected(self) -> CompareDialog | None:
        """Compare the two selected rows, the older as A."""
        messages = self._traffic.selected_messages() if self._two_selected() else []
        if len(messages) != 2:
            self._host.show_status("Select two rows to compare (Ctrl+click the second)", STATUS_MS)
            return None
        return self.compare(messages[0], messages[1])

    def compare_with_previous(self, message: Message | None = None) -> CompareDialog | None:
        """Compare ``message`` (default: the one the Message pane shows) with the previous
        one on its socket and topic; say so in the status bar when there is none."""
        message = self._whole(message if message is not None else self._detail.message)
        if message is None:
            self._host.show_status("Select a message to compare with its previous", STATUS_MS)
            return None
        search = previous_on_topic(self._session.store, message, self._reader)
        if search.found is None:
            self._host.show_status(no_previous_text(message, search), STATUS_MS)
            return None
        return self.compare(search.found, message, self._caption(search))

    def update_actions(self) -> None:
        """Compare needs exactly two rows selected; the previous, a message shown."""
        self.compare_action.setEnabled(self._two_selected())
        self.previous_action.setEnabled(self._detail.message is not None)

    # -- the pinned diff --------------------------------------------------------------------
    def _on_pin_action_triggered(self, checked: bool) -> None:
        if checked:
            self._detail.set_body(self.pinned_view)
            self._show_pinned(self._detail.message)
        else:
            self._detail.set_body(None)

    def _on_traffic_message_selected(self, message: Message | None) -> None:
        self.previous_action.setEnabled(message is not None)
        if self.pin_action.isChecked():
            self._show_pinned(message)

    def _show_pinned(self, message: Message | None) -> None:
        message = self._whole(message)
        if message is None:
            self.pinned_view.show_note("")
            return
        search = previous_on_topic(self._session.store, message, self._reader)
        if search.found is None:
            self.pinned_view.show_note(no_previous_text(message, search))
            return
        decoded = (self._decode(search.found), self._decode(message))
        diff = diff_messages(search.found.frames, message.frames, *decoded)
        self.pinned_view.show_diff(search.found, message, diff, decoded, self._caption(search))

    # -- helpers ------------------------------------------------------------------------------
    def _whole(self, message: Message | None) -> Message | None:
        """``message`` with every byte: the table's selection is its preview (a big frame
        as its head), read whole here, as a diff compares every byte (the Message pane's
        own reads it even after the store dropped it)."""
        if message is None or not holds_head(message.frames):
            return message
        if message is self._detail.message:
            return self._detail.whole_message()
        return self._session.store.get(message.seq)

    def _two_selected(self) -> bool:
        return self._traffic.selected_row_count() == 2

    def _decode(self, message: Message) -> DecodedMessage:
        socket_type = self._traffic.socket_type_of(message.socket)
        return self._session.decoder.decode(message.frames, message.socket, socket_type)

    @staticmethod
    def _caption(search: PreviousSearch) -> str:
        topic = f"topic {search.topic!r}" if search.topic else "no topic"
        return f"The previous message on {topic} from the same socket (A) against this one (B)."
