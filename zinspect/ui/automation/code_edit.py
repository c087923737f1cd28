"""A plain-text code editor with line numbers and a marked error line, for script automations.

Qt has no code editor widget; this is Qt's own "code editor" example cut down: a gutter
painted beside a QPlainTextEdit, its width following the number of lines, and the line an
error names shown in the error colour (an ExtraSelection, so the text is never changed).
The platform's Save key (Ctrl+S) typed here means "save this text", not the window's File >
Save: the editor claims it before the window's shortcut (ShortcutOverride) and says
``save_requested``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QFontDatabase,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTextFormat,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from zinspect.ui.widgets.theme import colour

GUTTER_PAD = 6  # pixels either side of the numbers


class _Gutter(QWidget):
    def __init__(self, editor: CodeEdit) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)


class CodeEdit(QPlainTextEdit):
    """Monospace text, line numbers in a gutter, ``mark_line(n)`` to show an error's line."""

    save_requested = Signal()  # the Save key was typed here

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self.marked_line = 0
        self._gutter = _Gutter(self)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self._on_block_count_changed()

    def gutter_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 2 * GUTTER_PAD + self.fontMetrics().horizontalAdvance("9") * max(digits, 2)

    def mark_line(self, line: int) -> None:
        """Show line ``line`` (1-based; 0: none) as the error's line, and scroll to it."""
        self.marked_line = line
        selections: list[QTextEdit.ExtraSelection] = []
        block = self.document().findBlockByNumber(line - 1) if line > 0 else None
        if block is not None and block.isValid():
            selection = QTextEdit.ExtraSelection()
            background = colour("error")
            background.setAlpha(60)
            selection.format.setBackground(background)
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = self.textCursor()
            cursor.setPosition(block.position())
            selection.cursor = cursor
            selections.append(selection)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.setExtraSelections(selections)
        self._gutter.update()

    def event(self, event: QEvent) -> bool:
        # accepted, the key comes to keyPressEvent instead of firing the window's Save
        if event.type() == QEvent.Type.ShortcutOverride and _is_save(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_save(event):
            event.accept()
            self.save_requested.emit()
            return
        super().keyPressEvent(event)

    def _on_block_count_changed(self, _count: int = 0) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self._gutter.scroll(0, dy)
        else:
            self._gutter.update(0, rect.y(), self._gutter.width(), rect.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._gutter.setGeometry(QRect(area.left(), area.top(), self.gutter_width(), area.height()))

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self._gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.alternateBase())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        width = self._gutter.width() - GUTTER_PAD
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                number = block.blockNumber() + 1
                color = colour("error") if number == self.marked_line else palette.mid().color()
                painter.setPen(color)
                painter.drawText(0, top, width, height, Qt.AlignmentFlag.AlignRight, str(number))
            block = block.next()
            top = bottom
        painter.end()


def _is_save(event: QEvent) -> bool:
    return isinstance(event, QKeyEvent) and event.matches(QKeySequence.StandardKey.Save)
