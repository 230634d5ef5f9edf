"""Every docstring example in analysis.convergence runs; the package stays light to import."""

import doctest
import importlib
import pkgutil

import pytest

import analysis.convergence as package

MODULES = sorted(m.name for m in pkgutil.iter_modules(package.__path__, package.__name__ + "."))


@pytest.mark.parametrize("name", [package.__name__, *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no runnable example"
    assert result.failed == 0


def test_library_does_not_import_heavy_references():
    # giddy (~9 s), statsmodels and scipy.stats belong in tests, not on every kernel's path.
    import subprocess
    import sys

    code = ("import sys, analysis.convergence; "
            "print(sorted(m for m in ('giddy', 'statsmodels', 'scipy.stats', 'linearmodels', "
            "'pyfixest') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
