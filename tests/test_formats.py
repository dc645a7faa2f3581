"""The export registry, table-driven: every format round-trips through the library that reads it."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic

from kg.cli import main
from kg.errors import ExportError
from kg.formats import (
    NEO4J_NODE_HEADER,
    NEO4J_RELATIONSHIP_HEADER,
    export_format,
    formats,
    gexf_view,
)
from kg.graph import KnowledgeGraph
from kg.model import Document, Entity, EntityType, Evidence, Extraction, Modality, Relation
from kg.ontology import NAMESPACE, json_ld_context, relation_types

# rdflib's own TriG and N-Quads parsers use its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated, use Dataset:DeprecationWarning")

RDF_FORMATS = [f.name for f in formats() if f.is_rdf]
GRAPH_FORMATS = ["graphml", "gexf"]


def test_the_registry_holds_every_format():
    assert set(RDF_FORMATS) == {"turtle", "ntriples", "trig", "nquads", "rdfxml", "jsonld"}
    assert {f.name for f in formats()} == set(RDF_FORMATS) | {"graphml", "gexf", "cytoscape", "neo4j"}


# ------------------------------------------------------------------ the registry


def test_every_format_has_a_unique_name_extension_and_media_type():
    for attribute in ("name", "extension", "media_type"):
        values = [getattr(f, attribute) for f in formats() if getattr(f, attribute)]
        assert len(values) == len(set(values)), attribute
    assert all(f.extension for f in formats() if not f.folder), "a file format without an extension"


def test_every_name_alias_extension_and_media_type_finds_its_own_format():
    for item in formats():
        for name in (item.name, *item.aliases, item.extension, item.media_type):
            if name:
                assert export_format(name) is item, name
                assert export_format(name.upper()) is item, name


def test_every_format_is_listed_with_its_description():
    listing = CliRunner().invoke(main, ["export", "--list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert len(lines) == len(formats())
    for item, line in zip(formats(), lines):
        assert item.description, item.name
        assert line.split()[0] == item.name
        assert item.media_type in line and item.description in line
    help_text = " ".join(CliRunner().invoke(main, ["export", "--help"]).output.split())
    for item in formats():
        assert item.name in help_text


@pytest.mark.parametrize("name", [f.name for f in formats()])
def test_every_format_writes_an_empty_graph(name, tmp_path):
    export = export_format(name)
    target = export.target(tmp_path)
    KnowledgeGraph().serialize(name, target)
    assert target.exists()
    assert export.target(tmp_path) == (tmp_path / name if export.folder else tmp_path / f"graph.{export.extension}")


def test_unknown_format_names_the_choices():
    with pytest.raises(Exception, match="choose one of: turtle, ntriples"):
        export_format("dot")


# ------------------------------------------------------------------ RDF formats


def _rdflib_term(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = URIRef(term.datatype.value)
    return Literal(term.value) if datatype == rdflib.XSD.string else Literal(term.value, datatype=datatype)


def _source_named_graphs(graph: KnowledgeGraph) -> dict[URIRef, rdflib.Graph]:
    """The store's per-document graphs, converted term by term (no serializer in between)."""
    graphs: dict[URIRef, rdflib.Graph] = defaultdict(rdflib.Graph)
    for quad in graph.quads():
        graphs[URIRef(quad.graph_name.value)].add(tuple(_rdflib_term(t) for t in (quad.subject, quad.predicate, quad.object)))
    return dict(graphs)


def _parsed_named_graphs(data: bytes, rdflib_format: str) -> dict[URIRef, rdflib.Graph]:
    dataset = rdflib.Dataset()
    dataset.parse(data=data, format=rdflib_format)
    return {g.identifier: g for g in dataset.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)}


def _source_merged_graph(graph: KnowledgeGraph) -> rdflib.Graph:
    merged = rdflib.Graph()
    for triple in graph.triples():
        merged.add(tuple(_rdflib_term(t) for t in (triple.subject, triple.predicate, triple.object)))
    return merged


@pytest.fixture(scope="module")
def turtle_export(news_graph) -> rdflib.Graph:
    return rdflib.Graph().parse(data=news_graph.serialize("turtle"), format="turtle")


