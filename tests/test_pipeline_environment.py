"""The installed environment is part of every run's key: changing any pinned version re-executes."""
from __future__ import annotations

from pathlib import Path

from analysis.pipeline import cache

ROOT = Path(__file__).resolve().parents[1]


def _bumped(installed, name):
    """The same distributions with ``name`` at another version, as in a copy with another pin."""
    assert any(cache._normalized(n) == name for n, _, _ in installed), name
    return [(n, v + ".post1" if cache._normalized(n) == name else v, r) for n, v, r in installed]


def _pins(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {cache._normalized(line.split("==")[0]) for line in lines if "==" in line and not line.startswith("#")}


def test_changing_any_runtime_pin_changes_the_environment_key():
    installed = cache.installed_distributions()
    base = cache.environment_fingerprint(installed)
    assert base == cache.environment_fingerprint()
    for name in ("matplotlib", "pandas", "numpy", "statsmodels", "papermill", "jupyter-book", "pyzmq"):
        assert cache.environment_fingerprint(_bumped(installed, name)) != base, name


def test_the_environment_is_the_runtime_pins_and_test_only_pins_leave_the_key_alone():
    installed = cache.installed_distributions()
    closure = set(cache.runtime_closure(installed))
    # requirements.txt is generated without setuptools; the project itself is the closure's root.
    assert closure - {"aimaq", "setuptools"} == _pins(ROOT / "requirements.txt")
    test_only = _pins(ROOT / "requirements-test.txt") - _pins(ROOT / "requirements.txt")
    assert {"pytest", "pyfixest"} <= test_only and not closure & test_only
    # Installing, removing or upgrading the test pins (make test after make book) keeps every run cached.
    without_tests = [d for d in installed if cache._normalized(d[0]) not in test_only]
    assert cache.environment_fingerprint(without_tests) == cache.environment_fingerprint(installed)
    assert cache.environment_fingerprint(_bumped(installed, "pytest")) == cache.environment_fingerprint(installed)


def test_library_key_follows_the_environment(monkeypatch):
    before = cache.library_fingerprint()
    monkeypatch.setattr(cache, "environment_fingerprint", lambda installed=None: "other")
    assert cache.library_fingerprint() != before


def test_a_changed_pin_reexecutes_every_run(tmp_path, monkeypatch):
    """A build, the same build again (all cached), then one distribution at another version, as in a
    copy of the project whose pins were changed: every run executes again."""
    import shutil

    import analysis
    from analysis.pipeline import run_pipeline, runner
    from test_pipeline_support import PROVIDERS, make_project

    root = make_project(tmp_path / "project")
    # The library's sources from a private copy: others edit src/analysis while this runs.
    sources = tmp_path / "analysis"
    shutil.copytree(Path(analysis.__file__).parent, sources, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(runner, "library_fingerprint", lambda: cache.library_fingerprint(sources))
    first = run_pipeline(root=root, providers=PROVIDERS, jobs=2)
    assert first.ok and first.executed == len(first.statuses)
    assert run_pipeline(root=root, providers=PROVIDERS, jobs=2).executed == 0

    installed = cache.installed_distributions()
    monkeypatch.setattr(cache, "installed_distributions", lambda: _bumped(installed, "pandas"))
    again = run_pipeline(root=root, providers=PROVIDERS, jobs=2)
    assert again.ok and again.executed == len(again.statuses) == len(first.statuses)
