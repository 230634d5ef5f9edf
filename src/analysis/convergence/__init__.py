"""Convergence of regional levels: σ, β (cross-section, panel, rolling), Markov, clubs.

Pure functions over a tidy regional panel, with column names as arguments;
nothing here is specific to one country.  Each returns a small result (or a
DataFrame for series) that carries a ``verdict`` key from :data:`VERDICTS`
at the level ``alpha`` it states, and ``warnings`` keys; the book translates
the keys and never re-derives them.

Examples
--------
>>> import pandas as pd
>>> p = pd.DataFrame({"region": list("abcd") * 2, "year": [0] * 4 + [10] * 4,
...                   "y": [1.0, 2.0, 3.0, 4.0, 1.50, 2.40, 3.25, 4.10]})
>>> float(round(sigma(p, "y").loc[10, "cv"], 3)), beta(p, "y", 0, 10).n
(0.344, 4)
"""

from ._panel import PanelError
from .beta import beta
from .beta_panel import beta_panel
from .clubs import clubs
from .markov import markov
from .results import (CONVERGING, DIVERGING, NO_SIGNIFICANT_CHANGE, VERDICTS, BetaResult, Club,
                      ClubsResult, MarkovResult, SigmaTrendResult)
from .rolling import rolling_beta
from .sigma import sigma
from .sigma_trend import sigma_trend

__all__ = [
    "sigma", "sigma_trend", "beta", "beta_panel", "rolling_beta", "markov", "clubs",
    "BetaResult", "SigmaTrendResult", "MarkovResult", "Club", "ClubsResult", "PanelError",
    "VERDICTS", "CONVERGING", "DIVERGING", "NO_SIGNIFICANT_CHANGE",
]
