"""Push the graph into an external SPARQL 1.1 store (``kg push``).

The SPARQL 1.1 Graph Store HTTP Protocol: the merged graph is sent as
N-Triples to ``ENDPOINT?default`` or ``ENDPOINT?graph=IRI``, with PUT (replace
the graph: pushing twice leaves the same graph) or POST (add to it). With
``documents=True`` each document's named graph is also sent to
``ENDPOINT?graph=<document IRI>``, so the remote store holds the same split as
the local one. N-Triples because every store reads it and it needs no
prefixes; it is built in memory, one request per graph.

Credentials may be given in the URL (``http://user:secret@host/ds/data``): they
go into a Basic Authorization header and are left out of every message.
"""

from __future__ import annotations

import base64
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

from kg.errors import PushError

if TYPE_CHECKING:
    from kg.graph import KnowledgeGraph

DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class PushResult:
    """One graph sent: where, how, how many triples, and the endpoint's answer."""

    url: str  # without credentials
    graph: str  # "default" or the graph IRI
    method: str
    triples: int
    status: int
    reason: str


@dataclass(frozen=True)
class _Endpoint:
    url: str  # without credentials
    authorization: str | None
    loopback: bool


def _endpoint(url: str) -> _Endpoint:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PushError(f"{url}: not an http(s) URL of a Graph Store endpoint (e.g. http://localhost:3030/ds/data)")
    authorization = None
    netloc = parts.netloc
    if parts.username is not None:
        credentials = f"{parts.username}:{parts.password or ''}".encode()
        authorization = "Basic " + base64.b64encode(credentials).decode("ascii")
        netloc = netloc.rpartition("@")[2]
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))
    from kg.serve import is_loopback

    return _Endpoint(clean, authorization, is_loopback(parts.hostname))


def graph_store_url(endpoint: str, graph: str | None = None) -> str:
    """``endpoint?default`` or ``endpoint?graph=IRI`` (joined to a query string it already has)."""
    separator = "&" if urlsplit(endpoint).query else "?"
    return endpoint + separator + ("default" if graph is None else "graph=" + quote(graph, safe=""))


def _check_iri(iri: str) -> str:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri).value
    except ValueError as error:
        raise PushError(f"--graph {iri!r} is not an absolute IRI ({error})") from None


def _graphs(graph: KnowledgeGraph, target: str | None, documents: bool) -> list[tuple[str | None, list]]:
    """(graph IRI or None for the default graph, triples) for each graph to send."""
    import pyoxigraph as ox

    graphs: list[tuple[str | None, list]] = [(target, graph.triples())]
    if documents:
        by_document: dict[str, list] = defaultdict(list)
        for quad in graph.quads():
            by_document[quad.graph_name.value].append(ox.Triple(quad.subject, quad.predicate, quad.object))
        graphs += sorted(by_document.items())
    return graphs


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is reported, not followed: urllib would turn a redirected POST into a GET."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _send(endpoint: _Endpoint, url: str, method: str, body: bytes, timeout: float) -> tuple[int, str]:
    handlers = [_NoRedirect()] + ([urllib.request.ProxyHandler({})] if endpoint.loopback else [])
    opener = urllib.request.build_opener(*handlers)
    headers = {"Content-Type": "application/n-triples", "User-Agent": "kg-push"}
    if endpoint.authorization:
        headers["Authorization"] = endpoint.authorization
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            return response.status, response.reason
    except urllib.error.HTTPError as error:
        message = _first_line(error.read().decode("utf-8", "replace"))
        if 300 <= error.code < 400:
            message = f"redirects to {error.headers.get('Location', '?')}; push to that URL"
        raise PushError(f"{url} answered {error.code} {error.reason}" + (f": {message}" if message else "")) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise PushError(f"{url}: no answer within {timeout:g} s") from None
        text = getattr(error.reason, "strerror", None) or str(error.reason)
        raise PushError(f"cannot reach {url}: {text}") from None
    except TimeoutError:
        raise PushError(f"{url}: no answer within {timeout:g} s") from None
    except OSError as error:
        raise PushError(f"cannot reach {url}: {error.strerror or error}") from None


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


def push(
    graph: KnowledgeGraph,
    endpoint: str,
    *,
    graph_iri: str | None = None,
    documents: bool = False,
    replace: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[PushResult], None] | None = None,
) -> list[PushResult]:
    """Send ``graph`` to a Graph Store endpoint; one request per graph, stopping at the first refusal."""
    import pyoxigraph as ox

    target = _endpoint(endpoint)
    if graph_iri is not None:
        graph_iri = _check_iri(graph_iri)
    method = "PUT" if replace else "POST"
    results = []
    for name, triples in _graphs(graph, graph_iri, documents):
        url = graph_store_url(target.url, name)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        status, reason = _send(target, url, method, body, timeout)
        result = PushResult(url, name or "default", method, len(triples), status, reason)
        results.append(result)
        if progress is not None:
            progress(result)
    return results
