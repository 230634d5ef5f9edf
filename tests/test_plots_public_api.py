"""No private matplotlib name anywhere in src/: no private module imports, no ``._x`` on matplotlib objects."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str, where: str) -> list[str]:
    """``file:line what`` for every private matplotlib module import and every ``x._name`` access.

    Any ``._name`` attribute access counts, whatever the object, except ``self._name`` /
    ``cls._name`` inside a class that defines ``_name`` itself (assigns it or has such a
    method): a subclass of a matplotlib class reaching its parent's privates is caught.
    """
    found = []
    tree = ast.parse(source)
    own: set[int] = set()
    for cls in [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]:
        defined = {n.name for n in ast.walk(cls) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        defined |= {t.attr for n in ast.walk(cls) if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                    for t in (n.targets if isinstance(n, ast.Assign) else [n.target])
                    if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id in ("self", "cls")}
        own |= {id(n) for n in ast.walk(cls) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                and n.value.id in ("self", "cls") and n.attr in defined}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "matplotlib":
            parts = node.module.split(".")
            if any(_private(p) for p in parts) or any(_private(a.name) for a in node.names):
                found.append(f"{where}:{node.lineno} from {node.module} import {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "matplotlib" and any(_private(p) for p in parts):
                    found.append(f"{where}:{node.lineno} import {alias.name}")
        elif isinstance(node, ast.Attribute) and _private(node.attr) and id(node) not in own:
            found.append(f"{where}:{node.lineno} ._{node.attr.lstrip('_')}")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("getattr", "setattr", "hasattr") \
                and len(node.args) > 1 and isinstance(node.args[1], ast.Constant) \
                and isinstance(node.args[1].value, str) and _private(node.args[1].value):
            found.append(f"{where}:{node.lineno} {node.func.id}(…, {node.args[1].value!r})")
    return found


def _matplotlib_files():
    for path in sorted(SRC.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "matplotlib" in text or "seaborn" in text or path.parts[-2] == "plots":
            yield path, text


def test_the_check_finds_what_it_looks_for():
    bad = ("from matplotlib.backends.backend_agg import _BackendAgg\nimport matplotlib._api\n"
           "from matplotlib import _pylab_helpers\nax._left_title.set_text('x')\nfig.canvas._lastKey = 1\n"
           "getattr(font, '_layout')\n")
    assert len(private_uses(bad, "x.py")) == 6
    assert private_uses("fig.savefig(b)\nax.set_title('t')\nx.__class__\n", "ok.py") == []
    subclass = ("class R(RendererAgg):\n    def __init__(self):\n        self._mine = {}\n"
                "    def draw(self):\n        self._mine.clear()\n        self._renderer.draw()\n")
    assert private_uses(subclass, "r.py") == ["r.py:6 ._renderer"]


def test_no_private_matplotlib_names_in_src():
    files = list(_matplotlib_files())
    assert any(p.name == "_common.py" for p, _ in files)  # the figure code is scanned
    found = [hit for path, text in files for hit in private_uses(text, str(path.relative_to(SRC)))]
    assert found == []


@pytest.mark.parametrize("module", ["_render"])
def test_private_renderer_is_gone(module):
    assert not (SRC / "analysis" / "plots" / f"{module}.py").exists()
