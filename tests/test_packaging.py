"""The README's first command installs zinspect without -e (`pip install . && zinspect`): a
package missing from pyproject.toml's list would be left out of the wheel, and the installed
app would stop at an ImportError that no editable-install test can see."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def listed_packages() -> set[str]:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^packages = \[(.*?)\]", text, re.S | re.M)
    assert block, "pyproject.toml lists its packages under [tool.setuptools]"
    return set(re.findall(r'"([^"]+)"', block.group(1)))


def test_every_package_of_the_source_tree_is_in_the_wheel():
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "zinspect").rglob("__init__.py")
    }
    assert found - listed_packages() == set()
