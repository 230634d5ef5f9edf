"""Composite index: normalisation, outliers, weights, aggregation, a toy example by hand, coherence."""

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.index import Framework, Pillar, build_index, coherence
from analysis.index.aggregate import aggregate
from analysis.index.coherence import cronbach_alpha
from analysis.index.normalise import normalise, rescale_positive
from analysis.index.outliers import winsorise
from analysis.index.weights import equal_weights, pca_structure, pca_weights, varimax

METHODS = ("minmax", "zscore", "distance_to_national")


def random_matrix(seed, n=15, k=4):
    rng = np.random.default_rng(seed)
    return rng.lognormal(size=(n, k)), rng.lognormal(size=k)


# --- normalisation -----------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_minmax_bounds_and_extremes(seed):
    x, _ = random_matrix(seed)
    z = normalise(x, "minmax", np.ones(4))
    assert z.min() >= 0 and z.max() <= 1
    assert np.allclose(z[x.argmin(axis=0), range(4)], 0) and np.allclose(z[x.argmax(axis=0), range(4)], 1)


def test_zscore_matches_scipy():
    x, _ = random_matrix(1)
    assert np.allclose(normalise(x, "zscore", np.ones(4)), stats.zscore(x, ddof=1))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(3))
def test_normalisation_is_monotone_and_polarity_flips(method, seed):
    x, ref = random_matrix(seed)
    up = normalise(x, method, np.ones(4), ref)
    down = normalise(x, method, -np.ones(4), ref)
    for j in range(4):
        order = np.argsort(x[:, j])
        assert np.all(np.diff(up[order, j]) > 0), "more is better: scores rise with the value"
        assert np.all(np.diff(down[order, j]) < 0), "less is better: scores fall with the value"
    if method == "minmax":
        assert np.allclose(down, 1 - up)
    else:
        assert np.allclose(down, -up)


def test_distance_to_national_by_hand():
    x = np.array([[50.0, 8.0], [100.0, 4.0], [150.0, 2.0]])
    z = normalise(x, "distance_to_national", np.array([1, -1]), np.array([100.0, 4.0]))
    assert z.tolist() == [[-0.5, -1.0], [0.0, 0.0], [0.5, 0.5]]


def test_missing_values_stay_missing_and_flat_columns_are_neutral():
    x = np.array([[1.0, 3.0], [np.nan, 3.0], [2.0, 3.0]])
    z = normalise(x, "minmax", np.ones(2))
    assert np.isnan(z[1, 0]) and z[0, 0] == 0 and z[2, 0] == 1
    assert np.all(z[:, 1] == 0.5)
    assert np.all(normalise(x, "zscore", np.ones(2))[:, 1] == 0)


def test_normalisation_rejects_bad_input():
    with pytest.raises(ValueError, match="reference"):
        normalise(np.ones((3, 1)), "distance_to_national", np.ones(1))
    with pytest.raises(ValueError, match="non-zero"):
        normalise(np.ones((3, 1)), "distance_to_national", np.ones(1), np.zeros(1))
    with pytest.raises(ValueError, match="polarity"):
        normalise(np.ones((3, 1)), "minmax", np.array([2]))
    with pytest.raises(ValueError, match="unknown normalisation"):
        normalise(np.ones((3, 1)), "rank", np.ones(1))


def test_rescale_positive_bounds_and_order():
    x, _ = random_matrix(3)
    z = rescale_positive(normalise(x, "zscore", np.ones(4)), 0.05)
    assert np.allclose(z.min(axis=0), 0.05) and np.allclose(z.max(axis=0), 1)
    assert (np.argsort(z, axis=0) == np.argsort(x, axis=0)).all()


# --- outliers --------------------------------------------------------------------

def test_winsorise_leaves_symmetric_data_alone():
    x = np.random.default_rng(0).normal(size=(20, 3))
    treated, changed = winsorise(x)
    assert not changed.any() and np.array_equal(treated, x)


