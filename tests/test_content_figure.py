"""The nine-component figure of selective regional policy (book/content/<lang>/img/*.svg).

Each language has its own SVG, drawn by draw_figure below (this module is the figure's
source: `python tests/test_content_figure.py` redraws it). It must be self-contained (no external fonts, images or
links), accessible (title and description in the page's language), and its nine component
labels must be exactly the glossary's terms for the article's nine components, so that the
figure and the text cannot drift apart.
"""
from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # also when run as a script
from test_content_parsing import CONTENT, LANGS, latin_words, read_glossary  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"
FIGURE = "img/selective_policy_structure.svg"
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

# ---------------------------------------------------------------- drawing (the figure's source)
# Run `python tests/test_content_figure.py` to redraw the three SVGs after changing the
# glossary's component terms or the texts below; test_committed_figures_are_current fails
# until then.

EX = {
 "en": ["subsidies, grants, tax incentives","attracting investors, local small and medium-sized enterprises",
        "transport, energy, renewable sources","education, social protection",
        "jobs where unemployment is high, training","clean technologies, careful use of natural resources",
        "research and development, technology parks","regional strategic planning, public administration",
        "industrial, agricultural, tax, budget and tariff policy"],
 "ru": ["субсидии, гранты, налоговые льготы","привлечение инвесторов, местное малое и среднее предпринимательство",
        "транспорт, энергетика, возобновляемые источники","образование, социальная защита",
        "рабочие места там, где высока безработица, обучение","чистые технологии, рациональное природопользование",
        "научные исследования и разработки, технопарки","стратегическое планирование регионов, государственное управление",
        "промышленная, аграрная, налоговая, бюджетная и тарифная политика"],
 "kk": ["субсидиялар, гранттар, салық жеңілдіктері","инвесторларды тарту, жергілікті шағын және орта кәсіпкерлік",
        "көлік, энергетика, жаңартылатын энергия көздері","білім беру, әлеуметтік қорғау",
        "жұмыссыздығы жоғары өңірлерде жаңа жұмыс орындары, оқыту","таза технологиялар, табиғи ресурстарды ұтымды пайдалану",
        "ғылыми зерттеулер мен әзірлемелер, технопарктер","өңірлерді стратегиялық жоспарлау, мемлекеттік басқару",
        "өнеркәсіп, ауыл шаруашылығы, салық, бюджет және тариф саясаты"],
}
CENTRE = {"en": ("Selective regional", "economic policy", "to reduce disparities between regions"),
          "ru": ("Селективная региональная", "экономическая политика", "для сокращения различий между регионами"),
          "kk": ("Селективті өңірлік", "экономикалық саясат", "өңірлер арасындағы айырмашылықтарды азайту үшін")}
TITLE = {"en": "The structure of selective regional economic policy: nine components",
         "ru": "Структура селективной региональной экономической политики: девять компонентов",
         "kk": "Селективті өңірлік экономикалық саясаттың құрылымы: тоғыз құрамдас"}

W, H = 800, 564
BW, BH, GAP_X, GAP_Y, TOP = 248, 122, 18, 18, 152
COLS = [10 + c * (BW + GAP_X) for c in range(3)]
ROWS = [TOP + r * (BH + GAP_Y) for r in range(3)]
# Fonts every reader's system has; nothing is downloaded.
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"


def _wrap(text: str, width: int, first: int | None = None) -> list[str]:
    """Greedy wrap by characters; the first line may be narrower (it shares its row with the badge)."""
    lines, current = [], ""
    for word in text.split():
        limit = first if (first and not lines) else width
        if current and len(current) + 1 + len(word) > limit:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    # A space ends every line but the last, so the text reads right when copied or spoken.
    return [t + " " if i < len(lines) - 1 else t for i, t in enumerate(lines)]


def _tspans(lines: list[str], x_first: float, x_rest: float, step: int) -> str:
    return "".join(f'<tspan x="{x_first if i == 0 else x_rest}" dy="{0 if i == 0 else step}">{escape(t)}</tspan>'
                   for i, t in enumerate(lines))


