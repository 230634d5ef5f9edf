"""report.figure: one PNG per language from one call of the figure function each, a numbered caption
with its source in the page's language, the finding as alt text, and the figure's data as a table."""
from __future__ import annotations

import base64

import pandas as pd

from analysis import plots, report
from analysis.i18n import LANGS, gettext
from analysis.plots._common import new_figure


def _outputs_by_kind(outputs):
    images = [o for o in outputs if "image/png" in o["data"]]
    captions = [o for o in outputs if "text/markdown" in o["data"]]
    tables = [o for o in outputs if "text/html" in o["data"]]
    return images, captions, tables


def test_each_language_drawn_once_captioned_numbered_and_sourced():
    calls = []

    def draw(lang):
        calls.append(lang)
        fig, ax = new_figure(figsize=(3, 2))
        ax.plot([2020, 2021], [1.0, 2.5])
        return plots.attach_data(fig, pd.DataFrame({gettext("Year", lang): [2020, 2021], "x": [1.0, 2.5]}))

    with report.capture() as outputs:
        report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=report.Region("KZ-43"))
        report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=report.Region("KZ-43"),
                      alt="Data up to {year}", alt_values={"year": "2023"})
    assert calls == list(LANGS) * 2
    images, captions, tables = _outputs_by_kind(outputs)
    assert [o["metadata"]["aimaq"]["lang"] for o in images] == list(LANGS) * 2
    for image in images:
        assert base64.b64decode(image["data"]["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    texts = {(o["metadata"]["aimaq"]["lang"], i // 3): o["data"]["text/markdown"] for i, o in enumerate(captions)}
    assert texts[("kk", 0)].startswith("**Сурет 1.**") and texts[("kk", 1)].startswith("**Сурет 2.**")
    assert texts[("ru", 1)].startswith("**Рисунок 2.**") and texts[("en", 0)].startswith("**Figure 1.**")
    assert texts[("kk", 0)].endswith("Дереккөз: ҰСБ.") and texts[("ru", 0)].endswith("Источник: БНС.")
    assert texts[("en", 0)].endswith("Source: BNS.") and "Kyzylorda" in texts[("en", 0)]
    # alt: the caption by default, the stated finding when given
    assert "Kyzylorda" in images[2]["metadata"]["aimaq"]["alt"]
    assert images[5]["metadata"]["aimaq"]["alt"] == gettext("Data up to {year}", "en", year="2023")
    assert images[3]["metadata"]["aimaq"]["alt"] == gettext("Data up to {year}", "kk", year="2023")
    # the data: one collapsed table per language, headers in the language, decimal comma in kk
    assert len(tables) == 6
    kk = tables[0]["data"]["text/html"]
    assert "<summary>1-суреттің деректері</summary>" in kk and gettext("Year", "kk") in kk and "2,5" in kk
    assert "2.5" in tables[2]["data"]["text/html"]


def test_numbers_restart_on_a_new_page():
    draw = lambda lang: plots.locator_map("KZ-43", lang, year=2023)  # noqa: E731
    for _page in range(2):
        with report.capture() as outputs:
            report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=report.Region("KZ-43"))
        assert outputs[1]["data"]["text/markdown"].startswith("**Сурет 1.**")


def test_same_input_same_bytes():
    draw = lambda lang: plots.locator_map("KZ-55", lang, year=2019)  # noqa: E731
    runs = []
    for _ in range(2):
        with report.capture() as outputs:
            report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=report.Region("KZ-55"))
        runs.append([o["data"] for o in outputs])
    assert runs[0] == runs[1]
