"""Valid output for any input (hypothesis): any name gives a valid IRI, any text a
valid literal, and every export format parses back with what went in."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st

import kg
from kg.formats import export_format, formats
from kg.graph import KnowledgeGraph
from kg.model import Document, Entity, EntityType, Evidence, Extraction, Modality, Relation
from kg.ontology import relation_types
from kg.rdf import _xml_safe, extraction_quads
from kg.resolve import document_iri, entity_iri

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated, use Dataset:DeprecationWarning")

# Every code point, lone surrogates and control characters included.
ANY_CHARACTER = st.characters(exclude_categories=())
any_text = st.text(ANY_CHARACTER, max_size=60)
any_name = st.text(ANY_CHARACTER, min_size=1, max_size=40)
# Names as people write them: letters of every script, marks, digits, punctuation, symbols, spaces.
wordy_name = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=40)
entity_type = st.sampled_from(list(EntityType))
IRI_FORBIDDEN = set(' <>"{}|\\^`') | {chr(c) for c in range(0x21)} | {chr(0x7F)}


def assert_valid_iri(iri: str) -> None:
    ox.NamedNode(iri)  # raises ValueError on an invalid IRI
    assert iri.isascii() and not (set(iri) & IRI_FORBIDDEN), iri
    rdflib.URIRef(iri).n3()


@given(name=any_name, type_=entity_type)
def test_any_entity_name_gives_a_valid_and_stable_iri(name, type_):
    entity = Entity(key=f"{type_.value.lower()}:{name}", name=name, type=type_)
    iri = entity_iri(entity)
    assert_valid_iri(iri)
    assert entity_iri(Entity(key=entity.key, name=name, type=type_)) == iri


@given(value=any_name)
def test_a_gazetteer_key_of_any_characters_gives_a_valid_iri(value):
    for key, identifiers in ((f"state:{value}", ()), (f"org:{value}", (("wikidata", "Q1"),))):
        entity = Entity(key=key, name=value, type=EntityType.STATE, identifiers=identifiers)
        assert_valid_iri(entity_iri(entity))


@given(document_id=any_name)
def test_any_document_id_gives_a_valid_iri(document_id):
    assert_valid_iri(document_iri(document_id))


@given(text=any_text)
def test_any_text_gives_a_literal_that_every_syntax_carries(text):
    extraction = Extraction(Document(id="d", text="x", title=text, url=text, date=text))
    literals = {q.object.value for q in extraction_quads(extraction) if isinstance(q.object, ox.Literal)}
    assert _xml_safe(text) in literals or not text
    for rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        data = ox.serialize([q.triple for q in extraction_quads(extraction)], format=rdf_format)
        assert {t.object.value for t in ox.parse(data, format=rdf_format) if isinstance(t.object, ox.Literal)} == literals


# ------------------------------------------------------------------ a whole graph, every format


@st.composite
def extractions(draw) -> Extraction:
    """A document with two entities and a relation between them, every string arbitrary."""
    text = draw(any_text)
    document = Document(id=draw(any_name), text=text, title=draw(any_text), url=draw(any_text), date=draw(any_text))
    source, target = (
        Entity(key=f"person:{n}", name=n, type=draw(entity_type), aliases=(draw(any_text),)) for n in draw(
            st.lists(st.one_of(any_name, wordy_name), min_size=2, max_size=2, unique_by=lambda n: n.casefold()))
    )
    start = draw(st.integers(0, 10_000))
    evidence = Evidence(document=document.id, sentence=draw(any_text), start=start, end=start + 5,
                        source_span=(start, start + 1), target_span=(start + 2, start + 3))
    relation = Relation(source.key, draw(st.sampled_from(sorted(relation_types()))), target.key,
                        draw(st.sampled_from(list(Modality))), 0.5, draw(any_name), evidence, draw(st.booleans()))
    return Extraction(document, (source, target), (relation,))


def read_back(name: str, data: bytes | Path) -> int:
    """Parse an export with the library its users would use; the number of statements, nodes or rows read."""
    export = export_format(name)
    if export.folder:
        return sum(len(list(csv.reader((data / part).open(encoding="utf-8", newline="")))) - 1 for part in ("nodes.csv", "relationships.csv"))
    if export.is_rdf:
        if export.dataset:
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format=export.rdflib_format)
            return len(list(dataset.quads((None, None, None, None))))
        return len(rdflib.Graph().parse(data=data, format=export.rdflib_format))
    if name in {"graphml", "gexf"}:
        ET.fromstring(data)  # a strict XML parser: no character XML forbids
        reader = nx.read_graphml if name == "graphml" else nx.read_gexf
        import io

        return reader(io.BytesIO(data)).number_of_edges()
    return len(json.loads(data)) if data else 0  # JSON formats; anything else must at least be written


def expected_count(name: str, graph: KnowledgeGraph) -> int | None:
    export = export_format(name)
    if export.folder:
        network = graph.to_networkx()
        return network.number_of_nodes() + network.number_of_edges()
    if export.is_rdf:
        return len(graph.quads()) if export.dataset else len(graph.triples())
    if name in {"graphml", "gexf"}:
        return graph.to_networkx().number_of_edges()
    return None


@pytest.mark.parametrize("name", [f.name for f in formats()])
@given(extraction=extractions())
def test_every_format_parses_back_for_any_strings(name, extraction, tmp_path_factory):
    graph = KnowledgeGraph()
    graph.add(extraction)
    export = export_format(name)
    if export.folder:
        data = tmp_path_factory.mktemp(name)
        graph.serialize(name, data)
    else:
        data = graph.serialize(name)
    count = read_back(name, data)
    expected = expected_count(name, graph)
    if expected is not None:
        assert count == expected


@given(extraction=extractions())
def test_labels_and_titles_survive_the_store_and_graphml(extraction):
    graph = KnowledgeGraph()
    graph.add(extraction)
    names = {_xml_safe(e.name) for e in extraction.entities}
    labels = set(graph.query("SELECT ?l WHERE { ?e rdfs:label ?l }").rows)
    assert {label for (label,) in labels} == names
    titles = {t for (t,) in graph.query("SELECT ?t WHERE { ?d dcterms:title ?t }").rows}
    assert titles == ({_xml_safe(extraction.document.title)} if extraction.document.title else set())
    import io

    network = nx.read_graphml(io.BytesIO(graph.serialize("graphml")))
    assert {data["label"] for _, data in network.nodes(data=True)} == names


# ------------------------------------------------------------------ through the whole pipeline


@given(text=st.text(ANY_CHARACTER, max_size=300), document_id=any_name)
def test_any_text_goes_through_extraction_with_exact_offsets(text, document_id):
    prefix = "Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow. "
    full = prefix + text
    [extraction] = list(kg.extract([Document(id=document_id, text=full)]))
    clean = full.replace("\ud800", "\ufffd")
    for relation in extraction.relations:
        evidence = relation.evidence
        assert extraction.document.text[evidence.start:evidence.end] == evidence.sentence
        assert 0 <= evidence.start <= evidence.end <= len(clean)
    graph = KnowledgeGraph()
    graph.add(extraction)
    for name in ("ntriples", "rdfxml", "graphml"):
        assert read_back(name, graph.serialize(name)) == expected_count(name, graph)
