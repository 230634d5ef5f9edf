"""Emit every reader-facing output of a notebook once per language, and glue checked numbers once.

A notebook runs once; the book keeps, per language, only the outputs whose
metadata is ``{"aimaq": {"lang": <lang>}}``. The helpers here are the only way
notebooks show anything to readers:

* :func:`title`, :func:`heading`, :func:`paragraph`, :func:`key_paragraph`,
  :func:`bullets` emit Markdown built from catalogue templates
  (:func:`analysis.i18n.gettext`, :func:`analysis.i18n.key_text`);
* :func:`figure` emits one PNG per language (alt text in that language,
  in ``metadata["aimaq"]["alt"]``);
* :func:`table` emits one escaped HTML table per language, headers translated,
  numbers formatted with :func:`analysis.i18n.format_number`;
* :func:`glue` stores a language-neutral value with ``myst_nb.glue``;
* :func:`choice`, :func:`year_param`, :func:`data_dir_param` validate the
  notebook's parameters before anything else runs.

Values passed to templates are made safe for a page: strings are HTML- and
Markdown-escaped; numbers are formatted by the catalogue's formatter for each
language (``{x:.2f}``); :class:`Region`, :class:`Indicator`, :class:`Key` and
:class:`Msg` are looked up per language.

The package is split by concern: :mod:`~analysis.report.params` (parameter
validation), :mod:`~analysis.report.values` (values resolved per language),
:mod:`~analysis.report.sink` (where outputs go), :mod:`~analysis.report.markdown`,
:mod:`~analysis.report.tables`, :mod:`~analysis.report.glue` and
:mod:`~analysis.report.figure`. Every public name is re-exported here, so
notebooks use ``from analysis import report; report.paragraph(...)``. (On the
package, ``report.figure`` and ``report.glue`` are the functions, not their
modules; ``from analysis.report.figure import figure`` names the module's.)

Examples
--------
>>> from analysis import report
>>> with report.capture() as outputs:
...     report.paragraph("Data up to {year}", year="2022")
>>> [o["metadata"]["aimaq"]["lang"] for o in outputs]
['kk', 'ru', 'en']
"""
from __future__ import annotations

from analysis.report.params import ParameterError, choice, data_dir_param, data_years, year_param
from analysis.report.values import (Indicator, Join, Key, KeyMsg, Localised, Msg, Number, Plural, Region, Sentences,
                                    escape, text)
from analysis.report.sink import capture
from analysis.report.markdown import bullets, compose, heading, key_paragraph, key_sentence, paragraph, title, warning_keys
from analysis.report.tables import Column, auto_decimals, table, table_html
from analysis.report.glue import glue
from analysis.report.figure import figure
from analysis.report.pages import convergence_page, programme_page
from analysis.report.region_page import region_page
from analysis.report.composite_page import composite_page
from analysis.report.overview_page import overview_page
from analysis.report.conclusions_page import conclusions_page

__all__ = [
    "ParameterError", "choice", "year_param", "data_dir_param", "data_years",
    "Region", "Indicator", "Key", "KeyMsg", "Msg", "Localised", "Number", "Join", "Plural", "Sentences", "escape",
    "text", "compose",
    "capture",
    "title", "heading", "paragraph", "key_paragraph", "key_sentence", "bullets", "warning_keys",
    "Column", "auto_decimals", "table_html", "table",
    "glue",
    "figure",
    "programme_page", "convergence_page", "composite_page", "region_page", "overview_page", "conclusions_page",
]
