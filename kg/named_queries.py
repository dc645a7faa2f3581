"""Named SPARQL queries shipped with kg (``kg/queries/*.rq``).

Each query is a plain ``.rq`` file that declares its own prefixes, so it runs
unchanged under ``kg query``, ``kg serve`` and any SPARQL store the graph was
pushed to. Its comment header says what it is::

    # One line: what the query answers (shown by ``kg query --list``).
    # param: actor  what the parameter is (one line per parameter, in order)

A parameter is bound as a plain string literal through Oxigraph's
substitutions, never spliced into the query text, so a name holding quotes,
braces or SPARQL keywords is only ever a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import QueryError

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph, QueryResult

QUERIES_DIR = Path(__file__).resolve().parent / "queries"

_PARAMETER = re.compile(r"#\s*param:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<description>.+)")


@dataclass(frozen=True)
class Parameter:
    name: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """One shipped query: its name (the file stem), description, parameters and text."""

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str
    path: Path

    @property
    def usage(self) -> str:
        return " ".join([self.name, *(p.name.upper() for p in self.parameters)])

    def bindings(self, arguments: Sequence[str]) -> dict[str, str]:
        """The parameter values, by name, for positional ``arguments``."""
        if len(arguments) != len(self.parameters):
            wanted = "; ".join(f"{p.name.upper()}: {p.description}" for p in self.parameters)
            raise QueryError(
                f"named query {self.name!r} takes {len(self.parameters)} argument(s), got {len(arguments)}; "
                f"usage: kg query --name {self.usage}" + (f" ({wanted})" if wanted else "")
            )
        return {p.name: value for p, value in zip(self.parameters, arguments)}


def parse_named_query(path: Path) -> NamedQuery:
    """A ``.rq`` file with its comment header read."""
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    if not header:
        raise ValueError(f"{path}: a named query starts with a '# description' comment line")
    description = header[0].lstrip("#").strip()
    parameters = tuple(
        Parameter(m["name"], m["description"].strip()) for m in map(_PARAMETER.fullmatch, header[1:]) if m
    )
    return NamedQuery(path.stem, description, parameters, text, path)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every shipped query, by name."""
    return {path.stem: parse_named_query(path) for path in sorted(QUERIES_DIR.glob("*.rq"))}


def named_query(name: str) -> NamedQuery:
    try:
        return named_queries()[name.removesuffix(".rq")]
    except KeyError:
        raise QueryError(f"unknown named query {name!r}; known: {', '.join(named_queries())}") from None


def run_named_query(graph: KnowledgeGraph, name: str, arguments: Sequence[str] = ()) -> QueryResult:
    """Run a shipped query over ``graph`` with its parameters bound to ``arguments``."""
    query = named_query(name)
    return graph.query(query.text, query.bindings(arguments))
