"""Scoring extraction records against gold records (``shared/eval/FORMAT.md``).

Names are normalised, an entity matches through any of its names and
aliases, each gold item is matched at most once, optional gold items are
neither rewarded nor penalised, and symmetric relations match either way.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError
from kg.model import Document
from kg.names import normalize
from kg.ontology import relation_types

CONFIDENT = 0.8  # the threshold for "high-confidence" precision


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
        }


@dataclass
class Scores:
    documents: int = 0
    entities: Counts = field(default_factory=Counts)
    relations: Counts = field(default_factory=Counts)
    untyped: Counts = field(default_factory=Counts)
    confident: Counts = field(default_factory=Counts)  # relations with confidence >= CONFIDENT
    modality_matched: int = 0
    modality_correct: int = 0
    entity_types: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    relation_types: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    rules: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))  # by the rule that found the edge (tp, fp)
    errors: list[dict] = field(default_factory=list)

    @property
    def modality_accuracy(self) -> float:
        return self.modality_correct / self.modality_matched if self.modality_matched else 0.0

    def as_dict(self, *, by_type: bool = False) -> dict:
        result = {
            "documents": self.documents,
            "entities": self.entities.as_dict(),
            "relations": self.relations.as_dict(),
            "untyped_relations": self.untyped.as_dict(),
            "confident_relations": {"threshold": CONFIDENT, **self.confident.as_dict()},
            "modality_accuracy": round(self.modality_accuracy, 4),
            "modality_matched": self.modality_matched,
        }
        if by_type:
            result["entity_types"] = {k: v.as_dict() for k, v in sorted(self.entity_types.items())}
            result["relation_types"] = {k: v.as_dict() for k, v in sorted(self.relation_types.items())}
            result["rules"] = {k: v.as_dict() for k, v in sorted(self.rules.items())}
        return result


def _names(entity: dict) -> set[str]:
    return {normalize(n) for n in [entity["name"], *entity.get("aliases", [])] if normalize(n)}


def _types(entity: dict) -> set[str]:
    value = entity["type"]
    return set(value) if isinstance(value, list) else {value}


def _match_entities(gold: list[dict], predicted: list[dict], scores: Scores) -> None:
    used: set[int] = set()
    # Non-optional gold first, so an optional item never takes a needed match.
    order = sorted(range(len(gold)), key=lambda i: bool(gold[i].get("optional")))
    for entity in predicted:
        names, type_ = _names(entity), entity["type"]
        match = next((i for i in order if i not in used and type_ in _types(gold[i]) and names & _names(gold[i])), None)
        if match is None:
            scores.entities.fp += 1
            scores.entity_types[type_].fp += 1
            scores.errors.append({"kind": "entity-fp", "entity": entity["name"], "type": type_})
            continue
        used.add(match)
        if not gold[match].get("optional"):
            scores.entities.tp += 1
            scores.entity_types[type_].tp += 1
    for i, entity in enumerate(gold):
        if i not in used and not entity.get("optional"):
            scores.entities.fn += 1
            scores.entity_types[sorted(_types(entity))[0]].fn += 1
            scores.errors.append({"kind": "entity-fn", "entity": entity["name"]})


def _endpoint_names(record: dict) -> dict[str, set[str]]:
    return {normalize(e["name"]): _names(e) for e in record.get("entities", [])}


def _relation_matches(pred: dict, gold: dict, pred_names, gold_names, *, typed: bool) -> bool:
    if typed and pred["relation"] != gold["relation"]:
        return False

    def names(table, name):
        return table.get(normalize(name), {normalize(name)})

    ps, pt = names(pred_names, pred["source"]), names(pred_names, pred["target"])
    gs, gt = names(gold_names, gold["source"]), names(gold_names, gold["target"])
    if ps & gs and pt & gt:
        return True
    symmetric = typed and relation_types().get(gold["relation"]) is not None and relation_types()[gold["relation"]].symmetric
    return symmetric and bool(ps & gt and pt & gs)


def _match_relations(gold_record: dict, pred_record: dict, scores: Scores, *, typed: bool) -> None:
    gold, predicted = gold_record.get("relations", []), pred_record.get("relations", [])
    gold_names, pred_names = _endpoint_names(gold_record), _endpoint_names(pred_record)
    counts = scores.relations if typed else scores.untyped
    used: set[int] = set()
    order = sorted(range(len(gold)), key=lambda i: bool(gold[i].get("optional")))
    for relation in predicted:
        match = next(
            (i for i in order if i not in used and _relation_matches(relation, gold[i], pred_names, gold_names, typed=typed)),
            None,
        )
        confident = typed and relation.get("confidence", 1.0) >= CONFIDENT
        if match is None:
            counts.fp += 1
            if typed:
                scores.relation_types[relation["relation"]].fp += 1
                scores.rules[relation.get("rule", "unknown")].fp += 1
                scores.errors.append({"kind": "relation-fp", "document": pred_record.get("id"), **_brief(relation)})
                if confident:
                    scores.confident.fp += 1
            continue
        used.add(match)
        if gold[match].get("optional"):
            continue
        counts.tp += 1
        if typed:
            scores.relation_types[relation["relation"]].tp += 1
            scores.rules[relation.get("rule", "unknown")].tp += 1
            if confident:
                scores.confident.tp += 1
            scores.modality_matched += 1
            if relation.get("modality", "asserted") == gold[match].get("modality", "asserted"):
                scores.modality_correct += 1
            else:
                scores.errors.append({"kind": "modality", "document": pred_record.get("id"), **_brief(relation), "gold": gold[match].get("modality", "asserted")})
    for i, relation in enumerate(gold):
        if i not in used and not relation.get("optional"):
            counts.fn += 1
            if typed:
                scores.relation_types[relation["relation"]].fn += 1
                scores.errors.append({"kind": "relation-fn", "document": gold_record.get("id"), **_brief(relation)})


def _brief(relation: dict) -> dict:
    return {k: relation.get(k) for k in ("source", "relation", "target", "modality")}


def apply_mapping(record: dict, mapping: dict) -> dict:
    """Rename relation and type names in a record.

    ``{"relations": {...}, "types": {...}, "relations_by_target_type": {TYPE: {...}}}``:
    a relation whose target has TYPE is renamed by that table first, for sets whose
    relation names imply their argument types (CoNLL04's Work_For holds between a
    person and an organization; a person's role in a state is its Live_In).
    """
    relations, types = mapping.get("relations", {}), mapping.get("types", {})
    by_target = mapping.get("relations_by_target_type", {})
    type_of = {e["name"]: e["type"] for e in record.get("entities", [])}

    def renamed(relation: dict) -> str:
        name = relation["relation"]
        table = by_target.get(type_of.get(relation["target"]), {})
        return table.get(name) or relations.get(name, name)

    return {
        **record,
        "entities": [{**e, "type": types.get(e["type"], e["type"]) if isinstance(e["type"], str) else e["type"]} for e in record.get("entities", [])],
        "relations": [{**r, "relation": renamed(r)} for r in record.get("relations", [])],
    }


def score(gold: Iterable[dict], predicted: Iterable[dict], *, mapping: dict | None = None) -> Scores:
    """Micro-averaged scores of predicted records against gold records, matched on ``id``."""
    by_id = {record["id"]: record for record in predicted}
    scores = Scores()
    for gold_record in gold:
        pred_record = by_id.get(gold_record["id"], {"id": gold_record["id"], "entities": [], "relations": []})
        if mapping:
            pred_record = apply_mapping(pred_record, mapping)
        scores.documents += 1
        _match_entities(gold_record.get("entities", []), pred_record.get("entities", []), scores)
        _match_relations(gold_record, pred_record, scores, typed=True)
        _match_relations(gold_record, pred_record, scores, typed=False)
    return scores


def read_records(path: str | Path) -> list[dict]:
    """Gold or extraction records from a JSON Lines file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"{path}:{number}: not valid JSON ({error.msg})") from None
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(f'{path}:{number}: a record needs an "id"')
        records.append(record)
    return records


def evaluate(gold_path: str | Path, *, model: str | None = None, mapping: dict | None = None) -> Scores:
    """Run extraction on the gold texts and score it."""
    from kg.extract import extract
    from kg.records import to_record

    gold = read_records(gold_path)
    documents = [gold_document(r) for r in gold if "text" in r]
    predicted = [to_record(extraction) for extraction in extract(documents, model=model)]
    return score(gold, predicted, mapping=mapping)


def gold_document(record: dict) -> Document:
    """The document a gold record's text is, as kg reads it (its headline line as title)."""
    return Document(id=record["id"], text=record["text"], title=_headline(record["text"]))


def _headline(text: str) -> str | None:
    """Gold texts of whole articles start with a headline line followed by a blank line."""
    first, _, rest = text.partition("\n")
    return first.strip() if rest.startswith("\n") and first.strip() else None


def summary_counts(records: Iterable[dict]) -> Counter:
    return Counter(r["relation"] for record in records for r in record.get("relations", []))
