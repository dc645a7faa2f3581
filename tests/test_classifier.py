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
    assert MODEL_PATH.stat().st_size < 10_000_000  # committed to the repository: kept under 10 MB
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


def test_classifier_scores_a_documents_pairs_at_once_as_it_scores_each(nlp_tools):
    """Batched scoring (one pass per document) gives every pair the same features and
    the same probabilities, to the last bit, as scoring the pairs one by one."""
    import numpy as np

    from kg.classifier import DocumentFeatures

    lexicon, model = nlp_tools[2], load_model()
    text = " ".join([SPOKESMAN, SHOOTING, "Russian President Vladimir Putin met Chinese leader Xi Jinping in Moscow.",
                     "NATO Secretary-General Mark Rutte warned Russia, and the European Union imposed sanctions on Iran."])
    doc, analysis = _analyse(text, nlp_tools)
    pairs = DocumentFeatures(doc, analysis, lexicon).pairs()
    assert len(pairs) > 10
    batch = model.batch_probabilities([features for _, _, features in pairs])
    for (source, target, features), row in zip(pairs, batch):
        assert features == pair_features(doc, analysis, source, target, lexicon)
        assert row.tobytes() == np.asarray(model.probabilities(features)).tobytes()
        allowed = frozenset(relation_types()) & frozenset(model.labels)
        assert model.best_of(row, allowed) == model.best(features, allowed)


MIXED = " ".join([
    SPOKESMAN, SHOOTING, "Russian President Vladimir Putin met Chinese leader Xi Jinping in Moscow.",
    "NATO Secretary-General Mark Rutte warned Russia, and the European Union imposed sanctions on Iran.",
])


def test_classifier_indexed_features_are_the_sorted_vocabulary_indices_of_the_string_features(nlp_tools):
    """The run-time path (vocabulary indices, never sorting strings) reads the same
    features as the string path the training script uses."""
    from kg.classifier import DocumentFeatures

    lexicon, model = nlp_tools[2], load_model()
    doc, analysis = _analyse(MIXED, nlp_tools)
    strings = DocumentFeatures(doc, analysis, lexicon).pairs()
    indexed = DocumentFeatures(doc, analysis, lexicon).indexed_pairs(model.vocabulary)
    assert [(s, t) for s, t, _ in strings] == [(s, t) for s, t, _ in indexed]
    for (_, _, features), (_, _, indices) in zip(strings, indexed):
        assert indices == [model.vocabulary[f] for f in features if f in model.vocabulary]
        assert indices == sorted(indices)


def test_classifier_features_name_the_mentions_words(nlp_tools):
    doc, analysis = _analyse(SPOKESMAN, nlp_tools)
    pairs = {(s.text, t.text): pair_features(doc, analysis, s, t, nlp_tools[2]) for s, t in candidate_pairs(analysis)}
    features = pairs[("John Smith", "Acme Corp.")]
    assert {"s_head=smith", "s_w=john", "t_w=acme"} <= set(features)
    assert not any(f.startswith("t_w=john") for f in features)


def test_classifier_picks_every_rows_best_label_at_once_as_row_by_row(nlp_tools):
    from kg.classifier import DocumentFeatures, _valid_labels

    lexicon, model = nlp_tools[2], load_model()
    doc, analysis = _analyse(MIXED, nlp_tools)
    pairs = DocumentFeatures(doc, analysis, lexicon).pairs()
    probabilities = model.batch_probabilities([features for _, _, features in pairs])
    allowed = [_valid_labels(s.type, t.type) for s, t, _ in pairs]
    assert model.best_rows(probabilities, allowed) == [model.best_of(row, a) for row, a in zip(probabilities, allowed)]


def _tiny_model():
    """A hand-made model over three features and labels none, kills, worksFor."""
    import numpy as np

    from kg.classifier import RelationModel

    rng = np.random.default_rng(7)
    return RelationModel(
        labels=("kills", NONE, "worksFor"),
        vocabulary={"a": 0, "b": 1, "c": 2},
        weights=rng.normal(size=(3, 3)).round(6),
        intercepts=rng.normal(size=3).round(6),
        threshold=0.5,
    )


