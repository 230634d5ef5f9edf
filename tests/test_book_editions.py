"""Every edition on the site: the switcher, the root copy of the latest edition, "what changed", the landing page.

Unit tests run on constructed inputs with a known answer (a revision file written here, two
editions whose glued verdicts differ); one module-scoped build of the synthetic fixture book with
two editions (2022 and 2023, ~30-60 s) checks the built HTML: the switcher lands on the same page
in the other edition (or on its first page, saying so, when the page is not there), the root holds
the latest edition, the 2023 edition's page "what changed" lists the revised figure old → new in
each language with no English on the kk and ru pages, and the site check passes.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from analysis.book.editions import editions_config, root_html, site_editions, switcher_html
from analysis.book.publication import Publication, data_as_of
from analysis.book.what_changed import compare_editions, changes_markdown, revised_figures
from analysis.i18n import LANGS, format_number
from test_book_fixture import RUNS, executed_notebook, make_project

ROOT = Path(__file__).resolve().parents[1]
OLD, NEW = "2860036.6", "2900000.25"  # KZ-43 GRP 2022: as the 2022 edition published it, and as revised
# Figures of the fixture data: a 2022 figure revised on 2025-01-10, a 2023 figure first recorded 2025-02-01.
OBSERVATIONS = ("region,year,indicator,territory,value,source,note,recorded\n"
                "KZ-11,2022,population,,1,s,,2024-03-01\n"
                f"KZ-43,2022,grp_nominal,,{NEW},s,,2025-01-10\n"
                "KZ-11,2023,population,,1,s,,2025-02-01\n")
REVISIONS = ("region,year,indicator,territory,value,source,note,recorded,superseded,superseded_by\n"
             f"KZ-43,2022,grp_nominal,,{OLD},s,preliminary,2024-03-01,2025-01-10,s2\n")
REGION = {"kk": "Қызылорда облысы", "ru": "Кызылординская область", "en": "Kyzylorda Region"}
LATIN = re.compile(r"[A-Za-z]{3,}")


def write_data(data: Path) -> None:
    data.mkdir(exist_ok=True)
    (data / "observations.csv").write_text(OBSERVATIONS, encoding="utf-8")
    (data / "revisions.csv").write_text(REVISIONS, encoding="utf-8")
    for name in ("regions.csv", "indicators.csv"):  # names and units of the page, in kk/ru/en
        shutil.copy(ROOT / "data" / name, data / name)


def write_edition(runs_root: Path, edition: int, pages: dict, verdict: str | None = None) -> None:
    """Executed fixture runs of ``edition``; ``verdict`` replaces the convergence page's glued verdict."""
    import json

    statuses = {}
    for page, (notebook, parameters, texts) in pages.items():
        nb = executed_notebook(notebook, dict(parameters, year=edition), texts)
        if verdict and page == "convergence":
            for cell in nb.cells:
                for output in cell.get("outputs", []):
                    if output.get("metadata", {}).get("scrapbook", {}).get("name") == "verdict":
                        output["data"]["application/papermill.record/text/plain"] = repr(verdict)
        path = runs_root / str(edition) / f"{page}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)
        statuses[page] = {"edition": edition, "page": page, "notebook": notebook, "parameters": parameters,
                          "status": "cached", "key": None, "error": None}
    (runs_root / str(edition) / "status.json").write_text(json.dumps({"edition": edition, "runs": statuses}),
                                                          encoding="utf-8")


# -- rules on constructed inputs ---------------------------------------------------------------------------


def test_edition_dates_keep_the_date_each_figure_was_first_recorded(tmp_path):
    write_data(tmp_path)
    assert data_as_of(2022, tmp_path) == "2024-03-01"  # the revision of 2025-01-10 does not move it
    assert data_as_of(2023, tmp_path) == "2025-02-01"


def test_revised_figures_old_to_new(tmp_path):
    write_data(tmp_path)
    previous, current = Publication(2022, "2024-03-01"), Publication(2023, "2025-02-01")
    found = revised_figures(tmp_path, previous, current)
    assert [(r.region, r.year, r.indicator, r.old, r.new) for r in found] == [("KZ-43", 2022, "grp_nominal", OLD, NEW)]
    # a revision after the current edition's date is not a change of that edition
    assert revised_figures(tmp_path, previous, Publication(2023, "2025-01-09")) == []
    # the current edition's own new figures are not revisions
    assert revised_figures(tmp_path, Publication(2021, "2024-03-01"), current) == []


