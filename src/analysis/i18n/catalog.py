"""Message catalogues: Babel-read ``.po`` files, one domain per room, looked up by English msgid.

The catalogues live in ``locale/<lang>/LC_MESSAGES/<domain>.po`` next to this
module. All domains of a language are merged into one lookup table, so callers
never name a domain; the same msgid may appear in two domains only with the same
translation (otherwise the catalogues are inconsistent and loading fails).

Two kinds of entry exist:

* plain entries, looked up by their English sentence (``gettext``);
* keyed entries, whose ``msgctxt`` is a result key such as
  ``verdict.converging`` or ``warning.single_treated_unit`` (``key_text``).
  Result objects carry such keys, never sentences.

A msgid that is not in the catalogues, or whose kk/ru translation is empty or
fuzzy, raises :class:`MissingTranslation`: a missing translation is never
silently replaced by English.
"""

from __future__ import annotations

import functools
import numbers
import re
import string
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from analysis.i18n.formats import format_number, format_percent

LANGS: tuple[str, ...] = ("kk", "ru", "en")
SOURCE_LANG = "en"
LOCALE_DIR = Path(__file__).with_name("locale")


class CatalogueError(ValueError):
    """A ``.po`` file is malformed or two domains disagree on a translation."""


class MissingTranslation(LookupError):
    """A msgid (or key) has no translation in the requested language."""

    def __init__(self, msgid: str, lang: str, context: str | None = None):
        self.msgid, self.lang, self.context = msgid, lang, context
        what = f"key {context!r}" if context else f"msgid {msgid!r}"
        super().__init__(
            f"no {lang!r} translation for {what} in {LOCALE_DIR}/{lang}/LC_MESSAGES/*.po; "
            "add it to the catalogue of the room that uses it"
        )

    def __str__(self) -> str:  # LookupError would repr() the message with quotes
        return self.args[0]


@dataclass(frozen=True)
class Entry:
    """One catalogue entry of one language: where it came from and its text."""

    context: str | None
    msgid: str
    text: str
    domain: str
    lineno: int


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is one of :data:`LANGS`, else raise a clear ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def domain_files(lang: str, locale_dir: Path | None = None) -> list[Path]:
    """The ``.po`` files of one language, sorted by domain name."""
    base = Path(locale_dir) if locale_dir is not None else LOCALE_DIR
    return sorted((base / check_lang(lang) / "LC_MESSAGES").glob("*.po"))


def read_domain(path: Path, lang: str) -> list[Entry]:
    """Read one ``.po`` file with Babel; empty or fuzzy translations are kept as ``""``."""
    try:
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang, domain=path.stem, abort_invalid=True)
    except Exception as exc:  # Babel raises PoFileError or ValueError with a line number
        raise CatalogueError(f"{path}: cannot read catalogue: {exc}") from exc
    entries = []
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue  # the header, and plural entries, which this project does not use
        text = "" if message.fuzzy else (message.string or "")
        if lang == SOURCE_LANG and not text:
            text = message.id  # English msgids are the English text
        lineno = message.lineno or 0
        entries.append(Entry(message.context, message.id, text, path.stem, lineno))
    return entries


@functools.lru_cache(maxsize=None)
def load_catalogue(lang: str, locale_dir: Path | None = None) -> dict[tuple[str | None, str], Entry]:
    """Merge every domain of ``lang`` into ``{(context, msgid): Entry}``.

    Examples
    --------
    >>> cat = load_catalogue("ru")
    >>> cat[("verdict.converging", "Regions are converging.")].text
    'Регионы сближаются.'
    """
    merged: dict[tuple[str | None, str], Entry] = {}
    for path in domain_files(lang, locale_dir):
        for entry in read_domain(path, lang):
            key = (entry.context, entry.msgid)
            seen = merged.get(key)
            if seen is not None and seen.text != entry.text:
                raise CatalogueError(
                    f"{lang}: {entry.msgid!r} is translated differently in "
                    f"{seen.domain}.po (line {seen.lineno}) and {entry.domain}.po (line {entry.lineno})"
                )
            merged[key] = entry
    return merged


@functools.lru_cache(maxsize=None)
def keyed_entries(lang: str) -> dict[str, Entry]:
    """``{context: Entry}`` for the keyed entries of ``lang``."""
    return {ctx: e for (ctx, _), e in load_catalogue(lang).items() if ctx is not None}


class LocalisedFormatter(string.Formatter):
    """``str.format`` whose numeric fields follow the language's conventions.

    ``{x}`` of a float gives one decimal, ``{x:.3f}`` three, ``{x:.1%}`` a
    percentage, ``{n}`` of an int no decimals; all with Babel's separators.
    Integer values named ``year``, ``*_year`` or ``year_*`` (and any ``{n:d}``)
    get no thousands separator.
    """

    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value, format_spec: str) -> str:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return super().format_field(value, format_spec)
        if format_spec == "d":
            return str(int(value))  # years and counts that must not get a separator
        if format_spec == "":
            decimals = 0 if isinstance(value, numbers.Integral) else 1
            return format_number(float(value), self.lang, decimals=decimals)
        match = _SPEC.fullmatch(format_spec)
        if match is None:
            raise ValueError(f"unsupported number format {format_spec!r}; use '', 'd', '.Nf' or '.N%'")
        decimals = int(match["decimals"])
        if match["kind"] == "%":
            return format_percent(float(value), self.lang, decimals=decimals)
        return format_number(float(value), self.lang, decimals=decimals)