@pytest.mark.parametrize("name", RDF_FORMATS)
def test_rdf_format_parses_back_isomorphic_to_the_source(news_graph, turtle_export, name):
    export = export_format(name)
    data = news_graph.serialize(name)
    source = _source_merged_graph(news_graph)
    if export.dataset:
        parsed = _parsed_named_graphs(data, export.rdflib_format)
        expected = _source_named_graphs(news_graph)
        assert set(parsed) == set(expected) and len(expected) == 2
        for identifier, graph in expected.items():
            assert isomorphic(parsed[identifier], graph), identifier
        union = rdflib.Graph()
        for graph in parsed.values():
            union += graph
        assert isomorphic(union, source)
    else:
        parsed = rdflib.Graph().parse(data=data, format=export.rdflib_format)
        assert len(parsed) == len(source) > 50
        assert isomorphic(parsed, source)
        assert isomorphic(parsed, turtle_export)


@pytest.fixture(scope="module")
def odd_graph() -> KnowledgeGraph:
    """Names with the characters that CSV, JSON and XML escape: quotes, commas, semicolons, newlines."""
    names = [
        ('He Said "No"; Jr.', EntityType.PERSON),
        ("Smith, Jones & Co <Ltd>", EntityType.ORGANIZATION),
        ("São Tomé \u200f{back}\\slash", EntityType.LOCATION),
        ("محمد بن سلمان 🚀", EntityType.PERSON),
    ]
    entities = tuple(
        Entity(key=f"{kind.value.lower()}:{name.lower()}", name=name, type=kind, aliases=(name + "; alias", "plain alias"))
        for name, kind in names
    )
    sentence = ",\n".join(name for name, _ in names) + ' met "today".'
    text = "Odd names\n\n" + sentence
    document = Document(id='odd "doc", 1', text=text, title="Odd names")
    start = text.index(sentence)
    evidence = Evidence(document.id, sentence, start, start + len(sentence))
    relations = tuple(
        Relation(a.key, "meetsWith", b.key, Modality.REPORTED, 0.25, "test:odd", evidence)
        for a, b in zip(entities, entities[1:])
    )
    graph = KnowledgeGraph()
    graph.add(Extraction(document, entities, relations))
    return graph


@pytest.mark.parametrize("name", RDF_FORMATS)
def test_odd_names_survive_every_rdf_format(odd_graph, name):
    export = export_format(name)
    data = odd_graph.serialize(name)
    if export.dataset:
        parsed = rdflib.Graph()
        for graph in _parsed_named_graphs(data, export.rdflib_format).values():
            parsed += graph
    else:
        parsed = rdflib.Graph().parse(data=data, format=export.rdflib_format)
    assert isomorphic(parsed, _source_merged_graph(odd_graph))


# ------------------------------------------------------------------ JSON-LD


@pytest.fixture(scope="module")
def json_ld(news_graph) -> dict:
    return json.loads(news_graph.serialize("jsonld"))


def test_json_ld_context_names_kg_vocabulary(json_ld):
    context = json_ld["@context"]
    assert context == json_ld_context()
    for prefix in ("kg", "rdfs", "skos", "owl", "dcterms", "xsd", "wd"):
        assert context[prefix].startswith("http")
    assert context["kg"] == NAMESPACE
    assert context["label"] == "rdfs:label" and context["altLabel"] == "skos:altLabel"
    for name in ("start", "end", "sourceStart", "sourceEnd", "targetStart", "targetEnd"):
        assert context[name] == {"@id": f"kg:{name}", "@type": "xsd:integer"}
    assert context["confidence"] == {"@id": "kg:confidence", "@type": "xsd:double"}
    for name in relation_types():
        assert context[name] == {"@id": f"kg:{name}", "@type": "@id"}


