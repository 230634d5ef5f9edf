"""The warm engine: registered through papermill's engine interface; the reset module restores a fresh state."""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

from analysis.pipeline import reset


def test_engine_is_registered_with_papermill():
    from papermill.engines import papermill_engines

    from analysis.pipeline.engine import WarmEngine

    assert papermill_engines.get_engine("aimaq-warm") is WarmEngine


def test_reset_restores_environment_filters_and_directory(tmp_path):
    start = os.getcwd()
    state = reset.snapshot()
    try:
        os.environ["AIMAQ_TEST_LEFTOVER"] = "1"
        warnings.simplefilter("error")
        os.chdir(tmp_path)
        reset.restore(state)
        assert "AIMAQ_TEST_LEFTOVER" not in os.environ
        assert warnings.filters == state.warning_filters
        assert os.getcwd() == start
    finally:
        os.chdir(start)


def test_kernel_module_imports_only_public_names():
    source = (Path(__file__).resolve().parents[1] / "src/analysis/pipeline/kernel.py").read_text()
    engine = (Path(__file__).resolve().parents[1] / "src/analysis/pipeline/engine.py").read_text()
    for text in (source, engine):
        assert "_async_execute_interactive" not in text
        assert not re.search(r"from (papermill|nbclient|jupyter_client)\S* import .*\b_\w", text)
        assert "papermill.clientwrap" not in text and "papermill.parameterize" not in text
