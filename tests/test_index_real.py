"""The index on the shipped panel: the API works, and agrees with an independent pandas re-computation."""

import numpy as np
import pandas as pd
import pytest

from analysis.data import load_national, load_panel
from analysis.index import (build_index, coherence, covered_years, index_over_time, load_framework,
                            select_regions, sensitivity)


@pytest.fixture(scope="module")
def shipped():
    return load_panel(basis="current"), load_national(), load_framework()


def test_polarity_comes_from_the_indicator_table(shipped):
    _, _, fw = shipped
    negative = {i for i, p in fw.polarity.items() if p < 0}
    assert negative == {"unemployment_rate", "emissions_per_capita"}


def test_covered_years_need_every_indicator(shipped):
    panel, _, fw = shipped
    years = covered_years(panel, fw)
    assert years == list(range(years[0], years[-1] + 1))
    # emissions start in 2005 and investment in 2003 (data/SOURCES.md); the pillars need them
    assert years[0] >= 2005 and years[-1] >= 2022
    for y in years:
        present = panel[(panel.year == y) & panel[list(fw.indicators)].notna().any(axis=1)]
        assert (present[list(fw.indicators)].notna().mean() >= fw.min_indicator_coverage).all()


def test_latest_year_agrees_with_an_independent_computation(shipped):
    panel, national, fw = shipped
    res = build_index(panel, fw, national=national)
    assert res.year == covered_years(panel, fw)[-1]
    assert sorted(res.table["rank"]) == list(range(1, len(res.table) + 1))
    # re-compute with pandas from the treated values: min-max with polarity, equal weights
    v = res.values
    s = (v - v.min()) / (v.max() - v.min())
    for ind, pol in fw.polarity.items():
        if pol < 0:
            s[ind] = 1 - s[ind]
    pillars = pd.DataFrame({p.id: s[list(p.indicators)].mean(axis=1) for p in fw.pillars})
    composite = pillars.mean(axis=1)
    assert np.allclose(res.table.loc[composite.index, "composite"], composite)
    # winsorisation touched only the values it flags, and nothing else changed
    changed = (res.values != res.raw) & res.raw.notna()
    flagged = set(zip(res.flags.loc[res.flags.flag == "winsorised", "region"],
                      res.flags.loc[res.flags.flag == "winsorised", "indicator"]))
    assert {(r, c) for r, c in zip(*np.nonzero(changed.to_numpy()))} == {
        (list(v.index).index(r), list(v.columns).index(c)) for r, c in flagged}


def test_national_reference_and_cohesion_rule(shipped):
    panel, national, fw = shipped
    res = build_index(panel, fw, national=national)
    assert res.reference["grp_per_capita_rel"] == pytest.approx(1.0)
    sel = select_regions(res)
    eu = [r for r in fw.rules if r.kind == "below_national_share"][0]
    rel = panel[panel.year == res.year].set_index("region")["grp_per_capita_rel"]
    expected = {r for r in res.table.index if rel[r] < eu.share}
    assert {r for r in sel.table.index if sel.table.loc[r, eu.id]} == expected
    assert set(fw.focus_regions) <= set(res.table.index)


def test_sensitivity_and_coherence_run_on_the_shipped_panel(shipped):
    panel, national, fw = shipped
    res = build_index(panel, fw, national=national)
    sens = sensitivity(panel, fw, national=national, draws=2000)
    assert set(sens.regions) == set(res.table.index)
    assert (sens.ranks["low"] <= sens.ranks["median"]).all() and (sens.ranks["median"] <= sens.ranks["high"]).all()
    assert (sens.first_order.loc["all"].between(0, 1)).all()
    sel = select_regions(res, sensitivity=sens)
    assert sel.table["share_of_draws"].between(0, 1).all()
    rep = coherence(res)
    assert rep.eigenvalues.sum() == pytest.approx(len(fw.indicators))
    assert rep.cronbach_alpha.index.tolist() == [p.id for p in fw.pillars] + ["all"]


def test_index_over_time_covers_every_covered_year(shipped):
    panel, national, fw = shipped
    ot = index_over_time(panel, fw, national=national)
    assert list(ot.years) == covered_years(panel, fw)
    for _, g in ot.table.groupby("year"):
        assert sorted(g["rank"]) == list(range(1, len(g) + 1))
