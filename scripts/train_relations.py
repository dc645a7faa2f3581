"""Train the relation classifier and write ``kg/data/relation_model.json``.

    .venv/bin/pip install -e '.[train]'
    .venv/bin/python scripts/train_relations.py            # writes the artifact
    .venv/bin/python scripts/train_relations.py --check    # fails if it would change

Training examples come from kg's own pipeline: each gold document is parsed,
its entities analysed, and every candidate mention pair (kg.classifier) is
labelled with the gold relation whose source and target match the pair's
entities by the FORMAT.md name rule (normalised name or alias; symmetric
relations both ways); other pairs are ``none``. Pairs that match only an
optional gold relation, or whose gold relation the predicted types cannot
carry, are left out.

Data: CoNLL04 train (its coarse labels worksFor, livesIn, basedIn, locatedIn
and kills are targets as they are), the samples' gold and the team's train split
(eval/dev/train.gold.jsonl: 40 news documents with all 24 relation types). The team's tune
split only scores candidate settings: a model that had learnt its facts would
hide the rules' misses from whoever tunes the rules on it (and, trained on it,
the model recalls its facts from sentences that negate or report them).
Never CoNLL04 dev, the heldout split or the seed: those measure.

Settings (the L2 strength, the class weight of ``none``, a shared probability
threshold and one per frequent label) maximise the pooled relation F1 of rules
plus model over three folds, each scored by a model that never saw it: a fixed
fifth of CoNLL04 train (by a hash of the document id; scored through
eval/conll04.map.json), the tune split, and the samples' gold (scored by a
model fitted without it). The train split is in every fit. The final model is then fitted on all the training
data.

Deterministic: single-threaded BLAS, sorted inputs, lbfgs from a zero start,
weights rounded to 6 digits, keys sorted; two runs give the same bytes.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import functools  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]  # this tree's kg (in a git worktree the installed kg may be another tree's)
SHARED = ROOT.parent / "shared"
CONLL_TRAIN = SHARED / "eval" / "external" / "conll04_train.gold.jsonl"
# The team's train split is in every fit, never a fold: its 40 documents would
# outweigh CoNLL04 in the pooled score that picks the settings.
TRAIN_SPLIT = ROOT / "eval" / "dev" / "train.gold.jsonl"
TRAIN_FILES = (CONLL_TRAIN, ROOT / "samples" / "gold.jsonl", TRAIN_SPLIT)
# Scored to choose the settings, never trained on: a model that had learnt the
# tune split's facts would hide the rules' misses from whoever tunes them.
SELECTION_FILES = (ROOT / "eval" / "dev" / "tune.gold.jsonl",)
NEVER_TRAIN = ("conll04_dev", "heldout", "seed")
CONLL_MAP = ROOT / "eval" / "conll04.map.json"
OUT = ROOT / "kg" / "data" / "relation_model.json"

SEED = 0
HOLDOUT_BUCKETS = 5  # one CoNLL04 train document in five picks the settings
MIN_COUNT = 2  # a feature must occur in at least this many training pairs
C_VALUES = (0.3, 1.0)  # inverse L2 strength
NONE_WEIGHTS = (0.5, 0.25)  # class weight of none; every relation label weighs 1
THRESHOLDS = tuple(round(0.3 + 0.05 * k, 2) for k in range(14))  # 0.30 .. 0.95
OFF = 1.01  # a label threshold that no probability reaches
MIN_TUNED_EXAMPLES = 50  # labels with this many related training pairs get a threshold of their own
DIGITS = 6


@dataclass
class Parsed:
    """One gold document through kg's pipeline."""

    gold: dict
    document: object  # kg.model.Document
    doc: object  # spacy Doc
    analysis: object  # kg.entities.EntityAnalysis
    rule_relations: list
    source: str  # training file stem


@dataclass
class Example:
    doc_index: int
    features: list[str]
    label: str


def read_gold(paths) -> list[tuple[str, dict]]:
    from kg.evaluate import read_records

    records = []
    for path in paths:
        if any(word in path.name for word in NEVER_TRAIN):
            raise SystemExit(f"{path}: this file measures kg and must never be trained on")
        for record in sorted(read_records(path), key=lambda r: r["id"]):
            records.append((path.name.split(".")[0], record))
    return records


