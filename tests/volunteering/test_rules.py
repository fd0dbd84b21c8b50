"""Each volunteering rule catches its examples in the four writing styles and leaves its
passes alone; no rule fires on a genuine call for volunteers."""

from __future__ import annotations

import pytest

from volunteering.rules import RULES

CASES = [
    (rule.code, text) for rule in RULES.rules for texts in rule.examples.values() for text in texts
]
PASSES = [(rule.code, text) for rule in RULES.rules for text in rule.passes]
GENUINE = [
    "نبحث عن متطوعين لترميم مدرسة في دوار إمي نتانوت، النقل والأكل على الجمعية",
    "Bénévoles pour une journée médicale gratuite à Imlil, repas offerts, sans aucun frais.",
    "bghina motatawi3in l caravane dyal sbagha f douar, lmakla w transport 3la jam3iya",
    "Accompagnement scolaire en ligne, deux heures par semaine, supports fournis.",
]


@pytest.mark.parametrize(("code", "text"), CASES)
def test_each_rule_catches_its_examples(app, code, text):
    assert code in [hit.code for hit in RULES.check(text)]


@pytest.mark.parametrize(("code", "text"), PASSES)
def test_each_rule_leaves_its_passes(app, code, text):
    assert code not in [hit.code for hit in RULES.check(text)]


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_calls_pass_every_rule(app, text):
    assert RULES.check(text) == []
