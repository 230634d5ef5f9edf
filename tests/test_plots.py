"""analysis.plots: translated labels, maps from GeoJSON on the right vintage, page tables with known truths."""
from __future__ import annotations

import functools
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.text import Text

from analysis import plots
from analysis.i18n import LANGS, gettext, indicator_name, load_catalogue, region_name
from analysis.plots import _geo
from analysis.plots._common import LocaleFormatter, png_bytes

ROOT = Path(__file__).resolve().parents[1]
PLOTS_PO = ROOT / "src/analysis/i18n/locale/en/LC_MESSAGES/plots.po"


# ---------------------------------------------------------------- helpers

def figure_texts(fig) -> list[str]:
    """Every string drawn on a figure (titles, labels, ticks, legends, annotations)."""
    fig.draw_without_rendering()  # lays out ticks and legends without rasterising
    return [t.get_text() for t in fig.findobj(Text) if t.get_text().strip()]


@functools.lru_cache(maxsize=1)
def english_fragments() -> frozenset[str]:
    """Static parts (>= 4 Latin letters) of every English plots.po message that kk translates differently."""
    kk = load_catalogue("kk")
    fragments = set()
    for (context, msgid), entry in load_catalogue("en").items():
        if entry.domain != "plots" or kk[(context, msgid)].text == msgid:
            continue
        for part in re.split(r"\{[^}]*\}", msgid):
            part = part.strip(" ,.;:()–-=%")
            if len(re.findall(r"[A-Za-z]", part)) >= 4:
                fragments.add(part)
    return frozenset(fragments)


def assert_no_english(texts: list[str]):
    leaks = [(f, t) for t in texts for f in english_fragments() if f in t]
    assert leaks == [], leaks


def toy_panel(seed=0, regions=8, years=range(2000, 2016)):
    rng = np.random.default_rng(seed)
    level = rng.lognormal(0, 0.5, regions)
    rows = []
    for y in years:
        level = level * np.exp(0.03 - 0.02 * np.log(level) + rng.normal(0, 0.03, regions))
        rows += [(f"R{i}", y, v, 1 + (i < 4)) for i, v in enumerate(level)]
    return pd.DataFrame(rows, columns=["region", "year", "y", "g"])


# ---------------------------------------------------------------- translation of figures

def test_convergence_figures_have_no_english_in_kk_and_ru():
    from analysis.convergence import beta, clubs, markov, sigma

    panel = toy_panel()
    series = sigma(panel, "y", group="g")
    b = beta(panel, "y", 2000, 2015)
    m = markov(panel, "y", classes=4, n_boot=19)
    c = clubs(panel, "y")
    for lang in ("kk", "ru"):
        figs = [plots.sigma_figure(series, lang, groups_label=gettext("oblasts and cities", lang)),
                plots.beta_scatter(panel, "y", b, lang), plots.markov_figure(m, lang),
                plots.clubs_figure(panel, "y", c, lang)]
        texts = [t for f in figs for t in figure_texts(f)]
        assert_no_english(texts)
        assert gettext("Theil index", lang) in texts
        assert gettext("Transition probabilities (share of each row)", lang) in texts


def test_english_figures_do_show_the_english_catalogue():
    # guards the leak test above: the fragments really are what an untranslated figure shows
    fig = plots.sigma_figure(sigma_frame(), "en")
    texts = figure_texts(fig)
    assert any(f in t for t in texts for f in english_fragments())


def sigma_frame():
    return pd.DataFrame({"cv": [0.5, 0.4], "cv_weighted": [0.6, 0.5], "theil_t": [0.1, 0.08],
                         "theil_t_between": [0.06, 0.05], "theil_t_within": [0.04, 0.03]}, index=[2020, 2021])


