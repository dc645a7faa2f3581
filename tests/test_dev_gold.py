"""Structural checks of the team's gold files (eval/dev/*.gold.jsonl).

Every file present is checked, heldout included, but a failure in a file whose
name starts with "heldout" reports only the line number and the check's name:
nobody may read that split's records, not even through a failing test.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from kg.evaluate import gold_document
from kg.ingest import clean, masked_text
from kg.model import EntityType
from kg.names import normalize
from kg.ontology import relation_types

DEV = Path(__file__).resolve().parent.parent / "eval" / "dev"
GOLD_FILES = sorted(DEV.glob("*.gold.jsonl"))
MODALITIES = {"asserted", "hypothetical", "negated", "reported"}
ENTITY_TYPES = {t.value for t in EntityType}


def _private(path: Path) -> bool:
    return path.name.startswith("heldout")


@cache
def _lines(path: Path) -> tuple[tuple[int, str], ...]:
    text = path.read_text(encoding="utf-8")
    return tuple((number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip())


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, record) of every line that parses to an object (test_lines_parse covers the rest)."""
    for number, line in _lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict):
            yield number, record


def _types(entity: dict) -> set[str]:
    value = entity.get("type")
    return set(value) if isinstance(value, list) else {value}


def _surface_forms(entity: dict) -> list[str]:
    return [entity.get("name", ""), *entity.get("aliases", [])]


# ----------------------------------------------------------------- record checks
# Each takes one record and yields what is wrong with it.


def shape(record: dict) -> Iterator[str]:
    if not isinstance(record.get("id"), str) or not record["id"]:
        yield "no string id"
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        yield "no text"
    for entity in record.get("entities", []):
        if not isinstance(entity.get("name"), str) or not entity["name"].strip():
            yield f"an entity without a name: {entity}"
        aliases = entity.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            yield f"{entity.get('name')}: aliases must be a list of non-empty strings"
    for item in [*record.get("entities", []), *record.get("relations", [])]:
        if not isinstance(item.get("optional", False), bool):
            yield f"{item}: optional must be true or false"


def entity_types(record: dict) -> Iterator[str]:
    for entity in record.get("entities", []):
        value = entity.get("type")
        if not (isinstance(value, str) or (isinstance(value, list) and value)) or not _types(entity) <= ENTITY_TYPES:
            yield f"{entity.get('name')}: type {value!r} is not one of {sorted(ENTITY_TYPES)}"


def entities_in_text(record: dict) -> Iterator[str]:
    """Each entity is written outside boilerplate, by its name or an alias (or in capitals, as in a dateline)."""
    text = masked_text(clean(gold_document(record)))
    for entity in record.get("entities", []):
        if not any(form and (form in text or form.upper() in text) for form in _surface_forms(entity)):
            yield f"{entity.get('name')}: neither the name nor an alias occurs outside boilerplate"


def relation_names(record: dict) -> Iterator[str]:
    for relation in record.get("relations", []):
        if relation.get("relation") not in relation_types():
            yield f"{relation.get('relation')!r} is not a relation of the ontology"


def endpoints(record: dict) -> Iterator[str]:
    names = {entity.get("name") for entity in record.get("entities", [])}
    for relation in record.get("relations", []):
        for end in ("source", "target"):
            if relation.get(end) not in names:
                yield f"{relation.get(end)!r} ({end} of {relation.get('relation')}) is not an entity of the record"


def modalities(record: dict) -> Iterator[str]:
    for relation in record.get("relations", []):
        if relation.get("modality", "asserted") not in MODALITIES:
            fact = f"{relation.get('source')} {relation.get('relation')} {relation.get('target')}"
            yield f"{fact}: modality {relation.get('modality')!r}"


def unique_facts(record: dict) -> Iterator[str]:
    """A fact is listed once; a symmetric relation counts in both directions."""
    seen: Counter = Counter()
    for relation in record.get("relations", []):
        name, source, target = relation.get("relation"), relation.get("source"), relation.get("target")
        symmetric = name in relation_types() and relation_types()[name].symmetric
        seen[(name, *sorted((source, target))) if symmetric else (source, name, target)] += 1
    for fact, count in seen.items():
        if count > 1:
            yield f"{fact} is listed {count} times"


def distinct_aliases(record: dict) -> Iterator[str]:
    """No normalised surface form (FORMAT.md) names two entities of a record."""
    owners: dict[str, set[str]] = {}
    for entity in record.get("entities", []):
        for form in _surface_forms(entity):
            if normalize(form):
                owners.setdefault(normalize(form), set()).add(entity.get("name"))
    for form, names in owners.items():
        if len(names) > 1:
            yield f"{form!r} names {sorted(names)}"


def domains(record: dict) -> Iterator[str]:
    """Endpoints have a type the relation allows; interactions link actors, never a bare place."""
    types = {entity.get("name"): _types(entity) for entity in record.get("entities", [])}
    for relation in record.get("relations", []):
        kind = relation_types().get(relation.get("relation"))
        source, target = relation.get("source"), relation.get("target")
        if kind is None or source not in types or target not in types:
            continue  # relation_names and endpoints report these
        if not types[source] & set(kind.domain):
            yield f"{source} ({sorted(types[source])}) cannot be the source of {kind.name}"
        if not types[target] & set(kind.range):
            yield f"{target} ({sorted(types[target])}) cannot be the target of {kind.name}"


