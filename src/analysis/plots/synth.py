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

import textwrap
import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import (ACCENT, MUTED, NATIONAL, inside, keep, new_figure, number_axis, reused, styled,
                                     year_axis)


@styled
def synth_figure(result, placebos, lang: str, *, outcome_label: str, name: str) -> Figure:
    """Left: actual and synthetic paths; right (with placebos): the treated gap among every donor's placebo gap.

    Parameters
    ----------
    result : analysis.programmes.results.SynthResult
        ``synthetic`` and ``gap`` (indexed by year) give the actual path
        (``synthetic + gap``); ``treatment_time`` is marked.
    placebos : analysis.programmes.results.PlaceboResult or None
        ``gaps`` (year × unit) of the in-space placebos.
    lang : {"kk", "ru", "en"}
    outcome_label : str
        The outcome's name in ``lang``.
    name : str
        The treated region's name in ``lang``.

    Returns
    -------
    matplotlib.figure.Figure
    """
    key = ("synth_figure",)
    built = reused(key, result, placebos)
    if built is None:
        built = _draw_synth(result, placebos)
        keep(key, (result, placebos), built)
    paths, gaps_ax, fig = built
    # Only the texts depend on the language: set them on the (possibly reused) artists. Titles at
    # y=1.0, where automatic placement puts them (nothing above the axes), skip that placement pass.
    paths.set_ylabel("\n".join(textwrap.wrap(outcome_label, 34)))
    paths.set_title(gettext("Actual and synthetic path", lang), y=1.0)
    _legend_texts(paths, [name, gettext("Synthetic {region}", lang, region=name)])
    number_axis(paths, lang)
    if gaps_ax is not None:
        gaps_ax.set_title(gettext("Gap: actual minus synthetic", lang), y=1.0)
        _legend_texts(gaps_ax, [name, gettext("Placebo regions", lang)])
        number_axis(gaps_ax, lang)
    return fig


def _legend_texts(ax, labels: list[str]) -> None:
    for text, label in zip(ax.get_legend().get_texts(), labels):
        text.set_text(label)


def _draw_synth(result, placebos):
    """The language-independent artists: ``(paths axes, gaps axes or None, figure)``; legend labels are placeholders."""
    ncols = 2 if placebos is not None else 1
    fig, axes = new_figure(figsize=(4.6 * ncols + 0.4, 3.8), ncols=ncols, squeeze=False)
    paths = axes[0, 0]
    synthetic = result.synthetic.sort_index()
    actual = synthetic + result.gap.reindex(synthetic.index)
    paths.plot(actual.index, actual.to_numpy(), color=ACCENT, linewidth=2.0, label="actual")
    paths.plot(synthetic.index, synthetic.to_numpy(), color=NATIONAL, linewidth=1.6, linestyle="--",
               label="synthetic")
    paths.axvline(result.treatment_time, color=MUTED, linewidth=0.8, linestyle=":")
    inside(paths.legend(fontsize=8, loc="best"))
    year_axis(paths, nbins=6)
    gaps_ax = None
    if placebos is not None:
        gaps_ax = axes[0, 1]
        gaps: pd.DataFrame = placebos.gaps.sort_index()
        for unit in gaps.columns:
            if unit == result.treated_unit:
                continue
            gaps_ax.plot(gaps.index, gaps[unit].to_numpy(), color="#c7ccd1", linewidth=0.9)
        own = result.gap.sort_index()
        gaps_ax.plot(own.index, own.to_numpy(), color=ACCENT, linewidth=2.0, label="actual")
        gaps_ax.plot([], [], color="#c7ccd1", linewidth=0.9, label="placebos")
        gaps_ax.axhline(0.0, color=NATIONAL, linewidth=0.8)
        gaps_ax.axvline(result.treatment_time, color=MUTED, linewidth=0.8, linestyle=":")
        inside(gaps_ax.legend(fontsize=8, loc="best"))
        year_axis(gaps_ax, nbins=6)
    return paths, gaps_ax, fig
