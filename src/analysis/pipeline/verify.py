"""``aimaq verify``: rerun published notebooks from scratch and compare their numbers.

The reviewer's check. Selected runs are executed again with no cache (and
nothing is written: the published files stay as they are); every value the
published notebook holds is compared with the fresh run:

- every glued value (``myst_nb.glue``): numbers with :data:`RTOL`, integers,
  booleans and strings exactly; a glued table (DataFrame) cell by cell, with
  numbers in its text compared as numbers;
- every reader-facing text or table output of each language
  (``{"aimaq": {"lang": ...}}``), numbers as numbers, words exactly;
- figures are counted but not compared byte for byte: a PNG depends on the
  fonts and renderer of the machine that drew it.

Tolerances: floats match when ``|a - b| <= RTOL * max(|a|, |b|)`` (or both are
NaN); everything else must be equal.
"""

from __future__ import annotations

import ast
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

RTOL = 1e-9
TOLERANCES = {
    "float": f"relative {RTOL:g}",
    "int": "exact",
    "str": "exact",
    "bool": "exact",
    "text": f"numbers relative {RTOL:g}, words exact",
    "missing": "must exist in both",
}
_GLUE_PREFIX = "application/papermill.record/"
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
_NUMPY_SCALAR = re.compile(r"^np\.\w+\((.*)\)$", re.S)


@dataclass(frozen=True)
class Comparison:
    """One compared value."""

    run: str
    name: str
    kind: str
    published: str
    rerun: str
    match: bool

    @property
    def tolerance(self) -> str:
        return TOLERANCES.get(self.kind, "exact")


@dataclass
class VerifyReport:
    """All comparisons of a verify run, and what could not be rerun."""

    comparisons: list[Comparison] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    figures: int = 0
    runs: int = 0
    changed_inputs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def mismatches(self) -> list[Comparison]:
        return [c for c in self.comparisons if not c.match]

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.errors and self.runs > 0


def _scalar(text: str) -> Any:
    """A glued value's ``text/plain`` repr back to a Python value when it is a literal."""
    text = text.strip()
    numpy_scalar = _NUMPY_SCALAR.match(text)
    if numpy_scalar:
        text = numpy_scalar.group(1)
    if text in ("nan", "inf", "-inf"):
        return float(text)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def _floats_match(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= RTOL * max(abs(a), abs(b))


def compare_values(published: Any, rerun: Any) -> tuple[str, bool]:
    """Kind and verdict for two values (see the module's tolerances).

    Examples
    --------
    >>> compare_values(0.1 + 0.2, 0.3)
    ('float', True)
    >>> compare_values(0.3, 0.3000001)
    ('float', False)
    >>> compare_values(3, 4), compare_values("a", "a")
    (('int', False), ('str', True))
    >>> compare_values("Gini 0,35 in 2023", "Gini 0,36 in 2023")
    ('text', False)
    """
    if isinstance(published, bool) or isinstance(rerun, bool):
        return "bool", published is rerun
    if isinstance(published, int) and isinstance(rerun, int):
        return "int", published == rerun
    if isinstance(published, (int, float)) and isinstance(rerun, (int, float)):
        return "float", _floats_match(float(published), float(rerun))
    if isinstance(published, str) and isinstance(rerun, str):
        if _NUMBER.search(published) or _NUMBER.search(rerun):
            return "text", _texts_match(published, rerun)
        return "str", published == rerun
    return "str", repr(published) == repr(rerun)


def _texts_match(a: str, b: str) -> bool:
    if _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)):
        if x == y:
            continue
        if re.fullmatch(r"[-+]?\d+", x) and re.fullmatch(r"[-+]?\d+", y):
            return False
        if not _floats_match(float(x), float(y)):
            return False
    return True


