"""``aimaq verify``: rerun published notebooks without cache and compare every value.

Examples
--------
>>> from typer.testing import CliRunner
>>> "--region" in CliRunner().invoke(app, ["verify", "--help"]).output
True
"""

from __future__ import annotations

from typing import Optional

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("verify")
def verify(
    notebook: Optional[str] = typer.Option(None, "--notebook", help="Notebook (file, name or page) to rerun."),
    region: Optional[str] = typer.Option(None, "--region", help="Only runs with this region (e.g. KZ-43)."),
    edition: Optional[list[int]] = typer.Option(None, "--edition", help="Edition(s); default the published one."),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Parallel kernels."),
    executor: str = typer.Option("local", "--executor", help="local or dask."),
    show_all: bool = typer.Option(False, "--all", help="List every compared value, not only mismatches."),
) -> None:
    """Rerun the selected runs from scratch and compare them with the published build."""
    from rich.console import Console
    from rich.table import Table

    from analysis.pipeline import ManifestError
    from analysis.pipeline import verify as run_verify
    from analysis.pipeline.verify import RTOL

    console = Console()
    try:
        report = run_verify(notebook, region, edition or None, jobs=jobs, executor=executor)
    except (ManifestError, ValueError) as error:
        console.print(f"[red]aimaq verify: {error}")
        raise typer.Exit(2)
    rows = report.comparisons if show_all else report.mismatches
    if rows:
        table = Table(title="Compared values" if show_all else "Mismatches")
        for column in ("run", "value", "kind", "tolerance", "published", "rerun", "result"):
            table.add_column(column, overflow="fold")
        for c in rows:
            table.add_row(c.run, c.name, c.kind, c.tolerance, c.published, c.rerun,
                          "[green]match" if c.match else "[red]MISMATCH")
        console.print(table)
    per_run = Table(title="Runs verified")
    for column in ("run", "values", "mismatches"):
        per_run.add_column(column)
    tally: dict[str, list[int]] = {}
    for c in report.comparisons:
        entry = tally.setdefault(c.run, [0, 0])
        entry[0] += 1
        entry[1] += not c.match
    for label, (values, bad) in sorted(tally.items()):
        per_run.add_row(label, str(values), f"[red]{bad}" if bad else "0")
    for label, error in sorted(report.errors.items()):
        per_run.add_row(label, "—", f"[red]{error}")
    console.print(per_run)
    console.print(f"Tolerances: floats relative {RTOL:g}; integers, booleans, strings and words exact; "
                  f"figures ({report.figures}) counted, not compared.")
    console.print(f"{len(report.comparisons)} values compared over {report.runs} runs in "
                  f"{report.seconds:.1f} s: {len(report.mismatches)} mismatches, {len(report.errors)} errors.")
    if report.changed_inputs:
        console.print(f"[yellow]{len(report.changed_inputs)} run(s) have changed inputs (notebook, data or "
                      f"library) since they were built; run `aimaq run` before verifying them: "
                      f"{', '.join(report.changed_inputs[:10])}{' …' if len(report.changed_inputs) > 10 else ''}")
    if not report.ok:
        raise typer.Exit(1)
