"""The merged graph: every document's graph under the identities that cross-document
resolution (``kg.resolve``) gives its entities.

The store keeps each document's named graph as the document said it, with the
IRIs extraction gave its entities (``person/putin`` in an article that says only
"Putin"): a document's graph depends on that document alone, so re-adding it is
a no-op and replacing it replaces exactly its facts. The default graph, which
queries, Turtle and N-Triples see, is derived from all of them:

- an IRI that resolution absorbed is replaced by its canonical IRI
  (``person/putin`` by ``person/vladimir-putin``), in entity descriptions,
  relations and evidence alike;
- the absorbed IRI's label becomes an alternative label of the canonical entity;
- ``<absorbed> owl:sameAs <canonical>`` records the merge (the Wikidata items of
  states and organizations are ``owl:sameAs`` links too, outside kg's IRIs).

So the merged graph is a function of the set of document graphs, whatever the
order they came in. When a document changes what resolution decides (a first
"Vladimir Putin" absorbs every earlier ``person/putin``; a new "Muhtar Kent"
makes a bare "Kent" ambiguous), the triples of the entities concerned are
derived again from all the document graphs that mention them, in the same
transaction as the document itself. Exports of documents' graphs (TriG,
N-Quads, ``kg push --documents``) show them resolved too (``resolved_quads``),
so their union is the merged graph.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg.errors import ExportError
from kg.model import EntityType
from kg.ontology import NAMESPACE
from kg.rdf import DCTERMS, ENTITY_CLASSES, OWL, RDF, RDFS, SKOS, entity_field, entity_records
from kg.resolve import Resolution, ResolutionIndex, best_name, resolve

LABEL = ox.NamedNode(RDFS + "label")
ALT_LABEL = ox.NamedNode(SKOS + "altLabel")
SAME_AS = ox.NamedNode(OWL + "sameAs")
RDF_TYPE = ox.NamedNode(RDF + "type")
DEFAULT = ox.DefaultGraph()

Lookup = Callable[[str], "str | None"]  # an entity IRI -> its canonical IRI, None when it is its own

_RECORD_QUERY = f"""
PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX skos: <{SKOS}> PREFIX owl: <{OWL}> PREFIX kg: <{NAMESPACE}>
SELECT ?e ?class ?p ?o (COUNT(DISTINCT ?g) AS ?n) WHERE {{
  GRAPH ?g {{ ?e a ?class ; ?p ?o }}
  VALUES ?class {{ kg:Person kg:State kg:Organization kg:Location }}
  VALUES ?p {{ rdfs:label skos:altLabel kg:iso3166Alpha2 kg:iso3166Alpha3 owl:sameAs }}
}} GROUP BY ?e ?class ?p ?o"""


# ------------------------------------------------------------------ pure rewriting


def rewrite(quads: Iterable[ox.Quad], canonical: Lookup, graph: ox.NamedNode | ox.DefaultGraph | None = DEFAULT) -> Iterator[ox.Quad]:
    """The quads with absorbed entity IRIs replaced by their canonical IRIs, in ``graph``
    (None: each in its own graph). An absorbed entity's label becomes an alternative label."""
    for quad in quads:
        subject, predicate, obj = quad.subject, quad.predicate, quad.object
        target = canonical(subject.value) if isinstance(subject, ox.NamedNode) else None
        if target is not None:
            subject = ox.NamedNode(target)
            if predicate == LABEL:
                predicate = ALT_LABEL
        if isinstance(obj, ox.NamedNode):
            target = canonical(obj.value)
            if target is not None:
                obj = ox.NamedNode(target)
        yield ox.Quad(subject, predicate, obj, quad.graph_name if graph is None else graph)


def same_as_links(iris: Iterable[str], canonical: Lookup, graph: ox.NamedNode | ox.DefaultGraph = DEFAULT) -> Iterator[ox.Quad]:
    """``<absorbed> owl:sameAs <canonical>`` for each of ``iris`` that was absorbed."""
    for iri in iris:
        target = canonical(iri)
        if target is not None:
            yield ox.Quad(ox.NamedNode(iri), SAME_AS, ox.NamedNode(target), graph)


def entity_iris(quads: Iterable[ox.Quad]) -> set[str]:
    return {q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object.value in ENTITY_CLASSES}


# ------------------------------------------------------------------ reading the store


def stored_canonical(store: ox.Store, base: str) -> dict[str, str]:
    """The resolution the merged graph holds: absorbed IRI -> canonical IRI (its owl:sameAs links within ``base``)."""
    return {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, SAME_AS, None, DEFAULT)
        if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(base) and isinstance(q.subject, ox.NamedNode)
    }


def record_counts(store: ox.Store) -> Iterator[tuple[str, EntityType, str, object, int]]:
    """(IRI, type, field, value, number of documents) for every entity of the documents' graphs."""
    for solution in store.query(_RECORD_QUERY):
        iri, class_, predicate, obj, count = (solution[v] for v in ("e", "class", "p", "o", "n"))
        found = entity_field(predicate.value, obj)
        if found is not None:
            yield iri.value, ENTITY_CLASSES[class_.value], found[0], found[1], int(count.value)


