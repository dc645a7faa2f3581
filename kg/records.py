"""Extraction records: the JSON Lines format of ``shared/eval/FORMAT.md``.

A record lists each distinct fact of a document once; the graph keeps every
piece of evidence, the record keeps the strongest.
"""

from __future__ import annotations

from collections import defaultdict

from kg.model import Extraction, Modality, Relation
from kg.ontology import is_symmetric

# When evidence disagrees, the more committed reading of the fact wins ties.
MODALITY_RANK = {Modality.ASSERTED: 0, Modality.REPORTED: 1, Modality.HYPOTHETICAL: 2, Modality.NEGATED: 3}


def fact_key(relation: Relation) -> tuple[str, str, str]:
    source, target = relation.source, relation.target
    if is_symmetric(relation.relation) and target < source:
        source, target = target, source
    return source, relation.relation, target


def strongest(relations: list[Relation]) -> Relation:
    return min(relations, key=lambda r: (-r.confidence, MODALITY_RANK[r.modality], r.evidence.start))


def to_record(extraction: Extraction, *, include_text: bool = False) -> dict:
    names = {e.key: e.name for e in extraction.entities}
    record: dict = {"id": extraction.document.id}
    if include_text:
        record["text"] = extraction.document.text
    record["entities"] = [
        {"name": e.name, "type": e.type.value, "aliases": list(e.aliases)} for e in extraction.entities
    ]
    facts: dict[tuple, list[Relation]] = defaultdict(list)
    for relation in extraction.relations:
        facts[fact_key(relation)].append(relation)
    record["relations"] = []
    for group in facts.values():
        best = strongest(group)
        record["relations"].append(
            {
                "source": names[best.source],
                "relation": best.relation,
                "target": names[best.target],
                "modality": best.modality.value,
                "confidence": best.confidence,
                "rule": best.rule,
                "coreference": best.via_coreference,
                "evidence": {"sentence": best.evidence.sentence, "start": best.evidence.start, "end": best.evidence.end},
            }
        )
    return record
