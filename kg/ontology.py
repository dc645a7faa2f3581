"""The relation registry, read from ``ontology/kg.ttl``.

Relation types are defined once, in the ontology; everything in the code that
needs to know them (extraction lexicons, RDF export, evaluation) asks here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.model import EntityType

NAMESPACE = "https://w3id.org/kg-news/ontology#"
ONTOLOGY_IRI = "https://w3id.org/kg-news/ontology"

_PACKAGE_DIR = Path(__file__).resolve().parent


def ontology_dir() -> Path:
    """The ``ontology/`` folder: inside the installed wheel, or the source tree."""
    for candidate in (_PACKAGE_DIR / "ontology", _PACKAGE_DIR.parent / "ontology"):
        if (candidate / "kg.ttl").is_file():
            return candidate
    raise FileNotFoundError("kg's ontology/kg.ttl is missing from the installation")


@dataclass(frozen=True)
class RelationType:
    """One relation of the vocabulary, as the ontology declares it."""

    name: str
    label: str
    group: str  # interaction | role | place
    symmetric: bool
    domain: frozenset[EntityType]
    range: frozenset[EntityType]
    cameo_root: str | None = None
    quad_class: str | None = None

    @property
    def iri(self) -> str:
        return NAMESPACE + self.name


# Abstract classes of the ontology, expanded to the concrete entity types.
_CLASS_MEMBERS: dict[str, frozenset[EntityType]] = {
    "Entity": frozenset(EntityType),
    "Actor": frozenset({EntityType.PERSON, EntityType.STATE, EntityType.ORGANIZATION}),
    "Place": frozenset({EntityType.STATE, EntityType.LOCATION}),
    **{t.value: frozenset({t}) for t in EntityType},
}


_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"


class _Triples:
    """kg.ttl as a subject -> predicate -> objects index (Oxigraph's parser: no rdflib
    to import and no rdflib graph to build, which every extraction process paid for)."""

    def __init__(self, path: Path):
        import pyoxigraph as ox

        self.index: dict[object, dict[str, list]] = {}
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            self.index.setdefault(triple.subject, {}).setdefault(triple.predicate.value, []).append(triple.object)

    def value(self, subject, predicate: str):
        values = self.index.get(subject, {}).get(predicate)
        return values[0] if values else None

    def subjects(self, predicate: str) -> list:
        return [subject for subject, properties in self.index.items() if predicate in properties]

    def has(self, subject, predicate: str, obj) -> bool:
        return obj in self.index.get(subject, {}).get(predicate, ())


def _classes(graph: _Triples, node) -> frozenset[EntityType]:
    """The entity types a domain or range node covers (named class or owl:unionOf)."""
    import pyoxigraph as ox

    if node is None:
        return frozenset()
    if isinstance(node, ox.NamedNode):
        return _CLASS_MEMBERS.get(node.value.removeprefix(NAMESPACE), frozenset())
    members, item = [], graph.value(node, _OWL + "unionOf")
    while item is not None and item != ox.NamedNode(_RDF + "nil"):  # an RDF list: first, rest, ... nil
        members.append(graph.value(item, _RDF + "first"))
        item = graph.value(item, _RDF + "rest")
    return frozenset().union(*(_classes(graph, member) for member in members))


@cache
def relation_types() -> dict[str, RelationType]:
    """Every relation type of the ontology, by local name, sorted by name."""
    import pyoxigraph as ox

    graph = _Triples(ontology_dir() / "kg.ttl")
    types: dict[str, RelationType] = {}
    for prop in graph.subjects(NAMESPACE + "relationGroup"):
        name = prop.value.removeprefix(NAMESPACE)
        quad = graph.value(prop, NAMESPACE + "quadClass")
        root = graph.value(prop, NAMESPACE + "cameoRoot")
        types[name] = RelationType(
            name=name,
            label=graph.value(prop, _RDFS + "label").value,
            group=graph.value(prop, NAMESPACE + "relationGroup").value,
            symmetric=graph.has(prop, _RDF + "type", ox.NamedNode(_OWL + "SymmetricProperty")),
            domain=_classes(graph, graph.value(prop, _RDFS + "domain")),
            range=_classes(graph, graph.value(prop, _RDFS + "range")),
            cameo_root=root.value if root is not None else None,
            quad_class=quad.value.removeprefix(NAMESPACE) if quad is not None else None,
        )
    return dict(sorted(types.items()))


def relation_type(name: str) -> RelationType:
    try:
        return relation_types()[name]
    except KeyError:
        known = ", ".join(relation_types())
        raise KeyError(f"unknown relation type {name!r}; the ontology defines: {known}") from None


def is_symmetric(name: str) -> bool:
    return relation_type(name).symmetric


# Terms of other vocabularies that kg's graph uses, named for JSON-LD.
_JSON_LD_TERMS: dict[str, str | dict[str, str]] = {
    "label": "rdfs:label",
    "altLabel": "skos:altLabel",
    "sameAs": {"@id": "owl:sameAs", "@type": "@id"},
    "identifier": "dcterms:identifier",
    "title": "dcterms:title",
    "date": "dcterms:date",
    "source": "dcterms:source",
    "Statement": "rdf:Statement",
    "subject": {"@id": "rdf:subject", "@type": "@id"},
    "predicate": {"@id": "rdf:predicate", "@type": "@vocab"},  # a relation term: "predicate": "leaderOf"
    "object": {"@id": "rdf:object", "@type": "@id"},
}


@cache
def json_ld_context() -> dict:
    """A JSON-LD ``@context`` naming kg's vocabulary, derived from ``ontology/kg.ttl``.

    Every class, individual, object and datatype property of the ontology is a
    term; object properties are ``@id``-typed (``@vocab`` when their range is an
    enumeration such as kg:Modality, so ``"modality": "asserted"``), datatype
    properties carry their XSD range as a type coercion unless it is xsd:string.
    """
    from rdflib import OWL, RDF, RDFS, XSD, Graph, URIRef

    from kg.rdf import PREFIXES

    graph = Graph().parse(ontology_dir() / "kg.ttl", format="turtle")

    def local(node) -> str | None:
        text = str(node)
        return text.removeprefix(NAMESPACE) if isinstance(node, URIRef) and text.startswith(NAMESPACE) else None

    terms: dict[str, str | dict[str, str]] = {}
    for kind in (OWL.Class, OWL.NamedIndividual):
        for node in graph.subjects(RDF.type, kind):
            if (name := local(node)) is not None:
                terms[name] = f"kg:{name}"
    for node in graph.subjects(RDF.type, OWL.ObjectProperty):
        if (name := local(node)) is not None:
            range_ = graph.value(node, RDFS.range)
            enumerated = range_ is not None and graph.value(range_, OWL.oneOf) is not None
            terms[name] = {"@id": f"kg:{name}", "@type": "@vocab" if enumerated else "@id"}
    for node in graph.subjects(RDF.type, OWL.DatatypeProperty):
        if (name := local(node)) is not None:
            range_ = graph.value(node, RDFS.range)
            if range_ is None or range_ == XSD.string:
                terms[name] = f"kg:{name}"
            else:
                terms[name] = {"@id": f"kg:{name}", "@type": "xsd:" + str(range_).removeprefix(str(XSD))}
    return {**PREFIXES, **_JSON_LD_TERMS, **dict(sorted(terms.items()))}
