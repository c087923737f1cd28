"""Light and dark colours for everything zinspect draws, and the switch between them.

Every colour has a light and a dark value, chosen together in one table so a test can check
each text colour's contrast against what it is drawn on. Widgets never hold a colour of
their own: they ask ``colour(role)`` when they draw, or register a style-sheet template
(``set_style``) or a palette tint (``tint``) that ``apply_theme`` renders again when the
theme changes; models and custom-painted views listen to ``theme_signals.theme_changed``.
"""

from __future__ import annotations

import gc
import logging
import re
import weakref

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRectF, QSettings, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QWidget,
)

log = logging.getLogger(__name__)

SYSTEM, LIGHT, DARK = "system", "light", "dark"
THEMES = (SYSTEM, LIGHT, DARK)
THEME_KEY = "view/theme"  # QSettings key; the Preferences dialog writes it too

_Role = QPalette.ColorRole
# table name -> the palette role it fills (every role Fusion draws with)
PALETTE_ROLES: dict[str, QPalette.ColorRole] = {
    "window": _Role.Window,
    "window_text": _Role.WindowText,
    "base": _Role.Base,
    "alternate_base": _Role.AlternateBase,
    "text": _Role.Text,
    "button": _Role.Button,
    "button_text": _Role.ButtonText,
    "bright_text": _Role.BrightText,
    "highlight": _Role.Highlight,
    "highlighted_text": _Role.HighlightedText,
    "tooltip_base": _Role.ToolTipBase,
    "tooltip_text": _Role.ToolTipText,
    "placeholder": _Role.PlaceholderText,
    "link": _Role.Link,
    "link_visited": _Role.LinkVisited,
    "light": _Role.Light,
    "midlight": _Role.Midlight,
    "mid": _Role.Mid,
    "dark": _Role.Dark,
    "shadow": _Role.Shadow,
}
# greyed out when disabled (WCAG exempts disabled controls from its contrast rule)
_DISABLED_ROLES = (_Role.WindowText, _Role.Text, _Role.ButtonText)

LIGHT_TABLE: dict[str, str] = {
    # the palette: Fusion's light one, with text and selection dark enough to read
    "window": "#efefef",
    "window_text": "#000000",
    "base": "#ffffff",
    "alternate_base": "#f5f5f5",
    "text": "#000000",
    "button": "#efefef",
    "button_text": "#000000",
    "bright_text": "#ffffff",
    "highlight": "#2a6db3",
    "highlighted_text": "#ffffff",
    "tooltip_base": "#ffffdc",
    "tooltip_text": "#000000",
    "placeholder": "#636363",
    "link": "#0b57b8",
    "link_visited": "#6a3ab2",
    "light": "#ffffff",
    "midlight": "#cacaca",
    "mid": "#858585",
    "dark": "#707070",
    "shadow": "#505050",
    "disabled_text": "#8c8c8c",
    "frame_window": "#efefef",  # see _use_style: Fusion's outline of fields is this, darker
    # zinspect's own colours
    "error": "#c62828",  # error text, the recording dot, a broken link
    "warning": "#9c4f00",  # a socket's warning, a warning event
    "success": "#2a7330",  # "applied", a demo's result
    "edited": "#1565c0",  # an option changed from its default
    "waiting": "#845600",  # the composer waiting for a reply
    "hint_text": "#6b3900",  # the boxed hints (subscriptions, PLAIN security)
    "hint_background": "#fff3cd",
    "hint_border": "#e0b252",
    "traffic_in": "#1a62b5",  # the direction column
    "traffic_out": "#a4550c",
    "role_out": "#275fc2",  # topology: a socket's role, its stripe and type name
    "role_in": "#1f7a44",
    "role_client": "#9c5211",
    "role_server": "#7546bf",
    "role_peer": "#16737c",
    "role_other": "#636363",
    "topology_forward": "#a0368e",  # a forwarding link and its label
    "topology_broken": "#c62828",  # a link between sockets that cannot talk
    "diff_added": "#1f6e2a",  # Compare: what only B has, B's new value
    "diff_removed": "#b3261e",  # what only A has, A's old value
    "diff_changed": "#8f4a00",  # a frame or value that differs
    "diff_added_background": "#d5f0d9",  # behind added words and bytes
    "diff_removed_background": "#fad9d7",
    "diff_changed_background": "#fcecc4",
    "plot_background": "#ffffff",  # the Plot dock's canvas, its axes and grid
    "plot_axis": "#333333",
    "plot_grid": "#d0d0d0",
    "plot_series_1": "#1f62b4",  # the plot's lines, in the order series are added
    "plot_series_2": "#c4261d",
    "plot_series_3": "#2a7f2a",
    "plot_series_4": "#7e48b8",
    "plot_series_5": "#a55200",
    "plot_series_6": "#137680",
    "toggle_on": "#2a6db3",  # a checked toggle button (Pause view, Diff against previous)
    "toggle_on_text": "#ffffff",
}

