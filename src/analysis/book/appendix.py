"""The reproducibility appendix and each page's rerun note, in the page's language.

The appendix lists the SHA-256 checksum of every data file, the versions of the
packages that made the numbers and the book, the status of every run of the
edition, and for every page the command that reruns it: ``aimaq verify …``
(reruns without cache and compares with the published numbers) and plain
papermill. Tables are HTML built here with every value escaped, because file
names and parameters come from data.

Examples
--------
>>> run = RunInfo("regions/KZ-43", "region_profile.ipynb", {"year": 2023, "region": "KZ-43", "data_dir": ""}, "ok")
>>> verify_command(run, 2023)
'aimaq verify --notebook region_profile --region KZ-43 --edition 2023'
>>> papermill_command(run)
'papermill notebooks/region_profile.ipynb region_profile.out.ipynb -p region KZ-43 -p year 2023'
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from analysis.i18n import gettext, key_text

PACKAGES = (
    "aimaq", "numpy", "pandas", "scipy", "statsmodels", "linearmodels", "pyfixest", "wildboottest",
    "matplotlib", "seaborn", "geopandas", "babel", "papermill", "nbclient", "ipykernel",
    "jupyter-book", "sphinx", "myst-nb", "sphinx-book-theme", "pydata-sphinx-theme",
)
# Parameters every run gets from its edition; the rest select the run.
_EDITION_PARAMETERS = ("year", "data_dir", "as_of")
# Selecting parameters that `aimaq verify` has an option for.
VERIFY_OPTIONS = ("region",)


@dataclass(frozen=True)
class RunInfo:
    """One page made from a run: what ran, with which parameters, and how it ended."""

    page: str
    notebook: str
    parameters: dict = field(default_factory=dict)
    status: str = "missing"


def _selecting(run: RunInfo) -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in sorted(run.parameters.items()) if k not in _EDITION_PARAMETERS]


def verify_command(run: RunInfo, edition: int) -> str:
    """The ``aimaq verify`` command that reruns one page and compares it with the book.

    ``aimaq verify`` selects runs by notebook and region; a run selected by
    another parameter (a programme) is named by its page, which
    ``--notebook`` also accepts.

    >>> verify_command(RunInfo("programmes/sez", "programme_effects.ipynb", {"year": 2023, "programme": "sez"}), 2023)
    'aimaq verify --notebook programmes/sez --edition 2023'
    """
    selecting = _selecting(run)
    if all(name in VERIFY_OPTIONS for name, _ in selecting):
        parts = ["aimaq", "verify", "--notebook", Path(run.notebook).stem]
        for name, value in selecting:
            parts += [f"--{name}", value]
    else:
        parts = ["aimaq", "verify", "--notebook", run.page]
    parts += ["--edition", str(int(edition))]
    return shlex.join(parts)


def papermill_command(run: RunInfo) -> str:
    """The plain papermill command (no Aimaq CLI) that reruns one page's notebook."""
    stem = Path(run.notebook).stem
    parts = ["papermill", f"notebooks/{Path(run.notebook).name}", f"{stem}.out.ipynb"]
    for name, value in sorted(run.parameters.items()):
        if name in ("data_dir", "as_of") and value in ("", None):
            continue  # the defaults: the project's data/, today's figures
        parts += ["-p", name, str(value)]
    return shlex.join(parts)


def code_span(text: str) -> str:
    """A Markdown inline code span that survives backticks inside ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def footer_markdown(run: RunInfo, edition: int, lang: str, repository: str = "") -> str:
    """The note closing a page: its rerun command, in ``lang``, and where the code is (``repository``).

    >>> run = RunInfo("convergence", "national_convergence.ipynb", {"year": 2023})
    >>> print(footer_markdown(run, 2023, "en", "https://example.org/aimaq").splitlines()[-1])
    Rerun this page in a copy of the repository <https://example.org/aimaq> (notebook `notebooks/national_convergence.ipynb`): `aimaq verify --notebook national_convergence --edition 2023`
    """
    command = verify_command(run, edition)
    if repository:
        label = gettext("Rerun this page in a copy of the repository {repository} (notebook {notebook}): {command}", lang,
                        repository="\x01", notebook="\x02", command="\x00")
        pieces = {"\x01": f"<{repository}>", "\x02": code_span(f"notebooks/{Path(run.notebook).name}"),
                  "\x00": code_span(command)}
        text = "".join(pieces.get(part, html.escape(part)) for part in re.split("([\x00-\x02])", label))
        return "---\n\n" + text
    label = gettext("Rerun this page: {command}", lang, command="\x00")
    before, _, after = label.partition("\x00")
    return "---\n\n" + html.escape(before) + code_span(command) + html.escape(after)


def data_checksums(data_dir: Path) -> list[tuple[str, str]]:
    """``(relative path, sha256)`` of every data file, sorted; hidden files are skipped."""
    rows = []
    for path in sorted(Path(data_dir).rglob("*")):
        relative = path.relative_to(data_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            rows.append((relative.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return rows


def package_versions(packages=PACKAGES) -> list[tuple[str, str]]:
    """Installed versions of the packages behind the numbers and the book."""
    rows = []
    for name in packages:
        try:
            rows.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            continue  # optional packages that are not installed made no number
    return rows


def _table(headers: list[str], rows: list[list[str]], code_columns: tuple[int, ...] = ()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            text = html.escape(str(value))
            cells.append(f"<td><code>{text}</code></td>" if i in code_columns else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="table aimaq-table">\n<thead><tr>' + head + "</tr></thead>\n<tbody>\n"
        + "\n".join(body) + "\n</tbody>\n</table>\n"
    )


def _status_text(status: str, lang: str) -> str:
    return key_text(f"status.{status}", lang)


def appendix_markdown(edition: int, runs: list[RunInfo], data_dir: Path, lang: str, packages=PACKAGES) -> str:
    """The whole appendix page (MyST Markdown with escaped HTML tables) in ``lang``."""
    g = lambda msgid: gettext(msgid, lang)  # noqa: E731 - short alias keeps the layout readable
    out = [f"# {g('Reproducing the results')}", "", g(
        "Every number in this book comes from one execution of the notebooks listed below. Each page "
        "can be rerun on its own, and the reviewer's command compares the new numbers with the published ones."
    ), ""]
    out += [f"## {g('Data checksums')}", "", _table([g("File"), g("Checksum (SHA-256)")],
                                                     [list(r) for r in data_checksums(data_dir)], (1,))]
    out += [f"## {g('Package versions')}", "", _table([g("Package"), g("Version")],
                                                       [list(r) for r in package_versions(packages)])]
    out += [f"## {g('Status of every run')}", ""]
    if runs:
        rows = [[r.page, r.notebook, ", ".join(f"{k}={v}" for k, v in _selecting(r)), _status_text(r.status, lang)]
                for r in runs]
        out.append(_table([g("Page"), g("Notebook"), g("Parameters"), g("Status")], rows, (0, 1, 2)))
    else:
        out += [g("No runs have been recorded for this edition."), ""]
    out += [f"## {g('Commands that rerun each page')}", ""]
    rows = [[r.page, verify_command(r, edition), papermill_command(r)] for r in runs]
    if rows:
        out.append(_table([g("Page"), g("Check against the published numbers"), g("Plain papermill")], rows,
                          (0, 1, 2)))
    return "\n".join(out) + "\n"
