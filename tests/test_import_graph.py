"""The package's import graph: no cycles, and no import hidden inside a function.

An import inside a function used to hide two cycles (history ↔ queries ↔ workflow, memo.docx ↔
memo.package): the modules loaded only because the import ran late. These tests read every module's
source, so a cycle is found even when Python would happen to load the modules in a working order.
"""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "remiss"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The module a dotted import name lands in (`remiss.workflow.refer` → `remiss.workflow`)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imported_names(module: str, node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        base = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(max(node.level - 1, 0)):
            base = base.rpartition(".")[0]
        target = (f"{base}.{node.module}" if node.module else base) if node.level else (node.module or "")
        return [target] + [f"{target}.{alias.name}" for alias in node.names]
    return []


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in MODULES}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for name in _imported_names(module, node):
                target = _resolve(name) if name.startswith("remiss") else None
                if target and target != module:
                    graph[module].add(target)
    return graph


def test_no_import_cycle_among_the_packages_modules():
    try:
        order = list(graphlib.TopologicalSorter(_graph()).static_order())
    except graphlib.CycleError as error:
        raise AssertionError(f"import cycle: {' → '.join(error.args[1])}") from None
    assert set(order) == set(MODULES)


def _function_imports(path: Path) -> list[str]:
    hidden = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    names = ", ".join(_imported_names_plain(inner))
                    hidden.append(f"{path.relative_to(PACKAGE.parent)}:{inner.lineno} {names}")
    return hidden


def _imported_names_plain(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [("." * node.level) + (node.module or "")]


def test_no_module_of_the_package_is_imported_inside_a_function():
    """Imports of our own modules belong at the top, where a cycle shows."""
    hidden = [
        line
        for path in MODULES.values()
        for line in _function_imports(path)
        if line.split(" ", 1)[1].startswith(("remiss", "."))
    ]
    assert hidden == []


def test_every_module_imports_in_a_fresh_interpreter_in_dependency_order():
    """Each module imported after only the modules it depends on: a module that works only because
    another one happened to be imported earlier fails here. The production settings are left out:
    they refuse to load without the production environment, by design."""
    order = [m for m in graphlib.TopologicalSorter(_graph()).static_order() if m != "remiss.settings_production"]
    script = (
        "import importlib, sys, django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'remiss.settings')\n"
        "django.setup()\n"
        "for name in sys.argv[1:]:\n"
        "    importlib.import_module(name)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *order],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