DARK_TABLE: dict[str, str] = {
    "window": "#2b2b2e",
    "window_text": "#e8e8e8",
    "base": "#1e1e21",
    "alternate_base": "#26262a",
    "text": "#e8e8e8",
    "button": "#3a3a3f",
    "button_text": "#e8e8e8",
    "bright_text": "#ffffff",
    "highlight": "#3a74c0",
    "highlighted_text": "#ffffff",
    "tooltip_base": "#3a3a3f",
    "tooltip_text": "#e8e8e8",
    "placeholder": "#a6a6ad",
    "link": "#82b8ff",
    "link_visited": "#c4a3ff",
    "light": "#55555b",
    "midlight": "#47474c",
    "mid": "#7c7c82",
    "dark": "#161618",
    "shadow": "#000000",
    "disabled_text": "#75757c",
    "frame_window": "#b6b6bc",
    "error": "#ff8a80",
    "warning": "#ffb45c",
    "success": "#85cc88",
    "edited": "#8cb8ff",
    "waiting": "#e8c26e",
    "hint_text": "#f6da94",
    "hint_background": "#3f3521",
    "hint_border": "#86692d",
    "traffic_in": "#70b2ff",
    "traffic_out": "#f2a456",
    "role_out": "#82aaff",
    "role_in": "#67d391",
    "role_client": "#f2a862",
    "role_server": "#bea3ff",
    "role_peer": "#58d2dc",
    "role_other": "#a6a6ad",
    "topology_forward": "#e687d6",
    "topology_broken": "#ff8a80",
    "diff_added": "#7fd487",
    "diff_removed": "#ff8a80",
    "diff_changed": "#f2c166",
    "diff_added_background": "#1d4524",
    "diff_removed_background": "#5a2222",
    "diff_changed_background": "#4a3a12",
    "plot_background": "#1e1e21",
    "plot_axis": "#d0d0d4",
    "plot_grid": "#3a3a3f",
    "plot_series_1": "#6fb3ff",
    "plot_series_2": "#ff7b72",
    "plot_series_3": "#7edc7e",
    "plot_series_4": "#c9a0ff",
    "plot_series_5": "#ffb05c",
    "plot_series_6": "#4fd6e0",
    "toggle_on": "#6f9fdc",  # light on dark: an unchecked one is dark
    "toggle_on_text": "#101014",
}
TABLES = {LIGHT: LIGHT_TABLE, DARK: DARK_TABLE}

TEXT, GRAPHIC = "text", "graphic"
# (colour, the colour it is drawn on, text or graphic): what the contrast test checks
DRAWN_ON: tuple[tuple[str, str, str], ...] = (
    ("window_text", "window", TEXT),
    ("window_text", "button", TEXT),
    ("text", "base", TEXT),
    ("text", "alternate_base", TEXT),
    ("text", "window", TEXT),  # topology link labels, on plates of the canvas colour
    ("button_text", "button", TEXT),
    ("highlighted_text", "highlight", TEXT),
    ("tooltip_text", "tooltip_base", TEXT),
    ("placeholder", "window", TEXT),
    ("placeholder", "base", TEXT),
    ("link", "base", TEXT),
    ("link_visited", "base", TEXT),
    ("bright_text", "highlight", TEXT),
    *(
        (name, background, TEXT)
        for name in ("error", "warning", "success", "edited", "waiting")
        for background in ("window", "base", "alternate_base")
    ),
    ("hint_text", "hint_background", TEXT),
    *(
        (name, background, TEXT)
        for name in ("traffic_in", "traffic_out")
        for background in ("base", "alternate_base")
    ),
    *(
        (f"role_{role}", "base", TEXT)  # type names in the nodes' boxes
        for role in ("out", "in", "client", "server", "peer", "other")
    ),
    ("topology_forward", "window", TEXT),
    ("topology_broken", "window", TEXT),
    *(
        (f"diff_{kind}", background, TEXT)
        for kind in ("added", "removed", "changed")
        for background in ("window", "base", "alternate_base")
    ),
    *(("text", f"diff_{kind}_background", TEXT) for kind in ("added", "removed", "changed")),
    ("mid", "window", GRAPHIC),  # node outlines on the canvas
    ("highlight", "base", GRAPHIC),  # the selected node's outline
    ("plot_axis", "plot_background", TEXT),  # tick labels and axis titles
    *((f"plot_series_{n}", "plot_background", GRAPHIC) for n in range(1, 7)),
    ("toggle_on_text", "toggle_on", TEXT),
    ("toggle_on", "button", GRAPHIC),  # on against off: a state, WCAG's 3:1 for graphics
    ("toggle_on", "window", GRAPHIC),
)
# colours only ever drawn under or around others, or greyed out: not checked
DECORATION = frozenset(
    {
        "light",
        "midlight",
        "dark",
        "shadow",
        "hint_border",
        "disabled_text",
        "frame_window",
        "plot_grid",
    }
)
PLOT_SERIES_COLOURS = tuple(f"plot_series_{n}" for n in range(1, 7))
# widgets whose frame Fusion draws in their window colour, darkened (see _use_style)
FRAMED_CLASSES = ("QCheckBox", "QRadioButton", "QLineEdit", "QAbstractSpinBox")

