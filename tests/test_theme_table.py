"""The theme table: every text colour readable on what it is drawn on (WCAG 2 contrast), in
both variants, and no colour left hard-coded outside the table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zinspect.ui.widgets.theme import (
    DARK_TABLE,
    DECORATION,
    DRAWN_ON,
    LIGHT_TABLE,
    PALETTE_ROLES,
    TABLES,
    TEXT,
)

UI = Path(__file__).resolve().parent.parent / "zinspect" / "ui"


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of an sRGB colour "#rrggbb"."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted(map(relative_luminance, (first, second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_wcags_reference_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)


@pytest.mark.parametrize("variant", sorted(TABLES))
def test_every_colour_is_readable_on_what_it_is_drawn_on(variant):
    table = TABLES[variant]
    too_faint = [
        f"{fg} on {bg}: {contrast_ratio(table[fg], table[bg]):.2f}"
        for fg, bg, kind in DRAWN_ON
        if contrast_ratio(table[fg], table[bg]) < (4.5 if kind == TEXT else 3.0)
    ]
    assert not too_faint, too_faint


def test_both_variants_have_every_colour_and_each_is_checked_or_decoration():
    assert LIGHT_TABLE.keys() == DARK_TABLE.keys()
    assert set(PALETTE_ROLES) <= LIGHT_TABLE.keys()
    checked = {name for pair in DRAWN_ON for name in pair[:2]}
    assert checked <= LIGHT_TABLE.keys()
    assert LIGHT_TABLE.keys() - checked - DECORATION == set()
    for table in TABLES.values():
        assert all(re.fullmatch(r"#[0-9a-f]{6}", value) for value in table.values())


def test_dark_is_dark_and_light_is_light():
    for name in ("window", "base", "button"):
        assert relative_luminance(DARK_TABLE[name]) < 0.05 < relative_luminance(LIGHT_TABLE[name])
    assert relative_luminance(DARK_TABLE["text"]) > 0.5 > relative_luminance(LIGHT_TABLE["text"])


def test_no_colour_is_hard_coded_outside_the_theme_table():
    literal = re.compile(
        r"[\"']#[0-9a-fA-F]{3,8}\b|#[0-9a-fA-F]{6}\b|QColor\(\s*\d|GlobalColor\.(?!transparent)"
        r"|Qt\.(red|green|blue|black|white|gray|darkGray|lightGray|yellow)\b|rgb\("
    )
    found = [
        f"{path.relative_to(UI)}:{number}: {line.strip()}"
        for path in sorted(UI.rglob("*.py"))
        if path.name != "theme.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if literal.search(line)
    ]
    assert not found, found
