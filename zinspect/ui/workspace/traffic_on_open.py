"""Before another workspace or a demo opens: clear the traffic table or keep it, never mix.

The question ("Clear the traffic of the previous workspace?" Clear / Keep) is asked only
when there is traffic, and not at all once the user ticked "Don't ask again" (the choice
is kept in the setting ``traffic/clear_on_open``: ask, always or never).

Kept traffic is labelled by socket name only, so a new socket with a name the kept traffic
already has would silently merge with it in the table and its filter. Then Keep is not
offered: the question says which names clash and offers Clear or Cancel (the user may save
a capture first), whatever the setting says about keeping.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QCheckBox, QMessageBox, QWidget

from zinspect.core.store import MessageStore
from zinspect.ui.workspace.questions import Continuation, Questions

log = logging.getLogger(__name__)

SETTING = "traffic/clear_on_open"
ASK, ALWAYS, NEVER = "ask", "always", "never"
NAMES_SHOWN = 5  # clashing names listed in words; the rest counted


class TrafficOnOpen(QObject):
    """Asks about the kept traffic before ``then`` opens sockets named ``names``."""

    def __init__(
        self,
        window: QWidget,
        store: MessageStore,
        settings: QSettings,
        clear: Callable[[], None],
        status: Callable[[str], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._settings = settings
        self._clear = clear
        self._status = status
        self._questions = Questions(window, self)
        self.box: QMessageBox | None = None  # the question on screen, if any
        self.dont_ask: QCheckBox | None = None
        self._ticked = False  # read as the box closes: the box (and its check box) then goes

    @property
    def choice(self) -> str:
        value = self._settings.value(SETTING, ASK)
        return value if value in (ASK, ALWAYS, NEVER) else ASK

    def clashing(self, names: list[str]) -> list[str]:
        """The new names the kept traffic already has, sorted."""
        wanted = set(names)
        if not wanted or not len(self._store):
            return []
        return sorted(wanted & self._store.socket_names())

    def then_open(self, names: list[str], then: Continuation) -> None:
        """Run ``then`` (which opens sockets called ``names``) after settling the traffic."""
        if not len(self._store):
            then()
            return
        choice = self.choice
        if choice == ALWAYS:
            self._clear_then(then, remember=False)
            return
        clash = self.clashing(names)
        if choice == NEVER and not clash:
            self._keep_then(then, remember=False)
            return
        self._ask(clash, then)

    def _ask(self, clash: list[str], then: Continuation) -> None:
        text = "Clear the traffic of the previous workspace?"
        choices: list[tuple[str, QMessageBox.ButtonRole, Continuation | None]] = [
            ("Clear", QMessageBox.ButtonRole.AcceptRole, lambda: self._clear_then(then, True))
        ]
        if clash:
            listed = ", ".join(clash[:NAMES_SHOWN])
            more = f" and {len(clash) - NAMES_SHOWN:,} more" if len(clash) > NAMES_SHOWN else ""
            text += (
                f"\n\nIt cannot be kept: the new sockets {listed}{more} have the names of "
                "sockets in it, and their traffic would mix. Cancel to save it first "
                "(a capture or an export)."
            )
            choices.append(("Cancel", QMessageBox.ButtonRole.RejectRole, None))
        else:
            choices.append(
                ("Keep", QMessageBox.ButtonRole.RejectRole, lambda: self._keep_then(then, True))
            )
        box = self.box = self._questions.ask(
            QMessageBox.Icon.Question, "Traffic of the previous workspace", text, choices
        )
        self.dont_ask = QCheckBox("Don't ask again")
        self.dont_ask.setToolTip(f"Remember this choice (the setting {SETTING})")
        self._ticked = False
        self.dont_ask.toggled.connect(self._on_dont_ask_toggled)
        box.setCheckBox(self.dont_ask)

    def _on_dont_ask_toggled(self, checked: bool) -> None:
        self._ticked = checked

    def _remember(self, choice: str) -> None:
        if self._ticked:
            self._settings.setValue(SETTING, choice)
            log.info("traffic on open: %s from now on", choice)

    def _clear_then(self, then: Continuation, remember: bool) -> None:
        if remember:
            self._remember(ALWAYS)
        self._clear()
        then()

    def _keep_then(self, then: Continuation, remember: bool) -> None:
        if remember:
            self._remember(NEVER)
        then()
        self._status("Kept the traffic of the previous workspace")
