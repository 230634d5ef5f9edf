"""analysis.report: one output per language, escaping, locale numbers, glue, parameter checks."""
from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import pytest

from analysis import report
from analysis.i18n import LANGS, format_number, gettext, key_text, region_name
from analysis.report import Column, Indicator, Join, Key, Msg, ParameterError, Region


def langs_of(outputs):
    return [o["metadata"]["aimaq"]["lang"] for o in outputs if "data" in o]


def test_each_output_once_per_language_in_order():
    with report.capture() as out:
        report.title("Key indicators")
        report.heading("Maps", level=3)
        report.paragraph("{region} belongs to no club.", region=Region("KZ-43"))
    assert langs_of(out) == list(LANGS) * 3
    assert out[0]["data"]["text/markdown"] == "# " + gettext("Key indicators", "kk")
    assert out[3]["data"]["text/markdown"].startswith("### ")
    kk = out[6]["data"]["text/markdown"]
    assert region_name("KZ-43", "kk") in kk and "belongs" not in kk


def test_numbers_follow_each_language():
    value = 1234.5678
    with report.capture() as out:
        report.paragraph("In {end} the Theil index was {theil:.3f}; the gap between oblasts and cities of republican "
                         "significance accounts for {share:.0%} of it, the differences within each group for the rest.",
                         end="2022", theil=value, share=0.25)
    texts = {o["metadata"]["aimaq"]["lang"]: o["data"]["text/markdown"] for o in out}
    # Independent expectation: kk/ru group with a (no-break) space and use a decimal comma.
    assert "1,234.568" in texts["en"]
    for lang in ("kk", "ru"):
        assert "1\u00a0234,568" in texts[lang] or "1 234,568" in texts[lang]
        assert "2022" in texts[lang] and "2\u00a0022" not in texts[lang]


def test_data_strings_are_escaped_but_templates_are_not():
    evil = "<script>alert(1)</script> *bold* [link](x)"
    assert "<script>" not in report.escape(evil)
    assert report.escape(evil).count("\\*") == 2
    with report.capture() as out:
        report.paragraph("{region} belongs to no club.", region=evil)
        report.table(pd.DataFrame({"name": [evil]}), [Column("name", "Name", "text")])
    for o in out:
        text = o["data"].get("text/markdown") or o["data"].get("text/html")
        assert "<script>" not in text
        assert "&lt;script&gt;" in text


def test_quotes_in_data_reach_the_page_as_quotes_not_entities():
    # an entity such as &#x27; would get its '#' Markdown-escaped and be shown literally
    name = "Qyzylorda's \"oblys\" <b> & *x*"
    assert report.escape(name) == "Qyzylorda's \"oblys\" &lt;b&gt; &amp; \\*x\\*"
    with report.capture() as out:
        report.paragraph("{region} belongs to no club.", region=name)
        report.table(pd.DataFrame({"name": [name]}), [Column("name", "Name", "text")])
    for o in out:
        text = o["data"].get("text/markdown") or o["data"].get("text/html")
        assert "Qyzylorda's \"oblys\"" in text
        assert "&#x27;" not in text and "&quot;" not in text and "&lt;b&gt; &amp;" in text


def test_table_headers_cells_and_missing_values():
    frame = pd.DataFrame({"indicator": ["unemployment_rate", "unemployment_rate"], "year": [2022, 2021],
                          "value": [1234.5, np.nan], "share": [0.25, 0.5], "region": ["KZ-43", "KZ-55"]})
    columns = [Column("indicator", "Indicator", "indicator"), Column("year", "Year", "year"),
               Column("value", "Region", "number", decimals=1), Column("share", "Source", "percent"),
               Column("region", "Name", "region")]
    html_ru = report.table_html(frame, columns, "ru")
    assert f"<th>{gettext('Indicator', 'ru')}</th>" in html_ru
    assert ">2022<" in html_ru and ">2\u00a0022<" not in html_ru
    assert format_number(1234.5, "ru", decimals=1) in html_ru
    assert ">–<" in html_ru  # missing is shown as missing, never as 0
    assert region_name("KZ-55", "ru") in html_ru
    with pytest.raises(ValueError, match="missing columns nope"):
        report.table_html(frame, [Column("nope", "Name")], "en")


