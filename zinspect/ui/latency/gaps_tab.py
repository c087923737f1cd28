"""The Latency view's Gaps tab: mark a field as a sequence, and the gaps found per topic.

Bitcoin's notifications are numbered by their protocol and need no mark. Any other stream
is marked here: the socket it arrives on, optionally one topic, and the path of the number
(``f2.seq`` for a JSON ``{"seq": 41}`` in frame 2, ``f1[2]`` for the counter of a
``Hello {seq}`` template). A mark that cannot be used is refused in words under the form and
nothing else changes.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from zinspect.core.explore.sequence_gaps import Gap, GapTracker, MarkError, parse_mark
from zinspect.core.message_time import clock_text
from zinspect.core.store import message_number
from zinspect.ui.latency.records_model import Column, RecordsModel
from zinspect.ui.widgets.feedback import error_label, show_error
from zinspect.ui.widgets.inputs import make_button, make_line_edit

GAPS_SHOWN = 2_000  # the newest gaps in the table (the tracker keeps more)

GAP_COLUMNS: list[Column[Gap]] = [
    Column("Socket", lambda g: g.socket),
    Column("Topic", lambda g: g.topic or "(none)"),
    Column("Missed", lambda g: str(g.missed), "Messages that never arrived", figure=True),
    Column("Message", lambda g: str(message_number(g.seq)), "The message after the gap", True),
    Column("Gap", lambda g: g.text(clock_text), "The numbers either side and when"),
]
FORM_WIDTH = 320  # the mark form's column beside the table of gaps


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")


class GapsTab(QWidget):
    """``marks_changed`` says the user marked or unmarked a field."""

    marks_changed = Signal()

    def __init__(self, gaps: GapTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._gaps = gaps
        self.socket_box = QComboBox()
        self._offered: list[str] = []  # the names in socket_box, as set_sockets put them
        self.socket_box.setEditable(True)
        self.socket_box.setAccessibleName("Sequence socket")
        self.socket_box.setToolTip("The socket that receives the numbered messages")
        self.topic_edit = make_line_edit(
            "Sequence topic", "Only messages on this topic (empty: every topic)", "any topic"
        )
        self.path_edit = make_line_edit(
            "Sequence path",
            "Where the number is: frame number and keys (f2.seq) or a word of a text frame "
            "(f1[2] is the second word of frame 1)",
            "f2.seq",
        )
        self.mark_button = make_button(
            "Mark as sequence",
            "Mark as sequence",
            "Count the numbers this field skips, in the messages kept now and in those to come",
        )
        self.error = error_label("Sequence mark problem")
        form = QFormLayout()
        form.addRow("Socket", self.socket_box)
        form.addRow("Topic", self.topic_edit)
        form.addRow("Path", self.path_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.mark_button)
        buttons.addStretch(1)
        self.marks_list = QListWidget()
        self.marks_list.setAccessibleName("Marked sequence fields")
        self.marks_list.setMaximumHeight(70)
        self.remove_button = make_button(
            "Remove mark", "Remove mark", "Stop counting gaps in the selected field"
        )
        self.remove_button.setEnabled(False)
        self.summary = QLabel("No gaps")
        self.summary.setAccessibleName("Gaps summary")
        self.model: RecordsModel[Gap] = RecordsModel(GAP_COLUMNS, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Sequence gaps")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)

        # the form and the marks in a column on the left, the gaps on the right
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.error)
        left.addWidget(self.marks_list)
        remove = QHBoxLayout()
        remove.addStretch(1)
        remove.addWidget(self.remove_button)
        left.addLayout(remove)
        left.addStretch(1)
        column = QWidget()
        column.setLayout(left)
        column.setFixedWidth(FORM_WIDTH)
        right = QVBoxLayout()
        right.addWidget(self.summary)
        right.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(column)
        layout.addLayout(right, 1)

        self.mark_button.clicked.connect(self._on_mark_button_clicked)
        self.path_edit.returnPressed.connect(self._on_mark_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self.marks_list.currentRowChanged.connect(self._on_marks_list_current_row_changed)
        # a refusal is about what was typed: it goes once the user changes that
        self.path_edit.textEdited.connect(self.forget_problem)
        self.topic_edit.textEdited.connect(self.forget_problem)
        self.socket_box.editTextChanged.connect(self.forget_problem)

    def set_sockets(self, names: list[str]) -> None:
        """The sockets offered in the socket box: the live ones, then any other whose
        traffic the view has seen (an opened capture's); the typed text stays. New names
        after the offered ones are added to them: rebuilding the box for each socket of a
        workspace of 1,000 took seconds."""
        names = names + [name for name in self._gaps.sockets_seen() if name not in names]
        box = self.socket_box
        offered = self._offered
        if box.count() != len(offered):  # Return in the editable box added what was typed
            offered = [box.itemText(i) for i in range(box.count())]
        if names == offered:
            self._offered = names
            return
        text = box.currentText()
        box.blockSignals(True)
        if names[: len(offered)] == offered:
            box.addItems(names[len(offered) :])
        else:
            box.clear()
            box.addItems(names)
        box.setCurrentText(text)
        box.blockSignals(False)
        self._offered = names

    def forget_problem(self, *_args: object) -> None:
        """Take the last refusal away: its field changed, or another workspace opened (a
        path error about the sockets before is no word on the new ones)."""
        show_error(self.error, "")

    def _on_mark_button_clicked(self) -> None:
        try:
            mark = parse_mark(
                self.socket_box.currentText(), self.path_edit.text(), self.topic_edit.text()
            )
            known = {self.socket_box.itemText(i) for i in range(self.socket_box.count())}
            if mark.socket not in known and mark.socket not in self._gaps.sockets_seen():
                raise MarkError(
                    f"no socket named {mark.socket!r} is open or in the traffic; choose one "
                    "from the list"
                )
            self._gaps.add_mark(mark)
        except MarkError as error:
            show_error(self.error, str(error)[:1].upper() + str(error)[1:] + ".")
            return
        show_error(self.error, "")
        self.marks_list.addItem(mark.text())
        self.marks_changed.emit()

    def _on_remove_button_clicked(self) -> None:
        row = self.marks_list.currentRow()
        marks = self._gaps.marks
        if 0 <= row < len(marks):
            self._gaps.remove_mark(marks[row])
            self.marks_list.takeItem(row)
            self.marks_changed.emit()

    def _on_marks_list_current_row_changed(self, row: int) -> None:
        self.remove_button.setEnabled(row >= 0)

    def refresh(self, live: list[str], behind: int = 0) -> None:
        """Show the gaps found so far; ``live`` are the open sockets' names, ``behind`` the
        messages not read yet (said, so a list that lags after a burst or while a new mark
        reads the kept messages does not pass for complete)."""
        self.set_sockets(live)
        gaps = self._gaps.gaps()[-GAPS_SHOWN:]
        self.model.set_records(gaps[::-1])  # newest first
        streams = len(self._gaps.totals())
        total = self._gaps.missed_total
        text = (
            f"{total} missed in {_count(len(self._gaps.gaps()), 'gap')} on "
            f"{_count(streams, 'topic')}"
            if total
            else "No gaps"
        )
        if behind:
            text += f" so far · catching up: {behind:,} messages to read"
        if self.summary.text() != text:
            self.summary.setText(text)
