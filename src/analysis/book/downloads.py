"""The data behind the book: a CSV beside each figure and table, and one data package per edition.

Placeholder while the downloads are built (see :func:`landing_links`).
"""

from __future__ import annotations

from pathlib import Path


def landing_links(site: Path, lang: str) -> list[tuple[str, str]]:
    """``(href, label)`` of the data downloads the landing page lists for ``lang``, when they exist."""
    return []
