"""Readers of the book's static prose (book/content/{kk,ru,en}/*.md) and checks of the readers.

The content tests (test_content*.py) import the helpers below. The tests in this module
feed the helpers small texts with a known answer, so that a helper which silently stops
finding anything (and would make every content test pass) fails here first.

Example
-------
>>> page = parse_page("(x)=\\n# Title\\n\\nText {ref}`a <x>`.\\n")
>>> [h.level for h in page.headings], page.labels, page.refs
([1], ['x'], ['x'])
"""
from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "book" / "content"
GLOSSARY = ROOT / "book" / "glossary.csv"
LANGS = ("kk", "ru", "en")
PAGES = ("index", "intro", "data_methods", "conclusions_intro", "glossary", "references")

# Letters that Kazakh Cyrillic has and Russian has not.
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*")
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Domain names and addresses are not sentences.
URL = re.compile(r"(?:https?://\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:kz|org|com|int)\b)")
# A year (1990 ... 2099), alone or as a range such as 2018–2022.
YEAR = re.compile(r"^(?:19[89]\d|20\d\d)$")

_MD = create_md_parser(MdParserConfig(), RendererHTML)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass
class Page:
    """What the content tests need from one page."""

    headings: list[Heading] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    refs: list[str] = field(default_factory=list)
    # Structure shared by all languages: headings (by level), admonition classes,
    # figures, targets, in document order.
    skeleton: list[tuple[str, str]] = field(default_factory=list)
    admonitions: list[tuple[str, str, str]] = field(default_factory=list)  # (title, class, body)
    prose: list[str] = field(default_factory=list)  # reader-facing text, markup removed
    citations: list[str] = field(default_factory=list)  # bibliography entries (original language)
    fence_markers: list[str] = field(default_factory=list)


def _ref_target(role_content: str) -> str:
    m = re.search(r"<([^<>]+)>\s*$", role_content)
    return (m.group(1) if m else role_content).strip()


def _inline_text(token, page: Page) -> str:
    """Text of an inline token without code, roles' targets or markup."""
    parts = []
    for child in token.children or []:
        if child.type == "text":
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "myst_role":
            if child.meta.get("name") in ("ref", "doc", "numref"):
                page.refs.append(_ref_target(child.content))
            # A citation's display text (author, year) is a name, not prose: left out.
        # code_inline: identifiers such as `grp_nominal` are code, not prose.
    return URL.sub(" ", "".join(parts))


def _split_directive(content: str) -> tuple[dict[str, str], str]:
    options, body, in_options = {}, [], True
    for line in content.splitlines():
        m = re.match(r"^:(\w[\w-]*):\s*(.*)$", line)
        if in_options and m:
            options[m.group(1)] = m.group(2)
            continue
        in_options = False
        body.append(line)
    return options, "\n".join(body).strip()


def _walk(src: str, page: Page, nested: bool = False) -> None:
    tokens = _MD.parse(src)
    after_citation_target = False
    for i, tok in enumerate(tokens):
        if tok.type == "myst_target":
            page.labels.append(tok.content)
            page.skeleton.append(("target", tok.content))
            after_citation_target = tok.content.startswith("ref-")
            continue
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            text = _inline_text(tokens[i + 1], page)
            page.headings.append(Heading(level, text))
            page.skeleton.append(("heading", tok.tag))
            page.prose.append(text)
        elif tok.type == "inline" and tokens[i - 1].type != "heading_open":
            text = _inline_text(tok, page)
            if after_citation_target:
                page.citations.append(text)
            else:
                page.prose.append(text)
        elif tok.type == "paragraph_close" and after_citation_target:
            after_citation_target = False
        elif tok.type == "fence":
            page.fence_markers.append(tok.markup)
            m = re.match(r"^\{(\w[\w:-]*)\}\s*(.*)$", tok.info.strip())
            if not m:
                continue
            name, argument = m.groups()
            options, body = _split_directive(tok.content)
            if name == "admonition":
                cls = options.get("class", "")
                page.admonitions.append((argument.strip(), cls, body))
                page.skeleton.append(("admonition", cls))
                page.prose.append(URL.sub(" ", argument))
                _walk(body, page, nested=True)
            elif name == "figure":
                page.skeleton.append(("figure", options.get("name", "")))
                page.prose.append(options.get("alt", ""))
                _walk(body, page, nested=True)
            else:
                page.skeleton.append((name, argument))
        elif tok.type in ("html_block", "html_inline"):
            page.skeleton.append(("html", ""))


def parse_page(src: str) -> Page:
    """Parse MyST Markdown into the parts the content tests check."""
    page = Page()
    _walk(src, page)
    return page


