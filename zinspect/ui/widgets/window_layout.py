"""How the main window's docks are sized and their tabs titled, at start and on Reset layout.

Apart from the composition root so it stays about wiring; the numbers here were chosen for a
1024-pixel laptop screen (docs/layout-1024x700.png) and a 1600-pixel desktop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabBar

from zinspect.ui.widgets.theme import set_style

TAB_STYLE = "QTabBar::tab { padding: 3px 7px; }"  # a little less padding than Fusion's
TABLE_SHARE = 50  # percent of a narrowed window's width left to the traffic table at least


def whole_tab_titles(window: QMainWindow) -> None:
    """Dock tabs keep their whole titles in a narrow dock ("Mess…" told nothing): the tab bar
    scrolls with its arrows instead; with less padding the Message dock's tabs fit 1024 px.

    The padding sheet goes on the window's own (dock) tab bars only: a style sheet on the
    tab bar inside a QTabWidget (the Latency dock's Latency and Gaps tabs) kept that tab
    widget, and every page in it, on the palette it had when the theme changed."""
    for bar in window.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(True)
        if bar.parentWidget() is window:
            set_style(bar, TAB_STYLE)


def size_docks(
    window: QMainWindow, left: QDockWidget, right: QDockWidget, bottom: QDockWidget, width: int
) -> None:
    """The docks' first widths: narrower in a narrow window, where the traffic table between
    them needs room too (at 1024 px it keeps over 45 % of the width; the docks wrap their
    buttons and scroll rather than hold it narrow)."""
    window.resizeDocks([left, right], list(dock_widths(width)), Qt.Orientation.Horizontal)
    window.resizeDocks([bottom], [255], Qt.Orientation.Vertical)


def dock_widths(width: int) -> tuple[int, int]:
    """The side docks' widths in a window ``width`` pixels wide."""
    # the Message pane: a fifth of 1,024 px, growing to 430 px at 1,600 (two fifths of each
    # pixel more), so the table keeps over half the width at every size
    return min(320, width * 25 // 100), min(430, max(width // 5, 205 + (width - 1024) * 2 // 5))


def keep_table_room(window: QMainWindow, left: QDockWidget, right: QDockWidget) -> None:
    """A window made narrower takes width from the side docks too: Qt takes it from the
    traffic table alone, which left a desktop layout's table a quarter of a 1024-px window
    (neither number nor time shown). Docks already narrower keep their width."""
    width = window.width()
    docked = [dock for dock in (left, right) if dock.isVisible() and not dock.isFloating()]
    if width - sum(dock.width() for dock in docked) >= width * TABLE_SHARE // 100:
        return
    targets = dict(zip((left, right), dock_widths(width), strict=True))
    window.resizeDocks(
        docked, [min(dock.width(), targets[dock]) for dock in docked], Qt.Orientation.Horizontal
    )


def docks_back(window: QMainWindow, docks: Iterable[QDockWidget], size: QSize) -> QSize:
    """Every dock shown and docked again, and the window's size kept within the screen and
    at least its minimum: the size the window ends at."""
    for dock in docks:
        dock.setFloating(False)
        dock.show()
    screen = window.screen()
    if screen is not None:
        size = size.boundedTo(screen.availableGeometry().size())
    if not window.isMaximized() and not window.isFullScreen():
        size = size.expandedTo(window.minimumSizeHint())
        window.resize(size)
    return size


def restore_layout(
    window: QMainWindow,
    settings: QSettings,
    first_size: tuple[int, int],
    version: int,
    size_docks_to: Callable[[int], None],
) -> QByteArray:
    """Give ``window`` its first start's size and docks, then what ``settings`` saved (of
    layout ``version``); returns the first start's state, for Reset layout."""
    # The first start's size, but never larger than the screen: on a 1366x768 laptop an
    # 860 px tall window would put the composer's Send button below the screen's edge.
    width, height = first_size
    screen = window.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width, height = min(width, available.width()), min(height, available.height())
    # the minimum size Qt set while the docks were added side by side (about 1,600 px)
    # holds until the layout runs again: the window could not start narrower than that
    layout = window.layout()
    if layout is not None:
        layout.activate()
    window.resize(width, height)
    size_docks_to(width)
    default_state = window.saveState(version)
    geometry = settings.value("window/geometry")
    state = settings.value("window/state")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    if isinstance(state, QByteArray) and not state.isEmpty():
        window.restoreState(state, version)
        whole_tab_titles(window)
    return default_state
