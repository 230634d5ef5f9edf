"""Sphinx extension of the Aimaq book: language switcher, alternate links and the kk UI catalogues.

Loaded by each language's build (``sphinx.extra_extensions`` in ``_config.yml``).
The assembler sets two configuration values:

* ``aimaq_lang``: the language of this build (``"kk"``, ``"ru"`` or ``"en"``);
* ``aimaq_languages``: ``[[code, endonym], …]`` of all editions, in order;
* ``aimaq_publication``: the edition's facts (:class:`analysis.book.publication.Publication`
  as plain values); every page then ends with its provenance block (publisher, edition, date of the
  data, licence, repository, PDF, how to cite).

Every page gets a small navigation block at the top of its article that links
the same page in the other languages (``../ru/regions/KZ-43.html`` seen from
``kk/regions/KZ-43.html``), and ``<link rel="alternate" hreflang>`` tags.
UI strings of Sphinx and the themes come from ``_locale/<lang>/LC_MESSAGES``
of the source tree (the assembler compiles them with Babel); this extension
registers that folder for the theme catalogue, which Sphinx's ``locale_dirs``
does not cover.

Examples
--------
>>> switcher_html("regions/KZ-43", "kk", [["kk", "Қазақша"], ["ru", "Русский"]], "Тіл")
'<nav class="aimaq-langs" aria-label="Тіл"><span class="aimaq-lang-current" lang="kk" aria-current="page">Қазақша</span> <a class="aimaq-lang" href="../../ru/regions/KZ-43.html" hreflang="ru" lang="ru">Русский</a></nav>'
"""

from __future__ import annotations

import html
from pathlib import Path

LOCALE_FOLDER = "_locale"
THEME_CATALOGUES = ("booktheme",)
PUBLICATION_CSS = "aimaq-publication.css"  # the provenance block and the edition switcher (book/_static)


def relative_to_other(pagename: str, lang: str) -> str:
    """URL of ``pagename`` in edition ``lang``, relative to the same page in another edition."""
    depth = pagename.count("/") + 1  # up out of the page's folders and out of the language folder
    return "../" * depth + f"{lang}/{pagename}.html"


def switcher_html(pagename: str, current: str, languages, label: str) -> str:
    """The language switcher of one page (all text escaped)."""
    items = []
    for code, endonym in languages:
        name = html.escape(endonym)
        if code == current:
            items.append(f'<span class="aimaq-lang-current" lang="{html.escape(code)}" aria-current="page">{name}</span>')
        else:
            href = html.escape(relative_to_other(pagename, code))
            items.append(f'<a class="aimaq-lang" href="{href}" hreflang="{html.escape(code)}" lang="{html.escape(code)}">{name}</a>')
    return f'<nav class="aimaq-langs" aria-label="{html.escape(label)}">' + " ".join(items) + "</nav>"


def _page_context(app, pagename, templatename, context, doctree):
    lang, languages = app.config.aimaq_lang, app.config.aimaq_languages
    switcher = switcher_html(pagename, lang, languages, app.config.aimaq_switcher_label)
    context["aimaq_switcher"] = switcher  # the search and index templates (book/_templates) place it
    closing = ""
    if app.config.aimaq_publication:
        from analysis.book.publication import Publication, provenance_html

        closing = provenance_html(Publication.from_config(app.config.aimaq_publication), lang, pagename)
    context["aimaq_provenance"] = closing  # the search and index templates place it too
    if doctree is not None and "body" in context:
        context["body"] = switcher + context["body"] + closing
    alternates = "".join(
        f'<link rel="alternate" hreflang="{html.escape(code)}" href="{html.escape(relative_to_other(pagename, code))}" />\n'
        for code, _ in languages if code != lang
    )
    context["metatags"] = context.get("metatags", "") + alternates


def setup(app):
    app.add_config_value("aimaq_lang", "en", "html")
    app.add_config_value("aimaq_languages", [], "html")
    app.add_config_value("aimaq_switcher_label", "Language", "html")
    app.add_config_value("aimaq_publication", {}, "html")
    if (Path(app.srcdir) / "_static" / PUBLICATION_CSS).is_file():
        app.add_css_file(PUBLICATION_CSS)
    locale_dir = Path(app.srcdir) / LOCALE_FOLDER
    if locale_dir.is_dir():
        for catalogue in THEME_CATALOGUES:
            app.add_message_catalog(catalogue, str(locale_dir))
    app.connect("html-page-context", _page_context)
    # Kazakh search stems (used by the build whose html_search_language, by default its language, is kk)
    from analysis.book.stem_kk import search_language

    app.add_search_language(search_language())
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
