"""Build every edition of the book in kk, ru and en with Jupyter Book 1 and publish the site atomically.

``build_book`` publishes the editions of the run manifest (or the one asked for),
each from its own executed runs (``_build/runs/<year>``), in the layout of
:mod:`analysis.book.editions` (``<year>/<lang>/`` for every edition, the latest
also at ``<lang>/``). It assembles each edition's and language's source tree
(:mod:`analysis.book.assemble`; every page closed by the edition's provenance,
:mod:`analysis.book.publication`; the page "what changed since the last edition"
after the first, :mod:`analysis.book.what_changed`; the edition switcher's pages
of every edition), then runs ``jobs`` chains at a time, one per edition and language:
``jupyter-book build -W`` from inside its tree, then its PDF (:mod:`analysis.book.pdf`), so that
builds and prints interleave; it writes the landing pages (:mod:`analysis.book.landing`),
checks the whole site (:mod:`analysis.book.site_check`) and only then swaps it
into ``_build/html`` (:mod:`analysis.book.publish`). Any failure leaves the
published site as it was.

Examples
--------
>>> report = build_book()  # doctest: +SKIP
>>> report.editions, report.pages  # doctest: +SKIP
((2019, 2020, 2021, 2022, 2023), {'kk': 34, 'ru': 34, 'en': 34})
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import html
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from analysis.book.assemble import ENDONYMS, Sources, assemble, prepare
from analysis.book.editions import copy_to_root, edition_folder, editions_config, fill_switchers, site_editions
from analysis.book.landing import EditionLink, landing_html
from analysis.book.pdf import Printer
from analysis.book.publication import Publication, edition_as_of, repository_url
from analysis.book.publish import new_site_dir, publish, remove_old_sites
from analysis.book.site_cache import cached, keep_only, store, tree_key
from analysis.book.site_check import check_site
from analysis.book.structure import BookError
from analysis.i18n import LANGS, gettext

PROJECT_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class BookReport:
    """What a build produced: the latest edition, its pages per language, seconds, structure entries skipped."""

    edition: int
    pages: dict
    seconds: float
    skipped: tuple = ()
    site: Path = field(default=None)
    pdfs: tuple = ()  # PDFs in the published site: the latest edition's at the root (kk, ru, en), then each edition's
    timings: dict = field(default_factory=dict)  # seconds per stage: assemble, pages (html and PDFs, the rest), root, check
    editions: tuple = ()  # every edition on the site, oldest first
    reused: tuple = ()  # (edition, lang) builds taken from the site cache (sources unchanged)
    work: dict = field(default_factory=dict)  # seconds of Jupyter Book builds and of PDF prints, summed over workers


def latest_edition(runs_root: Path) -> int:
    """The published edition: the manifest's latest, or else the newest edition with runs."""
    try:
        from analysis.pipeline import load_manifest

        return int(load_manifest().latest)
    except ImportError:
        pass
    editions = sorted(int(p.name) for p in runs_root.iterdir() if p.is_dir() and p.name.isdigit()) if (
        runs_root.is_dir()) else []
    if not editions:
        raise BookError(f"no executed runs under {runs_root}; run `aimaq run` first")
    return editions[-1]


def _jupyter_book() -> str:
    script = Path(sys.executable).with_name("jupyter-book")
    if not script.exists():
        raise BookError(f"jupyter-book is not installed next to {sys.executable}")
    return str(script)


