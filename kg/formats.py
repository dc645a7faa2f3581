"""The export registry: every output format, its aliases and media type.

Adding a format is one ``register`` call with a writer function.
"""

from __future__ import annotations

import glob
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from kg.errors import ExportError, UnknownFormat

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

Writer = Callable[["KnowledgeGraph", IO[bytes]], None]
FolderWriter = Callable[["KnowledgeGraph", Path], None]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    writer: Writer
    aliases: tuple[str, ...] = field(default=())
    description: str = ""
    rdflib_format: str = ""  # rdflib's parser for an RDF format ("" for graph-tool formats)
    dataset: bool = False  # named graphs, one per document (TriG, N-Quads)
    folder: bool = False  # several files into a folder: ``writer`` takes the folder's Path

    @property
    def is_rdf(self) -> bool:
        return bool(self.rdflib_format)

    def target(self, folder: str | Path) -> Path:
        """Where this format goes in an export folder: ``graph.<ext>``, or a sub-folder named after the format."""
        return Path(folder) / (self.name if self.folder else f"graph.{self.extension}")

    def write(self, graph: KnowledgeGraph, destination: str | Path | IO[bytes] | None = None) -> bytes | None:
        """Write to a path (atomically), a binary stream, or return bytes; folder formats need a path."""
        if self.folder:
            if destination is None or hasattr(destination, "write"):
                raise ExportError(
                    f"the {self.name} format writes a folder of files, not a stream; "
                    f"give a folder, e.g. kg export --format {self.name} --out {self.name}/"
                )
            folder = Path(destination)  # type: ignore[arg-type]
            if folder.exists() and not folder.is_dir():
                raise ExportError(f"{folder}: is a file; the {self.name} format writes a folder of files")
            try:
                self.writer(graph, folder)  # type: ignore[arg-type]
            except OSError as error:
                raise ExportError(f"{folder}: cannot write the {self.name} export ({error.strerror or error})") from None
            return None
        if destination is None:
            buffer = io.BytesIO()
            self.writer(graph, buffer)
            return buffer.getvalue()
        if hasattr(destination, "write"):
            self.writer(graph, destination)  # type: ignore[arg-type]
            return None
        path = Path(destination)
        if path.is_dir():
            raise ExportError(f"{path}: is a folder; give a file name, e.g. {path / f'graph.{self.extension}'}")
        try:
            write_atomically(path, lambda handle: self.writer(graph, handle))
        except OSError as error:
            raise ExportError(f"{path}: cannot write the {self.name} export ({error.strerror or error})") from None
        return None


def write_atomically(path: Path, write: Callable[[IO[bytes]], None]) -> None:
    """Write to a temporary file beside ``path``, then rename: a killed run never leaves half a file.

    The temporary file's name carries the writer's PID; the next write of the
    same file removes the ones whose writer is dead (a SIGKILL cannot be caught).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide the export from other users
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that killed writers of ``path`` left beside it."""
    removed = []
    for candidate in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = candidate.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            candidate.unlink(missing_ok=True)
            removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


_REGISTRY: dict[str, ExportFormat] = {}


def register(export: ExportFormat) -> ExportFormat:
    for name in (export.name, *export.aliases, export.media_type, export.extension):
        if name:  # folder formats have no file extension
            _REGISTRY[name.lower()] = export
    return export


def export_format(name: str) -> ExportFormat:
    try:
        return _REGISTRY[name.lower().lstrip(".")]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; choose one of: {', '.join(format_names())}") from None


def formats() -> list[ExportFormat]:
    return list(dict.fromkeys(_REGISTRY.values()))


def format_names() -> list[str]:
    return [f.name for f in formats()]


# ------------------------------------------------------------------ writers


def _rdf_writer(rdf_format_name: str, *, quads: bool = False) -> Writer:
    def write(graph: KnowledgeGraph, stream: IO[bytes]) -> None:
        import pyoxigraph as ox

        from kg.rdf import PREFIXES

        rdf_format = getattr(ox.RdfFormat, rdf_format_name)
        prefixes = PREFIXES if rdf_format_name in {"TURTLE", "TRIG", "RDF_XML"} else None
        if not quads:  # the merged graph: written by Oxigraph, no Python sort of terms
            graph.write_merged(stream, rdf_format, prefixes)
            return
        data = graph.quads()
        stream.write(ox.serialize(data, format=rdf_format, prefixes=prefixes) if prefixes else ox.serialize(data, format=rdf_format))

    return write


