"""Translation machinery: message catalogues, number formats and names in kk, ru and en.

Everything a reader sees is looked up here by English msgid or by result key,
so the three editions of the book differ only in words and number formats.

* :func:`gettext` — a catalogue sentence in a language, with named values
  formatted for it; :func:`key_text` — the sentence for a result key
  (``verdict.converging``, ``warning.poor_pre_fit``).
* :func:`format_number`, :func:`format_percent`, :func:`format_year`,
  :func:`format_signed` — Babel formats (kk/ru ``1 234,5``, en ``1,234.5``).
* :func:`region_name`, :func:`indicator_name` — names from ``data/regions.csv``
  and ``data/indicators.csv``.
* :func:`missing_translations` — what a completeness test calls.

Examples
--------
>>> from analysis.i18n import LANGS, gettext, format_number
>>> [gettext("Contents", lang) for lang in LANGS]
['Мазмұны', 'Содержание', 'Contents']
>>> format_number(1234.5, "en")
'1,234.5'
"""

from analysis.i18n.catalog import (
    LANGS,
    CatalogueError,
    MissingTranslation,
    N_,
    check_lang,
    gettext,
    has_key,
    key_text,
    load_catalogue,
    load_plurals,
    ngettext,
)
from analysis.i18n.extract import extract_messages, missing_translations
from analysis.i18n.names import NameUnavailable, indicator_name, region_name
from analysis.i18n.formats import MISSING, format_date, format_number, format_percent, format_signed, format_year

__all__ = [
    "LANGS",
    "MISSING",
    "CatalogueError",
    "MissingTranslation",
    "N_",
    "NameUnavailable",
    "check_lang",
    "extract_messages",
    "format_date",
    "format_number",
    "format_percent",
    "format_signed",
    "format_year",
    "gettext",
    "has_key",
    "indicator_name",
    "key_text",
    "load_catalogue",
    "load_plurals",
    "missing_translations",
    "ngettext",
    "region_name",
]
