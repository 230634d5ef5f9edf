"""The convergence page: sigma, beta, rolling windows, distribution dynamics and clubs, reconciled.

:func:`convergence_chapter` computes every estimate of the page on the stable
basis of the edition, in real terms where the measure depends on prices: β and the rolling β use
real growth (GRP per capita at constant 2015 prices, chain-linked from BNS's volume index; the
nominal β is kept as a labelled comparison, :attr:`ConvergenceChapter.beta_windows`), while σ,
the distribution dynamics and the clubs use each year's cross-section in that year's prices --
they are scale-free (relative to the year's mean or in logs), so a price level common to all
regions cancels in them. The change map shows the real change. It finds the sub-periods in which the dispersion trend
changed direction (:func:`direction_periods`, from the data) and decides one
headline with :data:`analysis.chapters.decision.CONVERGENCE_RULES`.

Examples
--------
>>> import pandas as pd
>>> cv = pd.Series([0.50, 0.55, 0.60, 0.65, 0.70, 0.75, 0.70, 0.65, 0.60, 0.55, 0.50, 0.45],
...                index=range(2000, 2012))
>>> [(p.start, p.end, p.direction) for p in direction_periods(cv, min_years=5)]
[(2000, 2005, 1), (2005, 2011, -1)]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.decision import ALPHA, CONVERGENCE_RULES, decide
from analysis.chapters.edition import Edition

__all__ = ["Period", "ConvergenceChapter", "convergence_chapter", "direction_periods", "HEADLINE",
           "ROLLING_YEARS"]

HEADLINE = "grp_per_capita"
#: the level whose growth β measures: real GRP per capita (constant 2015 prices)
REAL = "grp_per_capita_real"
ROLLING_YEARS = 10
#: the reference β windows beside the whole period (the boundaries of the oil boom and of the
#: 2014-2015 tenge devaluation)
BREAK_YEARS = (2007, 2014)
_SIGN = {"converging": -1, "diverging": 1, "no_significant_change": 0}


@dataclass(frozen=True)
class Period:
    """A sub-period of the dispersion series: +1 dispersion rose significantly, -1 fell, 0 neither."""

    start: int
    end: int
    direction: int
    slope: float
    pvalue: float


def _sse(y: np.ndarray, x: np.ndarray) -> float:
    design = np.column_stack([np.ones_like(x), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(((y - design @ coef) ** 2).sum())


def direction_periods(series: pd.Series, *, min_years: int = 5, alpha: float = ALPHA) -> tuple[Period, ...]:
    """Split ``series`` (indexed by year) where its linear trend turned, if the data show a turn.

    The break year is the one that minimises the summed squared residuals of two
    linear trends joined there (each at least ``min_years`` long; the break year
    belongs to both). A break is kept only when both trends are significant at
    ``alpha`` (Newey–West, :func:`analysis.convergence.sigma_trend`) and of opposite
    sign; each kept half is searched again. Without a turn the whole series is one period.
    """
    from analysis.convergence import sigma_trend

    series = series.dropna().sort_index()
    years = series.index.to_numpy(dtype=float)
    values = series.to_numpy(dtype=float)
    whole = sigma_trend(series, alpha=alpha)
    best = None
    for k in range(min_years - 1, len(years) - min_years + 1):
        sse = _sse(values[: k + 1], years[: k + 1]) + _sse(values[k:], years[k:])
        if best is None or sse < best[0]:
            best = (sse, k)
    if best is not None:
        b = int(years[best[1]])
        left, right = sigma_trend(series.loc[:b], alpha=alpha), sigma_trend(series.loc[b:], alpha=alpha)
        dl, dr = _SIGN[left.verdict], _SIGN[right.verdict]  # +1: dispersion rose (diverging)
        if dl != 0 and dr != 0 and dl != dr:
            return (direction_periods(series.loc[:b], min_years=min_years, alpha=alpha)
                    + direction_periods(series.loc[b:], min_years=min_years, alpha=alpha))
    return (Period(int(years[0]), int(years[-1]), _SIGN[whole.verdict], whole.slope, whole.pvalue),)


@dataclass(frozen=True)
class ConvergenceChapter:
    """Everything the convergence page shows."""

    edition: Edition
    indicator: str
    units_count: int
    start: int
    end: int
    window: pd.DataFrame = field(repr=False)
    dispersion: pd.DataFrame = field(repr=False)
    trend: object
    beta: object
    rolling: pd.DataFrame = field(repr=False)
    chain: object
    clubs: object
    between_share: float
    periods: tuple[Period, ...]
    facts: tuple[tuple[str, object], ...]
    verdict: str
    focus: tuple[str, ...]
    level_now: pd.Series = field(repr=False)
    change: pd.Series = field(repr=False)
    map_start: int
    real_indicator: str = REAL
    beta_nominal: object = None
    real_window: pd.DataFrame = field(default=None, repr=False)
    beta_windows: pd.DataFrame = field(default=None, repr=False)  # start, end, measure, beta, p, speed, half_life
    #: "real": β, the rolling β and the change map on the real series; "nominal": the edition's data
    #: had no volume index yet (:meth:`Edition.prices`), so they are on the nominal one, labelled
    prices: str = "real"

    @property
    def rolling_converging(self) -> int:
        return int((self.rolling["verdict"] == "converging").sum()) if len(self.rolling) else 0

    @property
    def rolling_diverging(self) -> int:
        return int((self.rolling["verdict"] == "diverging").sum()) if len(self.rolling) else 0

    def glue_values(self) -> dict:
        """Glued values: the names of earlier editions kept, new ones added."""
        d, end, start = self.dispersion, self.end, self.start
        out = {
            "start_year": start, "end_year": end,
            "cv_start": float(d.loc[start, "cv"]), "cv_end": float(d.loc[end, "cv"]),
            "cv_weighted_end": float(d.loc[end, "cv_weighted"]), "theil_end": float(d.loc[end, "theil_t"]),
            "theil_between_share": self.between_share, "sigma_slope": self.trend.slope,
            "sigma_pvalue": self.trend.pvalue, "beta": self.beta.beta, "beta_pvalue": self.beta.pvalue,
            "rolling_windows": len(self.rolling), "markov_pvalue": self.chain.pvalue,
            "shorrocks": self.chain.shorrocks, "clubs_count": len(self.clubs.clubs), "clubs_t": self.clubs.t_stat,
            "clubs_b": self.clubs.b, "rolling_converging": self.rolling_converging,
            "rolling_diverging": self.rolling_diverging, "periods_count": len(self.periods),
            "verdict": self.verdict,
        }
        if self.beta_nominal is not None:
            out["beta_nominal"], out["beta_nominal_pvalue"] = self.beta_nominal.beta, self.beta_nominal.pvalue
        if self.beta_windows is not None:
            for row in self.beta_windows.itertuples():
                key = f"beta_{row.measure}_{row.start}_{row.end}"
                out[key], out[f"{key}_pvalue"] = float(row.beta), float(row.p)
        for i, p in enumerate(self.periods, start=1):
            out[f"period{i}_start"], out[f"period{i}_end"], out[f"period{i}_direction"] = p.start, p.end, p.direction
        return out


def convergence_facts(trend, beta, periods) -> dict:
    """The facts :data:`CONVERGENCE_RULES` reads."""
    return {"sigma": _SIGN[trend.verdict], "beta": _SIGN[beta.verdict],
            "direction_changes": sum(1 for a, b in zip(periods, periods[1:]) if a.direction != b.direction)}


def beta_windows(nominal_window: pd.DataFrame, real_window: pd.DataFrame | None, indicator: str, real: str | None,
                 start: int, end: int) -> pd.DataFrame:
    """Real and nominal β, speed λ and half-life for the whole period and the reference sub-periods.

    Without a real series (``real_window`` None) only the nominal rows."""
    from analysis import convergence

    bounds = sorted({start, end, *(y for y in BREAK_YEARS if start < y < end)})
    spans = [(start, end)] + ([(a, b) for a, b in zip(bounds, bounds[1:])] if len(bounds) > 2 else [])
    measures = ([("real", real_window, real)] if real_window is not None else []) \
        + [("nominal", nominal_window, indicator)]
    rows = []
    for a, b in spans:
        for measure, frame, column in measures:
            r = convergence.beta(frame, column, a, b)
            rows.append({"start": a, "end": b, "measure": measure, "beta": r.beta, "p": r.pvalue,
                         "speed": r.speed, "half_life": r.half_life, "verdict": r.verdict})
    return pd.DataFrame(rows)


def convergence_chapter(edition: Edition, indicator: str = HEADLINE, real: str = REAL) -> ConvergenceChapter:
    """Every estimate of the convergence page for ``edition`` and the headline they give together."""
    from analysis import convergence

    panel = edition.panel("stable", [indicator, real, "population_avg"])
    panel["kind"] = panel["region"].map(edition.regions()["kind"])
    start, end = edition.complete_years(panel, indicator)
    window = panel[(panel["year"] >= start) & (panel["year"] <= end)]
    dispersion = convergence.sigma(window, indicator, weight="population_avg", group="kind")
    trend = convergence.sigma_trend(dispersion["cv"])
    prices = edition.prices(panel, real)
    if prices == "real":  # growth-based measures in real terms, over the years every region has the real level
        r_start, r_end = edition.complete_years(panel, real)
        r_start, r_end = max(r_start, start), min(r_end, end)
    else:  # no volume index on the edition's date of the data: nominal growth, labelled so
        real, (r_start, r_end) = indicator, (start, end)
    real_window = panel[(panel["year"] >= r_start) & (panel["year"] <= r_end)]
    beta = convergence.beta(real_window, real, r_start, r_end)
    beta_nominal = convergence.beta(window, indicator, r_start, r_end) if prices == "real" else None
    rolling = convergence.rolling_beta(real_window, real, window=ROLLING_YEARS)
    chain = convergence.markov(window, indicator, classes=5, relative=True, pooled=True, seed=0)
    clubs = convergence.clubs(window, indicator)
    between = float(dispersion.loc[end, "theil_t_between"] / dispersion.loc[end, "theil_t"])
    periods = direction_periods(dispersion["cv"])
    facts = convergence_facts(trend, beta, periods)

    current = edition.panel("current", [indicator, real])
    now = current[current["year"] == end].set_index("region").reindex(edition.units(end, "current"))
    level_now = now[indicator]
    map_start = max(start, end - 5)
    then = current[current["year"] == map_start].set_index("region")[real]
    change = now[real] - then.reindex(now.index)  # the real change, at 2015 prices (nominal without an index)
    return ConvergenceChapter(
        edition=edition, indicator=indicator, units_count=int(panel["region"].nunique()), start=start, end=end,
        window=window, dispersion=dispersion, trend=trend, beta=beta, rolling=rolling, chain=chain, clubs=clubs,
        between_share=between, periods=periods, facts=tuple(facts.items()), verdict=decide(CONVERGENCE_RULES, facts),
        focus=tuple(edition.framework().focus_regions), level_now=level_now, change=change, map_start=map_start,
        real_indicator=real, beta_nominal=beta_nominal, real_window=real_window,
        beta_windows=beta_windows(window, real_window if prices == "real" else None, indicator,
                                  real if prices == "real" else None, r_start, r_end),
        prices=prices,
    )
