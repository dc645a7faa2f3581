"""The knowledge graph: an RDF dataset (pyoxigraph) with a networkx view.

The dataset is the source of truth, in memory or on disk: one named graph per
document, so adding a changed document replaces its facts and re-adding the
same document is a no-op. The default graph holds the merged graph (every
triple of every document, once), kept in step by ``add``, and SPARQL runs over
it: Oxigraph 0.5's union of named graphs counts a triple once per document
that states it (oxigraph/oxigraph#1919). ``to_networkx()`` derives the
``MultiDiGraph`` (nodes are entities, edges are relations with all their
evidence) from it.

Entities resolve across documents (``kg.resolve``, applied by ``kg.merged``):
each document's graph keeps the IRIs extraction gave it, and the merged
graph names every entity by the canonical IRI of its cluster, whatever order
the documents came in.

Adding a document is one transaction (an extend, or one SPARQL update when
the merged graph must change more than by the document's own triples): a run
killed at any point leaves each document wholly in the store or wholly out,
and the merged graph in step. One process writes to a
store at a time: it holds a lock file (``kg-writer.lock``, with its PID) in
the store's folder, and a second writer is told who holds it.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import QueryError, StoreError
from kg.model import Extraction
from kg.ontology import NAMESPACE, relation_types
from kg.merged import (
    document_update, healing_update, load_index, rebuilt_merged_quads, resolved_quads, stored_canonical, update_sparql,
)
from kg.rdf import PREFIXES, extraction_quads
from kg.resolve import DEFAULT_BASE, ResolutionIndex, document_iri

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

# Documents between flushes of an on-disk store while building: RocksDB's write
# buffers grow until flushed, so without this a build's memory grows with the corpus.
FLUSH_EVERY = 64
# Merged-graph exports up to this many triples are sorted (see KnowledgeGraph.write_merged).
SORTED_EXPORT_LIMIT = 250_000
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
LOCK_FILE = "kg-writer.lock"


@dataclass(frozen=True)
class AddResult:
    """What adding one document did to the graph."""

    document: str
    status: str  # added | replaced | unchanged
    entities: int
    relations: int


@dataclass(frozen=True)
class QueryResult:
    """A SPARQL result: rows for SELECT, a boolean for ASK, triples for CONSTRUCT."""

    kind: str  # select | ask | graph
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[str | None, ...], ...] = ()
    boolean: bool | None = None
    # Makes ``payload``; only called when it is asked for (a SELECT then runs again).
    render: Callable[[], bytes] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def payload(self) -> bytes:
        """SPARQL JSON results or Turtle, as serialised by Oxigraph."""
        return self.render() if self.render is not None else b""

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _term_value(term) -> str | None:
    if term is None:
        return None
    return term.value


class KnowledgeGraph:
    """A knowledge graph built from news, backed by an Oxigraph dataset."""

    def __init__(self, store: ox.Store | None = None, *, base: str = DEFAULT_BASE):
        self.store = store if store is not None else ox.Store()
        self.base = base
        self.read_only = False
        self._lock: IO[str] | None = None  # held while this graph may write to its folder
        self._index: ResolutionIndex | None = None  # entity records for cross-document resolution, read on the first add

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False, base: str = DEFAULT_BASE) -> KnowledgeGraph:
        """The graph stored on disk at ``path`` (created when missing, unless read-only)."""
        path = Path(path)
        try:
            if read_only:
                if not path.exists():
                    raise StoreError(f"{path}: no graph store here; build one first with: kg build PATH --store {path}")
                store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                lock = _writer_lock(path)
                try:
                    store = ox.Store(str(path))
                except BaseException:
                    if lock is not None:
                        lock.close()
                    raise
        except (OSError, RuntimeError) as error:  # RuntimeError: RocksDB's "Corruption" while another process writes
            message = str(error).splitlines()[0]
            if "lock" in message.lower():
                raise StoreError(
                    f"{path}: the store is locked by another process (a running kg build?); "
                    "wait for it to finish, or use another --store"
                ) from None
            raise StoreError(f"{path}: cannot open the graph store ({message})") from None
        graph = cls(store, base=base)
        graph.read_only = read_only
        graph._lock = None if read_only else lock
        if not read_only and not graph._has_merged_graph() and next(iter(store), None) is not None:
            graph.store.extend(list(rebuilt_merged_quads(graph.store, graph._resolution_index())))
        return graph

    def _has_merged_graph(self) -> bool:
        return next(iter(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None

    def clear(self) -> None:
        self.store.clear()
        self._index = None

    def flush(self) -> None:
        if hasattr(self.store, "flush") and not self.read_only:
            self.store.flush()

    def close(self) -> None:
        """Flush and release the store, so another process can open it for writing.

        pyoxigraph has no explicit close: the on-disk store (and its lock) is released
        when the last reference to it goes, so this drops ours. The graph is unusable after.
        """
        import gc

        if self.store is None:
            return
        self.flush()
        self.store = None
        gc.collect()  # a reference cycle elsewhere (e.g. a traceback) may still hold it
        if self._lock is not None:
            self._lock.close()  # after the store: the next writer finds it released
            self._lock = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------ writing
    def add(self, extraction: Extraction) -> AddResult:
        """Add a document's extraction, replacing what the same document said before."""
        document = extraction.document
        graph = ox.NamedNode(document_iri(document.id, self.base))
        previous = list(self.store.quads_for_pattern(graph, ox.NamedNode(NAMESPACE + "contentHash"), None, graph))
        status = "added"
        if previous:
            if previous[0].object.value == document.content_hash:
                return AddResult(document.id, "unchanged", len(extraction.entities), len(extraction.relations))
            status = "replaced"
        quads = list(extraction_quads(extraction, self.base))
        old = [] if status == "added" else list(self.store.quads_for_pattern(None, None, None, graph))
        index = self._resolution_index()
        try:
            update = document_update(self.store, index, graph, old, quads)
            if status == "added" and not update.deletes:
                # Nothing to take out: one extend is the same single transaction as an update,
                # without writing and parsing SPARQL (a third of the writer's time per document).
                self.store.extend([*quads, *update.inserts])
            else:
                self.store.update(update_sparql(graph, quads, update, replace_graph=status == "replaced"))
        except BaseException:
            self._index = None  # ahead of the store now: read it again on the next add
            raise
        return AddResult(document.id, status, len(extraction.entities), len(extraction.relations))

    def _resolution_index(self) -> ResolutionIndex:
        """The entity records of the documents' graphs, read once; a merged graph written under
        another resolution (by an older kg) is brought in step first."""
        if self._index is None:
            index = load_index(self.store)
            if self._has_merged_graph():
                healing = healing_update(self.store, index, self.base)
                if healing.deletes or healing.inserts:
                    self.store.update(update_sparql(None, [], healing, replace_graph=False))
            self._index = index
        return self._index

    def merge_log(self):
        """How entities resolved across documents: a ``kg.resolve.Resolution`` whose merges and
        refusals name the rule, the matching key and the documents on each side."""
        from kg.merged import merge_log

        return merge_log(self.store)

    def has_document(self, document_id: str, content_hash: str | None = None) -> bool:
        graph = ox.NamedNode(document_iri(document_id, self.base))
        hashes = [q.object.value for q in self.store.quads_for_pattern(graph, ox.NamedNode(NAMESPACE + "contentHash"), None, graph)]
        return bool(hashes) and (content_hash is None or content_hash in hashes)

    # ------------------------------------------------------------ reading
    def triples(self) -> list[ox.Triple]:
        """The merged graph: every triple of every document, once, in a stable order."""
        if self._has_merged_graph():
            return [quad.triple for quad in ox.parse(self.merged_ntriples(), format=ox.RdfFormat.N_TRIPLES, lenient=True)]
        seen = {ox.Triple(q.subject, q.predicate, q.object) for q in self.store}
        return sorted(seen, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def merged_ntriples(self) -> bytes:
        """The merged graph as sorted N-Triples: the lines of ``triples()``, in its order.

        Oxigraph writes the lines and a byte sort orders them: a line sorts as its
        subject, predicate and object do (each term ends in a character that sorts
        before any that could continue it), and a million triples take seconds.
        """
        if not self._has_merged_graph():  # a store written before the merged graph was kept
            return ox.serialize(self.triples(), format=ox.RdfFormat.N_TRIPLES)
        lines = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines(keepends=True)
        lines.sort()
        return b"".join(lines)

    def quads(self, *, resolved: bool = True) -> list[ox.Quad]:
        """Every document's quads, in its named graph (the merged default graph left out).

        Resolved (the default), entities carry the merged graph's IRIs, as exports show
        them, so the union of the documents' graphs is the merged graph; with
        ``resolved=False``, the IRIs each document gave them, as the store keeps them.
        """
        named = (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))
        if resolved and self._has_merged_graph():
            named = dict.fromkeys(resolved_quads(self.store, named, self.base))
        return sorted(named, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))

    def __len__(self) -> int:
        """The number of triples of the merged graph."""
        if self._has_merged_graph():  # counted by Oxigraph, without making a term in Python
            solution = next(iter(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
            return int(solution[0].value)
        return len(self.triples())

    def write_merged(self, stream: IO[bytes], rdf_format: ox.RdfFormat, prefixes: dict[str, str] | None = None) -> None:
        """Write the merged graph in an RDF syntax: sorted as ``triples()`` are, up to
        ``SORTED_EXPORT_LIMIT`` triples; beyond, in the store's own order.

        Sorting costs more than writing: Oxigraph streams a million triples in about
        a second, sorting them takes three more. A graph that big is not read in
        order by anyone, and the store's order is stable too: an on-disk store's
        follows its content, an in-memory one's the order documents were added in.
        """
        options = {"prefixes": prefixes} if prefixes else {}
        if self._has_merged_graph() and len(self) > SORTED_EXPORT_LIMIT:
            self.store.dump(stream, format=rdf_format, from_graph=ox.DefaultGraph(), **options)
            return
        merged = self.merged_ntriples()
        if rdf_format == ox.RdfFormat.N_TRIPLES:
            stream.write(merged)
            return
        # lenient: these N-Triples are Oxigraph's own, already valid; checking them again costs a third
        triples = ox.parse(merged, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        stream.write(ox.serialize(triples, format=rdf_format, **options))

    def query(self, sparql: str, bindings: dict[str, str] | None = None) -> QueryResult:
        """Run a SPARQL query over the merged graph (kg prefixes predeclared).

        ``bindings`` give variables a string value (a plain literal) before the query
        runs, through Oxigraph's substitutions, so a value is never spliced into the
        query text; each bound variable must be in the query's SELECT projection.
        """
        union = not self._has_merged_graph()  # a store written before the merged graph was kept
        options = {"prefixes": PREFIXES, "use_default_graph_as_union": union}
        if bindings:
            options["substitutions"] = {ox.Variable(name): ox.Literal(value) for name, value in bindings.items()}
        try:
            result = self.store.query(sparql, **options)
        except SyntaxError as error:
            raise QueryError(f"SPARQL syntax error: {str(error).splitlines()[0]}") from None
        except (OSError, RuntimeError) as error:
            raise QueryError(f"query failed: {str(error).splitlines()[0]}") from None
        if isinstance(result, ox.QueryBoolean):
            payload = result.serialize(format=ox.QueryResultsFormat.JSON)
            return QueryResult("ask", boolean=bool(result), render=lambda: payload)
        if isinstance(result, ox.QuerySolutions):
            variables = tuple(v.value for v in result.variables)
            rows = tuple(tuple(_term_value(solution[v]) for v in variables) for solution in result)
            def render() -> bytes:  # solutions are read once: the JSON runs the query again, if it is asked for
                return self.store.query(sparql, **options).serialize(format=ox.QueryResultsFormat.JSON)

            return QueryResult("select", variables, rows, render=render)
        triples = list(result)
        return QueryResult("graph", render=lambda: ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))

    def to_rdf(self) -> rdflib.Graph:
        """The merged graph as an rdflib ``Graph``."""
        import rdflib

        graph = rdflib.Graph()
        for prefix, iri in PREFIXES.items():
            graph.bind(prefix, iri)
        graph.parse(data=ox.serialize(self.triples(), format=ox.RdfFormat.N_TRIPLES), format="nt")
        return graph

    def to_networkx(self) -> nx.MultiDiGraph:
        """Entities as nodes, one edge per relation and piece of evidence."""
        return _networkx(self)

    def to_html(self, destination: str | Path | None = None, *, title: str | None = None, top: int | None = None) -> str | None:
        """One self-contained HTML page that shows the graph (see ``kg.view``); written to
        ``destination`` when given, else returned."""
        from kg.view import to_html, write_view

        page = to_html(self, title=title, top=top)
        if destination is None:
            return page
        write_view(destination, page.encode("utf-8"))
        return None

    def to_picture(self, format: str = "svg", destination: str | Path | None = None, *, top: int = 60, title: str | None = None) -> bytes | None:
        """A static SVG or PNG picture of the ``top`` most connected entities (see ``kg.view``)."""
        from kg.view import to_picture, write_view

        picture = to_picture(self, format, top=top, title=title)
        if destination is None:
            return picture
        write_view(destination, picture)
        return None

    def validate(self):
        """Check the merged graph against kg's SHACL shapes: a ``kg.validate.ValidationReport``."""
        from kg.validate import validate_graph

        return validate_graph(self.to_rdf())

    def serialize(self, format: str = "turtle", destination: str | Path | IO[bytes] | None = None) -> bytes | None:
        """Serialise in any registered export format (see ``kg.formats``)."""
        from kg.formats import export_format

        return export_format(format).write(self, destination)

    def stats(self) -> dict:
        """Counts of documents, entities by type, relations by type, and top actors."""
        rows = self.query(
            "SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?type . "
            "VALUES ?type { kg:Person kg:State kg:Organization kg:Location } } GROUP BY ?type"
        )
        entities = {t.removeprefix(NAMESPACE): int(n) for t, n in rows}
        relations: Counter[str] = Counter()
        for (predicate, n) in self.query("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"):
            name = predicate.removeprefix(NAMESPACE)
            if name in relation_types():
                relations[name] = int(n)
        evidence = self.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a rdf:Statement }").rows[0][0]
        documents = self.query("SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kg:Document }").rows[0][0]
        return {
            "documents": int(documents),
            "entities": dict(sorted(entities.items())),
            "relations": dict(relations.most_common()),
            "evidence": int(evidence),
            "top_actors": self.top_actors(),
            "merged": len(stored_canonical(self.store, self.base)),  # entity IRIs absorbed across documents
        }

    def top_actors(self, limit: int = 5) -> list[tuple[str, int]]:
        rows = self.query(
            "SELECT ?label (COUNT(?st) AS ?n) WHERE { ?st a rdf:Statement ; rdf:subject|rdf:object ?e . "
            "?e rdfs:label ?label } GROUP BY ?e ?label ORDER BY DESC(?n) ?label LIMIT " + str(limit * 3)
        )
        seen, actors = set(), []
        for label, n in rows:
            if label not in seen:
                seen.add(label)
                actors.append((label, int(n)))
        return actors[:limit]


def _writer_lock(store: Path) -> IO[str] | None:
    """An exclusive lock on the store's folder for this process, or a StoreError naming the holder's PID.

    flock locks end with the process, so a killed build never leaves the store locked.
    """
    try:
        import fcntl
    except ImportError:  # not POSIX: Oxigraph's own lock still keeps a second writer out
        return None
    try:
        handle = open(store / LOCK_FILE, "a+", encoding="utf-8")
    except OSError as error:
        raise StoreError(f"{store}: cannot write the store's lock file ({error.strerror})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise StoreError(
            f"{store}: the store is locked by another process (PID {holder}, a running kg build?); "
            "wait for it to finish, or use another --store"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def build(
    inputs: Iterable,
    *,
    model: str | None = None,
    graph: KnowledgeGraph | None = None,
    on_error=None,
    progress=None,
    workers: int = 1,
    dask=None,
) -> KnowledgeGraph:
    """Build (or extend) a knowledge graph from texts, paths or ``Document`` objects.

    A string that names an existing file or folder (or ``"-"``) is read as a
    path; any other string is taken as the text of an article. ``workers``
    runs extraction in that many processes, ``dask`` (a scheduler address or
    a ``distributed.Client``) on a Dask cluster; the graph is the same.
    """
    from kg.parallel import extractions

    graph = graph if graph is not None else KnowledgeGraph()
    documents = extractions(_as_inputs(inputs), model=model, on_error=on_error, workers=workers, dask=dask)
    for number, extraction in enumerate(documents, start=1):
        result = graph.add(extraction)
        if number % FLUSH_EVERY == 0:
            graph.flush()
        if progress is not None:
            progress(result)
    return graph


def _as_inputs(inputs: Iterable) -> Iterable:
    from kg.ingest import document_from_text

    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    for number, item in enumerate(inputs, start=1):
        if isinstance(item, str) and item != "-" and not _looks_like_path(item):
            yield document_from_text(item, f"text-{number}")
        else:
            yield item


def _looks_like_path(text: str) -> bool:
    if "\n" in text or len(text) > 4096:
        return False
    return Path(text).exists() or ("/" in text and " " not in text) or text.endswith((".txt", ".jsonl", ".md"))


_NODE_QUERY = """
SELECT ?e ?type ?label ?alias ?iso2 ?iso3 ?same WHERE {
  ?e a ?type ; rdfs:label ?label .
  VALUES ?type { kg:Person kg:State kg:Organization kg:Location }
  OPTIONAL { ?e skos:altLabel ?alias }
  OPTIONAL { ?e kg:iso3166Alpha2 ?iso2 }
  OPTIONAL { ?e kg:iso3166Alpha3 ?iso3 }
  OPTIONAL { ?e owl:sameAs ?same }
}"""

_EDGE_QUERY = """
SELECT ?st ?s ?p ?o ?doc ?docid ?sentence ?start ?end ?modality ?confidence ?rule ?coref ?ss ?se ?ts ?te WHERE {
  ?st a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
      kg:document ?doc ; kg:sentence ?sentence ; kg:start ?start ; kg:end ?end ;
      kg:modality ?modality ; kg:confidence ?confidence ; kg:rule ?rule ; kg:viaCoreference ?coref .
  OPTIONAL { ?doc dcterms:identifier ?docid }
  OPTIONAL { ?st kg:sourceStart ?ss ; kg:sourceEnd ?se }
  OPTIONAL { ?st kg:targetStart ?ts ; kg:targetEnd ?te }
} ORDER BY ?docid ?start ?st"""


def _networkx(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """The networkx view; attribute values are flat (str, int, float, bool) for GraphML."""
    import networkx as nx

    result = nx.MultiDiGraph(name="kg")
    nodes: dict[str, dict] = {}
    for iri, type_, label, alias, iso2, iso3, same in graph.query(_NODE_QUERY):
        node = nodes.setdefault(iri, {"iri": iri, "type": type_.removeprefix(NAMESPACE), "labels": set(), "aliases": set()})
        node["labels"].add(label)
        if alias:
            node["aliases"].add(alias)
        if iso2:
            node["iso2"] = iso2
        if iso3:
            node["iso3"] = iso3
        if same and same.startswith("http://www.wikidata.org/entity/"):
            node["wikidata"] = same.rsplit("/", 1)[-1]
    for iri, node in sorted(nodes.items()):
        labels = sorted(node.pop("labels"), key=lambda n: (-len(n.split()), -len(n), n))
        aliases = sorted((node.pop("aliases") | set(labels[1:])) - {labels[0]})
        result.add_node(iri, label=labels[0], aliases="|".join(aliases), **node)
    kinds = relation_types()
    for row in graph.query(_EDGE_QUERY):
        st, s, p, o, _doc, docid, sentence, start, end, modality, confidence, rule, coref, ss, se, ts, te = row
        name = p.removeprefix(NAMESPACE)
        kind = kinds.get(name)
        attributes = {
            "relation": name,
            "modality": modality.removeprefix(NAMESPACE),
            "confidence": float(confidence),
            "rule": rule,
            "document": docid or _doc,
            "sentence": sentence,
            "start": int(start),
            "end": int(end),
            "via_coreference": coref == "true",
            "statement": st,
            "quad_class": (kind.quad_class or "") if kind else "",
            "cameo_root": (kind.cameo_root or "") if kind else "",
        }
        if ss is not None:
            attributes.update(source_start=int(ss), source_end=int(se))
        if ts is not None:
            attributes.update(target_start=int(ts), target_end=int(te))
        result.add_edge(s, o, key=st, **attributes)
    return result
