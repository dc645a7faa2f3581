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


def _classes(graph, node) -> frozenset[EntityType]:
    """The entity types a domain or range node covers (named class or owl:unionOf)."""
    from rdflib import OWL, URIRef
    from rdflib.collection import Collection

    if isinstance(node, URIRef):
        return _CLASS_MEMBERS.get(str(node).removeprefix(NAMESPACE), frozenset())
    union = graph.value(node, OWL.unionOf)
    if union is None:
        return frozenset()
    return frozenset().union(*(_classes(graph, member) for member in Collection(graph, union)))


@cache
def relation_types() -> dict[str, RelationType]:
    """Every relation type of the ontology, by local name, in file order."""
    from rdflib import OWL, RDF, RDFS, Graph, Namespace

    kg = Namespace(NAMESPACE)
    graph = Graph().parse(ontology_dir() / "kg.ttl", format="turtle")
    types: dict[str, RelationType] = {}
    for prop in graph.subjects(kg.relationGroup, None):
        name = str(prop).removeprefix(NAMESPACE)
        quad = graph.value(prop, kg.quadClass)
        root = graph.value(prop, kg.cameoRoot)
        types[name] = RelationType(
            name=name,
            label=str(graph.value(prop, RDFS.label)),
            group=str(graph.value(prop, kg.relationGroup)),
            symmetric=(prop, RDF.type, OWL.SymmetricProperty) in graph,
            domain=_classes(graph, graph.value(prop, RDFS.domain)),
            range=_classes(graph, graph.value(prop, RDFS.range)),
            cameo_root=str(root) if root is not None else None,
            quad_class=str(quad).removeprefix(NAMESPACE) if quad is not None else None,
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
