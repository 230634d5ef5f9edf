"""One pure function per page kind: an :class:`Edition` in, a frozen typed result out.

Each result holds every number, table and figure input its page shows, and the
verdict *keys* the decision table (:mod:`analysis.chapters.decision`) gives its
estimates; :mod:`analysis.report` turns them into sentences in kk, ru and en.

* :func:`programme_chapter` — ``programmes/<id>`` pages;
* :func:`convergence_chapter` — the ``convergence`` page;
* :func:`composite_index_chapter` — the ``composite_index`` page;
* :func:`region_chapter` — ``regions/<code>`` pages;
* :func:`data_overview_chapter` — the ``data_overview`` page;
* :func:`conclusions_chapter` — the ``conclusions`` page (reads the other chapters' verdict keys).
"""

from analysis.chapters.composite import CompositeChapter, composite_index_chapter
from analysis.chapters.conclusions import ConclusionsChapter, conclusions_chapter
from analysis.chapters.convergence import ConvergenceChapter, Period, convergence_chapter, direction_periods
from analysis.chapters.decision import TABLES, Rule, decide
from analysis.chapters.edition import Edition, EditionError
from analysis.chapters.overview import OverviewChapter, data_overview_chapter
from analysis.chapters.programme import Caveat, Estimate, ProgrammeChapter, programme_chapter
from analysis.chapters.region import RegionChapter, region_chapter

__all__ = [
    "Caveat", "CompositeChapter", "ConclusionsChapter", "ConvergenceChapter", "Edition", "EditionError", "Estimate",
    "OverviewChapter", "Period", "ProgrammeChapter", "RegionChapter", "Rule", "TABLES", "composite_index_chapter",
    "conclusions_chapter", "convergence_chapter", "data_overview_chapter", "decide", "direction_periods",
    "programme_chapter", "region_chapter",
]
