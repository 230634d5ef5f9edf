"""One call for the programme notebook: every estimator on one (programme, outcome).

``evaluate_programme`` builds the treatment from the programme table (with the
region lineage), restricts the panel to the edition and the outcome window, and
runs TWFE DiD with the wild cluster restricted bootstrap, the event study,
Callaway-Sant'Anna ATT(g,t) (never-treated comparison), randomization inference
and, when the programme has one focal region and a single start year, a
synthetic control with its placebos. Estimators that the data cannot support
(no treated region with pre- and post-period data, too few donors…) are
``None`` and the reason is a warning key, so the notebook stays thin and the
book can say why.

Example
-------
>>> from analysis.data import load_panel, load_programmes, load_regions
>>> ev = evaluate_programme(load_panel(until=2015), load_programmes(), "aral_2007", "grp_per_capita_rel",
...                         regions=load_regions(), until=2015, B=999)
>>> ev.did.n_treated_clusters, ev.synth.treated_unit
(4, 'KZ-43')
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import PanelInputError, reject_rows, require_columns
from .did import did
from .event_study import event_study
from .randomization import randomization_inference
from .results import ProgrammeEvaluation
from .staggered import aggregate_att_gt, att_gt
from .synth import synth_placebos, synthetic_control
from .treatments import programme_treatment

__all__ = ["evaluate_programme"]


def _default_synth_unit(programmes: pd.DataFrame, programme_id: str, treated: pd.DataFrame):
    """The programme's first-listed region, for one-shot programmes only.

    A programme whose rows all share one start (like the 2007 Aral-region
    programme, listed with its focal region first) gets a synthetic control for
    that region; staggered programmes (rows with different starts, like the SEZs)
    do not, since no single region stands for them.
    """
    rows = programmes[programmes["programme"] == programme_id]
    starts = {str(s).strip()[:4] for s in rows["start"].fillna("")}
    if len(starts) != 1 or "" in starts:
        return None
    first = str(rows["region"].iloc[0])
    return first if first in set(treated.unit) else None


def evaluate_programme(
    panel: pd.DataFrame,
    programmes: pd.DataFrame,
    programme_id: str,
    outcome: str,
    *,
    regions: pd.DataFrame | None = None,
    data_dir=None,
    until: int | None = None,
    basis: str = "stable",
    unit: str = "region",
    time: str = "year",
    synth_unit: str | None = None,
    transform: str | None = None,
    window: tuple[int, int] = (-5, 5),
    pre_years: int = 10,
    B: int = 9999,
    n_permutations: int = 9999,
    seed: int = 0,
    alpha: float = 0.05,
) -> ProgrammeEvaluation:
    """Estimates of one programme's effect on one outcome from several estimators.

    Parameters
    ----------
    panel : DataFrame
        ``analysis.data.load_panel(basis, until=...)``: columns ``region``, ``year``
        and the outcome.
    programmes : DataFrame
        ``analysis.data.load_programmes()``.
    programme_id : str
        ``programme`` id, e.g. ``"sez"`` or ``"aral_2007"``.
    outcome : str
        Indicator column, e.g. ``"grp_per_capita_rel"``.
    regions : DataFrame, optional
        ``analysis.data.load_regions()``; loaded from ``data_dir`` when None.
    data_dir : path, optional
        Data directory for ``load_regions`` (None: the project's ``data/``).
    until : int, optional
        Edition year: later data and later programme starts are ignored.
    basis : {"stable", "current"}
        Basis of the panel's units.
    unit, time : str
        Column names of the panel.
    synth_unit : str, optional
        Treated region for the synthetic control; by default the programme's
        first-listed region when every row of the programme has the same start
        (a one-shot programme such as ``aral_2007``, whose focal region Kyzylorda
        is listed first); none for staggered programmes.
    transform : {None, "log"}
        ``"log"`` estimates effects on the natural log of the outcome (approximately
        proportional effects; sensible for nominal money amounts, whose level
        differences grow with prices). Non-positive values are an error.
    window, pre_years : event-study window; pre-treatment years kept.
    B, n_permutations, seed, alpha : inference settings.

    Returns
    -------
    ProgrammeEvaluation
    """
    if regions is None:
        from analysis.data import load_regions

        regions = load_regions(data_dir)
    require_columns(panel, [unit, time, outcome])
    treatment = programme_treatment(programmes, regions, programme_id, basis=basis, until=until,
                                    pre_years=pre_years)
    table = treatment.table
    foreign = sorted(set(panel[unit]) - set(table.unit))
    if foreign:
        raise PanelInputError(f"panel: units {foreign[:3]} are not units of the {basis!r} basis; "
                              f"pass basis= matching load_panel(basis)")
    data = panel[[unit, time, outcome]].copy()
    if until is not None:
        data = data[data[time] <= until]
    start, _ = treatment.window
    if start is not None:
        data = data[data[time] >= start]
    usable = table[table.status != "unknown_start"]
    data = data[data[unit].isin(usable.unit)].dropna(subset=[outcome])
    if transform == "log":
        reject_rows(data, (data[outcome] <= 0).to_numpy(), outcome, "a positive number for transform='log'",
                    (unit, time))
        data[outcome] = np.log(data[outcome].astype(float))
    elif transform is not None:
        raise ValueError(f"transform must be None or 'log', got {transform!r}")
    first = usable.set_index("unit").first_year.fillna(0.0)
    data["first_year"] = data[unit].map(first).astype(float)
    data["treated_now"] = ((data.first_year > 0) & (data[time] >= data.first_year)).astype(int)

    warnings = list(treatment.warnings)
    treated = usable[usable.status == "treated"]
    # a treated unit informs the comparison only with outcome data before and after its start
    informative = [
        u for u, g in zip(treated.unit, treated.first_year)
        if ((data[unit] == u) & (data[time] < g)).any() and ((data[unit] == u) & (data[time] >= g)).any()
    ]
    never = data.loc[data.first_year == 0, unit].nunique()
    estimable = bool(informative) and never > 0
    if treated.shape[0] and not informative:
        has_post = any(((data[unit] == u) & (data[time] >= g)).any() for u, g in zip(treated.unit, treated.first_year))
        warnings.append("no_pre_period" if has_post else "no_post_period")
    data = data[(data.first_year == 0) | data[unit].isin(informative)]

    res_did = res_es = res_gt = res_simple = res_ri = None
    if estimable:
        res_did = did(data, outcome, unit=unit, time=time, treated="treated_now", B=B, seed=seed, alpha=alpha)
        res_es = event_study(data, outcome, unit=unit, time=time, group="first_year", window=window, alpha=alpha)
        try:
            res_gt = att_gt(data, outcome, unit=unit, time=time, group="first_year", control="never", alpha=alpha)
            res_simple = aggregate_att_gt(res_gt, "simple")
        except PanelInputError:
            warnings.append("dropped_incomplete_units")
        res_ri = randomization_inference(data, outcome, unit=unit, time=time, group="first_year",
                                         n_permutations=n_permutations, seed=seed)
    elif "no_untreated_units" not in warnings and never == 0:
        warnings.append("no_untreated_units")

    res_synth = res_placebos = None
    target = synth_unit or (_default_synth_unit(programmes, programme_id, treated) if len(treated) else None)
    if target is not None and target in informative:
        g = float(first[target])
        donors = sorted(data.loc[data.first_year == 0, unit].unique())
        try:
            res_synth = synthetic_control(data, outcome, unit=unit, time=time, treated_unit=target,
                                          treatment_time=g, donors=donors, seed=seed)
            res_placebos = synth_placebos(res_synth)
        except PanelInputError:
            warnings.append("synth_not_applicable")
    else:
        warnings.append("synth_not_applicable")
    return ProgrammeEvaluation(
        programme=programme_id, outcome=outcome, until=until, transform=transform, treatment=treatment, did=res_did,
        event_study=res_es, att_gt=res_gt, att_simple=res_simple, randomization=res_ri, synth=res_synth,
        synth_placebos=res_placebos, warnings=tuple(dict.fromkeys(warnings)),
    )
