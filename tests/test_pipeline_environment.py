"""The installed environment is part of every run's key: changing any pinned version re-executes."""
from __future__ import annotations

from importlib import metadata

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
