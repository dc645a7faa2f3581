#!/usr/bin/env python
"""A bounded load test of ``kg serve``: many SPARQL queries from concurrent clients, loopback only.

    python bench/load_serve.py                         # 2,000 queries, 8 clients, the sample store
    python bench/load_serve.py --queries 500 --concurrency 4
    python bench/load_serve.py --store .kg-store       # an existing store (opened read-only)
    python bench/load_serve.py --json                  # ... and the results as one JSON object on the last line

It starts a real ``kg serve`` (``python -m kg.cli serve``) on 127.0.0.1 and a free port,
over the given store or over one built from samples/ (``kg build samples/articles
samples/feed.jsonl``, about 20 s). Each client keeps one HTTP/1.1 connection open and
takes the next query until all are sent; the queries go round the mix in turn, by
GET, POST of the query and POST of a form. The mix: every named query of
kg/queries/*.rq (parameters bound with an inline VALUES block, as any SPARQL client
can) and the one-hop query of bench/run.py for the most connected actor.

Every answer is checked: status 200, SPARQL JSON, and the same variables and rows as
the same query run on the store directly (``KnowledgeGraph.query``). A wrong answer,
another status, a dropped connection or a query still unsent when ``--max-seconds``
runs out is an error. It stops by itself after the last query, stops the server
(SIGTERM), prints throughput (queries/s) and p50/p99 latency (one request, sent to
answer read, at the client), and exits with status 1 when there was any error.
Latency is reported, not judged: it depends on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import json
import os
import platform
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]  # this tree's kg, and run.py beside this file

from run import ONE_HOP_QUERY, child_env  # noqa: E402  (after the path is set)

DEFAULT_QUERIES = 2000
DEFAULT_CONCURRENCY = 8
DEFAULT_SERVER_WORKERS = 2  # kg serve's own default
DEFAULT_MAX_SECONDS = 600.0
REQUEST_TIMEOUT = 60.0  # seconds a client waits for one answer
SAMPLE_INPUTS = (ROOT / "samples" / "articles", ROOT / "samples" / "feed.jsonl")
LOOPBACK = "127.0.0.1"
SPARQL_JSON = "application/sparql-results+json"
METHODS = ("GET", "POST query", "POST form")  # taken in turn, so each query goes every way

Row = tuple[str | None, ...]

BUSIEST_ACTOR = """
SELECT ?actor (COUNT(?st) AS ?n) WHERE {
  ?st rdf:subject|rdf:object ?actor . ?actor rdfs:label ?label
} GROUP BY ?actor ORDER BY DESC(?n) ?actor LIMIT 1"""


# ------------------------------------------------------------------ the queries and their expected answers


@dataclass(frozen=True)
class LoadQuery:
    """One query of the mix, with the answer the store itself gives."""

    name: str
    text: str
    variables: tuple[str, ...]
    rows: tuple[Row, ...]  # sorted: compared as a multiset, whatever the answer's order


def canonical_rows(rows: Sequence[Row]) -> tuple[Row, ...]:
    return tuple(sorted(rows, key=lambda row: tuple((value is not None, value or "") for value in row)))


def sparql_string(value: str) -> str:
    """``value`` as a SPARQL string literal (N-Triples escaping, which SPARQL reads)."""
    import pyoxigraph as ox

    return str(ox.Literal(value))


def with_values(text: str, bindings: dict[str, str]) -> str:
    """``text`` with ``bindings`` as an inline ``VALUES`` block at the start of its WHERE group.

    Over the SPARQL protocol there are no substitutions; a VALUES block inside the group
    binds the variables before the FILTERs that use them run (a trailing VALUES clause
    would join only after grouping)."""
    if not bindings:
        return text
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(sparql_string(value) for value in bindings.values())
    block = f"\n  VALUES ({names}) {{ ({values}) }}"
    code = re.sub(r"(?m)^\s*#.*$", lambda m: " " * len(m.group()), text)  # the header comments, blanked in place
    where = re.search(r"\bWHERE\s*\{", code, re.IGNORECASE)
    if where is None:
        raise ValueError("the query has no WHERE { ... } group to bind its parameters in")
    return text[: where.end()] + block + text[where.end():]


def workload(store: str | Path) -> list[LoadQuery]:
    """The mix, with each query's expected answer from the store itself.

    Parameters are taken from the data: the most connected actor for relations-of and
    the one-hop query, that actor and its first partner for evidence-of."""
    from kg.graph import KnowledgeGraph
    from kg.named_queries import named_queries

    with KnowledgeGraph.open(store, read_only=True) as graph:
        busiest = graph.query(BUSIEST_ACTOR).rows
        actor_iri = busiest[0][0] if busiest else "https://w3id.org/kg-news/id/none"
        label = graph.query(f"SELECT ?label WHERE {{ <{actor_iri}> rdfs:label ?label }} ORDER BY ?label LIMIT 1").rows
        actor = label[0][0] if label else "nobody"
        partners = graph.query(named_queries()["relations-of"].text, {"actor": actor}).rows
        partner = partners[0][3] if partners else "nobody"
        arguments = {"actor": actor, "other": partner}
        texts: dict[str, str] = {}
        for name, named in named_queries().items():
            texts[name] = with_values(named.text, {p.name: arguments[p.name] for p in named.parameters})
        texts["one-hop"] = ONE_HOP_QUERY % {"actor": actor_iri}
        mix = []
        for name, text in texts.items():
            result = graph.query(text)
            if result.kind != "select":
                raise ValueError(f"{name}: the load test checks SELECT results only, not {result.kind}")
            mix.append(LoadQuery(name, text, tuple(result.variables), canonical_rows(result.rows)))
    return mix


# ------------------------------------------------------------------ checking one answer


def rows_of(body: bytes, variables: Sequence[str]) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """(variables, rows) of a SPARQL JSON result; ValueError when it is not one."""
    document = json.loads(body)
    if not isinstance(document, dict) or "head" not in document or "results" not in document:
        raise ValueError("not a SPARQL JSON SELECT result (no head and results)")
    found = tuple(document["head"]["vars"])
    rows = []
    for binding in document["results"]["bindings"]:
        for name, term in binding.items():
            if name not in found or term.get("type") not in {"uri", "literal", "bnode", "typed-literal", "triple"}:
                raise ValueError(f"binding of ?{name} is not a term of the result: {term!r}")
        rows.append(tuple(binding[name]["value"] if name in binding else None for name in variables))
    return found, canonical_rows(rows)


def check(expected: LoadQuery, status: int, content_type: str, body: bytes) -> str | None:
    """None when the answer is right, else what is wrong with it (one line)."""
    if status != 200:
        return f"HTTP {status}: {body[:200].decode('utf-8', 'replace').strip()}"
    if content_type.split(";")[0].strip() != SPARQL_JSON:
        return f"Content-Type {content_type!r}, not {SPARQL_JSON}"
    try:
        variables, rows = rows_of(body, expected.variables)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return f"not valid SPARQL JSON: {error}"
    if variables != expected.variables:
        return f"variables {variables}, expected {expected.variables}"
    if rows != expected.rows:
        return f"{len(rows)} rows that differ from the {len(expected.rows)} rows the store gives"
    return None


# ------------------------------------------------------------------ the clients


@dataclass(frozen=True)
class Outcome:
    query: str
    method: str
    seconds: float  # request sent to answer read
    error: str | None
    body: bytes | None = None  # kept only when asked for (tests parse it again)


@dataclass
class LoadReport:
    queries: int
    concurrency: int
    seconds: float
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def throughput(self) -> float:
        return len(self.outcomes) / self.seconds if self.seconds > 0 else 0.0

    def latency_ms(self, percent: float, query: str | None = None) -> float:
        values = [o.seconds for o in self.outcomes if o.error is None and (query is None or o.query == query)]
        return 1000 * percentile(values, percent) if values else float("nan")

    def by_query(self) -> dict[str, dict]:
        grouped: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in self.outcomes:
            grouped[outcome.query].append(outcome)
        return {
            name: {
                "sent": len(items),
                "errors": sum(o.error is not None for o in items),
                "p50_ms": round(self.latency_ms(50, name), 2),
                "p99_ms": round(self.latency_ms(99, name), 2),
            }
            for name, items in grouped.items()
        }


def percentile(values: Sequence[float], percent: float) -> float:
    """Nearest rank, as bench/run.py computes it."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _request(connection: http.client.HTTPConnection, path: str, query: str, method: str):
    """Send ``query`` the ``method`` way; (status, content type, body)."""
    headers = {"Accept": SPARQL_JSON}
    if method == "GET":
        connection.request("GET", f"{path}?{urllib.parse.urlencode({'query': query})}", headers=headers)
    elif method == "POST query":
        headers["Content-Type"] = "application/sparql-query"
        connection.request("POST", path, body=query.encode("utf-8"), headers=headers)
    else:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST", path, body=urllib.parse.urlencode({"query": query}).encode("ascii"), headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.will_close:
        connection.close()  # the next request opens a fresh connection
    return response.status, response.getheader("Content-Type", ""), body


