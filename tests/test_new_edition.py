"""The analyst's workflow end to end: add a year of official figures to a copy of
the data, declare the new edition, run the real notebooks and build the book.

Slow (it executes the real notebooks of one edition); the data, the manifest and
the build all live in a temporary folder, so the project's own files are never touched.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import analysis.data as D
from analysis.data.add import apply_addition, plan_addition

ROOT = Path(__file__).resolve().parents[1]
NEW_YEAR = 2026  # a year the data do not hold yet

pytestmark = pytest.mark.slow


def _grp_rows_for_new_year(data: Path) -> list[dict[str, str]]:
    """Test figures for NEW_YEAR: each unit's 2023 GRP times 1.1 (a known truth), national = sum."""
    with (data / "observations.csv").open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if r["indicator"] == "grp_nominal" and r["year"] == "2023" and r["territory"] != "pre-2022"
                and r["region"] != "KZ"]
    new = [{"region": r["region"], "year": str(NEW_YEAR), "indicator": "grp_nominal",
            "territory": r["territory"], "value": repr(float(r["value"]) * 1.1), "source": "", "note": ""}
           for r in rows]
    total = sum(float(r["value"]) for r in new)
    new.append({"region": "KZ", "year": str(NEW_YEAR), "indicator": "grp_nominal", "territory": "",
                "value": repr(total), "source": "", "note": ""})
    return new


@pytest.fixture(scope="module")
def new_edition(tmp_path_factory):
    from analysis.book import build_book
    from analysis.pipeline import run_pipeline

    root = tmp_path_factory.mktemp("new-edition")
    data = root / "data"
    shutil.copytree(ROOT / "data", data)
    new_file = root / f"grp_{NEW_YEAR}.csv"
    rows = _grp_rows_for_new_year(data)
    with new_file.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    apply_addition(plan_addition(new_file, data, source="BNS test release", recorded="2027-04-01"))

    notebooks = root / "notebooks"
    shutil.copytree(ROOT / "notebooks", notebooks)
    manifest = notebooks / "manifest.yml"
    text = manifest.read_text(encoding="utf-8")
    editions_line = next(line for line in text.splitlines() if line.startswith("editions:"))
    # the analyst's step: the new year joins the editions; not yet published, it reads today's figures
    manifest.write_text(text.replace(editions_line, editions_line.replace("]", f", {NEW_YEAR}]")), encoding="utf-8")

    build_dir = root / "_build"
    result = run_pipeline([NEW_YEAR], jobs=2, keep_going=True, manifest=manifest, data_dir=data,
                          build_dir=build_dir)
    # the PDFs are checked by tests/test_pdf.py; here the pages of the new edition
    report = build_book(NEW_YEAR, build_dir=build_dir, data_dir=data, manifest=manifest, pdfs=False)
    return data, result, report, build_dir


def test_the_added_year_is_in_the_data(new_edition):
    data, *_ = new_edition
    panel = D.load_panel("current", data).set_index(["region", "year"])
    assert panel.loc[("KZ-43", NEW_YEAR), "grp_nominal"] == pytest.approx(
        1.1 * panel.loc[("KZ-43", 2023), "grp_nominal"])


def test_every_run_of_the_new_edition_succeeds(new_edition):
    _, result, _, build_dir = new_edition
    assert result.ok, [(s.page, s.error) for s in result.failures]
    # national pages, the programmes started by then and one page per region valid in the year
    assert len(result.statuses) >= 25 and {s.status for s in result.statuses} == {"ok"}
    executed = sorted((build_dir / "runs" / str(NEW_YEAR)).rglob("*.ipynb"))
    assert len(executed) == len(result.statuses)


def test_the_new_edition_builds_in_three_languages(new_edition):
    *_, build_dir = new_edition
    site = build_dir / "html"
    assert (site / "index.html").is_file()
    for lang in ("kk", "ru", "en"):
        page = (site / lang / "convergence.html").read_text(encoding="utf-8")
        assert str(NEW_YEAR) in page
        assert (site / lang / "regions" / "KZ-43.html").is_file()