def draw_figure(lang: str, terms: dict[str, str]) -> str:
    """The SVG of the nine components in ``lang``; ``terms`` maps term_id to the glossary form."""
    cx = W / 2
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" '
           f'role="img" aria-labelledby="title desc" lang="{lang}" font-family="{FONT}">',
           f'<title id="title">{escape(TITLE[lang])}</title>',
           f'<desc id="desc">{escape(", ".join(terms[i] for i in COMPONENTS))}</desc>',
           f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>',
           # A tree: the policy on top, a bus below it, one spine per column through the rows.
           '<g id="connectors" stroke="#7a9cb8" stroke-width="2.5" fill="none">',
           f'<line x1="{cx}" y1="112" x2="{cx}" y2="{TOP - 14}"/>',
           f'<line x1="{COLS[0] + BW / 2}" y1="{TOP - 14}" x2="{COLS[2] + BW / 2}" y2="{TOP - 14}"/>']
    out += [f'<line x1="{x0 + BW / 2}" y1="{TOP - 14}" x2="{x0 + BW / 2}" y2="{ROWS[2]}"/>' for x0 in COLS]
    first, second, subtitle = CENTRE[lang]
    out += ['</g>', '<g id="centre">',
            f'<rect x="{cx - 230}" y="8" width="460" height="104" rx="14" fill="#1f4e79"/>',
            f'<text x="{cx}" y="38" text-anchor="middle" font-size="20" font-weight="bold" fill="#ffffff">'
            + _tspans(_wrap(f"{first} {second}", 99, first=len(first)), cx, cx, 25) + '</text>',
            f'<text class="subtitle" x="{cx}" y="94" text-anchor="middle" font-size="14" fill="#dbe8f4">'
            f'{escape(subtitle)}</text>', '</g>']
    for k, term_id in enumerate(COMPONENTS):
        x0, y0 = COLS[k % 3], ROWS[k // 3]
        label = terms[term_id][0].upper() + terms[term_id][1:]
        head, examples = _wrap(label, 21, first=18), _wrap(EX[lang][k], 26)
        if len(head) > 2 or len(examples) > 4:
            raise ValueError(f"{lang}: component {term_id} does not fit its box: {head} {examples}")
        label_y = y0 + 26
        examples_y = label_y + 19 * len(head) + 6
        out += [f'<g id="{term_id}" class="component">',
                f'<rect x="{x0}" y="{y0}" width="{BW}" height="{BH}" rx="10" fill="#eef4fa" stroke="#1f4e79" stroke-width="2"/>',
                f'<circle cx="{x0 + 20}" cy="{y0 + 20}" r="13" fill="#1f4e79"/>',
                f'<text x="{x0 + 20}" y="{y0 + 25}" text-anchor="middle" font-size="14" font-weight="bold" fill="#ffffff">{k + 1}</text>',
                f'<text class="label" x="{x0 + 40}" y="{label_y}" font-size="15" font-weight="bold" fill="#12324f">'
                + _tspans(head, x0 + 40, x0 + 12, 19) + '</text>',
                f'<text class="examples" x="{x0 + 12}" y="{examples_y}" font-size="13" fill="#333333">'
                + _tspans(examples, x0 + 12, x0 + 12, 16) + '</text>',
                '</g>']
    out.append('</svg>')
    return "\n".join(out) + "\n"


def _terms(lang: str) -> dict[str, str]:
    return {r["term_id"]: r[lang] for r in read_glossary()}


def write_figures() -> None:
    for lang in LANGS:
        (CONTENT / lang / FIGURE).write_text(draw_figure(lang, _terms(lang)), encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
def test_committed_figures_are_current(lang):
    committed = (CONTENT / lang / FIGURE).read_text(encoding="utf-8")
    assert committed == draw_figure(lang, _terms(lang)), (
        f"{CONTENT / lang / FIGURE} is out of date: run `python tests/test_content_figure.py`"
    )


def test_a_label_too_long_for_its_box_is_refused():
    terms = dict(_terms("en"), policy_social="a very long name " * 4)
    with pytest.raises(ValueError, match="policy_social"):
        draw_figure("en", terms)


if __name__ == "__main__":
    write_figures()
