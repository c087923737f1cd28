"""No import cycle anywhere in zinspect: every module can be understood (and tested) after
the modules it imports, never together with them. Imports made only for annotations (under
typing.TYPE_CHECKING) do not count: they do not run."""

from __future__ import annotations

from pathlib import Path

import grimp

import zinspect

PACKAGE = "zinspect"


def import_graph(annotations: bool = False) -> grimp.ImportGraph:
    """The imports among zinspect's modules; with ``annotations``, those under
    TYPE_CHECKING too."""
    return grimp.build_graph(PACKAGE, exclude_type_checking_imports=not annotations, cache_dir=None)


def find_cycle(graph: grimp.ImportGraph) -> list[str]:
    """One import cycle among the modules (as a path that returns to its start), or []."""
    modules = sorted(graph.modules)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == 1:
                return path[path.index(imported) :] + [imported]
            if imported not in state:
                cycle = visit(imported)
                if cycle:
                    return cycle
        path.pop()
        state[module] = 2
        return []

    for module in modules:
        if module not in state:
            cycle = visit(module)
            if cycle:
                return cycle
    return []


def test_no_module_of_zinspect_imports_itself_through_others():
    graph = import_graph()
    files = list(Path(zinspect.__file__).parent.rglob("*.py"))
    assert len(graph.modules) == len(files)  # every module was read
    cycle = find_cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    assert find_cycle(graph) == []
    graph.add_import(importer="a.d", imported="a.b")
    assert find_cycle(graph) == ["a.b", "a.c", "a.d", "a.b"]


def test_only_the_shell_knows_the_main_window():
    """Features get a WindowHost and what they need, never the window (not even its type)."""
    graph = import_graph(annotations=True)
    importers = graph.find_modules_that_directly_import("zinspect.ui.main_window")
    assert importers <= {"zinspect.app"}, sorted(importers)
