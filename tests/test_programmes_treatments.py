"""Treatments from the programme table and the region lineage; evaluate_programme end to end."""

import numpy as np
import pandas as pd
import pytest

from analysis.programmes import did, evaluate_programme, programme_treatment
from analysis.programmes._checks import PanelInputError
from test_programmes_sim import simulate_panel


def toy_regions():
    """A: stable; P split in 2018 into C1, C2; S splits off T in 2022 (T is new); X abolished 1997 into A, S."""
    rows = [
        ("KZ", "country", "", "", "", "", ""),
        ("A", "oblast", "", "", "", "", ""),
        ("P", "oblast", "", "2018-06-18", "", "C1; C2", ""),
        ("C1", "oblast", "2018-06-19", "", "P", "", ""),
        ("C2", "city", "2018-06-19", "", "P", "", ""),
        ("S", "oblast", "", "", "", "T", "2022"),
        ("T", "oblast", "2022-06-08", "", "S", "", ""),
        ("X", "oblast", "", "1997", "", "A; S", ""),
        ("N", "oblast", "", "", "", "", ""),
    ]
    return pd.DataFrame(rows, columns=["code", "kind", "valid_from", "valid_to", "parent", "successors", "split_year"])


def toy_programmes(rows):
    return pd.DataFrame(rows, columns=["programme", "region", "start", "end", "confidence"])


def test_lineage_on_both_bases():
    progs = toy_programmes([
        ("p", "C1", "2019-03-01", "", "high"),   # successor -> stable parent P
        ("p", "S", "2010", "2012", "medium"),    # before the 2022 split -> current S and T
        ("q", "P", "2005", "", "low (x)"),       # parent before the split -> current C1, C2
        ("q", "X", "1995", "", "high"),          # abolished in 1997 -> every successor
    ])
    st = programme_treatment(progs, toy_regions(), "p", basis="stable").table.set_index("unit")
    assert st.loc["P", "first_year"] == 2019 and st.loc["P", "sources"] == "C1>P"
    assert st.loc["S", "first_year"] == 2010 and st.loc["S", "last_year"] == 2012
    assert st.loc["A", "status"] == "never" and "C1" not in st.index and "X" not in st.index
    cur = programme_treatment(progs, toy_regions(), "p", basis="current").table.set_index("unit")
    assert cur.loc["T", "first_year"] == 2010 and cur.loc["S", "first_year"] == 2010
    assert cur.loc["C1", "first_year"] == 2019 and cur.loc["C2", "status"] == "never"
    q = programme_treatment(progs, toy_regions(), "q", basis="current").table.set_index("unit")
    assert q.loc["C1", "first_year"] == q.loc["C2", "first_year"] == 2005  # P before its split
    assert q.loc["A", "first_year"] == q.loc["S", "first_year"] == q.loc["T", "first_year"] == 1995  # X, 1997
    assert q.loc["A", "confidence"] == "high" and q.loc["C1", "confidence"] == "low"
    assert q.loc["N", "status"] == "never"


def test_unknown_start_until_and_national_rows():
    progs = toy_programmes([
        ("p", "A", "", "", "medium"), ("p", "N", "2004", "", "high"), ("p", "S", "2012", "", "high"),
        ("n", "KZ", "2015", "", "high"),
    ])
    t = programme_treatment(progs, toy_regions(), "p", until=2010)
    tab = t.table.set_index("unit")
    assert tab.loc["A", "status"] == "unknown_start" and np.isnan(tab.loc["A", "first_year"])
    assert tab.loc["S", "status"] == "never"  # starts after the edition year
    assert t.window == (1994, 2010)
    assert "unknown_start_excluded" in t.warnings and "single_treated_unit" in t.warnings
    national = programme_treatment(progs, toy_regions(), "n")
    assert "no_untreated_units" in national.warnings
    with pytest.raises(PanelInputError, match=r"unknown programme 'zz'; expected one of \['n', 'p'\]"):
        programme_treatment(progs, toy_regions(), "zz")
    bad = toy_programmes([("p", "A", "March 2004", "", "high")])
    with pytest.raises(PanelInputError, match=r"programmes.csv: row 2, column 'start': expected a year or an ISO date, got 'March 2004'"):
        programme_treatment(bad, toy_regions(), "p")


