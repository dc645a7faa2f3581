"""The knowledge graph: networkx view, GraphML, incremental adds, on-disk stores, build inputs."""

from __future__ import annotations

import gc
import io
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

import kg
from kg.errors import StoreError
from kg.graph import KnowledgeGraph
from kg.model import Document
from kg.ontology import NAMESPACE, relation_types

NODE_ATTRIBUTES = {"type": str, "label": str, "aliases": str, "iri": str}
EDGE_ATTRIBUTES = {
    "relation": str, "modality": str, "confidence": float, "document": str, "sentence": str,
    "start": int, "end": int, "via_coreference": bool, "rule": str,
}


def _edges(graph: nx.MultiDiGraph) -> set[tuple[str, str, str]]:
    """(source label, relation, target label) of every edge."""
    return {(graph.nodes[u]["label"], d["relation"], graph.nodes[v]["label"]) for u, v, d in graph.edges(data=True)}


def _statuses(documents, graph: KnowledgeGraph) -> list[str]:
    results = []
    kg.build(documents, graph=graph, progress=results.append)
    return [r.status for r in results]


# ------------------------------------------------------------------ networkx view


@pytest.fixture(scope="module")
def network(news_graph) -> nx.MultiDiGraph:
    return news_graph.to_networkx()


def test_to_networkx_is_a_multidigraph_of_entities(network):
    assert isinstance(network, nx.MultiDiGraph)
    types = {d["type"] for _, d in network.nodes(data=True)}
    assert types <= {"Person", "State", "Organization", "Location"}
    assert {"Person", "State", "Organization", "Location"} <= types


def test_nodes_carry_type_label_and_aliases(network):
    for node, data in network.nodes(data=True):
        for name, kind in NODE_ATTRIBUTES.items():
            assert isinstance(data[name], kind), (node, name)
        assert data["iri"] == node and data["label"]
        assert data["label"] not in data["aliases"].split("|")
    russia = network.nodes["https://w3id.org/kg-news/id/state/RU"]
    assert (russia["type"], russia["label"], russia["iso2"]) == ("State", "Russia", "RU")
    putin = network.nodes["https://w3id.org/kg-news/id/person/vladimir-putin"]
    assert putin["type"] == "Person" and "Putin" in putin["aliases"].split("|")


def test_edges_carry_relation_and_evidence(network, news_documents):
    texts = {d.id: d.text for d in news_documents}
    assert network.number_of_edges() >= 4
    for u, v, key, data in network.edges(keys=True, data=True):
        for name, kind in EDGE_ATTRIBUTES.items():
            assert isinstance(data[name], kind), (key, name)
        assert data["relation"] in relation_types()
        assert data["modality"] in {"asserted", "hypothetical", "negated", "reported"}
        assert 0.0 <= data["confidence"] <= 1.0
        assert texts[data["document"]][data["start"]:data["end"]] == data["sentence"]
        assert key == data["statement"]


def test_edges_hold_the_stated_facts(network):
    edges = _edges(network)
    assert ("Vladimir Putin", "leaderOf", "Russia") in edges
    assert ("Xi Jinping", "leaderOf", "China") in edges
    assert ("Organization for Security and Co-operation in Europe", "warns", "Russia") in edges
    assert ("Organization for Security and Co-operation in Europe", "basedIn", "Vienna") in edges
    assert {("Vladimir Putin", "meetsWith", "Xi Jinping"), ("Xi Jinping", "meetsWith", "Vladimir Putin")} & edges


def test_one_edge_per_piece_of_evidence(news_graph, network):
    statements = news_graph.query("SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st a rdf:Statement }").rows[0][0]
    assert network.number_of_edges() == int(statements)


def test_interaction_edges_carry_their_cameo_annotations(network):
    for _, _, data in network.edges(data=True):
        kind = relation_types()[data["relation"]]
        assert data["quad_class"] == (kind.quad_class or "")
        assert data["cameo_root"] == (kind.cameo_root or "")


# ------------------------------------------------------------------ GraphML


@pytest.fixture(scope="module")
def graphml(news_graph) -> bytes:
    return news_graph.serialize("graphml")


def test_graphml_loads_back_with_the_same_nodes_edges_and_types(network, graphml):
    loaded = nx.read_graphml(io.BytesIO(graphml), force_multigraph=True)
    assert loaded.is_directed() and loaded.is_multigraph()
    assert loaded.number_of_nodes() == network.number_of_nodes()
    assert loaded.number_of_edges() == network.number_of_edges()
    for node, data in network.nodes(data=True):
        assert loaded.nodes[node] == data
    for u, v, key, data in network.edges(keys=True, data=True):
        back = loaded.edges[u, v, key]
        assert back == data
        assert type(back["confidence"]) is float
        assert type(back["start"]) is int and type(back["end"]) is int
        assert type(back["via_coreference"]) is bool


