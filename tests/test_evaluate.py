"""The scorer (shared/eval/FORMAT.md rules) on hand-made records, and the seed acceptance test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import CONFIDENT, evaluate, read_records, score

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared, beside the project
SEED_GOLD = SHARED / "eval" / "seed.gold.jsonl"

KENT = {"name": "George Kent", "type": "Person", "aliases": ["Kent"]}
US = {"name": "United States", "type": "State", "aliases": ["US", "American", "Washington"]}
RUSSIA = {"name": "Russia", "type": "State", "aliases": ["Kremlin", "Moscow"]}
OSCE = {"name": "Organization for Security and Co-operation in Europe", "type": "Organization", "aliases": ["OSCE"]}


def entity(name: str, type_: str, *aliases: str, optional: bool = False) -> dict:
    record = {"name": name, "type": type_, "aliases": list(aliases)}
    if optional:
        record["optional"] = True
    return record


def relation(source: str, name: str, target: str, modality: str = "asserted", **extra) -> dict:
    return {"source": source, "relation": name, "target": target, "modality": modality, **extra}


def record(entities: list[dict], relations: list[dict] = (), id: str = "d1") -> dict:
    return {"id": id, "entities": list(entities), "relations": list(relations)}


def counts(scores, which: str = "entities") -> tuple[int, int, int]:
    c = getattr(scores, which)
    return c.tp, c.fp, c.fn


# ------------------------------------------------------------------ entities


@pytest.mark.parametrize("predicted, expected", [
    # exact name
    ([entity("George Kent", "Person")], (1, 0, 0)),
    # a predicted alias equals the gold name
    ([entity("Mr Kent", "Person", "George Kent")], (1, 0, 0)),
    # the predicted name equals a gold alias
    ([entity("Kent", "Person")], (1, 0, 0)),
    # normalisation: case, punctuation, repeated spaces, NFKC
    ([entity("GEORGE  KENT.", "Person")], (1, 0, 0)),
    ([entity("Ｇｅｏｒｇｅ Ｋｅｎｔ", "Person")], (1, 0, 0)),
    # a leading "the" is dropped
    ([entity("The George Kent", "Person")], (1, 0, 0)),
    # the type must be equal
    ([entity("George Kent", "Organization")], (0, 1, 1)),
    # no shared name
    ([entity("George Kennan", "Person")], (0, 1, 1)),
    # nothing predicted
    ([], (0, 0, 1)),
])
def test_entity_matching(predicted, expected):
    scores = score([record([KENT])], [record(predicted)])
    assert counts(scores) == expected


def test_state_aliases_and_leading_the_match():
    gold = record([US, RUSSIA])
    predicted = record([entity("the United States", "State"), entity("Kremlin", "State")])
    assert counts(score([gold], [predicted])) == (2, 0, 0)


def test_a_duplicate_predicted_entity_is_a_false_positive():
    gold = record([KENT])
    predicted = record([entity("George Kent", "Person"), entity("Kent", "Person")])
    scores = score([gold], [predicted])
    assert counts(scores) == (1, 1, 0)
    assert scores.entities.precision == 0.5 and scores.entities.recall == 1.0


def test_gold_entity_with_several_accepted_types():
    gold = record([entity("Minsk", ["State", "Location"])])
    assert counts(score([gold], [record([entity("Minsk", "Location")])])) == (1, 0, 0)
    assert counts(score([gold], [record([entity("Minsk", "State")])])) == (1, 0, 0)
    assert counts(score([gold], [record([entity("Minsk", "Person")])])) == (0, 1, 1)


@pytest.mark.parametrize("predicted, expected", [
    ([entity("Minsk", "Location")], (0, 0, 0)),  # found: not rewarded
    ([], (0, 0, 0)),  # missed: not penalised
])
def test_optional_gold_entities_are_neither_rewarded_nor_penalised(predicted, expected):
    gold = record([entity("Minsk", "Location", optional=True)])
    assert counts(score([gold], [record(predicted)])) == expected


def test_an_optional_gold_entity_does_not_take_a_needed_match():
    gold = record([entity("Kent", "Person", optional=True), KENT])
    assert counts(score([gold], [record([entity("Kent", "Person")])])) == (1, 0, 0)


# ------------------------------------------------------------------ relations


def _relation_scores(gold_relations, predicted_relations, entities=(KENT, US, RUSSIA, OSCE)):
    gold = record(entities, gold_relations)
    predicted = record(entities, predicted_relations)
    return score([gold], [predicted])


@pytest.mark.parametrize("gold, predicted, expected", [
    # the same directed relation
    (relation("George Kent", "warns", "Russia"), relation("George Kent", "warns", "Russia"), (1, 0, 0)),
    # endpoints named by aliases
    (relation("George Kent", "warns", "Russia"), relation("Kent", "warns", "Kremlin"), (1, 0, 0)),
    # a directed relation reversed does not match
    (relation("George Kent", "warns", "Russia"), relation("Russia", "warns", "George Kent"), (0, 1, 1)),
    (relation("George Kent", "worksFor", "United States"), relation("United States", "worksFor", "George Kent"), (0, 1, 1)),
    # a symmetric relation matches either way
    (relation("United States", "meetsWith", "Russia"), relation("Russia", "meetsWith", "United States"), (1, 0, 0)),
    (relation("United States", "cooperatesWith", "Russia"), relation("Russia", "cooperatesWith", "US"), (1, 0, 0)),
    # another relation name between the same endpoints
    (relation("George Kent", "warns", "Russia"), relation("George Kent", "threatens", "Russia"), (0, 1, 1)),
])
def test_relation_matching(gold, predicted, expected):
    assert counts(_relation_scores([gold], [predicted]), "relations") == expected


def test_untyped_relations_ignore_the_name_but_not_the_direction():
    scores = _relation_scores([relation("George Kent", "warns", "Russia")], [relation("George Kent", "threatens", "Russia")])
    assert counts(scores, "relations") == (0, 1, 1)
    assert counts(scores, "untyped") == (1, 0, 0)
    scores = _relation_scores([relation("George Kent", "warns", "Russia")], [relation("Russia", "threatens", "George Kent")])
    assert counts(scores, "untyped") == (0, 1, 1)


def test_a_repeated_relation_is_a_false_positive():
    fact = relation("George Kent", "warns", "Russia")
    scores = _relation_scores([fact], [fact, relation("Kent", "warns", "Moscow")])
    assert counts(scores, "relations") == (1, 1, 0)


@pytest.mark.parametrize("predicted, expected", [
    ([relation("George Kent", "citizenOf", "United States")], (0, 0, 0)),
    ([], (0, 0, 0)),
])
def test_optional_gold_relations_are_neither_rewarded_nor_penalised(predicted, expected):
    gold = [relation("George Kent", "citizenOf", "United States", optional=True)]
    assert counts(_relation_scores(gold, predicted), "relations") == expected


def test_modality_accuracy_is_counted_over_matched_relations():
    gold = [
        relation("George Kent", "warns", "Russia", "asserted"),
        relation("Russia", "sanctions", "United States", "hypothetical"),
        relation("OSCE", "supports", "United States", "reported"),
        relation("George Kent", "criticizes", "OSCE", "negated"),  # not predicted: not counted
    ]
    predicted = [
        relation("George Kent", "warns", "Russia", "asserted"),  # right
        relation("Russia", "sanctions", "United States", "asserted"),  # wrong modality
        {"source": "OSCE", "relation": "supports", "target": "United States"},  # missing means asserted: wrong
        relation("US", "attacks", "Russia", "hypothetical"),  # unmatched: not counted
    ]
    scores = _relation_scores(gold, predicted)
    assert counts(scores, "relations") == (3, 1, 1)
    assert scores.modality_matched == 3 and scores.modality_correct == 1
    assert scores.modality_accuracy == pytest.approx(1 / 3)


def test_modality_does_not_decide_a_match():
    scores = _relation_scores([relation("George Kent", "warns", "Russia", "hypothetical")],
                              [relation("George Kent", "warns", "Russia", "negated")])
    assert counts(scores, "relations") == (1, 0, 0)
    assert scores.modality_accuracy == 0.0


def test_confident_relations_count_only_high_confidence_predictions():
    gold = [relation("George Kent", "warns", "Russia"), relation("George Kent", "worksFor", "United States")]
    predicted = [
        relation("George Kent", "warns", "Russia", confidence=CONFIDENT),
        relation("George Kent", "worksFor", "United States", confidence=CONFIDENT - 0.1),
        relation("Russia", "attacks", "United States", confidence=0.95),
    ]
    scores = _relation_scores(gold, predicted)
    assert (scores.confident.tp, scores.confident.fp) == (1, 1)
    assert counts(scores, "relations") == (2, 1, 0)


# ------------------------------------------------------------------ documents and mapping


def test_scores_are_micro_averaged_over_records_matched_on_id():
    gold = [record([KENT], id="a"), record([US, RUSSIA], id="b")]
    predicted = [record([entity("United States", "State")], id="b"), record([KENT], id="a")]
    scores = score(gold, predicted)
    assert scores.documents == 2
    assert counts(scores) == (2, 0, 1)
    assert scores.entities.precision == 1.0 and scores.entities.recall == pytest.approx(2 / 3)
    assert scores.entities.f1 == pytest.approx(0.8)


def test_a_gold_record_without_prediction_counts_as_all_missed():
    scores = score([record([KENT, US], [relation("George Kent", "worksFor", "United States")], id="x")], [])
    assert counts(scores) == (0, 0, 2)
    assert counts(scores, "relations") == (0, 0, 1)


def test_mapping_renames_relations_and_types():
    gold = record(
        [entity("George Kent", "Peop"), entity("United States", "Loc")],
        [relation("George Kent", "Work_For", "United States")],
    )
    predicted = record([KENT, US], [relation("George Kent", "worksFor", "United States")])
    unmapped = score([gold], [predicted])
    assert counts(unmapped) == (0, 2, 2) and counts(unmapped, "relations") == (0, 1, 1)
    mapping = {"relations": {"worksFor": "Work_For"}, "types": {"Person": "Peop", "State": "Loc"}}
    mapped = score([gold], [predicted], mapping=mapping)
    assert counts(mapped) == (2, 0, 0)
    assert counts(mapped, "relations") == (1, 0, 0)


def test_as_dict_reports_every_score():
    scores = score([record([KENT], [relation("George Kent", "warns", "Russia")])],
                   [record([KENT, RUSSIA], [relation("Kent", "warns", "Russia")])])
    result = scores.as_dict(by_type=True)
    assert result["entities"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667, "tp": 1, "fp": 1, "fn": 0}
    assert result["relations"]["tp"] == 1 and result["untyped_relations"]["tp"] == 1
    assert result["entity_types"]["State"]["fp"] == 1
    assert result["relation_types"]["warns"]["tp"] == 1
    json.dumps(result)


def test_read_records_reports_the_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text('{"id": "a", "entities": []}\n\n{"id": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:3"):
        read_records(path)
    path.write_text('{"entities": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r'needs an "id"'):
        read_records(path)
    with pytest.raises(InputError, match="no such file"):
        read_records(tmp_path / "missing.jsonl")


# ------------------------------------------------------------------ acceptance: the seed article


@pytest.fixture(scope="module")
def seed_scores():
    if not SEED_GOLD.is_file():
        pytest.skip("../shared/eval/seed.gold.jsonl is not beside the project")
    return evaluate(SEED_GOLD)


def test_seed_gold_has_seven_required_relations():
    if not SEED_GOLD.is_file():
        pytest.skip("../shared/eval/seed.gold.jsonl is not beside the project")
    [gold] = read_records(SEED_GOLD)
    assert sum(not r.get("optional") for r in gold["relations"]) == 7


def test_seed_article_entities(seed_scores):
    assert seed_scores.documents == 1
    assert seed_scores.entities.f1 >= 0.9, seed_scores.errors


def test_seed_article_finds_every_required_relation(seed_scores):
    missed = [e for e in seed_scores.errors if e["kind"] == "relation-fn"]
    assert seed_scores.relations.tp == 7, missed
    assert seed_scores.relations.recall == 1.0, missed


def test_mapping_by_target_type_renames_before_the_plain_table():
    putin, party = entity("Vladimir Putin", "Person"), entity("United Russia", "Organization")
    gold = record(
        [putin, RUSSIA, party],
        [relation("Vladimir Putin", "livesIn", "Russia"), relation("Vladimir Putin", "worksFor", "United Russia")],
    )
    predicted = record(
        [putin, RUSSIA, party],
        [relation("Vladimir Putin", "leaderOf", "Russia"), relation("Vladimir Putin", "leaderOf", "United Russia")],
    )
    mapping = {"relations": {"leaderOf": "worksFor"}, "relations_by_target_type": {"State": {"leaderOf": "livesIn"}}}
    assert counts(score([gold], [predicted], mapping=mapping), "relations") == (2, 0, 0)
    assert counts(score([gold], [predicted], mapping={"relations": {"leaderOf": "worksFor"}}), "relations") == (1, 1, 1)