def run_load(
    url: str,
    mix: Sequence[LoadQuery],
    *,
    queries: int = DEFAULT_QUERIES,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    keep_bodies: bool = False,
) -> LoadReport:
    """Send ``queries`` queries of ``mix`` in turn from ``concurrency`` clients; every answer checked.

    Refuses any address but loopback. Queries still unsent after ``max_seconds`` are
    errors, so the run ends even when the server stops answering."""
    target = urllib.parse.urlsplit(url)
    if target.hostname not in {"127.0.0.1", "::1", "localhost"}:
        raise ValueError(f"the load test only targets loopback addresses, not {target.hostname}")
    if not mix:
        raise ValueError("no queries to send")
    jobs: queue.SimpleQueue[int] = queue.SimpleQueue()
    for number in range(queries):
        jobs.put(number)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    started = time.perf_counter()
    deadline = started + max_seconds

    def client() -> None:
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=REQUEST_TIMEOUT)
        mine = []
        try:
            while True:
                try:
                    number = jobs.get_nowait()
                except queue.Empty:
                    return
                expected, method = mix[number % len(mix)], METHODS[number // len(mix) % len(METHODS)]
                if time.perf_counter() > deadline:
                    mine.append(Outcome(expected.name, method, 0.0, f"not sent: --max-seconds {max_seconds:g} ran out"))
                    continue
                sent = time.perf_counter()
                try:
                    status, content_type, body = _request(connection, target.path, expected.text, method)
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    mine.append(Outcome(expected.name, method, time.perf_counter() - sent, f"{type(error).__name__}: {error}"))
                    continue
                seconds = time.perf_counter() - sent
                error = check(expected, status, content_type, body)
                mine.append(Outcome(expected.name, method, seconds, error, body if keep_bodies else None))
        finally:
            connection.close()
            with lock:
                outcomes.extend(mine)

    threads = [threading.Thread(target=client, name=f"load-client-{n}") for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadReport(queries, concurrency, time.perf_counter() - started, outcomes)


# ------------------------------------------------------------------ the server and the store


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    stderr: list[str] = field(default_factory=list)  # its lines after the banner


@contextlib.contextmanager
def serving(store: str | Path, *, workers: int = DEFAULT_SERVER_WORKERS, startup_timeout: float = 120.0) -> Iterator[Server]:
    """A real ``kg serve`` on 127.0.0.1 and a free port; stopped with SIGTERM on the way out."""
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--host", LOOPBACK, "--port", "0",
         "--workers", str(workers), "--quiet"],
        cwd=ROOT, env=child_env(), stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    lines: queue.SimpleQueue[str | None] = queue.SimpleQueue()

    def read_stderr() -> None:  # drained all along, so the server never blocks on a full pipe
        for line in process.stderr:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read_stderr, name="kg-serve-stderr", daemon=True)
    reader.start()
    server = Server("", process)
    try:
        waited_until = time.monotonic() + startup_timeout
        while not server.url:
            try:
                line = lines.get(timeout=max(0.0, waited_until - time.monotonic()))
            except queue.Empty:
                raise RuntimeError(f"kg serve did not start within {startup_timeout:g} s") from None
            if line is None:
                raise RuntimeError(f"kg serve exited with status {process.wait()} before serving")
            found = re.search(r"SPARQL endpoint at (\S+)", line)
            server.url = found.group(1) if found else ""
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
        reader.join(10)
        while not lines.empty():
            line = lines.get()
            if line is not None:
                server.stderr.append(line.rstrip("\n"))


