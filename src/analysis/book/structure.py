"""The book's order of parts and pages, from ``book/structure.yml``, resolved against what exists.

Examples
--------
>>> spec = {"root": "index", "parts": [{"caption": "Region profiles", "pages": ["regions/*"]}]}
>>> plan = resolve_structure(spec, static={"index"}, runs={"regions/KZ-43", "regions/KZ-11"})
>>> plan.parts[0].pages
('regions/KZ-11', 'regions/KZ-43')
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import yaml

APPENDIX_PAGE = "reproducibility"


class BookError(RuntimeError):
    """The book cannot be assembled or built; the message says what and where."""


@dataclass(frozen=True)
class Part:
    """One part of the table of contents: an English caption (a msgid) and page paths."""

    caption: str
    pages: tuple[str, ...]


@dataclass(frozen=True)
class BookPlan:
    """What the book contains: the root page, the parts, and entries that matched nothing."""

    root: str
    parts: tuple[Part, ...]
    skipped: tuple[str, ...]

    @property
    def pages(self) -> tuple[str, ...]:
        """Every page path, root first, in reading order."""
        return (self.root,) + tuple(p for part in self.parts for p in part.pages)


def read_structure(path: Path) -> dict:
    """Read and check ``structure.yml``; errors name the file and the entry."""
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise BookError(f"{path}: cannot read the book structure: {exc}") from exc
    if not isinstance(spec, dict) or not isinstance(spec.get("root"), str) or not isinstance(spec.get("parts"), list):
        raise BookError(f"{path}: expected a mapping with 'root' (a page name) and 'parts' (a list)")
    for number, part in enumerate(spec["parts"], start=1):
        if not isinstance(part, dict) or not isinstance(part.get("caption"), str) or not isinstance(
            part.get("pages"), list
        ):
            raise BookError(f"{path}: part {number}: expected 'caption' (text) and 'pages' (a list)")
        for page in part["pages"]:
            if not isinstance(page, str) or not page or page.startswith("/") or ".." in page.split("/"):
                raise BookError(f"{path}: part {number} ({part['caption']}): invalid page entry {page!r}")
    return spec


def resolve_structure(spec: dict, static: set[str], runs: set[str], appendix: bool = True,
                      generated: set[str] = frozenset()) -> BookPlan:
    """Match the structure's entries with the static pages and run pages that exist.

    Parameters
    ----------
    spec : dict
        As returned by :func:`read_structure`.
    static : set of str
        Names of the static prose pages present in every language.
    runs : set of str
        Page paths of the edition's executed runs.
    appendix : bool
        Whether the generated reproducibility appendix exists.
    generated : set of str
        Further pages the assembler writes for this edition (``changes`` after the first edition).

    Raises
    ------
    BookError
        If a run or static page is placed nowhere or twice, or a run page shadows a static page.
    """
    clash = static & runs
    if clash:
        raise BookError(
            f"page path(s) {', '.join(sorted(clash))} exist both as prose (book/content) and as a run "
            "(notebooks/manifest.yml); rename one of them"
        )
    available = static | runs | ({APPENDIX_PAGE} if appendix else set()) | set(generated)
    root = spec["root"]
    if root not in static:
        raise BookError(f"the root page {root!r} is missing from book/content/<lang>/ (needed in kk, ru and en)")
    placed: dict[str, str] = {root: "root"}
    parts, skipped = [], []
    for part in spec["parts"]:
        pages = []
        for entry in part["pages"]:
            matches = sorted(fnmatch.filter(available, entry)) if "*" in entry else (
                [entry] if entry in available else []
            )
            if not matches:
                skipped.append(entry)
            for page in matches:
                if page in placed:
                    raise BookError(f"page {page!r} is placed twice (in {placed[page]} and in {part['caption']})")
                placed[page] = part["caption"]
                pages.append(page)
        if pages:
            parts.append(Part(part["caption"], tuple(pages)))
    unplaced = sorted((runs | static) - set(placed))
    if unplaced:
        raise BookError(f"page(s) {', '.join(unplaced)} are not placed in book/structure.yml")
    return BookPlan(root, tuple(parts), tuple(skipped))
