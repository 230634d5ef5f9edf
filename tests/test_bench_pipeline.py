"""The incremental scenarios of bench/pipeline.py edit the observation they say, and keep the checksum valid."""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.pipeline import edit_one_observation  # noqa: E402

HEADER = "region,year,indicator,territory,value,source,note,recorded\n"


def _data(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "observations.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [{"path": "observations.csv"}]}))
    return tmp_path


def test_edits_the_latest_figure_up_to_the_edition_and_updates_the_checksum(tmp_path):
    data = _data(tmp_path, ["KZ,2024,income,t,100,s,,\n", "KZ-10,2023,income,t,50,s,,\n",
                            "KZ-11,2024,income,t,60,s,,\n", "KZ-12,2025,grp,t,70,s,,\n"])
    chosen = edit_one_observation(data, 2025, "income")  # money income is published a year after GRP
    assert chosen.startswith("KZ-11 2024 income: 60.0 ->")
    raw = (data / "observations.csv").read_bytes()
    assert b"KZ-11,2024,income,t,60.059999" in raw and b"KZ-10,2023,income,t,50," in raw
    resource = json.loads((data / "datapackage.json").read_text())["resources"][0]
    assert resource["hash"] == "sha256:" + hashlib.sha256(raw).hexdigest() and resource["bytes"] == len(raw)
    assert edit_one_observation(data, 2025).startswith("KZ-12 2025 grp")


def test_no_observation_to_edit_says_so(tmp_path):
    data = _data(tmp_path, ["KZ,2024,income,t,100,s,,\n"])
    with pytest.raises(SystemExit, match="no sub-national observation up to 2025"):
        edit_one_observation(data, 2025, "income")