RECORD_CHECKS: list[Callable[[dict], Iterator[str]]] = [
    shape, entity_types, entities_in_text, relation_names, endpoints, modalities, unique_facts, distinct_aliases, domains,
]


def _failures(path: Path, check: Callable[[dict], Iterator[str]]) -> list[str]:
    failures = []
    for number, record in _records(path):
        problems = list(check(record))
        if problems and _private(path):
            failures.append(f"line {number}: {len(problems)} problem(s)")
        else:
            failures.extend(f"line {number} ({record.get('id')}): {problem}" for problem in problems)
    return failures


def test_there_are_gold_files():
    assert {"tune.gold.jsonl", "heldout.gold.jsonl"} <= {path.name for path in GOLD_FILES}


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name for p in GOLD_FILES])
def test_lines_parse_to_records(path):
    bad = []
    for number, line in _lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            bad.append(number)
            continue
        if not isinstance(record, dict):
            bad.append(number)
    assert not bad, f"{path.name}: lines that are not JSON objects: {bad}"


@pytest.mark.parametrize(
    "path, check",
    [(path, check) for path in GOLD_FILES for check in RECORD_CHECKS],
    ids=[f"{path.name}-{check.__name__}" for path in GOLD_FILES for check in RECORD_CHECKS],
)
def test_records_pass(path, check):
    failures = _failures(path, check)
    assert not failures, f"{path.name} fails {check.__name__}:\n" + "\n".join(failures)


def test_ids_are_unique_across_files():
    where: dict[str, list[str]] = {}
    for path in GOLD_FILES:
        for number, record in _records(path):
            where.setdefault(str(record.get("id")), []).append(f"{path.name}:{number}")
    repeated = {record_id: places for record_id, places in where.items() if len(places) > 1}
    # Print places only: an id of the private split is content too.
    assert not repeated, f"ids used more than once, at: {sorted(repeated.values())}"


# ----------------------------------------------------------------- the checks themselves


def _record(entities, relations=(), text="Putin met Xi in Moscow."):
    return {"id": "t", "text": text, "entities": list(entities), "relations": list(relations)}


PUTIN = {"name": "Vladimir Putin", "type": "Person", "aliases": ["Putin"]}
XI = {"name": "Xi Jinping", "type": "Person", "aliases": ["Xi"]}
MOSCOW = {"name": "Moscow", "type": "Location", "aliases": []}


def _rel(source, relation, target, **more):
    return {"source": source, "relation": relation, "target": target, **more}


@pytest.mark.parametrize(
    "check, record",
    [
        (shape, _record([{**PUTIN, "aliases": "Putin"}])),
        (entity_types, _record([{**PUTIN, "type": "Human"}])),
        (entity_types, _record([{**PUTIN, "type": ["Person", "City"]}])),
        (entities_in_text, _record([PUTIN, {"name": "Joe Biden", "type": "Person", "aliases": ["Biden"]}])),
        (entities_in_text, _record([PUTIN, {"name": "Joe Biden", "type": "Person", "aliases": []}],
                                   text="Putin spoke.\n\nFILE PHOTO: Joe Biden in Rome.")),
        (relation_names, _record([PUTIN, XI], [_rel("Vladimir Putin", "hugs", "Xi Jinping")])),
        (endpoints, _record([PUTIN, XI], [_rel("Putin", "meetsWith", "Xi Jinping")])),
        (modalities, _record([PUTIN, XI], [_rel("Vladimir Putin", "meetsWith", "Xi Jinping", modality="maybe")])),
        (unique_facts, _record([PUTIN, XI], [_rel("Vladimir Putin", "meetsWith", "Xi Jinping"),
                                             _rel("Xi Jinping", "meetsWith", "Vladimir Putin")])),
        (unique_facts, _record([PUTIN, XI], [_rel("Vladimir Putin", "warns", "Xi Jinping"),
                                             _rel("Vladimir Putin", "warns", "Xi Jinping", modality="negated")])),
        (distinct_aliases, _record([PUTIN, {**XI, "aliases": ["Xi", "the PUTIN"]}])),
        (domains, _record([PUTIN, MOSCOW], [_rel("Moscow", "warns", "Vladimir Putin")])),
        (domains, _record([PUTIN, MOSCOW], [_rel("Vladimir Putin", "leaderOf", "Moscow")])),
    ],
)
def test_each_check_finds_its_fault(check, record):
    assert list(check(record))


def test_a_sound_record_passes_every_check():
    record = _record(
        [PUTIN, XI, MOSCOW, {"name": "Taiwan", "type": ["State", "Location"], "aliases": []}],
        [_rel("Vladimir Putin", "meetsWith", "Xi Jinping"), _rel("Xi Jinping", "warns", "Vladimir Putin"),
         _rel("Vladimir Putin", "threatens", "Taiwan", modality="hypothetical", optional=True)],
        text="MOSCOW - Putin met Xi and spoke of Taiwan.",
    )
    assert {check.__name__: list(check(record)) for check in RECORD_CHECKS} == {c.__name__: [] for c in RECORD_CHECKS}


def test_a_failure_in_heldout_does_not_show_the_record(tmp_path):
    secret = "Zbigniew Secretname"
    path = tmp_path / "heldout.gold.jsonl"
    path.write_text(json.dumps(_record([{"name": secret, "type": "Person", "aliases": []}])) + "\n", encoding="utf-8")
    failures = _failures(path, entities_in_text)
    assert failures == ["line 1: 1 problem(s)"]
