"""kg serve: a real HTTP endpoint on a free loopback port, spoken to with urllib and http.client."""

from __future__ import annotations

import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic
from rdflib.query import Result

from kg.cli import main
from kg.graph import KnowledgeGraph
from kg.serve import SparqlServer, looks_like_update, negotiate, uses_service

# rdflib's JSON-LD parser uses its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated, use Dataset:DeprecationWarning")

ROOT = Path(__file__).resolve().parent.parent
LEADERS = "SELECT ?person ?state WHERE { ?person kg:leaderOf ?state } ORDER BY ?person"
LEADERS_CONSTRUCT = "CONSTRUCT { ?person kg:leaderOf ?state } WHERE { ?person kg:leaderOf ?state }"
MAX_RESULTS = 50
MAX_REQUEST_BYTES = 4096


@pytest.fixture(scope="module")
def local(news_store):
    graph = KnowledgeGraph.open(news_store, read_only=True)
    yield graph
    graph.close()


@pytest.fixture(scope="module")
def server(news_store):
    with SparqlServer(news_store, port=0, timeout=20, max_results=MAX_RESULTS, max_request_bytes=MAX_REQUEST_BYTES) as running:
        running.start()
        yield running
        processes = [worker.process for worker in running.workers._workers]
    assert processes and all(process.poll() is not None for process in processes)  # no worker left behind


# A direct opener: loopback traffic never goes through a proxy the environment may name.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    """(status, headers, body) for any status: urllib raises HTTPError for 4xx/5xx, which is a response too."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with _OPENER.open(req, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(server, query: str, accept: str | None = None, **params):
    url = server.url + "?" + urllib.parse.urlencode({"query": query, **params}, doseq=True)
    return request(url, headers={"Accept": accept} if accept else {})


def leaders(result_rows) -> set[tuple[str, str]]:
    return {(str(person), str(state)) for person, state in result_rows}


# ------------------------------------------------------------------ queries by GET and POST


def test_get_answers_sparql_json_by_default(server, local):
    status, headers, body = get(server, LEADERS)
    assert status == 200
    assert headers["Content-Type"] == "application/sparql-results+json"
    results = json.loads(body)
    assert results["head"]["vars"] == ["person", "state"]
    rows = {(b["person"]["value"], b["state"]["value"]) for b in results["results"]["bindings"]}
    assert rows == leaders(local.query(LEADERS).rows)
    assert ("https://w3id.org/kg-news/id/person/vladimir-putin", "https://w3id.org/kg-news/id/state/RU") in rows


