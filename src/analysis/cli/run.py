"""``aimaq run``: execute the run manifest (warm kernels, cache, statuses).

Examples
--------
>>> from typer.testing import CliRunner
>>> CliRunner().invoke(app, ["run", "--executor", "nope"]).exit_code
2
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(no_args_is_help=True)


def _progress_bar(console):
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    return Progress(TextColumn("[bold]aimaq run"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("{task.fields[counts]}"), TimeElapsedColumn(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=console, transient=False)


def _summary(console, result) -> None:
    from rich.table import Table

    table = Table(title="Failed runs", show_lines=False)
    for column in ("run", "parameters", "error"):
        table.add_column(column, overflow="fold")
    for status in result.failures:
        parameters = ", ".join(f"{k}={v!r}" for k, v in status.parameters.items() if k != "data_dir")
        table.add_row(f"{status.edition} {status.page}", parameters, status.error or "")
    console.print(table)


_KEPT = "the last good executed notebooks and cache entries are kept"


def _say(console, message: str) -> None:
    """One red line, never wrapped, never read as rich markup (messages quote values such as '[2023]')."""
    from rich.text import Text

    console.print(Text(message, style="red"), soft_wrap=True)


@app.command("run")
def run(
    edition: Optional[list[int]] = typer.Option(None, "--edition", help="Report year to build (repeatable); default all editions."),
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, help="Parallel kernels; default one more than the cores (a kernel waits between runs)."),
    keep_going: bool = typer.Option(False, "--keep-going", help="Run everything despite failures, then list them."),
    executor: str = typer.Option("local", "--executor", help="local (default, no server) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler address (with --executor dask)."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Re-execute every run."),
    manifest: Optional[Path] = typer.Option(None, "--manifest", help="Run manifest (default: notebooks/manifest.yml)."),
    build_dir: Optional[Path] = typer.Option(None, "--build-dir", help="Default: the project's _build/."),
) -> None:
    """Execute every run of the manifest once (three languages from one execution)."""
    from rich.console import Console

    from analysis.pipeline import EXECUTORS, BuildLocked, ManifestError, run_pipeline

    console = Console(stderr=True)
    if executor not in EXECUTORS:
        console.print(f"[red]--executor {executor!r}: expected one of {sorted(EXECUTORS)}")
        raise typer.Exit(2)
    if scheduler and executor != "dask":
        console.print("[red]--scheduler is only used with --executor dask")
        raise typer.Exit(2)
    bar = _progress_bar(console)
    task = bar.add_task("runs", total=None, counts="")

    def progress(done, total, tally):
        text = "  ".join(f"{name} {count}" for name, count in tally.items() if name != "skipped" or count)
        bar.update(task, completed=done, total=total, counts=text)

    try:
        with bar:
            result = run_pipeline(edition or None, jobs=jobs, keep_going=keep_going, executor=executor,
                                  scheduler=scheduler, use_cache=not no_cache, progress=progress,
                                  manifest=manifest, build_dir=build_dir)
    except (ManifestError, BuildLocked, ValueError) as error:
        _say(console, f"aimaq run: {error}")
        raise typer.Exit(2)
    except OSError as error:  # a full disk, a read-only build folder: the last good outputs stand
        from analysis.data.errors import os_error
        from analysis.pipeline.manifest import project_root

        where = build_dir.resolve().parent if build_dir else project_root()
        _say(console, f"aimaq run: {os_error(error, where, kept=_KEPT)}")
        raise typer.Exit(1)
    tally = ", ".join(f"{count} {name}" for name, count in result.counts.items())
    console.print(f"{len(result.statuses)} runs in {result.seconds:.1f} s: {tally}")
    if result.failures:
        _summary(console, result)
    if not result.ok:
        raise typer.Exit(1)