@pytest.mark.parametrize(
    ("features", "expected"),
    [([], "intercepts only"), (["a", "c", "unknown"], "a and c"), (["c", "b"], "unsorted"), (["a", "b", "c"], "all")],
)
def test_classifier_scores_alone_and_in_a_batch_alike(features, expected):
    """A pair's probabilities do not depend on the other pairs of its batch nor on
    the order of its features, and they are a distribution."""
    import numpy as np

    model = _tiny_model()
    rows = model.batch_probabilities([["b"], features, ["a", "b", "c"], []])
    alone = model.probabilities(features)
    assert rows[1].tobytes() == np.asarray(alone).tobytes(), expected
    assert np.asarray(model.probabilities(sorted(features))).tobytes() == alone.tobytes()
    assert abs(float(alone.sum()) - 1.0) < 1e-12


def test_classifier_rejects_an_artifact_of_another_format():
    from kg.classifier import FORMAT_VERSION, RelationModel

    with pytest.raises(ValueError, match="format 1 is not .*regenerate it with scripts/train_relations.py"):
        RelationModel.from_json({"format": 1, "labels": [NONE], "intercepts": [0.0], "threshold": 0.5, "weights": {}})
    assert FORMAT_VERSION != 1


def test_classifier_leaves_out_ruled_pairs_before_scoring_as_it_would_after(nlp_tools):
    """model_relations does not score the pairs the rules relate in a sentence; its
    relations are those of scoring every pair and dropping the ruled ones after."""
    from kg.classifier import model_relations
    from kg.relations import _Rules, _to_relation, extract_relations

    nlp, gazetteer, lexicon = nlp_tools
    doc, analysis = _analyse(MIXED, nlp_tools)
    rules = _Rules(doc, analysis, lexicon, gazetteer)
    ruled_relations = extract_relations(doc, analysis, lexicon, gazetteer, document_id="test", rules=rules)
    ruled = {(frozenset((r.source, r.target)), r.evidence.start) for r in ruled_relations}
    assert ruled, "the rules relate some pairs of the text"
    best = {}
    for candidate in predict_candidates(doc, analysis, lexicon, gazetteer, rules=rules, threshold=0.3):
        relation = _to_relation(candidate, doc, rules, "test")
        if relation is None:
            continue
        key = (frozenset((relation.source, relation.target)), relation.evidence.start)
        if key not in ruled and (key not in best or relation.confidence > best[key].confidence):
            best[key] = relation
    expected = sorted(best.values(), key=lambda r: (r.evidence.start, r.source, r.relation, r.target))
    found = model_relations(
        doc, analysis, lexicon, gazetteer, document_id="test", rule_relations=ruled_relations, rules=rules, threshold=0.3
    )
    assert expected and found == expected


@pytest.mark.parametrize(("text", "source", "label", "target", "event"), [
    # The path's top is the speech verb; the event it reports is deeper, in its own clause.
    ("The EU's foreign policy chief said the bloc could sanction Belarus.", "EU", "sanctions", "Belarus", "sanction"),
    ("A Kremlin aide said Moscow had warned Kyiv.", "Moscow", "warns", "Kyiv", "warned"),
    ("Officials said the invasion of Georgia by Russia began at night.", "Russia", "intervenesIn", "Georgia", "invasion"),
    # No word of the lexicon for that relation on the path: the top speaks for the clause.
    ("The EU's foreign policy chief said the bloc could sanction Belarus.", "EU", "meetsWith", "Belarus", None),
])
def test_model_edges_take_their_modality_from_the_event_word_on_the_path(nlp_tools, text, source, label, target, event):
    from kg.classifier import _event_word, _path_tokens
    from kg.relations import _Rules

    nlp, gazetteer, lexicon = nlp_tools
    doc, analysis = _analyse(text, nlp_tools)
    mention = {m.text: m for m in analysis.mentions}
    _, _, on_path = _path_tokens(doc, mention[source], mention[target])
    word = _event_word(on_path, label, _Rules(doc, analysis, lexicon, gazetteer))
    assert (word.text if word is not None else None) == event
