"""The filter's progress under the traffic table, with Cancel for a long search.

With the history on disk a filter may look through millions of messages (about a second per
million): the label says how far it got, matches appear in the table as they are found, and
Cancel stops the search where it is (what was found stays; new messages are still matched).
After a Cancel the label says the search stopped until the filter changes.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from zinspect.ui.traffic.traffic_model import TrafficModel


class FilterProgress(QWidget):
    """ "Filtering… 37 %  [Cancel]" while a filter searches; hidden when it is done."""

    def __init__(self, model: TrafficModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.setAccessibleName("Filter search")
        self.setToolTip("How far the filter has searched; Cancel stops it")
        self.label = QLabel(self)
        self.label.setAccessibleName("Filter progress")
        self.label.setToolTip(
            "The filter is still looking through the kept messages (in memory and in the "
            "history on disk); matches appear as they are found"
        )
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop searching: keep the matches found so far")
        self.cancel_button.setAccessibleName("Cancel filtering")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(model.cancel_scan)
        model.filter_progress_changed.connect(self._on_model_filter_progress_changed)
        model.modelReset.connect(self._on_model_model_reset)
        self.hide()

    def _on_model_filter_progress_changed(self, percent: int) -> None:
        if percent < 100:
            self.label.setText(f"Filtering… {percent}%")
            self.cancel_button.show()
            self.show()
        elif self._model.stopped_at is not None:
            # the search goes from the oldest message on: what it did not reach is newer
            self.label.setText(
                f"Search stopped at {self._model.stopped_at}%: newer messages up to the "
                "Cancel not searched"
            )
            self.cancel_button.hide()
            self.show()
        else:
            self.hide()

    def _on_model_model_reset(self) -> None:
        if self._model.stopped_at is None and self._model.filter_progress >= 100:
            self.hide()
