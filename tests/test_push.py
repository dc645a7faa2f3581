"""kg push: the Graph Store HTTP Protocol, against a real Oxigraph server (the `oxigraph` package's binary)."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import PushError
from kg.graph import KnowledgeGraph
from kg.named_queries import named_queries, named_query
from kg.push import graph_store_url, push

NAMED_GRAPH = "https://example.org/graphs/news"

# A direct opener: loopback traffic never goes through a proxy the environment may name.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).with_name("oxigraph")
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    """`oxigraph serve` on a free loopback port with a temporary store; its base URL. Stopped after."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install '.[test]')")
    port = free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                remote_select(base, "ASK { }")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oxigraph serve did not start: {process.stderr.read().decode()[-500:]}") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        process.stderr.close()
    assert process.poll() is not None


def remote_select(base: str, query: str) -> dict:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(base + "/query", data=data, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json",
    })
    with _OPENER.open(request, timeout=60) as response:
        return json.loads(response.read())


def remote_rows(base: str, query: str) -> set[tuple]:
    results = remote_select(base, query)
    names = results["head"]["vars"]
    return {tuple(b.get(n, {}).get("value") for n in names) for b in results["results"]["bindings"]}


def remote_count(base: str, pattern: str = "?s ?p ?o") -> int:
    (count,), = remote_rows(base, f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(count)


@pytest.fixture(scope="module")
def local(news_store):
    graph = KnowledgeGraph.open(news_store, read_only=True)
    yield graph
    graph.close()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    return lines[0]


# ------------------------------------------------------------------ against oxigraph serve


@pytest.mark.slow
def test_push_to_the_default_graph_gives_the_same_graph_remotely(oxigraph, local, news_store):
    result = run("push", "--store", news_store, "--endpoint", f"{oxigraph}/store")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"PUT {len(local)} triples to {oxigraph}/store?default: 20")
    assert remote_count(oxigraph) == len(local)
    leaders = "SELECT ?p ?s WHERE { ?p <https://w3id.org/kg-news/ontology#leaderOf> ?s }"
    assert remote_rows(oxigraph, leaders) == set(local.query(leaders).rows)
    # PUT replaces: pushing again leaves the same graph.
    assert run("push", "--store", news_store, "--endpoint", f"{oxigraph}/store", "--quiet").output == ""
    assert remote_count(oxigraph) == len(local)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(n for n, q in named_queries().items() if not q.parameters))
def test_named_queries_answer_the_same_on_the_pushed_graph(name, oxigraph, local):
    """The shipped queries declare their prefixes and need no kg extension: they run on any store."""
    push(local, f"{oxigraph}/store")
    expected = set(local.query(named_query(name).text).rows)
    assert expected
    assert remote_rows(oxigraph, named_query(name).text) == expected


@pytest.mark.slow
def test_push_to_a_named_graph(oxigraph, local):
    results = push(local, f"{oxigraph}/store", graph_iri=NAMED_GRAPH)
    assert [(r.graph, r.method, r.triples) for r in results] == [(NAMED_GRAPH, "PUT", len(local))]
    assert remote_count(oxigraph, f"GRAPH <{NAMED_GRAPH}> {{ ?s ?p ?o }}") == len(local)


@pytest.mark.slow
def test_push_documents_keeps_one_named_graph_per_document(oxigraph, local, news_store):
    result = run("push", "--store", news_store, "--endpoint", f"{oxigraph}/store", "--documents")
    assert result.exit_code == 0, result.output
    assert "PUT 2 document graphs" in result.output
    local_counts = Counter(q.graph_name.value for q in local.quads())
    remote = remote_rows(oxigraph, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                   "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/kg-news/id/document/')) } GROUP BY ?g")
    assert {g: int(n) for g, n in remote} == dict(local_counts)
    assert remote_count(oxigraph) == len(local)  # the default graph is still the merged graph


@pytest.mark.slow
def test_append_posts_into_the_graph(oxigraph, local):
    target = NAMED_GRAPH + "/appended"
    for _ in range(2):
        (result,) = push(local, f"{oxigraph}/store", graph_iri=target, replace=False)
        assert result.method == "POST" and 200 <= result.status < 300
    assert remote_count(oxigraph, f"GRAPH <{target}> {{ ?s ?p ?o }}") == len(local)  # a set: no duplicates


@pytest.mark.slow
def test_an_http_error_from_the_endpoint_is_one_line_with_its_message(oxigraph, news_store):
    line = one_line_error(run("push", "--store", news_store, "--endpoint", f"{oxigraph}/no-such-path"))
    assert line.startswith(f"Error: {oxigraph}/no-such-path?default answered 404 Not Found: ")
    assert "not supported" in line


# ------------------------------------------------------------------ errors without oxigraph


def test_an_unreachable_endpoint_is_one_line(news_store):
    url = f"http://127.0.0.1:{free_port()}/store"
    line = one_line_error(run("push", "--store", news_store, "--endpoint", url))
    assert line == f"Error: cannot reach {url}?default: Connection refused"


def test_a_read_only_kg_serve_refuses_the_push(news_store):
    from kg.serve import SparqlServer

    with SparqlServer(news_store, port=0, workers=1).start() as server:
        line = one_line_error(run("push", "--store", news_store, "--endpoint", server.url))
    assert "answered 405 Method Not Allowed: kg serve is read-only: PUT is refused" in line


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--endpoint", "ftp://example.org/data"], "not an http(s) URL"),
        (["--endpoint", "http://127.0.0.1:1/store", "--graph", "not an iri"], "--graph 'not an iri' is not an absolute IRI"),
    ],
)
def test_bad_settings_are_one_line(args, fragment, news_store):
    assert fragment in one_line_error(run("push", "--store", news_store, *args))


class _Recorder(BaseHTTPRequestHandler):
    """Answers 401 with a message and remembers what it was sent."""

    seen: list[dict] = []

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.seen.append({"path": self.path, "authorization": self.headers.get("Authorization"), "body": body,
                          "content_type": self.headers.get("Content-Type")})
        message = b"Unauthorized: wrong password\n"
        self.send_response(401)
        self.send_header("Content-Length", str(len(message)))
        self.end_headers()
        self.wfile.write(message)

    def log_message(self, *args):
        pass


def test_credentials_in_the_url_become_basic_auth_and_stay_out_of_messages(local):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        with pytest.raises(PushError) as raised:
            push(local, f"http://alice:s3cret@127.0.0.1:{port}/ds/data", graph_iri=NAMED_GRAPH)
    finally:
        server.shutdown()
        server.server_close()
    message = str(raised.value)
    assert message == (f"http://127.0.0.1:{port}/ds/data?graph=https%3A%2F%2Fexample.org%2Fgraphs%2Fnews "
                       "answered 401 Unauthorized: Unauthorized: wrong password")
    assert "s3cret" not in message
    (seen,) = _Recorder.seen
    assert seen["authorization"] == "Basic " + base64.b64encode(b"alice:s3cret").decode()
    assert seen["content_type"] == "application/n-triples"
    assert len(seen["body"].decode().strip().splitlines()) == len(local)


@pytest.mark.parametrize(
    "endpoint, graph, url",
    [
        ("http://h/ds/data", None, "http://h/ds/data?default"),
        ("http://h/ds/data", "urn:g", "http://h/ds/data?graph=urn%3Ag"),
        ("http://h/ds?x=1", "https://e.org/g?a=b#c", "http://h/ds?x=1&graph=https%3A%2F%2Fe.org%2Fg%3Fa%3Db%23c"),
    ],
)
def test_graph_store_url(endpoint, graph, url):
    assert graph_store_url(endpoint, graph) == url
