"""The static pages of each language build with Sphinx and MyST without a single warning.

The book engineer's build adds the executed notebook pages around these; here each
language's static pages are built alone (with the MyST extensions of the book's _config.yml),
so that a warning in the prose is caught where the prose is written.
"""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from test_content_parsing import CONTENT, LANGS, PAGES, ROOT


def _myst_extensions() -> list[str]:
    """The MyST extensions of the book's own configuration (_config.yml), so both agree."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return list(config["sphinx"]["config"].get("myst_enable_extensions", []))


CONF = """
extensions = ["myst_parser"]
myst_enable_extensions = {extensions!r}
root_doc = "index"
language = {lang!r}
"""
TOCTREE = "\n\n```{{toctree}}\n:hidden:\n\n{pages}\n```\n"


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_static_pages_build_without_warnings(lang, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CONTENT / lang, src)
    (src / "conf.py").write_text(CONF.format(lang=lang, extensions=_myst_extensions()), encoding="utf-8")
    index = src / "index.md"
    others = "\n".join(p for p in PAGES if p != "index")
    index.write_text(index.read_text(encoding="utf-8") + TOCTREE.format(pages=others), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", str(src), str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, f"{lang}: Sphinx warnings or errors:\n{result.stderr[-3000:]}"
    html = (tmp_path / "out" / "intro.html").read_text(encoding="utf-8")
    assert "selective_policy_structure.svg" in html, f"{lang}: the figure is not on the intro page"
    assert (tmp_path / "out" / "_images" / "selective_policy_structure.svg").exists()
