"""The run manifest: which notebook runs with which parameters, per edition.

``notebooks/manifest.yml`` is the one declarative description of the report.
It lists the editions (report years; the latest is the published book) and the
run templates. A template with ``foreach: region`` expands to one run per region
valid in that year on the map in force (``analysis.data.units(year, "map")``); one with
``foreach: programme`` to one run per programme of ``data/programmes.csv``
that has started by that year. Every run also gets ``year`` = the edition,
``data_dir = ""`` (the notebooks' default), so an executed notebook never
records an absolute path, and ``as_of`` = the edition's date of the data.

An edition once published keeps its date (``published:``, edition → date): it is
rebuilt from the figures in force on that date (revisions recorded later are
ignored, ``analysis.data.load_panel(..., as_of=...)``), so the site shows it as it
was published. An edition not listed there is built on today's figures
(``as_of = ""``).

The manifest also drives the book's table of contents: each run has a page
path (``convergence``, ``regions/KZ-43``) and a part. A template may declare the
data products its runs read (``reads:``, see :mod:`analysis.pipeline.products`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.pipeline.errors import ManifestError
from analysis.pipeline.products import parse_reads

MANIFEST_NAME = "manifest.yml"
FOREACH_KINDS = ("region", "programme")

# Accepted shapes of parameter values. Papermill injects values with repr(),
# which already quotes strings; these patterns are a second wall so that only
# codes we expect ever reach a notebook.
_REGION_RE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,6})?$")
_PROGRAMME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_DATE_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
_PAGE_RE = re.compile(r"^[a-z0-9_]+(/[A-Za-z0-9_\-]+)*$")


@dataclass(frozen=True)
class Run:
    """One execution: a notebook with its parameters, and the page it becomes.

    Attributes
    ----------
    edition : int
        Report year the run belongs to (``parameters["year"]``).
    notebook : str
        Notebook file name inside ``notebooks/`` (e.g. ``region_profile.ipynb``).
    parameters : dict
        Papermill parameters, already validated.
    page : str
        Book page path (``regions/KZ-43``).
    part : str
        Book part the page belongs to.
    reads : tuple, optional
        The data products the manifest declares for the run, as ``((product, columns or None), ...)``
        (see :mod:`analysis.pipeline.products`; the notebook's metadata may declare more).
    """

    edition: int
    notebook: str
    parameters: Mapping[str, Any]
    page: str
    part: str
    reads: tuple = field(default=(), compare=False)

    @property
    def output_path(self) -> str:
        """Executed notebook, relative to the project root."""
        return f"_build/runs/{self.edition}/{self.page}.ipynb"

    @property
    def papermill_command(self) -> str:
        """The plain papermill command a reviewer runs from the project root.

        Examples
        --------
        >>> Run(2023, "region_profile.ipynb", {"year": 2023, "region": "KZ-43", "data_dir": ""},
        ...     "regions/KZ-43", "regions").papermill_command
        'papermill notebooks/region_profile.ipynb out.ipynb -p year 2023 -p region KZ-43'
        """
        options = " ".join(f"-p {k} {v}" for k, v in self.parameters.items()
                           if k != "data_dir" and not (k == "as_of" and v == ""))
        return f"papermill notebooks/{self.notebook} out.ipynb {options}"

    @property
    def verify_command(self) -> str:
        """The ``aimaq verify`` command that reruns this page and compares it.

        Examples
        --------
        >>> Run(2023, "region_profile.ipynb", {"year": 2023, "region": "KZ-43", "data_dir": ""},
        ...     "regions/KZ-43", "regions").verify_command
        'aimaq verify --notebook regions/KZ-43 --edition 2023'
        """
        return f"aimaq verify --notebook {self.page} --edition {self.edition}"

    @property
    def label(self) -> str:
        """Short human label: ``2023 regions/KZ-43``."""
        return f"{self.edition} {self.page}"


@dataclass(frozen=True)
class Manifest:
    """The parsed manifest. Use :meth:`runs` to expand one edition.

    Attributes
    ----------
    editions : tuple of int
        Report years, ascending.
    templates : tuple of dict
        Run templates as written in the file (validated).
    preload : tuple of str
        Modules imported once into each warm kernel before any run.
    path : Path
        The manifest file.
    published : mapping of int to str
        Date of the data (``YYYY-MM-DD``) of each edition already published; see :meth:`as_of`.
    """

    editions: tuple[int, ...]
    templates: tuple[Mapping[str, Any], ...]
    preload: tuple[str, ...]
    path: Path
    published: Mapping[int, str] = field(default_factory=dict)
    _providers: Mapping[str, Callable[[int], Iterable[str]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def latest(self) -> int:
        """The published edition (the latest report year)."""
        return self.editions[-1]

    def as_of(self, edition: int) -> str:
        """The edition's date of the data if it was published ("" : built on today's figures)."""
        return self.published.get(int(edition), "")

    @property
    def notebooks_dir(self) -> Path:
        return self.path.parent

    def runs(self, edition: int) -> list[Run]:
        """Expand the templates for one edition, in manifest order."""
        if edition not in self.editions:
            raise ManifestError(self.path, "edition", edition, f"one of {list(self.editions)}")
        runs: list[Run] = []
        for index, template in enumerate(self.templates):
            where = f"runs[{index}]"
            kind = template.get("foreach")
            values: list[str | None] = [None]
            if kind is not None:
                values = list(self._values(kind, edition, where))
            for value in values:
                parameters: dict[str, Any] = {"year": int(edition)}
                if kind is not None:
                    check_parameter(kind, value, self.path, where)
                    parameters[kind] = value
                parameters["data_dir"] = ""
                parameters["as_of"] = self.as_of(edition)
                page = template["page"].format(**parameters)
                runs.append(
                    Run(edition, template["notebook"], parameters, page, template["part"], template["reads"])
                )
        return runs

    def all_runs(self, editions: Iterable[int] | None = None) -> list[Run]:
        """Runs of several editions (all by default), edition by edition."""
        chosen = self.editions if editions is None else tuple(editions)
        return [run for edition in chosen for run in self.runs(int(edition))]

    def _values(self, kind: str, edition: int, where: str) -> list[str]:
        provider = self._providers.get(kind) or _DEFAULT_PROVIDERS[kind]
        values = sorted(str(v) for v in provider(edition))
        if not values:
            raise ManifestError(self.path, f"{where}.foreach", kind,
                                f"at least one {kind} valid in {edition}")
        return values


def check_parameter(name: str, value: Any, file: str | Path = MANIFEST_NAME,
                    where: str = "parameters") -> None:
    """Check the shape of one parameter value before it may reach a notebook.

    Examples
    --------
    >>> check_parameter("region", "KZ-43")
    >>> check_parameter("region", "KZ-43'; import os")
    Traceback (most recent call last):
    ...
    analysis.pipeline.errors.ManifestError: manifest.yml: parameters.region: got "KZ-43'; import os", expected a region code such as 'KZ-43'
    """
    if name == "year":
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2100:
            raise ManifestError(file, f"{where}.year", value, "a year as an integer, 1900-2100")
    elif name == "region":
        if not isinstance(value, str) or not _REGION_RE.match(value):
            raise ManifestError(file, f"{where}.region", value, "a region code such as 'KZ-43'")
    elif name == "programme":
        if not isinstance(value, str) or not _PROGRAMME_RE.match(value):
            raise ManifestError(file, f"{where}.programme", value,
                                "a programme id such as 'sez' (lower case, digits, '_')")
    elif name == "data_dir":
        if value != "":
            raise ManifestError(file, f"{where}.data_dir", value,
                                "'' (the pipeline sets the data directory through AIMAQ_DATA_DIR)")
    elif name == "as_of":
        if value != "" and not (isinstance(value, str) and _DATE_RE.match(value)):
            raise ManifestError(file, f"{where}.as_of", value, "a date YYYY-MM-DD, or '' (today's figures)")
    else:
        raise ManifestError(file, where, name, "one of year, region, programme, data_dir, as_of")


def _regions(year: int) -> list[str]:
    from analysis.data import units

    return list(units(year, "map"))


def _programmes(year: int) -> list[str]:
    from analysis.data import load_programmes

    table = load_programmes()
    # A programme gets a page in an edition once one of its parts has started
    # by that year; a programme with no known start date is always listed.
    starts: dict[str, list[int]] = {}
    for programme, start in zip(table["programme"].astype(str), table.get("start", [None] * len(table))):
        match = re.match(r"^\s*(\d{4})", "" if start is None else str(start))
        starts.setdefault(programme, [])
        if match:
            starts[programme].append(int(match.group(1)))
    return [p for p, years in starts.items() if not years or min(years) <= year]


_DEFAULT_PROVIDERS: dict[str, Callable[[int], Iterable[str]]] = {
    "region": _regions,
    "programme": _programmes,
}


def project_root() -> Path:
    """The project directory (the one holding ``notebooks/`` and ``data/``)."""
    return Path(__file__).resolve().parents[3]


def load_manifest(path: str | Path | None = None,
                  providers: Mapping[str, Callable[[int], Iterable[str]]] | None = None) -> Manifest:
    """Read and validate a run manifest.

    Parameters
    ----------
    path : str or Path, optional
        The manifest file; default ``notebooks/manifest.yml`` of the project.
    providers : mapping, optional
        ``{"region": f, "programme": g}`` with ``f(year) -> codes``; the defaults
        read ``analysis.data``. Tests pass their own.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "manifest.yml").write_text(
    ...     "editions: [2022, 2023]\\n"
    ...     "runs:\\n"
    ...     "  - {notebook: region_profile.ipynb, foreach: region,"
    ...     " page: 'regions/{region}', part: regions}\\n")
    >>> m = load_manifest(d / "manifest.yml", providers={"region": lambda y: ["KZ-43", "KZ-10"]})
    >>> m.latest, [r.page for r in m.runs(2023)]
    (2023, ['regions/KZ-10', 'regions/KZ-43'])
    >>> m.runs(2023)[0].output_path
    '_build/runs/2023/regions/KZ-10.ipynb'
    """
    path = Path(path) if path is not None else project_root() / "notebooks" / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(path, "file", str(path.name), "an existing manifest file")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        raise ManifestError(path, where, "invalid YAML", "valid YAML") from None
    except ValueError as error:  # PyYAML builds dates while reading: 2024-13-01 fails there
        raise ManifestError(path, "file", str(error), "valid YAML whose dates are real dates YYYY-MM-DD") from None
    if not isinstance(raw, dict):
        raise ManifestError(path, "top level", type(raw).__name__, "a mapping with editions and runs")
    editions = raw.get("editions")
    if (not isinstance(editions, list) or not editions
            or any(not isinstance(e, int) or isinstance(e, bool) for e in editions)):
        raise ManifestError(path, "editions", editions, "a non-empty list of years (integers)")
    if len(set(editions)) != len(editions):
        raise ManifestError(path, "editions", editions, "each year once")
    for year in editions:
        check_parameter("year", year, path, "editions")
    published = _published(raw.get("published"), editions, path)
    templates = raw.get("runs")
    if not isinstance(templates, list) or not templates:
        raise ManifestError(path, "runs", templates, "a non-empty list of run templates")
    checked = tuple(_check_template(t, i, path) for i, t in enumerate(templates))
    pages = [t["page"] for t in checked]
    if len(set(pages)) != len(pages):
        raise ManifestError(path, "runs[].page", pages, "a distinct page path per template")
    preload = raw.get("preload", [])
    if not isinstance(preload, list) or any(
            not isinstance(m, str) or not re.match(r"^[A-Za-z_][\w.]*$", m) for m in preload):
        raise ManifestError(path, "preload", preload, "a list of module names")
    return Manifest(tuple(sorted(editions)), checked, tuple(preload), path, published,
                    dict(providers or {}))


def _published(value: Any, editions: list[int], path: Path) -> dict[int, str]:
    """``published:`` checked: editions of the list, each with a date, the dates not going back in time."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ManifestError(path, "published", value, "a mapping {edition: date of the data YYYY-MM-DD}")
    out: dict[int, str] = {}
    for edition, date in value.items():
        if edition not in editions:
            raise ManifestError(path, f"published.{edition}", edition, f"an edition of the list {editions}")
        # YAML reads an unquoted 2026-11-27 as a date
        text = date.isoformat() if hasattr(date, "isoformat") else date
        if not isinstance(text, str) or not _DATE_RE.match(text):
            raise ManifestError(path, f"published.{edition}", date, "a date of the data YYYY-MM-DD")
        out[int(edition)] = text
    ordered = [out[e] for e in sorted(out)]
    if ordered != sorted(ordered):
        raise ManifestError(path, "published", out, "dates that do not go back in time from one edition to the next")
    return out


