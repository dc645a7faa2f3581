"""The view stage: the graph as one self-contained HTML page, or a static picture.

``to_html`` writes a single HTML file that works offline: the graph's data as
JSON, a layout computed here once (so the page opens settled, nothing keeps
moving), and Cytoscape.js inlined from ``kg/viz/vendor/`` (vendored from npm by
``scripts/vendor_js.sh``). ``to_picture`` draws the most connected actors as
SVG or PNG with Graphviz, or as SVG with a small built-in renderer when
Graphviz's programs are not installed.

Both read the graph through ``KnowledgeGraph.to_networkx()`` (one edge per
statement) and SPARQL (documents and where each entity is mentioned). One
drawn edge stands for one (source, relation, target, modality): its pieces of
evidence are listed when it is clicked, and its width grows with their number.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import VizError
from kg.model import EntityType, Modality
from kg.ontology import relation_types

if TYPE_CHECKING:
    import networkx as nx

    from kg.graph import KnowledgeGraph

DEFAULT_TOP = 60
PICTURE_FORMATS = ("svg", "png")
VIEW_FORMATS = ("html", *PICTURE_FORMATS)
PICTURE_TITLE = "kg: the most connected entities"


# ------------------------------------------------------------------ styles


@dataclass(frozen=True)
class NodeStyle:
    colour: str
    shape: str  # Cytoscape.js node shape
    dot_shape: str  # Graphviz node shape


@dataclass(frozen=True)
class EdgeClass:
    """How the edges of one CAMEO quad class (or of roles, or places) look."""

    key: str
    label: str
    colour: str


NODE_STYLES: dict[str, NodeStyle] = {
    EntityType.PERSON: NodeStyle("#4c78a8", "ellipse", "ellipse"),
    EntityType.STATE: NodeStyle("#8e6bb8", "hexagon", "hexagon"),
    EntityType.ORGANIZATION: NodeStyle("#2a9d8f", "round-rectangle", "box"),
    EntityType.LOCATION: NodeStyle("#a0785a", "diamond", "diamond"),
}

# Cooperation in greens, conflict in orange and red; verbal lighter than material.
# Roles and places are context rather than events: neutral greys.
EDGE_CLASSES: dict[str, EdgeClass] = {
    "VC": EdgeClass("VC", "verbal cooperation", "#5aae61"),
    "MC": EdgeClass("MC", "material cooperation", "#1b7837"),
    "VK": EdgeClass("VK", "verbal conflict", "#e08214"),
    "MK": EdgeClass("MK", "material conflict", "#c51b1b"),
    "role": EdgeClass("role", "roles", "#6f7f99"),
    "place": EdgeClass("place", "places", "#b5a27a"),
}

# Everything the text does not state as a fact is drawn dashed.
DASHED_MODALITIES = frozenset({Modality.HYPOTHETICAL, Modality.NEGATED, Modality.REPORTED})


def edge_class(relation: str) -> str:
    """The key of ``EDGE_CLASSES`` for a relation: its quad class, else its group."""
    kind = relation_types().get(relation)
    if kind is None:
        return "role"
    return kind.quad_class or kind.group


# ------------------------------------------------------------------ the view's data


@dataclass(frozen=True)
class ViewDocument:
    id: str
    title: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ViewEvidence:
    """One statement: its sentence, with the entity words as offsets into the sentence."""

    statement: str
    document: int  # index into the documents
    sentence: str
    source: tuple[int, int] | None
    target: tuple[int, int] | None
    confidence: float
    rule: str
    via_coreference: bool


@dataclass(frozen=True)
class ViewEdge:
    id: str
    source: str
    target: str
    relation: str
    modality: str
    evidence: tuple[ViewEvidence, ...]


@dataclass(frozen=True)
class ViewNode:
    id: str
    iri: str
    label: str
    type: str
    degree: int  # pieces of evidence on the node's edges
    aliases: tuple[str, ...] = ()
    iso2: str | None = None
    iso3: str | None = None
    wikidata: str | None = None
    documents: tuple[int, ...] = ()
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class View:
    """Everything the page or the picture shows, computed once from the graph."""

    title: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    documents: tuple[ViewDocument, ...]
    total_nodes: int = 0  # in the whole graph, before --top
    total_statements: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def statements(self) -> int:
        return sum(len(edge.evidence) for edge in self.edges)


_DOCUMENT_QUERY = """
SELECT ?doc ?id ?title ?date ?url WHERE {
  ?doc a kg:Document ; dcterms:identifier ?id .
  OPTIONAL { ?doc dcterms:title ?title }
  OPTIONAL { ?doc dcterms:date ?date }
  OPTIONAL { ?doc dcterms:source ?url }
} ORDER BY ?id"""

_MENTION_QUERY = "SELECT ?e ?doc WHERE { ?e kg:mentionedIn ?doc }"


def build_view(
    graph: KnowledgeGraph, *, top: int | None = None, title: str | None = None, layout: bool = True, connected_only: bool = False
) -> View:
    """The view of ``graph``: all of it, or its ``top`` most connected entities
    (and of those, with ``connected_only``, the ones related to another one shown)."""
    import networkx as nx

    if top is not None and top < 1:
        raise VizError(f"--top must be a positive number of entities, not {top}")
    network = graph.to_networkx()
    total_nodes, total_statements = network.number_of_nodes(), network.number_of_edges()
    if top is not None and network.number_of_nodes() > top:
        network = _induced(network, most_connected(network, top))
    if connected_only:
        network.remove_nodes_from(list(nx.isolates(network)))

    documents, document_index = [], {}
    iri_of_document = {}
    for iri, doc_id, doc_title, date, url in graph.query(_DOCUMENT_QUERY):
        if doc_id in document_index:  # a document with two titles or dates: keep the first
            continue
        document_index[doc_id] = len(documents)
        iri_of_document[iri] = doc_id
        documents.append(ViewDocument(doc_id, doc_title, date, url))
    mentioned: dict[str, set[int]] = defaultdict(set)
    for entity, doc in graph.query(_MENTION_QUERY):
        if doc in iri_of_document:
            mentioned[entity].add(document_index[iri_of_document[doc]])

    node_ids = {iri: f"n{number}" for number, iri in enumerate(network.nodes)}
    positions = layout_positions(network) if layout else {}
    degree = Counter()
    for source, target in network.edges():
        degree[source] += 1
        degree[target] += 1
    nodes = tuple(
        ViewNode(
            id=node_ids[iri],
            iri=iri,
            label=data["label"],
            type=data["type"],
            degree=degree[iri],
            aliases=tuple(a for a in data.get("aliases", "").split("|") if a),
            iso2=data.get("iso2"),
            iso3=data.get("iso3"),
            wikidata=data.get("wikidata"),
            documents=tuple(sorted(mentioned.get(iri, ()))),
            x=round(float(positions.get(iri, (0.0, 0.0))[0]), 1),
            y=round(float(positions.get(iri, (0.0, 0.0))[1]), 1),
        )
        for iri, data in network.nodes(data=True)
    )
    return View(
        title=title or "kg — knowledge graph",
        nodes=nodes,
        edges=tuple(_merged_edges(network, node_ids, document_index)),
        documents=tuple(documents),
        total_nodes=total_nodes,
        total_statements=total_statements,
    )


def _induced(network: nx.MultiDiGraph, keep: Iterable[str]) -> nx.MultiDiGraph:
    """The graph on ``keep``, in the original graph's order. (networkx's ``subgraph``
    iterates over a set when it keeps few nodes: an order that changes between runs.)"""
    import networkx as nx

    kept = set(keep)
    result = nx.MultiDiGraph(name=network.graph.get("name", ""))
    result.add_nodes_from((n, d) for n, d in network.nodes(data=True) if n in kept)
    result.add_edges_from((u, v, k, d) for u, v, k, d in network.edges(keys=True, data=True) if u in kept and v in kept)
    return result


def most_connected(network: nx.MultiDiGraph, top: int) -> list[str]:
    """The ``top`` entities with the most evidence, ties broken by label (stable)."""
    degree = Counter()
    for source, target in network.edges():
        degree[source] += 1
        degree[target] += 1
    ranked = sorted(network.nodes, key=lambda n: (-degree[n], network.nodes[n]["label"], n))
    return ranked[:top]


def _merged_edges(network: nx.MultiDiGraph, node_ids: dict[str, str], document_index: dict[str, int]) -> Iterable[ViewEdge]:
    groups: dict[tuple[str, str, str, str], list[ViewEvidence]] = defaultdict(list)
    for source, target, data in network.edges(data=True):
        start = data["start"]
        groups[(source, data["relation"], target, data["modality"])].append(
            ViewEvidence(
                statement=data["statement"],
                document=document_index.get(data["document"], -1),
                sentence=data["sentence"],
                source=_relative_span(data, "source", start),
                target=_relative_span(data, "target", start),
                confidence=round(float(data["confidence"]), 3),
                rule=data["rule"],
                via_coreference=bool(data["via_coreference"]),
            )
        )
    for number, ((source, relation, target, modality), evidence) in enumerate(sorted(groups.items())):
        evidence.sort(key=lambda e: (e.document, e.statement))
        yield ViewEdge(f"e{number}", node_ids[source], node_ids[target], relation, modality, tuple(evidence))


def _relative_span(data: dict, role: str, sentence_start: int) -> tuple[int, int] | None:
    """The entity words' offsets in the sentence (the graph has them in the document)."""
    if f"{role}_start" not in data:
        return None
    start, end = data[f"{role}_start"] - sentence_start, data[f"{role}_end"] - sentence_start
    if not 0 <= start < end <= len(data["sentence"]):
        return None
    return (start, end)


