"""The frame viewer's Decoded view: which decoder read the frame, why it failed, the tree.

The decoding itself is the session's MessageDecoder's (core.decode), done once per message
by the detail pane; this widget only shows one DecodedFrame of it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from zinspect.core.decode.model import DecodedFrame
from zinspect.ui.message.decoded_tree import DecodedTree
from zinspect.ui.widgets.feedback import error_label, show_error


def decoder_text(frame: DecodedFrame) -> str:
    """ "Decoded as json (guessed)", "Decoded as msgpack — header"."""
    text = f"Decoded as {frame.decoder}" + (" (guessed)" if frame.guessed else "")
    return text + (f" — {frame.role}" if frame.role else "")


class DecodedView(QWidget):
    """One decoded frame: a line naming the decoder, the error if it failed, and the tree."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.decoder_label = QLabel()
        self.decoder_label.setObjectName("decoder_label")
        self.decoder_label.setAccessibleName("Decoder")
        self.decoder_label.setToolTip(
            "The decoder that read this frame: chosen by a decode rule of the socket, or "
            "guessed (JSON, a msgpack map or array, text, else raw bytes) when no rule "
            "applies; and what a "
            "recognised protocol says the frame is"
        )
        self.decoder_label.setWordWrap(True)
        layout.addWidget(self.decoder_label)
        self.error_label = error_label("Decoding error")
        self.error_label.setObjectName("decode_error")
        self.error_label.setToolTip("Why the chosen decoder could not read this frame")
        layout.addWidget(self.error_label)
        self.tree = DecodedTree()
        self.tree.setObjectName("decoded_tree")
        # no taller than the text view at its smallest, so the frame list keeps its rows
        self.tree.setMinimumHeight(3 * self.fontMetrics().height())
        layout.addWidget(self.tree, 1)

    def show_frame(self, frame: DecodedFrame, number: int = 0) -> None:
        """Show ``frame``, frame ``number`` (from 1) of its message."""
        self.decoder_label.setText(decoder_text(frame))
        show_error(
            self.error_label,
            f"{frame.decoder} could not read this frame: {frame.error}. The raw bytes are shown."
            if frame.error
            else "",
        )
        self.tree.set_value(frame.value, frame=number)
