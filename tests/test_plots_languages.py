"""One figure, three languages: reused artists with swapped texts give the PNG a fresh figure gives."""
from __future__ import annotations

import base64
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from analysis import plots, report
from analysis.i18n import LANGS, indicator_name, region_name
from analysis.plots._common import png_bytes, same_figure_across_languages

ORDERS = [("kk", "ru", "en"), ("en", "ru", "kk")]


def _programme_results():
    years = list(range(2000, 2010))
    table = pd.DataFrame({"rel_time": [-2, -1, 0, 1, 2], "estimate": [0.01, 0.0, 0.05, 0.08, 0.1],
                          "ci_low": [-0.03, 0.0, 0.01, 0.02, 0.04], "ci_high": [0.05, 0.0, 0.09, 0.14, 0.16]})
    study = SimpleNamespace(table=table, reference=-1, window=(-2, 2), pretrend_p_value=0.6, alpha=0.05)
    synthetic = pd.Series(np.linspace(1, 2, 10), index=years)
    gap = pd.Series(np.r_[np.zeros(5), np.full(5, 0.2)], index=years)
    synth = SimpleNamespace(treated_unit="KZ-43", treatment_time=2005, synthetic=synthetic, gap=gap)
    placebos = SimpleNamespace(gaps=pd.DataFrame({"KZ-43": gap, "KZ-55": gap * 0.1, "KZ-11": gap * -0.3}))
    return study, synth, placebos


def _region_data():
    years = np.arange(2008, 2023)
    rng = np.random.default_rng(1)
    regions = ["KZ-43", "KZ-55", "KZ-11"]
    panel = pd.DataFrame({"region": np.repeat(regions, len(years)), "year": np.tile(years, len(regions)),
                          "unemployment_rate": rng.uniform(4, 7, len(years) * 3),
                          "grp_per_capita": rng.uniform(1000, 9000, len(years) * 3),
                          "doctors_per_10k": rng.uniform(30, 60, len(years) * 3)})
    national = panel.groupby("year")[["unemployment_rate", "grp_per_capita", "doctors_per_10k"]].mean()
    return panel, national


def _draws():
    study, synth, placebos = _programme_results()
    panel, national = _region_data()
    indicators = ["unemployment_rate", "grp_per_capita", "doctors_per_10k"]
    label = {lang: indicator_name("grp_per_capita_rel", lang) for lang in LANGS}
    years = list(range(2000, 2012))
    dispersion = pd.DataFrame({"cv": np.linspace(0.6, 0.4, 12), "cv_weighted": np.linspace(0.7, 0.5, 12),
                               "theil_t": np.linspace(0.2, 0.1, 12), "theil_t_between": np.linspace(0.12, 0.05, 12),
                               "theil_t_within": np.linspace(0.08, 0.05, 12)}, index=years)
    plain = dispersion[["cv", "theil_t"]]
    from analysis.convergence.results import Club, ClubsResult

    codes = ["KZ-43", "KZ-55", "KZ-11", "KZ-19"]
    levels = pd.DataFrame({"region": np.repeat(codes, 12), "year": np.tile(years, 4),
                           "y": np.r_[np.linspace(2, 2.4, 12), np.linspace(2.1, 2.3, 12), np.linspace(1, 1.1, 12),
                                      np.linspace(1.2, 0.9, 12)]})
    clubs = ClubsResult(b=0.1, t_stat=1.0, critical=1.65, clubs=(Club(("KZ-43", "KZ-55"), 0.1, 1.0),
                                                                 Club(("KZ-11",), 0.2, 1.1)),
                        initial_clubs=(), divergent=("KZ-19",), start=2000, end=2011, trim=0.3, hp_lambda=None,
                        verdict="converging", alpha=0.05)
    club_names = {lang: {code: region_name(code, lang) for code in codes} for lang in LANGS}
    groups = {"kk": "облыстар мен қалалар", "ru": "области и города", "en": "oblasts and cities"}
    return {
        "region_indicators": lambda lang: plots.region_indicators_figure(panel, national, "KZ-43", indicators, lang),
        "locator": lambda lang: plots.locator_map("KZ-43", lang, year=2022),
        "event_study": lambda lang: plots.event_study_figure(study, lang, outcome_label=label[lang]),
        "synth": lambda lang: plots.synth_figure(synth, placebos, lang, outcome_label=label[lang],
                                                 name=region_name("KZ-43", lang)),
        "synth_no_placebos": lambda lang: plots.synth_figure(synth, None, lang, outcome_label=label[lang],
                                                             name=region_name("KZ-43", lang)),
        "sigma": lambda lang: plots.sigma_figure(dispersion, lang, groups_label=groups[lang]),
        "sigma_without_groups": lambda lang: plots.sigma_figure(plain, lang),
        "vintages": lambda lang: plots.boundary_vintages_map(lang, years=range(1997, 2023)),
        "clubs": lambda lang: plots.clubs_figure(levels, "y", clubs, lang, names=club_names[lang], highlight="KZ-43"),
    }


