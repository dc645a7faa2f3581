"""Entities resolved across documents in the store: one IRI per referent in the merged
graph, whatever the order documents come in, undone when the document behind a merge
changes; the merge log, in Python and through `kg merges`.

Most tests build graphs from hand-made extractions, so they test the store and not
the entity tagger; one builds real text.
"""

from __future__ import annotations

import gc
import itertools
import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import kg
from kg.cli import main
from kg.graph import KnowledgeGraph
from kg.merged import load_index, rebuilt_merged_quads
from kg.model import Document, Entity, EntityType, Evidence, Extraction, Modality, Relation
from kg.resolve import DEFAULT_BASE

PERSON, STATE, ORG, PLACE = EntityType.PERSON, EntityType.STATE, EntityType.ORGANIZATION, EntityType.LOCATION
ID = DEFAULT_BASE
RUSSIA = Entity("state:RU", "Russia", STATE, identifiers=(("iso3166-alpha2", "RU"), ("wikidata", "Q159")))
UKRAINE = Entity("state:UA", "Ukraine", STATE, identifiers=(("iso3166-alpha2", "UA"), ("wikidata", "Q212")))


def person(name: str, *aliases: str) -> Entity:
    return Entity("person:" + name.lower(), name, PERSON, aliases=aliases)


def place(name: str) -> Entity:
    return Entity("location:" + name.lower(), name, PLACE)


def extraction(doc_id: str, entities: list[Entity], relations: list[tuple[Entity, str, Entity]] = (), text: str = "") -> Extraction:
    """A document whose text is its facts, one sentence each."""
    sentences = [f"{s.name} {r} {t.name}." for s, r, t in relations]
    text = text or " ".join(sentences) or f"{doc_id} names " + ", ".join(e.name for e in entities) + "."
    document = Document(id=doc_id, text=text)
    found, start = [], 0
    for (source, name, target), sentence in zip(relations, sentences):
        start = text.index(sentence, start)
        evidence = Evidence(doc_id, sentence, start, start + len(sentence))
        found.append(Relation(source.key, name, target.key, Modality.ASSERTED, 0.9, "test", evidence))
    return Extraction(document, tuple(entities), tuple(found))


PUTIN, VLADIMIR_PUTIN = person("Putin", "President Putin"), person("Vladimir Putin")
GEORGE_KENT, MUHTAR_KENT, KENT = person("George Kent", "Kent"), person("Muhtar Kent"), person("Kent")

DOCS = {
    "putin-only": extraction("putin-only", [PUTIN, RUSSIA], [(PUTIN, "leaderOf", RUSSIA)]),
    "vladimir": extraction("vladimir", [VLADIMIR_PUTIN, RUSSIA, UKRAINE], [(VLADIMIR_PUTIN, "leaderOf", RUSSIA), (VLADIMIR_PUTIN, "warns", UKRAINE)]),
    "president": extraction("president", [PUTIN, UKRAINE], [(PUTIN, "threatens", UKRAINE)]),
    "george-kent": extraction("george-kent", [GEORGE_KENT, RUSSIA], [(GEORGE_KENT, "criticizes", RUSSIA)]),
    "muhtar-kent": extraction("muhtar-kent", [MUHTAR_KENT]),
    "kent-only": extraction("kent-only", [KENT, UKRAINE], [(KENT, "supports", UKRAINE)]),
    "fordow-place": extraction("fordow-place", [place("Fordow")]),
    "fordow-person": extraction("fordow-person", [person("Fordow"), RUSSIA], [(person("Fordow"), "criticizes", RUSSIA)]),
}


def build(*extractions: Extraction, graph: KnowledgeGraph | None = None) -> KnowledgeGraph:
    graph = graph if graph is not None else KnowledgeGraph()
    for item in extractions:
        graph.add(item)
    return graph


def dump(graph: KnowledgeGraph) -> list[str]:
    """The whole store, documents' graphs and merged graph, as sorted N-Quads lines."""
    return sorted(ox.serialize(list(graph.store), format=ox.RdfFormat.N_QUADS).decode().splitlines())


def merged(graph: KnowledgeGraph) -> set[str]:
    return {str(q.triple) for q in graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph())}


def assert_in_step(graph: KnowledgeGraph) -> None:
    """The merged graph is what resolving the documents' graphs from scratch gives."""
    assert merged(graph) == {str(q.triple) for q in rebuilt_merged_quads(graph.store, load_index(graph.store))}