def build_sample_store(store: Path) -> Path:
    """``kg build`` of the bundled samples into ``store`` (a fresh store)."""
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", "build", *map(str, SAMPLE_INPUTS), "--store", str(store), "--fresh", "--quiet"],
        cwd=ROOT, env=child_env(), stdin=subprocess.DEVNULL, capture_output=True, text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"kg build of the samples failed with status {done.returncode}: {done.stderr.strip()[-500:]}")
    return store


# ------------------------------------------------------------------ report


def summary(report: LoadReport, *, server_workers: int, store: str, mix: Sequence[LoadQuery]) -> dict:
    return {
        "queries": report.queries,
        "answered": len(report.outcomes) - sum(1 for o in report.outcomes if o.error and o.error.startswith("not sent")),
        "concurrency": report.concurrency,
        "server_workers": server_workers,
        "seconds": round(report.seconds, 2),
        "throughput_qps": round(report.throughput, 1),
        "p50_ms": round(report.latency_ms(50), 2),
        "p99_ms": round(report.latency_ms(99), 2),
        "errors": len(report.errors),
        "error_samples": [f"{o.query} ({o.method}): {o.error}" for o in report.errors[:5]],
        "by_query": report.by_query(),
        "rows": {q.name: len(q.rows) for q in mix},
        "store": store,
        "date": datetime.date.today().isoformat(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": round(os.getloadavg()[0], 2),
    }


def table(results: dict) -> str:
    lines = [f"{'query':<24}{'sent':>6}{'errors':>8}{'p50 ms':>9}{'p99 ms':>9}{'rows':>6}", "-" * 62]
    for name, row in results["by_query"].items():
        lines.append(f"{name:<24}{row['sent']:>6}{row['errors']:>8}{row['p50_ms']:>9.1f}{row['p99_ms']:>9.1f}{results['rows'][name]:>6}")
    lines.append("-" * 62)
    lines.append(
        f"{results['queries']:,} queries, {results['concurrency']} clients, {results['server_workers']} query workers: "
        f"{results['throughput_qps']:.1f} queries/s over {results['seconds']:.1f} s; "
        f"p50 {results['p50_ms']:.1f} ms, p99 {results['p99_ms']:.1f} ms; errors {results['errors']}"
    )
    lines.extend(f"  error: {sample}" for sample in results["error_samples"])
    lines.append(
        f"{results['date']}, {results['cores']} cores, Python {results['python']}, "
        f"load average {results['load_average']}, store {results['store']}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A bounded load test of kg serve on 127.0.0.1 (see the module's docstring).")
    parser.add_argument("--queries", type=int, default=DEFAULT_QUERIES, help=f"queries to send in all (default {DEFAULT_QUERIES})")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help=f"clients sending at once (default {DEFAULT_CONCURRENCY})")
    parser.add_argument("--server-workers", type=int, default=DEFAULT_SERVER_WORKERS, help="kg serve --workers (default 2)")
    parser.add_argument("--store", type=Path, help="serve this store (default: one built from samples/ into a temporary folder)")
    parser.add_argument("--max-seconds", type=float, default=DEFAULT_MAX_SECONDS, help="queries unsent by then are errors (default 600)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object on the last line")
    args = parser.parse_args(argv)
    if args.queries < 1 or args.concurrency < 1 or args.server_workers < 1:
        parser.error("--queries, --concurrency and --server-workers must be at least 1")
    with tempfile.TemporaryDirectory(prefix="kg-load-") as work:
        store = args.store
        if store is None:
            print("building the sample store ...", file=sys.stderr, flush=True)
            store = build_sample_store(Path(work) / "store")
        mix = workload(store)
        with serving(store, workers=args.server_workers) as server:
            print(f"kg serve at {server.url}: {args.queries:,} queries from {args.concurrency} clients ...", file=sys.stderr, flush=True)
            report = run_load(server.url, mix, queries=args.queries, concurrency=args.concurrency, max_seconds=args.max_seconds)
        results = summary(report, server_workers=args.server_workers, store=str(args.store or "samples/ (built)"), mix=mix)
    print(table(results))
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
