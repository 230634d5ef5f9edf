"""One pure function per page kind: an :class:`Edition` in, a frozen typed result out.

Each result holds every number, table and figure input its page shows, and the
verdict *keys* the decision table (:mod:`analysis.chapters.decision`) gives its
estimates; :mod:`analysis.report` turns them into sentences in kk, ru and en.

* :func:`programme_chapter` — ``programmes/<id>`` pages;
* :func:`convergence_chapter` — the ``convergence`` page.
"""

from analysis.chapters.composite import CompositeChapter, composite_index_chapter  # noqa: F401 (B)
from analysis.chapters.convergence import ConvergenceChapter, Period, convergence_chapter, direction_periods
from analysis.chapters.decision import TABLES, Rule, decide
from analysis.chapters.edition import Edition, EditionError
from analysis.chapters.programme import Caveat, Estimate, ProgrammeChapter, programme_chapter
from analysis.chapters.region import RegionChapter, region_chapter

__all__ = [
    "Caveat", "ConvergenceChapter", "Edition", "EditionError", "Estimate", "Period", "ProgrammeChapter", "Rule",
    "TABLES", "convergence_chapter", "decide", "direction_periods", "programme_chapter",
]