def test_post_a_sparql_query_body(server, local):
    status, _, body = request(server.url, data=LEADERS.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 200
    assert leaders(Result.parse(io.BytesIO(body), format="json")) == leaders(local.query(LEADERS).rows)


def test_post_a_form(server, local):
    form = urllib.parse.urlencode({"query": LEADERS}).encode()
    status, _, body = request(server.url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200
    assert leaders(Result.parse(io.BytesIO(body), format="json")) == leaders(local.query(LEADERS).rows)


@pytest.mark.parametrize(
    "accept, content_type, rdflib_format",
    [
        ("application/sparql-results+json", "application/sparql-results+json", "json"),
        ("application/json", "application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/csv", "text/csv; charset=utf-8", "csv"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", "tsv"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml", "xml"),
        ("text/*", "text/csv; charset=utf-8", "csv"),
    ],
)
def test_select_results_in_each_format_parse_to_the_local_answer(accept, content_type, rdflib_format, server, local):
    status, headers, body = get(server, LEADERS, accept)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert leaders(Result.parse(io.BytesIO(body), format=rdflib_format)) == leaders(local.query(LEADERS).rows)


def test_literals_keep_their_datatype_and_text(server, local):
    query = 'SELECT ?sentence ?confidence WHERE { ?st kg:sentence ?sentence ; kg:confidence ?confidence } ORDER BY ?sentence'
    status, _, body = get(server, query)
    bindings = json.loads(body)["results"]["bindings"]
    assert [b["sentence"]["value"] for b in bindings] == [row[0] for row in local.query(query).rows]
    assert "datatype" not in bindings[0]["sentence"]  # xsd:string is left implicit, as the spec says
    assert bindings[0]["confidence"]["datatype"] == "http://www.w3.org/2001/XMLSchema#double"


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [(None, "turtle"), ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/rdf+xml", "xml"),
     ("application/ld+json", "json-ld")],
)
def test_construct_gives_rdf_that_parses_to_the_local_graph(accept, rdflib_format, server, local):
    status, headers, body = get(server, LEADERS_CONSTRUCT, accept)
    assert status == 200
    remote = rdflib.Graph().parse(data=body, format=rdflib_format)
    expected = rdflib.Graph().parse(data=local.query(LEADERS_CONSTRUCT).payload, format="turtle")
    assert len(remote) == len(expected) > 0
    assert isomorphic(remote, expected)


@pytest.mark.parametrize("accept, expected", [(None, b'"boolean":true'), ("application/sparql-results+xml", b"<boolean>true</boolean>")])
def test_ask_answers_a_boolean(accept, expected, server):
    status, _, body = get(server, "ASK { ?p kg:leaderOf ?s }", accept)
    assert status == 200
    assert expected in body


def test_an_unacceptable_media_type_gets_406(server):
    status, _, body = get(server, LEADERS, "image/png")
    assert status == 406
    assert b"application/sparql-results+json" in body


def test_default_graph_uri_narrows_the_query_to_one_document(server, local):
    document = "https://w3id.org/kg-news/id/document/moscow-summit"
    status, _, body = get(server, LEADERS, **{"default-graph-uri": document})
    assert status == 200
    rows = {(b["person"]["value"], b["state"]["value"]) for b in json.loads(body)["results"]["bindings"]}
    assert ("https://w3id.org/kg-news/id/person/vladimir-putin", "https://w3id.org/kg-news/id/state/RU") in rows
    assert rows <= leaders(local.query(LEADERS).rows)
    status, _, body = get(server, "ASK { ?s kg:warns ?o }", **{"default-graph-uri": document})
    assert b'"boolean":false' in body


# ------------------------------------------------------------------ limits


def test_results_over_the_limit_are_cut_off_and_say_so(server, local):
    assert len(local) > MAX_RESULTS
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == MAX_RESULTS
    assert headers["X-SPARQL-MaxRows"] == str(MAX_RESULTS)
    status, headers, body = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(body.decode().strip().splitlines()) == MAX_RESULTS
    assert headers["X-SPARQL-MaxRows"] == str(MAX_RESULTS)
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert len(json.loads(body)["results"]["bindings"]) == 10
    assert "X-SPARQL-MaxRows" not in headers


def test_an_oversized_body_gets_413(server):
    query = "SELECT * WHERE { ?s ?p ?o } " + "#" * MAX_REQUEST_BYTES
    status, _, body = request(server.url, data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert status == 413
    assert f"over the limit of {MAX_REQUEST_BYTES} bytes".encode() in body


def test_a_huge_content_length_is_refused_before_the_body_is_read(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    connection.putrequest("POST", "/sparql")
    connection.putheader("Content-Type", "application/sparql-query")
    connection.putheader("Content-Length", str(10**12))
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 413
    connection.close()


def test_a_too_long_url_gets_414(server):
    status, _, _ = get(server, "SELECT * WHERE { ?s ?p ?o } #" + "x" * 70_000)
    assert status == 414


# ------------------------------------------------------------------ read-only and mistakes


@pytest.mark.parametrize(
    "method, path, data, content_type, status, fragment",
    [
        ("POST", "/sparql", b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update", 403, "SPARQL Update is refused"),
        ("POST", "/sparql", b"update=DROP+ALL", "application/x-www-form-urlencoded", 403, "SPARQL Update is refused"),
        ("GET", "/sparql?query=" + urllib.parse.quote("PREFIX ex: <urn:x> DELETE WHERE { ?s ?p ?o }"), None, None, 403, "SPARQL Update is refused"),
        ("GET", "/sparql?update=" + urllib.parse.quote("DROP ALL"), None, None, 403, "SPARQL Update is refused"),
        ("PUT", "/sparql?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", 405, "read-only: PUT is refused"),
        ("DELETE", "/sparql?graph=urn:g", None, None, 405, "read-only: DELETE is refused"),
        ("POST", "/sparql?default", b"<urn:a> <urn:b> <urn:c> .", "application/n-triples", 403, "Graph Store writes are refused"),
        ("POST", "/sparql", b"<urn:a> <urn:b> <urn:c> .", "text/turtle", 403, "Graph Store writes are refused"),
        ("GET", "/sparql?query=SELEC", None, None, 400, "SPARQL syntax error"),
        ("GET", "/sparql", None, None, 400, "give exactly one SPARQL query"),
        ("GET", "/nowhere", None, None, 404, "the SPARQL endpoint is /sparql"),
        ("POST", "/sparql", b"SELECT * {}", "application/json", 415, "unsupported Content-Type 'application/json'"),
        ("GET", "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), None, None, 400, "SERVICE (federated query) is refused"),
    ],
)
def test_writes_and_mistakes_get_a_clear_4xx(method, path, data, content_type, status, fragment, server, local):
    headers = {"Content-Type": content_type} if content_type else {}
    url = f"http://{server.host}:{server.port}{path}"
    got, response_headers, body = request(url, data=data, headers=headers, method=method)
    assert got == status, body
    assert response_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert fragment in body.decode()
    assert len(body.decode().strip().splitlines()) == 1
    assert len(local) == len(KnowledgeGraph.open(server.store, read_only=True))


def test_options_answers_cors_preflight(server):
    status, headers, _ = request(server.url, method="OPTIONS")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in headers["Access-Control-Allow-Methods"]


def test_head_answers_headers_only(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    connection.request("HEAD", "/sparql?" + urllib.parse.urlencode({"query": LEADERS}))
    response = connection.getresponse()
    assert response.status == 200
    assert int(response.headers["Content-Length"]) > 0
    assert response.read() == b""
    connection.close()


def test_a_client_that_hangs_up_does_not_stop_the_server(server):
    with socket.create_connection((server.host, server.port), timeout=30) as raw:
        raw.sendall(f"GET /sparql?{urllib.parse.urlencode({'query': LEADERS})} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert get(server, "ASK { ?p kg:leaderOf ?s }")[0] == 200


def test_the_root_describes_the_endpoint(server):
    status, _, body = request(f"http://{server.host}:{server.port}/")
    assert status == 200
    assert server.url in body.decode()


def test_documents_built_while_serving_are_served(news_store, tmp_path):
    import shutil

    import kg
    from kg.model import Document

    store = tmp_path / "store"
    shutil.copytree(news_store, store)
    documents = "SELECT (COUNT(?d) AS ?n) WHERE { ?d a kg:Document }"
    with SparqlServer(store, port=0, workers=1).start() as server:
        assert b'"value":"2"' in get(server, documents)[2]
        with KnowledgeGraph.open(store) as graph:  # kg build, while the endpoint runs
            kg.build([Document(id="nato-summit", text="NATO warns Russia\n\nNATO warned Russia on Friday.")], graph=graph)
        assert b'"value":"3"' in get(server, documents)[2]


# ------------------------------------------------------------------ the timeout


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 185^4 rows


def test_a_runaway_query_is_cut_off_while_other_queries_are_answered(news_store):
    timeout = 2.0
    with SparqlServer(news_store, port=0, timeout=timeout, workers=2).start() as server:
        first_pids = server.workers.pids
        outcome = {}

        def runaway():
            started = time.monotonic()
            outcome["response"] = get(server, RUNAWAY)
            outcome["elapsed"] = time.monotonic() - started

        thread = threading.Thread(target=runaway)
        thread.start()
        time.sleep(0.3)
        status, _, body = get(server, "ASK { ?p kg:leaderOf ?s }")  # the other worker answers meanwhile
        assert status == 200 and b"true" in body
        assert "response" not in outcome  # the runaway is still running
        thread.join(60)
        status, _, body = outcome["response"]
        assert status == 503
        assert f"query cut off after {timeout:g} s".encode() in body
        assert timeout <= outcome["elapsed"] < timeout + 5
        for _ in range(3):  # the killed worker is replaced; the server answers on
            status, _, body = get(server, "ASK { ?p kg:leaderOf ?s }")
            assert status == 200
        deadline = time.monotonic() + 30
        while len(server.workers.pids) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(server.workers.pids) == 2
        killed = set(first_pids) - set(server.workers.pids)
        assert len(killed) == 1
        assert not _alive(killed.pop())
        workers = list(server.workers._workers)
    assert all(worker.process.poll() is not None for worker in workers)


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (from /proc: no procps needed)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is gone too
    except OSError:
        return False


# ------------------------------------------------------------------ pieces


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv", "text/csv"),
        ("text/csv;q=0.2, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
        ("application/*", "application/sparql-results+json"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "application/xml"),
        ("application/sparql-results+json;q=0, */*;q=0.1", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("image/png", None),
    ],
)
def test_negotiate(accept, expected):
    from kg.serve import RESULT_MEDIA_TYPES

    assert negotiate(accept, RESULT_MEDIA_TYPES) == expected


@pytest.mark.parametrize(
    "query, uses",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", True),
        ("select * { service silent ?endpoint { ?s ?p ?o } }", True),
        ('SELECT * WHERE { ?s rdfs:label "Federal Security Service" }', False),
        ("SELECT * WHERE { ?s rdfs:label ?l } # no SERVICE here", False),
        ("SELECT ?service WHERE { ?service a <http://example.org/SERVICE> }", False),
        ("SELECT * WHERE { ?s ex:service ?o }", False),
        ('SELECT * WHERE { ?s ?p """a "quoted" SERVICE""" . SERVICE <urn:x> { } }', True),
        ("SELECT * WHERE { FILTER(?a<?b) SERVICE <urn:x> { ?s ?p ?o } FILTER(?c>?d) }", True),
    ],
)
def test_uses_service(query, uses):
    assert uses_service(query) is uses


@pytest.mark.parametrize(
    "query, update",
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", True),
        ("PREFIX ex: <urn:ex:>\nDELETE WHERE { ?s ?p ?o }", True),
        ("# a comment\nLOAD <http://example.org/data.ttl>", True),
        ("SELECT * WHERE { ?s ?p 'INSERT' }", False),
        ("SELEC", False),
    ],
)
def test_looks_like_update(query, update):
    assert looks_like_update(query) is update


# ------------------------------------------------------------------ the command


def test_serve_command_starts_answers_and_stops_on_sigterm(news_store):
    process = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(news_store), "--port", "0", "--timeout", "10"],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    try:
        banner = process.stderr.readline()
        assert "SPARQL endpoint at http://127.0.0.1:" in banner, banner
        url = banner.split(" at ")[1].split()[0]
        status, _, body = request(url + "?" + urllib.parse.urlencode({"query": "ASK { ?p kg:leaderOf ?s }"}))
        assert status == 200 and b"true" in body
        workers = _children(process.pid)
        assert len(workers) == 2
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        assert "stopped" in process.stderr.read()
        assert not any(_alive(pid) for pid in workers)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_a_port_in_use_is_a_one_line_error(news_store):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--store", str(news_store), "--port", str(port)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"Error: 127.0.0.1:{port} is already in use; choose another --port (or --port 0 for any free port)"]


def test_a_missing_store_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "nothing"), "--port", "0"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing: no graph store here" in lines[0]
