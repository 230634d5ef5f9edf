"""`aimaq book`: build every edition of the trilingual book (or one) and publish the site atomically."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("book")
def book(
    edition: Optional[int] = typer.Option(None, "--edition",
                                          help="Publish this edition alone (default: every edition of the manifest)."),
    jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Language builds (of all editions) at the same time."),
    build_dir: Optional[Path] = typer.Option(None, "--build-dir", help="Default: the project's _build/."),
    manifest: Optional[Path] = typer.Option(None, "--manifest",
                                            help="Run manifest the runs were made from (default: notebooks/manifest.yml)."),
) -> None:
    """Build the kk, ru and en books of every edition from the executed runs into _build/html.

    Each edition lands in _build/html/<year>/<lang>/, the latest also in _build/html/<lang>/ (a failed
    build changes nothing). Refuses (exit 1, the published site kept) when any run of an edition is missing, failed,
    in progress or was made from other inputs than today's data, notebooks and library:
    run `aimaq run` first.
    """
    from analysis.book import BookError, build_book
    from analysis.pipeline import ManifestError

    try:
        report = build_book(edition, build_dir=build_dir, jobs=jobs, manifest=manifest)
    except (BookError, ManifestError, OSError) as exc:
        typer.echo(f"book not built, the published site is unchanged:\n{exc}", err=True)
        raise typer.Exit(1) from None
    pages = ", ".join(f"{lang} {count}" for lang, count in report.pages.items())
    editions = ", ".join(map(str, report.editions))
    typer.echo(f"editions {editions} (latest {report.edition}: pages {pages}); {report.seconds:.1f} s -> "
               f"{report.site}/index.html")
    if report.skipped:
        typer.echo("not in this edition (no prose or run): " + ", ".join(report.skipped))
