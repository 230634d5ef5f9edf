"""Publish a built site atomically: ``_build/html`` is a symlink swapped in one ``rename``.

A new site is built in full under ``_build/sites/`` first; only then does
``_build/html`` change, by replacing the symlink (``os.replace`` is atomic on
POSIX), so a reader or a web server sees either the old site or the new one,
never a mixture, and a failed build never touches the published site. The
previous site is removed after the swap.

Examples
--------
>>> import tempfile
>>> root = Path(tempfile.mkdtemp())
>>> site = new_site_dir(root); _ = (site / "index.html").write_text("v1")
>>> publish(site, root / "html"); (root / "html" / "index.html").read_text()
'v1'
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

SITES = "sites"


def new_site_dir(build_dir: Path) -> Path:
    """An empty folder under ``<build_dir>/sites/`` for the next site (same filesystem as the link)."""
    sites = Path(build_dir) / SITES
    sites.mkdir(parents=True, exist_ok=True)
    site = Path(tempfile.mkdtemp(prefix="site-", dir=sites))
    site.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    return site


def publish(site: Path, link: Path) -> Path:
    """Point ``link`` (``_build/html``) at ``site`` atomically; return the previous target, if any.

    A pre-existing real directory at ``link`` (from an older layout) is first
    moved next to the sites, which costs one extra rename but loses nothing.
    """
    site, link = Path(site).resolve(), Path(link)
    previous = None
    if link.is_symlink():
        previous = link.resolve()
    elif link.exists():
        previous = Path(tempfile.mkdtemp(prefix="site-legacy-", dir=site.parent))
        os.replace(link, previous / "html")
        previous = previous / "html"
    staging = link.with_name(f".{link.name}.new")
    if staging.is_symlink() or staging.exists():
        staging.unlink()
    os.symlink(os.path.relpath(site, link.parent), staging)
    os.replace(staging, link)
    return previous


def remove_old_sites(build_dir: Path, keep: Path) -> None:
    """Delete every site under ``<build_dir>/sites/`` except ``keep`` (the published one)."""
    keep = Path(keep).resolve()
    for child in (Path(build_dir) / SITES).iterdir():
        if child.resolve() != keep and keep not in child.resolve().parents:
            shutil.rmtree(child, ignore_errors=True)
