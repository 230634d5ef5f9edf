"""Imports only go down: no module of a room imports, even lazily, a module that imports it back."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(package: str) -> dict[str, set[str]]:
    """Module -> the modules of ``package`` it imports anywhere in its body (functions included)."""
    root = SRC.joinpath(*package.split("."))
    modules = {_module_name(p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = name if is_package else name.rsplit(".", 1)[0]
                if node.level:
                    base = ".".join(base.split(".")[: len(base.split(".")) - node.level + 1])
                    target = f"{base}.{node.module}" if node.module else base
                else:
                    target = node.module or ""
                candidates = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                candidates = [a.name for a in node.names]
            else:
                continue
            targets |= {c for c in candidates if c in modules and c != name}
        graph[name] = targets
    return graph


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Pairs (a, b) where a reaches b and b reaches a, package ``__init__`` files left out (they re-export)."""
    inits = {m for m in graph if SRC.joinpath(*m.split(".")).is_dir()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen and nxt not in inits:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reached = {m: reach(m) for m in graph if m not in inits}
    return sorted((a, b) for a in reached for b in reached[a] if a < b and a in reached.get(b, ()))


def test_the_cycle_finder_finds_a_circle():
    graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
    assert cycles(graph) == [("p.a", "p.b"), ("p.a", "p.c"), ("p.b", "p.c")]


@pytest.mark.parametrize("package", ["analysis.programmes", "analysis.report", "analysis.pipeline"])
def test_no_import_circle(package):
    assert cycles(import_graph(package)) == []


def test_results_import_no_estimator():
    graph = import_graph("analysis.programmes")
    assert graph["analysis.programmes.results"] == set()
