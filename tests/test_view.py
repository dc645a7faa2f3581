"""The view stage: the page's data, the self-contained HTML, pictures, and `kg viz`."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

import kg
from kg import view
from kg.cli import main
from kg.model import Document, Modality
from kg.ontology import relation_types

from tests.conftest import NEWS_TEXTS, ROOT
from tests.test_cli import assert_user_error, run

def synthetic_graph(stars: list[int], alone: int = 0) -> kg.KnowledgeGraph:
    """A graph of people, one document per star: a hub who meets each of its leaves."""
    from kg.model import Entity, EntityType, Evidence, Extraction, Relation

    graph = kg.KnowledgeGraph()
    for number, leaves in enumerate(stars):
        hub = Entity(f"person:hub {number}", f"Hub {number}", EntityType.PERSON)
        entities, relations = [hub], []
        for leaf in range(leaves):
            other = Entity(f"person:leaf {number}-{leaf}", f"Leaf {number}-{leaf}", EntityType.PERSON)
            sentence = f"{hub.name} met {other.name}."
            evidence = Evidence(f"star-{number}", sentence, 0, len(sentence), (0, len(hub.name)), (len(hub.name) + 5, len(sentence) - 1))
            entities.append(other)
            relations.append(Relation(hub.key, "meetsWith", other.key, Modality.ASSERTED, 0.9, "test", evidence))
        text = " ".join(r.evidence.sentence for r in relations)
        graph.add(Extraction(Document(f"star-{number}", text), tuple(entities), tuple(relations)))
    if alone:
        lonely = tuple(Entity(f"person:alone {i}", f"Alone {i}", EntityType.PERSON) for i in range(alone))
        graph.add(Extraction(Document("alone", "Nobody met anybody."), lonely))
    return graph


PAGE_DATA = re.compile(r'<script id="kg-data" type="application/json">(.*?)</script>', re.S)


def page_data(page: str) -> dict:
    return json.loads(PAGE_DATA.search(page).group(1))


@pytest.fixture(scope="module")
def network(news_graph):
    return news_graph.to_networkx()


@pytest.fixture(scope="module")
def news_view(news_graph) -> view.View:
    return view.build_view(news_graph)


@pytest.fixture(scope="module")
def page(news_graph) -> str:
    return news_graph.to_html()


def _edge(news_view: view.View, source: str, relation: str, target: str) -> view.ViewEdge:
    labels = {n.id: n.label for n in news_view.nodes}
    [edge] = [e for e in news_view.edges if (labels[e.source], e.relation, labels[e.target]) == (source, relation, target)]
    return edge


# ------------------------------------------------------------------ the view's data


def test_view_has_every_entity_and_every_statement(news_view, network):
    assert len(news_view.nodes) == network.number_of_nodes()
    assert news_view.statements == network.number_of_edges()
    assert {n.iri for n in news_view.nodes} == set(network.nodes)


def test_one_drawn_edge_per_source_relation_target_and_modality(news_view, network):
    distinct = {(u, d["relation"], v, d["modality"]) for u, v, d in network.edges(data=True)}
    assert len(news_view.edges) == len(distinct)
    warns = _edge(news_view, "Organization for Security and Co-operation in Europe", "warns", "Russia")
    assert len(warns.evidence) == 2  # the headline and the first sentence


@pytest.mark.parametrize(
    "source, relation, target, source_words, target_words",
    [
        ("Vladimir Putin", "leaderOf", "Russia", "Vladimir Putin", "Russian"),
        ("Xi Jinping", "leaderOf", "China", "Xi Jinping", "Chinese"),
        ("Russia", "intervenesIn", "Belarus", "Moscow", "Belarus"),
        ("Organization for Security and Co-operation in Europe", "basedIn", "Vienna", "OSCE", "Vienna"),
    ],
)
def test_highlights_are_offsets_into_the_sentence(news_view, source, relation, target, source_words, target_words):
    [evidence] = _edge(news_view, source, relation, target).evidence
    assert evidence.sentence[slice(*evidence.source)] == source_words
    assert evidence.sentence[slice(*evidence.target)] == target_words


def test_evidence_names_its_document(news_view):
    documents = [d.id for d in news_view.documents]
    assert sorted(documents) == sorted(NEWS_TEXTS)
    [evidence] = _edge(news_view, "Vladimir Putin", "leaderOf", "Russia").evidence
    assert news_view.documents[evidence.document].id == "moscow-summit"
    assert news_view.documents[evidence.document].title == "Putin hosts Xi in Moscow"


def test_nodes_carry_identifiers_aliases_and_documents(news_view):
    by_label = {n.label: n for n in news_view.nodes}
    russia = by_label["Russia"]
    assert (russia.type, russia.iso2, russia.iso3, russia.wikidata) == ("State", "RU", "RUS", "Q159")
    assert "Russian" in russia.aliases
    assert {news_view.documents[i].id for i in russia.documents} == set(NEWS_TEXTS)
    assert by_label["Vladimir Putin"].degree > by_label["Vienna"].degree


@pytest.mark.parametrize("relation", sorted(relation_types()))
def test_every_relation_has_an_edge_style(relation):
    kind = relation_types()[relation]
    key = view.edge_class(relation)
    assert key in view.EDGE_CLASSES
    assert key == (kind.quad_class if kind.group == "interaction" else kind.group)


@pytest.mark.parametrize("relation, label", [("warns", "verbal conflict"), ("attacks", "material conflict"),
                                             ("meetsWith", "verbal cooperation"), ("aids", "material cooperation")])
def test_interactions_are_styled_by_cameo_quad_class(relation, label):
    assert view.EDGE_CLASSES[view.edge_class(relation)].label == label


def test_only_asserted_relations_are_drawn_solid():
    assert view.DASHED_MODALITIES == set(Modality) - {Modality.ASSERTED}


def test_every_entity_type_has_a_colour_and_a_shape():
    assert set(view.NODE_STYLES) == set(kg.EntityType)
    assert len({s.colour for s in view.NODE_STYLES.values()}) == len(view.NODE_STYLES)
    assert len({s.shape for s in view.NODE_STYLES.values()}) == len(view.NODE_STYLES)


def test_top_keeps_the_most_connected_entities(news_graph, news_view):
    top = view.build_view(news_graph, top=3)
    assert len(top.nodes) == 3
    assert [n.iri for n in view.build_view(news_graph, top=6).nodes] == sorted(n.iri for n in view.build_view(news_graph, top=6).nodes)
    assert top.total_nodes == len(news_view.nodes)
    best = sorted(news_view.nodes, key=lambda n: -n.degree)[:3]
    assert min(n.degree for n in best) >= max(n.degree for n in news_view.nodes if n.iri not in {t.iri for t in top.nodes})


def test_top_must_be_positive(news_graph):
    with pytest.raises(view.VizError, match="positive"):
        view.build_view(news_graph, top=0)


# ------------------------------------------------------------------ layout


def test_layout_places_every_node_apart_and_is_repeatable(network):
    first, second = view.layout_positions(network), view.layout_positions(network)
    assert first == second
    assert set(first) == set(network.nodes)
    points = list(first.values())
    assert len(set(points)) == len(points)
    assert min(((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5 for i, a in enumerate(points) for b in points[i + 1:]) > 20


def test_layout_packs_groups_without_overlap():
    import networkx as nx

    graph = nx.MultiDiGraph()
    for group in range(12):  # stars of different sizes, and lone entities
        for leaf in range(group % 5 + 1):
            graph.add_edge(f"hub{group}", f"leaf{group}-{leaf}")
    graph.add_nodes_from(f"alone{i}" for i in range(30))
    positions = view.layout_positions(graph)
    boxes = []
    for component in nx.weakly_connected_components(graph):
        xs, ys = [positions[n][0] for n in component], [positions[n][1] for n in component]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (a, b)


# ------------------------------------------------------------------ the page


def test_page_is_self_contained(page):
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=\"(https?:)?//", page)
    assert "cytoscape" in page and "The Cytoscape Consortium" in page  # inlined, with its licence header
    assert "/*{{" not in page and "{{DATA}}" not in page


def test_page_embeds_the_view_data(page, news_view):
    data = page_data(page)
    assert data["counts"] == {"nodes": len(news_view.nodes), "edges": len(news_view.edges), "statements": news_view.statements,
                              "graphNodes": len(news_view.nodes), "graphStatements": news_view.statements}
    assert {r["name"] for r in data["relations"]} == {e.relation for e in news_view.edges}
    assert Counter(r["class"] for r in data["relations"])["VK"] >= 1


def test_page_is_the_same_for_the_same_graph(news_graph, page):
    assert news_graph.to_html() == page


def test_article_text_cannot_break_out_of_the_page():
    text = "Putin warns Xi </script><script>alert(1)</script>\n\nRussian President Vladimir Putin warned China on Monday."
    graph = kg.build([Document(id="x</script>", text=text, title="A </script> title & <b>more</b>")])
    page = graph.to_html(title="<Title> & co")
    assert page.count("</script>") == 3  # the data, Cytoscape.js and the page's own script
    assert "<title>&lt;Title&gt; &amp; co</title>" in page
    assert page_data(page)["documents"][0]["title"] == "A </script> title & <b>more</b>"


def test_to_html_writes_a_file(news_graph, tmp_path):
    target = tmp_path / "out" / "graph.html"
    assert news_graph.to_html(target) is None
    assert target.read_text(encoding="utf-8") == news_graph.to_html()


def test_vendored_library_is_recorded_with_its_licence():
    import hashlib
    from importlib import resources

    vendor = resources.files("kg.viz") / "vendor"
    sums = dict(reversed(line.split("  ./")) for line in (vendor / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"cytoscape.min.js", "cytoscape.LICENSE"}
    for name, digest in sums.items():
        assert hashlib.sha256((vendor / name).read_bytes()).hexdigest() == digest
    assert "Permission is hereby granted" in (vendor / "cytoscape.LICENSE").read_text()


# ------------------------------------------------------------------ pictures


def _svg_texts(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return ["".join(element.itertext()) for element in root.iter() if element.tag.endswith("text")]


@pytest.mark.skipif(not view.graphviz_available(), reason="Graphviz (dot, neato) is not installed")
def test_graphviz_svg_shows_the_most_connected_entities(news_graph):
    texts = _svg_texts(news_graph.to_picture("svg", top=4))
    assert "Vladimir Putin" in texts and "Russia" in texts
    assert any(t.startswith("warns") for t in texts)
    assert "Vienna" not in texts  # not among the four most connected


@pytest.mark.skipif(not view.graphviz_available(), reason="Graphviz (dot, neato) is not installed")
def test_graphviz_png_is_a_png(news_graph):
    assert news_graph.to_picture("png", top=5)[:8] == b"\x89PNG\r\n\x1a\n"


def test_without_graphviz_svg_comes_from_the_builtin_renderer(news_graph, monkeypatch):
    monkeypatch.setattr(view, "graphviz_available", lambda: False)
    svg = news_graph.to_picture("svg")
    texts = _svg_texts(svg)
    assert {"Vladimir Putin", "Russia", "Vienna"} <= set(texts)
    assert "warns ×2" in texts
    assert b'stroke-dasharray="6 4"' in svg  # the hypothetical intervention
    with pytest.raises(view.VizError, match="Graphviz"):
        news_graph.to_picture("png")


def test_pictures_leave_out_entities_unrelated_to_the_others_shown(monkeypatch):
    monkeypatch.setattr(view, "graphviz_available", lambda: False)
    graph = synthetic_graph(stars=[2], alone=1)
    texts = _svg_texts(graph.to_picture("svg"))
    assert {"Hub 0", "Leaf 0-0", "Leaf 0-1"} <= set(texts) and "Alone 0" not in texts
    assert len(view.build_view(graph).nodes) == 4  # the page shows every entity


def test_unknown_picture_format_is_named(news_graph):
    with pytest.raises(view.VizError, match="'gif'"):
        news_graph.to_picture("gif")


# ------------------------------------------------------------------ kg viz


@pytest.fixture(scope="module")
def store(tmp_path_factory, news_files):
    folder = tmp_path_factory.mktemp("viz") / "store"
    result = run("build", *news_files, "--store", folder, "-q")
    assert result.exit_code == 0, result.output
    return folder


def test_kg_viz_writes_the_page(store, tmp_path):
    target = tmp_path / "graph.html"
    result = run("viz", "--store", store, "--out", target)
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.stderr
    data = page_data(target.read_text(encoding="utf-8"))
    assert data["counts"]["statements"] == kg.KnowledgeGraph.open(store, read_only=True).to_networkx().number_of_edges()


def test_kg_viz_writes_a_picture(store, tmp_path, monkeypatch):
    target = tmp_path / "graph.svg"
    result = run("viz", "--store", store, "--format", "svg", "--top", "5", "--out", target)
    assert result.exit_code == 0, result.output
    assert "Russia" in _svg_texts(target.read_bytes())


def test_kg_viz_without_graphviz_says_how_it_drew(store, tmp_path, monkeypatch):
    monkeypatch.setattr(view, "graphviz_available", lambda: False)
    result = run("viz", "--store", store, "--format", "svg", "--out", tmp_path / "g.svg")
    assert result.exit_code == 0, result.output
    assert "built-in SVG renderer" in result.stderr
    assert_user_error(run("viz", "--store", store, "--format", "png", "--out", tmp_path / "g.png"), "Graphviz", "--format svg")


def test_kg_viz_to_standard_output(store):
    result = run("viz", "--store", store, "--out", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--top", "0"], ["--top"]),
        (["--format", "gif"], ["gif"]),
    ],
)
def test_kg_viz_rejects_bad_options(store, args, fragments):
    result = run("viz", "--store", store, *args)
    assert result.exit_code == 2
    for fragment in fragments:
        assert fragment in result.output


def test_kg_viz_names_a_missing_store(tmp_path):
    assert_user_error(run("viz", "--store", tmp_path / "nowhere"), "nowhere", "kg build")


def test_kg_viz_is_a_command():
    assert "viz" in main.commands


# ------------------------------------------------------------------ the committed sample page and picture


def test_committed_sample_page_and_picture_show_the_committed_graph():
    """`make exports` draws the graph it exports: a stale page or picture fails here."""
    import rdflib

    from kg.ontology import NAMESPACE

    exports = ROOT / "exports"
    turtle = rdflib.Graph().parse(exports / "graph.ttl", format="turtle")
    types = {NAMESPACE + t for t in ("Person", "State", "Organization", "Location")}
    entities = {str(s) for s, o in turtle.subject_objects(rdflib.RDF.type) if str(o) in types}
    statements = set(turtle.subjects(rdflib.RDF.type, rdflib.RDF.Statement))
    data = page_data((exports / "graph.html").read_text(encoding="utf-8"))
    assert {node["iri"] for node in data["nodes"]} == entities
    assert sum(len(edge["evidence"]) for edge in data["edges"]) == data["counts"]["statements"] == len(statements)
    labels = {str(o) for o in turtle.objects(None, rdflib.RDFS.label)}
    shown = [t for t in _svg_texts((exports / "graph.svg").read_bytes()) if t in labels]
    assert len(shown) >= 20


def test_layout_does_not_depend_on_the_hash_seed():
    """Two runs of `make exports` must write the same page: no set order may leak into the layout."""
    import subprocess
    import sys

    script = (
        "import networkx as nx, json; from kg.view import layout_positions\n"
        "g = nx.MultiDiGraph()\n"
        "for i in range(6):\n"
        "    for j in range(i + 1): g.add_edge(f'hub{i}', f'leaf{i}-{j}'); g.add_edge(f'leaf{i}-{j}', f'hub{(i + 1) % 6}')\n"
        "g.add_nodes_from(f'alone{i}' for i in range(40))\n"
        "print(json.dumps(sorted(layout_positions(g).items())))\n"
    )
    runs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1
