"""``aimaq data``: check the data, show a series, add new official figures.

Every command turns a :class:`analysis.data.DataError` into one line on stderr and exit code 1.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(no_args_is_help=True, help="Official figures in data/: check, show, add.")

LANGS = ("kk", "ru", "en")
_LABELS = {
    "year": {"kk": "Жыл", "ru": "Год", "en": "Year"},
    "approx": {
        "kk": "≈ халық санымен өлшенген жуық мән",
        "ru": "≈ приближение, взвешенное по численности населения",
        "en": "≈ population-weighted approximation",
    },
    "basis": {
        "kk": {"stable": "салыстырмалы 16 бірлік", "current": "қазіргі 20 бірлік"},
        "ru": {"stable": "сопоставимые 16 единиц", "current": "текущие 20 единиц"},
        "en": {"stable": "stable 16 units", "current": "current 20 units"},
    },
}


def _fail(err: Exception) -> None:
    typer.echo(f"error: {err}", err=True)
    raise typer.Exit(code=1)


def _choice(value: str, allowed, what: str) -> None:
    if value not in allowed:
        raise _UsageError(f"unknown {what} {value!r}; valid: {', '.join(sorted(allowed))}")


class _UsageError(ValueError):
    pass


@app.command()
def check(data_dir: Optional[Path] = typer.Option(None, "--data-dir", help="Data directory (default: data/).")) -> None:
    """Verify checksums, schemas and consistency (national sums, codes, ranges, duplicates)."""
    from analysis.data import DataError, load_panel, load_programmes
    from analysis.data.checks import NATIONAL_SUM_RTOL
    from analysis.data.checksums import verify_checksums
    from analysis.data.coverage import per_capita_check
    from analysis.data.paths import resolve_data_dir
    from analysis.data.tables import load_tables

    try:
        root = resolve_data_dir(data_dir)
        if not root.is_dir():
            raise DataError(str(root), None, None, "a file" if root.exists() else "no such folder",
                            "an existing data folder (check --data-dir or AIMAQ_DATA_DIR)")
        verify_checksums(root, include_geo=True)
        tables = load_tables(root)
        panels = {basis: load_panel(basis, root) for basis in ("stable", "current")}
        load_programmes(root)
        pc = per_capita_check(root)
    except DataError as err:
        _fail(err)
    except OSError as err:
        _fail(DataError(Path(err.filename or root).name, None, None, err.strerror or type(err).__name__,
                        "a data file this user may read"))
    typer.echo(f"data OK: {len(tables.observations)} observations, {len(tables.revisions)} revisions, "
               f"{len(tables.regions)} regions, {len(tables.indicators)} indicators, "
               f"{len(tables.programmes)} programme rows")
    typer.echo(f"checksums, schemas, codes, ranges, duplicates and national sums (tolerance {NATIONAL_SUM_RTOL:.2%}) passed")
    for basis, panel in panels.items():
        typer.echo(f"{basis} basis: {panel['region'].nunique()} units, {panel['year'].min()}-{panel['year'].max()}, "
                   f"{len(panel.attrs['approximate'])} population-weighted cells")
    if len(pc):
        top = pc.iloc[0]
        typer.echo(f"computed vs published GRP per capita: largest difference {top['rel_diff']:+.2%} "
                   f"({top['region']} {int(top['year'])}, {len(pc)} comparisons)")


@app.command()
def show(
    region: str = typer.Option(..., "--region", help="Region code, e.g. KZ-43."),
    indicator: str = typer.Option(..., "--indicator", help="Indicator id, e.g. grp_per_capita."),
    basis: str = typer.Option("stable", "--basis", help="stable or current."),
    lang: str = typer.Option("en", "--lang", help="kk, ru or en."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
) -> None:
    """Print one region's series of one indicator as a table."""
    from rich.console import Console
    from rich.table import Table

    from analysis.data import DataError, load_indicators, load_panel, load_regions

    try:
        _choice(basis, ("stable", "current"), "basis")
        _choice(lang, LANGS, "language")
        panel = load_panel(basis, data_dir)
        indicators = load_indicators(data_dir)
        regions = load_regions(data_dir)
        _choice(region, set(panel["region"]), f"region on the {basis} basis")
        _choice(indicator, set(panel.columns) - {"region", "year"}, "indicator")
    except (DataError, _UsageError) as err:
        _fail(err)
    series = panel.loc[panel["region"] == region, ["year", indicator]].dropna()
    meta = indicators.loc[indicator]
    approx = panel.attrs["approximate"]
    title = f"{regions.loc[region, f'name_{lang}']} ({region}) — {meta[f'name_{lang}']}"
    table = Table(title=title, min_width=min(96, len(title) + 4), caption=f"{_LABELS['basis'][lang][basis]}; {meta[f'unit_{lang}']}")
    table.add_column(_LABELS["year"][lang], justify="right")
    table.add_column(meta[f"unit_{lang}"], justify="right")
    any_approx = False
    for year, value in series.itertuples(index=False):
        mark = "≈ " if (region, int(year), indicator) in approx else ""
        any_approx |= bool(mark)
        table.add_row(str(int(year)), mark + _format(value, lang))
    console = Console(width=100)
    console.print(table)
    if any_approx:
        console.print(_LABELS["approx"][lang])


