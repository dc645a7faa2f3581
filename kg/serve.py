"""A read-only SPARQL 1.1 Protocol endpoint over a kg store (``kg serve``).

How it works, and why:

* HTTP is the standard library's ``ThreadingHTTPServer``: one thread per
  connection, enough for a loopback endpoint, no extra dependency.
* Queries run in a small pool of **worker processes**, each with the store
  opened read-only. pyoxigraph evaluates a query inside Rust without coming
  back to Python, so a thread running a query cannot be interrupted; a process
  can be killed. The request's thread waits for its worker's answer until the
  deadline (``timeout`` seconds after the request arrived, waiting for a free
  worker included); at the deadline it kills that worker (SIGKILL), answers
  503, and a fresh worker takes the dead one's place. Other requests keep
  being answered by the other workers meanwhile.
* Results hold at most ``max_results`` rows (SELECT) or triples (CONSTRUCT,
  DESCRIBE); more are cut off and the response carries the header
  ``X-SPARQL-MaxRows: N`` (as Virtuoso does), so a client can tell.
* Read-only: SPARQL Update and Graph Store writes are refused with 403, other
  write methods with 405; federated queries (``SERVICE``) are refused with
  400, because Oxigraph would fetch the service over HTTP from this machine.
* Request bodies over ``max_request_bytes`` get 413; request lines over 64 KiB
  get 414 from ``http.server`` itself.

Each worker reopens the store when its files have changed since the last
query, so documents that a ``kg build`` adds meanwhile are served without a
restart (a query that runs while a build writes sees the store as it was at
that query's start).
"""

from __future__ import annotations

import errno
import ipaddress
import itertools
import json
import queue
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from kg.errors import KgError, ServeError, StoreError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_WORKERS = 2
DEFAULT_MAX_REQUEST_BYTES = 1 << 20
ENDPOINT_PATH = "/sparql"

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


# ------------------------------------------------------------------ requests and responses


@dataclass(frozen=True)
class QueryRequest:
    """One SPARQL query as the protocol delivers it (sent to a worker process)."""

    query: str
    accept: str = ""
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Response:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = field(default=())


def error_response(status: int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """A plain-text, one-line error, as a human and a SPARQL client both can read it."""
    return Response(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"), headers)


# ------------------------------------------------------------------ content negotiation

# Media type -> (pyoxigraph format name, media type answered), in the server's order of preference.
RESULT_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "application/sparql-results+json": ("JSON", "application/sparql-results+json"),
    "application/json": ("JSON", "application/sparql-results+json"),
    "application/sparql-results+xml": ("XML", "application/sparql-results+xml"),
    "application/xml": ("XML", "application/sparql-results+xml"),
    "text/xml": ("XML", "application/sparql-results+xml"),
    "text/csv": ("CSV", "text/csv; charset=utf-8"),
    "text/tab-separated-values": ("TSV", "text/tab-separated-values; charset=utf-8"),
}
GRAPH_MEDIA_TYPES: dict[str, tuple[str, str]] = {
    "text/turtle": ("TURTLE", "text/turtle; charset=utf-8"),
    "application/x-turtle": ("TURTLE", "text/turtle; charset=utf-8"),
    "application/n-triples": ("N_TRIPLES", "application/n-triples"),
    "text/plain": ("N_TRIPLES", "application/n-triples"),
    "application/rdf+xml": ("RDF_XML", "application/rdf+xml"),
    "application/ld+json": ("JSON_LD", "application/ld+json"),
}


def _accept_ranges(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def negotiate(accept: str, offered: dict[str, tuple[str, str]]) -> str | None:
    """The offered media type the Accept header prefers (the first offered when it says nothing).

    Each offered type takes the quality of the most specific range that matches it
    (``type/subtype`` over ``type/*`` over ``*/*``); ties go to the server's order.
    Aliases (``application/json`` for SPARQL JSON) match only when named, so a
    wildcard picks a type's proper name. None when the client accepts none of them.
    """
    ranges = _accept_ranges(accept)
    if not ranges:
        return next(iter(offered))
    best, best_quality = None, 0.0
    for media, (_, answered) in offered.items():
        kind = media.split("/")[0]
        matches = [(3, q) for r, q in ranges if r == media]
        if not matches and media == answered.split(";")[0]:
            matches = [(2, q) for r, q in ranges if r == f"{kind}/*"] or [(1, q) for r, q in ranges if r == "*/*"]
        if matches:
            quality = max(matches)[1]
            if quality > best_quality:
                best, best_quality = media, quality
    return best


# ------------------------------------------------------------------ what the query text is

# Comments, strings and IRIs, scanned left to right the way SPARQL's tokenizer does,
# so a keyword inside them ("Federal Security Service") is not taken for SPARQL.
_SKIPPED_TOKENS = re.compile(
    r'''(?P<comment>\#[^\n\r]*)
      | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
                  |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)''',
    re.VERBOSE | re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE(?![\w:])", re.IGNORECASE)
_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<>|BASE\s*<>)\s*)*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def sparql_code(text: str) -> str:
    """The query with comments blanked, strings as "" and IRIs as <>: what is left is SPARQL."""

    def blank(match: re.Match) -> str:
        return " " if match["comment"] else '""' if match["string"] else "<>"

    return _SKIPPED_TOKENS.sub(blank, text)


def uses_service(text: str) -> bool:
    return _SERVICE.search(sparql_code(text)) is not None


def looks_like_update(text: str) -> bool:
    return _UPDATE.match(sparql_code(text)) is not None


# ------------------------------------------------------------------ answering one query (in a worker)


def _term_json(term) -> dict:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        value = {"type": "literal", "value": term.value}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            value["datatype"] = term.datatype.value
        return value
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {
            "subject": _term_json(term.subject), "predicate": _term_json(term.predicate), "object": _term_json(term.object),
        }}
    raise TypeError(f"not an RDF term: {term!r}")


