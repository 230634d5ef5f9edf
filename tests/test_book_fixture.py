"""A small synthetic book project for the book tests: trilingual prose and executed runs.

The runs imitate what the pipeline leaves in ``_build/runs/<edition>/``:
papermill-executed notebooks whose reader-facing outputs are emitted once per
language with ``{"aimaq": {"lang": L}}`` metadata (as ``analysis.report``
does), plus untagged noise (a stray print, a code cell) and a glued number,
and a ``status.json``. Every text is written here by hand, so the tests know
exactly which words belong to which language.
"""

from __future__ import annotations

import base64
import io
import json
import shutil
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
EDITION = 2023
LANGS = ("kk", "ru", "en")

# page -> (notebook, parameters, {lang: (title, paragraph)})
RUNS = {
    "convergence": ("national_convergence.ipynb", {"year": EDITION, "data_dir": ""}, {
        "kk": ("Өңірлердің жақындасуы", "Жан басына шаққандағы өнім бойынша өңірлер бір-біріне жақындап келеді."),
        "ru": ("Сближение регионов", "По продукту на душу населения регионы сближаются."),
        "en": ("Convergence of regions", "Regions are converging in output per head."),
    }),
    "programmes/sez": ("programme_effects.ipynb", {"year": EDITION, "programme": "sez", "data_dir": ""}, {
        "kk": ("Арнайы экономикалық аймақтар", "Бағдарламаның әсері статистикалық тұрғыдан маңызды емес."),
        "ru": ("Специальные экономические зоны", "Эффект программы статистически незначим."),
        "en": ("Special economic zones", "The programme's effect is not statistically significant."),
    }),
    "regions/KZ-11": ("region_profile.ipynb", {"year": EDITION, "region": "KZ-11", "data_dir": ""}, {
        "kk": ("Ақмола облысы", "Облыстың негізгі көрсеткіштері."),
        "ru": ("Акмолинская область", "Основные показатели области."),
        "en": ("Akmola Region", "Key indicators of the region."),
    }),
    "regions/KZ-43": ("region_profile.ipynb", {"year": EDITION, "region": "KZ-43", "data_dir": ""}, {
        "kk": ("Қызылорда облысы", "Облыстың негізгі көрсеткіштері мен бағдарламалары."),
        "ru": ("Кызылординская область", "Основные показатели и программы области."),
        "en": ("Kyzylorda Region", "Key indicators and programmes of the region."),
    }),
}

_FIGURE = "```{{figure}} img/scheme.png\n:name: fig-scheme\n:alt: {caption}\n\n{caption}\n```\n"
STATIC = {
    "index": {"kk": "# Қазақстандағы өңірлік теңсіздік\n\nЖылдық баяндама.\n",
              "ru": "# Региональное неравенство в Казахстане\n\nЕжегодный доклад.\n",
              "en": "# Regional inequality in Kazakhstan\n\nThe annual report.\n"},
    # A numbered figure: its caption prefix ("Fig. 1") comes from Sphinx's catalogue of the language.
    "intro": {"kk": "# Кіріспе\n\nСелективті өңірлік саясат туралы.\n\n" + _FIGURE.format(caption="Саясат құрылымы"),
              "ru": "# Введение\n\nО селективной региональной политике.\n\n" + _FIGURE.format(caption="Структура политики"),
              "en": "# Introduction\n\nOn selective regional policy.\n\n" + _FIGURE.format(caption="Policy structure")},
    "glossary": {"kk": "# Глоссарий\n\nТерминдер.\n", "ru": "# Глоссарий\n\nТермины.\n", "en": "# Glossary\n\nTerms.\n"},
}


SECTION = {"kk": "Негізгі нәтижелер", "ru": "Основные результаты", "en": "Main results"}
FIGURE_WORD = {"kk": "сурет", "ru": "рисунок", "en": "figure"}
# report.figure numbers each figure on its page and names its source
CAPTION_LABEL = {"kk": "Сурет 1.", "ru": "Рисунок 1.", "en": "Figure 1."}
SOURCE_LINE = {"kk": "Дереккөз: ҰСБ.", "ru": "Источник: БНС.", "en": "Source: BNS."}
DATA_SUMMARY = {"kk": "1-суреттің деректері", "ru": "Данные рисунка 1", "en": "Data of figure 1"}
DATA_HEADERS = {"kk": ("Жыл", "Вариация коэффициенті"), "ru": ("Год", "Коэффициент вариации"),
                "en": ("Year", "Coefficient of variation")}
FIGURE_VALUES = {"kk": ("0,412", "0,398"), "ru": ("0,412", "0,398"), "en": ("0.412", "0.398")}
# Values every fixture run glues (language-neutral), as the chapters do; the landing page reads them.
GLUED = {"lambda": 0.123, "verdict": "convergence.converging", "cv_start": 0.61, "cv_end": 0.48,
         "start_year": 2000, "end_year": 2023}
# The date the fixture's figures entered the data (observations.csv `recorded`)
RECORDED = "2024-03-01"


