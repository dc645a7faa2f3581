"""Extractions as RDF quads (pyoxigraph terms), one named graph per document.

Each relation is a plain triple ``<source> kg:<relation> <target>`` plus, for
every piece of evidence, an ``rdf:Statement`` (standard RDF reification)
carrying the document, sentence, offsets, modality, confidence and rule. The
document's named graph holds everything that document says, so replacing or
removing a document is one graph operation, and the union of the graphs is
the merged knowledge graph.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from kg.model import Entity, EntityType, Extraction, Relation
from kg.ontology import NAMESPACE, relation_type
from kg.resolve import DEFAULT_BASE, EntityRecord, document_iri, entity_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
WIKIDATA = "http://www.wikidata.org/entity/"

PREFIXES = {
    "kg": NAMESPACE,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "wd": WIKIDATA,
}

_A = NamedNode(RDF + "type")


def kg(name: str) -> NamedNode:
    return NamedNode(NAMESPACE + name)


def _xml_safe(text: str) -> str:
    """Drop characters that XML 1.0 forbids, so every RDF syntax can carry the text."""
    return "".join(
        c for c in text
        if c in "\t\n\r" or "\x20" <= c <= "\ud7ff" or "\ue000" <= c <= "\ufffd" or "\U00010000" <= c <= "\U0010ffff"
    )


def _string(text: str) -> Literal:
    return Literal(_xml_safe(text))


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def statement_iri(relation: Relation, base: str = DEFAULT_BASE) -> str:
    parts = (
        relation.evidence.document, relation.source, relation.relation, relation.target,
        str(relation.evidence.start), str(relation.evidence.end), relation.rule,
    )
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return f"{base}statement/{digest}"


def entity_quads(entity: Entity, graph: NamedNode, document: NamedNode, base: str) -> Iterator[Quad]:
    node = NamedNode(entity_iri(entity, base))
    yield Quad(node, _A, kg(entity.type.value), graph)
    yield Quad(node, NamedNode(RDFS + "label"), _string(entity.name), graph)
    for alias in entity.aliases:
        yield Quad(node, NamedNode(SKOS + "altLabel"), _string(alias), graph)
    for scheme, value in entity.identifiers:
        if scheme == "iso3166-alpha2":
            yield Quad(node, kg("iso3166Alpha2"), Literal(value), graph)
        elif scheme == "iso3166-alpha3":
            yield Quad(node, kg("iso3166Alpha3"), Literal(value), graph)
        elif scheme == "wikidata":
            yield Quad(node, NamedNode(OWL + "sameAs"), NamedNode(WIKIDATA + value), graph)
    yield Quad(node, kg("mentionedIn"), document, graph)


def extraction_quads(extraction: Extraction, base: str = DEFAULT_BASE) -> Iterator[Quad]:
    """All quads of one document, in the document's named graph."""
    document = extraction.document
    doc_node = NamedNode(document_iri(document.id, base))
    graph = doc_node
    yield Quad(doc_node, _A, kg("Document"), graph)
    yield Quad(doc_node, NamedNode(DCTERMS + "identifier"), _string(document.id), graph)
    yield Quad(doc_node, kg("contentHash"), Literal(document.content_hash), graph)
    if document.title:
        yield Quad(doc_node, NamedNode(DCTERMS + "title"), _string(document.title), graph)
    if document.date:
        yield Quad(doc_node, NamedNode(DCTERMS + "date"), _string(document.date), graph)
    if document.url:
        yield Quad(doc_node, NamedNode(DCTERMS + "source"), _string(document.url), graph)
    entities = {e.key: e for e in extraction.entities}
    for entity in entities.values():
        yield from entity_quads(entity, graph, doc_node, base)
    for relation in extraction.relations:
        subject = NamedNode(entity_iri(entities[relation.source], base))
        predicate = kg(relation_type(relation.relation).name)
        obj = NamedNode(entity_iri(entities[relation.target], base))
        yield Quad(subject, predicate, obj, graph)
        statement = NamedNode(statement_iri(relation, base))
        evidence = relation.evidence
        yield Quad(statement, _A, NamedNode(RDF + "Statement"), graph)
        yield Quad(statement, NamedNode(RDF + "subject"), subject, graph)
        yield Quad(statement, NamedNode(RDF + "predicate"), predicate, graph)
        yield Quad(statement, NamedNode(RDF + "object"), obj, graph)
        yield Quad(statement, kg("document"), doc_node, graph)
        yield Quad(statement, kg("sentence"), _string(evidence.sentence), graph)
        yield Quad(statement, kg("start"), _integer(evidence.start), graph)
        yield Quad(statement, kg("end"), _integer(evidence.end), graph)
        if evidence.source_span:
            yield Quad(statement, kg("sourceStart"), _integer(evidence.source_span[0]), graph)
            yield Quad(statement, kg("sourceEnd"), _integer(evidence.source_span[1]), graph)
        if evidence.target_span:
            yield Quad(statement, kg("targetStart"), _integer(evidence.target_span[0]), graph)
            yield Quad(statement, kg("targetEnd"), _integer(evidence.target_span[1]), graph)
        yield Quad(statement, kg("modality"), kg(relation.modality.value), graph)
        yield Quad(statement, kg("confidence"), Literal(repr(float(relation.confidence)), datatype=NamedNode(XSD + "double")), graph)
        yield Quad(statement, kg("rule"), _string(relation.rule), graph)
        yield Quad(statement, kg("viaCoreference"), Literal("true" if relation.via_coreference else "false", datatype=NamedNode(XSD + "boolean")), graph)