def load_index(store: ox.Store) -> ResolutionIndex:
    index = ResolutionIndex()
    index.load(record_counts(store))
    return index


def merge_log(store: ox.Store) -> Resolution:
    """The resolution of the store's entities, with the documents behind each merge and refusal."""
    resolution = resolve(load_index(store).records())
    involved = {m.source for m in resolution.merges} | {m.target for m in resolution.merges}
    involved |= {r.iri for r in resolution.refusals}
    documents = {iri: _documents_of(store, iri) for iri in involved}
    return Resolution(
        resolution.canonical,
        tuple(replace(m, source_documents=documents[m.source], target_documents=documents[m.target]) for m in resolution.merges),
        tuple(replace(r, documents=documents[r.iri]) for r in resolution.refusals),
    )


def merge_log_text(resolution: Resolution, *, base: str, json_lines: bool = False) -> str:
    """The merge log as lines: one per merge, then one per refusal; as text (with a
    closing summary line) or as JSON Lines."""
    entries = [*resolution.merges, *resolution.refusals]
    if json_lines:
        # json.dumps leaves NEL and the Unicode line separators raw; readers that split on them would cut a line
        escapes = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})
        return "".join(json.dumps(entry.as_dict(), ensure_ascii=False).translate(escapes) + "\n" for entry in entries)
    return "".join(entry.line(base) + "\n" for entry in entries) + resolution.summary() + "\n"


def write_merge_log(text: str, path: Path) -> None:
    """Write the merge log to ``path`` atomically; an unwritable path is an ``ExportError``."""
    from kg.formats import write_atomically

    if path.is_dir():
        raise ExportError(f"{path}: is a folder; give a file name, e.g. {path / 'merges.txt'}")
    try:
        write_atomically(path, lambda stream: stream.write(text.encode("utf-8")))
    except OSError as error:
        raise ExportError(f"{path}: cannot write the merge log ({error.strerror or error})") from None


def _documents_of(store: ox.Store, iri: str) -> tuple[str, ...]:
    node = ox.NamedNode(iri)
    ids = set()
    for quad in store.quads_for_pattern(node, ox.NamedNode(NAMESPACE + "mentionedIn"), None, None):
        if isinstance(quad.graph_name, ox.DefaultGraph):
            continue
        for identifier in store.quads_for_pattern(quad.object, ox.NamedNode(DCTERMS + "identifier"), None, quad.graph_name):
            ids.add(identifier.object.value)
    return tuple(sorted(ids))


def resolved_quads(store: ox.Store, named: Iterable[ox.Quad], base: str) -> Iterator[ox.Quad]:
    """Documents' quads as the merged graph sees them, each in its document's graph: absorbed
    IRIs rewritten, with their owl:sameAs link and the canonical entity's label."""
    canonical = stored_canonical(store, base)
    if not canonical:
        yield from named
        return
    named = list(named)
    yield from rewrite(named, canonical.get, graph=None)
    labels: dict[str, str] = {}
    for quad in named:
        if quad.predicate != RDF_TYPE or quad.subject.value not in canonical or quad.object.value not in ENTITY_CLASSES:
            continue
        target = canonical[quad.subject.value]
        if target not in labels:
            names = [q.object.value for q in store.quads_for_pattern(ox.NamedNode(target), LABEL, None, DEFAULT)]
            labels[target] = best_name(names) if names else ""
        yield ox.Quad(quad.subject, SAME_AS, ox.NamedNode(target), quad.graph_name)
        if labels[target]:
            yield ox.Quad(ox.NamedNode(target), LABEL, ox.Literal(labels[target]), quad.graph_name)


# ------------------------------------------------------------------ changes to the merged graph


class MergedUpdate:
    """What one change of the documents' graphs does to the merged graph: quads of the
    default graph to delete, then to insert."""

    def __init__(self) -> None:
        self.deletes: dict[ox.Quad, None] = {}
        self.inserts: dict[ox.Quad, None] = {}

    def delete(self, quads: Iterable[ox.Quad]) -> None:
        self.deletes.update(dict.fromkeys(quads))

    def insert(self, quads: Iterable[ox.Quad]) -> None:
        self.inserts.update(dict.fromkeys(quads))


def document_update(
    store: ox.Store, index: ResolutionIndex, document: ox.NamedNode, old: list[ox.Quad], new: list[ox.Quad]
) -> MergedUpdate:
    """The merged graph's change when ``document``'s graph goes from ``old`` to ``new``
    (``old`` empty for a new document). Updates ``index``; the store is only read."""
    changes = index.update(entity_records(old), entity_records(new))

    def before(iri: str) -> str | None:
        if iri in changes:
            previous = changes[iri][0]
            return previous if previous not in (None, iri) else None
        return index.canonical.get(iri)

    update = MergedUpdate()
    redone = _rederive(store, index, changes, update, skip=document) if changes else set()
    # What the old version of the document gave, unless another document still states it.
    for quad in dict.fromkeys(rewrite(old, before)):
        if not _touches(quad, redone) and not _stated_elsewhere(store, index, quad, document):
            update.deletes[quad] = None
    for link in same_as_links(entity_iris(old), before):
        if link.subject.value not in redone and index.canonical.get(link.subject.value) != link.object.value:
            update.deletes[link] = None
    entities = entity_iris(new)
    if any(iri in index.canonical for iri in entities):
        update.insert(rewrite(new, index.canonical.get))
        update.insert(same_as_links(entities, index.canonical.get))
    else:  # nothing of it absorbed (its relations and evidence name its own entities): its triples as they are
        update.insert(ox.Quad(q.subject, q.predicate, q.object, DEFAULT) for q in new)
    return update