def parse_all(records) -> list[Parsed]:
    from kg.entities import analyse_entities
    from kg.evaluate import gold_document
    from kg.extract import headline_end
    from kg.gazetteer import load_gazetteer
    from kg.ingest import clean, masked_text
    from kg.lexicon import load_lexicon
    from kg.nlp import parse
    from kg.relations import extract_relations

    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    documents = [clean(gold_document(r)) for _, r in records]
    parsed = []
    for (source, record), document, doc in zip(records, documents, parse(masked_text(d) for d in documents)):
        analysis = analyse_entities(doc, gazetteer, lexicon, headline_end=headline_end(document))
        rules = extract_relations(doc, analysis, lexicon, gazetteer, document_id=document.id)
        parsed.append(Parsed(record, document, doc, analysis, rules, source))
    return parsed


def _names(entity) -> set[str]:
    from kg.names import normalize

    return {normalize(n) for n in (entity.name, *entity.aliases) if normalize(n)}


def label_pairs(index: int, item: Parsed, lexicon) -> list[Example]:
    """Every candidate pair of a document with its gold label."""
    from kg.classifier import NONE, DocumentFeatures, _valid_labels, candidate_pairs
    from kg.names import normalize
    from kg.ontology import relation_types

    kinds = relation_types()
    gold_names = {
        normalize(e["name"]): {normalize(n) for n in (e["name"], *e.get("aliases", [])) if normalize(n)}
        for e in item.gold.get("entities", [])
    }

    def names_of(name: str) -> set[str]:
        return gold_names.get(normalize(name), {normalize(name)})

    gold = []  # (source names, relation, target names, optional)
    for relation in item.gold.get("relations", []):
        source, target = names_of(relation["source"]), names_of(relation["target"])
        optional = bool(relation.get("optional"))
        gold.append((source, relation["relation"], target, optional))
        if kinds[relation["relation"]].symmetric:
            gold.append((target, relation["relation"], source, optional))
    examples = []
    entities = item.analysis.entities
    features = DocumentFeatures(item.doc, item.analysis, lexicon)  # the document's tokens read once for all its pairs
    for source, target in candidate_pairs(item.analysis):
        if source.key not in entities or target.key not in entities:
            continue
        source_names, target_names = _names(entities[source.key]), _names(entities[target.key])
        matches = [(r, optional) for s, r, t, optional in gold if s & source_names and t & target_names]
        required = [r for r, optional in matches if not optional]
        if matches and not required:
            continue  # only an optional fact: neither taught nor untaught
        label = required[0] if required else NONE
        if label != NONE and label not in _valid_labels(source.type, target.type):
            continue  # the predicted types cannot carry the gold relation
        examples.append(Example(index, features.pair(source, target), label))
    return examples


def held_out(item: Parsed) -> bool:
    """The fixed fifth of CoNLL04 train that picks the settings."""
    if item.source != CONLL_TRAIN.name.split(".")[0]:
        return False
    return int(hashlib.sha256(item.document.id.encode("utf-8")).hexdigest(), 16) % HOLDOUT_BUCKETS == 0