_SPEC = re.compile(r"\.(?P<decimals>\d)(?P<kind>[f%])")


def _is_year_name(name: str) -> bool:
    return name == "year" or name.endswith("_year") or name.startswith("year_")


def _render(template: str, lang: str, values: dict) -> str:
    # A year is a label, not a quantity: "2024", never "2 024".
    values = {
        name: str(int(v)) if _is_year_name(name) and isinstance(v, numbers.Integral) else v
        for name, v in values.items()
    }
    try:
        return LocalisedFormatter(lang).vformat(template, (), values)
    except KeyError as exc:
        raise KeyError(f"message {template!r} ({lang}) needs a value for {exc.args[0]!r}") from None


def gettext(msgid: str, lang: str, /, **values) -> str:
    """Translate an English message into ``lang`` and fill in its named values.

    Parameters
    ----------
    msgid : str
        The English text, exactly as in the catalogue; ``{name}`` marks a value.
    lang : {"kk", "ru", "en"}
    **values
        Values for the placeholders. Numbers are formatted for ``lang``
        (``{x:.2f}``, ``{share:.1%}``); strings are inserted as they are, so
        HTML-escape the result where it reaches a page.

    Raises
    ------
    MissingTranslation
        If the msgid is not catalogued or has no (non-fuzzy) translation in ``lang``.

    Examples
    --------
    >>> gettext("Contents", "kk")
    'Мазмұны'
    >>> gettext("Data up to {year}", "ru", year=2024)
    'Данные по 2024 год'
    """
    check_lang(lang)
    entry = load_catalogue(lang).get((None, msgid))
    if entry is None or not entry.text:
        raise MissingTranslation(msgid, lang)
    return _render(entry.text, lang, values)  # also without values: a missing one is an error, not "{x}"


def key_text(key: str, lang: str, /, **values) -> str:
    """The sentence for a result key (``verdict.*``, ``warning.*``, …) in ``lang``.

    Examples
    --------
    >>> key_text("verdict.diverging", "en")
    'Regions are drifting apart.'
    """
    check_lang(lang)
    entry = keyed_entries(lang).get(key)
    if entry is None or not entry.text:
        raise MissingTranslation("", lang, context=key)
    return _render(entry.text, lang, values)


@functools.lru_cache(maxsize=None)
def load_plurals(lang: str, locale_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """``{English singular: (form 0, form 1, …)}`` of the plural entries of ``lang`` (all domains).

    The forms follow the language's CLDR plural rule as Babel states it
    (:func:`babel.messages.plurals.get_plural`): two for kk and en, three for ru.
    """
    forms: dict[str, tuple[str, ...]] = {}
    for path in domain_files(lang, locale_dir):
        try:
            with open(path, "rb") as fh:
                catalog = read_po(fh, locale=lang, domain=path.stem, abort_invalid=True)
        except Exception as exc:
            raise CatalogueError(f"{path}: cannot read catalogue: {exc}") from exc
        for message in catalog:
            if not isinstance(message.id, tuple) or message.fuzzy:
                continue
            strings = tuple(message.string or ())
            if lang == SOURCE_LANG and not any(strings):
                strings = tuple(message.id)
            if any(not form for form in strings):
                continue
            forms[message.id[0]] = strings
    return forms


@functools.lru_cache(maxsize=None)
def _plural_index(lang: str):
    import gettext as stdlib_gettext

    from babel.messages.plurals import get_plural

    return stdlib_gettext.c2py(get_plural(lang).plural_expr)


def ngettext(singular: str, plural: str, n: int, lang: str, /, **values) -> str:
    """The form of a message that agrees with the count ``n`` in ``lang`` (``{n}`` is filled in).

    Examples
    --------
    >>> [ngettext("{n} value", "{n} values", k, "ru") for k in (1, 3, 5, 21)]
    ['1 значение', '3 значения', '5 значений', '21 значение']
    >>> ngettext("{n} value", "{n} values", 5944, "ru")
    '5\xa0944 значения'
    """
    check_lang(lang)
    forms = load_plurals(lang).get(singular)
    if forms is None:
        raise MissingTranslation(singular, lang)
    index = _plural_index(lang)(int(n))
    return _render(forms[min(index, len(forms) - 1)], lang, {"n": n, **values})


def has_key(key: str) -> bool:
    """Whether a result key has a catalogue entry (in English, the source language)."""
    return key in keyed_entries(SOURCE_LANG)


def N_(msgid: str) -> str:
    """Mark an English msgid for extraction without translating it yet.

    >>> N_("Contents")
    'Contents'
    """
    return msgid

