"""Past editions rebuilt as published: each edition's date of the data, from the run manifest to the page.

The real data hold two dates: the figures recorded on 27 November 2026 (GRP 2023 preliminary, no
volume index, no official investment) and those of 5 December 2026 (GRP 2023 final, volume
indices, investment, 2024-2025). ``notebooks/manifest.yml`` pins editions 2019-2023 to the first
and 2024-2025 to the second (``published:``). These tests follow one edition's date through the
manifest, the data products the pipeline serves, the chapters (nominal growth where the edition
had no volume index, labelled so in kk, ru and en) and the what-changed page.
"""

from __future__ import annotations

import pytest

from analysis import report
from analysis.book.publication import Publication, edition_as_of
from analysis.book.what_changed import revised_figures
from analysis.chapters import (Edition, composite_index_chapter, convergence_chapter, programme_chapter,
                               region_chapter)
from analysis.data.tables import load_tables
from analysis.data import products as served
from analysis.pipeline import load_manifest
from analysis.pipeline.manifest import project_root
from analysis.report.figure import recording

ROOT = project_root()
MANIFEST = load_manifest()
BEFORE, AFTER = MANIFEST.as_of(2023), MANIFEST.as_of(2024)
LANGS = ("kk", "ru", "en")
#: words of the nominal note on a page of an edition without a volume index, per language
NOMINAL_NOTE = {"en": "volume index of GRP was not yet among them",
                "ru": "индекса физического объёма ВРП, который публикует БНС, среди них тогда ещё не было",
                "kk": "ЖӨӨ-нің нақты көлем индексі әлі болған жоқ"}


def _revised_2023():
    rev = load_tables(None).revisions
    return rev[(rev["indicator"] == "grp_nominal") & (rev["year"] == 2023)]


def page_text(render, chapter) -> tuple[dict, list]:
    """The Markdown of a page per language, and the msgids of its figure captions (figures not drawn)."""
    with report.capture() as outputs, recording() as calls:
        render(chapter)
    text = {lang: "\n".join(o["data"]["text/markdown"] for o in outputs
                            if o.get("metadata", {}).get("aimaq", {}).get("lang") == lang
                            and "text/markdown" in o.get("data", {}))
            for lang in LANGS}
    return text, [caption for caption, _ in calls]


def test_the_2023_edition_is_dated_before_the_revision_of_its_gdp_and_2024_after_it():
    revised = _revised_2023()
    assert len(revised) > 0
    recorded, superseded = set(revised["recorded"]), set(revised["superseded"])
    assert BEFORE and AFTER and BEFORE < AFTER
    # in force on the 2023 edition's date: the preliminary figures; on 2024's: the final ones
    assert all(r <= BEFORE < s for r in recorded for s in superseded)
    assert all(s <= AFTER for s in superseded)
    # the book's date of the data is the pinned one, not the date of the latest figure
    manifest_file = ROOT / "notebooks" / "manifest.yml"
    assert edition_as_of(2023, None, manifest_file) == BEFORE
    assert edition_as_of(2025, None, manifest_file) == AFTER


def test_the_products_of_a_published_edition_hold_the_figures_of_its_date():
    revised = _revised_2023()
    prelim = revised.set_index("region")["value"].astype(float)
    as_published = served.compute("panel-current", 2023, None, BEFORE).set_index(["region", "year"])
    final = served.compute("panel-current", 2024, None, AFTER).set_index(["region", "year"])
    regions = [r for r in prelim.index if r != "KZ"]
    assert as_published.xs(2023, level="year").loc[regions, "grp_nominal"].to_numpy().tolist() == \
        prelim.loc[regions].to_numpy().tolist()
    moved = final.xs(2023, level="year").loc[regions, "grp_nominal"] != prelim.loc[regions]
    assert moved.all()
    # the 2023 edition as published had no real series beyond the base year and no investment
    assert as_published["grp_growth_real"].isna().all() if "grp_growth_real" in as_published else True
    assert as_published["investment_per_capita"].isna().all()


def test_inside_a_run_a_call_for_another_date_is_refused(tmp_path):
    from analysis.data import load_panel
    from analysis.pipeline.products import Product, serving_spec

    product = served.compute("panel-stable", 2023, None, BEFORE)
    file = tmp_path / "panel-stable.pkl"
    product.to_pickle(file)
    made = {"panel-stable": Product("panel-stable", str(file), "", "", {})}
    data = str(ROOT / "data")
    served.serve(serving_spec(2023, data, {"panel-stable": ("grp_per_capita",)}, made, "2023 convergence", BEFORE))
    try:
        ok = load_panel("stable", data, until=2023, as_of=BEFORE, indicators=["grp_per_capita"])
        assert ok["grp_per_capita"].equals(product["grp_per_capita"])
        with pytest.raises(served.UndeclaredRead) as error:  # today's figures are not this edition's
            load_panel("stable", data, until=2023, indicators=["grp_per_capita"])
        assert f"as_of={BEFORE!r}" in str(error.value) and "2023 convergence" in str(error.value)
    finally:
        served.serve(None)


