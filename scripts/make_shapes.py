"""Write ontology/shapes.ttl, kg's SHACL shapes, from ontology/kg.ttl.

Run it after changing the ontology and commit the result; tests/test_validate.py
checks that the committed file is what this script writes:

    python scripts/make_shapes.py            # rewrite ontology/shapes.ttl
    python scripts/make_shapes.py --check    # exit 1 when it is out of date

From the ontology come the relations with their domains and ranges (owl:unionOf
included), the entity classes, the modalities and the datatypes of the
provenance properties. What the ontology does not say (which provenance
properties are required, value ranges, label rules) is in the tables below.

Abstract classes (kg:Actor, kg:Place, kg:Entity) are expanded into the concrete
classes under them, so the shapes check a graph with no RDFS inference.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef
from rdflib.collection import Collection

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "kg.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

KG = "https://w3id.org/kg-news/ontology#"
RDF_STATEMENT = RDF.Statement

# Provenance properties every rdf:Statement has exactly once; the others (mention offsets) at most once.
REQUIRED_EVIDENCE = ("document", "sentence", "start", "end", "modality", "confidence", "rule", "viaCoreference")
NON_NEGATIVE = ("start", "end", "sourceStart", "sourceEnd", "targetStart", "targetEnd")
ORDERED_OFFSETS = (("start", "end"), ("sourceStart", "sourceEnd"), ("targetStart", "targetEnd"))
CLASS_ORDER = ("Person", "State", "Organization", "Location")  # the order kg names its entity types in

HEADER = """\
@prefix kg:      <https://w3id.org/kg-news/ontology#> .
@prefix kgsh:    <https://w3id.org/kg-news/shapes#> .
@prefix sh:      <http://www.w3.org/ns/shacl#> .
@prefix rdf:     <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

# SHACL shapes of the kg news knowledge graph: what `kg validate` checks.
# GENERATED from ontology/kg.ttl by scripts/make_shapes.py: change the ontology
# (or the script's tables), run the script, commit both. Do not edit by hand.
#
# Abstract classes are expanded into the concrete classes under them, so the
# shapes hold without RDFS inference.
"""


def local(node) -> str:
    return str(node).removeprefix(KG)


def concrete_classes(graph: Graph, node) -> list[str]:
    """The concrete kg classes a domain or range covers: a class, its subclasses, or an owl:unionOf of those."""
    order = {name: index for index, name in enumerate(CLASS_ORDER)}
    return sorted(_concrete_classes(graph, node), key=lambda name: (order.get(name, len(order)), name))


def _concrete_classes(graph: Graph, node) -> list[str]:
    if isinstance(node, URIRef):
        subclasses = sorted(graph.subjects(RDFS.subClassOf, node), key=str)
        if not subclasses:
            return [local(node)]
        found: list[str] = []
        for subclass in subclasses:
            found += [name for name in _concrete_classes(graph, subclass) if name not in found]
        return found
    members = Collection(graph, graph.value(node, OWL.unionOf))
    found = []
    for member in members:
        found += [name for name in _concrete_classes(graph, member) if name not in found]
    return found


def class_expression(graph: Graph, node) -> str:
    """How kg.ttl writes a domain or range, for comments: kg:Actor, or kg:State or kg:Organization."""
    if isinstance(node, URIRef):
        return f"kg:{local(node)}"
    return " or ".join(f"kg:{local(m)}" for m in Collection(graph, graph.value(node, OWL.unionOf)))


def in_words(names: list[str]) -> str:
    """Person; a State or an Organization; a Person, a State or an Organization."""
    articles = [("an " if name[0] in "AEIOU" else "a ") + name for name in names]
    return articles[0] if len(articles) == 1 else ", ".join(articles[:-1]) + " or " + articles[-1]


def class_constraint(names: list[str]) -> str:
    if len(names) == 1:
        return f"sh:class kg:{names[0]}"
    options = " ".join(f"[ sh:class kg:{name} ]" for name in names)
    return f"sh:or ( {options} )"


def relations(graph: Graph) -> list[URIRef]:
    return sorted(graph.subjects(URIRef(KG + "relationGroup"), None), key=str)


def relation_shapes(graph: Graph) -> str:
    blocks = []
    for prop in relations(graph):
        name = local(prop)
        domain_node, range_node = graph.value(prop, RDFS.domain), graph.value(prop, RDFS.range)
        domain, range_ = concrete_classes(graph, domain_node), concrete_classes(graph, range_node)
        blocks.append(
            f"kgsh:{name} a sh:NodeShape ;\n"
            f"    rdfs:comment \"kg:{name}: domain {class_expression(graph, domain_node)}, "
            f"range {class_expression(graph, range_node)}\" ;\n"
            f"    sh:targetSubjectsOf kg:{name} ;\n"
            f"    {class_constraint(domain)} ;\n"
            f"    sh:message \"the subject of kg:{name} must be {in_words(domain)}\" ;\n"
            f"    sh:property [\n"
            f"        sh:path kg:{name} ;\n"
            f"        {class_constraint(range_)} ;\n"
            f"        sh:message \"the object of kg:{name} must be {in_words(range_)}\" ;\n"
            f"    ] .\n"
        )
    return "\n".join(blocks)


def entity_shape(graph: Graph) -> str:
    classes = concrete_classes(graph, URIRef(KG + "Entity"))
    targets = " , ".join(f"kg:{name}" for name in classes)
    return f"""\