_STYLE_PROPERTY = "zinspect_style"  # a widget's style-sheet template
_TINT_PROPERTY = "zinspect_tint"  # "palette role number:table name" of a tinted widget
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class ThemeSignals(QObject):
    """``theme_changed(variant)`` after the colours changed: "light" or "dark". Models
    re-emit ``dataChanged`` and custom-painted views redraw on it."""

    theme_changed = Signal(str)


theme_signals = ThemeSignals()

_chosen = SYSTEM
_variant = LIGHT
_applied = False  # apply_theme has run: the palette is ours
_colours: dict[str, QColor] = {}
_brushes: dict[str, QBrush] = {}
_hooked = False  # listening to the desktop's colour scheme


def current_theme() -> str:
    """What the user chose: "system", "light" or "dark"."""
    return _chosen


def current_variant() -> str:
    """The colours in use: "light" or "dark" (System resolved through the desktop)."""
    return _variant


def colour(role: str) -> QColor:
    """The current variant's colour of ``role`` (a name of the theme table)."""
    cached = _colours.get(role)
    if cached is None:
        cached = _colours[role] = QColor(TABLES[_variant][role])
    return QColor(cached)


def brush(role: str) -> QBrush:
    """``colour(role)`` as a shared brush, for models answering ForegroundRole per cell."""
    cached = _brushes.get(role)
    if cached is None:
        cached = _brushes[role] = QBrush(colour(role))
    return cached


# The widgets set_style and tint were given: a theme change restyles these, not every widget
# of the application (QApplication.allWidgets() wraps each one, also widgets half way
# through their deletion, which crashed Qt in a full test run).
_themed: weakref.WeakSet[QWidget] = weakref.WeakSet()


def render_style(template: str) -> str:
    """A style sheet with ``{role}`` replaced by the current colour of that role."""
    table = TABLES[_variant]
    return _PLACEHOLDER.sub(lambda match: table[match.group(1)], template)


def set_style(widget: QWidget, template: str) -> None:
    """Give ``widget`` the style sheet ``template`` ("color: {error};"), rendered again
    with the new colours whenever the theme changes; "" removes it. Every widget with a
    style sheet of its own goes through here, colours or not ("font-weight: bold;"): a
    sheet set again is what makes a widget take a new application palette."""
    widget.setProperty(_STYLE_PROPERTY, template or None)
    _themed.add(widget)
    widget.setStyleSheet(render_style(template))


# A checked toggle filled with the toggle colour: Fusion's own sunken look is all but
# invisible on dark buttons. Only the checked state has a rule, so an unchecked toggle
# keeps Fusion's look.
TOGGLE_TEMPLATE = (
    "QToolButton:checked { background-color: {toggle_on}; color: {toggle_on_text}; "
    "border: 1px solid {toggle_on}; border-radius: 3px; }"
)


def mark_toggle(button: QWidget) -> None:
    """Make a checkable button look clearly on when checked, in both themes."""
    set_style(button, TOGGLE_TEMPLATE)


def tint(widget: QWidget, role: str, palette_role: QPalette.ColorRole = _Role.WindowText) -> None:
    """Set one palette role of ``widget`` to the theme colour ``role``, kept up to date on
    a theme change: for many small widgets, where a style sheet would cost too much."""
    widget.setProperty(_TINT_PROPERTY, f"{int(palette_role.value)}:{role}")
    _themed.add(widget)
    _apply_tint(widget, palette_role, role)


def _apply_tint(widget: QWidget, palette_role: QPalette.ColorRole, role: str) -> None:
    palette = widget.palette()
    palette.setColor(palette_role, colour(role))
    widget.setPalette(palette)


def saved_theme(settings: QSettings) -> str:
    """The theme stored under ``view/theme``; anything else there means System."""
    value = settings.value(THEME_KEY, SYSTEM)
    if value not in THEMES:
        log.info("ignoring unknown theme %r in the settings", str(value)[:40])
        return SYSTEM
    return str(value)


def palette_for(variant: str) -> QPalette:
    """A complete palette of ``variant`` ("light" or "dark")."""
    table = TABLES[variant]
    palette = QPalette()
    for name, role in PALETTE_ROLES.items():
        palette.setColor(role, QColor(table[name]))
    for role in _DISABLED_ROLES:
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(table["disabled_text"]))
    return palette