@pytest.fixture(scope="module")
def convergence_pages():
    return {year: convergence_chapter(Edition.build(year, "", MANIFEST.as_of(year))) for year in (2023, 2024)}


def test_convergence_without_a_volume_index_is_nominal_and_says_so(convergence_pages):
    before, after = convergence_pages[2023], convergence_pages[2024]
    assert before.prices == "nominal" and after.prices == "real"
    assert set(before.beta_windows["measure"]) == {"nominal"} and before.beta_nominal is None
    assert set(after.beta_windows["measure"]) == {"real", "nominal"}
    # nominal β is the β of nominal GRP per capita over the same window
    from analysis import convergence

    again = convergence.beta(before.window, "grp_per_capita", before.start, before.end)
    assert before.beta.beta == pytest.approx(again.beta, rel=1e-12)
    text, captions = page_text(report.convergence_page, before)
    for lang in LANGS:
        assert NOMINAL_NOTE[lang] in text[lang], lang
    assert not any("real growth" in c or "real change" in c for c in captions)
    assert any("nominal growth" in c for c in captions) and any("nominal change" in c for c in captions)
    text_after, captions_after = page_text(report.convergence_page, after)
    assert all(NOMINAL_NOTE[lang] not in text_after[lang] for lang in LANGS)
    assert any("real growth" in c for c in captions_after)


def test_programme_pages_use_nominal_gdp_in_an_edition_without_a_volume_index():
    before = programme_chapter(Edition.build(2023, "", BEFORE), "sez", B=99, n_permutations=99)
    after = programme_chapter(Edition.build(2024, "", AFTER), "sez", B=99, n_permutations=99)
    assert (before.outcome, before.prices) == ("grp_per_capita", "nominal")
    assert (after.outcome, after.prices) == ("grp_per_capita_real", "real")
    assert before.estimates  # estimated, not left empty
    text, _ = page_text(report.programme_page, before)
    for lang in LANGS:
        assert NOMINAL_NOTE[lang] in text[lang], lang


def test_the_index_of_an_edition_leaves_out_what_its_data_did_not_hold_and_names_it():
    before = composite_index_chapter(Edition.build(2023, "", BEFORE))
    after = composite_index_chapter(Edition.build(2024, "", AFTER))
    assert before.missing == ("investment_per_capita",) and after.missing == ()
    assert "investment_per_capita" not in before.framework.indicators
    assert "investment_per_capita" in after.framework.indicators
    text, _ = page_text(report.composite_page, before)
    words = {"en": "left out of its index", "ru": "не вошли в его индекс", "kk": "индексіне енбеді"}
    names = {"en": "investment", "ru": "инвестиции", "kk": "инвестициялар"}
    for lang in LANGS:
        line = next(p for p in text[lang].splitlines() if words[lang] in p)
        assert names[lang] in line.lower(), (lang, line)


def test_a_region_page_without_a_volume_index_shows_no_real_level_and_compares_nominal_shares():
    before = region_chapter(Edition.build(2023, "", BEFORE), "KZ-43")
    after = region_chapter(Edition.build(2024, "", AFTER), "KZ-43")
    assert "grp_per_capita_real" not in {f.indicator for f in before.key_figures}
    assert "grp_per_capita_real" in {f.indicator for f in after.key_figures}
    assert "relative_grp" in {m.measure for m in before.movements}
    assert {"real_growth", "relative_grp_real"} <= {m.measure for m in after.movements}
    text, _ = page_text(report.region_page, before)
    assert "Nominal GRP per capita of Kyzylorda Region was" in text["en"]
    assert "Номинальный ВРП на душу населения Кызылординской области составлял" in text["ru"]


def test_the_2024_edition_lists_the_revision_of_2023_as_old_to_new():
    data = ROOT / "data"
    found = revised_figures(data, Publication(2023, BEFORE), Publication(2024, AFTER))
    revised = _revised_2023()
    got = {(r.region, r.year, r.indicator): (float(r.old), float(r.new)) for r in found}
    for row in revised.itertuples():
        old, new = got[(row.region, 2023, "grp_nominal")]
        assert old == float(row.value) and new != old
    # between two editions of the same date nothing was revised
    assert revised_figures(data, Publication(2022, BEFORE), Publication(2023, BEFORE)) == []


def test_the_data_page_and_the_conclusions_count_no_real_series_before_the_volume_index(convergence_pages):
    from analysis.chapters import data_overview_chapter
    from analysis.chapters.conclusions import conclusions_from, index_summary

    before, after = (data_overview_chapter(Edition.build(y, "", MANIFEST.as_of(y))) for y in (2023, 2024))
    assert before.count("price_basis", "real") == 0 < after.count("price_basis", "real")
    edition = Edition.build(2023, "", BEFORE)
    sez = programme_chapter(edition, "sez", B=99, n_permutations=99)
    ch = conclusions_from(edition, [sez], convergence_pages[2023], index_summary(edition), outcome=sez.outcome)
    assert ch.prices == "nominal"
    text, _ = page_text(report.conclusions_page, ch)
    assert "measured on GRP per capita in current prices" in text["en"]
    assert "в текущих ценах" in text["ru"] and "ағымдағы бағамен өлшенеді" in text["kk"]
