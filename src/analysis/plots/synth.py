"""Synthetic control figure: the region against its synthetic twin, and its gap among the placebo gaps.

Examples
--------
>>> import pandas as pd
>>> from types import SimpleNamespace
>>> from analysis.plots.synth import synth_figure
>>> years = list(range(2000, 2006))
>>> r = SimpleNamespace(treated_unit="KZ-43", treatment_time=2003,
...                     synthetic=pd.Series([1.0, 1.1, 1.2, 1.3, 1.4, 1.5], index=years),
...                     gap=pd.Series([0.0, 0.01, -0.01, 0.1, 0.2, 0.2], index=years))
>>> fig = synth_figure(r, None, "ru", outcome_label="x", name="Kyzylorda")
>>> len(fig.axes)
1
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import (ACCENT, MUTED, NATIONAL, attach_data, new_figure, number_axis, styled, wrap,
                                     year_axis)

#: Placebos whose pre-period RMSPE exceeds this multiple of the treated unit's are not drawn
#: (Abadie, Diamond and Hainmueller 2010, section 4: a placebo the donors cannot reproduce
#: before the treatment says nothing about the gap after it).
PLACEBO_RMSPE_LIMIT = 5.0


def pre_rmspe(gap: pd.Series, treatment_time) -> float:
    """Root mean squared gap over the years before ``treatment_time``.

    >>> round(pre_rmspe(pd.Series([3.0, -4.0, 9.0], index=[2000, 2001, 2002]), 2002), 4)
    3.5355
    """
    before = gap[gap.index < treatment_time].dropna().to_numpy(dtype=float)
    return float(np.sqrt(np.mean(before ** 2))) if len(before) else float("nan")


def kept_placebos(gaps: pd.DataFrame, own_gap: pd.Series, treatment_time, treated_unit,
                  limit: float = PLACEBO_RMSPE_LIMIT) -> list:
    """The placebo units whose pre-period RMSPE is at most ``limit`` times the treated unit's."""
    bound = limit * pre_rmspe(own_gap, treatment_time)
    keep = []
    for unit in gaps.columns:
        if unit == treated_unit:
            continue
        fit = pre_rmspe(gaps[unit], treatment_time)
        if np.isfinite(fit) and (not np.isfinite(bound) or fit <= bound):
            keep.append(unit)
    return keep


@styled
def synth_figure(result, placebos, lang: str, *, outcome_label: str, name: str) -> Figure:
    """Top: actual and synthetic paths; bottom (with placebos): the treated gap among the placebo gaps.

    Placebos are trimmed by pre-period fit: those with a pre-period RMSPE above
    :data:`PLACEBO_RMSPE_LIMIT` times the treated region's are left out, and the
    panel's title says how many of how many are shown.

    Parameters
    ----------
    result : analysis.programmes.results.SynthResult
        ``synthetic`` and ``gap`` (indexed by year) give the actual path
        (``synthetic + gap``); ``treatment_time`` is marked.
    placebos : analysis.programmes.results.PlaceboResult or None
        ``gaps`` (year × unit) of the in-space placebos.
    lang : {"kk", "ru", "en"}
    outcome_label : str
        The outcome's name in ``lang``, with its unit.
    name : str
        The treated region's name in ``lang``.

    Returns
    -------
    matplotlib.figure.Figure
        With the actual, synthetic and gap series attached as its data table.
    """
    nrows = 2 if placebos is not None else 1
    fig, axes = new_figure(figsize=(6.6, 3.5 * nrows + 0.3), nrows=nrows, squeeze=False)
    paths = axes[0, 0]
    synthetic = result.synthetic.sort_index()
    actual = synthetic + result.gap.reindex(synthetic.index)
    paths.plot(actual.index, actual.to_numpy(), color=ACCENT, linewidth=2.0, label=name)
    paths.plot(synthetic.index, synthetic.to_numpy(), color=NATIONAL, linewidth=1.6, linestyle="--",
               label=gettext("Synthetic {region}", lang, region=name))
    paths.axvline(result.treatment_time, color=MUTED, linewidth=0.8, linestyle=":")
    paths.legend(loc="best")
    paths.set_ylabel(wrap(outcome_label, 34))
    paths.set_title(gettext("Actual and synthetic path", lang), y=1.0)
    year_axis(paths, nbins=6)
    number_axis(paths, lang)
    own = result.gap.sort_index()
    table = pd.DataFrame({gettext("Year", lang): actual.index, name: actual.to_numpy(),
                          gettext("Synthetic {region}", lang, region=name): synthetic.to_numpy(),
                          gettext("Gap: actual minus synthetic", lang): own.reindex(actual.index).to_numpy()})
    if placebos is not None:
        gaps_ax = axes[1, 0]
        gaps: pd.DataFrame = placebos.gaps.sort_index()
        kept = kept_placebos(gaps, own, result.treatment_time, result.treated_unit)
        total = sum(1 for unit in gaps.columns if unit != result.treated_unit)
        for unit in kept:
            gaps_ax.plot(gaps.index, gaps[unit].to_numpy(), color="#b9c0c7", linewidth=0.9)
        gaps_ax.plot(own.index, own.to_numpy(), color=ACCENT, linewidth=2.0, label=name)
        gaps_ax.plot([], [], color="#b9c0c7", linewidth=0.9,
                     label=wrap(gettext("Placebo regions ({kept} of {total}; pre-period fit within {limit}× of {region})",
                                   lang, kept=str(len(kept)), total=str(total),
                                   limit=f"{PLACEBO_RMSPE_LIMIT:g}", region=name), 46))
        gaps_ax.axhline(0.0, color=NATIONAL, linewidth=0.8)
        gaps_ax.axvline(result.treatment_time, color=MUTED, linewidth=0.8, linestyle=":")
        gaps_ax.legend(loc="best")
        gaps_ax.set_title(gettext("Gap: actual minus synthetic", lang), y=1.0)
        gaps_ax.set_ylabel(wrap(gettext("Gap, units of the outcome", lang), 34))
        year_axis(gaps_ax, nbins=6)
        number_axis(gaps_ax, lang)
    return attach_data(fig, table)
