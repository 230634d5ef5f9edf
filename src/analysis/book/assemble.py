"""Assemble one edition's source tree per language: pages, table of contents, config, UI catalogues.

For each language ``L`` the tree ``<dest>/<L>/`` holds

* ``_config.yml``: the project's top-level ``_config.yml`` with the
  language-dependent keys set (title, Sphinx ``language``, search placeholder,
  the switcher's configuration);
* ``_toc.yml``: the parts of ``book/structure.yml`` with translated captions;
* the static prose of ``book/content/L/`` (with its images), the glossary
  page closed by its table built from ``book/glossary.csv``
  (:mod:`analysis.book.glossary`), the methods page with the decision tables
  (:mod:`analysis.report.decision_rules`);
* one ``<page>.ipynb`` per run of the edition, filtered to ``L``
  (:func:`analysis.book.pages.page_notebook`) and closed by its rerun note;
* ``reproducibility.md``, the appendix;
* ``changes.md``, "what changed since the last edition", when the site has an earlier edition
  (:mod:`analysis.book.what_changed`);
* ``_static/``, ``_templates/`` (theme templates whose English is made
  translatable) and ``_locale/L/LC_MESSAGES/`` (the UI strings of Sphinx and
  the themes that Sphinx lacks for kk, compiled with Babel to ``.mo`` and to
  Sphinx's ``sphinx.js`` for the search page).

Examples
--------
>>> from analysis.book.structure import BookPlan, Part
>>> toc_yaml(BookPlan("index", (Part("Convergence", ("convergence",)),), ()), "ru")["parts"]
[{'caption': 'Конвергенция', 'chapters': [{'file': 'convergence'}]}]
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from analysis.book.appendix import RunInfo, appendix_markdown, footer_markdown
from analysis.book.downloads import add_downloads
from analysis.book.glossary import GLOSSARY_PAGE, append_glossary_table
from analysis.book.pages import languages_present, page_notebook
from analysis.book.publication import Publication
from analysis.book.sphinx_ext import LOCALE_FOLDER
from analysis.book.what_changed import CHANGES_PAGE, changes_markdown
from analysis.book.structure import APPENDIX_PAGE, BookError, BookPlan, read_structure, resolve_structure
from analysis.i18n import LANGS, gettext
from analysis.report.decision_rules import insert_decision_rules

EDITIONS_EXTENSION = "analysis.book.editions"
_FIXED_STAMP = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
# Each edition names its own language in the switcher: these are not translations.
ENDONYMS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


@dataclass(frozen=True)
class Sources:
    """Where an edition's book comes from."""

    project: Path  # holds _config.yml and book/
    runs: Path  # _build/runs/<edition>
    data: Path  # the data directory whose checksums the appendix lists
    edition: int
    publication: Publication | None = None  # what every page states about the edition (None: nothing)
    changes: object = None  # analysis.book.what_changed.Changes against the previous edition, or None

    @property
    def content(self) -> Path:
        return self.project / "book" / "content"


def static_pages(content: Path) -> set[str]:
    """Prose pages present in all three languages; one missing in some language is an error."""
    per_lang = {
        lang: {p.relative_to(content / lang).with_suffix("").as_posix() for p in (content / lang).rglob("*.md")}
        if (content / lang).is_dir() else set()
        for lang in LANGS
    }
    everywhere = set.intersection(*per_lang.values())
    for lang, names in per_lang.items():
        missing = sorted(set.union(*per_lang.values()) - names)
        if missing:
            raise BookError(f"book/content/{lang}/ lacks {', '.join(m + '.md' for m in missing)} (needed in kk, ru and en)")
    return everywhere


