"""Language-aware figures and maps for the annual report.

Every figure function takes ``lang`` (``"kk"``, ``"ru"`` or ``"en"``), returns a
:class:`matplotlib.figure.Figure` built without :mod:`matplotlib.pyplot`, and
translates every label through :mod:`analysis.i18n` (msgids in ``plots.po``).
:func:`png_bytes` renders a figure deterministically (fixed dpi, no metadata) through matplotlib's
own canvas; only public matplotlib API is used. A figure function may leave the numbers it
shows on the figure (:func:`attach_data`, read with :func:`figure_data`), which
:func:`analysis.report.figure` shows as a table beside it. Axis labels carry units
(:func:`indicator_unit`; money is named nominal).
Maps are drawn from ``data/geo/*.geojson`` with matplotlib patches, on the
boundary vintage valid for the year.

Figures: :func:`sigma_figure`, :func:`beta_scatter`, :func:`markov_figure`,
:func:`clubs_figure`, :func:`event_study_figure`, :func:`synth_figure`,
:func:`index_figure`, :func:`rank_interval_figure`,
:func:`region_indicators_figure`. Maps: :func:`choropleth_map`,
:func:`locator_map`, :func:`boundary_vintages_map`. Page tables:
:func:`region_key_figures`, :func:`indicator_coverage`.

Examples
--------
>>> from analysis.plots import locator_map, png_bytes
>>> png_bytes(locator_map("KZ-43", "kk", year=2023))[:4]
b'\\x89PNG'
"""
from analysis.plots._common import attach_data, figure_data, indicator_unit, png_bytes, svg_text
from analysis.plots.beta import beta_scatter
from analysis.plots.choropleth import choropleth_map
from analysis.plots.clubs import clubs_figure
from analysis.plots.coverage import indicator_coverage
from analysis.plots.event_study import event_study_figure
from analysis.plots.index_scores import index_figure, pillar_label
from analysis.plots.locator import locator_map
from analysis.plots.markov import markov_figure
from analysis.plots.profile import region_key_figures
from analysis.plots.rank_intervals import rank_interval_figure
from analysis.plots.region_trend import region_indicators_figure
from analysis.plots.rolling import rolling_beta_figure
from analysis.plots.sigma import sigma_figure
from analysis.plots.synth import synth_figure
from analysis.plots.vintages import boundary_vintages_map

__all__ = [
    "png_bytes", "svg_text", "attach_data", "figure_data", "indicator_unit", "rolling_beta_figure", "event_study_figure", "synth_figure", "beta_scatter", "choropleth_map", "clubs_figure", "indicator_coverage", "locator_map",
    "markov_figure", "index_figure", "pillar_label", "rank_interval_figure", "region_key_figures", "region_indicators_figure", "sigma_figure",
    "boundary_vintages_map",
]
