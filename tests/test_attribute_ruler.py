"""kg's indexed attribute ruler gives exactly what spaCy's AttributeRuler gives."""

from __future__ import annotations

import pytest

from kg.nlp import IndexedAttributeRuler
from tests.conftest import SAMPLES

# Sentences that reach the model's rarer rules: several-token patterns ("gon na", "let 's"),
# indices into them, REGEX ("nothin'", "y'all"), DEP tests ("There is",
# "for you"), spaces and empty documents.
RARE_RULE_TEXTS = [
    "",
    "  ",
    "We 're gon na let 's go, y'all, and I got ta say it ai n't nothin' much.",
    "There is a cat. There were dogs. Give it to me and I did it for you.",
    "C'm on!  \n\nThat which is done is done; what did she do? She does.",
]


def _annotations(doc) -> list[tuple[str, str, str, str, str]]:
    return [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


def _annotate(nlp, ruler, texts: list[str]) -> list[list[tuple[str, str, str, str, str]]]:
    """Every text through the model up to the parser, then ``ruler``, then the lemmatizer that reads it."""
    lemmatizer = nlp.get_pipe("lemmatizer")
    return [_annotations(lemmatizer(ruler(doc))) for doc in nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer", "ner"])]


@pytest.fixture(scope="module")
def model():
    import spacy

    from kg.nlp import choose_model

    return spacy.load(choose_model())


def test_same_annotations_as_the_models_own_ruler(model):
    texts = [path.read_text() for path in sorted((SAMPLES / "articles").glob("*.txt"))] + RARE_RULE_TEXTS
    ruler = model.get_pipe("attribute_ruler")
    indexed = IndexedAttributeRuler.from_ruler(ruler)
    assert indexed is not None
    assert _annotate(model, indexed, texts) == _annotate(model, ruler, texts)


def test_kg_pipeline_runs_the_indexed_ruler_in_the_models_place():
    from kg.nlp import load

    names = load().pipe_names
    assert "attribute_ruler" not in names
    assert names.index("parser") < names.index("kg_attribute_ruler") < names.index("kg_lemmatizer")


def _blank_ruler(patterns: list[dict]):
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns(patterns)
    return nlp, ruler


@pytest.mark.parametrize(
    "patterns",
    [
        # later rules win over earlier ones on the same token
        [{"patterns": [[{"LOWER": "talks"}]], "attrs": {"LEMMA": "first"}},
         {"patterns": [[{"ORTH": "talks"}]], "attrs": {"LEMMA": "second"}}],
        # an index into a longer pattern, counted from either end
        [{"patterns": [[{"LOWER": "prime"}, {"LOWER": "minister"}]], "attrs": {"LEMMA": "office"}, "index": -1},
         {"patterns": [[{"LOWER": "prime"}, {"LOWER": "minister"}]], "attrs": {"LEMMA": "first"}, "index": 0}],
        # IN, NOT_IN and REGEX tests; matches are read before any rule changes the document
        [{"patterns": [[{"LOWER": {"IN": ["the", "a"]}}]], "attrs": {"LEMMA": "DET"}},
         {"patterns": [[{"LEMMA": "DET"}]], "attrs": {"LEMMA": "never"}},
         {"patterns": [[{"LOWER": {"REGEX": "^talk"}}, {"IS_PUNCT": True}]], "attrs": {"LEMMA": "talk"}},
         {"patterns": [[{"ORTH": {"NOT_IN": ["the", "talks", "."]}}]], "attrs": {"LEMMA": "other"}}],
    ],
)
def test_rule_order_indices_and_tests_as_spacy(patterns):
    nlp, ruler = _blank_ruler(patterns)
    indexed = IndexedAttributeRuler.from_ruler(ruler)
    text = "The prime minister held talks. A prime minister talks."
    assert [t.lemma_ for t in indexed(nlp.make_doc(text))] == [t.lemma_ for t in ruler(nlp.make_doc(text))]


@pytest.mark.parametrize(
    "pattern",
    [
        [{"LOWER": "talks", "OP": "+"}],  # operators change a pattern's length
        [{"MORPH": {"IS_SUPERSET": ["Number=Sing"]}}],  # set tests on morphology
        [{"_": {"custom": True}}],  # extension attributes
        [{"LENGTH": {">=": 3}}],  # comparisons
    ],
)
def test_rules_it_cannot_read_exactly_leave_the_models_ruler(pattern):
    from spacy.tokens import Token

    Token.set_extension("custom", default=False, force=True)
    _, ruler = _blank_ruler([{"patterns": [pattern], "attrs": {"LEMMA": "x"}}])
    assert IndexedAttributeRuler.from_ruler(ruler) is None