def test_json_ld_reads_as_plain_json(json_ld):
    nodes = {node["@id"]: node for node in json_ld["@graph"]}
    putin = nodes["https://w3id.org/kg-news/id/person/vladimir-putin"]
    assert putin["@type"] == "Person" and putin["label"] == "Vladimir Putin"
    assert putin["leaderOf"] == "https://w3id.org/kg-news/id/state/RU"
    statements = [node for node in nodes.values() if node.get("@type") == "Statement"]
    assert statements
    for statement in statements:
        assert statement["modality"] in {"asserted", "hypothetical", "negated", "reported"}
        assert 0 <= float(statement["confidence"]) <= 1
        assert int(statement["start"]) <= int(statement["end"])
    assert list(nodes) == sorted(nodes), "nodes are sorted by @id, so the export is stable"


def test_json_ld_of_an_empty_graph_is_an_empty_graph():
    document = json.loads(KnowledgeGraph().serialize("jsonld"))
    assert document["@graph"] == [] and "kg" in document["@context"]


# ------------------------------------------------------------------ GraphML and GEXF


def _expected_network(network: nx.MultiDiGraph, name: str) -> nx.MultiDiGraph:
    return gexf_view(network) if name == "gexf" else network


def _read_network(name: str, data: bytes) -> nx.MultiDiGraph:
    if name == "gexf":
        return nx.read_gexf(io.BytesIO(data))
    return nx.read_graphml(io.BytesIO(data), force_multigraph=True)


@pytest.mark.parametrize("name", GRAPH_FORMATS)
def test_graph_format_reads_back_with_the_same_nodes_edges_and_attributes(news_graph, name):
    expected = _expected_network(news_graph.to_networkx(), name)
    loaded = _read_network(name, news_graph.serialize(name))
    assert loaded.is_directed() and loaded.is_multigraph()
    assert set(loaded.nodes) == set(expected.nodes) and expected.number_of_nodes() > 5
    assert loaded.number_of_edges() == expected.number_of_edges() > 5
    for node, data in expected.nodes(data=True):
        assert loaded.nodes[node] == data
    for u, v, key, data in expected.edges(keys=True, data=True):
        back = loaded.edges[u, v, key]
        assert back == data
        for attribute, value in data.items():
            assert type(back[attribute]) is type(value), attribute


def test_gexf_is_a_static_graph_with_statement_ids_and_relation_labels(news_graph):
    data = news_graph.serialize("gexf")
    assert b'mode="static"' in data and b"lastmodifieddate" not in data
    loaded = nx.read_gexf(io.BytesIO(data))
    for _, _, key, edge in loaded.edges(keys=True, data=True):
        assert edge["id"] == key == edge["statement"]
        assert edge["label"] == edge["relation"]
        assert "start" not in edge and edge["sentence_start"] <= edge["sentence_end"]


# ------------------------------------------------------------------ Neo4j


# The header syntax of `neo4j-admin database import`: <name>:<field_type>, with the
# property types the import tool knows, "[]" for arrays, and the special fields.
NEO4J_TYPES = "int|long|float|double|boolean|byte|short|char|string|point|date|localtime|time|localdatetime|datetime|duration"
NEO4J_CELL = re.compile(rf"^(?:\w*:(?:ID|LABEL|START_ID|END_ID|TYPE)|\w+(?::(?:{NEO4J_TYPES})(?:\[\])?)?)$")


