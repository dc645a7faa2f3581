"""Code and ontology agree: ontology/kg.ttl, relations.md, the lexicons and kg.vocab."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, URIRef

from kg.lexicon import DATA_DIR, load_lexicon
from kg.model import EntityType, Modality
from kg.ontology import NAMESPACE, ontology_dir, relation_types
from kg.vocab import KG

SHARED = Path(__file__).resolve().parents[2] / "shared"  # ../shared, beside the project
RELATIONS_MD = SHARED / "reference" / "relations.md"
KGNS = rdflib.Namespace(NAMESPACE)
ACTORS = frozenset({EntityType.PERSON, EntityType.STATE, EntityType.ORGANIZATION})


@dataclass(frozen=True)
class Row:
    """One relation as relations.md describes it."""

    name: str
    group: str  # interaction | role | place
    symmetric: bool
    cameo_root: str | None = None
    quad_class: str | None = None
    domain: frozenset[EntityType] | None = None
    range: frozenset[EntityType] | None = None


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _types(text: str) -> frozenset[EntityType]:
    return frozenset(EntityType(name.strip()) for name in text.split(","))


def parse_relations_md(text: str) -> dict[str, Row]:
    """The relation rows of every markdown table in relations.md."""
    rows: dict[str, Row] = {}
    header: list[str] = []
    for line in text.splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = _cells(line)
        if not header:
            header = cells
            continue
        if set("".join(cells)) <= set("-: "):
            continue  # the |---|---| separator
        cell = dict(zip(header, cells))
        name, _, marker = cell["relation"].partition(" ")
        symmetric = marker == "(symmetric)"
        if "CAMEO root" in cell:
            rows[name] = Row(name, "interaction", symmetric, cell["CAMEO root"].split()[0], cell["quad"])
        else:
            domain, _, range_ = cell["domain -> range"].partition("->")
            domain_types, range_types = _types(domain), _types(range_)
            # The "Roles and places" table: a place relation is one whose range holds locations.
            group = "place" if EntityType.LOCATION in range_types else "role"
            rows[name] = Row(name, group, symmetric, domain=domain_types, range=range_types)
    return rows


@pytest.fixture(scope="module")
def reference() -> dict[str, Row]:
    if not RELATIONS_MD.is_file():
        pytest.skip("../shared/reference/relations.md is not beside the project")
    rows = parse_relations_md(RELATIONS_MD.read_text(encoding="utf-8"))
    assert len(rows) >= 20, "the relations.md tables were not parsed"
    return rows


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ontology_dir() / "kg.ttl", format="turtle")


def _defined_terms(graph: rdflib.Graph) -> set[URIRef]:
    """Every IRI of the kg namespace that kg.ttl describes (is the subject of a triple)."""
    return {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(NAMESPACE)}


# ------------------------------------------------------------------ the ontology file


def test_ontology_parses_with_rdflib_and_declares_itself(ontology):
    assert len(ontology) > 100
    assert (URIRef(NAMESPACE.rstrip("#")), RDF.type, OWL.Ontology) in ontology


def test_every_kg_iri_used_in_the_ontology_is_defined_there(ontology):
    used = {term for triple in ontology for term in triple if isinstance(term, URIRef) and str(term).startswith(NAMESPACE)}
    assert used - _defined_terms(ontology) == set()


def test_relations_md_parser_reads_both_tables():
    text = """
| relation | CAMEO root | quad | examples of wording |
|---|---|---|---|
| meetsWith (symmetric) | 04 Consult | VC | meets |
| intervenesIn | 17-19 Coerce, Assault, Fight | MK | invades |

