"""The methods page prints the decision tables the chapters apply (issue 12, item 3)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.chapters import decision
from analysis.report import decision_rules

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_rule_of_every_table_is_a_row(lang):
    page = decision_rules.decision_rules_html(lang)
    bodies = re.findall(r"<tbody>(.*?)</tbody>", page, flags=re.S)
    assert len(bodies) == len(decision.TABLES)
    for body, rules in zip(bodies, decision.TABLES.values()):
        assert body.count("<tr>") == len(rules)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_in_the_kk_and_ru_tables(lang):
    text = re.sub(r"<[^>]+>", " ", decision_rules.decision_rules_html(lang))
    assert re.findall(r"[A-Za-z]{3,}", text) == []


def test_a_changed_rule_changes_the_page(monkeypatch):
    before = decision_rules.decision_rules_html("en")
    changed = dict(decision.TABLES)
    changed["honest"] = (decision.Rule("honest.robust", (("breakdown_rm", ">=", 2.0),)), decision.Rule("honest.fragile"))
    monkeypatch.setattr(decision_rules, "TABLES", changed)
    after = decision_rules.decision_rules_html("en")
    assert "breakdown value M̄ ≥ 1<" in before and "breakdown value M̄ ≥ 2<" in after


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_methods_page_marks_where_the_tables_go(lang, tmp_path):
    source = ROOT / "book" / "content" / lang / "data_methods.md"
    page = tmp_path / "data_methods.md"
    page.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert decision_rules.insert_decision_rules(page, lang)
    text = page.read_text(encoding="utf-8")
    assert decision_rules.MARKER not in text and text.count("<tbody>") == len(decision.TABLES)