def solutions_json(variables: list[str], solutions: Iterable) -> bytes:
    """SPARQL 1.1 Query Results JSON for (a slice of) a SELECT result."""
    bindings = [
        {name: _term_json(solution[name]) for name in variables if solution[name] is not None} for solution in solutions
    ]
    results = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(results, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _not_acceptable(accept: str, offered: dict[str, tuple[str, str]], what: str) -> Response:
    kinds = ", ".join(dict.fromkeys(answer for _, answer in offered.values()))
    return error_response(406, f"none of the media types in Accept: {accept} fits {what}; kg serve offers {kinds}")


def answer(store, request: QueryRequest, *, max_results: int, union: bool = False) -> Response:
    """Run ``request`` on a pyoxigraph store and serialise the result as negotiated."""
    import pyoxigraph as ox

    from kg.rdf import PREFIXES

    options: dict = {"prefixes": PREFIXES, "use_default_graph_as_union": union and not request.default_graphs}
    try:
        if request.default_graphs:
            options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
        if request.named_graphs:
            options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    except ValueError as error:
        return error_response(400, f"bad graph IRI in default-graph-uri or named-graph-uri: {error}")
    try:
        result = store.query(request.query, **options)
        if isinstance(result, ox.QueryBoolean):
            media = negotiate(request.accept, RESULT_MEDIA_TYPES)
            if media is None:
                return _not_acceptable(request.accept, RESULT_MEDIA_TYPES, "an ASK result")
            name, content_type = RESULT_MEDIA_TYPES[media]
            return Response(200, content_type, result.serialize(format=getattr(ox.QueryResultsFormat, name)))
        if isinstance(result, ox.QuerySolutions):
            media = negotiate(request.accept, RESULT_MEDIA_TYPES)
            if media is None:
                return _not_acceptable(request.accept, RESULT_MEDIA_TYPES, "SELECT results")
            variables = [v.value for v in result.variables]
            rows = list(itertools.islice(result, max_results + 1))
            body = solutions_json(variables, rows[:max_results])
            name, content_type = RESULT_MEDIA_TYPES[media]
            if name != "JSON":
                parsed = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                body = parsed.serialize(format=getattr(ox.QueryResultsFormat, name))
            return Response(200, content_type, body, _truncation_headers(len(rows), max_results))
        media = negotiate(request.accept, GRAPH_MEDIA_TYPES)
        if media is None:
            return _not_acceptable(request.accept, GRAPH_MEDIA_TYPES, "CONSTRUCT or DESCRIBE results")
        triples = list(itertools.islice(result, max_results + 1))
        name, content_type = GRAPH_MEDIA_TYPES[media]
        rdf_format = getattr(ox.RdfFormat, name)
        kept = triples[:max_results]
        body = (
            ox.serialize(kept, format=rdf_format, prefixes=PREFIXES) if name in {"TURTLE", "RDF_XML"}
            else ox.serialize(kept, format=rdf_format)
        )
        return Response(200, content_type, body, _truncation_headers(len(triples), max_results))
    except SyntaxError as error:
        message = str(error).splitlines()[0]
        if looks_like_update(request.query):
            return error_response(403, "kg serve is read-only: SPARQL Update is refused")
        return error_response(400, f"SPARQL syntax error: {message}")
    except (OSError, RuntimeError, ValueError) as error:
        return error_response(500, f"query failed: {str(error).splitlines()[0]}")


def _truncation_headers(count: int, max_results: int) -> tuple[tuple[str, str], ...]:
    return (("X-SPARQL-MaxRows", str(max_results)),) if count > max_results else ()


def _store_stamp(path: str) -> tuple:
    """Names, sizes and times of the store's files: they change when a writer (kg build) commits."""
    import os

    try:
        return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in os.scandir(path) if e.is_file()))
    except OSError:
        return ()