| relation | domain -> range | examples of wording |
|---|---|---|
| memberOf | Person, State -> Organization | member of |
| basedIn | Organization -> Location, State | headquartered in |
"""
    rows = parse_relations_md(text)
    assert rows == {
        "meetsWith": Row("meetsWith", "interaction", True, "04", "VC"),
        "intervenesIn": Row("intervenesIn", "interaction", False, "17-19", "MK"),
        "memberOf": Row("memberOf", "role", False, domain=frozenset({EntityType.PERSON, EntityType.STATE}),
                        range=frozenset({EntityType.ORGANIZATION})),
        "basedIn": Row("basedIn", "place", False, domain=frozenset({EntityType.ORGANIZATION}),
                       range=frozenset({EntityType.LOCATION, EntityType.STATE})),
    }


# ------------------------------------------------------------------ relations.md <-> kg.ttl


def test_ontology_and_reference_name_the_same_relations(reference):
    assert set(relation_types()) == set(reference)


def test_every_reference_relation_is_an_object_property_with_its_group(reference, ontology):
    for name, row in reference.items():
        prop = KGNS[name]
        assert (prop, RDF.type, OWL.ObjectProperty) in ontology, name
        assert str(ontology.value(prop, KGNS.relationGroup)) == row.group, name
        assert relation_types()[name].group == row.group, name


def test_symmetric_relations_are_owl_symmetric_properties_and_no_others(reference, ontology):
    expected = {name for name, row in reference.items() if row.symmetric}
    declared = {str(s).removeprefix(NAMESPACE) for s in ontology.subjects(RDF.type, OWL.SymmetricProperty)}
    assert expected == {"meetsWith", "cooperatesWith"}
    assert declared == expected
    assert {name for name, kind in relation_types().items() if kind.symmetric} == expected


@pytest.mark.parametrize(
    "group, super_property",
    [("interaction", "interactsWith"), ("role", "hasRoleIn"), ("place", "placedIn")],
)
def test_relations_are_sub_properties_of_their_group_property(reference, ontology, group, super_property):
    names = [name for name, row in reference.items() if row.group == group]
    assert names
    for name in names:
        assert (KGNS[name], RDFS.subPropertyOf, KGNS[super_property]) in ontology, name


def test_interactions_carry_the_cameo_root_and_quad_class_of_the_table(reference, ontology):
    interactions = {name: row for name, row in reference.items() if row.group == "interaction"}
    assert len(interactions) >= 15
    for name, row in interactions.items():
        prop = KGNS[name]
        assert str(ontology.value(prop, KGNS.cameoRoot)) == row.cameo_root, name
        assert ontology.value(prop, KGNS.quadClass) == KGNS[row.quad_class], name
        kind = relation_types()[name]
        assert (kind.cameo_root, kind.quad_class) == (row.cameo_root, row.quad_class), name
        assert kind.domain == ACTORS, f"{name}: an interaction is between actors"


def test_roles_and_places_have_no_cameo_root(reference, ontology):
    for name, row in reference.items():
        if row.group != "interaction":
            assert ontology.value(KGNS[name], KGNS.cameoRoot) is None, name
            assert ontology.value(KGNS[name], KGNS.quadClass) is None, name


def test_cameo_roots_fall_in_their_quad_class_range(ontology):
    for name, kind in relation_types().items():
        if kind.cameo_root is None:
            continue
        low, _, high = str(ontology.value(KGNS[kind.quad_class], KGNS.cameoRange)).partition("-")
        first_root = int(kind.cameo_root.split("-")[0][:2])
        assert int(low) <= first_root <= int(high), f"{name}: root {kind.cameo_root} is not in {kind.quad_class}"


def test_roles_and_places_have_the_domain_and_range_of_the_table(reference):
    for name, row in reference.items():
        if row.group == "interaction":
            continue
        kind = relation_types()[name]
        assert kind.domain == row.domain, name
        assert kind.range == row.range, name


def test_entity_types_and_modalities_are_ontology_terms(ontology):
    for entity_type in EntityType:
        assert (KGNS[entity_type.value], RDF.type, OWL.Class) in ontology
    individuals = {str(s).removeprefix(NAMESPACE) for s in ontology.subjects(RDF.type, KGNS.Modality)}
    assert individuals == {m.value for m in Modality}


# ------------------------------------------------------------------ lexicons -> ontology


def test_every_lexicon_relation_exists_in_the_ontology():
    lexicon = load_lexicon()
    known = relation_types()
    verbs = {frame.relation for frames in lexicon.verbs.values() for frame in frames}
    titles = {title.relation for group in lexicon.titles.values() for title in group}
    nouns = {noun.relation for noun in lexicon.event_nouns.values()}
    assert verbs and titles and nouns
    for source, relations in (("verbs.csv", verbs), ("titles.csv", titles), ("event_nouns.csv", nouns)):
        assert relations <= set(known), f"{source}: not in the ontology: {sorted(relations - set(known))}"


@pytest.mark.parametrize("file_name", ["verbs.csv", "titles.csv", "event_nouns.csv"])
def test_lexicon_names_the_file_of_a_relation_missing_from_the_ontology(tmp_path, file_name):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / file_name
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("relation")] = "befriends"
    path.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{re.escape(file_name)}.*'befriends'"):
        load_lexicon(Path(data))


# ------------------------------------------------------------------ kg.vocab.KG


def test_vocabulary_class_and_ontology_define_the_same_terms(ontology):
    in_vocabulary = {URIRef(term) for term in dir(KG)}
    in_ontology = _defined_terms(ontology)
    assert in_vocabulary - in_ontology == set(), "kg/vocab.py has terms that kg.ttl does not define"
    assert in_ontology - in_vocabulary == set(), "kg.ttl defines terms that kg/vocab.py lacks"


@pytest.mark.parametrize("name", ["warns", "meetsWith", "State", "asserted", "viaCoreference", "MK", "start"])
def test_vocabulary_terms_are_ontology_iris(name):
    assert getattr(KG, name) == URIRef(NAMESPACE + name)
    assert isinstance(getattr(KG, name), URIRef)


@pytest.mark.parametrize("name", ["notATerm", "warn", "Warns", "person"])
def test_vocabulary_is_closed(name):
    with pytest.raises(AttributeError):
        getattr(KG, name)


def test_vocabulary_namespace_is_the_ontology_namespace():
    assert str(KG) == NAMESPACE
    assert all(URIRef(NAMESPACE + name) in set(dir(KG)) for name in relation_types())