def _check_template(template: Any, index: int, path: Path) -> dict[str, Any]:
    where = f"runs[{index}]"
    if not isinstance(template, dict):
        raise ManifestError(path, where, template, "a mapping with notebook, page and part")
    unknown = set(template) - {"notebook", "foreach", "page", "part", "reads"}
    if unknown:
        raise ManifestError(path, where, sorted(unknown), "only notebook, foreach, page, part, reads")
    notebook = template.get("notebook")
    if not isinstance(notebook, str) or not re.match(r"^[a-z0-9_]+\.ipynb$", notebook):
        raise ManifestError(path, f"{where}.notebook", notebook, "a notebook file name like 'x.ipynb'")
    kind = template.get("foreach")
    if kind is not None and kind not in FOREACH_KINDS:
        raise ManifestError(path, f"{where}.foreach", kind, f"one of {list(FOREACH_KINDS)}")
    page = template.get("page")
    placeholder = "{" + kind + "}" if kind else None
    bare = page.replace(placeholder, "x") if isinstance(page, str) and placeholder else page
    if not isinstance(page, str) or not isinstance(bare, str) or not _PAGE_RE.match(bare) or (
            placeholder and placeholder not in page):
        expected = f"a page path containing '{placeholder}'" if placeholder else "a page path like 'convergence'"
        raise ManifestError(path, f"{where}.page", page, expected)
    part = template.get("part")
    if not isinstance(part, str) or not re.match(r"^[a-z0-9_]+$", part):
        raise ManifestError(path, f"{where}.part", part, "a part id like 'regions'")

    reads = tuple(parse_reads(template.get("reads"), path, f"{where}.reads").items())
    return {"notebook": notebook, "foreach": kind, "page": page, "part": part, "reads": reads}
