"""Playing the primer's ventilator from a PUSH's send script: the composer numbers frames
from "Frame 1", the script's rows from "1.", and then the Start and Stop conditions asked
for "Frame 0", the same first frame under another number. They now say "First frame"."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel
from session_helpers import linked
from socket_panel_helpers import editor_of, shown_panel


def label_beside(builder, field) -> str:
    form = builder.layout()
    assert isinstance(form, QFormLayout)
    label = form.labelForField(field)
    assert isinstance(label, QLabel)
    return label.text()


def test_start_and_stop_conditions_name_the_first_frame_as_the_composer_does(session, qtbot):
    panel = shown_panel(session, qtbot, 300, 700)
    _pull, push = linked(session, "PULL", "PUSH")
    editor = editor_of(panel, push)
    for builder in (editor.more.start_builder, editor.more.stop_builder):
        assert label_beside(builder, builder.equals_edit) == "First frame"
        assert "first frame" in builder.equals_edit.accessibleName()
    assert not [label.text() for label in editor.findChildren(QLabel) if label.text() == "Frame 0"]


def test_the_rules_box_says_how_rules_answer_without_sending_the_user_to_a_file(session, qtbot):
    """It read "Rules (the first that matches answers; JSON as in docs/workspace-format.md)":
    "answers" read as a noun, and an installed zinspect has no docs folder."""
    panel = shown_panel(session, qtbot, 300, 700)
    rep = session.create_socket("REP")
    editor = editor_of(panel, rep)
    text = editor.more.rules_label.text()
    assert "docs/" not in text
    assert "the first that matches a message answers it" in text
    assert editor.more.rule_builder.add_button.text() in text  # the builder it names is there
