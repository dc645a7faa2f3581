"""The statistical relation classifier (kg/classifier.py) and its hook in extraction."""

from __future__ import annotations

import pytest

from kg.classifier import (
    MODEL_ENV,
    MODEL_PATH,
    NONE,
    RULE,
    candidate_pairs,
    load_model,
    pair_features,
    predict_candidates,
)
from kg.extract import extract
from kg.model import Document, Extraction
from kg.ontology import relation_types

SPOKESMAN = "John Smith, a spokesman for Acme Corp., said the company would appeal the ruling."
# The rules have no title for "assassin": only the model reads a killing here.
SHOOTING = "Lee Harvey Oswald, the assassin of John F. Kennedy, lived in Dallas."


def extract_text(text: str, **options) -> Extraction:
    return next(extract([Document(id="test", text=text)], **options))


def triples(extraction: Extraction) -> set[tuple[str, str, str, str]]:
    names = {e.key: e.name for e in extraction.entities}
    return {(names[r.source], r.relation, names[r.target], r.modality.value) for r in extraction.relations}


@pytest.fixture(scope="module")
def nlp_tools():
    from kg.gazetteer import load_gazetteer
    from kg.lexicon import load_lexicon
    from kg.nlp import load

    return load(), load_gazetteer(), load_lexicon()


def _analyse(text: str, nlp_tools):
    from kg.entities import analyse_entities

    nlp, gazetteer, lexicon = nlp_tools
    doc = nlp(text)
    return doc, analyse_entities(doc, gazetteer, lexicon)


def test_classifier_artifact_loads_with_ontology_labels():
    model = load_model()
    assert MODEL_PATH.stat().st_size < 5_000_000
    assert NONE in model.labels and "worksFor" in model.labels
    assert set(model.labels) - {NONE} <= set(relation_types())
    assert model.weights.shape == (len(model.vocabulary), len(model.labels))
    assert 0 < model.threshold <= 1
    assert all(label in model.labels for label in model.thresholds)


def test_classifier_features_are_deterministic(nlp_tools):
    lexicon = nlp_tools[2]
    runs = []
    for _ in range(2):
        doc, analysis = _analyse(SPOKESMAN, nlp_tools)
        runs.append([pair_features(doc, analysis, s, t, lexicon) for s, t in candidate_pairs(analysis)])
    assert runs[0] == runs[1]
    assert runs[0], "the sentence should yield candidate pairs"
    for features in runs[0]:
        assert features == sorted(set(features))
        assert "types=Person>Organization" in features or "types=Organization>Person" in features


def test_classifier_reads_works_for_from_spokesman_apposition(nlp_tools):
    doc, analysis = _analyse(SPOKESMAN, nlp_tools)
    candidates = predict_candidates(doc, analysis, nlp_tools[2], nlp_tools[1])
    found = {(c.source.text, c.relation, c.target.text): c for c in candidates}
    candidate = found.get(("John Smith", "worksFor", "Acme Corp."))
    assert candidate is not None, f"model candidates: {sorted(found)}"
    assert candidate.rule == RULE
    assert load_model().threshold_for("worksFor") <= candidate.confidence <= 1


def test_classifier_adds_edges_marked_model(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)
    extraction = extract_text(SHOOTING)
    assert ("Lee Harvey Oswald", "kills", "John F. Kennedy", "asserted") in triples(extraction)
    assert {r.rule for r in extraction.relations if r.relation == "kills"} == {RULE}


@pytest.mark.parametrize("text", [SPOKESMAN, SHOOTING])
def test_classifier_disabled_by_environment(monkeypatch, text):
    monkeypatch.setenv(MODEL_ENV, "0")
    extraction = extract_text(text)
    assert all(r.rule != RULE for r in extraction.relations)


def test_classifier_disabled_by_argument(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)
    extraction = extract_text(SHOOTING, use_model=False)
    assert all(r.rule != RULE for r in extraction.relations)


def test_classifier_leaves_pairs_the_rules_relate_to_the_rules(monkeypatch):
    monkeypatch.delenv(MODEL_ENV, raising=False)
    extraction = extract_text(SPOKESMAN)
    rules = {(r.source, r.target, r.evidence.start) for r in extraction.relations if r.rule != RULE}
    assert rules, "the title rule relates the spokesman and the company"
    for relation in extraction.relations:
        if relation.rule == RULE:
            assert (relation.source, relation.target, relation.evidence.start) not in rules
            assert (relation.target, relation.source, relation.evidence.start) not in rules
