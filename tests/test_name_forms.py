"""Case forms of region names (region_forms.csv) and each language's alphabetical order."""

from __future__ import annotations

import csv

import pytest

from analysis.data import load_regions, units
from analysis.i18n import names
from analysis.i18n.names import NameUnavailable, kazakh_case, region_form, region_name, sort_key, sort_regions

KAZAKH_ONLY_LETTERS = set("әғқңөұүһі")


@pytest.mark.parametrize("code,lang,case,expected", [
    ("KZ-43", "kk", "gen", "Қызылорда облысының"),
    ("KZ-43", "kk", "loc", "Қызылорда облысында"),
    ("KZ-43", "kk", "dat", "Қызылорда облысына"),
    ("KZ-43", "ru", "loc", "Кызылординской области"),
    ("KZ-43", "ru", "gen", "Кызылординской области"),
    ("KZ-10", "ru", "nom", "Абайская область"),
    ("KZ-10", "ru", "gen", "Абайской области"),
    ("KZ-62", "ru", "nom", "Улытауская область"),
    ("KZ-33", "ru", "loc", "Жетысуской области"),
    ("KZ-71", "ru", "gen", "города Астаны"),
    ("KZ-71", "ru", "loc", "городе Астане"),
    ("KZ-75", "ru", "loc", "городе Алматы"),  # Алматы does not decline
    ("KZ-71", "kk", "gen", "Астана қаласының"),
    ("KZ-61", "kk", "loc", "Түркістан облысында"),
    ("KZ-43", "en", "loc", "Kyzylorda Region"),
])
def test_known_case_forms(code, lang, case, expected):
    assert region_form(code, lang, case) == expected


def test_official_russian_nominatives_replace_the_data_names():
    # data/regions.csv says "область Абай"; the page says the official adjectival name
    assert load_regions().loc["KZ-10", "name_ru"] == "область Абай"
    assert region_name("KZ-10", "ru") == "Абайская область"
    assert region_name("KZ-43", "ru") == "Кызылординская область"
    assert region_name("KZ-43", "kk") == load_regions().loc["KZ-43", "name_kk"]


def test_every_unit_has_forms_in_every_language_written_for_todays_name():
    regions = load_regions()
    for code in regions.index:
        for lang in ("kk", "ru", "en"):
            for case in names.CASES:
                assert region_form(code, lang, case)  # raises if missing or stale
        # no Kazakh letter inside a Russian name, no Latin letter in kk or ru
        assert not KAZAKH_ONLY_LETTERS & set(region_name(code, "ru").lower()), code
        for lang in ("kk", "ru"):
            assert not any("a" <= ch.lower() <= "z" for ch in region_form(code, lang, "gen")), (code, lang)