kgsh:Entity a sh:NodeShape ;
    rdfs:comment "Every entity: {', '.join(classes)}." ;
    sh:targetClass {targets} ;
    sh:nodeKind sh:IRI ;
    sh:property [
        sh:path rdfs:label ;
        sh:minCount 1 ;
        sh:datatype xsd:string ;
        sh:message "an entity needs a name: at least one rdfs:label, a plain string" ;
    ] ;
    sh:property [
        sh:path skos:altLabel ;
        sh:datatype xsd:string ;
        sh:message "an alias (skos:altLabel) is a plain string" ;
    ] ;
    sh:property [
        sh:path kg:mentionedIn ;
        sh:minCount 1 ;
        sh:class kg:Document ;
        sh:message "an entity is mentioned in at least one kg:Document (kg:mentionedIn)" ;
    ] .

kgsh:State a sh:NodeShape ;
    sh:targetClass kg:State ;
    sh:property [
        sh:path kg:iso3166Alpha2 ;
        sh:maxCount 1 ;
        sh:pattern "^[A-Z]{{2}}$" ;
        sh:message "a state has at most one ISO 3166-1 alpha-2 code, two capital letters" ;
    ] ;
    sh:property [
        sh:path kg:iso3166Alpha3 ;
        sh:maxCount 1 ;
        sh:pattern "^[A-Z]{{3}}$" ;
        sh:message "a state has at most one ISO 3166-1 alpha-3 code, three capital letters" ;
    ] .
"""


def document_shape() -> str:
    return """\
kgsh:Document a sh:NodeShape ;
    sh:targetClass kg:Document ;
    sh:nodeKind sh:IRI ;
    sh:property [
        sh:path dcterms:identifier ;
        sh:minCount 1 ;
        sh:maxCount 1 ;
        sh:datatype xsd:string ;
        sh:message "a document has exactly one dcterms:identifier" ;
    ] ;
    sh:property [
        sh:path kg:contentHash ;
        sh:minCount 1 ;
        sh:maxCount 1 ;
        sh:message "a document has exactly one kg:contentHash" ;
    ] .