def test_index_and_rank_figures_translated():
    table = pd.DataFrame({"economic": [0.9, 0.2], "social": [0.5, 0.4], "environmental": [0.1, 0.3],
                          "composite": [0.5, 0.3], "rank": [1, 2]}, index=["KZ-43", "KZ-55"])
    ranks = pd.DataFrame({"median": [1, 2], "low": [1, 1], "high": [2, 2], "nominal": [1, 2]}, index=["KZ-43", "KZ-55"])
    for lang in ("kk", "ru"):
        names = {c: region_name(c, lang) for c in table.index}
        texts = figure_texts(plots.index_figure(table, ["economic", "social", "environmental"], lang, names=names,
                                                highlight=("KZ-43",)))
        texts += figure_texts(plots.rank_interval_figure(ranks, (0.05, 0.95), lang, names=names))
        assert_no_english(texts)
        assert gettext("Social pillar", lang) in texts
        assert any(region_name("KZ-43", lang) in t for t in texts)
    # the data behind both figures, for their CSV downloads: every region, values unrounded
    from analysis.plots._common import figure_data

    scores = figure_data(plots.index_figure(table, ["economic", "social", "environmental"], "en", names={}))
    assert len(scores) == len(table) and scores["Composite index"].tolist() == table.sort_values("rank")["composite"].tolist()
    spans = figure_data(plots.rank_interval_figure(ranks, (0.05, 0.95), "ru", names={}))
    assert list(spans.columns[-2:]) == ["Место, 5-й процентиль по вариантам", "Место, 95-й процентиль по вариантам"]


def test_region_trend_figure_translated_and_checks_columns():
    panel = pd.DataFrame({"region": ["KZ-43"] * 5 + ["KZ-55"] * 5, "year": list(range(2018, 2023)) * 2,
                          "unemployment_rate": [5.0, 4.9, 4.8, 4.9, 4.7, 4.0, 4.1, 4.2, 4.0, 3.9]})
    national = pd.DataFrame({"unemployment_rate": [4.8, 4.8, 4.9, 4.9, 4.8]}, index=range(2018, 2023))
    texts = figure_texts(plots.region_indicators_figure(panel, national, "KZ-43", ["unemployment_rate"], "kk"))
    assert_no_english(texts)
    assert indicator_name("unemployment_rate", "kk") in texts
    with pytest.raises(ValueError, match="missing columns grp"):
        plots.region_indicators_figure(panel, national, "KZ-43", ["grp"], "kk")


def test_locale_ticks_are_distinct_and_localised():
    formatter = LocaleFormatter("ru")
    locs = [0.0, 0.005, 0.01, 0.015, 0.02]
    formatter.set_locs(locs)
    labels = [formatter(v) for v in locs]
    assert len(set(labels)) == len(labels)
    assert labels[1] == "0,005"
    big = LocaleFormatter("kk")
    big.set_locs([0, 5000, 10000])
    assert big(10000) in ("10\u00a0000", "10 000")


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        plots.sigma_figure(sigma_frame(), "de")


# ---------------------------------------------------------------- maps on synthetic boundaries (known truth)

def square(x0, y0, size=1.0):
    return [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]


def write_geojson(path: Path, features: dict):
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"region_code": code}, "geometry": {"type": "Polygon", "coordinates": rings}}
        for code, rings in features.items()]}
    path.write_text(json.dumps(collection), encoding="utf-8")


@pytest.fixture
def synthetic_data(tmp_path):
    """A copy of the project's tables with two synthetic boundary vintages (A|B, then A|B1|B2)."""
    for f in (ROOT / "data").iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    (tmp_path / "geo").mkdir()
    write_geojson(tmp_path / "geo" / "old.geojson", {"A": [square(0, 0)], "B": [square(1, 0, 2)]})
    write_geojson(tmp_path / "geo" / "new.geojson",
                  {"A": [square(0, 0)], "B1": [square(1, 0)], "B2": [[[2, 0], [3, 0], [3, 2], [1, 2], [1, 1], [2, 1], [2, 0]]]})
    _geo._read_vintage.cache_clear()
    return tmp_path