def test_evaluate_programme_recovers_a_simulated_effect_through_the_programme_table():
    # 20 stable units; 5 get the programme in 2012 (via the table), the effect is 3.0
    codes = [f"U{i:02d}" for i in range(20)]
    regions = pd.DataFrame({"code": codes, "kind": "oblast", "valid_from": "", "valid_to": "", "parent": "",
                            "successors": "", "split_year": ""})
    progs = toy_programmes([("prog", c, "2012-05-01", "", "high") for c in codes[:5]])
    sim = simulate_panel(n_units=20, n_periods=20, n_treated=5, start=12, effect=3.0, seed=7)
    panel = sim.assign(region=sim.region.str.replace("R", "U"))[["region", "year", "y"]]
    ev = evaluate_programme(panel, progs, "prog", "y", regions=regions, B=999, n_permutations=999,
                            synth_unit="U00")
    assert ev.did.n_treated_clusters == 5 and ev.did.n_clusters == 20
    assert ev.did.bootstrap.ci[0] < 3.0 < ev.did.bootstrap.ci[1]
    assert ev.did.verdict == "positive_effect"
    assert abs(ev.att_simple.estimate - 3.0) < 3 * ev.att_simple.se
    assert ev.randomization.p_value < 0.01
    assert ev.synth.treated_unit == "U00" and set(ev.synth.weights.index) == set(codes[5:])
    assert len(ev.synth_placebos.table) == 16
    # the bundle's DiD is did() on the panel with the treatment built from the table
    d = panel.assign(t=((panel.region.isin(codes[:5])) & (panel.year >= 2012)).astype(int))
    d = d[d.year >= 2002]  # window: 10 pre-treatment years
    direct = did(d, "y", unit="region", time="year", treated="t", B=999)
    assert ev.did.estimate == pytest.approx(direct.estimate, rel=1e-12)


def test_shipped_programmes_follow_lineage_and_run():
    from analysis.data import load_panel, load_programmes, load_regions

    progs, regions = load_programmes(), load_regions()
    aral = programme_treatment(progs, regions, "aral_2007", basis="current").table
    treated = set(aral.loc[aral.status == "treated", "unit"])
    # South Kazakhstan's 2018 split and Karaganda's 2022 split carry the 2007 programme to successors
    assert {"KZ-43", "KZ-15", "KZ-35", "KZ-61", "KZ-79", "KZ-62"} == treated
    sez = programme_treatment(progs, regions, "sez").table.set_index("unit")
    # Turkistan's SEZ (recorded for KZ-61) reaches the stable unit KZ-SKO
    assert "KZ-61>KZ-SKO" in sez.loc["KZ-SKO", "sources"]
    panel = load_panel("stable", until=2015)
    ev = evaluate_programme(panel, progs, "aral_2007", "grp_per_capita_rel", regions=regions, until=2015,
                            B=199, n_permutations=2000, synth_unit="KZ-43")
    assert ev.did.n_treated_clusters == 4
    assert ev.synth.treated_unit == "KZ-43"
    assert not set(ev.synth.weights.index) & {"KZ-15", "KZ-35", "KZ-SKO"}  # treated regions are not donors
    assert ev.randomization.exact and ev.randomization.n_permutations == 1820  # C(16, 4)
    assert all(k in __import__("analysis.programmes", fromlist=["WARNING_KEYS"]).WARNING_KEYS for k in ev.warnings)


def test_log_transform_gives_proportional_effects_and_rejects_non_positive_values():
    codes = [f"U{i:02d}" for i in range(12)]
    regions = pd.DataFrame({"code": codes, "kind": "oblast", "valid_from": "", "valid_to": "", "parent": "",
                            "successors": "", "split_year": ""})
    progs = toy_programmes([("prog", c, "2008", "", "high") for c in codes[:4]])
    sim = simulate_panel(n_units=12, n_periods=14, n_treated=4, start=8, effect=np.log(1.2), seed=3)
    panel = sim.assign(region=sim.region.str.replace("R", "U"), y=np.exp(0.1 * sim.y0 + np.log(1.2) * sim.d))
    ev = evaluate_programme(panel[["region", "year", "y"]], progs, "prog", "y", regions=regions, transform="log",
                            B=999, n_permutations=999)
    assert ev.transform == "log"
    assert abs(ev.did.estimate - np.log(1.2)) < 1e-9 + 3 * ev.did.se
    panel.loc[5, "y"] = -1.0
    with pytest.raises(PanelInputError, match=r"row 5 \(region='U00', year=2005\), column 'y': expected a positive"):
        evaluate_programme(panel[["region", "year", "y"]], progs, "prog", "y", regions=regions, transform="log")


def test_summary_collects_every_estimator_without_recomputing():
    codes = [f"U{i:02d}" for i in range(14)]
    regions = pd.DataFrame({"code": codes, "kind": "oblast", "valid_from": "", "valid_to": "", "parent": "",
                            "successors": "", "split_year": ""})
    progs = toy_programmes([("prog", "U00", "2010", "", "high")])
    sim = simulate_panel(n_units=14, n_periods=16, n_treated=1, start=10, effect=1.0, seed=2)
    panel = sim.assign(region=sim.region.str.replace("R", "U"))[["region", "year", "y"]]
    ev = evaluate_programme(panel, progs, "prog", "y", regions=regions, B=999)
    s = ev.summary()
    assert list(s.estimator) == ["twfe", "twfe", "callaway_santanna", "twfe", "synthetic_control"]
    assert s.inference.tolist()[0] == "wild_cluster_rademacher"  # 2^14 > B = 999 and s.inference.tolist()[3] == "randomization_exact"
    assert s.p_value.iloc[0] == ev.did.bootstrap.p_value and s.estimate.iloc[4] == ev.synth.att
    assert s.p_value.iloc[4] == ev.synth_placebos.p_value == pytest.approx(ev.synth_placebos.rank / 14)
    assert "single_treated_unit" in s.warnings.iloc[0]