def _build_language(tree: Path, out: Path, log: Path) -> None:
    """``jupyter-book build -W`` from inside ``tree`` (Sphinx resolves translations relative to it)."""
    env = dict(os.environ, PYTHONHASHSEED="0", SOURCE_DATE_EPOCH="0")
    command = [_jupyter_book(), "build", ".", "--path-output", str(out), "--builder", "html", "-W", "--keep-going"]
    with open(log, "w", encoding="utf-8") as fh:
        done = subprocess.run(command, cwd=tree, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if done.returncode != 0:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        interesting = [line for line in lines if "WARNING" in line or "ERROR" in line or "Error" in line]
        raise BookError(f"jupyter-book failed for {tree.name} (log: {log}):\n" + "\n".join((interesting or lines)[-15:]))


def picker_html(edition: int) -> str:
    """The site's landing page: one link per language, every text in its own language."""
    items, titles = [], []
    for lang in LANGS:
        title = html.escape(gettext("Regional inequality in Kazakhstan", lang))
        subtitle = html.escape(gettext("Annual report, edition {year}", lang, year=int(edition)))
        titles.append(title)
        items.append(
            f'<li lang="{lang}"><a href="{lang}/index.html" hreflang="{lang}">'
            f"<strong>{html.escape(ENDONYMS[lang])}</strong></a><br>{title}. {subtitle}</li>"
        )
    choose = " · ".join(html.escape(gettext("Choose a language", lang)) for lang in LANGS)
    return (
        '<!DOCTYPE html>\n<html lang="kk">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{' / '.join(titles)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}"
        "li{margin:1rem 0;list-style:none}a{font-size:1.3rem}</style>\n</head>\n<body>\n"
        f"<h1>Aimaq</h1>\n<p>{choose}</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</body>\n</html>\n"
    )


def _count_pages(site_lang: Path) -> int:
    """Content pages of one language (Sphinx's own search and index pages not counted)."""
    return sum(1 for p in site_lang.rglob("*.html")
               if p.name not in ("search.html", "genindex.html") and "_static" not in p.relative_to(site_lang).parts)


def build_book(edition: int | None = None, *, project: Path | None = None, build_dir: Path | None = None,
               runs_root: Path | None = None, data_dir: Path | None = None, jobs: int = 2,
               check_runs: bool | None = None, pdfs: bool | None = None,
               manifest: Path | None = None, editions=None) -> BookReport:
    """Build the editions into ``<build_dir>/html`` (``<year>/{kk,ru,en}``, the latest also at the root) and publish.

    Parameters
    ----------
    edition : int, optional
        Publish this edition alone (its runs: ``<runs_root>/<edition>/``). Default: every edition of the
        run manifest (or, without one, of ``runs_root``), which ``make book`` builds.
    editions : sequence of int, optional
        Publish exactly these editions (instead of ``edition``).
    project : Path, optional
        Folder with ``_config.yml`` and ``book/`` (default: this repository).
    build_dir : Path, optional
        Default ``<project>/_build``; the site is published as ``<build_dir>/html``.
    runs_root : Path, optional
        Default ``<build_dir>/runs``.
    data_dir : Path, optional
        Data whose checksums the appendix lists (default: ``AIMAQ_DATA_DIR`` or ``<project>/data``).
    jobs : int, default 2
        Languages built at the same time.
    check_runs : bool, optional
        Refuse runs that are missing, failed, in progress or keyed on other inputs than today's
        (:mod:`analysis.pipeline.freshness`). Default: when ``project`` has a run manifest
        (``notebooks/manifest.yml``), which every real project has; the synthetic book fixtures
        of the tests have none.
    pdfs : bool, optional
        Print the PDF edition of each language (Chromium) and link it from every page.
        Default: like ``check_runs``, when the project has a run manifest (``make book`` does);
        the fixture books of the tests ask for them where they test them.
    manifest : Path, optional
        The run manifest the runs were made from (``aimaq run --manifest``); default
        ``<project>/notebooks/manifest.yml``. The freshness check keys the runs with it.

    Raises
    ------
    BookError
        On any failure (stale runs, a full disk too); ``<build_dir>/html`` is then unchanged.
    """
    started = time.perf_counter()
    project = Path(project or PROJECT_ROOT)
    build_dir = Path(build_dir or project / "_build")
    runs_root = Path(runs_root or build_dir / "runs")
    data_dir = Path(data_dir or os.environ.get("AIMAQ_DATA_DIR") or project / "data")
    if not data_dir.is_dir():
        raise BookError(f"data folder {data_dir} does not exist (check AIMAQ_DATA_DIR); "
                        "the appendix would list no checksums")
    manifest = Path(manifest) if manifest else project / "notebooks" / "manifest.yml"
    if editions is not None:
        years = sorted({int(e) for e in editions})
    elif edition is not None:
        years = [int(edition)]
    else:
        years = site_editions(runs_root, manifest if manifest.is_file() else None)
    for year in years:
        if not (runs_root / str(year)).is_dir():
            raise BookError(f"no executed runs for edition {year} in {runs_root / str(year)}; run `aimaq run` first")
    if check_runs is None:
        check_runs = manifest.is_file()
    if pdfs is None:
        pdfs = manifest.is_file()
    repository = repository_url(project)
    publications = [Publication(year, edition_as_of(year, data_dir, manifest), repository, bool(pdfs))
                    for year in years]
    guard = (functools.partial(_fresh_runs, years, project, runs_root, data_dir, manifest) if check_runs
             else contextlib.nullcontext)
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        with _exclusive(build_dir / ".book.lock"):
            _remove_leftovers(build_dir)
            return _build_locked(publications, project, build_dir, runs_root, data_dir, jobs, started, guard)
    except OSError as exc:  # a full disk, a read-only build folder: the published site is untouched
        raise BookError(f"could not write {exc.filename or build_dir}: {exc.strerror or exc}") from None


@contextlib.contextmanager
def _fresh_runs(editions: list[int], project: Path, runs_root: Path, data_dir: Path, manifest: Path):
    """While held, no ``aimaq run`` can rewrite the runs; refuses runs that are not today's."""
    from analysis.pipeline.freshness import RunInProgress, no_run_in_progress, stale_runs

    try:
        with no_run_in_progress(runs_root.parent):
            problems = []
            for edition in editions:
                found = stale_runs(edition, root=project, build_dir=runs_root.parent, runs_root=runs_root,
                                   data_dir=data_dir, manifest_path=manifest)
                # the last line of each edition counts its problems and says what to run
                shown = found[:-1][:15 if len(editions) == 1 else 5] + found[-1:]
                problems += [f"edition {edition}: {line}" if len(editions) > 1 else line for line in shown]
            if problems:
                raise BookError("the runs are not those of today's inputs:\n" + "\n".join(problems))
            yield
    except RunInProgress as exc:
        raise BookError(str(exc)) from None


@contextlib.contextmanager
def _exclusive(lock_path: Path):
    """One book build at a time per build folder (a second one waits)."""
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _remove_leftovers(build_dir: Path) -> None:
    """Work folders and unpublished sites of a build that was killed (``kill -9``) before cleaning up."""
    for work in build_dir.glob("book-*"):
        shutil.rmtree(work, ignore_errors=True)
    link = build_dir / "html"
    if (build_dir / "sites").is_dir() and link.is_symlink():
        remove_old_sites(build_dir, link.resolve())


def _assemble_editions(publications: list[Publication], project: Path, runs_root: Path, data_dir: Path,
                       dest: Path, assembled=lambda edition_trees: None) -> tuple[dict, dict, dict]:
    """Plan every edition (the switcher needs all their pages), then write each edition's three trees.

    ``assembled`` is called with ``{(edition, lang): source tree}`` as soon as an edition's trees are
    written (the page builds start while the next edition is assembled). Returns ``{edition: plan}``,
    ``{(edition, lang): source tree}`` and ``{edition: its page paths}``.
    """
    from analysis.book.what_changed import compare_editions

    def sources(pub: Publication, **extra) -> Sources:
        return Sources(project, runs_root / str(pub.edition), data_dir, pub.edition, pub, **extra)

    prepared = {pub.edition: prepare(sources(pub), changes_page=number > 0) for number, pub in enumerate(publications)}
    site_pages = {year: set(p.plan.pages) for year, p in prepared.items()}
    plans, trees = {}, {}
    for number, pub in enumerate(publications):
        changes = None
        if number > 0:
            previous = publications[number - 1]
            changes = compare_editions(data_dir, previous, pub, prepared[previous.edition].notebooks,
                                       prepared[pub.edition].notebooks)
        plan, edition_trees = assemble(sources(pub, changes=changes),
                                       dest / edition_folder(pub.edition), prepared[pub.edition])
        plans[pub.edition] = plan
        edition_trees = {(pub.edition, lang): tree for lang, tree in edition_trees.items()}
        trees.update(edition_trees)
        assembled(edition_trees)
    return plans, trees, site_pages


class _PageBuilder:
    """Each edition's and language's pages, ``jobs`` at a time: its Jupyter Book build, moved into the site,
    then its PDF (a worker thread keeps one Chromium for all it prints) and its copy in the site cache.

    One language's chain needs nothing of the others', so chains start as soon as their edition is
    assembled (:meth:`add`) and builds and prints interleave: both cores stay busy to the end. A build
    whose sources are unchanged is copied from the site cache, PDF included. :meth:`finish` waits for
    every chain and reports every failure together; ``seconds`` sums the work of each kind over the
    workers.
    """

    def __init__(self, publications: dict, work: Path, site: Path, build_dir: Path):
        self.publications, self.work, self.site, self.build_dir = publications, work, site, build_dir
        self.trees, self.keys = {}, {}
        self.reused: dict[tuple, Path] = {}  # (edition, lang) -> its build in the site cache
        self.seconds = {"html": 0.0, "pdf": 0.0}
        self._lock = threading.Lock()
        self._todo = queue.SimpleQueue()
        self._errors: list[str] = []
        self._workers: list[threading.Thread] = []
        self._cancelled = False

    def start(self, jobs: int) -> "_PageBuilder":
        (self.build_dir / "logs").mkdir(exist_ok=True)
        self._workers = [threading.Thread(target=self._worker, daemon=True) for _ in range(max(1, jobs))]
        for worker in self._workers:
            worker.start()
        return self

    def add(self, trees: dict) -> None:
        """Queue the chains of ``{(edition, lang): source tree}`` (cache keys computed here)."""
        for key, tree in trees.items():
            pub = self.publications[key[0]]
            self.keys[key] = tree_key(tree, pub.pdf)
            if (built := cached(self.build_dir, self.keys[key])) is not None:
                self.reused[key] = built
            self.trees[key] = tree
            (self.site / edition_folder(key[0])).mkdir(exist_ok=True)
            self._todo.put(key)

    def finish(self, cancel: bool = False) -> None:
        """Wait for the chains (``cancel``: only those already started) and raise their failures."""
        self._cancelled = cancel
        for _ in self._workers:
            self._todo.put(None)  # one end mark per worker, behind every chain queued
        for worker in self._workers:
            worker.join()
        if self._errors and not cancel:
            raise BookError("\n".join(dict.fromkeys(self._errors)))  # a missing Chromium is said once

    def _worker(self) -> None:
        with contextlib.ExitStack() as stack:
            printer = None
            while (key := self._todo.get()) is not None:
                if self._cancelled:
                    continue
                try:
                    pub = self.publications[key[0]]
                    if pub.pdf and key not in self.reused and printer is None:
                        printer = stack.enter_context(Printer())
                    self._chain(key, pub, printer)
                except BookError as exc:
                    self._errors.append(str(exc))
                except BaseException as exc:  # a thread's exception must reach the build, not vanish
                    self._errors.append(f"edition {key[0]} ({key[1]}): {type(exc).__name__}: {exc}")

    def _chain(self, key: tuple, pub: Publication, printer) -> None:
        year, lang = key
        target = self.site / edition_folder(year) / lang
        if key in self.reused:  # built before from the same sources: as it was published
            shutil.copytree(self.reused[key], target)
            return
        started = time.perf_counter()
        out = self.work / "out" / str(year) / lang
        _build_language(self.trees[key], out, self.build_dir / "logs" / f"book-{year}-{lang}.log")
        shutil.move(str(out / "_build" / "html"), str(target))
        built = time.perf_counter()
        if pub.pdf:
            printer.print_language(self.site / edition_folder(year), year, lang, pub.as_of)
        with self._lock:
            self.seconds["html"] += built - started
            self.seconds["pdf"] += time.perf_counter() - built
        store(self.build_dir, self.keys[key], target)


def _edition_links(publications: list[Publication], prefix: str) -> list[EditionLink]:
    """The landing page's list of editions, newest first (``prefix``: from the landing page to the site root)."""
    return [EditionLink(pub, f"{prefix}{edition_folder(pub.edition)}/") for pub in reversed(publications)]


def _build_locked(publications: list[Publication], project: Path, build_dir: Path, runs_root: Path, data_dir: Path,
                  jobs: int, started: float, guard=contextlib.nullcontext) -> BookReport:
    latest = publications[-1]
    work = Path(tempfile.mkdtemp(prefix="book-", dir=build_dir))
    site = new_site_dir(build_dir)
    timings, clock = {}, time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 1)
        clock = now

    try:
        pages = _PageBuilder({pub.edition: pub for pub in publications}, work, site, build_dir).start(jobs)
        try:
            with guard():  # the runs are checked and copied while no `aimaq run` can change them
                plans, trees, site_pages = _assemble_editions(publications, project, runs_root, data_dir,
                                                              work / "src", pages.add)
            lap("assemble")  # the first editions' pages are being built meanwhile
        except BaseException:
            pages.finish(cancel=True)  # the assembly's own error is the one to report
            raise
        pages.finish()
        keys, reused = pages.keys, pages.reused
        printed = [site / edition_folder(pub.edition) / lang / pub.pdf_name(lang)
                   for pub in publications if pub.pdf for lang in LANGS]
        lap("pages")
        for (year, lang) in trees:
            fill_switchers(site / edition_folder(year) / lang, lang, editions_config(year, site_pages, lang))
        for pub in publications:
            folder = site / edition_folder(pub.edition)
            (folder / "index.html").write_text(
                landing_html(pub, folder, runs_root / str(pub.edition), _edition_links(publications, "../"), site),
                encoding="utf-8")
        copy_to_root(site, latest.edition)
        (site / "index.html").write_text(
            landing_html(latest, site, runs_root / str(latest.edition), _edition_links(publications, ""), site),
            encoding="utf-8")
        lap("root")
        problems = check_site(site, jobs)
        if problems:
            raise BookError(f"the built site is not publishable ({len(problems)} problems):\n" + "\n".join(problems[:20]))
        lap("check")
        publish(site, build_dir / "html")
        remove_old_sites(build_dir, site)
        keep_only(build_dir, set(keys.values()))
    except BaseException:
        shutil.rmtree(site, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counts = {lang: _count_pages(site / lang) for lang in LANGS}
    # the latest edition's PDFs at the root first (kk, ru, en: what its root pages link), then every edition's
    root_pdfs = [site / lang / latest.pdf_name(lang) for lang in LANGS] if latest.pdf else []
    published = tuple(build_dir / "html" / p.relative_to(site) for p in root_pdfs + printed)
    return BookReport(latest.edition, counts, round(time.perf_counter() - started, 1), plans[latest.edition].skipped,
                      build_dir / "html", published, timings, tuple(p.edition for p in publications),
                      tuple(sorted(reused)), {kind: round(sec, 1) for kind, sec in pages.seconds.items()})
