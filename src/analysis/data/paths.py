"""Where the data directory is: an explicit argument, else $AIMAQ_DATA_DIR, else the project's data/."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DATA_DIR = Path(__file__).resolve().parents[3] / "data"


def resolve_data_dir(data_dir: str | os.PathLike | None) -> Path:
    """Return the data directory to use.

    ``None`` or an empty string means ``$AIMAQ_DATA_DIR`` when set, else the project's ``data/``.

    Examples
    --------
    >>> resolve_data_dir("/tmp").name
    'tmp'
    """
    if data_dir is None or str(data_dir) == "":
        data_dir = os.environ.get("AIMAQ_DATA_DIR") or PROJECT_DATA_DIR
    return Path(data_dir)
