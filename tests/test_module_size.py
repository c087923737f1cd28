"""No Python file of the repository is over 500 lines (CONTRIBUTING.md: small modules): past
that, a module does more than one thing and its readers lose their way."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 500


def test_every_python_file_is_at_most_500_lines():
    too_long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("zinspect", "tests", "benchmarks", "docs")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert not too_long, too_long
