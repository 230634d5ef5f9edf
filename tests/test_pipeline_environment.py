"""The installed environment is part of every run's key: changing any pinned version re-executes."""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

from analysis.pipeline import cache


def test_changing_any_installed_version_changes_the_environment_key():
    installed = list(metadata.distributions())
    base = cache.environment_fingerprint(installed)
    assert base == cache.environment_fingerprint()
    for name in ("matplotlib", "pandas", "numpy", "statsmodels", "papermill"):
        dist = next(d for d in installed if d.metadata["Name"].lower() == name)

        class Bumped:  # the same distribution at another version, as in a copy with another pin
            metadata = dist.metadata
            version = dist.version + ".post1"
            requires = dist.requires

        changed = [Bumped if d is dist else d for d in installed]
        assert cache.environment_fingerprint(changed) != base, name


def _pins(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {cache._normalized(line.split("==")[0]) for line in lines if "==" in line and not line.startswith("#")}


def test_the_environment_is_the_runtime_pins_and_test_only_pins_leave_the_key_alone():
    root = Path(__file__).resolve().parents[1]
    installed = list(metadata.distributions())
    closure = {cache._normalized(d.metadata["Name"]) for d in cache.runtime_closure(installed)}
    # requirements.txt is generated without setuptools; the project itself is the closure's root.
    assert closure - {"aimaq", "setuptools"} == _pins(root / "requirements.txt")
    test_only = _pins(root / "requirements-test.txt") - _pins(root / "requirements.txt")
    assert {"pytest", "pyfixest"} <= test_only and not closure & test_only
    # Installing or removing the test pins (make test after make book) keeps every run cached.
    without_tests = [d for d in installed if cache._normalized(d.metadata["Name"]) not in test_only]
    assert cache.environment_fingerprint(without_tests) == cache.environment_fingerprint(installed)


def test_library_key_follows_the_environment(monkeypatch):
    before = cache.library_fingerprint()
    monkeypatch.setattr(cache, "environment_fingerprint", lambda distributions=None: "other")
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

    installed = list(metadata.distributions())
    pandas = next(d for d in installed if d.metadata["Name"].lower() == "pandas")

    class Bumped:
        metadata = pandas.metadata
        version = pandas.version + ".post1"
        requires = pandas.requires

    monkeypatch.setattr(metadata, "distributions", lambda: [Bumped if d is pandas else d for d in installed])
    again = run_pipeline(root=root, providers=PROVIDERS, jobs=2)
    assert again.ok and again.executed == len(again.statuses) == len(first.statuses)