def test_winsorise_pulls_in_the_long_tail_until_the_rule_stops():
    col = np.array([10.0, 11, 11, 12, 12, 12, 13, 13, 14, 15, 15, 16, 18, 120, 400])
    x = np.c_[col, -col]  # the same outliers on the low side when polarity of the data is reversed
    treated, changed = winsorise(x, max_values=5)
    # independent check of the rule with pandas' (bias-corrected, Excel-like) statistics
    before = pd.Series(col)
    assert abs(before.skew()) > 2 and before.kurt() > 3.5
    after = pd.Series(treated[:, 0])
    assert not (abs(after.skew()) > 2 and after.kurt() > 3.5) or changed[:, 0].sum() == 5
    assert changed[:, 0].tolist() == changed[:, 1].tolist()
    assert np.allclose(treated[:, 1], -treated[:, 0])
    # the extreme values become the largest value left untouched
    assert set(np.flatnonzero(changed[:, 0])) >= {14}
    assert treated[:, 0].max() == col[~changed[:, 0]].max()


def test_winsorise_respects_max_values_and_ignores_missing():
    col = np.r_[np.ones(12), 2, 3, 1000, 5000, 9000, np.nan]
    treated, changed = winsorise(col[:, None], max_values=1)
    assert changed.sum() == 1 and treated[16, 0] == 5000 and np.isnan(treated[17, 0])


# --- weights -------------------------------------------------------------------

def test_equal_weights_by_hand():
    pw, iw = equal_weights(np.array([0, 0, 0, 1, 1, 2]), np.array([2.0, 1.0, 1.0]))
    assert pw.tolist() == [0.5, 0.25, 0.25]
    assert np.allclose(iw, [1 / 3] * 3 + [0.5] * 2 + [1.0])


def two_factor_data(n=400, seed=0, load=((0.9, 0), (0.85, 0), (0.8, 0), (0, 0.9), (0, 0.8)), noise=0.35):
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(n, 2))
    return f @ np.array(load).T + noise * rng.normal(size=(n, 5))


def test_pca_eigenvalues_match_sklearn():
    from sklearn.decomposition import PCA

    x = two_factor_data()
    st = pca_structure(x)
    ref = PCA().fit(stats.zscore(x, ddof=1)).explained_variance_
    assert np.allclose(st.eigenvalues, ref)
    assert st.n_factors == 2  # two eigenvalues above 1, by construction


def test_varimax_matches_statsmodels():
    from statsmodels.multivariate.factor_rotation import rotate_factors

    st = pca_structure(two_factor_data())
    eigval, eigvec = np.linalg.eigh(np.corrcoef(two_factor_data(), rowvar=False))
    a = (eigvec[:, ::-1] * np.sqrt(eigval[::-1]))[:, :2]
    ref, _ = rotate_factors(a, "varimax")
    mine = varimax(a)
    # equal up to the order and sign of the factors
    for j in range(2):
        k = np.argmax(np.abs(mine.T @ ref[:, j]))
        assert np.allclose(np.abs(mine[:, k]), np.abs(ref[:, j]), atol=1e-5)
    assert np.allclose(np.abs(st.rotated_loadings), np.abs(mine))


def test_pca_weights_recover_the_factor_structure():
    x = two_factor_data(n=2000, load=((0.9, 0), (0.6, 0), (0.3, 0), (0, 0.9), (0, 0.5)), noise=0.4)
    pw, iw = pca_weights(x, np.array([0, 0, 0, 1, 1]))
    w = pw[[0, 0, 0, 1, 1]] * iw
    assert np.isclose(w.sum(), 1)
    # within a factor, the indicator with the higher true loading weighs more
    assert w[0] > w[1] > w[2]
    assert w[3] == pytest.approx(w[4], rel=0.01)  # two indicators share a factor symmetrically
    # each factor's share of the weight follows its explained variance (three vs two indicators)
    assert pw[0] > pw[1]


