"""Built editions kept by content: an edition and language whose sources did not change is not built again.

A language's build of an edition is a pure function of its assembled source tree (pages, config,
templates, catalogues), the book's own code (this package and :mod:`analysis.i18n` with its
catalogues, which the Sphinx extension calls) and the installed toolchain (Jupyter Book, Sphinx, the
themes, Chromium for the PDF): the tests check that the same inputs give a byte-identical site. So
``<build_dir>/site-cache/<key>/`` keeps the built HTML folder of one edition and language (with its
PDF when printed), keyed by the SHA-256 of exactly those inputs (:func:`tree_key`). Publishing a
new edition then builds only that edition; the earlier ones, whose runs and sources are unchanged,
come from the cache, byte for byte as they were published.

Nothing in a cached folder depends on the other editions: the edition switcher is filled in after
the build (:func:`analysis.book.editions.fill_switchers`), the root copy is made from the filled site.
Entries are written to a temporary folder and renamed into place (a killed build leaves no half
entry); entries no build used last time are removed, so the cache holds one site's worth.

Examples
--------
>>> import tempfile
>>> tree = Path(tempfile.mkdtemp()); _ = (tree / "index.md").write_text("# A")
>>> len(tree_key(tree, pdf=False)) == 64 and tree_key(tree, pdf=False) != tree_key(tree, pdf=True)
True
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from importlib import metadata
from pathlib import Path

CACHE_FOLDER = "site-cache"
_PACKAGE = Path(__file__).resolve().parent  # analysis/book
_I18N = _PACKAGE.parent / "i18n"
# What the Sphinx build and the PDF print run on besides the source tree.
TOOLCHAIN = ("jupyter-book", "sphinx", "myst-nb", "myst-parser", "docutils", "sphinx-book-theme",
             "pydata-sphinx-theme", "sphinx-togglebutton", "babel", "lxml", "beautifulsoup4", "playwright")
CHROMIUM = Path("/usr/bin/chromium")


def _files_digest(digest, folder: Path) -> None:
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())


@functools.lru_cache(maxsize=1)
def _environment_digest() -> bytes:
    """The book's code, its catalogues and the toolchain's versions (computed once per process)."""
    digest = hashlib.sha256()
    for folder in (_PACKAGE, _I18N):
        _files_digest(digest, folder)
    for name in TOOLCHAIN:
        try:
            digest.update(f"{name}=={metadata.version(name)}\n".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing\n".encode())
    if CHROMIUM.exists():  # the binary itself: its size and modification time change with an upgrade
        stat = CHROMIUM.resolve().stat()
        digest.update(f"chromium {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return digest.digest()


def tree_key(tree: Path, pdf: bool) -> str:
    """The cache key of a language's source tree: its files, the book's code, the toolchain, PDF or not."""
    digest = hashlib.sha256(_environment_digest())
    digest.update(b"pdf\n" if pdf else b"html\n")
    _files_digest(digest, Path(tree))
    return digest.hexdigest()


def cached(build_dir: Path, key: str) -> Path | None:
    """The cached built folder of ``key``, or None."""
    entry = Path(build_dir) / CACHE_FOLDER / key
    return entry if (entry / "index.html").is_file() else None


def store(build_dir: Path, key: str, built: Path) -> None:
    """Keep a copy of the built folder ``built`` under ``key`` (atomically: a temporary folder renamed)."""
    root = Path(build_dir) / CACHE_FOLDER
    root.mkdir(parents=True, exist_ok=True)
    if cached(build_dir, key) is not None:
        return
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=root))
    try:
        shutil.copytree(built, staging / "entry")
        os.replace(staging / "entry", root / key)
    except OSError:
        if not (root / key).is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def keep_only(build_dir: Path, keys: set[str]) -> None:
    """Remove every entry (and left-over staging folder) but ``keys``: the cache holds the last site."""
    root = Path(build_dir) / CACHE_FOLDER
    for child in root.iterdir() if root.is_dir() else []:
        if child.name not in keys:
            shutil.rmtree(child, ignore_errors=True)
