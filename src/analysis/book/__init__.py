"""The trilingual book: assemble kk, ru and en pages from one execution, build them, publish atomically.

Public entry point: :func:`build_book`. The modules, in the order a build
uses them: ``structure`` (``book/structure.yml``), ``pages`` (one language's
page of an executed notebook), ``appendix`` (reproducibility appendix and
rerun notes), ``assemble`` (source trees), ``sphinx_ext`` (switcher, kk UI),
``site_check`` (safe HTML, links), ``publish`` (atomic swap), ``build``.

Examples
--------
>>> from analysis.book import build_book
>>> callable(build_book)
True
"""

from analysis.book.structure import BookError

__all__ = ["BookError", "BookReport", "build_book"]


def __getattr__(name: str):
    # The build (and with it the chapters, scipy and statsmodels) is imported on first use only: every
    # Sphinx build loads this package for its extension (analysis.book.sphinx_ext), which needs none of it.
    if name in ("BookReport", "build_book"):
        from analysis.book import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