# --- aggregation ---------------------------------------------------------------

def test_aggregation_bounds_and_monotonicity():
    rng = np.random.default_rng(0)
    z = rng.uniform(0.1, 1, size=(30, 5))
    pillar_of = np.array([0, 0, 1, 1, 2])
    pw, iw = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.4, 0.5, 0.5, 1.0])
    for method in ("arithmetic", "geometric"):
        pillars, comp = aggregate(z, pillar_of, pw, iw, method)
        assert np.all(comp >= z.min(axis=1) - 1e-12) and np.all(comp <= z.max(axis=1) + 1e-12)
        bumped = z.copy()
        bumped[:, 3] += 0.1
        assert np.all(aggregate(bumped, pillar_of, pw, iw, method)[1] > comp)
    arith = aggregate(z, pillar_of, pw, iw, "arithmetic")[1]
    geo = aggregate(z, pillar_of, pw, iw, "geometric")[1]
    assert np.all(geo <= arith + 1e-12)  # AM-GM


def test_geometric_matches_scipy_gmean():
    z = np.random.default_rng(2).uniform(0.1, 1, size=(6, 3))
    pillars, comp = aggregate(z, np.array([0, 0, 1]), np.array([1.0, 3.0]), np.array([1.0, 2.0, 1.0]),
                              "geometric")
    p0 = stats.gmean(z[:, :2], axis=1, weights=[1, 2])
    assert np.allclose(pillars[:, 0], p0)
    assert np.allclose(comp, stats.gmean(np.c_[p0, z[:, 2]], axis=1, weights=[1, 3]))


def test_missing_indicator_renormalises_within_pillar():
    z = np.array([[0.2, np.nan, 0.8], [0.2, 0.6, 0.8]])
    pillars, comp = aggregate(z, np.array([0, 0, 1]), np.array([1.0, 1.0]), np.array([1.0, 3.0, 1.0]))
    assert pillars[0, 0] == pytest.approx(0.2) and pillars[1, 0] == pytest.approx(0.25 * 0.2 + 0.75 * 0.6)


def test_batched_weights_equal_one_at_a_time():
    rng = np.random.default_rng(5)
    z = rng.uniform(0.1, 1, size=(8, 4))
    pillar_of = np.array([0, 0, 1, 1])
    pw, iw = rng.uniform(size=(7, 2)), rng.uniform(size=(7, 4))
    for method in ("arithmetic", "geometric"):
        _, batch = aggregate(z, pillar_of, pw, iw, method)
        for d in range(7):
            assert np.allclose(batch[d], aggregate(z, pillar_of, pw[d], iw[d], method)[1])


def test_geometric_rejects_non_positive_scores():
    with pytest.raises(ValueError, match="positive"):
        aggregate(np.array([[0.0, 1.0]]), np.array([0, 0]), np.ones(1), np.ones(2), "geometric")


# --- a toy example computed by hand ---------------------------------------------

def toy():
    # 4 regions; economic: income (+), unemployment (-); social: doctors (+)
    fw = Framework("toy", (Pillar("econ", 2.0, ("income", "unemp"), (1.0, 1.0)),
                           Pillar("social", 1.0, ("doctors",), (1.0,))),
                   {"income": 1, "unemp": -1, "doctors": 1}, outlier_max_values=0)
    panel = pd.DataFrame({"region": ["A", "B", "C", "D"], "year": 2021,
                          "income": [100.0, 200.0, 300.0, 500.0], "unemp": [4.0, 8.0, 6.0, 2.0],
                          "doctors": [30.0, 50.0, 20.0, 40.0]})
    return fw, panel


