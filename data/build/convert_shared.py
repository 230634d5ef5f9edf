"""One-off conversion of the shared offline copy of BNS figures into the project's ``data/`` files.

Kept for provenance only: the project never runs it and never reads the shared folder at run
time. It reads only from the folder given on the command line::

    python data/build/convert_shared.py /path/to/data-sources data/

What it does, and nothing more (no figure is computed, interpolated or estimated):

* renames columns to the project's schema (``region_code`` -> ``region``);
* moves the territory marker of Almaty oblast, Karaganda and East Kazakhstan
  ("territory: pre-/post-2022 boundaries") out of the free-text note into the ``territory`` column;
* files 1990-1992 GRP, which BNS gives in million roubles, under its own indicator
  ``grp_nominal_rub`` so that ``grp_nominal`` is in one currency;
* keeps one 2023 population release (the series release, see SOURCES.md);
* leaves out the quarterly poverty snapshots and puts the unverified investment series into
  ``unverified.csv``;
* normalises the programme table to one row per (programme, region, item).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

RECORDED = "2026-11-27"  # the day these figures entered the project's data
SPLIT_PARENTS = {"KZ-19", "KZ-35", "KZ-63"}
BACKCAST_FROM = {"KZ-61": "2010", "KZ-79": "2010", "KZ-10": "2021", "KZ-33": "2021", "KZ-62": "2021"}
POPULATION_SERIES_SOURCE = "population-projections-by-regions"
OBS_COLUMNS = ["region", "year", "indicator", "territory", "value", "source", "note", "recorded"]


def _territory(row: pd.Series) -> str:
    if row["region"] not in SPLIT_PARENTS:
        return ""
    match = re.search(r"territory: (pre|post)-2022 boundaries", str(row["note"]))
    if not match:
        raise ValueError(f"no territory marker for {row['region']} {row['year']} {row['indicator']}")
    return f"{match.group(1)}-2022"


def _clean_note(note: object) -> str:
    text = "" if pd.isna(note) else str(note)
    # The marker now lives in the territory column; the parenthesis explains it, so keep that text.
    return text.strip()


def convert_observations(src: Path, out: Path) -> None:
    raw = pd.read_csv(src / "kz_panel_long.csv", dtype={"region_code": str, "note": str})
    raw = raw.rename(columns={"region_code": "region"})
    quarterly = raw["indicator"].str.endswith("_quarterly")
    unverified = raw["indicator"].eq("investment_fixed_capital")
    # The two 2023 population releases: keep the one that continues the 2000-2022 series.
    pop_2023_bulletin = (
        raw["indicator"].eq("population_jan1")
        & raw["year"].eq(2023)
        & ~raw["source"].str.contains(POPULATION_SERIES_SOURCE, regex=False)
    )
    roubles = raw["indicator"].eq("grp_nominal") & raw["year"].le(1992)
    raw.loc[roubles, "indicator"] = "grp_nominal_rub"
    raw = raw[~quarterly].copy()  # quarterly press snapshots are not annual figures: left out
    unverified = unverified[~quarterly]
    pop_2023_bulletin = pop_2023_bulletin[~quarterly]
    raw["territory"] = raw.apply(_territory, axis=1)
    raw["note"] = raw["note"].map(_clean_note)
    raw["recorded"] = RECORDED
    keep = raw[~(unverified | pop_2023_bulletin)]
    keep = keep.sort_values(["indicator", "region", "year", "territory"])[OBS_COLUMNS]
    keep.to_csv(out / "observations.csv", index=False, lineterminator="\n")
    raw[unverified].sort_values(["region", "year"])[OBS_COLUMNS].to_csv(
        out / "unverified.csv", index=False, lineterminator="\n"
    )
    pd.DataFrame(columns=OBS_COLUMNS + ["superseded", "superseded_by"]).to_csv(
        out / "revisions.csv", index=False, lineterminator="\n"
    )


# Reader-facing English names: BNS's "... city" form, one spelling each.
NAME_EN_REGIONS = {
    "Astana (city)": "Astana city",
    "Almaty (city)": "Almaty city",
    "Shymkent (city)": "Shymkent city",
    "Zhambyl (Jambyl) Region": "Zhambyl Region",
    "Jetisu (Zhetysu) Region": "Jetisu Region",
}


def convert_regions(src: Path, out: Path) -> None:
    raw = pd.read_csv(src / "kz_regions.csv", dtype=str).fillna("")
    kind = raw["kind"].map(
        lambda k: "country" if k == "country" else ("city" if k.startswith("city") else "oblast")
    )
    table = pd.DataFrame(
        {
            "code": raw["region_code"],
            "name_kk": raw["name_kk"],
            "name_ru": raw["name_ru"].str.replace(r"\s*\(also:.*\)$", "", regex=True),
            "name_en": raw["name_en"].replace(NAME_EN_REGIONS, regex=False),
            "kind": kind,
            "valid_from": raw["valid_from"],
            "valid_to": raw["valid_to"],
            "parent": raw["parent_before_split"],
            "successors": raw["successors"].str.replace(r"\s*\(\d{4}\)", "", regex=True),
            "split_year": raw["region_code"].map(lambda c: "2022" if c in SPLIT_PARENTS else ""),
            # First year for which BNS publishes (retrospective) figures of a unit created later.
            "backcast_from": raw["region_code"].map(BACKCAST_FROM).fillna(""),
            "iso_alpha_old": raw["iso_3166_2_alpha_old"],
            "kato": raw["kato_prefix"],
            "capital": raw["capital"],
            "note": raw["boundary_and_name_changes"],
            "code_source": raw["code_source"],
        }
    )
    # Astana is a statistical unit of its own from 1997 (before, BNS counts it inside Akmola).
    table.loc[table["code"] == "KZ-71", "valid_from"] = "1997"
    table.to_csv(out / "regions.csv", index=False, lineterminator="\n")


# (source name, programme id, name_kk, name_ru) -- English names are the source's.
PROGRAMME_NAMES = {
    "Park of Innovative Technologies (PIT / Alatau)": ("sez", "Инновациялық технологиялар паркі", "Парк инновационных технологий"),
    "Seaport Aktau (Морпорт Актау)": ("sez", "«Ақтау теңіз порты»", "«Морпорт Актау»"),
    "Pavlodar": ("sez", "«Павлодар»", "«Павлодар»"),
    "Khorgos International Centre of Boundary Cooperation (ICBC)": ("sez", "«Қорғас» шекара маңы ынтымақтастығының халықаралық орталығы", "Международный центр приграничного сотрудничества «Хоргос»"),
    "Khorgos - Eastern Gate": ("sez", "«Қорғас – Шығыс қақпасы»", "«Хоргос – Восточные ворота»"),
    "National Industrial Petrochemical Technopark (NIPT)": ("sez", "Ұлттық индустриялық мұнай-химия технопаркі", "Национальный индустриальный нефтехимический технопарк"),
    "Saryarka": ("sez", "«Сарыарқа»", "«Сарыарка»"),
    "Ontustik": ("sez", "«Оңтүстік»", "«Онтустик»"),
    "Burabai": ("sez", "«Бурабай»", "«Бурабай»"),
    "Astana - New City": ("sez", "«Астана – жаңа қала»", "«Астана – новый город»"),
    "Astana - Technopolis": ("sez", "«Астана-Технополис»", "«Астана-Технополис»"),
    "Chemical Park Taraz": ("sez", "«Тараз химия паркі»", "«Химический парк Тараз»"),
    "Turkistan": ("sez", "«Түркістан»", "«Туркестан»"),
    "Zhanatas": ("monotowns", "Жаңатас", "Жанатас"),
    "Karatau": ("monotowns", "Қаратау", "Каратау"),
    "Ridder": ("monotowns", "Риддер", "Риддер"),
    "Altai (former Zyryanovsk)": ("monotowns", "Алтай (бұрынғы Зыряновск)", "Алтай (бывший Зыряновск)"),
    "Arkalyk": ("monotowns", "Арқалық", "Аркалык"),
    "Balkhash": ("monotowns", "Балқаш", "Балхаш"),
    "Zhitikara": ("monotowns", "Жітіқара", "Житикара"),
    "Lisakovsk": ("monotowns", "Лисаков", "Лисаковск"),
    "Serebryansk": ("monotowns", "Серебрянск", "Серебрянск"),
    "Stepnogorsk": ("monotowns", "Степногорск", "Степногорск"),
    "Business Roadmap 2020 (Дорожная карта бизнеса 2020)": ("business_roadmap_2020", "«Бизнестің жол картасы – 2020»", "«Дорожная карта бизнеса – 2020»"),
    "Business Roadmap 2020 - Almaty region allocation 2015": ("business_roadmap_2020", "«Бизнестің жол картасы – 2020»: Алматы облысына 2015 жылғы бөлінген қаражат", "«Дорожная карта бизнеса – 2020»: выделено Алматинской области в 2015 году"),
    "Business Roadmap 2020 - West Kazakhstan microcredits 2015": ("business_roadmap_2020", "«Бизнестің жол картасы – 2020»: Батыс Қазақстан облысындағы 2015 жылғы микрокредиттер", "«Дорожная карта бизнеса – 2020»: микрокредиты в Западно-Казахстанской области в 2015 году"),
    "Business Roadmap 2025": ("business_roadmap_2025", "«Бизнестің жол картасы – 2025»", "«Дорожная карта бизнеса – 2025»"),
    "National Entrepreneurship Development Project 2021-2025": ("entrepreneurship_2021", "Кәсіпкерлікті дамытудың 2021–2025 жылдарға арналған ұлттық жобасы", "Национальный проект по развитию предпринимательства на 2021–2025 годы"),
    "DAMU projects commissioned Q2 2023 - regional shares": ("business_roadmap_2025", "2023 жылғы II тоқсанда «Даму» қорының қолдауымен іске қосылған жобалардың үлесі", "Доля проектов, введённых во II квартале 2023 года при поддержке фонда «Даму»"),
    "Regional Development Programme (Өңірлерді дамыту)": ("regional_development_2011", "«Өңірлерді дамыту» бағдарламасы", "Программа «Развитие регионов»"),
    "Regional Development Programme to 2020 (incl. monotowns from 2015)": ("regional_development_2011", "2020 жылға дейінгі «Өңірлерді дамыту» бағдарламасы (2015 жылдан бастап моноқалаларды қоса алғанда)", "Программа «Развитие регионов» до 2020 года (с 2015 года включая моногорода)"),
    "State Programme of Regional Development 2020-2025": ("regional_development_2020", "Өңірлерді дамытудың 2020–2025 жылдарға арналған мемлекеттік бағдарламасы", "Государственная программа развития регионов на 2020–2025 годы"),
    "Programme for comprehensive solution of Aral Sea region problems 2007-2009": ("aral_2007", "Арал өңірінің проблемаларын кешенді шешудің 2007–2009 жылдарға арналған бағдарламасы", "Программа комплексного решения проблем Приаралья на 2007–2009 годы"),
    "Employment Roadmap 2020-2021": ("employment_roadmap_2020", "Жұмыспен қамтудың 2020–2021 жылдарға арналған жол картасы", "Дорожная карта занятости на 2020–2021 годы"),
}
# English names without the Russian/Kazakh glosses the source added in parentheses.
NAME_EN = {
    "Seaport Aktau (Морпорт Актау)": "Seaport Aktau",
    "Business Roadmap 2020 (Дорожная карта бизнеса 2020)": "Business Roadmap 2020",
    "Regional Development Programme (Өңірлерді дамыту)": "Regional Development Programme",
}
KIND = {"sez": "sez", "monotown": "monotown", "program": "programme", "program_funding": "programme_funding"}
# The Aral-region decree names four oblasts; the source lists Kyzylorda and names the others in its note.
ARAL_REGIONS = ("KZ-43", "KZ-15", "KZ-35", "KZ-SKO")


def convert_programmes(src: Path, out: Path) -> None:
    raw = pd.read_csv(src / "kz_targeted_programs.csv", dtype=str).fillna("")
    rows = []
    for _, r in raw.iterrows():
        if r["item_type"] not in KIND or r["name"].startswith("New regions created"):
            continue  # aggregates and the 2022 administrative reform are not programme-region rows
        programme, name_kk, name_ru = PROGRAMME_NAMES[r["name"]]
        level, _, detail = r["confidence"].partition(" ")
        regions = ARAL_REGIONS if programme == "aral_2007" else (r["region_code"],)
        for region in regions:
            rows.append(
                {
                    "programme": programme,
                    "kind": KIND[r["item_type"]],
                    "name_kk": name_kk,
                    "name_ru": name_ru,
                    "name_en": NAME_EN.get(r["name"], r["name"]),
                    "region": region,
                    "start": r["start"],
                    "end": r["end"],
                    "legal_act": r["legal_act_or_event"],
                    "value": r["value"],
                    "unit": r["unit"],
                    "source": r["source_url"],
                    "confidence": level or "low",
                    "note": "; ".join(x for x in (detail.strip(" ()"), r["note"]) if x),
                }
            )
    pd.DataFrame(rows).to_csv(out / "programmes.csv", index=False, lineterminator="\n")


def _refuse_to_lose_later_figures(out: Path) -> None:
    """Never overwrite figures added or revised after the conversion (``aimaq data add``)."""
    obs, rev = out / "observations.csv", out / "revisions.csv"
    later = obs.is_file() and (pd.read_csv(obs, dtype=str)["recorded"] != RECORDED).any()
    revised = rev.is_file() and len(pd.read_csv(rev, dtype=str)) > 0
    if later or revised:
        raise SystemExit(f"{out} holds figures added or revised after {RECORDED}: not overwriting them")


def main(argv: list[str]) -> None:
    if len(argv) != 3:
        raise SystemExit("usage: convert_shared.py SOURCE_DIR OUTPUT_DIR")
    src, out = Path(argv[1]), Path(argv[2])
    _refuse_to_lose_later_figures(out)
    convert_observations(src, out)
    convert_regions(src, out)
    convert_programmes(src, out)


if __name__ == "__main__":
    main(sys.argv)
