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

from kg.errors import OutputError, UnknownFormat

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

Writer = Callable[["KnowledgeGraph", IO[bytes]], None]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    writer: Writer
    aliases: tuple[str, ...] = field(default=())
    description: str = ""

    def write(self, graph: KnowledgeGraph, destination: str | Path | IO[bytes] | None = None) -> bytes | None:
        """Write to a path (atomically), a binary stream, or return bytes."""
        if destination is None:
            buffer = io.BytesIO()
            self.writer(graph, buffer)
            return buffer.getvalue()
        if hasattr(destination, "write"):
            self.writer(graph, destination)  # type: ignore[arg-type]
            return None
        try:
            write_atomically(Path(destination), lambda handle: self.writer(graph, handle))
        except OSError as error:
            raise OutputError(f"{destination}: cannot write the {self.name} export ({error.strerror or error})") from None
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
        data = graph.quads() if quads else graph.triples()
        prefixes = PREFIXES if rdf_format_name in {"TURTLE", "TRIG", "RDF_XML"} else None
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


register(ExportFormat("turtle", "text/turtle", "ttl", _rdf_writer("TURTLE"), ("ttl",), "the merged graph with its evidence, in Turtle"))
register(ExportFormat("ntriples", "application/n-triples", "nt", _rdf_writer("N_TRIPLES"), ("nt", "n-triples"), "the merged graph, one triple a line"))
register(ExportFormat("trig", "application/trig", "trig", _rdf_writer("TRIG", quads=True), (), "one named graph per document"))
register(ExportFormat("nquads", "application/n-quads", "nq", _rdf_writer("N_QUADS", quads=True), ("nq", "n-quads"), "one named graph per document, one quad a line"))
register(ExportFormat("rdfxml", "application/rdf+xml", "rdf", _rdf_writer("RDF_XML"), ("rdf/xml", "xml", "owl"), "the merged graph in RDF/XML"))
register(ExportFormat("graphml", "application/graphml+xml", "graphml", _graphml, (), "for Gephi, Cytoscape, yEd: one edge per piece of evidence"))
