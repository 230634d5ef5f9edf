"""The notebooks: parameters, validation, one output per language, glue; plain papermill runs (slow)."""
from __future__ import annotations

import ast
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from analysis import report
from analysis.i18n import LANGS

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PARAMETERS = {
    "national_convergence": {"year": int, "data_dir": str, "as_of": str},
    "programme_effects": {"programme": str, "year": int, "data_dir": str, "as_of": str},
    "composite_index": {"year": int, "data_dir": str, "as_of": str},
    "region_profile": {"region": str, "year": int, "data_dir": str, "as_of": str},
    "data_overview": {"year": int, "data_dir": str, "as_of": str},
    "conclusions": {"year": int, "data_dir": str, "as_of": str},
}
RUN = {  # one parameter set per notebook for the end-to-end runs
    "national_convergence": {"year": 2022},
    "programme_effects": {"programme": "aral_2007", "year": 2022},
    "composite_index": {"year": 2022},
    "region_profile": {"region": "KZ-43", "year": 2022},
    "data_overview": {"year": 2022},
    "conclusions": {"year": 2022},
}


def load(name):
    return json.loads((NOTEBOOKS / f"{name}.ipynb").read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def run_in_process(name, stop_after=None, **parameters):
    """Execute a notebook's code cells in this process, outputs captured; returns (outputs, namespace)."""
    cells = code_cells(load(name))
    namespace: dict = {"__name__": "__notebook__"}
    exec(compile(source(cells[0]), f"{name}:parameters", "exec"), namespace)
    namespace.update(parameters)
    with report.capture() as outputs:
        for cell in cells[1:]:
            exec(compile(source(cell), f"{name}:{cell['id']}", "exec"), namespace)
            if cell["id"] == stop_after:
                break
    return outputs, namespace


# ------------------------------------------------------------------ structure (fast)

@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_parameters_cell_names_types_and_tags(name):
    nb = load(name)
    first = code_cells(nb)[0]
    assert {"parameters", "remove-cell"} <= set(first["metadata"]["tags"])
    values = {}
    for node in ast.parse(source(first)).body:
        assert isinstance(node, ast.Assign), "the parameters cell holds plain assignments only"
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert set(values) == set(PARAMETERS[name])
    for key, kind in PARAMETERS[name].items():
        assert type(values[key]) is kind, key
    assert values["data_dir"] == "" and values["as_of"] == ""  # defaults: the project's data, today's figures


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_notebooks_are_thin_clean_and_deterministic_files(name):
    nb = load(name)
    ids = [c["id"] for c in nb["cells"]]
    # fixed, readable cell ids (not random ones), so the files and their executions are reproducible
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z_]+", i) for i in ids), ids
    for cell in code_cells(nb):
        text = source(cell)
        assert cell["outputs"] == [] and cell["execution_count"] is None
        for banned in ("print(", "display(", "summary(", "import giddy", "import pyfixest", "plt.", "statsmodels",
                       ".fit("):
            assert banned not in text, (name, cell["id"], banned)
    # code never shows in the book: every code cell but the parameters is remove-input
    assert all("remove-input" in c["metadata"].get("tags", []) for c in code_cells(nb)[1:])


def _imports(name):
    """``(module, imported name)`` of every ``from module import name`` in a notebook's code."""
    found = []
    for cell in code_cells(load(name)):
        for node in ast.walk(ast.parse(source(cell))):
            if isinstance(node, ast.ImportFrom):
                found += [(node.module, alias.name) for alias in node.names]
    return found


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_notebooks_import_the_library_rooms_public_api(name):
    # notebooks are thin views: they use what a room exports, not its private module layout
    import analysis.programmes

    deep = [(m, n) for m, n in _imports(name) if m and m.startswith("analysis.programmes.")]
    assert deep == [], f"{name}: import these from analysis.programmes: {deep}"
    for module, imported in _imports(name):
        if module == "analysis.programmes":
            assert imported in analysis.programmes.__all__, (name, imported)


def test_programmes_exports_evaluate_programme():
    from analysis.programmes import __all__, evaluate_programme
    from analysis.programmes.evaluate import evaluate_programme as direct

    assert "evaluate_programme" in __all__ and evaluate_programme is direct
    # the programme page's chapter estimates through it (the notebook only calls the chapter)
    import analysis.chapters.programme as chapter
    assert chapter.evaluate_programme is direct


# ------------------------------------------------------------------ validation (fast, in process)

@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_unknown_year_lists_valid_years(name):
    with pytest.raises(report.ParameterError, match=r"'year': 1850 is not valid; expected an integer year in \d{4}"):
        run_in_process(name, stop_after="validate", year=1850)


def test_unknown_region_lists_valid_regions_of_that_year():
    with pytest.raises(report.ParameterError) as err:
        run_in_process("region_profile", stop_after="validate", region="KZ-99", year=2019)
    message = str(err.value)
    assert "'region'" in message and "KZ-43" in message and "KZ-SKO" not in message
    assert "KZ-10" not in message  # Abai did not exist in 2019
    with pytest.raises(report.ParameterError, match="KZ-10"):
        run_in_process("region_profile", stop_after="validate", region="KZ-99", year=2023)


def test_unknown_programme_lists_programmes():
    with pytest.raises(report.ParameterError) as err:
        run_in_process("programme_effects", stop_after="validate", programme="moon_base")
    assert "aral_2007" in str(err.value) and "sez" in str(err.value)


