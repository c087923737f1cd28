"""The Compare view: which two messages, whether they differ, and the diff frame by frame;
shown in the Compare window and, pinned, in the Message pane.

The two messages are decoded and compared by the caller (compare_actions) once; the view
keeps the result and renders it again when the theme changes, so the colours of added,
removed and changed parts always come from the theme table.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.decode.model import DecodedMessage
from zinspect.core.explore.diff_model import MessageDiff
from zinspect.core.store import IN, Message, message_number
from zinspect.ui.compare.diff_html import diff_html
from zinspect.ui.widgets.theme import colour, theme_signals


def describe(message: Message) -> str:
    """``Message #12 · 14:02:11.303 · sub (in)``: what a user finds the message by."""
    when = datetime.datetime.fromtimestamp(round(message.time * 1000) / 1000)
    clock = when.time().isoformat(timespec="milliseconds")
    direction = "in" if message.direction == IN else "out"
    return f"Message #{message_number(message.seq)} · {clock} · {message.socket} ({direction})"


@dataclass(frozen=True)
class _Shown:
    frames_a: Sequence[bytes]
    frames_b: Sequence[bytes]
    diff: MessageDiff
    decoded: tuple[DecodedMessage | None, DecodedMessage | None]
    header: str


class CompareView(QWidget):
    """A read-only, selectable diff of message A against message B."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("compare_text")
        self.browser.setAccessibleName("Comparison")
        self.browser.setToolTip(
            "Message A against message B, frame by frame: changed values by path, "
            "text with changed words marked, binary with changed bytes marked"
        )
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self._shown: _Shown | None = None
        self._note = ""
        theme_signals.theme_changed.connect(self._on_theme_changed)

    def show_diff(
        self,
        a: Message,
        b: Message,
        diff: MessageDiff,
        decoded: tuple[DecodedMessage | None, DecodedMessage | None] = (None, None),
        caption: str = "",
    ) -> None:
        """Show ``diff`` of ``a`` against ``b``; ``caption`` (plain text) says why these."""
        self._shown = _Shown(a.frames, b.frames, diff, decoded, self._header(a, b, caption))
        self._note = ""
        self._render()

    def show_note(self, text: str) -> None:
        """No comparison to show: say why instead (no previous message on the topic…)."""
        self._shown = None
        self._note = text
        self._render()

    @property
    def diff(self) -> MessageDiff | None:
        return self._shown.diff if self._shown is not None else None

    def text(self) -> str:
        """What the view says, as plain text (for tests and copying)."""
        return self.browser.toPlainText()

    def _header(self, a: Message, b: Message, caption: str) -> str:
        delta = b.time - a.time
        after = f"{abs(delta):.3f} s {'after' if delta >= 0 else 'before'} A"
        lines = [f"<p>{escape(caption)}</p>" if caption else ""]
        for side, message, role in (("A", a, "diff_removed"), ("B", b, "diff_added")):
            extra = f" ({after})" if side == "B" else ""
            lines.append(
                f'<div><b style="color:{colour(role).name()};">{side}</b> '
                f"{escape(describe(message) + extra)}</div>"
            )
        return "".join(lines)

    def _render(self) -> None:
        bar = self.browser.verticalScrollBar()
        keep = bar.value()
        if self._shown is None:
            self.browser.setPlainText(self._note)
            return
        shown = self._shown
        decoded_a, decoded_b = shown.decoded
        self.browser.setHtml(
            diff_html(
                shown.diff, shown.frames_a, shown.frames_b, decoded_a, decoded_b, shown.header
            )
        )
        bar.setValue(keep)

    def _on_theme_changed(self, _variant: str) -> None:
        self._render()


class CompareDialog(QDialog):
    """The Compare window: not modal, so the user keeps stepping through the table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare messages")
        self.setObjectName("compare_dialog")
        self.setAccessibleName("Compare messages")
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.view = CompareView(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(760, 620)