def _open_read_only(store_path: str):
    """(store, whether to query the union of named graphs) for the store as it is now."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    # A store written before kg kept the merged default graph holds named graphs only.
    union = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is None
    return store, union


def _worker_main(store_path: str, connection, max_results: int) -> None:
    """A query worker: open the store read-only, then answer requests until the pipe closes.

    A read-only store is a snapshot, so before each query the worker looks at the
    store's files and reopens it when a writer has changed them (a build that ran
    meanwhile): the endpoint serves new documents without a restart.
    """
    try:
        stamp = _store_stamp(store_path)
        store, union = _open_read_only(store_path)
    except OSError as error:
        connection.send(("failed", str(error).splitlines()[0]))
        return
    connection.send(("ready", None))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        now = _store_stamp(store_path)
        if now != stamp:
            try:
                store, union = _open_read_only(store_path)
                stamp = now
            except OSError:
                pass  # mid-write: answer from the snapshot we have, try again next query
        connection.send(answer(store, request, max_results=max_results, union=union))


def _worker_process() -> None:
    """Entry point of a worker process: ``python -c ... STORE MAX_RESULTS FD``."""
    import signal
    import sys
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store, max_results, fd = sys.argv[-3:]
    _worker_main(store, Connection(int(fd)), int(max_results))


# A worker is a fresh interpreter that imports this module from the same place as the
# server (not multiprocessing's spawn, which would re-run the embedding script's __main__).
_WORKER_CODE = "import sys; sys.path.insert(0, sys.argv[1]); from kg.serve import _worker_process; _worker_process()"


# ------------------------------------------------------------------ the worker pool


@dataclass(eq=False)  # hashed by identity: a set of live workers
class _Worker:
    process: subprocess.Popen
    connection: Connection


class QueryWorkers:
    """Worker processes that answer queries; one that runs past its deadline is killed and replaced."""

    def __init__(self, store: str | Path, count: int = DEFAULT_WORKERS, *, max_results: int = DEFAULT_MAX_RESULTS,
                 startup_timeout: float = 120.0, log: Callable[[str], None] | None = None):
        if count < 1:
            raise ServeError(f"at least one query worker is needed, not {count}")
        self.store = str(store)
        self.count = count
        self.max_results = max_results
        self.startup_timeout = startup_timeout
        self._log = log or (lambda message: None)
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        try:
            launched = [self._launch() for _ in range(count)]  # start together, then wait for each
            for worker in launched:
                self._idle.put(self._ready(worker))
        except BaseException:
            self.close()
            raise

    def _start(self) -> _Worker:
        return self._ready(self._launch())

    def _launch(self) -> _Worker:
        import sys

        ours, theirs = socket.socketpair()
        package_root = str(Path(__file__).resolve().parent.parent)
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-c", _WORKER_CODE, package_root, self.store, str(self.max_results), str(theirs.fileno())],
                stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),),
            )
        worker = _Worker(process, Connection(ours.detach()))
        with self._lock:
            self._workers.add(worker)
        return worker

    def _ready(self, worker: _Worker) -> _Worker:
        """``worker`` once it has opened the store (stopped, with an error, when it cannot)."""
        process = worker.process
        if not worker.connection.poll(self.startup_timeout):
            self._stop(worker)
            raise ServeError(f"a query worker did not start within {self.startup_timeout:g} s")
        try:
            status, detail = worker.connection.recv()
        except (EOFError, OSError):
            status, detail = "failed", f"it exited with status {process.wait(10)}"
        if status != "ready":
            self._stop(worker)
            raise StoreError(f"{self.store}: a query worker cannot open the graph store ({detail})")
        return worker

    def _stop(self, worker: _Worker) -> None:
        with self._lock:
            self._workers.discard(worker)
        worker.process.kill()
        worker.process.wait(10)
        worker.connection.close()

    def _replace(self, worker: _Worker) -> None:
        """Kill ``worker`` and start another in the background (the caller answers at once)."""
        self._stop(worker)

        def start_another() -> None:
            if self._closed:
                return
            try:
                fresh = self._start()
            except KgError as error:
                self._log(f"cannot replace a query worker: {error}")
                return
            if self._closed:
                self._stop(fresh)
            else:
                self._idle.put(fresh)

        threading.Thread(target=start_another, name="kg-serve-respawn", daemon=True).start()

    @property
    def pids(self) -> list[int]:
        with self._lock:
            return sorted(w.process.pid for w in self._workers)

    def run(self, request: QueryRequest, timeout: float) -> Response:
        """The worker's answer, or 503 when no worker was free or the query ran past ``timeout``."""
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return error_response(503, f"all {self.count} query workers stayed busy for {timeout:g} s; try again later",
                                  (("Retry-After", "1"),))
        try:
            worker.connection.send(request)
            if worker.connection.poll(max(0.0, deadline - time.monotonic())):
                response = worker.connection.recv()
                self._idle.put(worker)
                return response
        except (EOFError, OSError) as error:
            self._replace(worker)
            return error_response(500, f"the query worker died ({error or type(error).__name__}); it has been replaced")
        self._replace(worker)
        self._log(f"query cut off after {timeout:g} s; worker {worker.process.pid} killed")
        return error_response(
            503, f"query cut off after {timeout:g} s (kg serve --timeout); add LIMIT or narrow the patterns"
        )

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.connection.close()  # the worker reads EOF and exits
        for worker in workers:
            try:
                worker.process.wait(5)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait(5)
        with self._lock:
            self._workers.clear()