@app.command()
def coverage(
    basis: str = typer.Option("stable", "--basis", help="stable or current."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
) -> None:
    """Print the coverage table: indicator x first/last year, years, units, cells."""
    from rich.console import Console
    from rich.table import Table

    from analysis.data import DataError, coverage_table

    try:
        _choice(basis, ("stable", "current"), "basis")
        table_data = coverage_table(basis, data_dir)
    except (DataError, _UsageError) as err:
        _fail(err)
    table = Table(title=f"coverage, {basis} basis")
    for column in ("indicator", "years", "n years", "units", "cells"):
        table.add_column(column, justify="left" if column == "indicator" else "right")
    for name, row in table_data.iterrows():
        table.add_row(name, f"{row['first_year']}-{row['last_year']}", str(row["years"]), str(row["units"]), str(row["cells"]))
    Console(width=110).print(table)


def _format(value: float, lang: str) -> str:
    decimals = 0 if abs(value) >= 1000 else (1 if abs(value) >= 1 else 3)
    text = f"{value:,.{decimals}f}"
    if lang in ("kk", "ru"):
        text = text.replace(",", "\u00a0").replace(".", ",")
    return text


@app.command()
def add(
    file: Path = typer.Argument(..., help="CSV in the template data/build/template.csv, or an .xlsx sheet in BNS layout."),
    indicator: Optional[str] = typer.Option(None, "--indicator", help="Indicator id of a BNS-layout .xlsx sheet."),
    sheet: Optional[str] = typer.Option(None, "--sheet", help="Sheet of the .xlsx (default: the last)."),
    source: Optional[str] = typer.Option(None, "--source", help="Source for rows with an empty source cell."),
    yes: bool = typer.Option(False, "--yes", help="Write without asking."),
    recorded: Optional[str] = typer.Option(None, "--recorded", help="Date of the change (YYYY-MM-DD; default today, UTC)."),
    data_dir: Optional[Path] = typer.Option(None, "--data-dir"),
) -> None:
    """Add new official figures (or revisions): validate, show the changes, ask, write atomically.

    The data folder is locked from the plan to the write: a second `aimaq data add` (or
    `aimaq data resume`) on it meanwhile is refused, so two edits never overwrite each other.
    """
    from analysis.data import DataError
    from analysis.data.add import exclusive

    when = recorded or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
    try:
        with exclusive(data_dir):
            _add_locked(file, data_dir, indicator, sheet, source, yes, when)
    except DataError as err:
        _fail(err)
    except OSError as err:  # read-only folder, full disk, unreadable file: one line, nothing half-written
        from analysis.data.errors import os_error

        _fail(os_error(err, None, kept="the data are unchanged"))


def _add_locked(file, data_dir, indicator, sheet, source, yes, when) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from analysis.data.add import apply_addition, plan_addition, resume_addition

    if resume_addition(data_dir):
        typer.echo("finished an interrupted addition first")
    plan = plan_addition(file, data_dir, source=source, recorded=when, indicator=indicator, sheet=sheet)
    console = Console(width=120)
    console.print(f"{len(plan.new)} new, {len(plan.revised)} revised, {plan.unchanged} unchanged")
    if plan.skipped:
        table = Table(title=f"rows of {escape(Path(file).name)} not imported")
        for column in ("row", "label", "why"):
            table.add_column(column)
        for row, label, why in plan.skipped:
            table.add_row(str(row), escape(str(label)), escape(why))
        console.print(table)
    if len(plan.revised):
        table = Table(title="revised (old → new)")
        for column in ("region", "year", "indicator", "territory", "old", "new"):
            table.add_column(column)
        for r in plan.revised.itertuples(index=False):
            table.add_row(r.region, str(r.year), r.indicator, r.territory, f"{r.old_value:g}", f"{r.value:g}")
        console.print(table)
    if len(plan.new):
        table = Table(title="new")
        for column in ("region", "year", "indicator", "territory", "value", "source"):
            table.add_column(column)
        for r in plan.new.itertuples(index=False):
            table.add_row(r.region, str(r.year), r.indicator, r.territory, f"{r.value:g}", escape(r.source[:40]))
        console.print(table)
    if plan.new.empty and plan.revised.empty:
        console.print("nothing to write")
        return
    if not yes and not typer.confirm("write these changes to the data?", default=False):
        console.print("nothing written")
        raise typer.Exit(code=1)
    apply_addition(plan)
    console.print(f"written; checksums updated in {plan.data_dir.name}/datapackage.json")


@app.command()
def resume(data_dir: Optional[Path] = typer.Option(None, "--data-dir")) -> None:
    """Finish an `aimaq data add` that was interrupted while swapping files in."""
    from analysis.data import DataError
    from analysis.data.add import resume_addition

    try:
        done = resume_addition(data_dir)
    except DataError as err:
        _fail(err)
    except OSError as err:
        _fail(DataError(Path(err.filename or ".").name, None, None, err.strerror or type(err).__name__,
                        "a data folder this user may write (run `aimaq data resume` again when it is)"))
    typer.echo("finished the interrupted addition" if done else "nothing to finish")