@pytest.fixture(scope="module")
def neo4j_files(news_graph, tmp_path_factory) -> dict[str, list[list[str]]]:
    folder = tmp_path_factory.mktemp("neo4j") / "neo4j"
    news_graph.serialize("neo4j", folder)
    assert sorted(p.name for p in folder.iterdir()) == ["nodes.csv", "relationships.csv"]
    return {name: list(csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8"), newline="")))
            for name in ("nodes.csv", "relationships.csv")}


def test_neo4j_headers_follow_the_import_tool_syntax(neo4j_files):
    nodes, relationships = neo4j_files["nodes.csv"], neo4j_files["relationships.csv"]
    assert nodes[0] == ["iri:ID", "name", "aliases:string[]", "iso2", "iso3", "wikidata", ":LABEL"]
    assert relationships[0] == [
        ":START_ID", ":END_ID", ":TYPE", "statement", "modality", "confidence:double", "rule", "document", "sentence",
        "start:int", "end:int", "source_start:int", "source_end:int", "target_start:int", "target_end:int",
        "via_coreference:boolean", "quad_class", "cameo_root",
    ]
    for cell in nodes[0] + relationships[0]:
        assert NEO4J_CELL.match(cell), cell
    assert list(NEO4J_NODE_HEADER) == nodes[0] and list(NEO4J_RELATIONSHIP_HEADER) == relationships[0]


def test_neo4j_relationships_refer_to_node_ids(neo4j_files, news_graph):
    network = news_graph.to_networkx()
    nodes, relationships = neo4j_files["nodes.csv"][1:], neo4j_files["relationships.csv"][1:]
    ids = [row[0] for row in nodes]
    assert len(ids) == len(set(ids)) == network.number_of_nodes()
    assert len(relationships) == network.number_of_edges()
    for row in relationships:
        assert row[0] in ids and row[1] in ids
        assert row[2] in relation_types()


def test_neo4j_values_parse_as_their_header_types(neo4j_files, news_graph):
    network = news_graph.to_networkx()
    header, *rows = neo4j_files["relationships.csv"]
    for row in rows:
        record = dict(zip(header, row))
        assert 0 <= float(record["confidence:double"]) <= 1
        assert 0 <= int(record["start:int"]) <= int(record["end:int"])
        assert record["via_coreference:boolean"] in {"true", "false"}
        assert record["modality"] in {"asserted", "hypothetical", "negated", "reported"}
        edge = network.edges[record[":START_ID"], record[":END_ID"], record["statement"]]
        assert edge["sentence"] == record["sentence"] and edge["relation"] == record[":TYPE"]
    header, *rows = neo4j_files["nodes.csv"]
    for row in rows:
        record = dict(zip(header, row))
        node = network.nodes[record["iri:ID"]]
        assert record[":LABEL"] == f"Entity;{node['type']}"
        assert record["name"] == node["label"]
        assert [a for a in record["aliases:string[]"].split(";") if a] == [a for a in node["aliases"].split("|") if a]


def test_neo4j_csv_quotes_odd_names(odd_graph, tmp_path):
    odd_graph.serialize("neo4j", tmp_path)
    with open(tmp_path / "nodes.csv", encoding="utf-8", newline="") as handle:
        nodes = list(csv.DictReader(handle))
    names = {row["name"] for row in nodes}
    assert 'He Said "No"; Jr.' in names and "Smith, Jones & Co <Ltd>" in names
    for row in nodes:
        aliases = row["aliases:string[]"].split(";")
        assert "plain alias" in aliases and len(aliases) == 2  # a ";" inside a name does not split it
    with open(tmp_path / "relationships.csv", encoding="utf-8", newline="") as handle:
        relationships = list(csv.DictReader(handle))
    assert len(relationships) == 3
    assert all("\n" in row["sentence"] and '"today"' in row["sentence"] for row in relationships)


def test_neo4j_needs_a_folder(news_graph, tmp_path):
    with pytest.raises(ExportError, match="writes a folder"):
        news_graph.serialize("neo4j")
    with pytest.raises(ExportError, match="writes a folder"):
        news_graph.serialize("neo4j", io.BytesIO())
    afile = tmp_path / "file.csv"
    afile.write_text("x")
    with pytest.raises(ExportError, match="is a file"):
        news_graph.serialize("neo4j", afile)


def test_file_format_refuses_a_folder(news_graph, tmp_path):
    with pytest.raises(ExportError, match="is a folder"):
        news_graph.serialize("turtle", tmp_path)


# ------------------------------------------------------------------ Cytoscape


@pytest.fixture(scope="module")
def cytoscape(news_graph) -> dict:
    return json.loads(news_graph.serialize("cytoscape"))


def test_cytoscape_ids_are_unique_and_edges_join_nodes(cytoscape, news_graph):
    network = news_graph.to_networkx()
    nodes = [element["data"] for element in cytoscape["elements"]["nodes"]]
    edges = [element["data"] for element in cytoscape["elements"]["edges"]]
    ids = [item["id"] for item in nodes + edges]
    assert len(ids) == len(set(ids))  # Cytoscape.js needs ids unique across nodes and edges
    assert len(nodes) == network.number_of_nodes() and len(edges) == network.number_of_edges()
    node_ids = {node["id"] for node in nodes}
    for edge in edges:
        assert edge["source"] in node_ids and edge["target"] in node_ids
        assert edge["interaction"] == edge["relation"] in relation_types()
        assert type(edge["confidence"]) is float and type(edge["start"]) is int


def test_cytoscape_nodes_carry_names_types_and_alias_lists(cytoscape, news_graph):
    network = news_graph.to_networkx()
    for element in cytoscape["elements"]["nodes"]:
        node = element["data"]
        assert node["name"] == network.nodes[node["id"]]["label"]
        assert node["type"] in {"Person", "State", "Organization", "Location"}
        assert isinstance(node["aliases"], list)


# ------------------------------------------------------------------ the CLI


def test_cli_writes_a_neo4j_folder_and_refuses_stdout(tmp_path, news_graph):
    store = tmp_path / "store"
    graph = KnowledgeGraph.open(store)
    graph.store.extend(news_graph.store)  # the news graph, quads and merged graph, on disk
    graph.close()  # release the store's lock before the CLI opens it
    runner = CliRunner()
    result = runner.invoke(main, ["export", "--store", str(store), "--format", "neo4j", "--out", str(tmp_path / "neo4j")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "neo4j" / "nodes.csv").is_file() and (tmp_path / "neo4j" / "relationships.csv").is_file()
    result = runner.invoke(main, ["export", "--store", str(store), "--format", "neo4j"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "Error: the neo4j format writes a folder of files, not a stream; give a folder, e.g. kg export --format neo4j --out neo4j/"
    ]
    for name in ("jsonld", "gexf", "cytoscape"):
        result = runner.invoke(main, ["export", "--store", str(store), "--format", name])
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == news_graph.serialize(name)


# ------------------------------------------------------------------ the committed sample exports


EXPORTS = Path(__file__).resolve().parent.parent / "exports"


def test_committed_sample_exports_are_one_graph_in_every_format():
    """`make exports` writes every format from one build: they must agree (a stale file fails here)."""
    turtle = rdflib.Graph().parse(EXPORTS / "graph.ttl", format="turtle")
    for export in formats():
        if not export.is_rdf or export.name == "turtle":
            continue
        path = export.target(EXPORTS)
        if export.dataset:
            parsed = rdflib.Graph()
            for graph in _parsed_named_graphs(path.read_bytes(), export.rdflib_format).values():
                parsed += graph
        else:
            parsed = rdflib.Graph().parse(path, format=export.rdflib_format)
        assert isomorphic(parsed, turtle), path
    entities = {s for s, o in turtle.subject_objects(rdflib.RDF.type) if str(o).removeprefix(NAMESPACE) in {"Person", "State", "Organization", "Location"}}
    statements = set(turtle.subjects(rdflib.RDF.type, rdflib.RDF.Statement))
    networks = {
        "graphml": nx.read_graphml(EXPORTS / "graph.graphml", force_multigraph=True),
        "gexf": nx.read_gexf(EXPORTS / "graph.gexf"),
    }
    for name, network in networks.items():
        assert set(network.nodes) == {str(e) for e in entities}, name
        assert {key for _, _, key in network.edges(keys=True)} == {str(s) for s in statements}, name
    cytoscape = json.loads((EXPORTS / "graph.cyjs").read_text(encoding="utf-8"))["elements"]
    assert {n["data"]["id"] for n in cytoscape["nodes"]} == {str(e) for e in entities}
    assert {e["data"]["id"] for e in cytoscape["edges"]} == {str(s) for s in statements}
    with open(EXPORTS / "neo4j" / "nodes.csv", encoding="utf-8", newline="") as handle:
        assert {row["iri:ID"] for row in csv.DictReader(handle)} == {str(e) for e in entities}
    with open(EXPORTS / "neo4j" / "relationships.csv", encoding="utf-8", newline="") as handle:
        assert {row["statement"] for row in csv.DictReader(handle)} == {str(s) for s in statements}
