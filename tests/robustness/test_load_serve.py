"""The endpoint holds: a bounded load test of a real ``kg serve`` (bench/load_serve.py) on loopback.

2,000 queries from 8 concurrent clients over a store built from the bundled samples;
every answer must be a SPARQL JSON result with the rows the store itself gives. The
latency is printed, never asserted (it depends on the machine and its other work).
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib.query import Result

from kg.graph import KnowledgeGraph
from kg.named_queries import named_queries

from robust_helpers import ROOT

LOAD_SCRIPT = ROOT / "bench" / "load_serve.py"
QUERIES, CONCURRENCY = 2000, 8  # the script's defaults: the whole load runs in CI (about 30 to 60 s on 2 cores)

pytestmark = pytest.mark.slow


def _load_module():
    """bench/load_serve.py, imported from its file (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("load_serve", LOAD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


load = _load_module()


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory) -> Path:
    """The bundled samples built by a real ``kg build`` (closed: its own process)."""
    return load.build_sample_store(tmp_path_factory.mktemp("load") / "store")


@pytest.fixture(scope="module")
def mix(sample_store):
    return load.workload(sample_store)


def _rows_by_rdflib(body: bytes, variables) -> tuple[list[str], Counter]:
    """The answer parsed by rdflib's SPARQL JSON parser, not by the script's own checker."""
    result = Result.parse(io.BytesIO(body), format="json")
    names = [str(v) for v in result.vars]
    rows = Counter(tuple(None if row[v] is None else str(row[v]) for v in variables) for row in result)
    return names, rows


def test_the_mix_is_every_named_query_and_a_one_hop_query_with_rows(mix, sample_store):
    assert {q.name for q in mix} == set(named_queries()) | {"one-hop"}
    assert all(q.rows for q in mix), [q.name for q in mix if not q.rows]  # each checks real rows, not an empty answer
    with KnowledgeGraph.open(sample_store, read_only=True) as graph:
        for named in named_queries().values():
            if named.parameters:  # VALUES over HTTP binds as Oxigraph's substitutions do locally
                query = next(q for q in mix if q.name == named.name)
                arguments = [row for row in query.rows][0][: len(named.parameters)]
                local = graph.query(named.text, dict(zip((p.name for p in named.parameters), arguments)))
                assert load.canonical_rows(local.rows) == query.rows


def test_2000_queries_from_8_clients_all_answered_right_and_the_server_stops(sample_store, mix):
    with load.serving(sample_store) as server:
        assert server.url.startswith("http://127.0.0.1:")
        report = load.run_load(server.url, mix, queries=QUERIES, concurrency=CONCURRENCY, keep_bodies=True)
    assert server.process.returncode == 0  # SIGTERM: a clean stop, its workers with it
    assert "kg serve: stopped" in server.stderr

    assert len(report.outcomes) == QUERIES
    assert report.errors == [], [o.error for o in report.errors[:5]]
    with KnowledgeGraph.open(sample_store, read_only=True) as graph:
        expected = {q.name: (q, graph.query(q.text)) for q in mix}
    for outcome in report.outcomes:
        query, local = expected[outcome.query]
        names, rows = _rows_by_rdflib(outcome.body, query.variables)
        assert names == list(local.variables), outcome.query
        assert rows == Counter(local.rows), outcome.query
    assert Counter(o.query for o in report.outcomes) == {q.name: n for q, n in _shares(mix, QUERIES).items()}
    assert {o.method for o in report.outcomes} == {"GET", "POST query", "POST form"}
    print(
        f"\nkg serve load: {QUERIES} queries, {CONCURRENCY} clients: {report.throughput:.1f} queries/s, "
        f"p50 {report.latency_ms(50):.1f} ms, p99 {report.latency_ms(99):.1f} ms, errors {len(report.errors)}"
    )


def _shares(mix, queries: int) -> dict:
    return {q: queries // len(mix) + (index < queries % len(mix)) for index, q in enumerate(mix)}


def test_a_wrong_answer_is_counted_as_an_error(sample_store, mix):
    """The zero above means something: answers that differ from the expected rows are caught."""
    wrong = [load.LoadQuery(q.name, q.text, q.variables, q.rows[1:] + (q.rows[0],) * 2) for q in mix]
    with load.serving(sample_store) as server:
        report = load.run_load(server.url, wrong + [load.LoadQuery("nothing", "SELEC nonsense", (), ())],
                               queries=len(wrong) + 1, concurrency=2)
    messages = sorted(o.error for o in report.errors)
    assert len(messages) == len(wrong) + 1
    assert sum("rows that differ" in m for m in messages) == len(wrong)
    assert sum(m.startswith("HTTP 400") for m in messages) == 1


def test_only_loopback_is_a_target(mix):
    with pytest.raises(ValueError, match="loopback"):
        load.run_load("http://192.0.2.1:8000/sparql", mix, queries=1)


def test_the_script_prints_a_table_and_json_and_exits_0(sample_store):
    done = subprocess.run(
        [sys.executable, str(LOAD_SCRIPT), "--store", str(sample_store), "--queries", "45", "--concurrency", "3", "--json"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    results = json.loads(lines[-1])
    assert results["queries"] == results["answered"] == 45 and results["errors"] == 0
    assert results["concurrency"] == 3
    assert results["throughput_qps"] > 0 and 0 < results["p50_ms"] <= results["p99_ms"]
    assert set(results["by_query"]) == set(named_queries()) | {"one-hop"}
    assert "queries/s" in "\n".join(lines[:-1]) and "errors 0" in "\n".join(lines[:-1])