# ------------------------------------------------------------------ HTTP


_RDF_MEDIA_TYPES = {
    "text/turtle", "application/x-turtle", "application/n-triples", "application/n-quads", "application/trig",
    "application/rdf+xml", "application/ld+json", "text/n3",
}
_ALLOWED_METHODS = "GET, POST, OPTIONS"


class _Handler(BaseHTTPRequestHandler):
    server_version = "kg-serve"
    protocol_version = "HTTP/1.1"

    @property
    def endpoint(self) -> SparqlServer:
        return self.server.endpoint  # type: ignore[attr-defined]

    # -------------------------------------------------------- plumbing
    def _send(self, response: Response, *, close: bool = False) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept")
        for name, value in response.headers:
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args) -> None:
        self.endpoint.log(f"{self.address_string()} {format % args}"[:300])

    def _read_only(self) -> None:
        self._send(error_response(
            405, f"kg serve is read-only: {self.command} is refused (it answers SPARQL queries by GET and POST)",
            (("Allow", _ALLOWED_METHODS),),
        ), close=True)

    do_PUT = do_DELETE = do_PATCH = _read_only

    def do_OPTIONS(self) -> None:
        self._send(Response(204, "text/plain", b"", (
            ("Allow", _ALLOWED_METHODS), ("Access-Control-Allow-Methods", _ALLOWED_METHODS),
            ("Access-Control-Allow-Headers", "Accept, Content-Type"),
        )))

    # -------------------------------------------------------- GET and POST
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path in {"", "/"}:
            self._send(Response(200, "text/plain; charset=utf-8", self.endpoint.description().encode("utf-8")))
        elif url.path != ENDPOINT_PATH:
            self._send(error_response(404, f"no such path {url.path!r}; the SPARQL endpoint is {ENDPOINT_PATH}"))
        else:
            self._send(self._query(parse_qs(url.query, keep_blank_values=True)))

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        if "graph" in params or "default" in params:
            self._send(error_response(403, "kg serve is read-only: Graph Store writes are refused"), close=True)
            return
        if url.path != ENDPOINT_PATH:
            self._send(error_response(404, f"no such path {url.path!r}; the SPARQL endpoint is {ENDPOINT_PATH}"), close=True)
            return
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower() or self.headers.get("Content-Length") is None:
            self._send(error_response(411, "a POST needs a Content-Length header"), close=True)
            return
        try:
            length = int(self.headers["Content-Length"])
        except ValueError:
            self._send(error_response(400, "Content-Length is not a number"), close=True)
            return
        if length > self.endpoint.max_request_bytes:
            self._send(error_response(
                413, f"request body of {length} bytes is over the limit of {self.endpoint.max_request_bytes} bytes"
            ), close=True)
            return
        body = self.rfile.read(length)
        content_type = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type == "application/sparql-query":
            try:
                params["query"] = [body.decode("utf-8")]
            except UnicodeDecodeError:
                self._send(error_response(400, "the query is not UTF-8"))
                return
            self._send(self._query(params))
        elif content_type == "application/x-www-form-urlencoded":
            try:
                form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                self._send(error_response(400, "the form is not UTF-8"))
                return
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
            self._send(self._query(params))
        elif content_type == "application/sparql-update":
            self._send(error_response(403, "kg serve is read-only: SPARQL Update is refused"))
        elif content_type in _RDF_MEDIA_TYPES:
            self._send(error_response(403, "kg serve is read-only: Graph Store writes are refused"))
        else:
            self._send(error_response(
                415, f"unsupported Content-Type {content_type or '(none)'!r}; POST a query as "
                     "application/sparql-query or application/x-www-form-urlencoded (query=...)"
            ))

    def _query(self, params: dict[str, list[str]]) -> Response:
        if "update" in params:
            return error_response(403, "kg serve is read-only: SPARQL Update is refused")
        queries = params.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            return error_response(400, f"give exactly one SPARQL query: {ENDPOINT_PATH}?query=... "
                                       "(or POST it as application/sparql-query)")
        text = queries[0]
        if uses_service(text):
            return error_response(400, "SERVICE (federated query) is refused: kg serve does not fetch from other endpoints")
        request = QueryRequest(
            text, self.headers.get("Accept", ""),
            tuple(params.get("default-graph-uri", [])), tuple(params.get("named-graph-uri", [])),
        )
        return self.endpoint.workers.run(request, self.endpoint.timeout)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True  # a restarted server can take its port back from TIME_WAIT sockets

    def handle_error(self, request, client_address) -> None:
        """A client that hung up before its answer is a log line, not a traceback."""
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            self.endpoint.log(f"{client_address[0]} went away before the answer ({type(error).__name__})")
        else:
            super().handle_error(request, client_address)