@functools.lru_cache(maxsize=None)
def load_page(lang: str, name: str) -> Page:
    """Parsed page (cached: many tests read the same page; callers must not modify it)."""
    return parse_page((CONTENT / lang / f"{name}.md").read_text(encoding="utf-8"))


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(text)


def non_year_numbers(text: str) -> list[str]:
    """Digit runs in prose that are not years (ranges of years such as 2018–2022 are years)."""
    return [d for d in re.findall(r"\d+(?:[.,]\d+)*", text) if not YEAR.match(d)]


def kazakh_share(text: str) -> float:
    """Share of Cyrillic words that contain a letter Kazakh has and Russian has not."""
    words = [w for w in WORD.findall(text) if re.search(r"[А-Яа-яЁёӘ-ӨәғқңөұүһіІҒҚҢҰҮҺ]", w)]
    if not words:
        return 0.0
    return sum(1 for w in words if KAZAKH_LETTERS & set(w)) / len(words)


def term_pattern(term: str) -> re.Pattern[str] | None:
    """A loose pattern for a glossary term in running text, tolerant of inflection.

    Parenthesised abbreviations are dropped; each word keeps a stem (its first letters)
    and may take any ending, because Russian and Kazakh inflect nouns and adjectives.
    """
    term = re.sub(r"\([^)]*\)", " ", term)
    words = re.findall(r"\w+", term.lower())
    if not words:
        return None
    parts = []
    for w in words:
        # Short words lose at most their last letter (зона -> зон-); longer ones keep a stem
        # of at least four letters.
        stem = w[: max(3, len(w) - 1)] if len(w) <= 4 else w[: max(4, len(w) - 3)]
        parts.append(re.escape(stem) + r"\w*")
    return re.compile(r"(?<!\w)" + r"\W+".join(parts), re.IGNORECASE)


def read_glossary() -> list[dict[str, str]]:
    with GLOSSARY.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------- checks of the helpers


def test_parse_page_finds_structure_prose_and_citations():
    src = (
        "(top)=\n# Title\n\nSee {ref}`here <sec>` and `code_id`.\n\n(sec)=\n## Part\n\n"
        "```{admonition} Box title\n:class: warning\n\nInside the box {ref}`x <top>`.\n```\n\n"
        "(ref-a)=\nAuthor, A. (2001). A title. *Journal*, 12(3), 45–67.\n\nAfter.\n"
    )
    page = parse_page(src)
    assert [(h.level, h.text) for h in page.headings] == [(1, "Title"), (2, "Part")]
    assert page.labels == ["top", "sec", "ref-a"]
    assert page.refs == ["sec", "top"]
    assert page.admonitions == [("Box title", "warning", "Inside the box {ref}`x <top>`.")]
    assert ("admonition", "warning") in page.skeleton
    assert page.citations == ["Author, A. (2001). A title. Journal, 12(3), 45–67."]
    assert "After." in page.prose
    assert not any("code_id" in p for p in page.prose)
    assert page.fence_markers == ["```"]


def test_latin_and_number_detectors():
    assert latin_words("Өңір stat.gov.kz") == ["stat", "gov", "kz"]
    assert latin_words(URL.sub(" ", "Өңір stat.gov.kz")) == []
    assert non_year_numbers("from 1990 to 2018–2022") == []
    assert non_year_numbers("per 10 000 people, 3.5 % in 2015") == ["10", "000", "3.5"]
    assert non_year_numbers("year 1812") == ["1812"]


def test_kazakh_share_separates_kazakh_from_russian():
    kk = "Баяндама өңірлер арасындағы алшақтықты жыл сайын өлшейді."
    ru = "Доклад ежегодно измеряет разрывы между регионами."
    assert kazakh_share(kk) > 0.5
    assert kazakh_share(ru) == 0.0


def test_term_pattern_tolerates_inflection_but_not_other_words():
    ru = term_pattern("синтетический контроль")
    assert ru.search("метод синтетического контроля строит")
    assert not ru.search("синтетический индекс контроля")
    kk = term_pattern("синтетикалық бақылау")
    assert kk.search("синтетикалық бақылаудың нәтижесі")
    assert term_pattern("специальная экономическая зона").search("специальных экономических зон")
    assert term_pattern("population on 1 January").search("Population on 1 January 2023")
    assert term_pattern("life expectancy at birth, men").search("life expectancy at birth, men")
    en = term_pattern("gross regional product (GRP)")
    assert en.search("Gross regional products differ")
    assert not en.search("gross domestic product")
