"""The nine-component figure of selective regional policy (book/content/<lang>/img/*.svg).

Each language has its own SVG, drawn from the glossary by `analysis.book.policy_figure`
(`python -m analysis.book.policy_figure` redraws the three). The committed files must be what
the module draws now, so a glossary term changed without redrawing fails here. Each must be
self-contained (no external fonts, images or links), accessible (title and description in the
page's language), and its nine component labels must be exactly the glossary's terms for the
article's nine components, so that the figure and the text cannot drift apart.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from test_content_parsing import CONTENT, LANGS, latin_words, read_glossary

from analysis.book import policy_figure
from analysis.book.policy_figure import FIGURE, draw_figure, write_figures

SVG_NS = "{http://www.w3.org/2000/svg}"
# The article's nine components, in reading order (written out here, not taken from the module under test).
COMPONENTS = [
    "policy_financial_support", "policy_investment", "policy_infrastructure", "policy_social",
    "policy_labour", "policy_environmental", "policy_innovation", "policy_governance",
    "policy_economic",
]


def _tree(lang):
    path = CONTENT / lang / FIGURE
    return path, ET.parse(path).getroot()


def _text(element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


@pytest.mark.parametrize("lang", LANGS)
def test_figure_is_self_contained_svg(lang):
    path, root = _tree(lang)
    assert root.tag == f"{SVG_NS}svg", f"{path}: root element is {root.tag}"
    assert root.get("viewBox"), f"{path}: no viewBox, the figure would not scale"
    raw = path.read_text(encoding="utf-8")
    for forbidden in ("@font-face", "@import", "url(", "<image", "xlink:href", "<script", "<foreignObject"):
        assert forbidden not in raw, f"{path}: contains {forbidden!r}"
    links = re.findall(r"https?://[^\s\"']+", raw)
    assert set(links) <= {"http://www.w3.org/2000/svg"}, f"{path}: external references {links}"


@pytest.mark.parametrize("lang", LANGS)
def test_figure_has_title_and_description_in_its_language(lang):
    path, root = _tree(lang)
    assert root.get("lang") == lang, f"{path}: lang attribute {root.get('lang')!r}"
    title, desc = root.find(f"{SVG_NS}title"), root.find(f"{SVG_NS}desc")
    assert title is not None and _text(title), f"{path}: no <title>"
    assert desc is not None and _text(desc), f"{path}: no <desc>"


@pytest.mark.parametrize("lang", LANGS)
def test_component_labels_are_the_glossary_terms(lang):
    path, root = _tree(lang)
    terms = {r["term_id"]: r[lang] for r in read_glossary()}
    groups = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "component"]
    assert [g.get("id") for g in groups] == COMPONENTS, f"{path}: components {[g.get('id') for g in groups]}"
    for number, group in enumerate(groups, start=1):
        label = next(t for t in group.iter(f"{SVG_NS}text") if t.get("class") == "label")
        assert _text(label).lower() == terms[group.get("id")].lower(), (
            f"{path}: component {number} reads {_text(label)!r}, glossary says {terms[group.get('id')]!r}"
        )
        badge = [_text(t) for t in group.iter(f"{SVG_NS}text") if t.get("class") is None]
        assert badge == [str(number)], f"{path}: component {group.get('id')} numbered {badge}"
        examples = [t for t in group.iter(f"{SVG_NS}text") if t.get("class") == "examples"]
        assert examples and _text(examples[0]), f"{path}: component {number} has no examples line"


@pytest.mark.parametrize("lang", ("kk", "ru"))
def test_no_latin_text_in_kk_and_ru_figures(lang):
    path, root = _tree(lang)
    text = " ".join(_text(t) for t in root.iter() if t.tag in (f"{SVG_NS}text", f"{SVG_NS}title", f"{SVG_NS}desc"))
    assert not latin_words(text), f"{path}: Latin script {latin_words(text)[:5]}"


def test_figures_share_one_layout():
    """The three languages differ only in words: same elements, same boxes, same places."""
    def layout(lang):
        _, root = _tree(lang)
        return [(e.tag, e.get("id"), e.get("x"), e.get("y"), e.get("width"), e.get("height"))
                for e in root.iter() if e.tag in (f"{SVG_NS}rect", f"{SVG_NS}g", f"{SVG_NS}line", f"{SVG_NS}ellipse")]
    assert layout("kk") == layout("en")
    assert layout("ru") == layout("en")


# ---------------------------------------------------------------- the committed files are the module's drawing


def _terms(lang: str) -> dict[str, str]:
    return {r["term_id"]: r[lang] for r in read_glossary()}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    """The three SVGs as the module draws them now from book/glossary.csv, written to a scratch folder."""
    content = tmp_path_factory.mktemp("content")
    return {path.parent.parent.name: path for path in write_figures(content=content)}


@pytest.mark.parametrize("lang", LANGS)
def test_committed_figures_are_current(lang, drawn):
    committed = CONTENT / lang / FIGURE
    assert committed.read_bytes() == drawn[lang].read_bytes(), (
        f"{committed} is out of date: run `python -m analysis.book.policy_figure` and commit the three SVGs"
    )


def test_module_draws_the_article_components_in_order():
    assert list(policy_figure.COMPONENTS) == COMPONENTS


def test_a_label_too_long_for_its_box_is_refused():
    terms = dict(_terms("en"), policy_social="a very long name " * 4)
    with pytest.raises(ValueError, match="policy_social"):
        draw_figure("en", terms)
