"""Rule confidences are the rules' measured precision (scripts/calibrate_rules.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.evaluate import score
from kg.relations import CALIBRATION_PATH, PRIOR_CONFIDENCE, RULE_CONFIDENCE, calibrated_confidence
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _calibrate_rules():
    return load_script("calibrate_rules")


def test_every_rule_has_a_measured_confidence():
    table = json.loads(CALIBRATION_PATH.read_text())["rules"]
    assert set(table) == set(PRIOR_CONFIDENCE)
    assert RULE_CONFIDENCE == {rule: row["confidence"] for rule, row in table.items()}


def test_calibration_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("KG_RULE_CALIBRATION", "0")
    assert calibrated_confidence() == PRIOR_CONFIDENCE


def test_a_rule_missing_from_the_table_keeps_its_prior(tmp_path):
    table = tmp_path / "rule_confidence.json"
    table.write_text(json.dumps({"format": 1, "rules": {"verb": {"confidence": 0.42}}}))
    confidence = calibrated_confidence(table)
    assert confidence["verb"] == 0.42
    assert confidence["dateline"] == PRIOR_CONFIDENCE["dateline"]


@pytest.mark.parametrize(
    ("tp", "fp", "prior", "expected"),
    [
        (0, 0, 0.6, 0.6),  # never fired: the prior
        (90, 10, 0.5, 0.88),  # often: close to its precision 0.9
        (1, 3, 0.8, 0.56),  # rarely: between the two
        (100, 0, 0.9, 0.95),  # never certain
        (0, 100, 0.5, 0.3),  # never worthless
    ],
)
def test_confidence_is_precision_shrunk_towards_the_prior(tp, fp, prior, expected):
    assert _calibrate_rules().smoothed(tp, fp, prior) == expected


def test_evaluation_counts_each_rules_right_and_wrong_edges():
    gold = {"id": "d", "entities": [{"name": "A B", "type": "Person"}, {"name": "Chad", "type": "State"}],
            "relations": [{"source": "A B", "relation": "warns", "target": "Chad"}]}
    predicted = {"id": "d", "entities": gold["entities"], "relations": [
        {"source": "A B", "relation": "warns", "target": "Chad", "rule": "verb"},
        {"source": "A B", "relation": "livesIn", "target": "Chad", "rule": "preposition"},
    ]}
    rules = score([gold], [predicted]).as_dict(by_type=True)["rules"]
    assert (rules["verb"]["tp"], rules["verb"]["fp"]) == (1, 0)
    assert (rules["preposition"]["tp"], rules["preposition"]["fp"]) == (0, 1)


@pytest.mark.skipif(not (SHARED / "eval" / "external").is_dir(), reason="needs ../shared/eval/external")
def test_the_shipped_table_is_what_the_data_gives():
    assert _calibrate_rules().main(["--check"]) == 0, "kg/data/rule_confidence.json is stale: run scripts/calibrate_rules.py"