def test_vintage_is_chosen_by_region_codes(synthetic_data):
    assert Path(_geo.vintage_for({"A", "B"}, synthetic_data).file).name == "old.geojson"
    assert Path(_geo.vintage_for({"A", "B1", "B2"}, synthetic_data).file).name == "new.geojson"
    # a subset goes to the smallest vintage that holds it (extras drawn as "no data")
    assert Path(_geo.vintage_for({"A"}, synthetic_data).file).name == "old.geojson"
    with pytest.raises(ValueError, match="no boundary file has all of the regions Z.*old.geojson"):
        _geo.vintage_for({"Z"}, synthetic_data)


def test_label_point_is_inside_a_concave_region_and_holes_are_holes():
    from matplotlib.path import Path as MplPath

    l_shape = [[[2, 0], [3, 0], [3, 2], [1, 2], [1, 1], [2, 1], [2, 0]]]
    path = _geo.ring_path(l_shape)
    x, y = _geo.label_point(path)
    assert MplPath(np.asarray(l_shape[0])).contains_point((x, y))
    # GeoJSON holes wind the other way: the filled patch must leave them empty
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

    holed = _geo.ring_path([square(0, 0, 4), square(1, 1, 1)[::-1]])
    fig = Figure(figsize=(4, 4), dpi=10)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 4)
    ax.set_ylim(0, 4)
    ax.set_axis_off()
    ax.add_patch(PathPatch(holed, facecolor="black", edgecolor="none"))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3]
    assert (pixels[40 - 15, 15] == 255).all()  # inside the hole (1.5, 1.5): white
    assert (pixels[40 - 35, 35] == 0).all()  # inside the outer ring (3.5, 3.5): black


def test_geojson_errors_name_file_and_feature(tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [square(0, 0)]}}]}))
    with pytest.raises(ValueError, match=r"bad.geojson: feature 1, column properties.region_code"):
        _geo.read_vintage(str(bad))
    with pytest.raises(FileNotFoundError, match="geo"):
        _geo.geo_files(tmp_path)


def test_choropleth_colours_follow_values_and_missing_is_grey(synthetic_data):
    from matplotlib import colormaps
    from matplotlib.collections import PatchCollection

    values = pd.Series({"A": 1.0, "B1": 3.0, "B2": np.nan})
    fig = plots.choropleth_map(values, "kk", indicator="unemployment_rate", year=2023, data_dir=str(synthetic_data))
    collection = [c for c in fig.axes[0].collections if isinstance(c, PatchCollection)][0]
    colours = collection.get_facecolors()  # regions in code order: A, B1, B2
    cmap = colormaps["YlGnBu"]
    np.testing.assert_allclose(colours[0], cmap(0.0), atol=1e-6)
    np.testing.assert_allclose(colours[1], cmap(1.0), atol=1e-6)
    np.testing.assert_allclose(colours[2], to_rgba(plots.choropleth.NO_DATA), atol=1e-6)
    hatched = [c for c in fig.axes[0].collections if isinstance(c, PatchCollection) and c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) == 1  # "no data" is hatched, not a colour class
    texts = figure_texts(fig)
    assert gettext("no data", "kk") in texts
    assert indicator_name("unemployment_rate", "kk") in fig.get_suptitle()
    change = plots.choropleth_map(pd.Series({"A": -2.0, "B1": 1.0, "B2": 2.0}), "ru", indicator="unemployment_rate",
                                  year=2023, start_year=2018, data_dir=str(synthetic_data))
    diverging = [c for c in change.axes[0].collections if isinstance(c, PatchCollection)][0].get_facecolors()
    np.testing.assert_allclose(diverging[0], colormaps["PuOr"](0.0), atol=1e-6)  # -2 is the most negative
    np.testing.assert_allclose(diverging[2], colormaps["PuOr"](1.0), atol=1e-6)  # each side to its own extreme
    # changes of one sign only: a sequential palette, not a diverging one centred on an empty side
    rising = plots.choropleth_map(pd.Series({"A": 1.0, "B1": 2.0, "B2": 5.0}), "ru", indicator="unemployment_rate",
                                  year=2023, start_year=2018, data_dir=str(synthetic_data))
    shades = [c for c in rising.axes[0].collections if isinstance(c, PatchCollection)][0].get_facecolors()
    np.testing.assert_allclose(shades[0], colormaps["YlGnBu"](0.0), atol=1e-6)
    np.testing.assert_allclose(shades[2], colormaps["YlGnBu"](1.0), atol=1e-6)
    assert "2018" in change.get_suptitle() and "Change" not in change.get_suptitle()


