"""Errors kg raises for problems a user can fix.

The CLI turns every ``KgError`` into a one-line message and a non-zero exit;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class KgError(Exception):
    """A problem with the user's input or settings, explained in one line."""

    exit_code = 1  # the CLI's exit status; 2 for a bad option value, as click uses for usage errors


class InputError(KgError):
    """An input file or record that cannot be read."""


class ModelNotFound(KgError):
    """No usable spaCy model is installed."""


class UnknownModel(ModelNotFound):
    """A spaCy model that was asked for by name and is not installed."""

    exit_code = 2


class UnknownFormat(KgError):
    """An export format name that the registry does not know."""

    exit_code = 2


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


class InputWarning(UserWarning):
    """An input that was read, with a caveat: a guessed encoding, replaced bytes."""


class ClusterError(KgError):
    """A Dask cluster that cannot be reached or used."""