def _graphml(graph: KnowledgeGraph, stream: IO[bytes]) -> None:
    import networkx as nx

    view = xml_safe_attributes(graph.to_networkx())
    nx.write_graphml_lxml(view, stream, named_key_ids=True) if _has_lxml() else nx.write_graphml_xml(
        view, stream, named_key_ids=True
    )


def xml_safe_attributes(view):
    """The networkx graph with every string attribute (and string node id) stripped of characters XML forbids."""
    from kg.rdf import _xml_safe

    def safe(attributes: dict) -> dict:
        return {key: _xml_safe(value) if isinstance(value, str) else value for key, value in attributes.items()}

    clean = view.__class__(**safe(view.graph))
    names = {node: _xml_safe(node) if isinstance(node, str) else node for node in view.nodes}
    clean.add_nodes_from((names[node], safe(data)) for node, data in view.nodes(data=True))
    if view.is_multigraph():
        clean.add_edges_from(
            (names[u], names[v], _xml_safe(k) if isinstance(k, str) else k, safe(d)) for u, v, k, d in view.edges(keys=True, data=True)
        )
    else:
        clean.add_edges_from((names[u], names[v], safe(d)) for u, v, d in view.edges(data=True))
    return clean


def _has_lxml() -> bool:
    import importlib.util

    return importlib.util.find_spec("lxml") is not None


def _json_ld(graph: KnowledgeGraph, stream: IO[bytes]) -> None:
    """Compact JSON-LD with kg's context; nodes sorted by @id so the output is stable."""
    import json

    from kg.ontology import json_ld_context

    context = json_ld_context()
    document = json.loads(graph.to_rdf().serialize(format="json-ld", context=context, auto_compact=True))
    document.pop("@context", None)
    nodes = document.pop("@graph", None)
    if nodes is None:  # rdflib inlines a single node at the top level, and writes {} for no node
        nodes = [document] if document else []
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):  # several values of one property: a set in RDF, sorted here
                node[key] = sorted(value, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    nodes.sort(key=lambda node: node.get("@id", ""))
    text = json.dumps({"@context": context, "@graph": nodes}, indent=2, ensure_ascii=False, sort_keys=True)
    stream.write(text.encode("utf-8") + b"\n")


def _gexf(graph: KnowledgeGraph, stream: IO[bytes]) -> None:
    """GEXF 1.2 for Gephi: the networkx view with GEXF's reserved edge attributes taken care of."""
    import re

    import networkx as nx

    buffer = io.BytesIO()
    nx.write_gexf(gexf_view(xml_safe_attributes(graph.to_networkx())), buffer)
    # networkx stamps today's date into <meta>; without it the export is reproducible.
    stream.write(re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1))


def gexf_view(network):
    """The networkx view as GEXF wants it.

    GEXF reads an edge's ``start``/``end`` as its lifetime (a dynamic graph), so
    the sentence offsets become ``sentence_start``/``sentence_end``; the edge id is
    the statement IRI and the edge label the relation, which Gephi shows.
    """
    view = network.copy()
    for _, _, key, data in view.edges(keys=True, data=True):
        data["sentence_start"] = data.pop("start")
        data["sentence_end"] = data.pop("end")
        data["id"] = key
        data["label"] = data["relation"]
    return view


# Columns of the Neo4j import files, in the header syntax of `neo4j-admin database import`:
# <property>:<type>, :ID/:LABEL for nodes, :START_ID/:END_ID/:TYPE for relationships; arrays split on ";".
NEO4J_NODE_HEADER = ("iri:ID", "name", "aliases:string[]", "iso2", "iso3", "wikidata", ":LABEL")
NEO4J_RELATIONSHIP_HEADER = (
    ":START_ID", ":END_ID", ":TYPE", "statement", "modality", "confidence:double", "rule", "document", "sentence",
    "start:int", "end:int", "source_start:int", "source_end:int", "target_start:int", "target_end:int",
    "via_coreference:boolean", "quad_class", "cameo_root",
)
NEO4J_ARRAY_DELIMITER = ";"


def _neo4j(graph: KnowledgeGraph, folder: Path) -> None:
    """``nodes.csv`` and ``relationships.csv`` for ``neo4j-admin database import full``."""
    network = graph.to_networkx()
    nodes = [_neo4j_node(iri, data) for iri, data in network.nodes(data=True)]
    relationships = [_neo4j_relationship(u, v, data) for u, v, data in network.edges(data=True)]
    write_atomically(folder / "nodes.csv", lambda handle: _write_csv(handle, NEO4J_NODE_HEADER, nodes))
    write_atomically(folder / "relationships.csv", lambda handle: _write_csv(handle, NEO4J_RELATIONSHIP_HEADER, relationships))


