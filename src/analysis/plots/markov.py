"""Distribution dynamics: the transition matrix as a heat map, and the observed against the steady-state distribution.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from analysis.convergence import markov
>>> from analysis.plots.markov import markov_figure
>>> rng = np.random.default_rng(0)
>>> p = pd.DataFrame({"region": np.repeat(list("abcdefgh"), 6), "year": np.tile(range(6), 8),
...                   "y": rng.lognormal(size=48)})
>>> fig = markov_figure(markov(p, "y", classes=3, n_boot=49), "ru")
>>> len(fig.axes)
2
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.i18n import gettext
from analysis.plots._common import ACCENT, NATIONAL, attach_data, new_figure, num, number_axis, styled


def class_labels(k: int, lang: str) -> list[str]:
    """``1 (lowest)`` … ``k (highest)`` in ``lang``."""
    labels = [str(i + 1) for i in range(k)]
    labels[0] = gettext("{k} (lowest)", lang, k="1")
    labels[-1] = gettext("{k} (highest)", lang, k=str(k))
    return labels


@styled
def markov_figure(result, lang: str) -> Figure:
    """Top: transition probabilities (rows: class in year t); bottom: latest and steady-state shares.

    Parameters
    ----------
    result : analysis.convergence.results.MarkovResult
    lang : {"kk", "ru", "en"}

    Returns
    -------
    matplotlib.figure.Figure
        With the transition matrix attached as its data table.
    """
    p = np.asarray(result.p, dtype=float)
    counts = np.asarray(result.transitions, dtype=float)
    k = p.shape[0]
    labels = class_labels(k, lang)
    # One panel above the other (legible on a phone); the matrix gets the room its labels need.
    fig, (left, right) = new_figure(figsize=(6.6, 7.6), nrows=2, height_ratios=(1.35, 1.0))
    left.grid(False)
    left.imshow(p, cmap="Blues", vmin=0, vmax=1, aspect="auto")
    for i in range(k):
        for j in range(k):
            colour = "white" if p[i, j] > 0.6 else "#222222"
            left.text(j, i, num(p[i, j], lang, 2), ha="center", va="center", fontsize=9.5, color=colour)
    left.set_xticks(range(k), labels)
    left.set_yticks(range(k), [f"{lab}\n(n = {int(counts[i].sum())})" for i, lab in enumerate(labels)])
    left.tick_params(length=0)
    left.set_xlabel(gettext("Class next year", lang))
    left.set_ylabel(gettext("Class this year", lang))
    left.set_title(gettext("Transition probabilities (share of each row)", lang), y=1.0)

    x = np.arange(k)
    width = 0.38
    latest = np.asarray(result.latest, dtype=float)
    right.bar(x - width / 2, latest, width, color=NATIONAL, label=gettext("Latest year", lang))
    steady = np.asarray(result.steady_state, dtype=float)
    if np.isfinite(steady).all():
        right.bar(x + width / 2, steady, width, color=ACCENT, label=gettext("Long-run (steady state)", lang))
    right.set_xticks(x, labels)
    right.set_ylabel(gettext("Share of regions", lang))
    right.set_xlabel(gettext("Class of relative level", lang))
    right.set_title(gettext("Distribution across classes", lang), y=1.0)
    right.legend(loc="upper left", ncols=2)
    number_axis(right, lang)
    right.set_ylim(0, max(1e-9, float(np.nanmax(np.r_[latest, steady]))) * 1.35)

    table = {gettext("Class this year", lang): labels}
    for j, label in enumerate(labels):
        table[label] = p[:, j]
    table[gettext("Transitions", lang)] = counts.sum(axis=1).astype(int)
    table[gettext("Latest year", lang)] = latest
    table[gettext("Long-run (steady state)", lang)] = steady
    return attach_data(fig, pd.DataFrame(table))