@pytest.mark.parametrize("name", sorted(_draws()))
def test_relabelled_figure_equals_a_fresh_one_in_every_language(name):
    draw = _draws()[name]
    fresh = {lang: png_bytes(draw(lang)) for lang in LANGS}
    assert len(set(fresh.values())) == 3  # the languages really differ
    for order in ORDERS:
        with same_figure_across_languages():
            figures = [draw(lang) for lang in order[:1]]
            shown = {order[0]: png_bytes(figures[0])}
            for lang in order[1:]:
                figures.append(draw(lang))
                shown[lang] = png_bytes(figures[-1])
        assert all(f is figures[0] for f in figures), "the artists are built once"
        assert shown == fresh, order


def test_outside_a_session_or_on_other_data_a_new_figure_is_built():
    study, _, _ = _programme_results()
    other = SimpleNamespace(**{**vars(study), "table": study.table.assign(estimate=study.table["estimate"] * 2)})
    assert plots.event_study_figure(study, "kk", outcome_label="x") is not \
        plots.event_study_figure(study, "ru", outcome_label="x")
    with same_figure_across_languages():
        first = plots.event_study_figure(study, "kk", outcome_label="x")
        assert plots.event_study_figure(other, "ru", outcome_label="x") is not first
        assert png_bytes(plots.event_study_figure(other, "en", outcome_label="x")) == \
            png_bytes(plots.event_study_figure(other, "en", outcome_label="x"))


def test_report_figure_builds_once_and_emits_the_fresh_bytes():
    calls = []
    draw = _draws()["region_indicators"]

    def counted(lang):
        calls.append(lang)
        return draw(lang)

    with report.capture() as out:
        report.figure(counted, "Map of Kazakhstan with {region} highlighted", region=report.Region("KZ-43"))
    assert calls == list(LANGS)
    assert [o["metadata"]["aimaq"]["lang"] for o in out] == list(LANGS)
    for o in out:
        assert base64.b64decode(o["data"]["image/png"]) == png_bytes(draw(o["metadata"]["aimaq"]["lang"]))


@pytest.mark.parametrize("name", sorted(_draws()))
def test_languages_drawn_on_one_kept_layer(name, monkeypatch):
    """render_languages draws a kept figure's language-independent layer once, each language's texts on it.

    A fixed-layout figure gives the bytes of a fresh figure. A constrained-layout
    one is laid out once for the three languages (each text at its largest), so
    its panels may sit a pixel away from a fresh figure's: what must hold is that
    the result does not depend on the order of the languages, that every
    language's texts fit in the figure, and that the layered PNG is the one a
    full draw of that figure gives.
    """
    from analysis.plots import _render

    layers = []
    original = _render._Layers

    class Counted(original):
        def __init__(self, *args):
            layers.append(self)
            super().__init__(*args)

    monkeypatch.setattr(_render, "_Layers", Counted)
    draw = _draws()[name]
    fresh = {lang: png_bytes(draw(lang)) for lang in LANGS}
    fixed = draw("en").get_layout_engine() is None
    seen = []
    for order in ORDERS:
        layers.clear()
        figures = []
        shown = dict(zip(order, _render.render_languages(draw, order, figures=figures)))
        assert len(figures) == 1, "one figure for the three languages"
        fig = figures[0]
        assert len(set(shown.values())) == 3
        seen.append(shown)
        if getattr(fig, "_aimaq_layout_per_language", False):  # laid out and drawn per language
            assert not layers and shown == fresh, order
            continue
        assert len(layers) == 1, "one kept layer"
        # the figure now shows the last language: a full draw of it gives the layered bytes
        assert png_bytes(fig) == shown[order[-1]]
        renderer = _render.CachingCanvas(fig).get_renderer()
        box, inside = fig.get_tightbbox(renderer), fig.bbox_inches
        assert box.x0 >= -0.01 and box.y0 >= -0.01 and box.x1 <= inside.x1 + 0.01 and box.y1 <= inside.y1 + 0.01
        if fixed:
            assert shown == fresh, order
        else:
            assert all(_size(shown[lang]) == _size(fresh[lang]) for lang in LANGS)
    assert seen[0] == seen[1], "the same bytes whatever the order of the languages"


def _size(png: bytes) -> tuple[int, int]:
    import struct

    return struct.unpack(">II", png[16:24])