def _neo4j_node(iri: str, data: dict) -> list[str]:
    # The import tool splits arrays on ";" with no escape, so a ";" inside a name becomes ",".
    aliases = [alias.replace(NEO4J_ARRAY_DELIMITER, ",") for alias in data["aliases"].split("|") if alias]
    labels = NEO4J_ARRAY_DELIMITER.join(("Entity", data["type"]))
    return [iri, data["label"], NEO4J_ARRAY_DELIMITER.join(aliases), data.get("iso2", ""), data.get("iso3", ""),
            data.get("wikidata", ""), labels]


def _neo4j_relationship(source: str, target: str, data: dict) -> list[str]:
    def value(name: str) -> str:
        item = data.get(name)
        if item is None:
            return ""  # an empty field: the relationship has no such property
        if isinstance(item, bool):
            return "true" if item else "false"  # the import tool reads exactly "true" as true
        return repr(item) if isinstance(item, float) else str(item)

    columns = [name.partition(":")[0] for name in NEO4J_RELATIONSHIP_HEADER[3:]]
    return [source, target, data["relation"], *(value(name) for name in columns)]


def _write_csv(stream: IO[bytes], header: tuple[str, ...], rows: list[list[str]]) -> None:
    import csv

    text = io.StringIO(newline="")
    # RFC 4180 quoting (a quote inside a field is doubled), as the import tool reads by default.
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    # The csv module quotes a field with "\n" but not one with a bare "\r", which readers take for a line end.
    writer.writerows([[field.replace("\r\n", "\n").replace("\r", "\n") for field in row] for row in rows])
    stream.write(text.getvalue().encode("utf-8"))


def _cytoscape(graph: KnowledgeGraph, stream: IO[bytes]) -> None:
    """Cytoscape.js elements JSON (also read by Cytoscape desktop: File > Import > Network from File)."""
    import json

    network = graph.to_networkx()
    nodes = []
    for iri, data in network.nodes(data=True):
        node = {"id": iri, "name": data["label"], **{k: v for k, v in data.items() if k not in {"label", "aliases", "iri"}}}
        node["aliases"] = [alias for alias in data["aliases"].split("|") if alias]
        nodes.append({"data": node})
    edges = []
    for source, target, key, data in network.edges(keys=True, data=True):
        # "interaction" is the edge-type column of Cytoscape desktop.
        edges.append({"data": {"id": key, "source": source, "target": target, "interaction": data["relation"], **data}})
    document = {"data": {"name": network.graph.get("name", "kg")}, "elements": {"nodes": nodes, "edges": edges}}
    stream.write(json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8") + b"\n")


register(ExportFormat("turtle", "text/turtle", "ttl", _rdf_writer("TURTLE"), ("ttl",), "the merged graph with its evidence, in Turtle", rdflib_format="turtle"))
register(ExportFormat("ntriples", "application/n-triples", "nt", _rdf_writer("N_TRIPLES"), ("nt", "n-triples"), "the merged graph, one triple a line", rdflib_format="nt"))
register(ExportFormat("trig", "application/trig", "trig", _rdf_writer("TRIG", quads=True), (), "one named graph per document", rdflib_format="trig", dataset=True))
register(ExportFormat("nquads", "application/n-quads", "nq", _rdf_writer("N_QUADS", quads=True), ("nq", "n-quads"), "one named graph per document, one quad a line", rdflib_format="nquads", dataset=True))
register(ExportFormat("rdfxml", "application/rdf+xml", "rdf", _rdf_writer("RDF_XML"), ("rdf/xml", "xml", "owl"), "the merged graph in RDF/XML", rdflib_format="xml"))
register(ExportFormat("jsonld", "application/ld+json", "jsonld", _json_ld, ("json-ld",), "the merged graph as compact JSON-LD with kg's @context", rdflib_format="json-ld"))
register(ExportFormat("graphml", "application/graphml+xml", "graphml", _graphml, (), "for Gephi, Cytoscape, yEd: one edge per piece of evidence"))
register(ExportFormat("gexf", "application/gexf+xml", "gexf", _gexf, (), "for Gephi: one edge per piece of evidence"))
register(ExportFormat("cytoscape", "application/json", "cyjs", _cytoscape, ("cyjs", "cytoscape.js"), "Cytoscape.js elements JSON, also for Cytoscape desktop"))
register(ExportFormat("neo4j", "text/csv", "", _neo4j, ("neo4j-csv",), "a folder with nodes.csv and relationships.csv for neo4j-admin database import", folder=True))
