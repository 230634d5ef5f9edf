"""The introduction's figure: the nine components of selective regional policy, one SVG per language.

The figure ``book/content/<lang>/img/selective_policy_structure.svg`` is drawn
here, not by hand, so that its nine component labels are the glossary's terms
(``book/glossary.csv``, read by :func:`analysis.book.glossary.read_glossary`)
and the figure and the text cannot drift apart. The titles, the centre box and
the examples under each label are the figure's own words, below.

The SVG is self-contained (system fonts only, no external fonts, images, links
or scripts), accessible (``role="img"``, ``<title>`` and ``<desc>`` in the
page's language, ``lang`` on the root) and laid out identically in kk, ru and
en: the languages differ only in words.

Public entry point: :func:`write_figures`; run ``python -m
analysis.book.policy_figure`` after changing the glossary's component terms or
the texts below, and commit the three files (``tests/test_content_figure.py``
fails while they are out of date). :func:`draw_figure` draws one language.

Examples
--------
>>> terms = {term_id: term_id.replace("policy_", "") + " policy" for term_id in COMPONENTS}
>>> svg = draw_figure("en", terms)
>>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 564"')
True
>>> svg.count('class="component"'), 'lang="en"' in svg
(9, True)
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

from analysis.book.glossary import read_glossary
from analysis.book.structure import BookError
from analysis.i18n import LANGS

__all__ = ["COMPONENTS", "FIGURE", "draw_figure", "write_figures"]

PROJECT_ROOT = Path(__file__).resolve().parents[3]
# Where each language's copy lives, relative to book/content/<lang>/ (intro.md refers to it so).
FIGURE = "img/selective_policy_structure.svg"
# The article's nine components, in the figure's reading order; each is a term_id of glossary.csv.
COMPONENTS = (
    "policy_financial_support", "policy_investment", "policy_infrastructure", "policy_social",
    "policy_labour", "policy_environmental", "policy_innovation", "policy_governance",
    "policy_economic",
)

# Examples under each label, in the order of COMPONENTS.
EXAMPLES = {
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
# The centre box: its two title lines and the subtitle.
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
    """Draw the figure in one language.

    Parameters
    ----------
    lang : str
        ``"kk"``, ``"ru"`` or ``"en"``: the language of every word in the figure.
    terms : dict of str to str
        ``term_id`` → the glossary's term in ``lang``; it must hold the nine :data:`COMPONENTS`.

    Returns
    -------
    str
        The SVG document, ending with a newline.

    Raises
    ------
    BookError
        A component has no term.
    ValueError
        A label or its examples do not fit the component's box (the message names the component).

    Examples
    --------
    >>> terms = {term_id: "term" for term_id in COMPONENTS}
    >>> draw_figure("en", dict(terms, policy_social="a very long name " * 4))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: en: component policy_social does not fit its box: ...
    """
    missing = [term_id for term_id in COMPONENTS if not terms.get(term_id)]
    if missing:
        raise BookError(f"{lang}: no glossary term for the figure's components {missing}")
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
        head, examples = _wrap(label, 21, first=18), _wrap(EXAMPLES[lang][k], 26)
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


def write_figures(project: Path | None = None, content: Path | None = None) -> list[Path]:
    """Draw the figure in kk, ru and en from the glossary's terms and write the three SVGs.

    Parameters
    ----------
    project : Path, optional
        The project root whose ``book/glossary.csv`` gives the terms; by default this checkout.
    content : Path, optional
        The folder holding one subfolder per language; by default ``project/book/content``.
        Each file goes to ``content/<lang>/img/selective_policy_structure.svg`` (folders are created).

    Returns
    -------
    list of Path
        The files written, in the order of ``analysis.i18n.LANGS``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_figures(content=Path(tmp))
    ...     [p.relative_to(tmp).as_posix() for p in paths]
    ['kk/img/selective_policy_structure.svg', 'ru/img/selective_policy_structure.svg', 'en/img/selective_policy_structure.svg']
    """
    project = Path(project or PROJECT_ROOT)
    content = Path(content) if content is not None else project / "book" / "content"
    rows = read_glossary(project / "book" / "glossary.csv")
    written = []
    for lang in LANGS:
        svg = draw_figure(lang, {row["term_id"]: row[lang] for row in rows})
        path = content / lang / FIGURE
        path.parent.mkdir(parents=True, exist_ok=True)
        # "\n" everywhere, so the committed bytes are the same whichever system redraws them.
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(svg)
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_figures():
        print(written_path, file=sys.stdout)