def test_graphml_key_ids_are_unique(graphml):
    keys = ET.fromstring(graphml).findall("{http://graphml.graphdrawing.org/xmlns}key")
    ids = [key.get("id") for key in keys]
    assert ids and len(ids) == len(set(ids))


def test_graphml_file_export_matches_bytes(news_graph, graphml, tmp_path):
    target = tmp_path / "out" / "graph.graphml"
    news_graph.serialize("graphml", target)
    assert target.read_bytes() == graphml


# ------------------------------------------------------------------ incremental adds


def test_adding_the_same_document_twice_changes_nothing(news_documents):
    graph = KnowledgeGraph()
    assert _statuses(news_documents[:1], graph) == ["added"]
    before = graph.quads()
    assert _statuses(news_documents[:1], graph) == ["unchanged"]
    assert graph.quads() == before


def test_a_changed_document_replaces_what_it_said_before():
    graph = KnowledgeGraph()
    first = Document("story", "Putin hosts Xi\n\nRussian President Vladimir Putin met Chinese President Xi Jinping in Moscow.")
    second = Document("story", "Scholz in Paris\n\nGerman Chancellor Olaf Scholz met French President Emmanuel Macron in Paris.")
    assert _statuses([first], graph) == ["added"]
    old_statements = {row[0] for row in graph.query("SELECT ?st WHERE { ?st a rdf:Statement }")}
    old_quads = set(graph.quads())
    assert old_statements
    assert _statuses([second], graph) == ["replaced"]
    new_quads = set(graph.quads())
    new_statements = {row[0] for row in graph.query("SELECT ?st WHERE { ?st a rdf:Statement }")}
    assert new_statements and not old_statements & new_statements
    assert not {str(q.subject) for q in new_quads} & old_statements
    labels = {row[0] for row in graph.query("SELECT ?l WHERE { ?e rdfs:label ?l }")}
    assert "Emmanuel Macron" in labels
    assert not {"Vladimir Putin", "Xi Jinping"} & labels  # gone from SPARQL's merged graph too
    hashes = graph.query("SELECT ?h WHERE { ?d kg:contentHash ?h }").rows
    assert hashes == ((second.content_hash,),)
    assert len(graph) == len(graph.to_rdf())


def test_replacing_one_document_keeps_what_another_still_states(news_documents):
    graph = kg.build(news_documents)
    russia = 'SELECT ?s WHERE { ?s kg:iso3166Alpha2 "RU" }'
    assert len(graph.query(russia)) == 1  # stated by both documents, counted once
    changed = Document(news_documents[1].id, "Weather\n\nIt rained in Vienna on Tuesday.")
    assert _statuses([changed], graph) == ["replaced"]
    assert len(graph.query(russia)) == 1  # the other document still names Russia
    assert graph.query("ASK { ?s kg:warns ?o }").boolean is False
    assert graph.query("ASK { ?s kg:leaderOf ?o }").boolean is True


def test_sparql_counts_a_triple_stated_by_two_documents_once(news_graph):
    """The merged graph is an RDF merge: Russia's label, typed in two documents, is one triple."""
    count = news_graph.query('SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:label "Russia" }').rows[0][0]
    assert int(count) == 1
    statements_about_russia = news_graph.query(
        'SELECT (COUNT(DISTINCT ?st) AS ?n) WHERE { ?st a rdf:Statement ; rdf:subject|rdf:object ?e . ?e rdfs:label "Russia" }'
    ).rows[0][0]
    assert ("Russia", int(statements_about_russia)) in news_graph.top_actors(limit=10)


def test_stats_count_documents_entities_and_relations(news_graph, network):
    stats = news_graph.stats()
    assert stats["documents"] == 2
    assert sum(stats["entities"].values()) == network.number_of_nodes()
    relation_triples = sum(1 for t in news_graph.triples() if t.predicate.value.removeprefix(NAMESPACE) in relation_types())
    assert sum(stats["relations"].values()) == relation_triples
    assert stats["evidence"] == network.number_of_edges()


# ------------------------------------------------------------------ on-disk stores


def test_on_disk_store_survives_close_and_reopen(tmp_path, news_documents):
    path = tmp_path / "store"
    graph = KnowledgeGraph.open(path)
    kg.build(news_documents[:1], graph=graph)
    graph.flush()
    triples = [str(t) for t in graph.triples()]
    quads = [str(q) for q in graph.quads()]
    assert triples
    del graph
    gc.collect()
    reopened = KnowledgeGraph.open(path, read_only=True)
    assert [str(t) for t in reopened.triples()] == triples
    assert [str(q) for q in reopened.quads()] == quads
    assert reopened.query("ASK { ?p kg:leaderOf ?s }").boolean is True


