"""Edit > Preferences… (Ctrl+,), and applying the preferences to the window: at start-up
from QSettings, and again whenever the dialog's OK or Apply stores new ones.

The history on disk (core.history) is started, stopped or given its cap here too: the
preference decides whether the session keeps one, so the window's start-up makes it.

Each preference goes to the one place that owns it: numbering and new sockets' MAXMSGSIZE
are process-wide values in core (core.store, core.sockets.socket_base), the caps go to the
session's store (whose normal path drops what the lower caps no longer allow, counted as
drops), the time format and font to the traffic panel, which the Message pane follows. The
Clear/Keep choice on opening needs nothing applied: the question reads its setting each time.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QKeySequence

from zinspect.core.history.history import History, default_cap
from zinspect.core.message_time import CLOCK
from zinspect.core.preferences import MIB, Preferences, history_cap
from zinspect.core.sockets.session import Session
from zinspect.core.sockets.socket_base import set_default_maxmsgsize
from zinspect.core.store import Message, set_numbering_from
from zinspect.ui.message.detail_pane import DetailPane
from zinspect.ui.preferences import preferences_settings
from zinspect.ui.preferences.preferences_dialog import PreferencesDialog
from zinspect.ui.traffic.traffic_panel import TrafficPanel
from zinspect.ui.widgets.window_host import WindowHost

log = logging.getLogger(__name__)

STATUS_MS = 6000
# Ctrl+, is the common shortcut for preferences; Qt's standard key is empty on some desktops
PREFERENCES_KEYS = ("Ctrl+,",)


class PreferencesActions(QObject):
    """The Preferences action in the Edit menu, its dialog, and what applying does."""

    theme_chosen = Signal(str)  # the dialog's, passed on: "system", "light" or "dark"

    def __init__(
        self,
        host: WindowHost,
        settings: QSettings,
        session: Session,
        traffic: TrafficPanel,
        detail: DetailPane,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._host = host
        self._settings = settings
        self._session = session
        self._traffic = traffic
        self._detail = detail
        self.dialog = PreferencesDialog(settings, host.widget)
        self.dialog.preferences_applied.connect(self._on_dialog_preferences_applied)
        self.dialog.theme_chosen.connect(self.theme_chosen)
        self.action = self._build_action()
        detail.set_time_text(self._time_text)
        self.apply(
            preferences_settings.load(settings),
            caps=preferences_settings.caps_stored(settings),
        )

    def _build_action(self) -> QAction:
        action = self._host.add_action(
            self._host.menu("&Edit"),
            "&Preferences…",
            self.open_dialog,
            tip="Theme, time format, numbering, store caps, history on disk, MAXMSGSIZE of "
            "new sockets, table font size, and opening a workspace",
        )
        keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Preferences))
        for text in PREFERENCES_KEYS:
            if QKeySequence(text) not in keys:
                keys.append(QKeySequence(text))
        action.setShortcuts(keys)
        action.setMenuRole(QAction.MenuRole.PreferencesRole)
        return action

    @property
    def theme(self) -> str:
        """The stored theme, for whoever applies it at start-up."""
        return preferences_settings.load(self._settings).theme

    def open_dialog(self) -> PreferencesDialog:
        """Show the dialog with the stored values (window-modal, opened, not exec'd); the
        caps the store has, when none are stored, so OK changes only what the user changed."""
        shown = preferences_settings.load(self._settings)
        if not preferences_settings.caps_stored(self._settings):
            store = self._session.store
            shown = replace(shown, max_messages=store.max_messages, max_mib=store.max_bytes // MIB)
        self.dialog.show_values(shown)
        self.dialog.open()
        self.dialog.raise_()
        return self.dialog

    def _on_dialog_preferences_applied(self, preferences: Preferences) -> None:
        store = self._session.store
        dropped, unkept = store.dropped, store.dropped_unkept
        only_on_disk = store.first_seq - store.oldest_seq  # 0 without a history
        self.apply(preferences, caps=True)
        # counted as the status bar's "dropped" counts: what no history keeps on disk
        gone = store.dropped_unkept - unkept
        to_disk = store.dropped - dropped - gone  # left memory, kept by the history
        if store.history is None:  # turned off: what only it kept is gone too
            only_on_disk += to_disk
            to_disk = 0
        said = []
        if gone:
            said.append(f"the new caps dropped the {_messages(gone, 'oldest')}")
        if to_disk:
            said.append(
                f"the {_messages(to_disk, 'oldest')} left memory for the history on disk, "
                "which keeps them"
            )
        if only_on_disk and store.history is None:  # turning it off discarded them
            said.append(
                f"the history on disk is off: the {_messages(only_on_disk, 'older')} only it "
                "kept are gone"
            )
        self._host.show_status("; ".join(["Preferences applied", *said]), STATUS_MS)

    def apply(self, preferences: Preferences, caps: bool) -> None:
        """Make the window follow ``preferences``; the store's caps only when ``caps`` (at
        start-up, a session keeps the caps it was made with unless the user chose some)."""
        set_numbering_from(preferences.number_from)
        set_default_maxmsgsize(preferences.default_maxmsgsize)
        traffic = self._traffic
        traffic.model.numbering_changed()
        traffic.set_time_format(preferences.time_format)
        traffic.set_font_points(preferences.table_font_points)
        if caps:
            self._session.store.set_caps(preferences.max_messages, preferences.max_mib * MIB)
            traffic.model.refresh()  # the dropped rows leave the table now
        self._apply_history(preferences)
        self._detail.refresh_header()
        log.debug("applied %s", preferences)

    def _apply_history(self, preferences: Preferences) -> None:
        """Start or stop the session's history on disk, or give it its new cap."""
        store = self._session.store
        if self._session.closed:
            return
        if not preferences.keep_history:
            if store.history is not None:
                store.set_history(None)
                self._traffic.model.refresh()  # the rows only the history had go
            return
        cap = history_cap(preferences.history_gib)
        history = store.history
        if isinstance(history, History):
            if cap is not None:
                history.cap_bytes = cap
                history.automatic_cap = False
            elif not history.automatic_cap:  # back to automatic: as of now
                history.cap_bytes = default_cap(history.folder)
                history.automatic_cap = True
        elif store.history is None:
            try:
                store.set_history(History(store.end_seq, cap))
            except OSError as error:
                log.warning("no history on disk: %s", error)
                self._host.show_status(f"No history on disk: {error.strerror}", STATUS_MS)

    def _time_text(self, message: Message) -> str | None:
        """The Message pane's time as the table shows it; None when that is the clock."""
        model = self._traffic.model
        return None if model.time_format == CLOCK else model.time_text(message)


def _messages(count: int, which: str) -> str:
    return f"{count:,} {which} message{'' if count == 1 else 's'}"
