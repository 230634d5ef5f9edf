"""Names shown by analysis.report follow the metadata tables even in a long-lived kernel."""
from __future__ import annotations

import os
import sys
import types

import pandas as pd
import pytest

from analysis import report
from analysis.i18n import indicator_name, names, region_name


@pytest.fixture
def csv_data_module(monkeypatch, tmp_path):
    """A stand-in ``analysis.data`` whose loaders read ``<data_dir>/{regions,indicators}.csv`` each call."""
    module = types.ModuleType("analysis.data")
    module.load_regions = lambda data_dir=None: pd.read_csv(os.path.join(data_dir, "regions.csv"))
    module.load_indicators = lambda data_dir=None: pd.read_csv(os.path.join(data_dir, "indicators.csv"))
    monkeypatch.setitem(sys.modules, "analysis.data", module)
    names.name_table.cache_clear()
    yield tmp_path
    names.name_table.cache_clear()


def _write(path, text, stamp_ns):
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(stamp_ns, stamp_ns))


def test_warm_kernel_reads_names_again_after_the_tables_change(csv_data_module):
    folder = csv_data_module
    data_dir = str(folder)
    _write(folder / "regions.csv", "code,name_kk,name_ru,name_en\nKZ-01,Альфа,Альфа,Alpha\n", 1_000_000_000)
    _write(folder / "indicators.csv", "id,name_kk,name_ru,name_en\ngdp,ЖӨӨ,ВРП,GRP\n", 1_000_000_000)
    assert region_name("KZ-01", "en", data_dir) == "Alpha"
    assert indicator_name("gdp", "ru", data_dir) == "ВРП"
    with report.capture() as before:
        report.paragraph("{region} belongs to no club.", region=report.Region("KZ-01", data_dir))

    # same size, only the modification time differs: still read again
    _write(folder / "regions.csv", "code,name_kk,name_ru,name_en\nKZ-01,Альфа,Альфа,Omega\n", 2_000_000_000)
    # same modification time, only the size differs: still read again
    _write(folder / "indicators.csv", "id,name_kk,name_ru,name_en\ngdp,ЖӨӨ,ВРП (тыс.),GRP\n", 1_000_000_000)
    assert region_name("KZ-01", "en", data_dir) == "Omega"
    assert indicator_name("gdp", "ru", data_dir) == "ВРП (тыс.)"
    with report.capture() as after:
        report.paragraph("{region} belongs to no club.", region=report.Region("KZ-01", data_dir))
    assert "Alpha" in before[-1]["data"]["text/markdown"]
    assert "Omega" in after[-1]["data"]["text/markdown"] and "Alpha" not in after[-1]["data"]["text/markdown"]


def test_unchanged_tables_are_read_once(csv_data_module):
    folder = csv_data_module
    _write(folder / "regions.csv", "code,name_kk,name_ru,name_en\nKZ-01,Альфа,Альфа,Alpha\n", 1_000_000_000)
    calls = []
    loader = sys.modules["analysis.data"].load_regions
    sys.modules["analysis.data"].load_regions = lambda data_dir=None: calls.append(data_dir) or loader(data_dir)
    for lang in ("kk", "ru", "en", "en"):
        region_name("KZ-01", lang, str(folder))
    assert calls == [str(folder)]