# ---------------------------------------------------------------- maps on the project's boundaries

def test_locator_and_vintage_maps_on_real_boundaries():
    _geo._read_vintage.cache_clear()
    fig = plots.locator_map("KZ-43", "kk", year=2023)
    assert region_name("KZ-43", "kk") in figure_texts(fig)
    with pytest.raises(ValueError, match="not a unit in 2015"):
        plots.locator_map("KZ-10", "kk", year=2015)
    titles = [ax.get_title() for ax in plots.boundary_vintages_map("ru", years=range(1997, 2024)).axes]
    assert [t.split(": ")[-1] for t in titles] == ["16 единиц", "17 единиц", "20 единиц"]
    assert titles[0].startswith("1997–2017") and titles[1].startswith("2018–2021") and "2022" in titles[2]
    # a past edition shows only the vintages in force by then
    assert len(plots.boundary_vintages_map("kk", years=range(1997, 2020)).axes) == 2
    vintages = {len(v.codes): v for v in _geo.all_vintages(ROOT / "data")}
    assert "KZ-SKO" in vintages[16].codes and {"KZ-10", "KZ-33", "KZ-62"} <= vintages[20].codes


def test_png_bytes_identical_for_identical_figures():
    a = png_bytes(plots.locator_map("KZ-55", "ru", year=2019))
    b = png_bytes(plots.locator_map("KZ-55", "ru", year=2019))
    assert a == b and a[:4] == b"\x89PNG"



# ---------------------------------------------------------------- page tables (known truths)

def test_region_key_figures_known_truth():
    panel = pd.DataFrame({
        "region": ["A", "B", "C"] * 3,
        "year": [2018] * 3 + [2022] * 3 + [2023] * 3,
        "x": [1.0, 5.0, 3.0, 2.0, 4.0, 4.0, np.nan, 9.0, 1.0],
        "z": [np.nan] * 9,
    })
    national = pd.DataFrame({"x": [3.0, 3.5]}, index=[2018, 2022])
    out = plots.region_key_figures(panel, national, "A", 2023, ["x", "z"], span=4).set_index("indicator")
    # A has no 2023 value: its 2022 value is shown, ranked among the three 2022 values (2 < 4 = 4 -> rank 3)
    assert list(out.index) == ["x"]  # z has no value at all and is left out
    row = out.loc["x"]
    assert (row["year"], row["value"], row["national"], row["rank"], row["n"]) == (2022, 2.0, 3.5, 3, 3)
    assert row["change"] == pytest.approx(1.0) and row["change_from"] == 2018
    ties = plots.region_key_figures(panel, national, "B", 2022, ["x"]).iloc[0]
    assert ties["rank"] == 1  # a tie shares the better rank
    assert np.isnan(plots.region_key_figures(panel, national, "B", 2022, ["x"], span=2).iloc[0]["change"])
    early = plots.region_key_figures(panel, national, "B", 2020, ["x"]).iloc[0]
    assert early["year"] == 2018 and early["value"] == 5.0  # a later edition's data is never used


def test_indicator_coverage_known_truth():
    panel = pd.DataFrame({"region": ["A", "B", "A", "B", "A", "B"], "year": [2019, 2019, 2020, 2020, 2021, 2021],
                          "x": [np.nan, 1.0, 2.0, np.nan, 3.0, 4.0], "y": [np.nan] * 6})
    out = plots.indicator_coverage(panel, 2020, ["x", "y"])
    assert out.to_dict("records") == [{"indicator": "x", "first": 2019, "last": 2020, "regions": 1, "units": 2,
                                       "values": 2}]


