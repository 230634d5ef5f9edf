"""Notebooks only present (issue 12): their code is parsed, not grepped.

A notebook may contain, after its ``parameters`` cell, exactly these statements
and nothing else:

* imports from the library (``from analysis import chapters, report``);
* ``edition = chapters.Edition.build(year, data_dir, as_of)`` — the one validated context;
* ``chapter = chapters.<page>_chapter(edition, <parameters>)`` — exactly one chapter call,
  whose arguments are the edition and the notebook's own parameter names;
* ``report.<page>_page(chapter)`` — exactly one render call, the last statement.

Any other statement (a loop, an assignment of a computed value, a literal argument, a
call into ``analysis.data`` or a plotting function) is logic that belongs in the library,
and fails the test with the notebook, cell and line that holds it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def _parameter_names(nb) -> set[str]:
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    return {t.id for node in ast.parse(cell.source).body for t in node.targets}


def _is_name(node, name: str | None = None) -> bool:
    return isinstance(node, ast.Name) and (name is None or node.id == name)


def _attr_call(node, obj: str) -> str | None:
    """``obj.<attr>(...)`` → attr, else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and _is_name(node.func.value, obj):
        return node.func.attr
    return None


def classify(stmt: ast.stmt, params: set[str]) -> str:
    """Name the kind of one statement of a thin notebook, or raise ``ValueError`` saying why not."""
    if isinstance(stmt, ast.ImportFrom) and stmt.module == "analysis" and stmt.level == 0:
        return "import"
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and _is_name(stmt.targets[0]):
        target, value = stmt.targets[0].id, stmt.value
        if target == "edition":
            call = value
            ok = (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr == "build"
                and isinstance(call.func.value, ast.Attribute)
                and call.func.value.attr == "Edition"
                and _is_name(call.func.value.value, "chapters")
                and [a.id for a in call.args if _is_name(a)] == ["year", "data_dir", "as_of"]
                and len(call.args) == 3
                and not call.keywords
            )
            if ok:
                return "edition"
            raise ValueError("`edition` must be chapters.Edition.build(year, data_dir, as_of)")
        if target == "chapter":
            attr = _attr_call(value, "chapters")
            if not (attr and attr.endswith("_chapter")):
                raise ValueError("`chapter` must be the result of one chapters.<page>_chapter(...) call")
            args = list(value.args) + [k.value for k in value.keywords]
            if not args or not _is_name(args[0], "edition"):
                raise ValueError("a chapter call takes the edition first")
            bad = [ast.unparse(a) for a in args[1:] if not (_is_name(a) and a.id in params)]
            if bad:
                raise ValueError(f"chapter arguments must be the notebook's parameters, not {', '.join(bad)}")
            return "chapter"
    if isinstance(stmt, ast.Expr):
        attr = _attr_call(stmt.value, "report")
        if attr and attr.endswith("_page"):
            call = stmt.value
            if len(call.args) == 1 and _is_name(call.args[0], "chapter") and not call.keywords:
                return "render"
            raise ValueError("the render call takes the chapter only: report.<page>_page(chapter)")
    raise ValueError("only imports, the edition, one chapter call and one render call belong in a notebook")


def check_notebook(nb) -> list[str]:
    """Every violation of the thin-notebook grammar, as 'cell N, line L: code — why'."""
    params = _parameter_names(nb)
    problems, kinds = [], []
    code_cells = [c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    for i, cell in enumerate(code_cells, start=1):
        for stmt in ast.parse(cell.source).body:
            try:
                kinds.append(classify(stmt, params))
            except ValueError as why:
                problems.append(f"code cell {i}, line {stmt.lineno}: {ast.unparse(stmt)[:80]!r} — {why}")
    for kind in ("edition", "chapter", "render"):
        if kinds.count(kind) != 1:
            problems.append(f"expected exactly one {kind} statement, found {kinds.count(kind)}")
    if kinds and kinds[-1] != "render":
        problems.append("the render call must be the last statement")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_only_presents(path):
    problems = check_notebook(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name} holds logic that belongs in analysis.chapters:\n" + "\n".join(problems)


def _nb(*sources: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('year = 2023\ndata_dir = ""\nas_of = ""\nregion = "KZ-43"')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params] + [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


THIN = (
    "from analysis import chapters, report\nedition = chapters.Edition.build(year, data_dir, as_of)",
    "chapter = chapters.region_chapter(edition, region)",
    "report.region_page(chapter)",
)


def test_the_grammar_accepts_a_thin_notebook():
    assert check_notebook(_nb(*THIN)) == []


@pytest.mark.parametrize(
    "extra, why",
    [
        ("import pandas as pd", "only imports"),
        ("panel = chapters.Edition.build(year, data_dir).panel", "only imports"),
        ("for r in [1, 2]:\n    report.region_page(chapter)", "only imports"),
        ("chapter = chapters.region_chapter(edition, 'KZ-43')", "parameters"),
        ("report.region_page(chapter, lang='kk')", "chapter only"),
        ("print(chapter)", "only imports"),
    ],
)
def test_the_grammar_refuses_logic(extra, why):
    problems = check_notebook(_nb(*THIN[:2], extra, THIN[2]))
    assert any(why in p for p in problems), problems


def test_the_grammar_needs_exactly_one_chapter_and_render():
    assert any("exactly one render" in p for p in check_notebook(_nb(*THIN[:2])))
    assert any("exactly one chapter" in p for p in check_notebook(_nb(THIN[0], THIN[1], THIN[1], THIN[2])))
