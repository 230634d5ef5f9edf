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

        changed = [Bumped if d is dist else d for d in installed]
        assert cache.environment_fingerprint(changed) != base, name


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

    monkeypatch.setattr(metadata, "distributions", lambda: [Bumped if d is pandas else d for d in installed])
    again = run_pipeline(root=root, providers=PROVIDERS, jobs=2)
    assert again.ok and again.executed == len(again.statuses) == len(first.statuses)