def fit(examples: list[Example], c: float, none_weight: float):
    """A multinomial logistic regression over binary features, as a RelationModel."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    from kg.classifier import NONE, RelationModel

    counts = Counter(f for e in examples for f in e.features)
    vocabulary = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= MIN_COUNT))}
    rows, cols = [], []
    for row, example in enumerate(examples):
        for feature in example.features:
            if feature in vocabulary:
                rows.append(row)
                cols.append(vocabulary[feature])
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(examples), len(vocabulary)))
    labels = [e.label for e in examples]
    weights = {label: (none_weight if label == NONE else 1.0) for label in sorted(set(labels))}
    classifier = LogisticRegression(
        C=c, class_weight=weights, solver="lbfgs", max_iter=3000, tol=1e-6, random_state=SEED
    )
    classifier.fit(matrix, labels)
    coefficients = np.round(classifier.coef_.T, DIGITS) + 0.0  # (features, labels); + 0.0 turns -0.0 into 0.0
    intercepts = np.round(classifier.intercept_, DIGITS) + 0.0
    return RelationModel(
        labels=tuple(str(label) for label in classifier.classes_),
        vocabulary=vocabulary,
        weights=coefficients,
        intercepts=intercepts,
        threshold=0.5,
    )


@dataclass
class Fold:
    """Documents scored with a model that did not see them."""

    name: str
    items: list[Parsed]
    mapping: dict | None
    added: list = None  # model relations per item, at the lowest threshold

    def counts(self, threshold_for=None):
        """Relation counts of rules plus the model relations that pass ``threshold_for``."""
        from kg.entities import referenced_entities
        from kg.evaluate import score
        from kg.model import Extraction
        from kg.records import to_record

        predicted = []
        for index, item in enumerate(self.items):
            relations = list(item.rule_relations)
            if threshold_for is not None:
                relations += [r for r in self.added[index] if r.confidence >= threshold_for(r.relation)]
            endpoints = {r.source for r in relations} | {r.target for r in relations}
            extraction = Extraction(item.document, tuple(referenced_entities(item.analysis, endpoints)), tuple(relations))
            predicted.append(to_record(extraction))
        return score([item.gold for item in self.items], predicted, mapping=self.mapping).relations


def pooled(folds: list[Fold], threshold_for=None):
    """Relation counts summed over the folds (micro-averaged F1 over all of them)."""
    from kg.evaluate import Counts

    total = Counts()
    for fold in folds:
        counts = fold.counts(threshold_for)
        total.tp, total.fp, total.fn = total.tp + counts.tp, total.fp + counts.fp, total.fn + counts.fn
    return total


def choose_thresholds(folds: list[Fold], tunable: list[str]) -> tuple[float, dict[str, float], object]:
    """A shared threshold, then one per frequent label (one pass, in name order),
    each the best for the pooled F1; ties go to the higher threshold."""

    def scorer(shared, own):
        return lambda label: own.get(label, shared)

    def best_of(values, make):
        best = None
        for value in values:
            counts = pooled(folds, make(value))
            key = (round(counts.f1, 6), value)
            if best is None or key > best[0]:
                best = (key, value, counts)
        return best[1], best[2]

    shared, counts = best_of(THRESHOLDS, lambda t: scorer(t, {}))
    own: dict[str, float] = {}
    for label in tunable:
        value, counts = best_of((*THRESHOLDS, OFF), lambda t, label=label: scorer(shared, {**own, label: t}))
        if value != shared:
            own[label] = value
    return shared, own, counts


def serialise(model, metadata: dict) -> str:
    """The artifact's text: sorted keys, one feature a line, rounded floats."""
    from kg.classifier import FORMAT_VERSION

    head = {
        "format": FORMAT_VERSION,
        "intercepts": [float(x) for x in model.intercepts],
        "labels": list(model.labels),
        "threshold": model.threshold,
        "thresholds": dict(sorted(model.thresholds.items())),
        "training": metadata,
    }
    lines = ["{"]
    for key in sorted(head):
        lines.append(f"{json.dumps(key)}: {json.dumps(head[key], sort_keys=True, ensure_ascii=False)},")
    lines.append('"weights": {')
    rows = []
    for feature in sorted(model.vocabulary):
        row = [float(x) for x in model.weights[model.vocabulary[feature]]]
        if any(row):
            rows.append(f"{json.dumps(feature, ensure_ascii=False)}: {json.dumps(row)}")
    lines.append(",\n".join(rows))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where to write the model (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="do not write; fail if the artifact would change")
    args = parser.parse_args(argv)
    started = time.monotonic()

    import kg.evaluate
    from kg.classifier import MAX_DISTANCE, model_relations
    from kg.gazetteer import load_gazetteer
    from kg.lexicon import load_lexicon

    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    kg.evaluate.normalize = functools.cache(kg.evaluate.normalize)  # the scorer runs thousands of times
    mapping = json.loads(CONLL_MAP.read_text(encoding="utf-8"))
    records = read_gold(TRAIN_FILES + SELECTION_FILES)
    print(f"parsing {len(records)} gold documents ...", file=sys.stderr)
    parsed = parse_all(records)
    training = {p.name.split(".")[0] for p in TRAIN_FILES}
    examples = [
        e for index, item in enumerate(parsed) if item.source in training for e in label_pairs(index, item, lexicon)
    ]
    holdout = {index for index, item in enumerate(parsed) if held_out(item)}
    print(
        f"{len(examples)} pairs ({sum(e.label != 'none' for e in examples)} related); "
        f"{len(holdout)} CoNLL04 train documents held out for settings",
        file=sys.stderr,
    )

    # Folds: the CoNLL04 holdout (scored through the map) and each news file,
    # each scored with a model fitted without it (and without the holdout);
    # the selection files are in no fit at all.
    kinds = {index: item.source for index, item in enumerate(parsed)}
    news = sorted({item.source for item in parsed} - {CONLL_TRAIN.name.split(".")[0], TRAIN_SPLIT.name.split(".")[0]})
    folds = [Fold("conll04_train-holdout", [parsed[i] for i in sorted(holdout)], mapping)]
    folds += [Fold(name, [item for item in parsed if item.source == name], None) for name in news]
    members = [holdout] + [{i for i, source in kinds.items() if source == name} for name in news]
    baseline = pooled(folds)
    print(f"rules only, pooled over the folds: P {baseline.precision:.3f} R {baseline.recall:.3f} F1 {baseline.f1:.3f}", file=sys.stderr)
    label_counts = Counter(e.label for e in examples)
    tunable = sorted(label for label, n in label_counts.items() if label != "none" and n >= MIN_TUNED_EXAMPLES)
    best = None
    for c in C_VALUES:
        for none_weight in NONE_WEIGHTS:
            fits: dict[tuple, object] = {}
            for fold, unseen in zip(folds, members):
                excluded = tuple(sorted({e.doc_index for e in examples} & (unseen | holdout)))
                if excluded not in fits:
                    fits[excluded] = fit([e for e in examples if e.doc_index not in excluded], c, none_weight)
                model = fits[excluded]
                fold.added = [
                    model_relations(
                        item.doc, item.analysis, lexicon, gazetteer, document_id=item.document.id,
                        rule_relations=item.rule_relations, model=model, threshold=min(THRESHOLDS),
                    )
                    for item in fold.items
                ]
            shared, own, counts = choose_thresholds(folds, tunable)
            per_fold = {fold.name: round(fold.counts(lambda label: own.get(label, shared)).f1, 4) for fold in folds}
            print(f"C={c} none_weight={none_weight}: threshold {shared} {own} pooled F1 {counts.f1:.4f} {per_fold}", file=sys.stderr)
            key = (round(counts.f1, 6), -c, none_weight)  # ties: stronger regularisation, less reweighting
            if best is None or key > best[0]:
                best = (key, c, none_weight, shared, own, counts, per_fold)
    _, c, none_weight, shared, own, counts, per_fold = best
    print(
        f"chosen C={c} none_weight={none_weight} threshold={shared} {own}: "
        f"pooled P {counts.precision:.3f} R {counts.recall:.3f} F1 {counts.f1:.3f}",
        file=sys.stderr,
    )

    final = fit(examples, c, none_weight)
    final = replace(final, threshold=shared, thresholds=own)
    metadata = {
        "data": [str(p.relative_to(ROOT.parent if p.is_relative_to(SHARED) else ROOT)) for p in TRAIN_FILES],
        "selection_data": [str(p.relative_to(ROOT)) for p in SELECTION_FILES],
        "documents": len(parsed),
        "pairs": len(examples),
        "label_counts": dict(sorted(label_counts.items())),
        "C": c,
        "none_weight": none_weight,
        "min_count": MIN_COUNT,
        "max_distance": MAX_DISTANCE,
        "heldout_documents": len(holdout),
        "selection": {
            "rules_f1": {fold.name: round(fold.counts().f1, 4) for fold in folds},
            "rules_model_f1": per_fold,
            "pooled_rules_f1": round(baseline.f1, 4),
            "pooled_rules_model_f1": round(counts.f1, 4),
        },
    }
    text = serialise(final, metadata)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(f"{args.out} would change (new sha256 {digest})", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date (sha256 {digest})", file=sys.stderr)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(text.encode('utf-8')) / 1e6:.2f} MB, sha256 {digest})", file=sys.stderr)
    print(f"done in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