def typed(graph: KnowledgeGraph, local: str) -> bool:
    return graph.query(f"ASK {{ <{ID}{local}> a ?class }}").boolean


def labels(graph: KnowledgeGraph, local: str) -> set[str]:
    return {row[0] for row in graph.query(f"SELECT ?l WHERE {{ <{ID}{local}> rdfs:label|skos:altLabel ?l }}")}


# ------------------------------------------------------------------ one IRI across documents


def test_a_surname_and_a_full_name_in_two_documents_are_one_node():
    graph = build(DOCS["putin-only"], DOCS["vladimir"])
    assert not typed(graph, "person/putin") and typed(graph, "person/vladimir-putin")
    assert labels(graph, "person/vladimir-putin") == {"Vladimir Putin", "Putin", "President Putin"}
    assert graph.query(f"ASK {{ <{ID}person/putin> owl:sameAs <{ID}person/vladimir-putin> }}").boolean
    leaders = graph.query("SELECT ?p (COUNT(?st) AS ?n) WHERE { ?st rdf:subject ?p ; rdf:predicate kg:leaderOf } GROUP BY ?p").rows
    assert leaders == ((f"{ID}person/vladimir-putin", "2"),)  # the evidence of both documents on one node
    mentioned = {r[0] for r in graph.query(f"SELECT ?d WHERE {{ <{ID}person/vladimir-putin> kg:mentionedIn ?d }}")}
    assert mentioned == {f"{ID}document/putin-only", f"{ID}document/vladimir"}
    assert_in_step(graph)


def test_the_networkx_view_has_one_node_with_the_full_name_and_the_other_names_as_aliases():
    network = build(DOCS["putin-only"], DOCS["vladimir"], DOCS["president"]).to_networkx()
    people = {n: d for n, d in network.nodes(data=True) if d["type"] == "Person"}
    assert list(people) == [f"{ID}person/vladimir-putin"]
    node = people[f"{ID}person/vladimir-putin"]
    assert node["label"] == "Vladimir Putin" and set(node["aliases"].split("|")) == {"Putin", "President Putin"}


def test_a_later_full_name_absorbs_an_earlier_surname():
    graph = build(DOCS["putin-only"])
    assert typed(graph, "person/putin")
    build(DOCS["vladimir"], graph=graph)
    assert not typed(graph, "person/putin")
    assert_in_step(graph)


@pytest.mark.parametrize("names", [
    ("putin-only", "vladimir", "president", "fordow-place"),
    ("george-kent", "kent-only", "muhtar-kent", "president"),
])
def test_the_graph_is_the_same_whatever_the_order_of_the_documents(names):
    orders = list(itertools.permutations(names))
    reference = dump(build(*(DOCS[n] for n in orders[0])))
    for order in orders[1:]:
        graph = build(*(DOCS[n] for n in order))
        assert dump(graph) == reference, order
    assert_in_step(graph)


def test_kg_build_in_two_orders_gives_the_same_graph_from_real_text():
    """The same three articles, built forwards and backwards, with the extraction of real text."""
    texts = {
        "kremlin": "Kremlin rejects talks\n\nPutin rejected the proposal on Monday, the Kremlin said.",
        "summit": "Summit in Beijing\n\nRussian President Vladimir Putin met Chinese President Xi Jinping in Beijing on Tuesday.",
        "warning": "Warning to Kyiv\n\nPresident Putin warned Ukraine on Wednesday.",
    }
    documents = [Document(id=k, text=v, title=v.partition("\n")[0]) for k, v in texts.items()]
    forwards, backwards = kg.build(documents), kg.build(documents[::-1])
    assert dump(forwards) == dump(backwards)
    people = {row[0] for row in forwards.query("SELECT ?p WHERE { ?p a kg:Person }")}
    assert f"{ID}person/vladimir-putin" in people and f"{ID}person/putin" not in people
    assert ("surname", f"{ID}person/putin") in {(m.rule, m.source) for m in forwards.merge_log().merges}


# ------------------------------------------------------------------ what never merges


