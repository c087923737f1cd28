"""The Message pane's Decoded view: the tree of a decoded frame, copying a value or its path,
which decoder read the frame, a failing rule, and "Decode frame N as…" on the frame list."""

from __future__ import annotations

import pytest
from detail_pane_helpers import make_message
from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLabel, QMenu, QTableView, QWidget
from table_helpers import right_click
from ui_actions import WAIT_MS

from zinspect.core.decode.decoder import MessageDecoder
from zinspect.core.decode.model import DecodeRule
from zinspect.ui.message.decoded_tree import CHILD_LIMIT, COLUMN_KEY, COLUMN_TYPE, COLUMN_VALUE
from zinspect.ui.message.detail_pane import DetailPane


@pytest.fixture
def decoder() -> MessageDecoder:
    return MessageDecoder()


@pytest.fixture
def pane(qtbot, decoder) -> DetailPane:
    widget = DetailPane(decoder=decoder)
    qtbot.addWidget(widget)
    widget.resize(800, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def choose_decoded(pane: DetailPane, qtbot) -> None:
    combo = pane.findChild(QComboBox, "view_combo")
    combo.setCurrentIndex(combo.findData("decoded"))
    tree = pane._frame_viewer.decoded_view.tree
    qtbot.waitUntil(tree.isVisible, timeout=WAIT_MS)


def rows(parent) -> dict[str, tuple[str, str]]:
    """Key -> (type, value) of the items under ``parent`` (a tree or an item), as shown."""
    if hasattr(parent, "topLevelItemCount"):
        items = [parent.topLevelItem(i) for i in range(parent.topLevelItemCount())]
    else:
        items = [parent.child(i) for i in range(parent.childCount())]
    return {i.text(COLUMN_KEY): (i.text(COLUMN_TYPE), i.text(COLUMN_VALUE)) for i in items}


def context_menu(widget: QWidget, pos: QPoint, qtbot) -> QMenu:
    """Right-click ``widget`` at ``pos`` (as the platform does, by a context menu event)."""
    return right_click(qtbot, widget, pos)


def trigger(menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text() == text)
    action.trigger()
    menu.close()


JUPYTER_LIKE = (
    b'{"content": {"data": {"text/plain": "42", "image/png": "iVBOR"}, "count": [1, 2, 3]},'
    b' "ok": true}'
)


def test_a_json_frame_shows_its_keys_and_a_nested_value_in_the_tree(pane, qtbot):
    pane.show_message(make_message([JUPYTER_LIKE]))
    choose_decoded(pane, qtbot)
    view = pane._frame_viewer.decoded_view
    assert view.decoder_label.text() == "Decoded as json (guessed)"
    assert not view.error_label.isVisible()
    top = rows(view.tree)
    assert top["ok"] == ("boolean", "true")
    assert top["content"][0] == "object (2 keys)"
    content = view.tree.item_at_path("$.content")
    content.setExpanded(True)
    count = view.tree.item_at_path("$.content.count")
    count.setExpanded(True)
    assert rows(count)["[2]"] == ("integer", "3")
    view.tree.item_at_path("$.content.data").setExpanded(True)
    assert rows(view.tree.item_at_path("$.content.data"))["text/plain"] == ("string", "42")


def test_copy_path_and_copy_value_from_the_tree_s_context_menu(pane, qtbot):
    pane.show_message(make_message([JUPYTER_LIKE]))
    choose_decoded(pane, qtbot)
    tree = pane._frame_viewer.decoded_view.tree
    tree.item_at_path("$.content").setExpanded(True)
    tree.item_at_path("$.content.data").setExpanded(True)
    item = tree.item_at_path('$.content.data["text/plain"]')
    assert item is not None
    tree.scrollToItem(item)
    pos = tree.visualItemRect(item).center()
    trigger(context_menu(tree.viewport(), pos, qtbot), "Copy path")
    assert QGuiApplication.clipboard().text() == '$.content.data["text/plain"]'
    count = tree.item_at_path("$.content.count")
    trigger(context_menu(tree.viewport(), tree.visualItemRect(count).center(), qtbot), "Copy value")
    assert QGuiApplication.clipboard().text().split() == ["[", "1,", "2,", "3", "]"]


def test_a_huge_value_shows_its_first_items_and_how_many_more(pane, qtbot):
    frame = b"[" + b",".join(b"%d" % i for i in range(12_345 + CHILD_LIMIT)) + b"]"
    pane.show_message(make_message([frame]))
    choose_decoded(pane, qtbot)
    tree = pane._frame_viewer.decoded_view.tree
    assert tree.topLevelItemCount() == CHILD_LIMIT + 1
    assert tree.topLevelItem(CHILD_LIMIT).text(COLUMN_KEY) == "… 12,345 more"


def test_a_failing_rule_says_why_and_shows_the_raw_bytes(pane, decoder, qtbot):
    decoder.set_rules("sock-1", [DecodeRule("json", frame=1)])
    pane.show_message(make_message([b"{oops"]))
    view = pane._frame_viewer.decoded_view
    # a rule chose the decoder: the Decoded view is what the pane shows first
    qtbot.waitUntil(view.tree.isVisible, timeout=WAIT_MS)
    assert view.decoder_label.text() == "Decoded as json"
    assert view.error_label.isVisible()
    assert view.error_label.text().startswith("json could not read this frame: not JSON")
    assert rows(view.tree)["(value)"] == ("bytes (5)", "0x 7b 6f 6f 70 73")


def test_decode_frame_as_on_the_frame_list_makes_a_rule_with_the_topic(pane, decoder, qtbot):
    pane.show_message(make_message([b"sensors/a", b"plain words"], socket="sub-1"), "SUB")
    table = pane.findChild(QTableView, "frame_table")
    pos = table.visualRect(table.model().index(1, 0)).center()
    menu = context_menu(table.viewport(), pos, qtbot)
    submenu = next(a.menu() for a in menu.actions() if a.text() == "Decode frame 2 as")
    assert {"json", "raw", "text", "Automatic (no rule)"} <= {a.text() for a in submenu.actions()}
    trigger(submenu, "raw")
    menu.close()
    assert decoder.rules("sub-1") == (DecodeRule("raw", topic="sensors/a", frame=2),)
    view = pane._frame_viewer.decoded_view
    pane.findChild(QTableView, "frame_table").setCurrentIndex(table.model().index(1, 0))
    qtbot.waitUntil(lambda: view.decoder_label.text() == "Decoded as raw", timeout=WAIT_MS)
    frame_title = pane.findChild(QLabel, "frame_title")
    assert frame_title.text().startswith("Frame 2 of 2")


class Greeting:
    """A recogniser for the tests: a message of b"HELLO" and a name."""

    name = "greeting"

    def match(self, frames, socket_type):
        return len(frames) == 2 and frames[0] == b"HELLO"

    def decode(self, frames, socket, socket_type, context):
        from zinspect.core.decode.model import DecodedFrame, Recognition

        fields = {"who": frames[1].decode(), "meta": {"via-proxy": False}}
        recognition = Recognition("greeting", f"hello from {fields['who']}", fields)
        return recognition, (
            DecodedFrame("text", "HELLO", role="header"),
            DecodedFrame("text", fields["who"], role="name"),
        )


@pytest.fixture
def greeting():
    from zinspect.core.decode.recognisers import RECOGNISERS

    recogniser = Greeting()
    RECOGNISERS.insert(0, recogniser)
    yield recogniser
    RECOGNISERS.remove(recogniser)


def test_a_recognised_protocol_shows_its_fields_and_each_frame_s_role(pane, greeting, qtbot):
    pane.show_message(make_message([b"HELLO", b"ada"]))
    assert pane.protocol_group.isVisible()
    assert pane.protocol_label.text() == "greeting: hello from ada"
    assert rows(pane.protocol_tree)["who"] == ("string", "ada")
    pane.protocol_tree.item_at_path("meta").setExpanded(True)
    item = pane.protocol_tree.item_at_path('meta["via-proxy"]')
    assert item is not None and item.text(COLUMN_VALUE) == "false"
    view = pane._frame_viewer.decoded_view
    qtbot.waitUntil(view.tree.isVisible, timeout=WAIT_MS)  # recognised: Decoded first
    assert view.decoder_label.text() == "Decoded as text — header"
    assert pane.findChild(QLabel, "frame_title").text().startswith("Frame 1 (header) of 2")
    pane.show_message(make_message([b"plain"], seq=2))
    assert not pane.protocol_group.isVisible()


def test_the_keyboard_copies_the_highlighted_value_and_path(pane, qtbot):
    from PySide6.QtCore import Qt

    pane.show_message(make_message([b'{"list": ["a b", 2]}']))
    choose_decoded(pane, qtbot)
    tree = pane._frame_viewer.decoded_view.tree
    tree.item_at_path("$.list").setExpanded(True)
    tree.setFocus()
    tree.setCurrentItem(tree.item_at_path("$.list[0]"))
    qtbot.keyClick(tree, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "a b"
    modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(tree, Qt.Key.Key_C, modifiers)
    assert QGuiApplication.clipboard().text() == "$.list[0]"
