"""The runnable examples in the docstrings of analysis.index are run (and must pass)."""

import doctest
import importlib
import pkgutil

import pytest

import analysis.index

MODULES = sorted(m.name for m in pkgutil.iter_modules(analysis.index.__path__, "analysis.index."))


@pytest.mark.parametrize("name", ["analysis.index", *MODULES])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if name not in ("analysis.index.results",):  # result classes are documented by their fields
        assert result.attempted > 0, f"{name} has no runnable example"
