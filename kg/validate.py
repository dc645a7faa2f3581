"""Check a graph against kg's SHACL shapes (``ontology/shapes.ttl``) with pySHACL.

The shapes are generated once from the ontology by ``scripts/make_shapes.py``
and committed; nothing is generated at run time. The ontology
(``ontology/kg.ttl``) is given to pySHACL as the ontology graph, so reports can
name its terms.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ValidationInputError
from kg.ontology import ontology_dir

if TYPE_CHECKING:
    import rdflib

SH = "http://www.w3.org/ns/shacl#"


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result, made readable."""

    focus: str  # the IRI (or blank node id) that fails
    focus_label: str  # its name, or for evidence "subject relation object"
    path: str  # the property, as a prefixed name ("kg:confidence"), or "" when the node itself fails
    message: str
    value: str | None = None
    severity: str = "Violation"  # Violation | Warning | Info

    def line(self) -> str:
        value = f" (value: {self.value})" if self.value is not None and self.value != self.focus else ""
        severity = "" if self.severity == "Violation" else f"[{self.severity}] "
        return f"{severity}{self.focus_label}: {self.path or '-'}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationReport:
    """Whether a graph conforms to the shapes, and every result if not."""

    conforms: bool
    violations: tuple[Violation, ...]
    triples: int

    def summary(self) -> str:
        if self.conforms:
            return f"conforms: {self.triples} triples meet kg's shapes"
        by_path = Counter(v.path or "(node)" for v in self.violations)
        counts = ", ".join(f"{n} {path}" for path, n in sorted(by_path.items(), key=lambda item: (-item[1], item[0])))
        focus = len({v.focus for v in self.violations})
        return f"does not conform: {len(self.violations)} violations on {focus} nodes ({counts}) in {self.triples} triples"


def shapes_path() -> Path:
    return ontology_dir() / "shapes.ttl"


def validate_graph(data: rdflib.Graph) -> ValidationReport:
    """Validate an rdflib graph (the merged graph, or any export read back)."""
    import rdflib
    from pyshacl import validate

    shapes = rdflib.Graph().parse(shapes_path(), format="turtle")
    ontology = rdflib.Graph().parse(ontology_dir() / "kg.ttl", format="turtle")
    conforms, results, _ = validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True, allow_warnings=False,
    )
    violations = tuple(sorted(_violations(results, data, shapes), key=lambda v: (v.focus_label, v.path, v.message, v.value or "")))
    return ValidationReport(bool(conforms), violations, len(data))


def validate_file(path: str | Path, format: str | None = None) -> ValidationReport:
    """Validate an RDF file; its format comes from ``format`` or its extension (any kg RDF export)."""
    return validate_graph(read_rdf(Path(path), format))


def read_rdf(path: Path, format: str | None = None) -> rdflib.Graph:
    """An RDF file as one graph; the named graphs of TriG and N-Quads are merged."""
    import rdflib

    from kg.errors import UnknownFormat
    from kg.formats import export_format, formats

    readable = ", ".join(f.name for f in formats() if f.is_rdf)
    try:
        export = export_format(format or path.suffix)
    except UnknownFormat:
        raise ValidationInputError(f"{path}: cannot tell the RDF format from {path.suffix or 'no extension'!r}; give --format ({readable})") from None
    if not export.is_rdf:
        raise ValidationInputError(f"{path}: {export.name} is not an RDF format; kg validate reads {readable}")
    if not path.is_file():
        raise ValidationInputError(f"{path}: no such file")
    try:
        if export.dataset:
            dataset = rdflib.Dataset()
            dataset.parse(path, format=export.rdflib_format)
            graph = rdflib.Graph()
            for subject, predicate, obj, _ in dataset.quads((None, None, None, None)):
                graph.add((subject, predicate, obj))
            return graph
        return rdflib.Graph().parse(path, format=export.rdflib_format)
    except Exception as error:  # rdflib's parsers raise many kinds of error for bad input
        raise ValidationInputError(f"{path}: not readable as {export.name} ({_parse_problem(error)})") from None


def _parse_problem(error: Exception) -> str:
    """rdflib's parse errors in one line: "at line 1 of <>: Bad syntax (expected directive or statement)"."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = " ".join(lines[:2]).replace(" of <>:", ":").removesuffix(" at ^ in:")
    return (text[:200] + "...") if len(text) > 200 else text or type(error).__name__


def _violations(results: rdflib.Graph, data: rdflib.Graph, shapes: rdflib.Graph):
    from rdflib import RDF, URIRef

    sh = {name: URIRef(SH + name) for name in (
        "ValidationResult", "focusNode", "resultPath", "resultMessage", "value", "resultSeverity", "sourceShape",
        "targetSubjectsOf",
    )}
    for result in results.subjects(RDF.type, sh["ValidationResult"]):
        focus = results.value(result, sh["focusNode"])
        path = results.value(result, sh["resultPath"])
        if path is None:  # a relation's domain check: the shape targets the subjects of the relation
            path = shapes.value(results.value(result, sh["sourceShape"]), sh["targetSubjectsOf"])
        value = results.value(result, sh["value"])
        severity = results.value(result, sh["resultSeverity"])
        yield Violation(
            focus=str(focus),
            focus_label=_describe(data, focus),
            path=_short(path) if path is not None else "",
            message=str(results.value(result, sh["resultMessage"]) or "fails " + _short(results.value(result, sh["sourceShape"]))),
            value=_short(value) if value is not None else None,
            severity=str(severity).removeprefix(SH) if severity is not None else "Violation",
        )


def _describe(data: rdflib.Graph, node) -> str:
    """An entity by its label, a piece of evidence by its triple, a document by its identifier."""
    from rdflib import RDF, RDFS, URIRef

    labels = sorted(str(label) for label in data.objects(node, RDFS.label))
    labels = labels or sorted(str(alias) for alias in data.objects(node, URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
    if labels:
        return labels[0]
    if (node, RDF.type, RDF.Statement) in data:
        parts = [data.value(node, RDF.subject), data.value(node, RDF.predicate), data.value(node, RDF.object)]
        return " ".join(_describe(data, part) if part is not None else "?" for part in parts)
    identifier = data.value(node, URIRef("http://purl.org/dc/terms/identifier"))
    return f"document {identifier}" if identifier is not None else _short(node)


def _short(node) -> str:
    from rdflib import Literal, URIRef

    from kg.rdf import PREFIXES

    if isinstance(node, Literal):
        return str(node)
    if isinstance(node, URIRef):
        text = str(node)
        for prefix, namespace in PREFIXES.items():
            if text.startswith(namespace) and text != namespace:
                return f"{prefix}:{text.removeprefix(namespace)}"
        return text
    return str(node)