def test_a_person_and_a_place_of_the_same_name_stay_two_nodes():
    graph = build(DOCS["fordow-place"], DOCS["fordow-person"])
    assert typed(graph, "location/fordow") and typed(graph, "person/fordow")
    (refusal,) = [r for r in graph.merge_log().refusals if "fordow" in r.iri]
    assert refusal.reason == "incompatible types"
    assert refusal.explanation == "Fordow is a Location, Fordow a Person"


def test_a_surname_two_known_people_share_stays_apart_and_the_log_says_why():
    graph = build(DOCS["george-kent"], DOCS["muhtar-kent"], DOCS["kent-only"])
    assert typed(graph, "person/kent") and typed(graph, "person/george-kent") and typed(graph, "person/muhtar-kent")
    (refusal,) = graph.merge_log().refusals
    assert (refusal.iri, refusal.reason, refusal.key) == (f"{ID}person/kent", "ambiguous", "kent")
    assert refusal.candidates == (f"{ID}person/george-kent", f"{ID}person/muhtar-kent")
    assert refusal.documents == ("kent-only",)
    assert_in_step(graph)


def test_a_new_namesake_makes_a_merged_surname_ambiguous_and_splits_it_off():
    graph = build(DOCS["george-kent"], DOCS["kent-only"])
    assert not typed(graph, "person/kent")
    assert graph.query(f"ASK {{ <{ID}person/george-kent> kg:supports <{ID}state/UA> }}").boolean
    build(DOCS["muhtar-kent"], graph=graph)
    assert typed(graph, "person/kent")
    assert not graph.query(f"ASK {{ <{ID}person/george-kent> kg:supports ?x }}").boolean
    assert dump(graph) == dump(build(DOCS["muhtar-kent"], DOCS["kent-only"], DOCS["george-kent"]))


# ------------------------------------------------------------------ documents that change


def _changed(doc_id: str) -> Extraction:
    """A new version of a document, naming someone else."""
    xi = person("Xi Jinping")
    return extraction(doc_id, [xi, UKRAINE], [(xi, "warns", UKRAINE)])


def test_replacing_the_document_behind_a_merge_undoes_it():
    graph = build(DOCS["putin-only"], DOCS["vladimir"])
    result = graph.add(_changed("vladimir"))
    assert result.status == "replaced"
    assert typed(graph, "person/putin") and not typed(graph, "person/vladimir-putin")
    assert not graph.query("ASK { ?x owl:sameAs ?y FILTER(STRSTARTS(STR(?y), 'https://w3id.org/kg-news/id/')) }").boolean
    assert dump(graph) == dump(build(_changed("vladimir"), DOCS["putin-only"]))
    assert graph.merge_log().merges == ()


def test_replacing_one_of_two_documents_behind_a_merge_keeps_it():
    graph = build(DOCS["putin-only"], DOCS["vladimir"], DOCS["president"])
    graph.add(_changed("putin-only"))
    assert not typed(graph, "person/putin")
    assert labels(graph, "person/vladimir-putin") == {"Vladimir Putin", "Putin", "President Putin"}
    assert dump(graph) == dump(build(DOCS["president"], _changed("putin-only"), DOCS["vladimir"]))


def test_replacing_the_namesake_lets_the_surname_merge_again():
    graph = build(DOCS["george-kent"], DOCS["muhtar-kent"], DOCS["kent-only"])
    graph.add(extraction("muhtar-kent", [place("Atlanta")]))
    assert not typed(graph, "person/kent")
    assert dump(graph) == dump(build(extraction("muhtar-kent", [place("Atlanta")]), DOCS["kent-only"], DOCS["george-kent"]))


def test_re_adding_documents_changes_nothing():
    graph = build(DOCS["putin-only"], DOCS["vladimir"])
    before = dump(graph)
    assert [graph.add(DOCS[n]).status for n in ("vladimir", "putin-only")] == ["unchanged", "unchanged"]
    assert dump(graph) == before


# ------------------------------------------------------------------ documents' graphs and exports


