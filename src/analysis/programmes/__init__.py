"""Programme evaluation: difference-in-differences, event studies, staggered
adoption, randomization inference and synthetic control (generic; no KZ specifics
except in :mod:`analysis.programmes.treatments` and
:mod:`analysis.programmes.evaluate`, which read the project's programme table).
"""
from .did import did
from .results import WARNING_KEYS, VERDICT_KEYS
from .event_study import event_study
from .inference import wild_cluster_bootstrap
from .randomization import randomization_inference
from .staggered import att_gt
from .synth import synthetic_control
