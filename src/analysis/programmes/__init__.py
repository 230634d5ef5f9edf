"""Programme evaluation: difference-in-differences that stays honest with about
20 regions, event studies, staggered adoption, randomization inference and
synthetic control.

The estimators (:func:`did`, :func:`event_study`, :func:`att_gt`,
:func:`randomization_inference`, :func:`synthetic_control`,
:func:`wild_cluster_bootstrap`) are generic: column names are arguments and
nothing in them knows about Kazakhstan. :func:`programme_treatment` reads the
project's programme table (with the region lineage) and
:func:`evaluate_programme` runs everything for one (programme, outcome), for
the notebook.

Results are frozen dataclasses (:mod:`analysis.programmes.results`) with
verdict and warning *keys* (:data:`WARNING_KEYS`, :data:`VERDICT_KEYS`).

Example
-------
>>> from analysis.programmes import did, WARNING_KEYS
>>> "few_treated_clusters" in WARNING_KEYS
True
"""

from .did import did
from .dose_response import DoseResponseResult, dose_response
from .evaluate import evaluate_programme
from .event_study import event_study
from .honest import breakdown_value, event_study_bounds, honest_bounds
from .synth_cv import synthetic_control_cv
from .inference import wild_cluster_bootstrap
from .randomization import randomization_inference
from .results import (
    VERDICT_KEYS,
    WARNING_KEYS,
    AggregateResult,
    AttGtResult,
    BootstrapResult,
    DidResult,
    EventStudyResult,
    PlaceboResult,
    ProgrammeEvaluation,
    RandomizationResult,
    SynthResult,
    Treatment,
)
from .staggered import aggregate_att_gt, att_gt
from .synth import synth_leave_one_out, synth_placebos, synthetic_control
from .treatments import programme_treatment

__all__ = [
    "dose_response",
    "DoseResponseResult",
    "synthetic_control_cv",
    "breakdown_value",
    "event_study_bounds",
    "honest_bounds",
    "did",
    "event_study",
    "att_gt",
    "aggregate_att_gt",
    "randomization_inference",
    "synthetic_control",
    "synth_placebos",
    "synth_leave_one_out",
    "wild_cluster_bootstrap",
    "programme_treatment",
    "evaluate_programme",
    "WARNING_KEYS",
    "VERDICT_KEYS",
    "AggregateResult",
    "AttGtResult",
    "BootstrapResult",
    "DidResult",
    "EventStudyResult",
    "PlaceboResult",
    "ProgrammeEvaluation",
    "RandomizationResult",
    "SynthResult",
    "Treatment",
]
