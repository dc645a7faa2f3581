"""SHACL validation: the generated shapes, the sample graph conforms, broken graphs are reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib import RDF, RDFS, Literal, URIRef

from kg.cli import main
from kg.errors import ValidationInputError
from kg.formats import formats
from kg.ontology import NAMESPACE, relation_types
from kg.validate import shapes_path, validate_file, validate_graph
from tests.conftest import load_script

pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated, use Dataset:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "exports"
KG = rdflib.Namespace(NAMESPACE)
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
KGSH = rdflib.Namespace("https://w3id.org/kg-news/shapes#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
ID = "https://w3id.org/kg-news/id/"
VIENNA, RUSSIA, XI = URIRef(ID + "location/vienna"), URIRef(ID + "state/RU"), URIRef(ID + "person/xi-jinping")
OSCE = URIRef(ID + "organization/osce")


def _make_shapes():
    return load_script("make_shapes")


# ------------------------------------------------------------------ the shapes file


def test_committed_shapes_are_what_the_script_generates():
    assert shapes_path() == ROOT / "ontology" / "shapes.ttl"
    assert shapes_path().read_text(encoding="utf-8") == _make_shapes().render(), (
        "ontology/shapes.ttl is out of date: run python scripts/make_shapes.py"
    )


def _classes(shapes: rdflib.Graph, node) -> set[str]:
    single = shapes.value(node, SH["class"])
    if single is not None:
        return {str(single).removeprefix(NAMESPACE)}
    options = rdflib.collection.Collection(shapes, shapes.value(node, SH["or"]))
    return {str(shapes.value(option, SH["class"])).removeprefix(NAMESPACE) for option in options}


def test_every_relation_has_a_shape_with_the_ontologys_domain_and_range():
    """The script's class expansion agrees with kg.ontology's (two readings of kg.ttl)."""
    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    for name, kind in relation_types().items():
        shape = KGSH[name]
        assert shapes.value(shape, SH.targetSubjectsOf) == KG[name], name
        assert _classes(shapes, shape) == {t.value for t in kind.domain}, name
        property_shape = shapes.value(shape, SH.property)
        assert shapes.value(property_shape, SH.path) == KG[name]
        assert _classes(shapes, property_shape) == {t.value for t in kind.range}, name


# ------------------------------------------------------------------ graphs that conform


def test_the_news_graph_conforms(news_graph):
    report = news_graph.validate()
    assert report.conforms, [v.line() for v in report.violations]
    assert report.violations == () and report.triples == len(news_graph)
    assert report.summary() == f"conforms: {len(news_graph)} triples meet kg's shapes"


RDF_EXPORTS = [f"graph.{f.extension}" for f in formats() if f.is_rdf]


@pytest.mark.parametrize("name", RDF_EXPORTS)
def test_every_committed_rdf_sample_export_conforms(name):
    path = EXPORTS / name
    assert path.is_file(), f"{path} is missing: run make exports"
    report = validate_file(path)
    assert report.conforms, [v.line() for v in report.violations[:10]]
    assert report.triples > 1000


# ------------------------------------------------------------------ graphs that do not


def _statement(graph: rdflib.Graph, relation: str, subject: URIRef | None = None) -> URIRef:
    return sorted(s for s in graph.subjects(RDF.predicate, KG[relation]) if subject is None or (s, RDF.subject, subject) in graph)[0]


def _location_leads_a_state(g):
    g.add((VIENNA, KG.leaderOf, RUSSIA))


def _confidence_above_one(g):
    g.set((_statement(g, "warns"), KG.confidence, Literal("1.7", datatype=XSD.double)))


def _statement_without_modality(g):
    g.remove((_statement(g, "basedIn"), KG.modality, None))


def _entity_without_label(g):
    g.remove((XI, RDFS.label, None))


def _start_after_end(g):
    statement = _statement(g, "meetsWith")
    g.set((statement, KG.start, Literal(int(g.value(statement, KG.end)) + 1, datatype=XSD.integer)))


def _negative_offset(g):
    g.set((_statement(g, "warns"), KG.sourceStart, Literal(-3, datatype=XSD.integer)))


def _unknown_modality(g):
    g.set((_statement(g, "basedIn"), KG.modality, KG.certain))


def _confidence_as_text(g):
    g.set((_statement(g, "basedIn"), KG.confidence, Literal("high")))


def _statement_without_document(g):
    g.remove((_statement(g, "warns"), KG.document, None))


def _organization_as_citizenship(g):
    g.add((XI, KG.citizenOf, OSCE))


def _evidence_without_its_triple(g):
    g.remove((OSCE, KG.basedIn, VIENNA))


BREAKAGES = [
    # (how the graph is broken, focus label, path, message fragment)
    (_location_leads_a_state, "Vienna", "kg:leaderOf", "the subject of kg:leaderOf must be a Person"),
    (_confidence_above_one, "Organization for Security and Co-operation in Europe kg:warns Russia", "kg:confidence", "between 0 and 1"),
    (_statement_without_modality, "Organization for Security and Co-operation in Europe kg:basedIn Vienna", "kg:modality", "exactly one kg:modality"),
    (_entity_without_label, "President Xi Jinping", "rdfs:label", "an entity needs a name"),
    (_start_after_end, "Vladimir Putin kg:meetsWith Xi Jinping", "kg:start", "kg:start must not be after kg:end"),
    (_negative_offset, "Organization for Security and Co-operation in Europe kg:warns Russia", "kg:sourceStart", ">= 0"),
    (_unknown_modality, "Organization for Security and Co-operation in Europe kg:basedIn Vienna", "kg:modality", "one of asserted, hypothetical, negated, reported"),
    (_confidence_as_text, "Organization for Security and Co-operation in Europe kg:basedIn Vienna", "kg:confidence", "an xsd:double"),
    (_statement_without_document, "Organization for Security and Co-operation in Europe kg:warns Russia", "kg:document", "exactly one kg:document"),
    (_organization_as_citizenship, "Xi Jinping", "kg:citizenOf", "the object of kg:citizenOf must be a State"),
    (_evidence_without_its_triple, "Organization for Security and Co-operation in Europe kg:basedIn Vienna", "-", "the statement's triple is not in the graph"),
]


@pytest.fixture(scope="module")
def news_rdf(news_graph) -> rdflib.Graph:
    return news_graph.to_rdf()


def _broken(news_rdf, *breakages) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph += news_rdf
    for breakage in breakages:
        breakage(graph)
    return graph


@pytest.mark.parametrize("breakage, focus, path, message", BREAKAGES, ids=[b[0].__name__.strip("_") for b in BREAKAGES])
def test_a_broken_graph_is_rejected_with_the_violation_named(news_rdf, breakage, focus, path, message):
    report = validate_graph(_broken(news_rdf, breakage))
    assert not report.conforms
    lines = [v.line() for v in report.violations]
    assert any(line.startswith(f"{focus}: {path}: ") and message in line for line in lines), lines


def test_every_violation_of_a_graph_broken_four_ways_is_reported(news_rdf):
    """The four breakages of the issue at once: each gives its own line, nothing else is reported."""
    four = [_location_leads_a_state, _confidence_above_one, _statement_without_modality, _entity_without_label]
    report = validate_graph(_broken(news_rdf, *four))
    assert not report.conforms
    assert sorted((v.focus_label, v.path) for v in report.violations) == sorted([
        ("Organization for Security and Co-operation in Europe kg:basedIn Vienna", "kg:modality"),
        ("Organization for Security and Co-operation in Europe kg:warns Russia", "kg:confidence"),
        ("Vienna", "kg:leaderOf"),
        ("President Xi Jinping", "rdfs:label"),
    ])
    confidence = next(v for v in report.violations if v.path == "kg:confidence")
    assert confidence.value == "1.7"
    assert report.summary().startswith("does not conform: 4 violations on 4 nodes")


# ------------------------------------------------------------------ reading files, and the CLI


def test_quad_files_are_validated_as_one_graph(news_graph, tmp_path):
    for name in ("trig", "nquads"):
        path = tmp_path / f"graph.{name}"
        news_graph.serialize(name, path)
        report = validate_file(path)
        assert report.conforms and report.triples == len(news_graph)


@pytest.mark.parametrize("file_name, content, fragment", [
    ("graph.graphml", "<graphml/>", "graphml is not an RDF format"),
    ("graph.txt", "text", "cannot tell the RDF format from '.txt'"),
    ("missing.ttl", None, "missing.ttl: no such file"),
    ("bad.ttl", "garbage <<", "not readable as turtle (at line 1: Bad syntax"),
    ("bad.jsonld", "{bad json", "not readable as jsonld"),
])
def test_unreadable_input_is_a_one_line_error(tmp_path, file_name, content, fragment):
    path = tmp_path / file_name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationInputError, match=None) as error:
        validate_file(path)
    assert fragment in str(error.value) and "\n" not in str(error.value)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [f"Error: {error.value}"]


def test_cli_exit_status_and_output(news_graph, news_rdf, tmp_path):
    good = tmp_path / "good.ttl"
    news_graph.serialize("turtle", good)
    result = CliRunner().invoke(main, ["validate", str(good)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{good}: conforms: {len(news_graph)} triples meet kg's shapes"

    bad = tmp_path / "bad.nt"
    _broken(news_rdf, _location_leads_a_state, _confidence_above_one).serialize(bad, format="nt", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 1
    lines = result.stdout.strip().splitlines()
    assert lines[:-1] == [
        "Organization for Security and Co-operation in Europe kg:warns Russia: kg:confidence: "
        "a statement has exactly one kg:confidence, an xsd:double between 0 and 1 (value: 1.7)",
        "Vienna: kg:leaderOf: the subject of kg:leaderOf must be a Person",
    ]
    assert lines[-1].startswith(f"{bad}: does not conform: 2 violations on 2 nodes")

    bare = tmp_path / "graph-file"
    bare.write_bytes(good.read_bytes())
    assert CliRunner().invoke(main, ["validate", str(bare), "--format", "ttl"]).exit_code == 0