def extract_values(nb: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
    """Comparable values of an executed notebook, and its number of figures.

    Keys are ``glue:<name>[:<mime>]`` for glued values and
    ``<lang>:cell<i>:<j>`` for the j-th language output of code cell i.
    """
    values: dict[str, Any] = {}
    figures = 0
    code_index = -1
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        code_index += 1
        per_lang: dict[str, int] = {}
        for out in cell.get("outputs", []):
            if out.get("output_type") not in ("display_data", "execute_result"):
                continue
            data, meta = out.get("data", {}), out.get("metadata", {})
            glue = meta.get("scrapbook", {}).get("name")
            lang = meta.get("aimaq", {}).get("lang") if isinstance(meta.get("aimaq"), dict) else None
            if glue is not None:
                bundle = {k[len(_GLUE_PREFIX):] if k.startswith(_GLUE_PREFIX) else k: v
                          for k, v in data.items()}
                if any(k.startswith("image/") for k in bundle):
                    figures += 1
                elif "text/html" in bundle:
                    values[f"glue:{glue}:html"] = _text(bundle["text/html"])
                elif "text/plain" in bundle:
                    values[f"glue:{glue}"] = _scalar(_text(bundle["text/plain"]))
            elif lang is not None:
                position = per_lang.get(lang, 0)
                per_lang[lang] = position + 1
                if any(k.startswith("image/") for k in data):
                    figures += 1
                    continue
                for mime in ("text/html", "text/markdown", "text/plain"):
                    if mime in data:
                        values[f"{lang}:cell{code_index}:{position}"] = _text(data[mime])
                        break
    return values, figures


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def compare_notebooks(label: str, published: Mapping[str, Any], rerun: Mapping[str, Any]) -> tuple[list[Comparison], int]:
    """Compare two executed notebooks' values; returns comparisons and figure count."""
    old, figures = extract_values(published)
    new, _ = extract_values(rerun)
    comparisons = []
    for name in sorted(set(old) | set(new)):
        if name not in old or name not in new:
            comparisons.append(Comparison(label, name, "missing", _short(old.get(name, "—")),
                                          _short(new.get(name, "—")), False))
            continue
        kind, match = compare_values(old[name], new[name])
        comparisons.append(Comparison(label, name, kind, _short(old[name]), _short(new[name]), match))
    return comparisons, figures


def _short(value: Any, width: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def select_runs(manifest, editions: Iterable[int], notebook: str | None = None,
                region: str | None = None) -> list:
    """Runs of the editions, filtered by notebook (file, stem or page) and region."""
    chosen = []
    for run in manifest.all_runs(editions):
        if notebook and notebook not in (run.notebook, run.notebook.removesuffix(".ipynb"), run.page):
            continue
        if region and run.parameters.get("region") != region:
            continue
        chosen.append(run)
    return chosen


def verify(notebook: str | None = None, region: str | None = None,
           edition: int | Iterable[int] | None = None, *, jobs: int | None = None,
           executor: str = "local", scheduler: str | None = None, root=None, manifest=None,
           data_dir=None, build_dir=None, providers=None) -> VerifyReport:
    """Rerun the selected published runs without cache and compare every value.

    With no selection it verifies the published book (the latest edition).

    Examples
    --------
    >>> verify(edition=1800)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    analysis.pipeline.errors.ManifestError: manifest.yml: edition: got 1800, expected one of [...]
    """
    from analysis.pipeline.executors import get_executor
    from analysis.pipeline.manifest import load_manifest
    from analysis.pipeline.runner import Paths, _output, plan_runs

    started = time.perf_counter()
    paths = Paths.resolve(root, manifest, data_dir, build_dir)
    loaded = load_manifest(paths.manifest, providers=providers)
    editions = ([loaded.latest] if edition is None
                else [int(edition)] if isinstance(edition, int) else [int(e) for e in edition])
    runs = select_runs(loaded, editions, notebook, region)
    report = VerifyReport()
    if not runs:
        report.errors["selection"] = (f"no run matches notebook={notebook!r} region={region!r} "
                                      f"in editions {editions}")
        return report
    from analysis.pipeline.status import read_statuses

    published_keys = {}
    for year in editions:
        published_keys.update({(year, page): s.key for page, s in read_statuses(year, paths.build_dir).items()})
    jobs_to_run, labels = [], {}
    for run, job, error in plan_runs(loaded, runs, paths):
        if job is None:
            report.errors[run.label] = error
            continue
        published = _output(paths, run)
        if not published.is_file():
            report.errors[run.label] = f"not published: {run.output_path} (run aimaq run first)"
            continue
        if published_keys.get((run.edition, run.page)) not in (None, job.key):
            # Notebook, data or library changed since this page was built: a
            # mismatch then says "rebuild", not "the build is not reproducible".
            report.changed_inputs.append(run.label)
        labels.setdefault(job.key, []).append((run, published))
        jobs_to_run.append(job)
    unique = list({job.key: job for job in jobs_to_run}.values())
    if unique:
        with get_executor(executor, jobs=jobs, scheduler=scheduler) as pool:
            for outcome in pool.submit_all(unique):
                for run, published in labels[outcome.key]:
                    report.runs += 1
                    if outcome.status != "ok":
                        report.errors[run.label] = f"rerun failed: {outcome.error}"
                        continue
                    comparisons, figures = compare_notebooks(
                        run.label, json.loads(published.read_text(encoding="utf-8")),
                        json.loads(outcome.notebook))
                    report.comparisons.extend(comparisons)
                    report.figures += figures
    report.comparisons.sort(key=lambda c: (c.run, c.name))
    report.seconds = time.perf_counter() - started
    return report