def test_a_bad_revision_date_names_file_row_column_and_value(tmp_path):
    from analysis.book import BookError

    write_data(tmp_path)
    (tmp_path / "revisions.csv").write_text(REVISIONS.replace("2025-01-10,s2", "10.01.2025,s2"), encoding="utf-8")
    with pytest.raises(BookError, match=r"revisions.csv, row 2, column 'superseded': '10.01.2025' is not valid; "
                                        r"expected a date YYYY-MM-DD"):
        revised_figures(tmp_path, Publication(2022, "2024-03-01"), Publication(2023, "2025-02-01"))


def test_switcher_lands_on_the_same_page_or_says_it_is_not_there():
    pages = {2022: {"index", "convergence"}, 2023: {"index", "convergence", "regions/KZ-11"}}
    for lang in LANGS:
        config = editions_config(2023, pages, lang)
        nav = BeautifulSoup(switcher_html("regions/KZ-11", lang, config), "html.parser")
        link = nav.find("a")
        assert link["href"] == f"../../../2022/{lang}/index.html"
        assert "2022" in link.get_text() and len(link.get_text()) > 10  # the link says where it lands
        same = BeautifulSoup(switcher_html("convergence", lang, config), "html.parser").find("a")
        assert same["href"] == f"../../2022/{lang}/convergence.html" and same.get_text() == "2022"
    assert switcher_html("convergence", "kk", editions_config(2023, {2023: {"convergence"}}, "kk")) == ""
    assert root_html(switcher_html("convergence", "en", editions_config(2023, pages, "en"))).count(
        'href="../2022/en/convergence.html"') == 1


def test_editions_come_from_the_run_folders_without_a_manifest(tmp_path):
    for year in (2023, 2021, 2022):
        (tmp_path / str(year)).mkdir()
    (tmp_path / "notes").mkdir()
    assert site_editions(tmp_path) == [2021, 2022, 2023]


def test_what_changed_page_in_three_languages(tmp_path):
    write_data(tmp_path / "data")
    runs = tmp_path / "runs"
    pages = {p: RUNS[p] for p in ("convergence", "regions/KZ-43")}
    write_edition(runs, 2022, pages, verdict="convergence.diverging")
    write_edition(runs, 2023, pages)
    changes = compare_editions(tmp_path / "data", Publication(2022, "2024-03-01"), Publication(2023, "2025-02-01"),
                               runs / "2022", runs / "2023")
    assert changes.new_years == (2023,) and changes.compared == 2
    assert [(v.page, v.old, v.new) for v in changes.verdicts] == [("convergence", "convergence.diverging",
                                                                    "convergence.converging")]
    for lang in LANGS:
        text = changes_markdown(changes, lang, tmp_path / "data")
        row = re.search(r"<tr><td>([^<]+)</td>.*?</tr>", text.split("<tbody>")[1]).group(0)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        assert cells[0] == REGION[lang]
        assert format_number(float(OLD), lang, 2) in cells and format_number(float(NEW), lang, 2) in cells
        assert cells.index(format_number(float(OLD), lang, 2)) < cells.index(format_number(float(NEW), lang, 2))
        assert "2023" in text.split("##")[1]  # the new year is named under its heading
        assert 'href="convergence.html"' in text
        if lang != "en":
            prose = re.sub(r"<[^>]+>|\{[^}]*\}", " ", text)
            assert LATIN.findall(prose) == [], (lang, LATIN.findall(prose))


def test_zero_counts_have_their_own_sentences(tmp_path):
    write_data(tmp_path / "data")
    runs = tmp_path / "runs"
    write_edition(runs, 2022, {"regions/KZ-43": RUNS["regions/KZ-43"]})
    write_edition(runs, 2023, {"regions/KZ-43": RUNS["regions/KZ-43"]})
    same = Publication(2023, "2024-03-01")
    changes = compare_editions(tmp_path / "data", Publication(2022, "2024-03-01"), same, runs / "2022", runs / "2023")
    assert changes.revisions == () and changes.new_years == () and changes.verdicts == ()
    text = changes_markdown(changes, "en", tmp_path / "data")
    assert "adds no year of data" in text and "No figure published in the 2022 edition has been revised" in text
    assert "On none of them did the verdict change." in text and "<table" not in text


# -- the built site --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from analysis.book import build_book

    paths = make_project(tmp_path_factory.mktemp("editions"), edition=2023)
    write_data(paths["data_dir"])
    older = {page: spec for page, spec in RUNS.items() if page != "regions/KZ-11"}  # a region only in 2023
    write_edition(paths["runs_root"], 2022, older, verdict="convergence.diverging")
    report = build_book(project=paths["project"], build_dir=paths["build_dir"], runs_root=paths["runs_root"],
                        data_dir=paths["data_dir"])
    return report, paths["build_dir"] / "html", paths


