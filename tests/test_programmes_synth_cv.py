"""Cross-validated V (ADH 2015) and user-supplied V on a simulated panel where the two fits give
different, known answers.

Design: donors B, C, D. Predictors a = (a1, a2) place the treated unit exactly at the midpoint of
B and C (unique barycentric weights 0.5, 0.5, 0), predictors b = (b1, b2) exactly at D. The
treated outcome equals D's in the long training window (2000-2009) and 0.5 B + 0.5 C in the
validation window (2010-2012) and after; D runs 15 above the midpoint in training, 0.2 above it in
validation and 5 above it after treatment. Cross-validation chooses V by the validation fit, which
only the a-predictors deliver exactly: W = (0.5, 0.5, 0) and the effect 2. The plain fit matches
the whole pre-period, where the treated unit is (almost) D: W = D and an effect of 2 - 5 = -3.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.programmes import synthetic_control
from analysis.programmes.synth_cv import synthetic_control_cv
from analysis.programmes._checks import PanelInputError

YEARS = list(range(2000, 2016))
TRAIN, VALID, START = range(2000, 2010), range(2010, 2013), 2013


def _panel(effect: float = 2.0) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    t = np.arange(len(YEARS))
    paths = {"B": 10 + 0.5 * t + rng.normal(0, 0.3, len(t)),
             "C": 14 - 0.2 * t + rng.normal(0, 0.3, len(t))}
    mid = 0.5 * paths["B"] + 0.5 * paths["C"]
    year = np.array(YEARS)
    # D: far above the midpoint in training, 0.2 above it in validation, 5 above it afterwards
    paths["D"] = mid + np.where(year < 2010, 15.0, np.where(year < START, 0.2, 5.0))
    treated = np.where(np.isin(YEARS, list(TRAIN)), paths["D"], mid) + np.where(np.array(YEARS) >= START, effect, 0.0)
    a = {"B": (0.0, 0.0), "C": (2.0, 0.0), "D": (0.0, 2.0), "A": (1.0, 0.0)}
    b = {"B": (5.0, 1.0), "C": (1.0, 5.0), "D": (3.0, 3.5), "A": (3.0, 3.5)}
    rows = []
    for u, y in {**paths, "A": treated}.items():
        for i, year in enumerate(YEARS):
            rows.append((u, year, y[i], *a[u], *b[u]))
    return pd.DataFrame(rows, columns=["region", "year", "y", "a1", "a2", "b1", "b2"])


PRED = [("a1", "mean"), ("a2", "mean"), ("b1", "mean"), ("b2", "mean")]
TRIPLES = [(v, list(range(2000, 2013)), "mean") for v, _ in PRED]
KW = dict(unit="region", time="year", treated_unit="A", treatment_time=START)


def test_cross_validated_v_finds_the_validation_matching_weights():
    r = synthetic_control_cv(_panel(), "y", training=TRAIN, validation=VALID, predictors=PRED, **KW)
    assert r.weights.to_dict() == pytest.approx({"B": 0.5, "C": 0.5, "D": 0.0}, abs=1e-6)
    assert r.spec["cv"]["v"].sum() == pytest.approx(1.0)
    assert r.spec["cv"]["validation_rmspe"] == pytest.approx(0.0, abs=1e-6)
    # the effect after treatment is recovered from the midpoint (noise cancels: A equals it)
    assert r.att == pytest.approx(2.0, abs=1e-9)


def test_plain_fit_leans_on_the_training_years_and_differs():
    # the library's plain fit: the outcome in every pre-treatment year, V on the whole pre-period
    plain = synthetic_control(_panel(), "y", **KW)
    assert plain.weights["D"] == pytest.approx(1.0, abs=1e-3)
    assert plain.att == pytest.approx(-3.0, abs=0.02)
    cv = synthetic_control_cv(_panel(), "y", training=TRAIN, validation=VALID, predictors=PRED, **KW)
    assert cv.att == pytest.approx(2.0, abs=1e-9)


def test_user_supplied_v_gives_the_weights_of_its_predictors():
    only_b = synthetic_control(_panel(), "y", predictors=TRIPLES, v=[0, 0, 1, 1], **KW)
    assert only_b.weights.to_dict() == pytest.approx({"B": 0.0, "C": 0.0, "D": 1.0}, abs=1e-6)
    only_a = synthetic_control(_panel(), "y", predictors=TRIPLES, v=[3, 3, 0, 0], **KW)
    assert only_a.weights.to_dict() == pytest.approx({"B": 0.5, "C": 0.5, "D": 0.0}, abs=1e-6)
    assert only_a.predictor_weights.tolist() == pytest.approx([0.5, 0.5, 0, 0])


@pytest.mark.parametrize("kwargs, words", [
    (dict(training=range(2010, 2013), validation=range(2000, 2010)), "after the training"),
    (dict(training=range(2000, 2010), validation=range(2010, 2014)), "pre-treatment"),
])
def test_bad_windows_are_refused(kwargs, words):
    with pytest.raises(PanelInputError, match=words):
        synthetic_control_cv(_panel(), "y", predictors=PRED, **kwargs, **KW)


def test_bad_user_v_is_refused():
    with pytest.raises(PanelInputError, match="v:"):
        synthetic_control(_panel(), "y", predictors=TRIPLES, v=[1, -1, 0, 0], **KW)