def png_bytes(label: str) -> bytes:
    """A small PNG whose pixels depend on ``label`` (one figure per language)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 60), "white")
    ImageDraw.Draw(image).text((5, 20), label.encode("ascii", "replace").decode(), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _tagged(data: dict, lang: str, **extra) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data, metadata={"aimaq": {"lang": lang, **extra}})


def executed_notebook(notebook: str, parameters: dict, texts: dict, extra_markdown: dict | None = None):
    """An executed notebook as papermill and ``analysis.report`` leave it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["papermill"] = {"input_path": f"notebooks/{notebook}", "parameters": parameters,
                                "exception": None}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("year = 0\nregion = ''\ndata_dir = ''")
    params.metadata["tags"] = ["parameters", "remove-cell"]
    nb.cells.append(params)
    injected = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in parameters.items()))
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.append(injected)
    cell = nbformat.v4.new_code_cell("report.title(...); report.paragraph(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="debug noise that readers never see\n")]
    for lang in LANGS:
        title, paragraph = texts[lang]
        cell.outputs.append(_tagged({"text/markdown": f"# {title}"}, lang))
    for lang in LANGS:
        cell.outputs.append(_tagged({"text/markdown": "## " + SECTION[lang]}, lang))
        cell.outputs.append(_tagged({"text/markdown": texts[lang][1]}, lang))
        if extra_markdown and lang in extra_markdown:
            cell.outputs.append(_tagged({"text/markdown": extra_markdown[lang]}, lang))
    nb.cells.append(cell)
    figure = nbformat.v4.new_code_cell("report.figure(...)")
    for lang in LANGS:
        # as report.figure emits them: the PNG with its alt text, the numbered caption with its source, the data
        alt = f"{texts[lang][0]}: {FIGURE_WORD[lang]}"
        figure.outputs.append(_tagged({"image/png": base64.b64encode(png_bytes(alt)).decode(), "text/plain": alt},
                                      lang, alt=alt))
        figure.outputs.append(_tagged({"text/markdown": f"**{CAPTION_LABEL[lang]}** {alt}. {SOURCE_LINE[lang]}"},
                                      lang, caption=True))
        year_header, value_header = DATA_HEADERS[lang]
        figure.outputs.append(_tagged({"text/html": (
            f'<details class="aimaq-figure-data"><summary>{DATA_SUMMARY[lang]}</summary><div class="aimaq-table-scroll">'
            f'<table class="aimaq-table"><thead><tr><th>{year_header}</th><th>{value_header}</th></tr></thead><tbody>'
            f'<tr><td style="text-align:right">2022</td><td style="text-align:right">{FIGURE_VALUES[lang][0]}</td></tr>'
            f'<tr><td style="text-align:right">2023</td><td style="text-align:right">{FIGURE_VALUES[lang][1]}</td></tr>'
            "</tbody></table></div></details>")}, lang))
    for name, value in GLUED.items():
        figure.outputs.append(nbformat.v4.new_output(
            "display_data", {"application/papermill.record/text/plain": repr(value)},
            metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}}))
    nb.cells.append(figure)
    table = nbformat.v4.new_code_cell("report.table(...)")
    for lang, header in zip(LANGS, ("Жыл", "Год", "Year")):
        table.outputs.append(_tagged({"text/html": f"<table><thead><tr><th>{header}</th></tr></thead>"
                                                   f"<tbody><tr><td>{EDITION}</td></tr></tbody></table>"}, lang))
    nb.cells.append(table)
    return nb


def make_project(root: Path, runs: dict | None = None, static: dict | None = None, extra_markdown=None,
                 edition: int = EDITION) -> dict:
    """Write a book project under ``root``; returns the paths a build needs."""
    runs = RUNS if runs is None else runs
    static = STATIC if static is None else static
    project = root / "project"
    (project / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", project / "_config.yml")
    shutil.copy(ROOT / "book" / "structure.yml", project / "book" / "structure.yml")
    shutil.copy(ROOT / "book" / "glossary.csv", project / "book" / "glossary.csv")  # the glossary page's table
    for folder in ("_static", "_templates", "locale"):
        if (ROOT / "book" / folder).is_dir():
            shutil.copytree(ROOT / "book" / folder, project / "book" / folder)
    for name, per_lang in static.items():
        for lang, text in per_lang.items():
            path = project / "book" / "content" / lang / f"{name}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            if "img/scheme.png" in text:
                (path.parent / "img").mkdir(exist_ok=True)
                (path.parent / "img" / "scheme.png").write_bytes(png_bytes(f"scheme {lang}"))
    runs_root = root / "build" / "runs"
    statuses = {}
    for page, (notebook, parameters, texts) in runs.items():
        path = runs_root / str(edition) / f"{page}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(executed_notebook(notebook, parameters, texts, (extra_markdown or {}).get(page)), path)
        statuses[page] = {"edition": edition, "page": page, "notebook": notebook, "parameters": parameters,
                          "status": "cached", "key": None, "error": None}
    (runs_root / str(edition) / "status.json").write_text(
        json.dumps({"edition": edition, "runs": statuses}, indent=1, ensure_ascii=False), encoding="utf-8")
    data = root / "data"
    data.mkdir()
    (data / "observations.csv").write_text(f"region,year,indicator,value,recorded\nKZ-11,2023,population,1,{RECORDED}\n",
                                           encoding="utf-8")
    return {"project": project, "build_dir": root / "build", "runs_root": runs_root, "data_dir": data,
            "edition": edition}


def test_fixture_notebooks_are_valid_and_tagged_in_every_language(tmp_path):
    paths = make_project(tmp_path)
    for page in RUNS:
        nb = nbformat.read(paths["runs_root"] / str(EDITION) / f"{page}.ipynb", as_version=4)
        nbformat.validate(nb)
        langs = {o.metadata["aimaq"]["lang"] for c in nb.cells for o in c.get("outputs", [])
                 if "aimaq" in o.get("metadata", {})}
        assert langs == set(LANGS)