pytestmark_slow = pytest.mark.slow


def _switcher_links(page: Path) -> dict:
    nav = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("nav", class_="aimaq-editions")
    return {a.get_text(): (page.parent / a["href"]).resolve() for a in nav.find_all("a")}


@pytestmark_slow
def test_every_edition_is_on_the_site_and_the_latest_at_the_root(site):
    report, html_dir, _ = site
    assert report.editions == (2022, 2023) and report.edition == 2023
    for lang in LANGS:
        for year in (2022, 2023):
            assert (html_dir / str(year) / lang / "convergence.html").is_file()
        assert (html_dir / lang / "regions" / "KZ-11.html").is_file()
        assert not (html_dir / "2022" / lang / "regions" / "KZ-11.html").exists()
        assert (html_dir / "2023" / lang / "changes.html").is_file() and (html_dir / lang / "changes.html").is_file()
        assert not (html_dir / "2022" / lang / "changes.html").exists()  # the first edition has nothing to compare


@pytestmark_slow
@pytest.mark.parametrize("where", ["2023/", ""])
def test_switcher_lands_on_the_same_page_in_the_other_edition(site, where):
    _, html_dir, _ = site
    for lang in LANGS:
        for page in ("convergence", "programmes/sez", "search"):
            links = _switcher_links(html_dir / f"{where}{lang}/{page}.html")
            assert links == {"2022": (html_dir / "2022" / lang / f"{page}.html").resolve()}
            assert links["2022"].is_file()
        back = _switcher_links(html_dir / "2022" / lang / "convergence.html")
        assert back == {"2023": (html_dir / "2023" / lang / "convergence.html").resolve()}
        # a page the 2022 edition does not have: its first page in the same language, and the link says so
        missing = _switcher_links(html_dir / f"{where}{lang}/regions/KZ-11.html")
        (label, target), = missing.items()
        assert target == (html_dir / "2022" / lang / "index.html").resolve() and label.startswith("2022 (")


@pytestmark_slow
@pytest.mark.parametrize("lang", LANGS)
def test_what_changed_page_lists_the_revision_without_english(site, lang):
    from test_book_build import visible_text

    _, html_dir, _ = site
    page = html_dir / "2023" / lang / "changes.html"
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
    rows = [[td.get_text() for td in tr.find_all("td")] for tr in article.find_all("tr")]
    revised = next(r for r in rows if r and r[0] == REGION[lang])
    assert revised[4:6] == [format_number(float(OLD), lang, 2), format_number(float(NEW), lang, 2)]
    if lang != "en":
        text = visible_text(page)
        english = {"What changed", "edition", "figure", "verdict", "revised", "Region"}
        assert not [w for w in english if w in text]


@pytestmark_slow
def test_landing_links_every_edition_and_the_site_check_passes(site):
    from analysis.book.site_check import check_site

    _, html_dir, _ = site
    landing = BeautifulSoup((html_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    for lang in LANGS:
        section = landing.find("section", lang=lang)
        hrefs = {a["href"] for a in section.select("ul.aimaq-editions-list a")}
        assert {f"2023/{lang}/index.html", f"2022/{lang}/index.html", f"2023/{lang}/changes.html"} <= hrefs
    assert (html_dir / "2022" / "index.html").is_file()
    assert check_site(html_dir) == []


@pytestmark_slow
def test_unchanged_editions_come_from_the_site_cache_byte_for_byte(site, tmp_path):
    from analysis.book import build_book
    from test_book_build import _tree_digest

    first, html_dir, paths = site
    assert first.reused == ()
    before = _tree_digest(html_dir.resolve())
    again = build_book(project=paths["project"], build_dir=paths["build_dir"], runs_root=paths["runs_root"],
                       data_dir=paths["data_dir"])
    assert again.reused == tuple((year, lang) for year in (2022, 2023) for lang in sorted(LANGS))
    assert _tree_digest((paths["build_dir"] / "html").resolve()) == before
    # a changed ru title of the latest edition rebuilds that edition's ru build only, and shows
    notebook = paths["runs_root"] / "2023" / "convergence.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    title = next(o for o in nb.cells[2].outputs if o.get("metadata", {}).get("aimaq", {}).get("lang") == "ru")
    title["data"]["text/markdown"] += " (исправлено)"
    nbformat.write(nb, notebook)
    third = build_book(project=paths["project"], build_dir=paths["build_dir"], runs_root=paths["runs_root"],
                       data_dir=paths["data_dir"])
    assert set(third.reused) == set(again.reused) - {(2023, "ru")}
    assert "(исправлено)" in (paths["build_dir"] / "html" / "ru" / "convergence.html").read_text(encoding="utf-8")