def test_nested_messages_keys_and_joins():
    rule = Msg("among the {k} lowest-ranked regions", {"k": 5})
    with report.capture() as out:
        report.paragraph("A region is selected for targeted support when it meets {rule}.",
                         rule=Msg("all of these rules: {rules}", {"rules": Join([rule, rule])}))
        report.key_paragraph("verdict.converging")
        report.bullets([Key("warning.poor_pre_fit"), Indicator("unemployment_rate")])
        report.bullets([])
    kk = [o["data"]["text/markdown"] for o in out if o["metadata"]["aimaq"]["lang"] == "kk"]
    assert kk[0].count(gettext("among the {k} lowest-ranked regions", "kk", k=5)) == 2
    assert kk[1] == key_text("verdict.converging", "kk")
    assert kk[2].startswith("- " + key_text("warning.poor_pre_fit", "kk"))
    assert len(out) == 9  # the empty bullet list emits nothing


def test_figure_one_png_per_language_with_alt_and_deterministic_bytes():
    from matplotlib.figure import Figure

    def draw(lang):
        fig = Figure(figsize=(2, 1))
        ax = fig.subplots()
        ax.plot([0, 1], [0, 1])
        ax.set_title(gettext("Maps", lang))
        return fig

    with report.capture() as first:
        report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=Region("KZ-43"))
    with report.capture() as second:
        report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=Region("KZ-43"))
    # report.figure also emits a caption per language (tested in tests/test_plots_report.py): images only here
    first, second = ([o for o in out if "image/png" in o["data"]] for out in (first, second))
    assert langs_of(first) == list(LANGS)
    for a, b in zip(first, second):
        assert a["data"]["image/png"] == b["data"]["image/png"]
        assert base64.b64decode(a["data"]["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    alts = {o["metadata"]["aimaq"]["lang"]: o["metadata"]["aimaq"]["alt"] for o in first}
    assert region_name("KZ-43", "kk") in alts["kk"] and "Map of" not in alts["kk"]
    assert alts["en"] == "Map of Kazakhstan with Kyzylorda Region highlighted" or "Kyzylorda" in alts["en"]


def test_glue_is_language_neutral_and_refuses_nan():
    with report.capture() as out:
        report.glue("cv_end", np.float64(0.25))
        report.glue("count", np.int64(3))
    assert out == [{"glue": "cv_end", "value": 0.25}, {"glue": "count", "value": 3}]
    assert type(out[1]["value"]) is int
    with pytest.raises(ValueError, match="finite"):
        with report.capture():
            report.glue("bad", float("nan"))
    with pytest.raises(ValueError, match="glue name"):
        report.glue("bad name", 1.0)


def test_parameter_checks_list_valid_values():
    assert report.choice("region", "KZ-43", ["KZ-55", "KZ-43"]) == "KZ-43"
    with pytest.raises(ParameterError) as err:
        report.choice("region", "KZ-99", ["KZ-55", "KZ-43"])
    assert "'region'" in str(err.value) and "KZ-43, KZ-55" in str(err.value)
    with pytest.raises(ParameterError, match="2015–2023"):
        report.year_param(2031, range(2015, 2024))
    for bad in ("2022", 2022.0, True):
        with pytest.raises(ParameterError):
            report.year_param(bad, range(2015, 2024))
    assert report.year_param(np.int64(2020), range(2015, 2024)) == 2020


def test_injection_attempts_are_rejected():
    attempt = 'KZ-43"; import os; os.system("touch /tmp/pwned") #'
    with pytest.raises(ParameterError, match="not valid"):
        report.choice("region", attempt, ["KZ-43"])
    with pytest.raises(ParameterError):
        report.data_dir_param("/tmp\n__import__('os')")
    with pytest.raises(ParameterError):
        report.data_dir_param(["/tmp"])
    assert report.data_dir_param("") is None


def test_warning_keys_unique_in_order():
    class R:
        def __init__(self, *w):
            self.warnings = w

    assert report.warning_keys(R("b", "a"), R("a", "c"), object()) == ["warning.b", "warning.a", "warning.c"]


def test_data_years_are_the_years_with_figures():
    from analysis.data import load_panel

    years = report.data_years()
    panel = load_panel("current")
    assert years == sorted(set(panel.dropna(how="all", subset=panel.columns[2:])["year"]))
    assert 2022 in years


def test_every_message_used_by_notebooks_plots_and_report_is_translated():
    from pathlib import Path

    from analysis.i18n import missing_translations

    root = Path(__file__).resolve().parents[1]
    roots = [root / "src/analysis/report", root / "src/analysis/plots", *sorted((root / "notebooks").glob("*.ipynb"))]
    assert missing_translations(roots) == []


def test_empty_data_strings_are_shown_as_missing():
    frame = pd.DataFrame({"start": ["2007", "", None]})
    html_kk = report.table_html(frame, [Column("start", "Start", "text")], "kk")
    assert html_kk.count(">–<") == 2 and ">2007<" in html_kk
