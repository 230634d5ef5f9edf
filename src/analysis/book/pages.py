"""One executed notebook → one page per language: keep that language's outputs, drop all code.

The pipeline executes each notebook once; :mod:`analysis.report` emits every
reader-facing output once per language with output metadata
``{"aimaq": {"lang": L}}``. For language ``L`` the page keeps

* the outputs tagged ``L``; Markdown outputs (title, headings, paragraphs)
  become Markdown cells, so headings build the page title and its contents;
* glue outputs (``metadata.scrapbook``), language-neutral and hidden, so that
  ``{glue}`` references keep working;

and drops everything else: code, untagged outputs (stray prints, warnings,
``summary()`` tables) and the other languages. The result stays an ``.ipynb``
that myst-nb renders with ``execute_notebooks: off``: figures and HTML tables
are rendered by myst-nb exactly as executed, with no re-encoding step.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook()
>>> cell = nbformat.v4.new_code_cell("report.title('Contents')")
>>> cell.outputs = [nbformat.v4.new_output("display_data", {"text/markdown": "# " + t},
...                 metadata={"aimaq": {"lang": l}}) for l, t in [("kk", "Мазмұны"), ("en", "Contents")]]
>>> nb.cells.append(cell)
>>> [c.source for c in page_notebook(nb, "kk").cells]
['# Мазмұны']
"""

from __future__ import annotations

import copy

import nbformat

from analysis.i18n import check_lang

_DROP_METADATA = ("papermill", "execution", "widgets")


def _lang_of(output) -> str | None:
    aimaq = (output.get("metadata") or {}).get("aimaq")
    return aimaq.get("lang") if isinstance(aimaq, dict) else None


def _is_glue(output) -> bool:
    return "scrapbook" in (output.get("metadata") or {})


def _markdown_text(output) -> str | None:
    data = output.get("data") or {}
    if output.get("output_type") in ("display_data", "execute_result") and set(data) <= {"text/markdown", "text/plain"}:
        return data.get("text/markdown")
    return None


def _image_alt(output) -> str | None:
    """The alt text of an image output (``metadata.aimaq.alt``), if it is one."""
    aimaq = (output.get("metadata") or {}).get("aimaq")
    has_image = any(mime.startswith("image/") for mime in output.get("data") or {})
    return aimaq.get("alt") if has_image and isinstance(aimaq, dict) else None


def _kept(output):
    """Copy an output for the page."""
    kept = copy.deepcopy(output)
    if kept.get("output_type") == "execute_result":
        kept["output_type"] = "display_data"  # no "Out[n]" prompt, no execution count
        kept.pop("execution_count", None)
    return kept


def _markdown_cell(source: str, metadata: dict | None = None):
    return nbformat.from_dict({"cell_type": "markdown", "source": source, "metadata": metadata or {}})


def page_notebook(nb, lang: str, footer: str | None = None):
    """The page of ``nb`` for ``lang``: a new notebook, the input is not modified.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook (nbformat 4).
    lang : {"kk", "ru", "en"}
    footer : str, optional
        Markdown appended as the last cell (the page's rerun command).
    """
    check_lang(lang)
    page = nbformat.v4.new_notebook()
    page.metadata = {k: copy.deepcopy(v) for k, v in nb.metadata.items() if k not in _DROP_METADATA}
    pending = []  # outputs waiting for a code cell of their own

    def output_cell(outputs, metadata=None):
        # myst-nb skips code cells with no source; the source is never shown (remove-input).
        # Cells are built as plain nodes: nbformat's constructors validate each one, which
        # costs more than the whole page; myst-nb validates the page once, when Sphinx reads it.
        page.cells.append(nbformat.from_dict({
            "cell_type": "code", "execution_count": None, "source": "# output of the executed run",
            "metadata": {"tags": ["remove-input"], **(metadata or {})}, "outputs": list(outputs)}))

    def flush():
        if pending:
            output_cell(pending)
            pending.clear()

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue  # notebooks hold no prose of their own: everything comes through report
        for output in cell.get("outputs", []):
            if _is_glue(output):
                pending.append(copy.deepcopy(output))
            elif _lang_of(output) == lang:
                markdown = _markdown_text(output)
                alt = _image_alt(output)
                if markdown is not None:
                    flush()
                    page.cells.append(_markdown_cell(markdown))
                elif alt:
                    # myst-nb takes image options (alt) from the cell, so each figure gets a cell.
                    flush()
                    output_cell([_kept(output)], {"mystnb": {"image": {"alt": alt}}})
                else:
                    pending.append(_kept(output))
    flush()
    if footer:
        page.cells.append(_markdown_cell(footer, {"tags": ["aimaq-footer"]}))
    for number, cell in enumerate(page.cells):
        cell["id"] = f"{lang}-{number}"  # stable ids: the same run gives the same page bytes
    return page


def languages_present(nb) -> set[str]:
    """The languages for which ``nb`` has at least one tagged output."""
    return {
        _lang_of(o) for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", []) if _lang_of(o)
    }
