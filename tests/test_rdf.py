"""RDF export: round trips, named graphs per document, reified provenance, IRIs, SPARQL."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic

from kg.graph import KnowledgeGraph
from kg.model import Document, Entity, EntityType, Evidence, Extraction, Modality, Relation
from kg.ontology import NAMESPACE, relation_types
from kg.vocab import KG

# rdflib's own TriG and N-Quads parsers use its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated, use Dataset:DeprecationWarning")

DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
MODALITIES = {KG.asserted, KG.hypothetical, KG.negated, KG.reported}


def _relation_triples(graph: rdflib.Graph) -> set[tuple]:
    relations = {URIRef(NAMESPACE + name) for name in relation_types()}
    return {(s, p, o) for s, p, o in graph if p in relations}


def _dataset(data: bytes, format: str) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=format)
    return dataset


def _named_graphs(dataset: rdflib.Dataset) -> dict[URIRef, rdflib.Graph]:
    return {g.identifier: g for g in dataset.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)}


@pytest.fixture(scope="module")
def rdf(news_graph) -> rdflib.Graph:
    return news_graph.to_rdf()


# ------------------------------------------------------------------ round trips


def test_news_graph_has_relations_to_test(rdf):
    assert len(_relation_triples(rdf)) >= 4


@pytest.mark.parametrize("format_name, rdflib_format", [
    ("turtle", "turtle"), ("ttl", "turtle"), ("ntriples", "nt"), ("nt", "nt"), ("rdfxml", "xml"),
])
def test_triple_formats_parse_back_isomorphic_to_to_rdf(news_graph, rdf, format_name, rdflib_format):
    data = news_graph.serialize(format_name)
    parsed = rdflib.Graph().parse(data=data, format=rdflib_format)
    assert len(parsed) == len(rdf) == len(news_graph)
    assert isomorphic(parsed, rdf)


@pytest.mark.parametrize("format_name, rdflib_format", [("trig", "trig"), ("nquads", "nquads")])
def test_quad_formats_keep_one_named_graph_per_document(news_graph, news_documents, format_name, rdflib_format):
    dataset = _dataset(news_graph.serialize(format_name), rdflib_format)
    graphs = _named_graphs(dataset)
    assert len(graphs) == len(news_documents)
    for iri, graph in graphs.items():
        # The graph is named by its document, and describes that document only.
        assert (iri, RDF.type, KG.Document) in graph
        assert set(graph.subjects(RDF.type, KG.Document)) == {iri}
    identifiers = {str(graph.value(iri, DCTERMS.identifier)) for iri, graph in graphs.items()}
    assert identifiers == {d.id for d in news_documents}


@pytest.mark.parametrize("format_name, rdflib_format", [("trig", "trig"), ("nquads", "nquads")])
def test_each_statement_sits_in_its_documents_graph(news_graph, format_name, rdflib_format):
    graphs = _named_graphs(_dataset(news_graph.serialize(format_name), rdflib_format))
    statements = 0
    for iri, graph in graphs.items():
        for statement in graph.subjects(RDF.type, RDF.Statement):
            statements += 1
            assert graph.value(statement, KG.document) == iri
            # The relation triple the statement describes is in the same graph.
            triple = (graph.value(statement, RDF.subject), graph.value(statement, RDF.predicate), graph.value(statement, RDF.object))
            assert triple in graph
    assert statements >= 4


def test_union_of_document_graphs_is_the_merged_graph(news_graph, rdf):
    dataset = _dataset(news_graph.serialize("nquads"), "nquads")
    union = rdflib.Graph()
    for graph in _named_graphs(dataset).values():
        union += graph
    assert isomorphic(union, rdf)


# ------------------------------------------------------------------ provenance


def test_every_relation_triple_has_evidence_with_valid_offsets(rdf, news_documents):
    texts = {d.id: d.text for d in news_documents}
    for s, p, o in _relation_triples(rdf):
        statements = [st for st in rdf.subjects(RDF.subject, s)
                      if (st, RDF.predicate, p) in rdf and (st, RDF.object, o) in rdf]
        assert statements, f"no rdf:Statement for {s} {p} {o}"
        for st in statements:
            assert (st, RDF.type, RDF.Statement) in rdf
            document = rdf.value(st, KG.document)
            assert (document, RDF.type, KG.Document) in rdf
            text = texts[str(rdf.value(document, DCTERMS.identifier))]
            sentence, start, end = rdf.value(st, KG.sentence), rdf.value(st, KG.start), rdf.value(st, KG.end)
            assert start.datatype == rdflib.XSD.integer and end.datatype == rdflib.XSD.integer
            assert isinstance(start.toPython(), int) and isinstance(end.toPython(), int)
            assert 0 <= start.toPython() < end.toPython() <= len(text)
            assert text[start.toPython():end.toPython()] == str(sentence)
            assert rdf.value(st, KG.modality) in MODALITIES
            confidence = rdf.value(st, KG.confidence)
            assert confidence.datatype == rdflib.XSD.double and 0.0 <= confidence.toPython() <= 1.0
            assert str(rdf.value(st, KG.rule))
            assert rdf.value(st, KG.viaCoreference).toPython() in (True, False)


def test_every_statement_describes_a_relation_triple_of_the_graph(rdf):
    statements = set(rdf.subjects(RDF.type, RDF.Statement))
    assert statements
    for st in statements:
        triple = (rdf.value(st, RDF.subject), rdf.value(st, RDF.predicate), rdf.value(st, RDF.object))
        assert triple in rdf


def test_modality_follows_the_text(rdf):
    """ "If Moscow intervenes in Belarus" is hypothetical; "met" is asserted."""
    modalities = {
        (str(rdf.value(rdf.value(st, RDF.subject), RDFS.label)), str(rdf.value(st, RDF.predicate)).removeprefix(NAMESPACE),
         str(rdf.value(rdf.value(st, RDF.object), RDFS.label))): rdf.value(st, KG.modality)
        for st in rdf.subjects(RDF.type, RDF.Statement)
    }
    assert modalities[("Russia", "intervenesIn", "Belarus")] == KG.hypothetical
    assert modalities[("Vladimir Putin", "leaderOf", "Russia")] == KG.asserted


def test_every_kg_term_in_the_export_is_an_ontology_term(rdf):
    vocabulary = set(dir(KG))
    used = {term for triple in rdf for term in triple if isinstance(term, URIRef) and str(term).startswith(NAMESPACE)}
    assert used and used <= vocabulary


# ------------------------------------------------------------------ states and IRIs


def test_states_are_named_by_their_iso_alpha2_code(rdf):
    states = set(rdf.subjects(RDF.type, KG.State))
    assert {"RU", "CN", "BY"} <= {str(rdf.value(s, KG.iso3166Alpha2)) for s in states}
    for state in states:
        code = rdf.value(state, KG.iso3166Alpha2)
        assert code is not None, f"{state} has no ISO code"
        assert len(str(code)) == 2 and str(code).isupper()
        assert str(state).endswith("/" + str(code))
        assert str(state) == f"https://w3id.org/kg-news/id/state/{code}"


ODD_NAMES = [
    ('He Said "No" Jr.', EntityType.PERSON),
    ("<script>alert(1)</script> Ltd", EntityType.ORGANIZATION),
    ("Rocket 🚀 Brigade", EntityType.ORGANIZATION),
    ("🕊️", EntityType.ORGANIZATION),  # no letters at all
    ("محمد بن سلمان", EntityType.PERSON),  # right-to-left
    ("שלום עכשיו", EntityType.ORGANIZATION),
    ("São Tomé \u200f{back}\\slash", EntityType.LOCATION),
    ("Ünïcödé & Sons' \"Co\"", EntityType.ORGANIZATION),
]


@pytest.fixture(scope="module")
def odd_graph() -> KnowledgeGraph:
    """A hand-made extraction whose names and document id hold quotes, brackets, emoji and RTL text."""
    entities = tuple(
        Entity(key=f"{kind.value.lower()}:{name.lower()}", name=name, type=kind, aliases=(name + " alias",))
        for name, kind in ODD_NAMES
    )
    sentence = " and ".join(name for name, _ in ODD_NAMES) + " met."
    text = "Odd names\n\n" + sentence
    document = Document(id='odd "doc" <1> 🚀 عربي', text=text, title="Odd names")
    start = text.index(sentence)
    evidence = Evidence(document.id, sentence, start, start + len(sentence))
    relations = tuple(
        Relation(a.key, "meetsWith", b.key, Modality.ASSERTED, 0.5, "test:odd", evidence)
        for a, b in zip(entities, entities[1:])
    )
    graph = KnowledgeGraph()
    assert graph.add(Extraction(document, entities, relations)).status == "added"
    return graph


def test_odd_names_give_valid_distinct_iris(odd_graph):
    iris = {str(q.subject) for q in odd_graph.store if isinstance(q.subject, ox.NamedNode)}
    iris |= {str(q.object) for q in odd_graph.store if isinstance(q.object, ox.NamedNode)}
    iris |= {str(q.graph_name) for q in odd_graph.store if isinstance(q.graph_name, ox.NamedNode)}
    for iri in iris:
        value = iri.strip("<>")
        assert ox.NamedNode(value).value == value
        assert not set(value) & set(' "<>{}|\\^`'), value
    entity_iris = {s for s in odd_graph.to_rdf().subjects(RDF.type, None) if "/id/" in str(s) and "/statement/" not in str(s)}
    assert len(entity_iris) == len(ODD_NAMES) + 1  # the entities and the document


@pytest.mark.parametrize("format_name, rdflib_format", [
    ("turtle", "turtle"), ("ntriples", "nt"), ("rdfxml", "xml"), ("trig", "trig"), ("nquads", "nquads"),
])
def test_odd_names_survive_every_rdf_format(odd_graph, format_name, rdflib_format):
    data = odd_graph.serialize(format_name)
    if format_name in {"trig", "nquads"}:
        parsed = rdflib.Graph()
        for graph in _named_graphs(_dataset(data, rdflib_format)).values():
            parsed += graph
    else:
        parsed = rdflib.Graph().parse(data=data, format=rdflib_format)
    assert isomorphic(parsed, odd_graph.to_rdf())
    labels = {str(o) for o in parsed.objects(None, RDFS.label)}
    assert {name for name, _ in ODD_NAMES} <= labels
    assert len(_relation_triples(parsed)) == len(ODD_NAMES) - 1


def test_odd_names_are_found_by_sparql(odd_graph):
    result = odd_graph.query('SELECT ?e WHERE { ?e rdfs:label "محمد بن سلمان" ; a kg:Person }')
    assert len(result) == 1


# ------------------------------------------------------------------ SPARQL


def test_select_finds_who_leads_russia(news_graph):
    result = news_graph.query(
        'SELECT ?name WHERE { ?p kg:leaderOf ?s . ?s kg:iso3166Alpha2 "RU" . ?p rdfs:label ?name }'
    )
    assert result.kind == "select"
    assert result.variables == ("name",)
    assert result.rows == (("Vladimir Putin",),)


def test_select_rows_follow_the_variables_order(news_graph):
    result = news_graph.query(
        "SELECT ?state ?leader WHERE { ?p kg:leaderOf ?s . ?s a kg:State ; rdfs:label ?state . ?p rdfs:label ?leader } "
        "ORDER BY ?state"
    )
    assert result.variables == ("state", "leader")
    assert ("China", "Xi Jinping") in result.rows
    assert ("Russia", "Vladimir Putin") in result.rows


def test_symmetric_meeting_is_found_in_either_direction(news_graph):
    result = news_graph.query(
        "ASK { ?a rdfs:label 'Vladimir Putin' . ?b rdfs:label 'Xi Jinping' . { ?a kg:meetsWith ?b } UNION { ?b kg:meetsWith ?a } }"
    )
    assert result.kind == "ask" and result.boolean is True
    assert news_graph.query("ASK { ?a kg:kills ?b }").boolean is False


def test_construct_returns_turtle_that_parses(news_graph):
    result = news_graph.query(
        "CONSTRUCT { ?a kg:warns ?b . ?a rdfs:label ?l } WHERE { ?a kg:warns ?b . ?a rdfs:label ?l }"
    )
    assert result.kind == "graph"
    parsed = rdflib.Graph().parse(data=result.payload, format="turtle")
    assert len(parsed) >= 2
    warners = {str(o) for o in parsed.objects(None, RDFS.label)}
    assert "Organization for Security and Co-operation in Europe" in warners
    assert (None, KG.warns, URIRef("https://w3id.org/kg-news/id/state/RU")) in parsed


def test_select_payload_is_sparql_json(news_graph):
    import json

    result = news_graph.query("SELECT ?d WHERE { ?d a kg:Document }")
    payload = json.loads(result.payload)
    assert payload["head"]["vars"] == ["d"]
    assert len(payload["results"]["bindings"]) == len(result.rows) == 2


def test_labels_are_plain_strings_not_language_tagged(rdf):
    for label in rdf.objects(None, RDFS.label):
        assert isinstance(label, Literal) and label.language is None