# Entity identifiers in RDF, by predicate, and the schemes they stand for (Entity.identifiers).
_IDENTIFIER_SCHEMES = {NAMESPACE + "iso3166Alpha2": "iso3166-alpha2", NAMESPACE + "iso3166Alpha3": "iso3166-alpha3"}
ENTITY_CLASSES = {NAMESPACE + t.value: t for t in EntityType}
_ENTITY_CLASS_NODES = frozenset(NamedNode(iri) for iri in ENTITY_CLASSES)
_TYPE = NamedNode(RDF + "type")
_FIELD_PREDICATES = frozenset(NamedNode(iri) for iri in (RDFS + "label", SKOS + "altLabel", OWL + "sameAs", *_IDENTIFIER_SCHEMES))


def entity_field(predicate: str, obj) -> tuple[str, object] | None:
    """What one triple about an entity says for resolution: ("name" | "alias" |
    "identifier", value), or None when it says nothing resolution uses."""
    if predicate == RDFS + "label":
        return "name", obj.value
    if predicate == SKOS + "altLabel":
        return "alias", obj.value
    if predicate in _IDENTIFIER_SCHEMES:
        return "identifier", (_IDENTIFIER_SCHEMES[predicate], obj.value)
    if predicate == OWL + "sameAs" and obj.value.startswith(WIKIDATA):
        return "identifier", ("wikidata", obj.value.removeprefix(WIKIDATA))
    return None


def entity_records(quads: Iterable[Quad], document: str | None = None) -> list[EntityRecord]:
    """What quads say about each entity IRI, as records for cross-document resolution
    (the inverse of ``entity_quads``): type, labels, alternative labels, identifiers."""
    types: dict[str, EntityType] = {}
    values: dict[str, dict[str, set]] = defaultdict(lambda: {"name": set(), "alias": set(), "identifier": set()})
    for quad in quads:
        predicate = quad.predicate
        if predicate == _TYPE:  # terms compare in Oxigraph, without making Python strings
            if quad.object in _ENTITY_CLASS_NODES:
                types[quad.subject.value] = ENTITY_CLASSES[quad.object.value]
        elif predicate in _FIELD_PREDICATES:
            found = entity_field(predicate.value, quad.object)
            if found is not None:
                values[quad.subject.value][found[0]].add(found[1])
    documents = frozenset({document}) if document else frozenset()
    return [
        EntityRecord(iri, type_, frozenset(values[iri]["name"]), frozenset(values[iri]["alias"]), frozenset(values[iri]["identifier"]), documents)
        for iri, type_ in sorted(types.items())
    ]
