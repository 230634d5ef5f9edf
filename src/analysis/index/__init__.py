"""Composite development index, its uncertainty, and transparent selection of regions.

The framework (pillars, indicators, weights, method choices, selection rules)
is declared in data (``data/index.yml``) and read by :func:`load_framework`;
polarity comes from the indicator metadata. The steps follow the JRC/OECD
*Handbook on Constructing Composite Indicators* (2008).

Entry points
------------
load_framework(path=None, *, polarity=None)      -> Framework
build_index(panel, framework, year=None, *, national=None) -> IndexResult
coherence(result)                                 -> CoherenceReport
sensitivity(panel, framework, year=None, *, national=None, draws=None, seed=None) -> SensitivityResult
select_regions(result, rules=None, *, sensitivity=None) -> SelectionResult
index_over_time(panel, framework, years=None, *, national=None, base_year=None) -> IndexOverTime
covered_years(panel, framework)                   -> list of years with full indicator coverage
share_below_threshold(panel, value, population, *, threshold=0.75, national=None) -> DataFrame by year

Nothing here is specific to one country.

Examples
--------
>>> import pandas as pd
>>> from analysis.index import Framework, Pillar, build_index, select_regions
>>> fw = Framework("toy", (Pillar("a", 1.0, ("x",), (1.0,)),), {"x": 1})
>>> panel = pd.DataFrame({"region": list("ABC"), "year": 2020, "x": [1.0, 2.0, 3.0]})
>>> build_index(panel, fw).table["rank"].to_dict()
{'C': 1, 'B': 2, 'A': 3}
"""

import importlib

# Each public name and the module that defines it. They are imported on first use (PEP 562): every
# `aimaq run` reads the framework (analysis.index.framework) to plan its runs, and the estimators'
# imports (scipy.stats, about a second) would otherwise come with it.
_EXPORTS = {
    "build_index": "build", "coherence": "coherence", "index_over_time": "overtime",
    "share_below_threshold": "headline", "select_regions": "selection", "sensitivity": "sensitivity",
    "Framework": "framework", "FrameworkError": "framework", "Method": "framework", "Pillar": "framework",
    "Rule": "framework", "load_framework": "framework",
    "IndexInputError": "prepare", "coverage": "prepare", "covered_years": "prepare",
    "CoherenceReport": "results", "IndexOverTime": "results", "IndexResult": "results",
    "SelectionResult": "results", "SensitivityResult": "results",
}

__all__ = [
    "share_below_threshold",
    "build_index", "coherence", "sensitivity", "select_regions", "index_over_time", "load_framework",
    "covered_years", "coverage", "Framework", "Pillar", "Rule", "Method", "FrameworkError",
    "IndexInputError", "IndexResult", "CoherenceReport", "SensitivityResult", "SelectionResult",
    "IndexOverTime",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
        globals()[name] = value  # once imported, a plain attribute
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_EXPORTS])
