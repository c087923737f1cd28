"""zinspect.core imports no Qt, so scripts and plain pytest can use it (docs/architecture.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import zinspect.core

CORE = Path(zinspect.core.__file__).parent
QT_MODULES = {
    "PySide6",
    "PySide2",
    "PyQt5",
    "PyQt6",
    "shiboken6",
    "shiboken2",
    "qasync",
    "pytestqt",
    "qtpy",
}


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a file imports, wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(str(node.args[0].value).split(".")[0])
    return names


def test_core_sources_import_no_qt():
    files = sorted(CORE.rglob("*.py"))
    assert {f.name for f in files} >= {"session.py", "store.py", "codecs.py", "endpoints.py"}
    offenders = {f.name: sorted(imported_modules(f) & QT_MODULES) for f in files}
    assert {name: qt for name, qt in offenders.items() if qt} == {}


def test_the_scanner_would_notice_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\nimport qasync\n")
    assert imported_modules(sample) & QT_MODULES == {"PySide6", "qasync"}


def test_importing_the_core_loads_no_qt():
    code = (
        "import sys, pkgutil, importlib, zinspect.core.sockets.session\n"
        "import zinspect.core as core\n"
        "for info in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('zinspect.core.' + info.name)\n"
        f"qt = sorted(m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r})\n"
        "print('qt:', qt)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "qt: []"