def test_toy_min_max_arithmetic_by_hand():
    fw, panel = toy()
    res = build_index(panel, fw)
    F = Fraction
    income = [F(0), F(1, 4), F(2, 4), F(1)]
    unemp = [F(4, 6), F(0), F(2, 6), F(1)]
    doctors = [F(1, 3), F(1), F(0), F(2, 3)]
    econ = [(a + b) / 2 for a, b in zip(income, unemp)]
    comp = [(2 * e + d) / 3 for e, d in zip(econ, doctors)]
    # A = (2*1/3 + 1/3)/3 = 1/3, B = (2*1/8 + 1)/3 = 5/12, C = (2*5/12)/3 = 5/18, D = (2 + 2/3)/3 = 8/9
    assert comp == [F(1, 3), F(5, 12), F(5, 18), F(8, 9)]
    t = res.table.loc[["A", "B", "C", "D"]]
    assert np.allclose(t["econ"], [float(v) for v in econ])
    assert np.allclose(t["composite"], [float(v) for v in comp])
    assert res.table.index.tolist() == ["D", "B", "A", "C"] and res.table["rank"].tolist() == [1, 2, 3, 4]
    assert np.allclose(res.weights["weight"], [1 / 3, 1 / 3, 1 / 3])


def test_toy_geometric_by_hand():
    fw, panel = toy()
    res = build_index(panel, fw.with_method(aggregation="geometric", geometric_floor=0.1))
    s = lambda v: 0.1 + 0.9 * np.array(v)  # min-max scores mapped onto [0.1, 1]
    income, unemp, doctors = s([0, 1 / 4, 1 / 2, 1]), s([2 / 3, 0, 1 / 3, 1]), s([1 / 3, 1, 0, 2 / 3])
    econ = np.sqrt(income * unemp)
    comp = econ ** (2 / 3) * doctors ** (1 / 3)
    assert np.allclose(res.table.loc[list("ABCD"), "composite"], comp)


def test_toy_distance_to_national_uses_the_national_row():
    fw, panel = toy()
    national = pd.DataFrame({"income": [250.0], "unemp": [5.0], "doctors": [35.0]}, index=[2021])
    res = build_index(panel, fw.with_method(normalisation="distance_to_national"), national=national)
    assert np.allclose(res.scores.loc["A"], [-0.6, 0.2, -5 / 35])
    assert res.warnings == ()
    res2 = build_index(panel, fw.with_method(normalisation="distance_to_national"))
    assert res2.warnings == ("reference_regional_mean",)


# --- coherence ---------------------------------------------------------------

def test_cronbach_alpha_by_hand_and_identical_items():
    assert cronbach_alpha(np.array([[1, 2], [2, 3], [3, 5], [4, 4.0]])) == pytest.approx(2 * (1 - (10 / 3) / 6))
    x = np.random.default_rng(0).normal(size=(10, 1))
    assert cronbach_alpha(np.c_[x, x, x]) == pytest.approx(1.0)
    assert np.isnan(cronbach_alpha(x))


def test_coherence_report_on_two_factor_data():
    x = two_factor_data(n=40, seed=3)
    cols = ["a1", "a2", "a3", "b1", "b2"]
    panel = pd.DataFrame(x, columns=cols).assign(region=[f"R{i}" for i in range(40)], year=1)
    fw = Framework("two", (Pillar("a", 1.0, tuple(cols[:3]), (1.0,) * 3), Pillar("b", 1.0, tuple(cols[3:]), (1.0,) * 2)),
                   {c: 1 for c in cols}, outlier_max_values=0)
    rep = coherence(build_index(panel, fw))
    assert rep.within_pillar["a"] > 0.6 and rep.within_pillar["b"] > 0.5 and abs(rep.across_pillars) < 0.3
    assert np.allclose(rep.correlations, np.corrcoef(stats.zscore(x), rowvar=False))
    assert rep.n_factors == 2 and rep.eigenvalues.iloc[1] > 1 > rep.eigenvalues.iloc[2]
    assert rep.eigenvalues.sum() == pytest.approx(5)
    assert rep.cronbach_alpha["a"] > 0.7 and (rep.indicator_pillar > 0.5).all()