def test_a_documents_graph_keeps_its_own_iris_and_exports_show_it_resolved():
    graph = build(DOCS["putin-only"], DOCS["vladimir"])
    document = ox.NamedNode(f"{ID}document/putin-only")
    putin, vladimir = ox.NamedNode(f"{ID}person/putin"), ox.NamedNode(f"{ID}person/vladimir-putin")
    stored = {q.triple for q in graph.quads(resolved=False) if q.graph_name == document}
    assert ox.Triple(putin, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Putin")) in stored
    exported = {q.triple for q in graph.quads() if q.graph_name == document}
    assert ox.Triple(putin, ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs"), vladimir) in exported
    assert ox.Triple(vladimir, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), ox.Literal("Vladimir Putin")) in exported
    assert not any(q.subject == putin and q.predicate != ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs") for q in graph.quads())
    assert {str(q.triple) for q in graph.quads()} == merged(graph)  # the union of the exported documents is the merged graph


def test_a_reopened_store_goes_on_resolving_as_one_build(tmp_path):
    path = tmp_path / "store"
    with KnowledgeGraph.open(path) as graph:
        build(DOCS["putin-only"], DOCS["kent-only"], graph=graph)
    gc.collect()
    with KnowledgeGraph.open(path) as graph:
        build(DOCS["vladimir"], DOCS["george-kent"], graph=graph)
        assert dump(graph) == dump(build(DOCS["george-kent"], DOCS["vladimir"], DOCS["kent-only"], DOCS["putin-only"]))


def test_a_merged_graph_written_without_resolution_is_brought_in_step_by_the_next_build():
    """A store built by a kg that did not resolve across documents: its merged graph is the plain union."""
    from kg.rdf import extraction_quads

    graph = KnowledgeGraph()
    for item in (DOCS["putin-only"], DOCS["vladimir"]):
        quads = list(extraction_quads(item))
        graph.store.extend(quads + [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads])
    assert typed(graph, "person/putin")
    graph.add(DOCS["president"])
    assert dump(graph) == dump(build(DOCS["president"], DOCS["vladimir"], DOCS["putin-only"]))


def test_a_store_without_a_merged_graph_gets_it_back_resolved(tmp_path):
    path = tmp_path / "store"
    with KnowledgeGraph.open(path) as graph:
        build(DOCS["putin-only"], DOCS["vladimir"], graph=graph)
        expected = dump(graph)
        graph.store.remove_graph(ox.DefaultGraph())
    gc.collect()
    with KnowledgeGraph.open(path) as graph:
        assert dump(graph) == expected


# ------------------------------------------------------------------ the merge log


@pytest.fixture(scope="module")
def log_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("merges") / "store"
    with KnowledgeGraph.open(path) as graph:
        build(*(DOCS[n] for n in ("putin-only", "vladimir", "george-kent", "muhtar-kent", "kent-only")), graph=graph)
    gc.collect()
    return path


def test_kg_merges_prints_each_merge_and_refusal_and_a_summary(log_store):
    result = CliRunner().invoke(main, ["merges", "--store", str(log_store)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        'merged person/putin "Putin" into person/vladimir-putin "Vladimir Putin": surname \'putin\'; documents putin-only into vladimir',
        'kept person/kent "Kent" apart from person/george-kent, person/muhtar-kent: ambiguous (alias \'kent\'): '
        "'kent' fits 2 entities: George Kent, Muhtar Kent; documents kent-only",
        "1 IRI merged into 1 entity across documents; 1 kept apart (1 ambiguous)",
    ]


def test_kg_merges_json_lines_and_out_file(log_store, tmp_path):
    result = CliRunner().invoke(main, ["merges", "--store", str(log_store), "--json"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["kind"], r.get("rule"), r.get("reason")) for r in records] == [("merge", "surname", None), ("refusal", "alias", "ambiguous")]
    assert records[0]["source_documents"] == ["putin-only"] and records[0]["target_documents"] == ["vladimir"]
    out = tmp_path / "merges.txt"
    result = CliRunner().invoke(main, ["merges", "--store", str(log_store), "--out", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert out.read_text(encoding="utf-8") == CliRunner().invoke(main, ["merges", "--store", str(log_store)]).stdout


def test_kg_stats_counts_the_merged_iris(log_store):
    result = CliRunner().invoke(main, ["stats", "--store", str(log_store)])
    assert "resolution: 1 entity IRI merged into another across documents (kg merges tells why)" in result.stdout
    assert json.loads(CliRunner().invoke(main, ["stats", "--json", "--store", str(log_store)]).stdout)["merged"] == 1


def test_kg_merges_on_a_missing_store_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["merges", "--store", str(tmp_path / "nothing")])
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error:") and "build one first" in result.stderr and len(result.stderr.strip().splitlines()) == 1
