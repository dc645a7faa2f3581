"""Measure each relation rule's precision and write ``kg/data/rule_confidence.json``.

    .venv/bin/python scripts/calibrate_rules.py            # writes the table
    .venv/bin/python scripts/calibrate_rules.py --check    # fails if it would change

A relation's confidence should say how often such an edge is right. Each rule
starts from a prior (``kg.relations.PRIOR_CONFIDENCE``); this script runs the
rules alone (no classifier, priors in force) over the training gold, counts the
edges of each rule that match a gold relation (FORMAT.md scoring) and those that
do not, and sets the rule's confidence to its precision, shrunk towards the prior
when the rule fired rarely: (tp + K * prior) / (tp + fp + K).

Data: CoNLL04 train (scored through eval/conll04.map.json), the samples' gold and
the team's tune split, the sets the rules and the classifier are developed on;
never CoNLL04 dev, the heldout split or the seed: those measure. Deterministic.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CONLL_MAP = ROOT / "eval" / "conll04.map.json"
DATA = (
    (SHARED / "eval" / "external" / "conll04_train.gold.jsonl", CONLL_MAP),
    (ROOT / "samples" / "gold.jsonl", None),
    (ROOT / "eval" / "dev" / "tune.gold.jsonl", None),
)
NEVER = ("conll04_dev", "heldout", "seed")
OUT = ROOT / "kg" / "data" / "rule_confidence.json"
SHRINK = 5  # how many edges the prior counts as
FLOOR, CEILING = 0.3, 0.95  # no rule is worthless or certain
FORMAT_VERSION = 1


def smoothed(tp: int, fp: int, prior: float) -> float:
    return round(min(CEILING, max(FLOOR, (tp + SHRINK * prior) / (tp + fp + SHRINK))), 2)


def measure() -> dict[str, dict[str, int]]:
    """Edges of each rule that match the gold (tp) and that do not (fp), pooled over the data."""
    from kg import relations
    from kg.evaluate import evaluate

    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0})
    in_force = dict(relations.RULE_CONFIDENCE)
    model_setting = os.environ.get("KG_RELATION_MODEL")
    # The rules alone, with their priors: which rule's evidence a fact reports must not
    # depend on the table being measured.
    os.environ["KG_RELATION_MODEL"] = "0"
    relations.RULE_CONFIDENCE.update(relations.PRIOR_CONFIDENCE)
    try:
        for path, mapping in DATA:
            if any(word in path.name for word in NEVER):
                raise SystemExit(f"{path}: this file measures kg and must never be calibrated on")
            if not path.exists():
                raise SystemExit(f"{path}: not found (the shared data sits beside the repository)")
            scores = evaluate(path, mapping=json.loads(mapping.read_text()) if mapping else None)
            for rule, rule_counts in scores.rules.items():
                counts[rule]["tp"] += rule_counts.tp
                counts[rule]["fp"] += rule_counts.fp
    finally:
        relations.RULE_CONFIDENCE.update(in_force)
        if model_setting is None:
            os.environ.pop("KG_RELATION_MODEL")
        else:
            os.environ["KG_RELATION_MODEL"] = model_setting
    return dict(counts)


def table(counts: dict[str, dict[str, int]]) -> dict:
    from kg.relations import PRIOR_CONFIDENCE

    rules = {
        rule: {**counts.get(rule, {"tp": 0, "fp": 0}), "prior": prior, "confidence": smoothed(**counts.get(rule, {"tp": 0, "fp": 0}), prior=prior)}
        for rule, prior in sorted(PRIOR_CONFIDENCE.items())
    }
    return {"format": FORMAT_VERSION, "shrink": SHRINK, "data": [p.name for p, _ in DATA], "rules": rules}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the table on disk is not what the data gives")
    args = parser.parse_args(argv)
    text = json.dumps(table(measure()), indent=1, sort_keys=True) + "\n"
    if args.check:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run scripts/calibrate_rules.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    for rule, row in json.loads(text)["rules"].items():
        print(f"{rule:<24} tp {row['tp']:>4} fp {row['fp']:>4}  prior {row['prior']:.2f} -> {row['confidence']:.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