# ------------------------------------------------------------------ layout


def layout_positions(network: nx.Graph, *, seed: int = 7, iterations: int = 120, spacing: float = 70.0) -> dict[str, tuple[float, float]]:
    """Positions for every node, computed once: a force layout per connected group,
    the groups packed together (largest first), lone entities in a grid below.

    Laying each group out on its own keeps a few thousand nodes readable: one
    force layout of everything throws small groups to the rim and squashes the
    big one in the middle. Deterministic for a given graph (fixed seed).
    """
    import networkx as nx

    simple = nx.Graph()
    simple.add_nodes_from(network.nodes)
    simple.add_edges_from((u, v) for u, v in network.edges() if u != v)
    groups = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    connected = [g for g in groups if len(g) > 1]
    alone = [g[0] for g in groups if len(g) == 1]

    boxes = [_group_layout(_own_graph(simple, group), seed=seed, iterations=iterations, spacing=spacing) for group in connected]
    cell_width, cell_height = spacing * 1.7, spacing * 0.9  # room for a label under each lone entity
    gap = spacing * 1.2
    area = sum((_box_size(b)[0] + gap) * (_box_size(b)[1] + gap) for b in boxes) + len(alone) * cell_width * cell_height
    # Aim at a landscape picture, as wide as the widest group at least.
    width = max([math.sqrt(area * 1.3)] + [_box_size(b)[0] for b in boxes]) if area else 0.0
    positions, bottom = _pack(boxes, width=width, gap=gap)
    if alone:
        columns = max(1, int(width // cell_width) + 1) if width else max(1, math.ceil(math.sqrt(len(alone) * 1.6)))
        labels = {n: network.nodes[n].get("label", n) for n in alone}
        types = {n: network.nodes[n].get("type", "") for n in alone}
        first = bottom + gap if boxes else 0.0
        for index, node in enumerate(sorted(alone, key=lambda n: (types[n], labels[n].casefold(), n))):
            row, column = divmod(index, columns)
            positions[node] = (column * cell_width, first + row * cell_height)
    return positions


def _own_graph(graph: nx.Graph, nodes: list[str]) -> nx.Graph:
    """The group as a graph of its own, nodes and edges in a fixed order. (A networkx
    subgraph view of a few nodes iterates over a set: its order, and so the layout,
    would change with Python's hash seed from one run to the next.)"""
    import networkx as nx

    group = nx.Graph()
    group.add_nodes_from(nodes)
    group.add_edges_from((u, v) for u in nodes for v in graph[u] if u < v)
    return group


def _group_layout(group: nx.Graph, *, seed: int, iterations: int, spacing: float) -> dict[str, tuple[float, float]]:
    import networkx as nx

    nodes = list(group.nodes)
    if len(nodes) == 2:
        return {nodes[0]: (0.0, 0.0), nodes[1]: (spacing * 1.8, 0.0)}
    # Kamada-Kawai untangles small groups (it keeps graph distances); a force layout
    # from there spreads out the crowd around the hubs. Bounded iterations from a
    # fixed seed: computed once, the same every time.
    start = nx.kamada_kawai_layout(group) if len(nodes) <= 300 else None
    raw = force_layout(group, start=start, seed=seed, iterations=iterations)
    # Scale so that the group's area grows with its number of nodes.
    xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = spacing * 2.1 * math.sqrt(len(nodes)) / extent
    left, top = min(xs), min(ys)
    return {n: (float(p[0] - left) * scale, float(p[1] - top) * scale) for n, p in raw.items()}


def force_layout(
    group: nx.Graph, *, start: dict | None = None, seed: int = 7, iterations: int = 120, spread: float = 2.0
) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold, vectorised with numpy: a bounded number of steps with
    a cooling temperature. networkx's own version loops in Python over the nodes
    for large graphs (a minute for 2,000 nodes); this takes seconds.
    Repulsion is computed in blocks of rows so memory stays bounded."""
    import numpy as np

    nodes = list(group.nodes)
    count = len(nodes)
    index = {node: number for number, node in enumerate(nodes)}
    pairs = np.array([(index[u], index[v]) for u, v in group.edges() if u != v], dtype=np.int64).reshape(-1, 2)
    if start is not None:
        position = np.array([start[node] for node in nodes], dtype=float)
        position -= position.min(axis=0)
        position /= max(float(np.ptp(position, axis=0).max()), 1e-9)
        temperature = 0.03  # refine: move a little
    else:
        position = np.random.default_rng(seed).random((count, 2))
        temperature = 0.1
    k = spread / math.sqrt(count)  # the ideal distance between neighbours, in a unit square
    cooling = temperature / (iterations + 1)
    block = max(1, 250_000 // max(count, 1))  # blocks that stay in cache
    # x and y in separate arrays: numpy sums a long axis fast, an axis of length 2 slowly.
    xs, ys = position[:, 0].astype(np.float32), position[:, 1].astype(np.float32)
    for _ in range(iterations):
        shift_x, shift_y = np.zeros(count, dtype=np.float32), np.zeros(count, dtype=np.float32)
        for low in range(0, count, block):
            dx = np.subtract.outer(xs[low:low + block], xs)
            dy = np.subtract.outer(ys[low:low + block], ys)
            push = dx * dx
            push += dy * dy
            np.maximum(push, 1e-6, out=push)
            np.divide(k * k, push, out=push)
            dx *= push
            dy *= push
            shift_x[low:low + block] += dx.sum(axis=1)
            shift_y[low:low + block] += dy.sum(axis=1)
        if len(pairs):
            dx, dy = xs[pairs[:, 0]] - xs[pairs[:, 1]], ys[pairs[:, 0]] - ys[pairs[:, 1]]
            pull = np.sqrt(dx * dx + dy * dy) / k
            np.add.at(shift_x, pairs[:, 0], -dx * pull)
            np.add.at(shift_x, pairs[:, 1], dx * pull)
            np.add.at(shift_y, pairs[:, 0], -dy * pull)
            np.add.at(shift_y, pairs[:, 1], dy * pull)
        length = np.maximum(np.sqrt(shift_x * shift_x + shift_y * shift_y), 1e-9)
        step = (np.minimum(length, temperature) / length).astype(np.float32)
        xs += shift_x * step
        ys += shift_y * step
        temperature -= cooling
    position = np.column_stack([xs, ys])
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, position)}


def _box_size(box: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return max(x for x, _ in box.values()), max(y for _, y in box.values())


def _pack(boxes: list[dict[str, tuple[float, float]]], *, width: float, gap: float) -> tuple[dict[str, tuple[float, float]], float]:
    """Skyline packing: each box (largest first) goes where it sits highest,
    then leftmost, within ``width``. Returns the positions and the bottom edge."""
    skyline = [(0.0, width, 0.0)]  # (x, width, height of the packed area there), left to right
    positions: dict[str, tuple[float, float]] = {}
    bottom = 0.0
    for box in boxes:
        box_width, box_height = _box_size(box)
        needed = box_width + gap
        best = None  # (y, x)
        for index, (x, _, _) in enumerate(skyline):
            if x > 0 and x + box_width > width:
                break
            y, covered = 0.0, 0.0
            for sx, sw, sy in skyline[index:]:
                y = max(y, sy)
                covered = sx + sw - x
                if covered >= needed:
                    break
            if covered < needed and x > 0:
                continue
            if best is None or (y, x) < best:
                best = (y, x)
        y, x = best if best is not None else (max(h for _, _, h in skyline), 0.0)
        for node, (px, py) in box.items():
            positions[node] = (x + px, y + py)
        skyline = _raise_skyline(skyline, x, max(needed, 0.0), y + box_height + gap)
        bottom = max(bottom, y + box_height)
    return positions, bottom


def _raise_skyline(skyline: list[tuple[float, float, float]], x: float, width: float, height: float) -> list[tuple[float, float, float]]:
    """The skyline with [x, x + width) raised to ``height``."""
    end = x + width
    raised: list[tuple[float, float, float]] = []
    for sx, sw, sy in skyline:
        if sx + sw <= x or sx >= end:
            raised.append((sx, sw, sy))
            continue
        if sx < x:
            raised.append((sx, x - sx, sy))
        if sx + sw > end:
            raised.append((end, sx + sw - end, sy))
    raised.append((x, width, height))
    raised.sort()
    # Merge neighbours of equal height, so the skyline stays short.
    merged: list[tuple[float, float, float]] = []
    for segment in raised:
        if merged and merged[-1][2] == segment[2] and abs(merged[-1][0] + merged[-1][1] - segment[0]) < 1e-6:
            merged[-1] = (merged[-1][0], merged[-1][1] + segment[1], segment[2])
        else:
            merged.append(segment)
    return merged


# ------------------------------------------------------------------ HTML


def view_json(view: View) -> dict:
    """The page's data: compact, JSON-ready, every style decision included."""
    present = Counter(edge.relation for edge in view.edges)
    kinds = relation_types()
    return {
        "title": view.title,
        "counts": {"nodes": len(view.nodes), "edges": len(view.edges), "statements": view.statements,
                   "graphNodes": view.total_nodes, "graphStatements": view.total_statements},
        "types": [{"name": str(t), "colour": s.colour, "shape": s.shape} for t, s in NODE_STYLES.items()],
        "classes": [asdict(c) for c in EDGE_CLASSES.values()],
        "relations": [
            {"name": name, "label": kind.label, "class": edge_class(name), "symmetric": kind.symmetric,
             "cameo": kind.cameo_root, "count": present[name]}
            for name, kind in kinds.items() if present[name]
        ],
        "modalities": [{"name": str(m), "dashed": m in DASHED_MODALITIES} for m in Modality],
        "documents": [_compact(asdict(d)) for d in view.documents],
        "nodes": [_compact(asdict(n)) for n in view.nodes],
        "edges": [
            {**_compact({k: v for k, v in asdict(e).items() if k != "evidence"}), "class": edge_class(e.relation),
             "evidence": [_compact(asdict(ev)) for ev in e.evidence]}
            for e in view.edges
        ],
    }


def _compact(record: dict) -> dict:
    """Leave out empty fields: a few thousand nodes make a smaller page."""
    return {k: v for k, v in record.items() if not (v is None or v is False or (isinstance(v, (str, tuple, list)) and not v))}


def _asset(name: str) -> str:
    return resources.files("kg.viz").joinpath(name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    # A "</script" inside inlined code would end the <script> element early.
    return code.replace("</script", "<\\/script")


def render_html(view: View) -> str:
    """The self-contained page for ``view``."""
    import html

    data = json.dumps(view_json(view), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    replacements = {
        "{{TITLE}}": html.escape(view.title),
        "/*{{STYLE}}*/": _asset("view.css"),
        "{{DATA}}": data.replace("<", "\\u003c"),  # no "</script>" can end the data early
        "/*{{CYTOSCAPE}}*/": _inline_script(_asset("vendor/cytoscape.min.js")),
        "/*{{APP}}*/": _inline_script(_asset("view.js")),
    }
    # One pass, so a marker inside an inserted value (a title, say) is left alone.
    pattern = re.compile("|".join(re.escape(marker) for marker in replacements))
    return pattern.sub(lambda match: replacements[match.group(0)], _asset("page.html"))


def to_html(graph: KnowledgeGraph, *, title: str | None = None, top: int | None = None) -> str:
    """One self-contained HTML page showing ``graph`` (or its ``top`` most connected entities)."""
    return render_html(build_view(graph, title=title, top=top))


# ------------------------------------------------------------------ pictures


def write_view(destination: str | Path, content: bytes) -> None:
    """Write a page or picture atomically, like every export."""
    from kg.formats import write_atomically

    write_atomically(Path(destination), lambda handle: handle.write(content))


def graphviz_available() -> bool:
    return shutil.which("neato") is not None


def to_picture(graph: KnowledgeGraph, format: str = "svg", *, top: int = DEFAULT_TOP, title: str | None = None) -> bytes:
    """A static picture of the ``top`` most connected entities, for reports.

    Graphviz draws it when installed; without Graphviz, SVG comes from kg's own
    small renderer (and PNG is not available).
    """
    format = format.lower()
    if format not in PICTURE_FORMATS:
        raise VizError(f"unknown picture format {format!r}; choose one of: {', '.join(PICTURE_FORMATS)}")
    view = build_view(graph, top=top, title=title or PICTURE_TITLE, layout=not graphviz_available(), connected_only=True)
    if graphviz_available():
        return _graphviz_picture(view, format)
    if format == "png":
        raise VizError("PNG pictures need Graphviz (apt-get install graphviz); --format svg works without it")
    return _plain_svg(view).encode("utf-8")


def _edge_label(edge: ViewEdge) -> str:
    count = len(edge.evidence)
    return edge.relation + (f" ×{count}" if count > 1 else "")


def _picture_edges(view: View) -> list[tuple[ViewEdge, bool]]:
    """One line per (source, relation, target): dashed when no evidence is asserted."""
    by_triple: dict[tuple[str, str, str], list[ViewEdge]] = defaultdict(list)
    for edge in view.edges:
        by_triple[(edge.source, edge.relation, edge.target)].append(edge)
    merged = []
    for (source, relation, target), edges in sorted(by_triple.items()):
        evidence = tuple(ev for e in edges for ev in e.evidence)
        dashed = all(e.modality in DASHED_MODALITIES for e in edges)
        merged.append((ViewEdge(edges[0].id, source, target, relation, edges[0].modality, evidence), dashed))
    return merged


def _graphviz_picture(view: View, format: str) -> bytes:
    import graphviz

    dot = graphviz.Digraph(engine="neato", format=format)
    dot.attr(
        overlap="prism", overlap_scaling="-4", sep="+12", splines="true", start="7", outputorder="edgesfirst",
        fontname="DejaVu Sans", bgcolor="white", pad="0.3", label=_graphviz_legend(view), labelloc="b", labeljust="l",
    )
    dot.attr("node", fontname="DejaVu Sans", fontsize="11", style="filled", penwidth="1.2", margin="0.06,0.03")
    dot.attr("edge", fontname="DejaVu Sans", fontsize="8.5", arrowsize="0.6")
    top_degree = max((n.degree for n in view.nodes), default=1) or 1
    for node in view.nodes:
        style = NODE_STYLES.get(node.type, NODE_STYLES[EntityType.PERSON])
        emphasis = math.sqrt(node.degree / top_degree)
        dot.node(
            node.id, node.label, shape=style.dot_shape, fillcolor=_tint(style.colour, 0.78 - 0.4 * emphasis),
            color=style.colour, fontsize=f"{10 + 5 * emphasis:.1f}",
            style="filled,rounded" if style.dot_shape == "box" else "filled",
        )
    symmetric = {name for name, kind in relation_types().items() if kind.symmetric}
    for edge, dashed in _picture_edges(view):
        colour = EDGE_CLASSES[edge_class(edge.relation)].colour
        dot.edge(
            edge.source, edge.target, label=_edge_label(edge), color=colour, fontcolor=_shade(colour, 0.35),
            style="dashed" if dashed else "solid", penwidth=f"{min(1 + 0.5 * (len(edge.evidence) - 1), 4):.1f}",
            arrowhead="none" if edge.relation in symmetric else "normal",
        )
    try:
        return dot.pipe(format=format)
    except graphviz.ExecutableNotFound:
        raise VizError("Graphviz is not installed (apt-get install graphviz)") from None
    except graphviz.CalledProcessError as error:
        raise VizError(f"Graphviz failed: {(error.stderr or b'').decode(errors='replace').strip()[:200]}") from None


def _graphviz_legend(view: View) -> str:
    """An HTML-like Graphviz label: title, entity types, edge classes, modality."""
    from html import escape

    def cell(text: str, colour: str, symbol: str) -> str:
        return f'<td align="left"><font color="{colour}">{symbol}</font> {escape(text)}</td>'

    types = "".join(cell(str(t), s.colour, "●") for t, s in NODE_STYLES.items())
    classes = "".join(cell(c.label, c.colour, "━") for c in EDGE_CLASSES.values())
    shown = f"{len(view.nodes)} of {view.total_nodes} entities, {view.statements} of {view.total_statements} pieces of evidence"
    return (
        '<<table border="0" cellspacing="2" cellpadding="1">'
        f'<tr><td colspan="6" align="left"><b>{escape(view.title)}</b>&#160; ({escape(shown)})</td></tr>'
        f'<tr>{types}<td colspan="2"></td></tr><tr>{classes}</tr>'
        '<tr><td colspan="6" align="left">shapes: person ellipse, state hexagon, organization box, location diamond;'
        ' dashed: hypothetical, negated or reported only; ×n: pieces of evidence</td></tr></table>>'
    )


def _tint(colour: str, amount: float) -> str:
    """``colour`` mixed with white (amount 0 = colour, 1 = white)."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = lambda c: round(c + (255 - c) * amount)  # noqa: E731
    return f"#{mix(red):02x}{mix(green):02x}{mix(blue):02x}"


def _shade(colour: str, amount: float) -> str:
    """``colour`` mixed with black, for text that must stay readable on white."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = lambda c: round(c * (1 - amount))  # noqa: E731
    return f"#{mix(red):02x}{mix(green):02x}{mix(blue):02x}"


def _plain_svg(view: View) -> str:
    """A plain SVG drawing from the view's own layout, for machines without Graphviz."""
    from html import escape

    if not view.nodes:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="60"><text x="10" y="30">empty graph</text></svg>\n'
    margin = 60.0
    xs, ys = [n.x for n in view.nodes], [n.y for n in view.nodes]
    left, top = min(xs) - margin, min(ys) - margin
    width, height = max(xs) - left + margin * 2, max(ys) - top + margin + 70
    where = {n.id: (n.x - left, n.y - top) for n in view.nodes}
    top_degree = max((n.degree for n in view.nodes), default=1) or 1
    radius = {n.id: 6 + 10 * math.sqrt(n.degree / top_degree) for n in view.nodes}
    symmetric = {name for name, kind in relation_types().items() if kind.symmetric}
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}"'
        ' font-family="DejaVu Sans, Helvetica, Arial, sans-serif">',
        "<defs>" + "".join(
            f'<marker id="arrow-{key}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">'
            f'<path d="M0,1 L10,5 L0,9 z" fill="{item.colour}"/></marker>'
            for key, item in EDGE_CLASSES.items()
        ) + "</defs>",
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>',
    ]
    edges = _picture_edges(view)
    # Edges between the same two entities bend apart, each with its label on its own curve.
    between: dict[frozenset[str], list[ViewEdge]] = defaultdict(list)
    for edge, _ in edges:
        between[frozenset((edge.source, edge.target))].append(edge)
    for edge, dashed in edges:
        (x1, y1), (x2, y2) = where[edge.source], where[edge.target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        siblings = between[frozenset((edge.source, edge.target))]
        bend = (siblings.index(edge) - (len(siblings) - 1) / 2) * 16.0
        if edge.source > edge.target:  # the same side whichever way the edge points
            bend = -bend
        # Start and end on the circles' rims, so the arrowhead shows.
        sx, sy = x1 + ux * radius[edge.source], y1 + uy * radius[edge.source]
        ex, ey = x2 - ux * (radius[edge.target] + 2), y2 - uy * (radius[edge.target] + 2)
        mx, my = (sx + ex) / 2 - uy * bend, (sy + ey) / 2 + ux * bend
        key = edge_class(edge.relation)
        colour = EDGE_CLASSES[key].colour
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        arrow = "" if edge.relation in symmetric else f' marker-end="url(#arrow-{key})"'
        out.append(
            f'<path d="M{sx:.1f},{sy:.1f} Q{2 * mx - (sx + ex) / 2:.1f},{2 * my - (sy + ey) / 2:.1f} {ex:.1f},{ey:.1f}"'
            f' fill="none" stroke="{colour}" stroke-width="1.4"{dash}{arrow}/>'
        )
        out.append(
            f'<text x="{mx:.1f}" y="{my - 2:.1f}" font-size="9" fill="{_shade(colour, 0.35)}" text-anchor="middle"'
            f' stroke="white" stroke-width="2.5" paint-order="stroke">{escape(_edge_label(edge))}</text>'
        )
    for node in view.nodes:
        x, y = where[node.id]
        style = NODE_STYLES.get(node.type, NODE_STYLES[EntityType.PERSON])
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius[node.id]:.1f}" fill="{style.colour}" stroke="white" stroke-width="1.5"/>')
        out.append(
            f'<text x="{x:.1f}" y="{y + radius[node.id] + 12:.1f}" font-size="11" text-anchor="middle" fill="#222"'
            f' stroke="white" stroke-width="3" paint-order="stroke">{escape(node.label)}</text>'
        )
    legend_y = height - 40
    out.append(f'<text x="20" y="{legend_y:.0f}" font-size="13" font-weight="bold">{escape(view.title)}</text>')
    x = 20.0
    for name, style in NODE_STYLES.items():
        out.append(f'<circle cx="{x + 5:.0f}" cy="{legend_y + 16:.0f}" r="5" fill="{style.colour}"/>')
        out.append(f'<text x="{x + 14:.0f}" y="{legend_y + 20:.0f}" font-size="11">{escape(str(name))}</text>')
        x += 110
    for item in EDGE_CLASSES.values():
        out.append(f'<line x1="{x:.0f}" y1="{legend_y + 16:.0f}" x2="{x + 18:.0f}" y2="{legend_y + 16:.0f}" stroke="{item.colour}" stroke-width="3"/>')
        out.append(f'<text x="{x + 23:.0f}" y="{legend_y + 20:.0f}" font-size="11">{escape(item.label)}</text>')
        x += 40 + 7 * len(item.label)
    out.append("</svg>\n")
    return "\n".join(out)
