"""Aimaq: regional inequality and selective regional policy in Kazakhstan.

The package is a library of pure functions over tidy panels, organised by
subject (see ``DESIGN.md`` in the project's shared notes):

- :mod:`analysis.data` loads, validates and harmonises the official figures;
- :mod:`analysis.convergence`, :mod:`analysis.programmes`, :mod:`analysis.index`
  are the estimators;
- :mod:`analysis.i18n` and :mod:`analysis.plots` present results in kk/ru/en;
- :mod:`analysis.pipeline` runs the notebooks, :mod:`analysis.book` publishes them;
- :mod:`analysis.cli` is the ``aimaq`` command.

Imports only go down that list, so importing a library room never pulls in
the pipeline or the book.
"""

__version__ = "0.1.0"