def _read_statuses(runs: Path) -> dict:
    status_file = runs / "status.json"
    if not status_file.is_file():
        return {}
    try:
        return dict(json.loads(status_file.read_text(encoding="utf-8"))["runs"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BookError(f"{status_file}: not a status file written by aimaq run ({exc})") from exc


def run_pages(runs: Path) -> dict[str, Path]:
    """``{page path: executed notebook}`` of an edition's run folder.

    When the pipeline's ``status.json`` is there, only its pages count: a
    notebook left over from an older manifest is not part of the edition.
    """
    if not runs.is_dir():
        return {}
    found = {p.relative_to(runs).with_suffix("").as_posix(): p for p in sorted(runs.rglob("*.ipynb"))
             if ".ipynb_checkpoints" not in p.parts and not p.name.startswith(".")}
    statuses = _read_statuses(runs)
    return {page: path for page, path in found.items() if page in statuses} if statuses else found


def read_notebooks(pages: dict[str, Path]) -> dict:
    """Each executed notebook, read once (nbformat validates it)."""
    return {page: _read_notebook(path) for page, path in pages.items()}


def read_run_infos(runs: Path, notebooks: dict) -> list[RunInfo]:
    """What ran for each page: parameters from papermill's metadata, status from ``status.json``."""
    statuses = _read_statuses(runs)
    infos = []
    for page in sorted(set(notebooks) | set(statuses)):
        entry = statuses.get(page, {})
        parameters, notebook = dict(entry.get("parameters", {})), entry.get("notebook", "")
        if page in notebooks:
            papermill = notebooks[page].metadata.get("papermill", {})
            parameters.update(papermill.get("parameters", {}))
            notebook = notebook or Path(papermill.get("input_path", page + ".ipynb")).name
        infos.append(RunInfo(page, notebook, parameters, entry.get("status", "missing")))
    return infos


def _read_notebook(path: Path):
    try:
        return nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several kinds for a broken file
        raise BookError(f"{path}: not a readable executed notebook ({exc})") from exc


def _nav_key(page: str, lang: str) -> tuple:
    """Region pages in the alphabetical order of ``lang``'s region names; every other page keeps its place."""
    from analysis.i18n.names import NameUnavailable, region_name, sort_key

    folder, _, code = page.partition("/")
    if folder != "regions":
        return (0,)
    try:
        return (1, sort_key(region_name(code, lang), lang), code)
    except NameUnavailable:  # a page whose code has no name sorts after the named ones
        return (2, code)


def toc_yaml(plan: BookPlan, lang: str) -> dict:
    """Jupyter Book's ``_toc.yml`` for ``lang`` (captions translated)."""
    return {
        "format": "jb-book",
        "root": plan.root,
        "parts": [{"caption": gettext(part.caption, lang),
                   "chapters": [{"file": p} for p in sorted(part.pages, key=lambda page: _nav_key(page, lang))]}
                  for part in plan.parts],
    }


def config_yaml(base: dict, lang: str, edition: int, publication: Publication | None = None) -> dict:
    """The project's ``_config.yml`` with the keys that depend on the language."""
    config = json.loads(json.dumps(base))  # deep copy of plain YAML data
    config["title"] = gettext("Regional inequality in Kazakhstan", lang)
    extensions = config.setdefault("sphinx", {}).setdefault("extra_extensions", [])
    if EDITIONS_EXTENSION not in extensions:
        extensions.append(EDITIONS_EXTENSION)  # after analysis.book.sphinx_ext: it places its switcher beside
    sphinx = config["sphinx"].setdefault("config", {})
    sphinx["language"] = lang
    sphinx["locale_dirs"] = [LOCALE_FOLDER]
    sphinx["aimaq_lang"] = lang
    sphinx["aimaq_languages"] = [[code, ENDONYMS[code]] for code in LANGS]
    sphinx["aimaq_switcher_label"] = gettext("This page in other languages", lang)
    options = sphinx.setdefault("html_theme_options", {})
    options["search_bar_text"] = gettext("Search this book…", lang)  # JB1 hard-codes the English one
    sphinx["nb_code_prompt_show"] = gettext("Show code cell", lang)
    sphinx["nb_code_prompt_hide"] = gettext("Hide code cell", lang)
    config.setdefault("html", {})["extra_footer"] = ""
    config["aimaq_edition"] = int(edition)
    if publication is not None:
        sphinx["aimaq_publication"] = publication.as_config()
    return config


def _shipped_catalogues(domain: str, lang: str) -> list[Path]:
    """The ``.po`` files Sphinx and pydata-sphinx-theme ship for ``lang`` (merged under ours)."""
    if domain != "sphinx":
        return []
    # Locate the packages without importing them (importing the theme alone costs over a second).
    folders = [Path(importlib.util.find_spec(name).origin).parent / "locale" for name in ("pydata_sphinx_theme", "sphinx")]
    return [f / lang / "LC_MESSAGES" / "sphinx.po" for f in folders if (f / lang / "LC_MESSAGES" / "sphinx.po").is_file()]


def compile_ui_catalogues(po_dir: Path, dest: Path, lang: str) -> None:
    """Compile ``book/locale/<lang>/LC_MESSAGES/*.po`` with Babel into ``.mo`` (and ``sphinx.js``).

    For the ``sphinx`` domain the strings Sphinx and pydata-sphinx-theme ship
    for ``lang`` are merged underneath ours: Sphinx reads ``sphinx.js`` (the
    search page's strings) from the first locale folder that has one, so ours
    must be complete, not a patch.
    """
    source = po_dir / lang / "LC_MESSAGES"
    target = dest / LOCALE_FOLDER / lang / "LC_MESSAGES"
    for po in sorted(source.glob("*.po")) if source.is_dir() else []:
        layers = [*reversed(_shipped_catalogues(po.stem, lang)), po]  # later layers win
        with open(po, "rb") as fh:
            catalog = read_po(fh, locale=lang, domain=po.stem)
        # Babel stamps the header with the current minute; a fixed stamp keeps the tree (and its cache key) stable.
        catalog.creation_date = catalog.revision_date = _FIXED_STAMP
        merged: dict[str, str] = {}
        for layer in layers:
            with open(layer, "rb") as fh:
                for message in read_po(fh, locale=lang):
                    if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                        merged[message.id] = message.string
        for msgid, text in merged.items():
            if msgid not in catalog:
                catalog.add(msgid, text)
        target.mkdir(parents=True, exist_ok=True)
        with open(target / f"{po.stem}.mo", "wb") as fh:
            write_mo(fh, catalog)
        if po.stem == "sphinx":  # the search page reads its strings from this file
            js = {"locale": lang, "messages": dict(sorted(merged.items())), "plural_expr": "(n != 1)"}
            (target / "sphinx.js").write_text(
                "Documentation.addTranslations(" + json.dumps(js, ensure_ascii=True, indent=1) + ");\n",
                encoding="utf-8")


def assemble_language(sources: Sources, plan: BookPlan, runs: list[RunInfo], notebooks: dict,
                      lang: str, dest: Path) -> Path:
    """Write the source tree of one language under ``dest/<lang>`` and return it."""
    tree = dest / lang
    if (sources.content / lang).is_dir():
        shutil.copytree(sources.content / lang, tree)
    tree.mkdir(parents=True, exist_ok=True)
    if GLOSSARY_PAGE in plan.pages and (tree / f"{GLOSSARY_PAGE}.md").is_file():
        # The prose introduces the table; the terms themselves live only in glossary.csv.
        append_glossary_table(tree / f"{GLOSSARY_PAGE}.md", sources.project / "book" / "glossary.csv", lang)
    if (tree / "data_methods.md").is_file():  # the decision tables, printed from the rules the chapters apply
        insert_decision_rules(tree / "data_methods.md", lang)
    base = yaml.safe_load((sources.project / "_config.yml").read_text(encoding="utf-8")) or {}
    config = config_yaml(base, lang, sources.edition, sources.publication)
    (tree / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=True), encoding="utf-8")
    (tree / "_toc.yml").write_text(yaml.safe_dump(toc_yaml(plan, lang), allow_unicode=True, sort_keys=False),
                                   encoding="utf-8")
    info = {r.page: r for r in runs}
    pages = {}  # written by add_downloads, once the downloads are linked
    for page in plan.pages:
        if page in notebooks:
            nb = notebooks[page]
            if lang not in languages_present(nb):
                raise BookError(f"{sources.runs / page}.ipynb: the run has no output for {lang!r} "
                                "(analysis.report emits one per language)")
            repository = sources.publication.repository if sources.publication is not None else ""
            footer = footer_markdown(info[page], sources.edition, lang, repository)
            pages[page] = page_notebook(nb, lang, footer)
        elif page == APPENDIX_PAGE:
            text = appendix_markdown(sources.edition, runs, sources.data, lang)
            (tree / f"{APPENDIX_PAGE}.md").write_text(text, encoding="utf-8")
        elif page == CHANGES_PAGE and sources.changes is not None:
            (tree / f"{CHANGES_PAGE}.md").write_text(changes_markdown(sources.changes, lang, sources.data),
                                                     encoding="utf-8")
    for folder in ("_static", "_templates"):
        if (sources.project / "book" / folder).is_dir():
            shutil.copytree(sources.project / "book" / folder, tree / folder, dirs_exist_ok=True)
    compile_ui_catalogues(sources.project / "book" / "locale", tree, lang)
    # a CSV beside each figure and table, the data package; then the pages are written
    add_downloads(tree, lang, sources.edition, sources.data, pages)
    return tree


@dataclass(frozen=True)
class Prepared:
    """An edition read and planned: its page plan, executed notebooks and run records."""

    plan: BookPlan
    notebooks: dict
    runs: list


def prepare(sources: Sources, changes_page: bool = False) -> Prepared:
    """Read an edition's runs and resolve its pages (``changes_page``: the site has an earlier edition)."""
    notebooks = read_notebooks(run_pages(sources.runs))
    runs = read_run_infos(sources.runs, notebooks)
    structure = read_structure(sources.project / "book" / "structure.yml")
    generated = {CHANGES_PAGE} if changes_page else set()
    plan = resolve_structure(structure, static_pages(sources.content), set(notebooks), generated=generated)
    return Prepared(plan, notebooks, runs)


def assemble(sources: Sources, dest: Path, prepared: Prepared | None = None) -> tuple[BookPlan, dict[str, Path]]:
    """Assemble the kk, ru and en source trees of an edition into ``dest``.

    Returns the resolved plan and ``{lang: source tree}``.
    """
    prepared = prepared or prepare(sources, sources.changes is not None)
    plan, notebooks, runs = prepared.plan, prepared.notebooks, prepared.runs
    trees = {lang: assemble_language(sources, plan, runs, notebooks, lang, dest) for lang in LANGS}
    return plan, trees