def test_beta_spells_are_the_regression_data():
    from analysis.convergence import beta
    from analysis.plots.beta import spells

    panel = toy_panel(seed=3)
    result = beta(panel, "y", 2000, 2015)
    points = spells(panel, "y", result.sample)
    wide = panel.pivot(index="region", columns="year", values="y")
    expected_growth = (np.log(wide[2015]) - np.log(wide[2000])) / 15
    np.testing.assert_allclose(points.set_index("region")["growth"], expected_growth.loc[points["region"]])
    # the drawn line is the OLS fit of exactly these points
    slope, intercept = np.polyfit(points["log_initial"], points["growth"], 1)
    assert slope == pytest.approx(result.beta) and intercept == pytest.approx(result.intercept)


def test_edited_boundary_file_is_read_again(tmp_path):
    import os
    import time

    file = tmp_path / "v.geojson"
    write_geojson(file, {"A": [square(0, 0)]})
    assert _geo.read_vintage(str(file)).codes == {"A"}
    write_geojson(file, {"A": [square(0, 0)], "B": [square(1, 0)]})
    os.utime(file, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    assert _geo.read_vintage(str(file)).codes == {"A", "B"}


def test_programme_figures_translated():
    from types import SimpleNamespace

    years = list(range(2000, 2010))
    table = pd.DataFrame({"rel_time": [-2, -1, 0, 1, 2], "estimate": [0.01, 0.0, 0.05, 0.08, 0.1],
                          "se": [0.02, 0.0, 0.02, 0.03, 0.03], "ci_low": [-0.03, 0.0, 0.01, 0.02, 0.04],
                          "ci_high": [0.05, 0.0, 0.09, 0.14, 0.16]})
    study = SimpleNamespace(table=table, reference=-1, window=(-2, 2), pretrend_p_value=0.6, alpha=0.05)
    synthetic = pd.Series(np.linspace(1, 2, 10), index=years)
    gap = pd.Series(np.r_[np.zeros(5), np.full(5, 0.2)], index=years)
    synth = SimpleNamespace(treated_unit="KZ-43", treatment_time=2005, synthetic=synthetic, gap=gap)
    placebos = SimpleNamespace(gaps=pd.DataFrame({"KZ-43": gap, "KZ-55": gap * 0.1}))
    for lang in ("kk", "ru"):
        label = indicator_name("grp_per_capita_rel", lang)
        texts = figure_texts(plots.event_study_figure(study, lang, outcome_label=label))
        texts += figure_texts(plots.synth_figure(synth, placebos, lang, outcome_label=label,
                                                 name=region_name("KZ-43", lang)))
        rolling = pd.DataFrame({"start": [2000, 2001], "end": [2010, 2011], "beta": [-0.01, 0.002],
                                "verdict": ["converging", "no_significant_change"]})
        texts += figure_texts(plots.rolling_beta_figure(rolling, lang))
        assert_no_english(texts)
        assert any(t.startswith(gettext("Placebo regions", lang)) for t in texts) and gettext("Converging", lang) in texts
        assert "≤ -2" in texts and "≥ 2" in texts  # binned endpoints are marked


def test_the_phone_zoom_of_the_stylesheet_keeps_the_smallest_figure_text_at_9_px():
    """book/_static/aimaq.css shrinks figures on a phone by one factor; 8 pt at the PNG's dpi must stay >= 9 px."""
    import re
    from pathlib import Path

    from analysis.plots._common import DPI, MIN_FONT

    css = (Path(__file__).resolve().parents[1] / "book" / "_static" / "aimaq.css").read_text(encoding="utf-8")
    zooms = [float(z) for z in re.findall(r"\.cell_output > img \{[^}]*zoom:\s*([0-9.]+)", css)]
    assert zooms, "aimaq.css: no zoom rule for figures on narrow screens"
    assert all(MIN_FONT * DPI / 72 * z >= 9.0 for z in zooms), (MIN_FONT, DPI, zooms)
