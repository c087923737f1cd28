"""docs/architecture.md names every module of zinspect, so the map a newcomer reads is true."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_architecture_names_every_module():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "zinspect").rglob("*.py")
        if path.name != "__init__.py"
    )
    assert modules, "no modules found"
    assert [m for m in modules if f"`{m}`" not in text] == []


def test_architecture_names_only_modules_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = {part.split("`")[0] for part in text.split("`zinspect/")[1:] if ".py`" in part}
    missing = sorted(n for n in named if n.endswith(".py") and not (ROOT / "zinspect" / n).exists())
    assert missing == []
