"""CITATION.cff parses and satisfies the required part of the Citation File Format 1.2.0 schema."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]

# The required keys and the types of the keys we use, from the CFF 1.2.0 JSON schema
# (citation-file-format/citation-file-format, schema.json): a subset, checked with jsonschema.
PERSON_OR_ENTITY = {"oneOf": [
    {"type": "object", "required": ["family-names"], "properties": {"family-names": {"type": "string", "minLength": 1}}},
    {"type": "object", "required": ["given-names"], "properties": {"given-names": {"type": "string", "minLength": 1}}},
    {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}},
]}
CFF_SUBSET = {
    "type": "object",
    "required": ["cff-version", "message", "title", "authors"],
    "properties": {
        "cff-version": {"type": "string", "pattern": r"^1\.2\.0$"},
        "message": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "authors": {"type": "array", "minItems": 1, "items": PERSON_OR_ENTITY},
        "type": {"enum": ["dataset", "software"]},
        "version": {"type": ["string", "number"]},
        "date-released": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "keywords": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "repository-code": {"type": "string", "format": "uri"},
    },
}


def _citation() -> dict:
    # CFF is YAML 1.2; a date must be quoted or PyYAML turns it into a date object
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_citation_file_is_valid_cff_1_2_0():
    jsonschema.validate(_citation(), CFF_SUBSET)


def test_licence_matches_the_package_metadata():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    declared = re.search(r'license\s*=\s*\{\s*text\s*=\s*"([^"]+)"', pyproject).group(1)
    assert _citation()["license"] == declared


def test_subset_schema_rejects_a_citation_without_authors():
    broken = dict(_citation())
    del broken["authors"]
    try:
        jsonschema.validate(broken, CFF_SUBSET)
    except jsonschema.ValidationError as error:
        assert "authors" in error.message
    else:
        raise AssertionError("a citation without authors passed the schema")
