"""The shape of the house, checked on every run: packages in layers without cycles, Streamlit only in
``strategy/ui/`` and the pages, nothing private imported across packages, and the README's layout table
naming every package once.

Imports are read from the source (module level and inside functions alike: a late import is still a
dependency), so nothing here runs the code it checks."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "strategy"

#: The layers, lowest first. A package may import from its own layer's packages below it in this list
#: and from any lower layer, never from a higher one: that is what keeps the packages free of cycles.
LAYERS = [
    "core",
    "tabular",
    "guide",
    "people",
    "answers",
    "evidence",
    "word",
    "plan",
    "delivery",
    "workshops",
    "assessments",
    "finalise",
    "chain",
    "features",
    "documents",
    "demo",
    "cli",
    "ui",
]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "versions" not in p.relative_to(PACKAGE).parts)


def _package_of(module: str) -> str:
    """strategy.plan.io -> plan; strategy.demo -> demo; strategy -> strategy."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


class Imports(ast.NodeVisitor):
    """Every strategy module a file imports, and the names it takes from each."""

    def __init__(self, module: str, is_package: bool):
        self.module, self.is_package = module, is_package
        self.found: list[tuple[str, str | None, int]] = []  # (module, name or None, line)

    def _resolve(self, node: ast.ImportFrom) -> str:
        if not node.level:
            return node.module or ""
        base = self.module.split(".")
        base = base if self.is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in ("strategy", "streamlit"):
                self.found.append((alias.name, None, node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        target = self._resolve(node)
        if target.split(".")[0] not in ("strategy", "streamlit"):
            return
        for alias in node.names:
            submodule = f"{target}.{alias.name}"
            if (ROOT / Path(*submodule.split("."))).with_suffix(".py").exists() or (ROOT / Path(*submodule.split("."))).is_dir():
                self.found.append((submodule, None, node.lineno))  # ``from strategy.plan import io``
            else:
                self.found.append((target, alias.name, node.lineno))


def _imports() -> dict[str, list[tuple[str, str | None, int]]]:
    out = {}
    for path in _source_files():
        module = _module_name(path)
        visitor = Imports(module, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8")))
        out[module] = visitor.found
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _module_graph() -> dict[str, set[str]]:
    modules = {_module_name(p) for p in _source_files()}
    graph: dict[str, set[str]] = defaultdict(set)
    for module, found in _imports().items():
        for target, _name, _line in found:
            if target in modules and target != module and not module.startswith(target + "."):
                graph[module].add(target)
    return graph


def test_the_layer_list_names_every_package_and_nothing_else():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    top_modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert sorted(packages | top_modules) == sorted(LAYERS)


def test_no_module_imports_a_module_that_imports_it_back():
    assert _cycles(_module_graph()) == []


def test_packages_only_import_from_lower_layers():
    wrong = []
    for module, found in _imports().items():
        here = _package_of(module)
        for target, _name, line in found:
            there = _package_of(target)
            if target.startswith("strategy") and there in LAYERS and here in LAYERS and LAYERS.index(there) > LAYERS.index(here):
                wrong.append(f"{module}:{line} imports {target} ({there} is above {here})")
    assert wrong == []


def test_streamlit_is_imported_only_by_the_ui_package_and_the_pages():
    wrong = [
        f"{module}:{line}"
        for module, found in _imports().items()
        for target, _name, line in found
        if target.split(".")[0] == "streamlit" and not module.startswith("strategy.ui")
    ]
    assert wrong == []


def test_nothing_private_is_imported_across_packages():
    wrong = []
    for module, found in _imports().items():
        for target, name, line in found:
            if name and name.startswith("_") and not name.startswith("__") and _package_of(target) != _package_of(module):
                wrong.append(f"{module}:{line} takes {name} from {target}")
    # ``alias._private`` on an imported module of another package
    for path in _source_files():
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("strategy"):
                for alias in node.names:
                    if (ROOT / Path(*f"{node.module}.{alias.name}".split("."))).with_suffix(".py").exists():
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and _package_of(aliases[node.value.id]) != _package_of(module)
            ):
                wrong.append(f"{module}:{node.lineno} uses {node.value.id}.{node.attr}")
    assert wrong == []


def test_views_and_the_app_import_nothing_private_from_strategy():
    wrong = []
    for page in [*sorted((ROOT / "views").glob("*.py")), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(page.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("strategy"):
                wrong += [f"{page.name} takes {a.name}" for a in node.names if a.name.startswith("_")]
    assert wrong == []


def test_the_checker_finds_a_cycle_and_a_layer_break():
    """The checks above would fail on a real cycle: proven on a small made-up graph."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _readme_layout_rows() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Layout", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([^`]+)` \|", section, flags=re.M)


def test_the_readme_layout_table_lists_every_package_once():
    rows = _readme_layout_rows()
    assert len(rows) == len(set(rows)), [r for r in rows if rows.count(r) > 1]
    wanted = {f"strategy/{p.name}/" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    wanted |= {f"strategy/{p.name}" for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    wanted.add("strategy/core/migrations/")
    assert sorted(wanted - set(rows)) == []
    listed = {r for r in rows if r.startswith("strategy/")}
    assert sorted(r for r in listed - wanted) == []


@pytest.mark.parametrize("package", sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()))
def test_every_package_says_what_it_holds(package):
    doc = ast.get_docstring(ast.parse((PACKAGE / package / "__init__.py").read_text(encoding="utf-8")))
    assert doc and len(doc) > 30