def healing_update(store: ox.Store, index: ResolutionIndex, base: str) -> MergedUpdate:
    """The change that brings a merged graph written under another resolution (an older kg,
    or none) in step with ``index``'s."""
    stored = stored_canonical(store, base)
    update = MergedUpdate()
    changes = {}
    for iri in stored.keys() | index.canonical.keys():
        if iri not in index:
            update.deletes[ox.Quad(ox.NamedNode(iri), SAME_AS, ox.NamedNode(stored[iri]), DEFAULT)] = None
            continue
        previous, now = stored.get(iri, iri), index.canonical.get(iri, iri)
        if previous != now:
            changes[iri] = (previous, now)
    _rederive(store, index, changes, update, skip=None)
    return update


def rebuilt_merged_quads(store: ox.Store, index: ResolutionIndex) -> Iterator[ox.Quad]:
    """The whole merged graph, derived from the documents' graphs."""
    named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
    yield from rewrite(named, index.canonical.get)
    yield from same_as_links(entity_iris(named), index.canonical.get)


def _rederive(
    store: ox.Store, index: ResolutionIndex, changes: Mapping[str, tuple[str | None, str | None]], update: MergedUpdate,
    *, skip: ox.NamedNode | None,
) -> set[str]:
    """Delete and derive again every merged triple of the entities whose cluster changed;
    return those IRIs. The graph ``skip`` (a document being replaced) is left out."""
    moved = {iri: pair for iri, pair in changes.items() if None not in pair}
    clusters = {iri for pair in moved.values() for iri in pair}
    redone = set(moved) | {m for c in clusters if c in index for m in index.members(c)}
    redone |= clusters
    for iri in sorted(redone):
        node = ox.NamedNode(iri)
        update.delete(store.quads_for_pattern(node, None, None, DEFAULT))
        update.delete(store.quads_for_pattern(None, None, node, DEFAULT))
    sources = []
    for iri in sorted(redone):
        if iri not in index:
            continue
        node = ox.NamedNode(iri)
        for quad in [*store.quads_for_pattern(node, None, None, None), *store.quads_for_pattern(None, None, node, None)]:
            if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name != skip:
                sources.append(quad)
    update.insert(rewrite(sources, index.canonical.get))
    update.insert(same_as_links(sorted(i for i in redone if i in index), index.canonical.get))
    return redone


def _touches(triple: ox.Quad, iris: set[str]) -> bool:
    return (isinstance(triple.subject, ox.NamedNode) and triple.subject.value in iris) or (
        isinstance(triple.object, ox.NamedNode) and triple.object.value in iris
    )


def _stated_elsewhere(store: ox.Store, index: ResolutionIndex, triple: ox.Quad, document: ox.NamedNode) -> bool:
    """Whether a document's graph other than ``document`` gives this merged triple."""
    subjects = _members(index, triple.subject)
    objects = _members(index, triple.object)
    for subject in subjects:
        absorbed = subject != triple.subject
        if triple.predicate == LABEL and absorbed:
            continue  # an absorbed entity's label is an alternative label of the canonical one
        predicates = [ALT_LABEL, LABEL] if triple.predicate == ALT_LABEL and absorbed else [triple.predicate]
        for predicate in predicates:
            for obj in objects:
                for quad in store.quads_for_pattern(subject, predicate, obj, None):
                    if not isinstance(quad.graph_name, ox.DefaultGraph) and quad.graph_name != document:
                        return True
    return False


def _members(index: ResolutionIndex, term) -> list:
    if not isinstance(term, ox.NamedNode):
        return [term]
    return [term] + [ox.NamedNode(iri) for iri in sorted(index.members(term.value) - {term.value})]


def update_sparql(document: ox.NamedNode | None, quads: list[ox.Quad], update: MergedUpdate, *, replace_graph: bool) -> str:
    """One SPARQL update (one transaction in Oxigraph): drop the document's old graph,
    delete from the merged graph, insert the document's graph and into the merged graph."""
    parts = []
    if replace_graph:
        parts.append(f"DROP SILENT GRAPH {document}")
    if update.deletes:
        parts.append("DELETE DATA {\n" + "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in update.deletes) + "\n}")
    body = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    merged = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in update.inserts)
    graph = f"GRAPH {document} {{\n{body}\n}}\n" if quads else ""
    parts.append(f"INSERT DATA {{\n{graph}{merged}\n}}")
    return " ;\n".join(parts)