class _HTTPServerV6(_HTTPServer):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SparqlServer:
    """The endpoint: an HTTP server plus its query workers. Use as a context manager, or close()."""

    def __init__(
        self,
        store: str | Path,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        timeout: float = DEFAULT_TIMEOUT,
        max_results: int = DEFAULT_MAX_RESULTS,
        workers: int = DEFAULT_WORKERS,
        max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES,
        log: Callable[[str], None] | None = None,
    ):
        from kg.graph import KnowledgeGraph

        if timeout <= 0:
            raise ServeError(f"--timeout must be positive, not {timeout}")
        if max_results < 1:
            raise ServeError(f"--max-results must be at least 1, not {max_results}")
        KnowledgeGraph.open(store, read_only=True).close()  # a missing store is named before anything starts
        self.store = Path(store)
        self.timeout = timeout
        self.max_results = max_results
        self.max_request_bytes = max_request_bytes
        self.log = log or (lambda message: None)
        self._thread: threading.Thread | None = None
        server_class = _HTTPServerV6 if ":" in host else _HTTPServer
        try:
            self.httpd = server_class((host.strip("[]"), port), _Handler)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ServeError(f"{host}:{port} is already in use; choose another --port (or --port 0 for any free port)") from None
            raise ServeError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
        self.httpd.endpoint = self  # type: ignore[attr-defined]
        try:
            self.workers = QueryWorkers(store, workers, max_results=max_results, log=self.log)
        except BaseException:
            self.httpd.server_close()
            raise

    @property
    def host(self) -> str:
        return self.httpd.server_address[0]

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{ENDPOINT_PATH}"

    def description(self) -> str:
        return (
            f"kg serve: a read-only SPARQL 1.1 endpoint over the kg store {self.store}\n\n"
            f"  endpoint   {self.url}\n"
            f"  query      GET {ENDPOINT_PATH}?query=..., or POST application/sparql-query or query=... (form)\n"
            "  results    SPARQL JSON (default), XML, CSV, TSV; Turtle, N-Triples, RDF/XML, JSON-LD for CONSTRUCT\n"
            f"  limits     {self.timeout:g} s a query, {self.max_results} results, {self.max_request_bytes} bytes a request\n"
            "  prefixes   kg, rdf, rdfs, owl, skos, xsd, dcterms and wd are declared\n\n"
            f"  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE {{ ?s kg:leaderOf ?o }}' {self.url}\n"
        )

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> SparqlServer:
        """Serve from a background thread (for tests and embedding)."""
        self._thread = threading.Thread(target=self.serve_forever, name="kg-serve", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(10)
            self._thread = None
        self.httpd.server_close()
        self.workers.close()

    def __enter__(self) -> SparqlServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
