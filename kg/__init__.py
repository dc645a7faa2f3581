"""kg: a knowledge graph of people, states, organizations and places from news.

    >>> import kg
    >>> graph = kg.build(["samples/articles"])
    >>> graph.serialize("turtle")
    >>> graph.query("SELECT ?s ?o WHERE { ?s kg:warns ?o }")
"""

from __future__ import annotations

__version__ = "0.1.0"

from kg.errors import ClusterError, InputError, InputWarning, KgError, ModelNotFound, QueryError, StoreError, UnknownFormat
from kg.graph import KnowledgeGraph, QueryResult, build
from kg.model import Document, Entity, EntityType, Evidence, Extraction, Mention, Modality, Relation


# Load the kg.extract module now: loaded later (by kg.build or kg.parallel), the import
# system would set the package's ``extract`` attribute to the module, hiding the function.
import kg.extract as _extraction  # noqa: E402,F401


def extract(inputs, *, model: str | None = None, on_error=None, workers: int = 1, dask=None):
    """Stream ``Extraction`` records for paths, ``"-"`` or ``Document`` objects, in input order
    (in ``workers`` processes, or on the Dask cluster at address ``dask``, when given)."""
    from kg.parallel import extractions

    return extractions(inputs, model=model, on_error=on_error, workers=workers, dask=dask)


__all__ = [
    "ClusterError",
    "Document",
    "Entity",
    "EntityType",
    "Evidence",
    "Extraction",
    "InputError",
    "InputWarning",
    "KgError",
    "KnowledgeGraph",
    "Mention",
    "Modality",
    "ModelNotFound",
    "QueryError",
    "QueryResult",
    "Relation",
    "StoreError",
    "UnknownFormat",
    "build",
    "extract",
    "__version__",
]
