"""`aimaq data show` and `aimaq data check` on the real data."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from analysis.cli import app
from analysis.data.paths import PROJECT_DATA_DIR


def _raw(region, year, indicator):
    with open(PROJECT_DATA_DIR / "observations.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row["region"], row["year"], row["indicator"]) == (region, str(year), indicator):
                return float(row["value"])
    raise KeyError((region, year, indicator))


def test_show_prints_the_series_in_three_languages():
    runner = CliRunner()
    value = _raw("KZ-43", 2019, "population_jan1")
    outputs = {}
    for lang in ("kk", "ru", "en"):
        result = runner.invoke(app, ["data", "show", "--region", "KZ-43", "--indicator", "population_jan1",
                                     "--basis", "current", "--lang", lang])
        assert result.exit_code == 0, result.output
        outputs[lang] = result.output
    assert "Қызылорда облысы" in outputs["kk"] and "халық саны" in outputs["kk"]
    assert "Кызылординская область" in outputs["ru"]
    assert "Kyzylorda Region" in outputs["en"] and "Population on 1 January" in outputs["en"]
    assert f"{value:,.0f}" in outputs["en"]  # 1,234,567
    assert f"{value:,.0f}".replace(",", "\u00a0") in outputs["ru"]  # 1 234 567


def test_show_marks_population_weighted_approximations():
    result = CliRunner().invoke(app, ["data", "show", "--region", "KZ-SKO", "--indicator", "unemployment_rate"])
    assert result.exit_code == 0, result.output
    assert "≈" in result.output and "population-weighted" in result.output


def test_show_rejects_unknown_values_with_the_valid_ones():
    runner = CliRunner()
    bad_region = runner.invoke(app, ["data", "show", "--region", "KZ-SKO", "--indicator", "grp_nominal", "--basis", "current"])
    assert bad_region.exit_code == 1 and "KZ-79" in bad_region.output and "Traceback" not in bad_region.output
    bad_indicator = runner.invoke(app, ["data", "show", "--region", "KZ-43", "--indicator", "gdp"])
    assert bad_indicator.exit_code == 1 and "grp_per_capita" in bad_indicator.output
    bad_lang = runner.invoke(app, ["data", "show", "--region", "KZ-43", "--indicator", "grp_nominal", "--lang", "de"])
    assert bad_lang.exit_code == 1 and "kk" in bad_lang.output


def test_check_reports_the_per_capita_comparison():
    result = CliRunner().invoke(app, ["data", "check"])
    assert result.exit_code == 0, result.output
    assert "data OK" in result.output and "0.05%" in result.output
    assert "largest difference" in result.output


def test_coverage_lists_every_indicator_on_both_bases():
    runner = CliRunner()
    stable = runner.invoke(app, ["data", "coverage"])
    current = runner.invoke(app, ["data", "coverage", "--basis", "current"])
    assert stable.exit_code == 0 and current.exit_code == 0
    assert "grp_per_capita_rel" in stable.output and "1993-2025" in stable.output
    assert "current basis" in current.output
