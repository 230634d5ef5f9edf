"""The data behind every figure and table: values on the outputs, CSVs, sidecars, the data package, the checks.

Synthetic values with a known truth (many decimals, a missing cell, a share) go through the real
``report.figure`` and ``report.table``, then through the book's download step on a page tree, and are
read back with pandas, ``csv``, ``zipfile`` and the site check.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import plots, report
from analysis.book.download_check import download_problems, package_problems
from analysis.book.downloads import DATA_FOLDER, add_downloads, landing_links, package_name
from analysis.book.pages import page_notebook
from analysis.i18n import LANGS, gettext
from analysis.plots._common import new_figure

# The truth: values the CSV must give back exactly (no rounding to what the page shows).
YEARS = [2021, 2022, 2023]
CV = [0.41234567890123, 0.398765432101, float("nan")]
SHARES = [0.123456789, 0.5]


def draw(lang):
    fig, ax = new_figure(figsize=(3, 2))
    ax.plot(YEARS, CV)
    return plots.attach_data(fig, pd.DataFrame({gettext("Year", lang): YEARS, "CV": CV}))


def report_outputs() -> list[dict]:
    """One figure and one table as ``analysis.report`` emits them (nbformat outputs)."""
    with report.capture() as outputs:
        report.figure(draw, "Map of Kazakhstan with {region} highlighted", region=report.Region("KZ-43"))
        report.table(pd.DataFrame({"region": ["KZ-43", "KZ-11"], "share": SHARES}),
                     [report.Column("region", "Region", "region"),
                      report.Column("share", "Share of the population", "percent")])
    return [nbformat.from_dict({"output_type": "display_data", "data": o["data"], "metadata": o["metadata"]})
            for o in outputs]


def executed_with_outputs(outputs: list[dict]):
    """An executed notebook whose one code cell holds ``outputs`` (as papermill leaves it)."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.figure(...); report.table(...)")
    cell.outputs = outputs
    nb.cells.append(cell)
    return nb


def write_data_dir(folder: Path) -> Path:
    """A data folder with one file and its Data Package descriptor (sha256 and size of the file)."""
    folder.mkdir(parents=True, exist_ok=True)
    body = b"region,year,indicator,value\r\nKZ-43,2023,population,1\r\n"
    (folder / "observations.csv").write_bytes(body)
    (folder / "datapackage.json").write_text(json.dumps({
        "profile": "data-package", "name": "fixture", "resources": [{
            "name": "observations", "path": "observations.csv", "format": "csv", "bytes": len(body),
            "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
            # as data/datapackage.json may: not every column, not in the file's order
            "schema": {"fields": [{"name": "year", "type": "integer"}, {"name": "region", "type": "string"}]}}]}),
        encoding="utf-8")
    return folder


def test_figure_and_table_outputs_carry_the_values_unrounded():
    outputs = report_outputs()
    carried = [o.metadata["aimaq"] for o in outputs if "download" in o.metadata["aimaq"]]
    assert [a["lang"] for a in carried] == [*LANGS, *LANGS]  # the figure's three, then the table's three
    figure = {a["lang"]: a["download"] for a in carried if a["download"]["kind"] == "figure"}
    table = {a["lang"]: a["download"] for a in carried if a["download"]["kind"] == "table"}
    assert figure["en"]["rows"] == [[2021, CV[0]], [2022, CV[1]], [2023, None]]
    assert figure["kk"]["columns"] == [gettext("Year", "kk"), "CV"] and figure["kk"]["number"] == 1
    assert figure["ru"]["source"] == gettext("BNS", "ru") and figure["ru"]["title"].startswith("Рисунок 1.")
    assert table["en"]["rows"] == [["Kyzylorda Region", SHARES[0]], ["Akmola Region", SHARES[1]]]
    assert table["kk"]["columns"][1] == gettext("{header} (share, 1 = 100%)", "kk",
                                                header=gettext("Share of the population", "kk"))


