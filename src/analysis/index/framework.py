"""The composite-index framework: pillars, indicators, weights and methods, read from data.

The framework is declared in ``data/index.yml`` (pillars → indicators, weights,
the missing-data and outlier rules, the headline method, the uncertainty
analysis and the selection rules). Polarity is not repeated there: it comes
from ``data/indicators.csv`` (column ``polarity``), or from the caller.

Nothing here is specific to one country: the ids live in the YAML file.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

NORMALISATIONS = ("minmax", "zscore", "distance_to_national")
WEIGHTINGS = ("equal", "pca")
AGGREGATIONS = ("arithmetic", "geometric")
RULE_KINDS = ("index_below", "below_mean_share", "bottom_k", "below_national_share", "all_of", "any_of")


class FrameworkError(ValueError):
    """A framework file (or polarity table) that does not say what is expected.

    Parameters
    ----------
    file : str
        The file (name only, so messages carry no absolute path).
    where : str
        The key path (``pillars[1].indicators[0].weight``) or ``row N``.
    value : object
        What was found.
    expected : str
        What was expected instead.

    Examples
    --------
    >>> str(FrameworkError("index.yml", "method.aggregation", "median", "one of arithmetic, geometric"))
    "index.yml: method.aggregation = 'median': expected one of arithmetic, geometric"
    """

    def __init__(self, file: str, where: str, value: Any, expected: str):
        self.file, self.where, self.value, self.expected = file, where, value, expected
        super().__init__(f"{file}: {where} = {value!r}: expected {expected}")


@dataclass(frozen=True)
class Pillar:
    """One pillar: its indicators and their (relative) weights within it."""

    id: str
    weight: float
    indicators: tuple[str, ...]
    indicator_weights: tuple[float, ...]


@dataclass(frozen=True)
class Rule:
    """One selection rule; which fields matter depends on ``kind``.

    ``index_below``: composite z-score (across regions) < ``threshold``;
    ``below_mean_share``: composite (on the scale the page shows) < ``share`` x the mean
    composite of the regions (the EU's 75 % logic applied to the index);
    ``bottom_k``: rank among the ``k`` worst; ``below_national_share``: raw
    ``indicator`` / national value < ``share``; ``all_of`` / ``any_of``: the
    rules named in ``rules``.
    """

    id: str
    kind: str
    threshold: float | None = None
    k: int | None = None
    indicator: str | None = None
    share: float | None = None
    rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class Method:
    normalisation: str = "minmax"
    weighting: str = "equal"
    aggregation: str = "arithmetic"
    geometric_floor: float = 0.01
    pca_min_explained: float = 0.6


@dataclass(frozen=True)
class Uncertainty:
    normalisations: tuple[str, ...] = NORMALISATIONS
    weightings: tuple[str, ...] = WEIGHTINGS
    aggregations: tuple[str, ...] = AGGREGATIONS
    weight_perturbation: float = 0.25
    drop_one_indicator: bool = True
    draws: int = 10_000
    seed: int = 20260
    rank_interval: tuple[float, float] = (0.05, 0.95)


@dataclass(frozen=True)
class Framework:
    """A composite-index framework (see ``data/index.yml`` for the meaning of each part).

    Examples
    --------
    >>> fw = Framework(name="toy", pillars=(Pillar("a", 1.0, ("x", "y"), (1.0, 1.0)),),
    ...                polarity={"x": 1, "y": -1})
    >>> fw.indicators
    ('x', 'y')
    """

    name: str
    pillars: tuple[Pillar, ...]
    polarity: Mapping[str, int]
    focus_regions: tuple[str, ...] = ()
    carry_forward_years: int = 1
    min_indicator_coverage: float = 0.75
    outlier_skewness: float = 2.0
    outlier_kurtosis: float = 3.5
    outlier_max_values: int = 2
    method: Method = field(default_factory=Method)
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    rules: tuple[Rule, ...] = ()
    select_by: str | None = None
    min_share_of_draws: float = 0.5
    #: the pillars of the framework this one replaced (``previous:`` in the file), to show what changed
    previous_pillars: tuple[Pillar, ...] = ()
    previous_polarity: Mapping[str, int] = field(default_factory=dict)
    previous_until: int | None = None

    @property
    def indicators(self) -> tuple[str, ...]:
        return tuple(i for p in self.pillars for i in p.indicators)

    def with_method(self, **changes: Any) -> "Framework":
        """A copy with some method choices changed (``normalisation=``, ``aggregation=``, …).

        Examples
        --------
        >>> fw = Framework("toy", (Pillar("a", 1.0, ("x",), (1.0,)),), {"x": 1})
        >>> fw.with_method(aggregation="geometric").method.aggregation
        'geometric'
        """
        return dataclasses.replace(self, method=dataclasses.replace(self.method, **changes))

    def without(self, indicators) -> "Framework":
        """A copy without ``indicators`` (a pillar left empty is dropped; the other weights are kept).

        For an edition whose data do not hold an indicator yet: the index is built on the rest.

        Examples
        --------
        >>> fw = Framework("toy", (Pillar("a", 1.0, ("x", "y"), (1.0, 2.0)), Pillar("b", 1.0, ("z",), (1.0,))),
        ...                {"x": 1, "y": -1, "z": 1})
        >>> small = fw.without(["y", "z"])
        >>> small.indicators, [p.id for p in small.pillars], small.polarity
        (('x',), ['a'], {'x': 1})
        """
        gone = set(indicators)
        pillars = []
        for p in self.pillars:
            kept = [(i, w) for i, w in zip(p.indicators, p.indicator_weights) if i not in gone]
            if kept:
                pillars.append(Pillar(p.id, p.weight, tuple(i for i, _ in kept), tuple(w for _, w in kept)))
        if not pillars:
            raise FrameworkError("index.yml", "pillars", sorted(gone), "at least one indicator left in the index")
        return dataclasses.replace(self, pillars=tuple(pillars),
                                   polarity={k: v for k, v in self.polarity.items() if k not in gone})

    def previous(self) -> "Framework | None":
        """The framework this one replaced, with the same method and rules (None if the file names none).

        Examples
        --------
        >>> fw = Framework("toy", (Pillar("a", 1.0, ("x",), (1.0,)),), {"x": 1},
        ...                previous_pillars=(Pillar("a", 1.0, ("y",), (1.0,)),), previous_polarity={"y": -1})
        >>> fw.previous().indicators, fw.previous().polarity
        (('y',), {'y': -1})
        """
        if not self.previous_pillars:
            return None
        return dataclasses.replace(self, name=f"{self.name}_previous", pillars=self.previous_pillars,
                                   polarity=dict(self.previous_polarity), previous_pillars=(),
                                   previous_polarity={})


def default_framework_path() -> Path:
    """``data/index.yml`` of the project (``AIMAQ_DATA_DIR`` overrides the folder).

    Examples
    --------
    >>> default_framework_path().name
    'index.yml'
    """
    env = os.environ.get("AIMAQ_DATA_DIR")
    root = Path(env) if env else Path(__file__).resolve().parents[3] / "data"
    return root / "index.yml"


class _Reader:
    """Typed access to the parsed YAML with error messages naming the key path."""

    def __init__(self, file: str):
        self.file = file

    def fail(self, where: str, value: Any, expected: str) -> FrameworkError:
        return FrameworkError(self.file, where, value, expected)

    def mapping(self, value: Any, where: str) -> Mapping:
        if not isinstance(value, Mapping):
            raise self.fail(where, value, "a mapping of keys to values")
        return value

    def seq(self, value: Any, where: str, nonempty: bool = True) -> list:
        if not isinstance(value, list) or (nonempty and not value):
            raise self.fail(where, value, "a non-empty list")
        return value

    def number(self, value: Any, where: str, lo: float = -math.inf, hi: float = math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
            raise self.fail(where, value, f"a number in [{lo}, {hi}]")
        return float(value)

    def integer(self, value: Any, where: str, lo: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < lo:
            raise self.fail(where, value, f"an integer >= {lo}")
        return value

    def choice(self, value: Any, where: str, options: tuple[str, ...]) -> str:
        if value not in options:
            raise self.fail(where, value, "one of " + ", ".join(options))
        return value

    def ident(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, value, "a non-empty identifier")
        return value


def _parse_pillars(r: _Reader, raw: Any, where_root: str = "pillars",
                   stated: dict | None = None) -> tuple[Pillar, ...]:
    """Pillars of a ``pillars:`` list; ``stated`` collects each indicator's declared polarity (if any)."""
    pillars, seen = [], set()
    for i, p in enumerate(r.seq(raw, where_root)):
        where = f"{where_root}[{i}]"
        p = r.mapping(p, where)
        pid = r.ident(p.get("id"), f"{where}.id")
        weight = r.number(p.get("weight", 1.0), f"{where}.weight", 0.0)
        ids, weights = [], []
        for j, ind in enumerate(r.seq(p.get("indicators"), f"{where}.indicators")):
            w_where = f"{where}.indicators[{j}]"
            if isinstance(ind, str):  # a bare id means weight 1
                ind = {"id": ind}
            ind = r.mapping(ind, w_where)
            iid = r.ident(ind.get("id"), f"{w_where}.id")
            if iid in seen:
                raise r.fail(f"{w_where}.id", iid, "each indicator in one pillar only")
            seen.add(iid)
            if "polarity" in ind and stated is not None:
                stated[iid] = (parse_polarity(ind["polarity"], r.file, f"{w_where}.polarity"), f"{w_where}.polarity")
            ids.append(iid)
            weights.append(r.number(ind.get("weight", 1.0), f"{w_where}.weight", 0.0))
        if sum(weights) <= 0:
            raise r.fail(f"{where}.indicators", weights, "at least one positive weight")
        pillars.append(Pillar(pid, weight, tuple(ids), tuple(weights)))
    if sum(p.weight for p in pillars) <= 0:
        raise r.fail(where_root, [p.weight for p in pillars], "at least one positive pillar weight")
    return tuple(pillars)


def _parse_rules(r: _Reader, raw: Any, indicators: tuple[str, ...]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for i, rule in enumerate(r.seq(raw, "selection.rules")):
        where = f"selection.rules[{i}]"
        rule = r.mapping(rule, where)
        rid = r.ident(rule.get("id"), f"{where}.id")
        kind = r.choice(rule.get("kind"), f"{where}.kind", RULE_KINDS)
        if kind == "index_below":
            rules.append(Rule(rid, kind, threshold=r.number(rule.get("threshold"), f"{where}.threshold")))
        elif kind == "below_mean_share":
            rules.append(Rule(rid, kind, share=r.number(rule.get("share"), f"{where}.share", 0.0, 1.0)))
        elif kind == "bottom_k":
            rules.append(Rule(rid, kind, k=r.integer(rule.get("k"), f"{where}.k", 1)))
        elif kind == "below_national_share":
            ind = r.choice(rule.get("indicator"), f"{where}.indicator", indicators)
            share = r.number(rule.get("share"), f"{where}.share", 0.0)
            rules.append(Rule(rid, kind, indicator=ind, share=share))
        else:
            known = tuple(x.id for x in rules)  # only earlier rules: no cycles
            names = r.seq(rule.get("rules"), f"{where}.rules")
            for j, name in enumerate(names):
                r.choice(name, f"{where}.rules[{j}]", known)
            rules.append(Rule(rid, kind, rules=tuple(names)))
    ids = [x.id for x in rules]
    if len(set(ids)) != len(ids):
        raise r.fail("selection.rules", ids, "unique rule ids")
    return tuple(rules)


def parse_polarity(value: Any, file: str, where: str) -> int:
    """Read one polarity cell: ``1``/``+``/``positive`` or ``-1``/``-``/``negative``.

    Examples
    --------
    >>> parse_polarity("negative", "indicators.csv", "row 3, column polarity")
    -1
    """
    text = str(value).strip().lower()
    if text in ("1", "+1", "+", "positive", "higher_is_better", "1.0"):
        return 1
    if text in ("-1", "-", "negative", "lower_is_better", "-1.0"):
        return -1
    raise FrameworkError(file, where, value, "+1 (more is better) or -1 (less is better)")


def polarity_from_indicators(table: Any, indicators: tuple[str, ...], file: str = "indicators.csv") -> dict:
    """Polarity of each framework indicator from the indicator metadata table.

    ``table`` has columns ``id`` (or ``indicator``) and ``polarity``.

    Examples
    --------
    >>> import pandas as pd
    >>> polarity_from_indicators(pd.DataFrame({"id": ["a", "b"], "polarity": ["positive", "negative"]}), ("b",))
    {'b': -1}
    """
    id_col = "id" if "id" in table.columns else "indicator"
    if id_col not in table.columns or "polarity" not in table.columns:
        raise FrameworkError(file, "columns", list(table.columns), "columns 'id' and 'polarity'")
    out = {}
    rows = {str(v): n for n, v in enumerate(table[id_col])}
    for ind in indicators:
        if ind not in rows:
            raise FrameworkError(file, f"column {id_col}", ind, "a row for every index indicator")
        n = rows[ind]
        out[ind] = parse_polarity(table["polarity"].iloc[n], file, f"row {n + 2}, column polarity")
    return out


def load_framework(path: str | Path | None = None, *, polarity: Mapping[str, int] | None = None,
                   data_dir: str | Path | None = None) -> Framework:
    """Read and validate a framework file.

    Parameters
    ----------
    path : path, optional
        The YAML file; default ``data/index.yml`` of the project.
    polarity : mapping, optional
        indicator id → +1/-1. Default: ``analysis.data.load_indicators(data_dir)``.
    data_dir : path, optional
        Passed to ``load_indicators`` when ``polarity`` is not given; by default the
        folder of ``path`` if it holds an ``indicators.csv``, else the project's data.

    Examples
    --------
    >>> fw = load_framework(polarity={"grp_per_capita_rel": 1, "investment_per_capita": 1,
    ...     "income_per_capita_nominal_monthly": 1, "unemployment_rate": -1, "life_expectancy_at_birth": 1,
    ...     "doctors_per_10k": 1, "emissions_per_capita": -1})
    >>> [p.id for p in fw.pillars], fw.previous() is None  # the previous framework's polarity was not given
    (['economic', 'social', 'environmental'], True)
    """
    path = Path(path) if path is not None else default_framework_path()
    r = _Reader(path.name)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise r.fail("file", str(path.name), f"a readable YAML file ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise r.fail(where, getattr(exc, "problem", "?"), "valid YAML") from None
    raw = r.mapping(raw, "top level")
    stated: dict = {}
    pillars = _parse_pillars(r, raw.get("pillars"), stated=stated)
    indicators = tuple(i for p in pillars for i in p.indicators)
    prev = r.mapping(raw.get("previous", {}), "previous")
    previous = _parse_pillars(r, prev["pillars"], "previous.pillars") if "pillars" in prev else ()
    previous_ids = tuple(i for p in previous for i in p.indicators)
    if polarity is None:
        from analysis.data import load_indicators  # the data room is below us

        if data_dir is None and (path.parent / "indicators.csv").exists():
            data_dir = path.parent  # a framework file inside a data folder goes with that folder's metadata
        wanted = indicators + tuple(i for i in previous_ids if i not in indicators)
        polarity = polarity_from_indicators(load_indicators(data_dir), wanted)
    missing_pol = [i for i in indicators if i not in polarity]
    if missing_pol:
        raise r.fail("polarity", missing_pol, "a polarity for every indicator")
    previous_polarity = {i: parse_polarity(polarity[i], "polarity", i) for i in previous_ids if i in polarity}
    polarity = {i: parse_polarity(polarity[i], "polarity", i) for i in indicators}
    # a polarity written next to an indicator (with its reason) must agree with the metadata, the one source
    for iid, (declared, where) in stated.items():
        if declared != polarity[iid]:
            raise r.fail(where, declared, f"{polarity[iid]:+d}, the polarity of {iid!r} in indicators.csv")

    miss = r.mapping(raw.get("missing", {}), "missing")
    out = r.mapping(raw.get("outliers", {}), "outliers")
    m = r.mapping(raw.get("method", {}), "method")
    method = Method(
        normalisation=r.choice(m.get("normalisation", "minmax"), "method.normalisation", NORMALISATIONS),
        weighting=r.choice(m.get("weighting", "equal"), "method.weighting", WEIGHTINGS),
        aggregation=r.choice(m.get("aggregation", "arithmetic"), "method.aggregation", AGGREGATIONS),
        geometric_floor=r.number(m.get("geometric_floor", 0.01), "method.geometric_floor", 1e-9, 0.5),
        pca_min_explained=r.number(m.get("pca_min_explained", 0.6), "method.pca_min_explained", 0.0, 1.0),
    )
    u = r.mapping(raw.get("uncertainty", {}), "uncertainty")
    interval = r.seq(u.get("rank_interval", [0.05, 0.95]), "uncertainty.rank_interval")
    if len(interval) != 2:
        raise r.fail("uncertainty.rank_interval", interval, "two quantiles [low, high]")
    unc = Uncertainty(
        normalisations=tuple(r.choice(x, f"uncertainty.normalisations[{i}]", NORMALISATIONS)
                             for i, x in enumerate(r.seq(u.get("normalisations", list(NORMALISATIONS)),
                                                         "uncertainty.normalisations"))),
        weightings=tuple(r.choice(x, f"uncertainty.weightings[{i}]", WEIGHTINGS)
                         for i, x in enumerate(r.seq(u.get("weightings", list(WEIGHTINGS)),
                                                     "uncertainty.weightings"))),
        aggregations=tuple(r.choice(x, f"uncertainty.aggregations[{i}]", AGGREGATIONS)
                           for i, x in enumerate(r.seq(u.get("aggregations", list(AGGREGATIONS)),
                                                       "uncertainty.aggregations"))),
        weight_perturbation=r.number(u.get("weight_perturbation", 0.25), "uncertainty.weight_perturbation", 0, 0.99),
        drop_one_indicator=bool(u.get("drop_one_indicator", True)),
        draws=r.integer(u.get("draws", 10_000), "uncertainty.draws", 1),
        seed=r.integer(u.get("seed", 20260), "uncertainty.seed", 0),
        rank_interval=(r.number(interval[0], "uncertainty.rank_interval[0]", 0, 1),
                       r.number(interval[1], "uncertainty.rank_interval[1]", 0, 1)),
    )
    sel = r.mapping(raw.get("selection", {}), "selection")
    rules = _parse_rules(r, sel["rules"], indicators) if "rules" in sel else ()
    select_by = sel.get("select_by")
    if select_by is not None:
        r.choice(select_by, "selection.select_by", tuple(x.id for x in rules))
    focus = r.seq(raw.get("focus_regions", []), "focus_regions", nonempty=False)
    return Framework(
        name=r.ident(raw.get("name", path.stem), "name"),
        pillars=pillars,
        polarity=polarity,
        focus_regions=tuple(r.ident(x, f"focus_regions[{i}]") for i, x in enumerate(focus)),
        carry_forward_years=r.integer(miss.get("carry_forward_years", 1), "missing.carry_forward_years"),
        min_indicator_coverage=r.number(miss.get("min_indicator_coverage", 0.75),
                                        "missing.min_indicator_coverage", 0.0, 1.0),
        outlier_skewness=r.number(out.get("skewness", 2.0), "outliers.skewness", 0.0),
        outlier_kurtosis=r.number(out.get("kurtosis", 3.5), "outliers.kurtosis"),
        outlier_max_values=r.integer(out.get("max_values", 2), "outliers.max_values"),
        method=method,
        uncertainty=unc,
        rules=rules,
        select_by=select_by,
        min_share_of_draws=r.number(sel.get("min_share_of_draws", 0.5), "selection.min_share_of_draws", 0.0, 1.0),
        previous_pillars=previous if len(previous_polarity) == len(previous_ids) else (),
        previous_polarity=previous_polarity if len(previous_polarity) == len(previous_ids) else {},
        previous_until=(r.integer(prev["until_edition"], "previous.until_edition", 1)
                        if "until_edition" in prev else None),
    )
