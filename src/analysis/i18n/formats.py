"""Numbers in the reader's language, through Babel's locale data.

kk and ru group thousands with a no-break space (U+00A0, so a number never
breaks across lines) and use a decimal comma: ``1 234,5``; en gives ``1,234.5``.
Missing values (``None``, NaN) print as an em dash in every language.

Examples
--------
>>> format_number(1234.5, "ru") == "1\\xa0234,5"
True
>>> format_number(1234.5, "en")
'1,234.5'
"""

from __future__ import annotations

import math
import numbers

from babel import Locale
from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_percent

MISSING = "\u2014"  # em dash: what a table shows for "no figure"
_LANGS = ("kk", "ru", "en")


def _check(lang: str) -> None:
    if lang not in _LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(_LANGS)}")


def _is_missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        raise TypeError(f"expected a number, got {type(x).__name__} {x!r}") from None


def _pattern(decimals: int) -> str:
    if not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"decimals must be a non-negative integer, got {decimals!r}")
    return "#,##0" + ("." + "0" * decimals if decimals else "")


MINUS = "\u2212"


def _no_negative_zero(text: str, x: float) -> str:
    # Babel keeps the sign of a value that rounds to zero ("-0,0"); a reader sees noise.
    if text.startswith("-") and not any(c in "123456789" for c in text):
        return text[1:]
    # One minus sign on every page: the typographic minus (U+2212), as in "−1,64" of the templates.
    return MINUS + text[1:] if text.startswith("-") else text


def format_number(x, lang: str, decimals: int = 1) -> str:
    """Format ``x`` with ``decimals`` fixed decimals and the language's separators.

    Parameters
    ----------
    x : real number or None
    lang : {"kk", "ru", "en"}
    decimals : int, default 1

    Examples
    --------
    >>> format_number(-0.04, "kk")
    '0,0'
    >>> format_number(-0.0088, "ru", decimals=4)
    '\u22120,0088'
    >>> format_number(float("nan"), "en")
    '—'
    >>> format_number(1234567, "en", decimals=0)
    '1,234,567'
    """
    _check(lang)
    if _is_missing(x):
        return MISSING
    text = format_decimal(float(x), format=_pattern(decimals), locale=lang, decimal_quantization=True)
    return _no_negative_zero(text, float(x))


def format_percent(x, lang: str, decimals: int = 1) -> str:
    """Format a share (0.123 = 12.3 %) as a percentage in the language's style.

    Babel's locale data decide the sign's place: ``12,3 %`` in ru (no-break
    space), ``12,3%`` in kk, ``12.3%`` in en.

    Examples
    --------
    >>> format_percent(0.123, "en")
    '12.3%'
    >>> format_percent(0.123, "kk")
    '12,3%'
    """
    _check(lang)
    if _is_missing(x):
        return MISSING
    # The locale's own pattern places the sign ("#,##0 %" in ru), with our decimals.
    locale_pattern = Locale.parse(lang).percent_formats[None].pattern
    pattern = locale_pattern.replace("#,##0", _pattern(decimals), 1)
    text = _babel_percent(float(x), format=pattern, locale=lang, decimal_quantization=True)
    return _no_negative_zero(text, float(x))


def format_year(year, lang: str) -> str:
    """A calendar year as digits without a thousands separator (``2024``).

    >>> format_year(2024, "ru")
    '2024'
    """
    _check(lang)
    if _is_missing(year):
        return MISSING
    if float(year) != int(year):
        raise ValueError(f"a year must be a whole number, got {year!r}")
    return str(int(year))


def format_date(iso: str, lang: str) -> str:
    """A date ``YYYY-MM-DD`` written out as a writer of ``lang`` writes it (CLDR long format, Babel).

    >>> format_date("2026-11-27", "en"), format_date("2026-11-27", "ru")
    ('November 27, 2026', '27 ноября 2026 г.')
    """
    import datetime

    from babel.dates import format_date as _babel_date

    _check(lang)
    return _babel_date(datetime.date.fromisoformat(iso), "long", locale=lang)


def format_signed(x, lang: str, decimals: int = 1) -> str:
    """Like :func:`format_number` but always with a sign, for changes (``+1,2``).

    >>> format_signed(1.23, "ru")
    '+1,2'
    """
    text = format_number(x, lang, decimals)
    if text != MISSING and not text.startswith(("-", MINUS)) and any(c in "123456789" for c in text):
        return "+" + text
    return text
