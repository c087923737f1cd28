"""Preferences in QSettings: the keys, reading them back (a value edited by hand into
nonsense counts as not set), and writing them.

The Clear/Keep question on opening a workspace keeps its own key and values
(``traffic/clear_on_open``: ask, always, never): the dialog offers the same choice the
question's "Don't ask again" remembers, so the two can never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings

from zinspect.core.message_time import TIME_FORMATS
from zinspect.core.preferences import (
    MAX_FONT_POINTS,
    MIN_FONT_POINTS,
    THEMES,
    Preferences,
    check_history_gib,
    check_max_messages,
    check_max_mib,
    check_maxmsgsize,
    defaults,
)
from zinspect.ui.workspace.traffic_on_open import ALWAYS, ASK, NEVER
from zinspect.ui.workspace.traffic_on_open import SETTING as CLEAR_ON_OPEN

log = logging.getLogger(__name__)

THEME = "view/theme"
TIME_FORMAT = "traffic/time_format"
NUMBER_FROM = "traffic/number_from"
FONT_POINTS = "traffic/font_points"
MAX_MESSAGES = "store/max_messages"
MAX_MIB = "store/max_mib"
MAXMSGSIZE = "sockets/default_maxmsgsize"
KEEP_HISTORY = "history/keep"
HISTORY_GIB = "history/cap_gib"
CLEAR_CHOICES = (ASK, ALWAYS, NEVER)
CAP_KEYS = (MAX_MESSAGES, MAX_MIB)


def _text(settings: QSettings, key: str) -> str | None:
    value = settings.value(key)
    return None if value is None else str(value)


def _checked(
    settings: QSettings, key: str, check: Callable[[str], tuple[int | None, str]], default: int
) -> int:
    text = _text(settings, key)
    if text is None:
        return default
    value, problem = check(text)
    if value is None:
        log.info("setting %s ignored: %s", key, problem)
        return default
    return value


def _font_points(text: str) -> tuple[int | None, str]:
    try:
        points = int(text)
    except ValueError:
        return None, "not a whole number"
    if points != 0 and not MIN_FONT_POINTS <= points <= MAX_FONT_POINTS:
        return None, "out of range"
    return points, ""


def _one_of(settings: QSettings, key: str, choices: tuple[str, ...], default: str) -> str:
    text = _text(settings, key)
    return text if text in choices else default


def load(settings: QSettings) -> Preferences:
    """The preferences ``settings`` holds, each missing or unusable one at its default."""
    base = defaults()
    number_from = _text(settings, NUMBER_FROM)
    return Preferences(
        theme=_one_of(settings, THEME, THEMES, base.theme),
        time_format=_one_of(settings, TIME_FORMAT, TIME_FORMATS, base.time_format),
        number_from=0 if number_from == "0" else 1,
        max_messages=_checked(settings, MAX_MESSAGES, check_max_messages, base.max_messages),
        max_mib=_checked(settings, MAX_MIB, check_max_mib, base.max_mib),
        default_maxmsgsize=_checked(
            settings, MAXMSGSIZE, check_maxmsgsize, base.default_maxmsgsize
        ),
        table_font_points=_checked(settings, FONT_POINTS, _font_points, 0),
        clear_on_open=_one_of(settings, CLEAR_ON_OPEN, CLEAR_CHOICES, base.clear_on_open),
        keep_history=_text(settings, KEEP_HISTORY) not in ("false", "0"),
        history_gib=_checked(settings, HISTORY_GIB, check_history_gib, base.history_gib),
    )


def caps_stored(settings: QSettings) -> bool:
    """The user chose the store's caps (else the session keeps the caps it was made with)."""
    return any(settings.contains(key) for key in CAP_KEYS)


def save(settings: QSettings, preferences: Preferences) -> None:
    values: dict[str, object] = {
        THEME: preferences.theme,
        TIME_FORMAT: preferences.time_format,
        NUMBER_FROM: preferences.number_from,
        MAX_MESSAGES: preferences.max_messages,
        MAX_MIB: preferences.max_mib,
        MAXMSGSIZE: preferences.default_maxmsgsize,
        FONT_POINTS: preferences.table_font_points,
        CLEAR_ON_OPEN: preferences.clear_on_open,
        KEEP_HISTORY: "true" if preferences.keep_history else "false",
        HISTORY_GIB: preferences.history_gib,
    }
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()
