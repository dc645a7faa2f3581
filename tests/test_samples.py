"""The bundled sample articles, their gold, and the committed exports."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
import rdflib

from kg.evaluate import evaluate
from kg.ontology import relation_types

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def gold_records():
    return [json.loads(line) for line in (SAMPLES / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def test_samples_cover_every_relation_type_twice_and_every_modality():
    records = gold_records()
    assert len(records) >= 12
    relations = Counter(r["relation"] for record in records for r in record["relations"] if not r.get("optional"))
    modalities = Counter(r.get("modality", "asserted") for record in records for r in record["relations"])
    assert {name for name, n in relations.items() if n >= 2} == set(relation_types())
    assert set(modalities) == {"asserted", "hypothetical", "negated", "reported"}


def test_gold_texts_are_the_bundled_articles():
    texts = {p.stem: p.read_text(encoding="utf-8") for p in (SAMPLES / "articles").glob("*.txt")}
    for record in gold_records():
        if record["id"] in texts:
            assert record["text"] == texts[record["id"]]


def test_extraction_quality_on_the_samples_does_not_regress():
    scores = evaluate(SAMPLES / "gold.jsonl")
    assert scores.entities.f1 >= 0.85
    assert scores.relations.precision >= 0.8
    assert scores.relations.f1 >= 0.6
    assert scores.modality_accuracy >= 0.9


@pytest.mark.parametrize("name, fmt", [("graph.ttl", "turtle"), ("graph.nt", "nt")])
def test_committed_rdf_exports_parse(name, fmt):
    graph = rdflib.Graph().parse(ROOT / "exports" / name, format=fmt)
    kg = rdflib.Namespace("https://w3id.org/kg-news/ontology#")
    assert len(graph) > 1000
    assert set(graph.subjects(rdflib.RDF.type, kg.Document))
    assert len(set(graph.subjects(rdflib.RDF.type, rdflib.RDF.Statement))) > 100


def test_committed_graphml_loads():
    graph = nx.read_graphml(ROOT / "exports" / "graph.graphml")
    assert graph.number_of_nodes() > 100 and graph.number_of_edges() > 100
    _, _, data = next(iter(graph.edges(data=True)))
    assert {"relation", "modality", "confidence", "document", "sentence"} <= set(data)