@pytest.mark.parametrize("name,parameter", [("region_profile", "region"), ("programme_effects", "programme")])
def test_code_injection_is_rejected(name, parameter):
    attempt = 'KZ-43"; __import__("os").system("touch /tmp/aimaq-pwned"); x = "'
    with pytest.raises(report.ParameterError, match="not valid"):
        run_in_process(name, stop_after="validate", **{parameter: attempt})
    with pytest.raises(report.ParameterError):
        run_in_process(name, stop_after="validate", data_dir="/nonexistent\n__import__('os')")
    assert not Path("/tmp/aimaq-pwned").exists()


# ------------------------------------------------------------------ outputs (in process)

def assert_three_languages(outputs):
    shown = [o for o in outputs if "data" in o]
    assert shown, "a notebook shows something"
    # the page title (H1 in kk, ru, en) comes before anything else, glue included, so it titles the page
    assert all(str(o["data"].get("text/markdown", "")).startswith("# ") for o in outputs[:3]), outputs[:3]
    # every reader-facing output comes once per language, in kk, ru, en blocks of the same kinds
    # (a figure is a block: its image, its numbered caption and its data table, per language)
    langs = [o["metadata"]["aimaq"]["lang"] for o in shown]
    i = 0
    while i < len(shown):
        n = 1
        while i + n < len(shown) and langs[i + n] == langs[i]:
            n += 1
        block = shown[i:i + 3 * n]
        assert langs[i:i + 3 * n] == [lang for lang in LANGS for _ in range(n)], langs[i:i + 3 * n]
        kinds = [[tuple(sorted(o["data"])) for o in block[k * n:(k + 1) * n]] for k in range(3)]
        assert kinds[0] == kinds[1] == kinds[2]
        i += 3 * n
    counts = Counter(langs)
    assert counts["kk"] == counts["ru"] == counts["en"]


def assert_no_latin_words(outputs):
    """kk and ru outputs (text, tables, alt texts) contain no Latin-script words but the BNS web address."""
    import html as html_lib

    for output in outputs:
        if "data" not in output or output["metadata"]["aimaq"]["lang"] == "en":
            continue
        data = output["data"]
        text = data["text/plain"] if "image/png" in data else data.get("text/markdown") or data.get("text/html", "")
        text = html_lib.unescape(re.sub(r"<[^>]+>", " ", text)).replace("stat.gov.kz", "")
        text = re.sub(r"\]\([^)]*\)", "]", text)  # a Markdown link's target is a page path, not prose
        assert re.findall(r"[A-Za-z]{3,}", text) == [], text[:300]


@pytest.mark.slow
def test_region_profile_in_process_outputs_and_glue():
    outputs, namespace = run_in_process("region_profile", **RUN["region_profile"])
    assert_three_languages(outputs)
    assert_no_latin_words(outputs)
    glued = {o["glue"]: o["value"] for o in outputs if "glue" in o}
    assert glued["grp_per_capita_rank"] == namespace["chapter"].figure("grp_per_capita").rank
    titles = [o["data"]["text/markdown"] for o in outputs if "data" in o and
              str(o["data"].get("text/markdown", "")).startswith("# ")]
    assert len(titles) == 3 and "Қызылорда" in titles[0] and "Кызылорд" in titles[1]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(set(RUN) - {"region_profile"}))
def test_other_notebooks_in_process(name):
    outputs, _ = run_in_process(name, **RUN[name])
    assert_three_languages(outputs)
    assert_no_latin_words(outputs)
    assert any("glue" in o for o in outputs)


# ------------------------------------------------------------------ plain papermill (slow)

def papermill_outputs(path):
    import nbformat

    nb = nbformat.read(str(path), as_version=4)  # joins multi-line strings stored as lists
    shown, glued = [], {}
    for cell in code_cells(nb):
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {})
            if "scrapbook" in meta:
                name = meta["scrapbook"]["name"]
                glued[name] = output["data"]["application/papermill.record/text/plain"]
            elif "aimaq" in meta:
                shown.append({"data": dict(output["data"]), "metadata": meta})
            elif output.get("output_type") in ("display_data", "execute_result", "stream", "error"):
                raise AssertionError(f"untagged output in {path}: {str(output)[:300]}")
    return shown, glued


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RUN))
def test_plain_papermill_run_matches_in_process_glue(name, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters=RUN[name],
                               progress_bar=False, cwd=str(NOTEBOOKS))
    shown, glued = papermill_outputs(out)
    assert_three_languages(shown)
    outputs, _ = run_in_process(name, **RUN[name])
    expected = {o["glue"]: o["value"] for o in outputs if "glue" in o}
    assert set(glued) == set(expected)
    for key, value in expected.items():
        # the same number whichever way the notebook runs; floats may differ in the last bits only
        # (BLAS summation order depends on the process's thread settings)
        if isinstance(value, float):
            assert float(glued[key]) == pytest.approx(value, rel=1e-12, abs=1e-15), key
        else:
            assert glued[key] == repr(value), key


@pytest.mark.slow
def test_papermill_error_names_valid_regions(tmp_path):
    papermill = pytest.importorskip("papermill")
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(NOTEBOOKS / "region_profile.ipynb"), str(tmp_path / "bad.ipynb"),
                                   parameters={"region": "KZ-99", "year": 2022}, progress_bar=False)
    assert "ParameterError" in str(err.value) and "KZ-43" in str(err.value)


@pytest.mark.slow
def test_same_inputs_give_identical_outputs():
    first, _ = run_in_process("programme_effects", programme="aral_2007", year=2022)
    second, _ = run_in_process("programme_effects", programme="aral_2007", year=2022)
    assert first == second  # figures (PNG bytes), tables, text and glue: seeded and timestamp-free
