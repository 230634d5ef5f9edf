"""The intensity part of a programme page: a programme every region received, in different amounts.

When a programme reached every region (no region is left as a comparison), a before/after
comparison of regions with and without it is impossible; what the data can show is whether
regions that received *more* support per person changed differently from those that received
less. :func:`intensity_part` builds that dose–response for the programmes listed in
:data:`INTENSITY_SERIES` with :func:`analysis.programmes.dose_response`:

* the dose of a region is its mean annual amount approved per person over the programme years
  up to the edition, in thousand tenge at constant 2015 prices (deflated by Kazakhstan's implicit
  GRP deflator, the only economy-wide price index in the data; the amounts are loans approved,
  not money spent);
* the start is the first year of the series (the programme began everywhere at once);
* the outcome is the programme page's own outcome (log real GRP per capita).

Its estimates become rows of the page's estimates table (:class:`analysis.chapters.programme.Estimate`),
so the same decision table gives the headline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.chapters.decision import MIN_TREATED_FOR_ANALYTIC, MIN_TREATED_FOR_BOOTSTRAP
from analysis.chapters.edition import Edition

__all__ = ["INTENSITY_SERIES", "IntensityPart", "intensity_part", "PRICE_BASE"]

#: programme id -> the intensity series of data/programme_intensity.csv that measures it
INTENSITY_SERIES = {"business_roadmap_2020": "subsidised_loans_approved"}
#: base year of the constant prices of the dose (that of the real GRP series)
PRICE_BASE = 2015


@dataclass(frozen=True)
class IntensityPart:
    """The dose table and the dose–response estimates of one programme page."""

    result: object = field(repr=False)  # analysis.programmes.DoseResponseResult
    doses: pd.DataFrame = field(repr=False)  # region, dose, group ("high"/"low")
    first: int
    last: int
    estimates: tuple = ()


def _doses(edition: Edition, programme: str) -> tuple[pd.Series, int, int]:
    from analysis.data import load_intensity, load_national

    table = load_intensity(programme, "stable", edition.data_dir, indicator=INTENSITY_SERIES[programme],
                           as_of=edition.as_of)
    table = table[table["year"] <= edition.year]
    if table.empty:  # the series was not yet recorded on the edition's date of the data
        return pd.Series(dtype=float), 0, 0
    deflator = load_national(edition.data_dir, until=edition.year, as_of=edition.as_of,
                             indicators=["grp_deflator"])["grp_deflator"]
    base = float(deflator.loc[PRICE_BASE]) if PRICE_BASE in deflator.index else math.nan
    # thousand KZT per person at PRICE_BASE prices: divide by the deflator relative to its base year
    real = table["per_capita"] / 1e3 * base / table["year"].map(deflator).astype(float)
    doses = real.groupby(table["region"]).mean()
    return doses, int(table["year"].min()), int(table["year"].max())


def intensity_part(edition: Edition, programme: str, panel: pd.DataFrame, outcome: str, *, B: int = 9999,
                   n_permutations: int = 9999, seed: int = 0, pre_years: int = 10) -> IntensityPart | None:
    """The dose–response of ``programme`` (None: not a programme with an intensity series, or not started).

    ``panel`` is the page's stable-basis panel with ``outcome`` already transformed (log).
    """
    from analysis.chapters.programme import Estimate
    from analysis.programmes import dose_response

    if programme not in INTENSITY_SERIES:
        return None
    doses, first, last = _doses(edition, programme)
    if doses.empty or edition.year < first + 1 or doses.isna().any():
        return None
    data = panel[(panel["year"] >= first - pre_years)].dropna(subset=[outcome]).assign(first=float(first))
    data = data[data["region"].isin(doses.index)]
    result = dose_response(data, outcome, doses.to_dict(), unit="region", time="year", first="first",
                           B=B, n_permutations=n_permutations, seed=seed)
    n = result.n_units
    analytic = None if n >= MIN_TREATED_FOR_ANALYTIC else "reason.few_treated_analytic"
    boot = None if n >= MIN_TREATED_FOR_BOOTSTRAP else "reason.one_treated_bootstrap"
    rows = []
    for name, est in (("dose_twfe", result.twfe), ("dose_acrt", result.acrt)):
        rows += [
            Estimate(f"{name}_analytic", est.estimate, est.ci[0], est.ci[1], est.p_value, analytic is None, analytic),
            Estimate(f"{name}_bootstrap", est.estimate, est.bootstrap.ci[0], est.bootstrap.ci[1],
                     est.bootstrap.p_value, boot is None, boot),
            Estimate(f"{name}_randomization", est.estimate, math.nan, math.nan, est.randomization_p, True, None),
        ]
    table = pd.DataFrame({"region": doses.index, "dose": doses.to_numpy(),
                          "group": np.where(doses.to_numpy() >= result.median_dose, "high", "low")})
    table = table.sort_values("dose", ascending=False, ignore_index=True)
    return IntensityPart(result=result, doses=table, first=first, last=last, estimates=tuple(rows))