def desktop_variant(scheme: Qt.ColorScheme | None = None) -> str:
    """Dark when the desktop (or ``scheme``) says dark; Light when it says light or
    nothing."""
    if scheme is None:
        scheme = QGuiApplication.styleHints().colorScheme()
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def apply_theme(name: str) -> None:
    """Switch the whole application to ``name`` ("system", "light" or "dark") at once:
    Fusion style (the one that draws a palette faithfully on every platform), a full
    palette of the chosen colours, the colour-scheme hint (window frames follow it), and
    every registered style sheet, tint, model and view. Saving the choice is the caller's
    business (``THEME_KEY``)."""
    global _chosen
    if name not in THEMES:
        raise ValueError(f"unknown theme {name!r}: choose one of {', '.join(THEMES)}")
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("apply_theme needs a QApplication")
    _hook_desktop(app)
    changed = name != _chosen
    _chosen = name
    hints = app.styleHints()
    if name == SYSTEM:
        hints.unsetColorScheme()  # back to what the desktop says
    else:
        hints.setColorScheme(Qt.ColorScheme.Dark if name == DARK else Qt.ColorScheme.Light)
    variant = desktop_variant() if name == SYSTEM else name
    _use_variant(app, variant, force=changed)


def _hook_desktop(app: QApplication) -> None:
    global _hooked
    if not _hooked:
        _hooked = True
        app.styleHints().colorSchemeChanged.connect(_on_desktop_scheme_changed)


def _on_desktop_scheme_changed(scheme: Qt.ColorScheme) -> None:
    app = QApplication.instance()
    if _chosen == SYSTEM and isinstance(app, QApplication):
        _use_variant(app, desktop_variant(scheme))


def _use_variant(app: QApplication, variant: str, *, force: bool = False) -> None:
    global _variant, _applied
    if variant == _variant and _applied and not force:
        return
    first = not _applied
    _variant, _applied = variant, True
    _colours.clear()
    _brushes.clear()
    app.setPalette(palette_for(variant))
    _use_style(app, variant)  # after: a new application palette drops the class ones
    # widgets hear of it through posted events: deliver them now, so every widget has its
    # new palette when apply_theme returns and theme_changed's listeners read it
    QCoreApplication.sendPostedEvents(None, QEvent.Type.ApplicationPaletteChange)
    _restyle(list(_themed))
    log.info("theme %s (%s colours)%s", _chosen, variant, " at start" if first else "")
    theme_signals.theme_changed.emit(variant)


def _use_style(app: QApplication, variant: str) -> None:
    """Fusion, with the window colour of framed fields raised in dark: Fusion outlines check
    boxes, radio buttons and fields in their window colour darkened, which would vanish
    against dark fields. A palette per class costs nothing at paint time."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    framed = palette_for(variant)
    framed.setColor(_Role.Window, QColor(TABLES[variant]["frame_window"]))
    for class_name in FRAMED_CLASSES:
        app.setPalette(framed, class_name)  # type: ignore[arg-type]  # stubs say bytes; str works


def _restyle(widgets: list[QWidget]) -> None:
    """Render every registered style-sheet template and tint with the new colours.

    The list may hold widgets only Python keeps alive (made without a parent): a garbage
    collection in the middle of the loop could delete one under it, so collections wait
    until the loop is done, and a widget whose C++ side is already gone is skipped."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        for widget in widgets:
            if shiboken6.isValid(widget):
                _restyle_one(widget)
    finally:
        if collecting:
            gc.enable()


def _restyle_one(widget: QWidget) -> None:
    template = widget.property(_STYLE_PROPERTY)
    if isinstance(template, str):
        widget.setStyleSheet(render_style(template))
    tinted = widget.property(_TINT_PROPERTY)
    if isinstance(tinted, str):
        number, role = tinted.split(":", 1)
        _apply_tint(widget, QPalette.ColorRole(int(number)), role)


class _TickBoxStyle(QProxyStyle):
    """Fusion for one checkable group box, its tick box outlined on dark (a class palette,
    as for check boxes, would reach the group's children too)."""

    def drawPrimitive(  # noqa: N802 (Qt calls it by this name)
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element != QStyle.PrimitiveElement.PE_IndicatorCheckBox or _variant != DARK:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour("mid"), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5), 2.0, 2.0)
        painter.restore()


_tick_box_style: list[_TickBoxStyle] = []  # one, made with the first group box


def outline_tick_box(group: QGroupBox) -> None:
    """Keep a checkable group box's tick box visible in the dark theme."""
    if not _tick_box_style:
        _tick_box_style.append(_TickBoxStyle("Fusion"))
    group.setStyle(_tick_box_style[0])