"""


def evidence_properties(graph: Graph) -> list[URIRef]:
    """The provenance properties of kg.ttl (rdfs:domain rdf:Statement), in file order of names."""
    return sorted(graph.subjects(RDFS.domain, RDF_STATEMENT), key=lambda p: local(p))


def statement_shape(graph: Graph) -> str:
    names = " ".join(f"kg:{local(p)}" for p in relations(graph))
    modality_class = URIRef(KG + "Modality")
    modalities = [local(m) for m in Collection(graph, graph.value(modality_class, OWL.oneOf))]
    properties = [
        _property("rdf:subject", "exactly", ["sh:nodeKind sh:IRI"], "a statement has exactly one rdf:subject, an IRI"),
        _property("rdf:object", "exactly", ["sh:nodeKind sh:IRI"], "a statement has exactly one rdf:object, an IRI"),
        _property("rdf:predicate", "exactly", [f"sh:in ( {names} )"],
                  "a statement has exactly one rdf:predicate, a kg relation"),
    ]
    for prop in evidence_properties(graph):
        name = local(prop)
        range_ = graph.value(prop, RDFS.range)
        count = "exactly" if name in REQUIRED_EVIDENCE else "at most"
        constraints: list[str] = []
        if range_ == modality_class:
            constraints.append("sh:in ( " + " ".join(f"kg:{m}" for m in modalities) + " )")
            what = "one of " + ", ".join(modalities)
        elif (prop, RDF.type, OWL.ObjectProperty) in graph:
            constraints.append(f"sh:class kg:{local(range_)}")
            what = f"a kg:{local(range_)}"
        else:
            datatype = str(range_).removeprefix(str(XSD))
            constraints.append(f"sh:datatype xsd:{datatype}")
            what = f"an xsd:{datatype}"
        if name in NON_NEGATIVE:
            constraints.append("sh:minInclusive 0")
            what += " >= 0"
        if name == "confidence":
            constraints += ["sh:minInclusive 0", "sh:maxInclusive 1"]
            what += " between 0 and 1"
        properties.append(_property(f"kg:{name}", count, constraints, f"a statement has {count} one kg:{name}, {what}"))
    for first, last in ORDERED_OFFSETS:
        properties.append(
            "    sh:property [\n"
            f"        sh:path kg:{first} ;\n"
            f"        sh:lessThanOrEquals kg:{last} ;\n"
            f"        sh:message \"kg:{first} must not be after kg:{last}\" ;\n"
            "    ]"
        )
    body = " ;\n".join(properties)
    return (
        "kgsh:Statement a sh:NodeShape ;\n"
        "    rdfs:comment \"A piece of evidence: one reified relation with its provenance.\" ;\n"
        "    sh:targetClass rdf:Statement ;\n"
        "    sh:nodeKind sh:IRI ;\n"
        f"{body} .\n\n"
        + ASSERTED_STATEMENT +
        "\nkgsh:prefixes a owl:Ontology ;\n"
        "    sh:declare [ sh:prefix \"rdf\" ; sh:namespace \"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"^^xsd:anyURI ] .\n"
    )


# Evidence whose triple is missing from the graph. A SPARQL-based target (SHACL
# Advanced Features) runs one query for the whole graph; a SHACL-SPARQL constraint
# would run (and pySHACL parse) its query once per statement, minutes on a large graph.
# Every node it selects fails: nothing is in the empty list.
ASSERTED_STATEMENT = """\
kgsh:AssertedStatement a sh:NodeShape ;
    rdfs:comment "The triple a piece of evidence is about is in the graph." ;
    sh:target [
        a sh:SPARQLTarget ;
        sh:prefixes kgsh:prefixes ;
        sh:select \"\"\"
            SELECT ?this WHERE {
                ?this a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
                FILTER NOT EXISTS { ?s ?p ?o }
            }\"\"\" ;
    ] ;
    sh:in ( ) ;
    sh:message "the statement's triple is not in the graph" .
"""


def _property(path: str, count: str, constraints: list[str], message: str) -> str:
    cardinality = ["sh:minCount 1", "sh:maxCount 1"] if count == "exactly" else ["sh:maxCount 1"]
    lines = [f"sh:path {path}", *cardinality, *constraints, f'sh:message "{message}"']
    return "    sh:property [\n" + "".join(f"        {line} ;\n" for line in lines) + "    ]"


def render(ontology: Path = ONTOLOGY) -> str:
    graph = Graph().parse(ontology, format="turtle")
    sections = [
        HEADER,
        "# ---------------------------------------------------------------- entities and documents\n",
        entity_shape(graph),
        document_shape(),
        "# ---------------------------------------------------------------- evidence (rdf:Statement)\n",
        statement_shape(graph),
        "# ---------------------------------------------------------------- relations: domain and range\n",
        relation_shapes(graph),
    ]
    return "\n".join(sections)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if SHAPES.read_text(encoding="utf-8") != text:
            print(f"{SHAPES} is out of date; run: python scripts/make_shapes.py", file=sys.stderr)
            return 1
        return 0
    SHAPES.write_text(text, encoding="utf-8")
    print(f"wrote {SHAPES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
