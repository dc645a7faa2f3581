"""kg's remembering lemmatizer gives exactly the lemmas of the model's own, but for
the listed words whose lemma spaCy's rules get wrong."""

from __future__ import annotations

import pytest

from kg.nlp import RememberingLemmatizer
from tests.conftest import SAMPLES
from tests.test_attribute_ruler import RARE_RULE_TEXTS

# The same word with different POS and morphology, base forms the model's
# lemmatizer does not keep, repeats (answered from memory), and an empty text.
LEMMA_TEXTS = [
    "Leaders met. The leader meets leaders; meeting them, she had met more meetings than they meet.",
    "Better, best, good: the best saw the saws and sawed them as talks talked of talks.",
    "",
]


@pytest.fixture(scope="module")
def model():
    import spacy

    from kg.nlp import choose_model

    return spacy.load(choose_model())


def _texts() -> list[str]:
    return [path.read_text() for path in sorted((SAMPLES / "articles").glob("*.txt"))] + RARE_RULE_TEXTS + LEMMA_TEXTS


def _lemmas(model, lemmatizer, texts: list[str]) -> list[list[str]]:
    return [[t.lemma_ for t in lemmatizer(doc)] for doc in model.pipe(texts, disable=["lemmatizer", "ner"])]


def test_same_lemmas_as_the_models_lemmatizer(model):
    lemmatizer = model.get_pipe("lemmatizer")
    remembering = RememberingLemmatizer(lemmatizer, exceptions={})
    texts = _texts()
    expected = _lemmas(model, lemmatizer, texts)
    assert _lemmas(model, remembering, texts) == expected
    assert _lemmas(model, remembering, texts) == expected  # the second time from memory


def test_lemmas_set_before_are_kept_unless_the_lemmatizer_overwrites(model):
    lemmatizer = model.get_pipe("lemmatizer")
    doc = model("Talks ended.", disable=["lemmatizer", "ner"])
    doc[0].lemma_ = "given"
    assert [t.lemma_ for t in RememberingLemmatizer(lemmatizer)(doc)] == ["given", "end", "."]


def test_kg_pipeline_runs_it_in_the_models_place():
    from kg.nlp import load

    names = load().pipe_names
    assert "lemmatizer" not in names
    assert names.index("kg_attribute_ruler") < names.index("kg_lemmatizer") < names.index("ner")


def test_only_rule_lemmatizers_of_spacys_own_classes_are_remembered():
    import spacy

    nlp = spacy.blank("en")
    assert RememberingLemmatizer.can_remember(nlp.add_pipe("lemmatizer", name="rules", config={"mode": "rule"}))
    assert not RememberingLemmatizer.can_remember(nlp.add_pipe("lemmatizer", name="lookup", config={"mode": "lookup"}))


@pytest.mark.parametrize(("text", "word", "lemma"), [
    ("The Commission fined Google.", "fined", "fine"),  # spaCy: "fin"
    ("Brussels is fining the firm.", "fining", "fine"),
    ("Critics lambasted the plan.", "lambasted", "lambaste"),  # spaCy: "lambast"
    ("Fines rose.", "Fines", "fine"),  # a noun: spaCy's own answer
])
def test_listed_words_get_their_lemma_before_spacys_rules(model, text, word, lemma):
    remembering = RememberingLemmatizer(model.get_pipe("lemmatizer"))
    doc = remembering(model(text, disable=["lemmatizer", "ner"]))
    assert next(t.lemma_ for t in doc if t.text == word) == lemma
