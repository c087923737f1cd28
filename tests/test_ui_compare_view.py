"""The Compare view on big differences: every listed change is shown, the first ones as table
rows and the rest as lines, the cap said in words; a very long text line shows the start of
both sides and says how much it leaves out."""

from __future__ import annotations

import json

from detail_pane_helpers import make_message

from zinspect.core.explore.diff import diff_messages
from zinspect.core.explore.diff_model import MAX_CHANGES
from zinspect.ui.compare.compare_view import CompareView
from zinspect.ui.compare.diff_html import LINE_CHARS, MAX_TABLE_ROWS


def shown(qtbot, a: list[bytes], b: list[bytes]) -> CompareView:
    view = CompareView()
    qtbot.addWidget(view)
    first, second = make_message(a, seq=0), make_message(b, seq=1)
    view.show_diff(first, second, diff_messages(a, b))
    return view


def test_many_changed_values_are_all_listed_up_to_the_cap_and_the_rest_counted(qtbot):
    a = {f"k{i}": i for i in range(MAX_CHANGES + 50)}
    b = {f"k{i}": -i for i in range(MAX_CHANGES + 50)}
    view = shown(qtbot, [json.dumps(a).encode()], [json.dumps(b).encode()])
    text = view.text()
    listed = [f"k{i}" for i in range(1, MAX_CHANGES + 1)]
    assert all(f"f1.{key}" in text for key in listed)
    assert f"f1.k{MAX_CHANGES + 1}" not in text
    assert "… and 49 more changes, not listed." in text  # 249 changed: k0 is 0 in both
    html = view.browser.toHtml()
    assert html.count("<tr>") == MAX_TABLE_ROWS + 1  # the header row, then the first ones
    assert f"~ f1.k{MAX_TABLE_ROWS + 1}: {MAX_TABLE_ROWS + 1} → -{MAX_TABLE_ROWS + 1}" in text


def test_a_very_long_changed_line_is_cut_and_says_how_much_is_left_out(qtbot):
    view = shown(qtbot, [b"a" * 5000], [b"b" * 5000])
    text = view.text()
    half = LINE_CHARS // 2  # A's text and B's share the line
    assert "a" * half + " " + "b" * half in text and "a" * (half + 1) not in text
    assert "(9,000 more characters)" in text