def test_reopened_store_recognises_unchanged_documents(tmp_path, news_documents):
    path = tmp_path / "store"
    graph = KnowledgeGraph.open(path)
    assert _statuses(news_documents, graph) == ["added", "added"]
    del graph
    gc.collect()
    graph = KnowledgeGraph.open(path)
    assert _statuses(news_documents, graph) == ["unchanged", "unchanged"]


def test_a_store_without_the_merged_graph_is_still_queryable_and_gets_it_back(tmp_path, news_documents):
    """Stores written before kg kept the merged default graph hold named graphs only."""
    import pyoxigraph as ox

    path = tmp_path / "store"
    graph = KnowledgeGraph.open(path)
    kg.build(news_documents, graph=graph)
    triples = graph.triples()
    graph.store.remove_graph(ox.DefaultGraph())
    assert not list(graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert graph.query("ASK { ?p kg:leaderOf ?s }").boolean is True
    del graph
    gc.collect()
    graph = KnowledgeGraph.open(path)
    assert len(list(graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == len(triples)
    assert len(graph.query('SELECT ?s WHERE { ?s kg:iso3166Alpha2 "RU" }')) == 1


def test_opening_a_missing_store_read_only_names_the_path(tmp_path):
    path = tmp_path / "no-such-store"
    with pytest.raises(StoreError, match=str(path)):
        KnowledgeGraph.open(path, read_only=True)
    assert not path.exists()


def test_a_store_open_for_writing_is_locked_with_a_clear_message(tmp_path):
    path = tmp_path / "store"
    with KnowledgeGraph.open(path):
        with pytest.raises(StoreError, match=f"{path}: the store is locked by another process"):
            KnowledgeGraph.open(path)
        assert KnowledgeGraph.open(path, read_only=True).query("ASK { ?s ?p ?o }").boolean is False


def test_close_releases_the_store_for_another_writer(tmp_path, news_documents):
    import subprocess
    import sys

    path = tmp_path / "store"
    graph = KnowledgeGraph.open(path)
    kg.build(news_documents[:1], graph=graph)
    graph.close()
    graph.close()  # closing twice is harmless
    writer = "import sys; from kg.graph import KnowledgeGraph; print(len(KnowledgeGraph.open(sys.argv[1])))"
    result = subprocess.run([sys.executable, "-c", writer, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


# ------------------------------------------------------------------ kg.build inputs


def test_build_accepts_texts_paths_and_documents(tmp_path, news_files):
    text = "Talks in Ankara\n\nTurkish President Recep Tayyip Erdogan met Ukrainian President Volodymyr Zelensky in Ankara."
    document = Document("given-id", "Summit\n\nFrench President Emmanuel Macron met Indian Prime Minister Narendra Modi.")
    graph = kg.build([text, str(news_files[0]), news_files[1], document])
    ids = {row[0] for row in graph.query("SELECT ?id WHERE { ?d a kg:Document ; dcterms:identifier ?id }")}
    assert ids == {"text-1", news_files[0].stem, news_files[1].stem, "given-id"}
    titles = {row[0] for row in graph.query("SELECT ?t WHERE { ?d dcterms:title ?t }")}
    assert "Talks in Ankara" in titles
    labels = {row[0] for row in graph.query("SELECT ?l WHERE { ?e a kg:Person ; rdfs:label ?l }")}
    assert {"Emmanuel Macron", "Vladimir Putin"} <= labels


def test_build_accepts_a_single_path(news_files):
    graph = kg.build(news_files[0])
    assert graph.stats()["documents"] == 1


# ------------------------------------------------------------------ fast paths for big graphs


def test_merged_ntriples_are_the_triples_in_their_sorted_order(news_graph):
    import pyoxigraph as ox

    every = {ox.Triple(q.subject, q.predicate, q.object) for q in news_graph.store}
    expected = sorted(every, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert news_graph.triples() == expected
    assert news_graph.merged_ntriples() == ox.serialize(expected, format=ox.RdfFormat.N_TRIPLES)


@pytest.mark.parametrize("query, kind", [
    ("SELECT ?s WHERE { ?s a kg:State } ORDER BY ?s", "select"),
    ("ASK { ?s a kg:State }", "ask"),
    ("CONSTRUCT { ?s a kg:State } WHERE { ?s a kg:State }", "graph"),
])
def test_query_payload_is_oxigraphs_serialisation_made_when_asked_for(news_graph, query, kind):
    import pyoxigraph as ox

    from kg.rdf import PREFIXES

    result = news_graph.query(query)
    assert result.kind == kind
    assert "payload" not in vars(result)  # nothing serialised until someone asks
    raw = news_graph.store.query(query, prefixes=PREFIXES)
    if kind == "graph":
        expected = ox.serialize(list(raw), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    else:
        expected = raw.serialize(format=ox.QueryResultsFormat.JSON)
    assert result.payload == expected
