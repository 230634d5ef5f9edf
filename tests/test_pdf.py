"""The PDF editions: built from the synthetic fixture book, read back with poppler (pdftotext, pdffonts, pdftoppm).

Screenshots of each PDF's first pages go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis.book.pdf import book_order, chapter, data_as_of, labels
from analysis.book.publication import long_date

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
KAZAKH_ONLY = set("әғқңөұүһі")


def _text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    command = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(pdf), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_data_date_is_the_latest_recorded_up_to_the_edition(tmp_path):
    (tmp_path / "observations.csv").write_text(
        "region,year,indicator,value,recorded\nKZ-11,2022,x,1,2023-02-01\nKZ-11,2023,x,1,2024-03-01\n"
        "KZ-11,2024,x,1,2025-01-15\n", encoding="utf-8")
    assert data_as_of(2023, tmp_path) == "2024-03-01"
    assert data_as_of(2024, tmp_path) == "2025-01-15"


def test_data_date_errors_name_file_row_column_and_what_was_expected(tmp_path):
    from analysis.book import BookError

    (tmp_path / "observations.csv").write_text("region,year,indicator,value\nKZ-11,2023,x,1\n", encoding="utf-8")
    with pytest.raises(BookError, match=r"observations.csv: no column 'recorded' \(expected the date"):
        data_as_of(2023, tmp_path)
    (tmp_path / "observations.csv").write_text("region,year,indicator,value,recorded\nKZ-11,2023,x,1,2024-03-01\n"
                                               "KZ-11,2023,y,1,5.3.2024\n", encoding="utf-8")
    with pytest.raises(BookError, match=r"observations.csv, row 3, column 'recorded': '5.3.2024' is not valid; "
                                        r"expected a date YYYY-MM-DD"):
        data_as_of(2023, tmp_path)


def test_report_figure_captions_are_renumbered_through_the_edition_not_doubled(tmp_path):
    site = tmp_path / "en"
    site.mkdir()
    page = ('<html><body><article class="bd-article"><h1>Page</h1>'
            '<div class="cell docutils container"><div class="cell_output docutils container">'
            '<img alt="Map of regions" src="a.png"></div></div>'
            '<p><strong>Figure 1.</strong> Map of regions. Source: BNS.</p>'
            '<div class="cell docutils container"><div class="cell_output docutils container">'
            '<details class="aimaq-figure-data"><summary>Data of figure 1</summary><table><tr><td>1</td></tr>'
            '</table></details></div></div>'
            '<aside class="aimaq-provenance"><dl><dt>Licence</dt></dl></aside></article></body></html>')
    (site / "one.html").write_text(page, encoding="utf-8")
    chap = chapter(site, "one", {"figure": 4, "table": 0}, "en")
    assert "Figure 5. Map of regions. Source: BNS." in re.sub(r"<[^>]+>", "", chap.body)
    assert "Figure 1." not in chap.body and chap.body.count("Figure ") == 1
    assert "<figcaption><strong>Figure 5.</strong> Map of regions. Source: BNS.</figcaption>" in chap.body
    # the figure's data table and the page's provenance block are the site's, not the print's
    assert "aimaq-figure-data" not in chap.body and "Table 1" not in chap.body and "aimaq-provenance" not in chap.body


def test_figures_and_tables_are_numbered_across_pages_with_captions_and_sources(tmp_path):
    site = tmp_path / "kk"
    (site / "_images").mkdir(parents=True)
    (site / "_images" / "a.png").write_bytes(b"")
    page = ('<html><body><article class="bd-article"><nav class="aimaq-langs">Тіл</nav><h1>Бет<a class="headerlink">#</a></h1>'
            '<div class="cell_output"><img alt="Өңірлер картасы" src="_images/a.png"></div>'
            '<div class="cell_output"><table><tr><td>1</td></tr></table></div>'
            '<figure><img src="_images/a.png" alt="x"><figcaption><span class="caption-number">Сурет 1 </span>'
            '<span class="caption-text">Сызба</span></figcaption></figure>'
            '<p><a href="other.html#x">сілтеме</a></p></article></body></html>')
    (site / "one.html").write_text(page, encoding="utf-8")
    counters = {"figure": 2, "table": 5}  # earlier pages had two figures and five tables
    chap = chapter(site, "one", counters, "kk")
    assert chap.title == "Бет"
    # numbered in the order of the page, from where the previous pages stopped
    assert chap.body.index("Сурет 3. Өңірлер картасы") < chap.body.index("Сурет 4. ") < chap.body.index("Сызба")
    assert "Сурет 1 " not in chap.body
    assert "Кесте 6." in chap.body
    assert chap.body.count(labels("kk")["source"]) == 2  # the analysis outputs, not the drawn scheme
    assert "aimaq-langs" not in chap.body and "headerlink" not in chap.body
    assert 'href="#p-other"' in chap.body
    assert (site / "_images" / "a.png").resolve().as_uri() in chap.body


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    if not Path("/usr/bin/chromium").exists() or shutil.which("pdftotext") is None:
        pytest.fail("Chromium and poppler-utils are needed: run `make browser` and apt-get install poppler-utils")
    from analysis.book import build_book
    from analysis.book.pdf import build_pdfs
    from test_book_fixture import make_project

    paths = make_project(tmp_path_factory.mktemp("pdf"))
    (paths["data_dir"] / "observations.csv").write_text(
        "region,year,indicator,value,recorded\nKZ-11,2023,population,1,2024-03-01\n"
        "KZ-11,2024,population,1,2025-01-15\n", encoding="utf-8")
    # the PDFs are part of the book build (make book): printed, linked from every page, then checked and published
    report = build_book(paths["edition"], project=paths["project"], build_dir=paths["build_dir"],
                        runs_root=paths["runs_root"], data_dir=paths["data_dir"], pdfs=True)
    site = paths["build_dir"] / "html"
    return {"site": site, "edition": paths["edition"], "pdfs": dict(zip(("kk", "ru", "en"), report.pdfs)),
            "report": report}


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_pdf_has_cover_contents_and_every_chapter(pdfs, lang):
    pdf = pdfs["pdfs"][lang]
    assert pdf == pdfs["site"] / lang / f"aimaq-{pdfs['edition']}-{lang}.pdf"
    text = _text(pdf)
    # the glossary shows every term in the three languages, so the test is on proportions of letters
    cyrillic = len(re.findall("[а-яёәғқңөұүһі]", text.lower()))
    latin = len(re.findall("[a-z]", text.lower()))
    kazakh = sum(text.lower().count(ch) for ch in KAZAKH_ONLY)
    if lang == "kk":
        assert cyrillic > latin and kazakh > 0.03 * cyrillic
    elif lang == "ru":
        assert cyrillic > latin and not set(_text(pdf, 1, 2).lower()) & KAZAKH_ONLY  # cover and contents
    else:  # the glossary table carries every term in kk and ru too: the cover and the contents are English only
        assert latin > cyrillic and not re.search("[а-яёәғқңөұүһі]", _text(pdf, 1, 2).lower())
    cover = " ".join(_text(pdf, 1, 1).split())  # Babel's dates hold narrow no-break spaces
    assert str(pdfs["edition"]) in cover and " ".join(long_date("2024-03-01", lang).split()) in cover
    assert "MIT" in cover
    order = book_order(pdfs["site"] / lang)
    counters = {"figure": 0, "table": 0}
    titles = [chapter(pdfs["site"] / lang, page, counters, lang).title for page in order]
    contents = _text(pdf, 2, 2)
    assert labels(lang)["contents"] in contents
    pages = _pages(pdf)
    assert pages >= len(order) + 2  # cover, contents, one page at least per chapter
    for title in titles:
        # listed in the contents with a page number, and that page begins with the chapter's title
        line = next(l for l in contents.splitlines() if title in l)
        number = int(line.split()[-1])
        assert 3 <= number <= pages
        assert title in _text(pdf, number, number).strip().splitlines()[0], (title, number)
    # five figures (the intro's scheme, one per run page), numbered once each through the edition
    word = labels(lang)["figure"]
    flat = " ".join(text.split())
    assert [int(n) for n in re.findall(rf"{word} (\d+)\.", flat)] == [1, 2, 3, 4, 5]
    assert not re.search(rf"{word} \d+\. {word}", flat)
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(pdf), str(ARTIFACTS / f"pdf-{lang}")],
                   check=True)
    assert len(list(ARTIFACTS.glob(f"pdf-{lang}-*.png"))) >= 3


@pytest.mark.slow
@pytest.mark.browser
def test_every_font_is_embedded(pdfs):
    for pdf in pdfs["pdfs"].values():
        rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert rows, f"{pdf}: no fonts"
        for row in rows:
            emb = row.split()[-5]  # name, type…, encoding, then emb sub uni object-id generation
            assert emb == "yes", row


@pytest.mark.slow
@pytest.mark.browser
def test_every_page_links_its_languages_pdf(pdfs):
    from analysis.book.site_check import internal_links

    for lang, pdf in pdfs["pdfs"].items():
        pages = [p for p in (pdfs["site"] / lang).rglob("*.html") if "_static" not in p.parts]
        assert len(pages) >= 8
        for page in pages:
            targets = [t for url, t in internal_links(page, page.read_text(encoding="utf-8")) if url.endswith(".pdf")]
            assert [t.resolve() for t in targets] == [pdf.resolve()], page
    assert pdfs["report"].work["pdf"] > 0 and "pages" in pdfs["report"].timings
