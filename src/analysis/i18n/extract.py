"""Find every msgid the code and notebooks use, with Babel's Python extractor, and check the catalogues.

A string reaches the catalogue check when it is the first literal argument of
one of :data:`MESSAGE_FUNCTIONS` (``gettext``, ``N_``…) or, for result keys,
of :data:`KEY_FUNCTIONS` (``key_text``, ``K_``). Notebook code cells are
extracted cell by cell, so a notebook is checked like a module.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "page.py").write_text('title = gettext("Contents", lang)\\n')
>>> [(m.text, m.line) for m in extract_messages([folder])]
[('Contents', 1)]
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

from babel.messages.extract import extract_python

from analysis.i18n.catalog import LANGS, keyed_entries, load_catalogue, load_plurals

MESSAGE_FUNCTIONS = ("gettext", "_", "N_", "ngettext", "NP_")
KEY_FUNCTIONS = ("key_text", "K_")
_SKIP_DIRS = {".venv", "_build", ".ipynb_checkpoints", "__pycache__", ".git"}


@dataclass(frozen=True, order=True)
class UsedMessage:
    """One use of a msgid (``is_key=False``) or result key (``is_key=True``) in a file."""

    text: str
    is_key: bool
    path: str
    line: int


def _python_sources(path: Path):
    """Yield ``(label, source)`` for a ``.py`` file or each code cell of a notebook."""
    if path.suffix == ".py":
        yield str(path), path.read_text(encoding="utf-8")
    elif path.suffix == ".ipynb":
        notebook = json.loads(path.read_text(encoding="utf-8"))
        for number, cell in enumerate(notebook.get("cells", []), start=1):
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                yield f"{path} cell {number}", "".join(source) if isinstance(source, list) else source


def _extract_source(label: str, source: str, message_functions, key_functions) -> list[UsedMessage]:
    keywords = {name: None for name in (*message_functions, *key_functions)}
    found = []
    fileobj = io.BytesIO(source.encode("utf-8"))
    for lineno, funcname, messages, _comments in extract_python(fileobj, keywords, [], {}):
        first = messages[0] if isinstance(messages, tuple) else messages
        if isinstance(first, str) and first:  # non-literal arguments come back as None
            found.append(UsedMessage(first, funcname in key_functions, label, lineno))
    return found


def iter_files(roots) -> list[Path]:
    """``.py`` and ``.ipynb`` files under the given files or directories, sorted."""
    files: list[Path] = []
    for root in map(Path, roots):
        if root.is_file():
            files.append(root)
            continue
        for path in root.rglob("*"):
            if path.suffix in (".py", ".ipynb") and not _SKIP_DIRS.intersection(path.parts):
                files.append(path)
    return sorted(set(files))


def extract_messages(roots, message_functions=MESSAGE_FUNCTIONS, key_functions=KEY_FUNCTIONS) -> list[UsedMessage]:
    """Every literal msgid and key passed to a translation function in ``roots``.

    Rooms that wrap ``gettext`` (say ``report.paragraph("...")``) add their
    wrapper's name to ``message_functions`` so its literals are checked too.
    """
    found: list[UsedMessage] = []
    for path in iter_files(roots):
        for label, source in _python_sources(path):
            found.extend(_extract_source(label, source, message_functions, key_functions))
    return sorted(found)


def missing_translations(roots, message_functions=MESSAGE_FUNCTIONS, key_functions=KEY_FUNCTIONS) -> list[str]:
    """One line per (use, language) without a translation; empty when all is well.

    Examples
    --------
    >>> from pathlib import Path
    >>> missing_translations([Path(__file__).with_name("catalog.py")])
    []
    """
    problems = []
    for used in extract_messages(roots, message_functions, key_functions):
        for lang in LANGS:
            if used.is_key:
                entry = keyed_entries(lang).get(used.text)
            else:
                entry = load_catalogue(lang).get((None, used.text))
                if entry is None and used.text in load_plurals(lang):
                    continue  # a plural entry: every form present (load_plurals drops incomplete ones)
            if entry is None or not entry.text:
                kind = "key" if used.is_key else "msgid"
                problems.append(f"{used.path}:{used.line}: {kind} {used.text!r} has no {lang} translation")
    return problems