def test_kazakh_forms_follow_vowel_harmony():
    with open(names.FORMS_FILE, encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    kk = [r for r in rows if r["lang"] == "kk"]
    assert len(kk) == len(load_regions())
    for row in kk:
        for case in names.CASES:
            assert row[case] == kazakh_case(row["nom"], case), (row["code"], case)
    # front-vowel names take the front endings (known answers, not in the data)
    assert kazakh_case("Шу өңірі", "gen") == "Шу өңірінің"
    assert kazakh_case("Шу өңірі", "dat") == "Шу өңіріне"
    assert kazakh_case("Іле ауданы", "loc") == "Іле ауданында"  # the last vowel decides
    with pytest.raises(ValueError):
        kazakh_case("Алматы облыс", "gen")


def test_russian_adjectival_forms_decline_regularly():
    for code in load_regions().index:
        nom = region_form(code, "ru", "nom")
        if nom.endswith("ая область"):
            stem = nom[: -len("ая область")]
            assert region_form(code, "ru", "gen") == stem + "ой области"
            assert region_form(code, "ru", "loc") == stem + "ой области"


def test_stale_forms_are_an_error_naming_file_region_and_column(tmp_path, monkeypatch):
    text = names.FORMS_FILE.read_text(encoding="utf-8").replace(
        "KZ-43,ru,Кызылординская область,", "KZ-43,ru,Кзыл-Ординская область,")
    stale = tmp_path / "region_forms.csv"
    stale.write_text(text, encoding="utf-8")
    monkeypatch.setattr(names, "FORMS_FILE", stale)
    with pytest.raises(NameUnavailable) as err:
        region_form("KZ-43", "ru", "gen")
    message = str(err.value)
    assert "region_forms.csv" in message and "KZ-43" in message and "data_name" in message
    assert "Кзыл-Ординская область" in message and "Кызылординская область" in message
    # a stale row no longer renames the region: the data's name is used
    assert region_name("KZ-43", "ru") == "Кызылординская область"


def test_empty_form_is_an_error_naming_row_and_column(tmp_path, monkeypatch):
    text = names.FORMS_FILE.read_text(encoding="utf-8").replace(
        "Қызылорда облысының,", ",", 1)
    broken = tmp_path / "region_forms.csv"
    broken.write_text(text, encoding="utf-8")
    monkeypatch.setattr(names, "FORMS_FILE", broken)
    with pytest.raises(NameUnavailable, match=r"region_forms.csv, row \d+, column gen"):
        region_form("KZ-43", "kk", "gen")


def test_kazakh_alphabet_order():
    order = "а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я".split()
    shuffled = list(reversed(order))
    assert sorted(shuffled, key=lambda t: sort_key(t, "kk")) == order
    # the Kazakh letters sort after their Russian neighbours, not by code point
    assert sorted(["Қостанай", "Кентау", "Ырғыз", "Іле", "Ұлытау", "Уральск"], key=lambda t: sort_key(t, "kk")) == \
        ["Кентау", "Қостанай", "Уральск", "Ұлытау", "Ырғыз", "Іле"]


def test_region_lists_in_each_alphabet():
    codes = list(units(2023, "map"))
    kk = [region_name(c, "kk") for c in sort_regions(codes, "kk")]
    assert kk[:5] == ["Абай облысы", "Ақмола облысы", "Ақтөбе облысы", "Алматы қаласы", "Алматы облысы"]
    assert kk.index("Алматы қаласы") < kk.index("Алматы облысы")  # қ before о in Kazakh
    assert kk.index("Қостанай облысы") < kk.index("Маңғыстау облысы") and kk[-1] == "Шымкент қаласы"
    ru = [region_name(c, "ru") for c in sort_regions(codes, "ru")]
    assert ru[0] == "Абайская область" and ru[-1] == "Улытауская область"
    assert ru == sorted(ru, key=lambda t: t.lower().replace("ё", "е"))
    en = [region_name(c, "en") for c in sort_regions(codes, "en")]
    assert en == sorted(en, key=str.lower) and en[0] == "Abai Region"


def test_book_navigation_sorts_region_pages_per_language():
    from analysis.book.assemble import toc_yaml
    from analysis.book.structure import BookPlan, Part

    pages = tuple(f"regions/{c}" for c in sorted(units(2023, "map")))
    plan = BookPlan("index", (Part("Convergence", ("convergence",)), Part("Region profiles", pages)), ())
    for lang in ("kk", "ru", "en"):
        toc = toc_yaml(plan, lang)
        shown = [c["file"].split("/")[1] for c in toc["parts"][1]["chapters"]]
        assert shown == sort_regions([p.split("/")[1] for p in pages], lang)
        assert [c["file"] for c in toc["parts"][0]["chapters"]] == ["convergence"]
    assert toc_yaml(plan, "ru")["parts"][1]["chapters"][0] == {"file": "regions/KZ-10"}  # Абайская область
    assert toc_yaml(plan, "en")["parts"][1]["chapters"][-1] == {"file": "regions/KZ-31"}  # Zhambyl Region
    assert toc_yaml(plan, "kk")["parts"][1]["chapters"][-1] == {"file": "regions/KZ-79"}  # Шымкент қаласы
