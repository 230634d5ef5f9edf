"""The pipeline's input error, shared by the manifest and the data-product declarations.

It lives apart from :mod:`analysis.pipeline.manifest` because the manifest validates each
run template's ``reads:`` with :func:`analysis.pipeline.products.parse_reads`, and the
products module raises this error too: one module below both keeps them free of a circle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["ManifestError"]


class ManifestError(ValueError):
    """The manifest, or a parameter taken from it, is not what the pipeline expects.

    The message names the file, the entry and key, the value found and what
    was expected, in one line.

    Examples
    --------
    >>> str(ManifestError("notebooks/manifest.yml", "editions[0]", 1800, "a year from 2000"))
    'manifest.yml: editions[0]: got 1800, expected a year from 2000'
    """

    def __init__(self, file: str | Path, where: str, value: Any, expected: str):
        self.file, self.where, self.value, self.expected = str(file), where, value, expected
        super().__init__(f"{Path(file).name}: {where}: got {value!r}, expected {expected}")
