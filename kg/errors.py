"""Errors kg raises for problems a user can fix.

The CLI turns every ``KgError`` into a one-line message and a non-zero exit;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class KgError(Exception):
    """A problem with the user's input or settings, explained in one line."""


class InputError(KgError):
    """An input file or record that cannot be read."""


class ModelNotFound(KgError):
    """No usable spaCy model is installed."""


class UnknownFormat(KgError):
    """An export format name that the registry does not know."""


class QueryError(KgError):
    """A SPARQL query that does not parse or cannot run."""


class StoreError(KgError):
    """A graph store that is missing, locked or unreadable."""


class ExportError(KgError):
    """An export that cannot be written where it was asked to go."""


class ValidationInputError(KgError):
    """A file or store given to ``kg validate`` that cannot be read as RDF."""


class ServeError(KgError):
    """The SPARQL endpoint cannot start: port in use, bad host or settings."""


class PushError(KgError):
    """An external SPARQL store cannot be reached or refused the graph."""


class VizError(KgError):
    """A picture that cannot be drawn with what is installed, or a bad view option."""