@pytest.fixture
def tree(tmp_path):
    """One language's page tree with a nested page (``regions/KZ-43``) and the data page."""
    nb = executed_with_outputs(report_outputs())
    trees = {}
    for lang in LANGS:
        root = tmp_path / "src" / lang
        for page in ("regions/KZ-43", "data_overview"):
            path = root / f"{page}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(page_notebook(nb, lang, footer="rerun note"), path)
        add_downloads(root, lang, 2023, write_data_dir(tmp_path / "data"))
        trees[lang] = root
    return trees


@pytest.mark.parametrize("lang", LANGS)
def test_csv_beside_each_figure_and_table_reads_back_exactly(tree, lang):
    folder = tree[lang] / DATA_FOLDER / "regions" / "KZ-43"
    figure = folder / "figure-1.csv"
    body = figure.read_bytes()
    assert not body.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(body))
    assert list(frame.columns) == [gettext("Year", lang), "CV"]
    assert frame["CV"].iloc[0] == CV[0] and frame["CV"].iloc[1] == CV[1] and pd.isna(frame["CV"].iloc[2])
    rows = list(csv.reader(io.StringIO((folder / "table-1.csv").read_text(encoding="utf-8"), newline="")))
    assert len(rows) == 3 and all(len(r) == 2 for r in rows) and float(rows[1][1]) == SHARES[0]
    sidecar = json.loads((folder / "figure-1.json").read_text(encoding="utf-8"))
    assert sidecar["path"] == "figure-1.csv" and sidecar["sources"] == [{"title": gettext("BNS", lang)}]
    assert [f["type"] for f in sidecar["schema"]["fields"]] == ["integer", "number"]
    assert sidecar["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("lang", LANGS)
def test_links_follow_their_output_and_reach_the_files(tree, lang):
    nb = json.loads((tree[lang] / "regions" / "KZ-43.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    links = [i for i, o in enumerate(outputs) if o["metadata"].get("aimaq", {}).get("download_link")]
    assert len(links) == 2  # one figure, one table
    for i in links:
        before = "".join(outputs[i - 1]["data"]["text/html"])
        assert "<table" in before  # right after the figure's data table, right after the table
        html = "".join(outputs[i]["data"]["text/html"])
        assert 'href="../_static/data/regions/KZ-43/' in html and 'class="aimaq-downloads"' in html
    label = gettext("Download the data of figure {number} (CSV)", lang, number="1")
    assert label in "".join(outputs[links[0]]["data"]["text/html"])
    assert not any("download" in o["metadata"].get("aimaq", {}) for o in outputs)  # the values left the page


def test_data_package_validates_and_is_linked_from_the_data_page(tree):
    for lang in LANGS:
        package = tree[lang] / DATA_FOLDER / package_name(2023, lang)
        body = package.read_bytes()
        assert package_problems(package.name, body) == []
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            descriptor = json.loads(archive.read("datapackage.json"))
            paths = [r["path"] for r in descriptor["resources"]]
            assert paths[0] == "observations.csv"  # the data folder's descriptor, reused
            fields = descriptor["resources"][0]["schema"]["fields"]  # in the file's order, every column
            assert fields == [{"name": "region", "type": "string"}, {"name": "year", "type": "integer"},
                              {"name": "indicator", "type": "string"}, {"name": "value", "type": "string"}]
            assert set(paths[1:]) == {f"tables/{p}/{s}.csv" for p in ("regions/KZ-43", "data_overview")
                                      for s in ("figure-1", "table-1")}
            assert set(archive.namelist()) == {"datapackage.json", *paths}
        page = (tree[lang] / "data_overview.ipynb").read_text(encoding="utf-8")
        assert f"{DATA_FOLDER}/{package.name}" in page
        label = gettext("Download the data package of the {year} edition (ZIP)", lang, year=2023)
        site = tree[lang].parent
        assert landing_links(site, lang) == [(f"{lang}/{DATA_FOLDER}/{package.name}", label)]
    assert download_problems(tree["kk"].parent) == []


def test_same_inputs_give_the_same_package_bytes(tree, tmp_path):
    again = tmp_path / "again"
    nb = executed_with_outputs(report_outputs())
    for page in ("regions/KZ-43", "data_overview"):
        path = again / f"{page}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(page_notebook(nb, "kk", footer="rerun note"), path)
    add_downloads(again, "kk", 2023, tmp_path / "data")
    name = package_name(2023, "kk")
    assert (again / DATA_FOLDER / name).read_bytes() == (tree["kk"] / DATA_FOLDER / name).read_bytes()


def test_the_check_finds_a_ragged_csv_a_bom_a_wrong_hash_and_a_missing_file(tree):
    site = tree["en"].parent
    folder = tree["en"] / DATA_FOLDER / "regions" / "KZ-43"
    (folder / "table-1.csv").write_bytes((folder / "table-1.csv").read_bytes() + b"extra\r\n")
    (folder / "figure-1.csv").write_bytes(b"\xef\xbb\xbf" + (folder / "figure-1.csv").read_bytes())
    problems = download_problems(site)
    assert any("table-1.csv, row 4: got 1 fields, expected 2" in p for p in problems)
    assert any("table-1.json, column 'hash'" in p for p in problems)
    assert any("figure-1.csv: got a UTF-8 byte-order mark" in p for p in problems)
    package = tree["en"] / DATA_FOLDER / package_name(2023, "en")
    buffer = io.BytesIO()
    with zipfile.ZipFile(package) as source, zipfile.ZipFile(buffer, "w") as damaged:
        for name in source.namelist():
            if name != "observations.csv":
                damaged.writestr(name, source.read(name))
    found = package_problems("p.zip", buffer.getvalue())
    assert found == ["p.zip/datapackage.json, resources[0], column 'path': got 'observations.csv', "
                     "expected a file of the package"]
    assert package_problems("p.zip", b"not a zip")[0].startswith("p.zip: got ")


def test_no_package_when_there_is_nothing_to_package(tmp_path):
    page = tmp_path / "tree" / "convergence.ipynb"
    page.parent.mkdir()
    nbformat.write(page_notebook(executed_with_outputs([]), "en"), page)
    (tmp_path / "data").mkdir()
    assert add_downloads(tmp_path / "tree", "en", 2023, tmp_path / "data") is None
    assert not list((tmp_path / "tree").rglob("*.zip")) and landing_links(tmp_path, "tree") == []


def test_the_check_wants_schema_fields_in_the_csv_order():
    from analysis.book.download_check import resource_problems

    body = b"region,year\r\nKZ-43,2023\r\n"
    entry = {"name": "o", "path": "o.csv", "schema": {"fields": [{"name": "year"}, {"name": "region"}]}}
    assert resource_problems("r", entry, body) == [
        "r, column 'schema.fields': got ['year', 'region'], expected the CSV's columns ['region', 'year']"]
    entry["schema"]["fields"].reverse()
    assert resource_problems("r", entry, body) == []


def test_landing_lists_every_edition_s_package_once_newest_first(tmp_path):
    for folder in ("en", "2023/en", "2022/en"):
        year = 2022 if folder.startswith("2022") else 2023
        target = tmp_path / folder / DATA_FOLDER / package_name(year, "en")
        target.parent.mkdir(parents=True)
        target.write_bytes(b"")
    label = "Download the data package of the {year} edition (ZIP)"
    assert landing_links(tmp_path, "en") == [
        (f"en/{DATA_FOLDER}/aimaq-2023-en-data.zip", gettext(label, "en", year=2023)),
        (f"2022/en/{DATA_FOLDER}/aimaq-2022-en-data.zip", gettext(label, "en", year=2022))]
