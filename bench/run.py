#!/usr/bin/env python
"""kg's benchmarks: every number is a ratio (or latency) measured side by side in one run.

    python bench/run.py            # full sizes (about 15 minutes on 2 cores)
    python bench/run.py --quick    # smaller sizes, under 3 minutes
    python bench/run.py --json     # ... and the results as one JSON object on the last line

Keys (targets in TARGETS):
  build_vs_spacy        kg build docs/s over raw spaCy nlp.pipe docs/s (same model, same documents)
  workers2_speedup      kg build --workers 2 docs/s over --workers 1 docs/s (models loaded; end to end beside it)
  turtle_vs_rdflib      rdflib's Turtle serializer time over kg's, same graph
  sparql_1hop_p50_ms    median latency of one actor's relations with evidence (KnowledgeGraph.query)
  sparql_agg_vs_rdflib  rdflib's time over kg's for relations counted by type and quad class
  rss_ratio             peak RSS of kg build on 10x the documents over 1x
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]  # this tree's kg, and corpus.py beside this file


@dataclass(frozen=True)
class Sizes:
    name: str
    build_docs: int  # build_vs_spacy corpus
    build_repeats: int
    workers_docs: int  # workers2_speedup corpus
    workers_repeats: int
    rss_docs: int  # rss_ratio: 1x (10x is ten times as many)
    triples: int  # turtle_vs_rdflib, sparql_*: merged triples of the synthetic graph
    query_runs: int  # sparql_1hop: latency samples
    agg_runs: int  # sparql_agg and kg's Turtle export: kg runs, the best kept (rdflib runs once: it is the slow side)


SIZES = {
    "full": Sizes("full", build_docs=96, build_repeats=5, workers_docs=480, workers_repeats=2, rss_docs=32,
                  triples=1_000_000, query_runs=300, agg_runs=5),
    "quick": Sizes("quick", build_docs=32, build_repeats=3, workers_docs=64, workers_repeats=2, rss_docs=6,
                   triples=100_000, query_runs=100, agg_runs=3),
    # For the smoke test only: every code path, numbers meaningless.
    "tiny": Sizes("tiny", build_docs=2, build_repeats=1, workers_docs=4, workers_repeats=1, rss_docs=1,
                  triples=5_000, query_runs=5, agg_runs=1),
}

TARGETS: dict[str, tuple[str, float]] = {
    "build_vs_spacy": (">=", 0.85),
    "workers2_speedup": (">=", 1.7),
    "turtle_vs_rdflib": (">=", 20),
    "sparql_1hop_p50_ms": ("<", 5),
    "sparql_agg_vs_rdflib": (">=", 10),
    "rss_ratio": ("<=", 1.3),
}

QUERY_WARMUP = 10
ONE_HOP_QUERY = """
SELECT ?direction ?relation ?other ?otherLabel ?modality ?confidence ?sentence ?document WHERE {
  { ?st rdf:subject <%(actor)s> ; rdf:object ?other . BIND("out" AS ?direction) }
  UNION
  { ?st rdf:object <%(actor)s> ; rdf:subject ?other . BIND("in" AS ?direction) }
  ?st rdf:predicate ?relation ; kg:modality ?modality ; kg:confidence ?confidence ;
      kg:sentence ?sentence ; kg:document ?doc .
  ?doc dcterms:identifier ?document .
  ?other rdfs:label ?otherLabel .
}"""

AGGREGATE_QUERY = """
SELECT ?relation ?quadClass (COUNT(?st) AS ?statements) WHERE {
  ?st a rdf:Statement ; rdf:predicate ?relation .
  VALUES (?relation ?quadClass) { %(values)s }
} GROUP BY ?relation ?quadClass ORDER BY DESC(?statements) ?relation"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def run_child(args: list[str]) -> dict:
    """Run ``python bench/run.py --child-... ARGS`` in a fresh process; its JSON report."""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], env=child_env(), stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child {args} failed with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ child: one build in its own process


def child_build(corpus_path: str, store_path: str, workers: int) -> None:
    """Build a store from a JSONL corpus and print the time it took: from the process's
    start (imports and model loads included), and from the moment every extraction
    process has the model loaded (``warm_seconds``, as build_vs_spacy times kg)."""
    start = time.perf_counter()
    import kg
    from kg.graph import KnowledgeGraph
    from kg.nlp import choose_model
    from kg.parallel import ProcessPool, load_model

    done: list[float] = []  # when each document was stored
    graph = KnowledgeGraph.open(store_path)
    pool = None
    if workers > 1:  # what kg.build(workers=N) starts itself, started here to know when it is ready
        pool = ProcessPool(workers)
        pool.wait_ready()
    else:
        load_model(choose_model())  # what a worker process loads first
    ready = time.perf_counter()
    kg.build([corpus_path], graph=graph, workers=pool or 1, progress=lambda result: done.append(time.perf_counter()))
    graph.flush()
    finished = time.perf_counter()
    if pool is not None:
        pool.close()
    report = {
        "seconds": finished - start,
        "warm_seconds": finished - ready,
        "startup_s": ready - start,  # imports, the model loaded in every extraction process
        "documents": len(done),
        "first_document_s": done[0] - start if done else None,
        "cpu_s": time.process_time(),  # this process only (not worker processes)
        "peak_rss_kib": peak_rss_kib(),
    }
    print(json.dumps(report))


def peak_rss_kib() -> int:
    """This process's peak resident set (VmHWM). Not ru_maxrss: on Linux that starts from
    the parent's peak, which a subprocess inherits through fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the best there is


# ------------------------------------------------------------------ benchmarks


def bench_build_vs_spacy(sizes: Sizes, work: Path) -> dict:
    """kg's whole build (parse, entities, relations, RDF, store) against spaCy's parse alone."""
    import spacy

    import kg
    from kg.graph import KnowledgeGraph
    from kg.nlp import choose_model, load

    from corpus import corpus

    model = choose_model()
    documents = list(corpus(sizes.build_docs))
    texts = [document.text for document in documents]
    nlp = spacy.load(model)
    list(nlp.pipe(texts[:2]))  # warm both pipelines: load time is not parse time
    load(model)
    kg.build(documents[:2])
    raw_times, kg_times = [], []
    for repeat in range(sizes.build_repeats):  # interleaved pairs, so both sides see the same machine
        raw_times.append(timed(lambda: list(nlp.pipe(texts)))[0])
        with tempfile.TemporaryDirectory(dir=work) as store:
            graph = KnowledgeGraph.open(store)
            kg_times.append(timed(lambda: (kg.build(documents, graph=graph, model=model), graph.flush()))[0])
            graph.close()
    # The median of the pairs' ratios: a shared machine's load shifts during a run, and
    # a pair's two halves run back to back.
    ratio = statistics.median(raw / built for raw, built in zip(raw_times, kg_times))
    return {
        "build_vs_spacy": ratio,
        "build_docs_per_s": len(documents) / statistics.median(kg_times),
        "spacy_docs_per_s": len(texts) / statistics.median(raw_times),
        "build_documents": len(documents),
        "build_repeats": sizes.build_repeats,
        "model": model,
    }


def bench_workers(sizes: Sizes, work: Path) -> dict:
    """``kg build`` with 1 and 2 worker processes, each run in a fresh process.

    The speedup is timed from the moment every extraction process has the model
    loaded (one process loads it once; two load it at the same time), as
    build_vs_spacy times kg with the model loaded: start-up is a fixed few seconds
    whatever the corpus, so in a short run it would be most of what is measured.
    The end-to-end ratio, start-up included, is reported beside it. Each pair of
    builds runs back to back; the median of the pairs' ratios is taken."""
    from corpus import write_corpus

    corpus_path = write_corpus(work / "workers.jsonl", sizes.workers_docs)
    reports: dict[int, list[dict]] = {1: [], 2: []}
    for repeat in range(sizes.workers_repeats):
        for workers in (1, 2):
            store = work / f"workers-{workers}-{repeat}"
            report = run_child(["--child-build", str(corpus_path), str(store), str(workers)])
            assert report["documents"] == sizes.workers_docs
            reports[workers].append(report)

    def ratio(key: str) -> float:
        return statistics.median(one[key] / two[key] for one, two in zip(reports[1], reports[2]))

    def median(workers: int, key: str) -> float:
        return statistics.median(report[key] for report in reports[workers])

    return {
        "workers2_speedup": ratio("warm_seconds"),
        "workers2_speedup_end_to_end": ratio("seconds"),
        "workers1_docs_per_s": sizes.workers_docs / median(1, "warm_seconds"),
        "workers2_docs_per_s": sizes.workers_docs / median(2, "warm_seconds"),
        "workers1_startup_s": median(1, "startup_s"),
        "workers2_startup_s": median(2, "startup_s"),
        "workers_documents": sizes.workers_docs,
        "workers_repeats": sizes.workers_repeats,
    }


def bench_rss(sizes: Sizes, work: Path) -> dict:
    """Peak RSS (VmHWM) of a build into an on-disk store, 1x and 10x the documents, each in a fresh process."""
    from corpus import write_corpus

    peaks = {}
    for factor in (1, 10):
        count = sizes.rss_docs * factor
        corpus_path = write_corpus(work / f"rss-{factor}x.jsonl", count)
        report = run_child(["--child-build", str(corpus_path), str(work / f"rss-{factor}x"), "1"])
        assert report["documents"] == count
        peaks[factor] = report["peak_rss_kib"]
    return {
        "rss_ratio": peaks[10] / peaks[1],
        "rss_1x_mib": peaks[1] / 1024,
        "rss_10x_mib": peaks[10] / 1024,
        "rss_documents_1x": sizes.rss_docs,
    }


def seed_graph():
    """The sample articles, extracted for real, in an in-memory graph."""
    import kg

    from corpus import sample_documents

    return kg.build(sample_documents())


def load_rdflib(graph) -> object:
    """The same merged graph in rdflib (from kg's N-Triples; not timed)."""
    import rdflib

    from kg.rdf import PREFIXES

    result = rdflib.Graph()
    for prefix, iri in PREFIXES.items():
        result.bind(prefix, iri)
    result.parse(data=graph.serialize("ntriples"), format="nt")
    return result


def bench_big_graph(sizes: Sizes, work: Path) -> dict:
    """Turtle export and SPARQL on a synthetic graph of ``sizes.triples`` merged triples.

    The graph is held twice by kg, in memory (what ``kg.build`` returns, and
    where rdflib keeps its graphs) and in an on-disk store (what ``kg query``
    and ``kg serve`` read). The comparisons with rdflib are in memory against
    in memory, the one-hop latency is on disk; the other medium is reported beside.
    """
    from corpus import synthesize_graphs
    from kg.ontology import relation_types
    from kg.rdf import PREFIXES

    seed = seed_graph()
    log(f"  synthesizing stores of >= {sizes.triples:,} triples")
    on_disk, in_memory, copies = synthesize_graphs(work / "big-store", sizes.triples, seed)
    triples = len(on_disk)
    assert len(in_memory) == triples
    log(f"  {triples:,} merged triples ({copies} renamed copies of {len(seed):,})")

    # kg first, before rdflib's millions of Python objects weigh on this process's garbage collector.
    # Turtle: kg's export path (KnowledgeGraph.serialize)
    # the best of a few runs, as for the aggregate: one run of a fraction of a second is at the mercy of the scheduler
    kg_turtle_s = min(timed(lambda: in_memory.serialize("turtle"))[0] for _ in range(sizes.agg_runs))
    kg_turtle_disk_s = timed(lambda: on_disk.serialize("turtle"))[0]
    kg_turtle_sorted_s = _sorted_turtle_seconds(in_memory)
    log(f"  kg turtle {kg_turtle_s:.2f} s in memory, {kg_turtle_disk_s:.2f} s on disk, {kg_turtle_sorted_s:.2f} s sorted")

    # One hop: the best-connected actor of a middle copy, as a user would ask for it
    actor = _busiest_actor(on_disk, copy=copies // 2)
    query = ONE_HOP_QUERY % {"actor": actor}
    rows = len(on_disk.query(query))
    assert len(in_memory.query(query)) == rows

    def latencies(graph) -> list[float]:
        for _ in range(QUERY_WARMUP):  # a serving store is warm: its caches hold the hot pages
            graph.query(query)
        return [timed(lambda: graph.query(query))[0] * 1000 for _ in range(sizes.query_runs)]

    disk_latencies, memory_latencies = latencies(on_disk), latencies(in_memory)

    # Whole-graph aggregate: relations counted by type and quad class (the classes inlined from the ontology)
    values = " ".join(
        f"(kg:{name} {('kg:' + kind.quad_class) if kind.quad_class else 'UNDEF'})" for name, kind in relation_types().items()
    )
    aggregate = AGGREGATE_QUERY % {"values": values}
    kg_rows = in_memory.query(aggregate).rows
    kg_agg_s = min(timed(lambda: in_memory.query(aggregate))[0] for _ in range(sizes.agg_runs))
    kg_agg_disk_s = min(timed(lambda: on_disk.query(aggregate))[0] for _ in range(sizes.agg_runs))

    # rdflib on the same graph
    log("  loading rdflib")
    rdf = load_rdflib(in_memory)
    assert len(rdf) == triples
    log("  rdflib turtle ...")
    rdflib_turtle_s = timed(lambda: rdf.serialize(format="turtle", encoding="utf-8"))[0]
    log("  rdflib aggregate ...")
    rdflib_agg_s, rdflib_rows = timed(lambda: list(rdf.query(aggregate, initNs=PREFIXES)))
    assert sorted((str(r[0]), int(r[2])) for r in rdflib_rows) == sorted((r[0], int(r[2])) for r in kg_rows), "engines disagree"
    del rdf
    return {
        "turtle_vs_rdflib": rdflib_turtle_s / kg_turtle_s,
        "sparql_1hop_p50_ms": statistics.median(disk_latencies),
        "sparql_agg_vs_rdflib": rdflib_agg_s / kg_agg_s,
        "triples": triples,
        "kg_turtle_s": kg_turtle_s,
        "kg_turtle_disk_s": kg_turtle_disk_s,
        "kg_turtle_sorted_s": kg_turtle_sorted_s,
        "turtle_sorted_vs_rdflib": rdflib_turtle_s / kg_turtle_sorted_s,
        "rdflib_turtle_s": rdflib_turtle_s,
        "turtle_vs_rdflib_disk": rdflib_turtle_s / kg_turtle_disk_s,
        "sparql_1hop_p90_ms": _percentile(disk_latencies, 90),
        "sparql_1hop_memory_p50_ms": statistics.median(memory_latencies),
        "sparql_1hop_rows": rows,
        "sparql_1hop_actor": actor,
        "kg_agg_ms": kg_agg_s * 1000,
        "kg_agg_disk_ms": kg_agg_disk_s * 1000,
        "rdflib_agg_ms": rdflib_agg_s * 1000,
        "sparql_agg_vs_rdflib_disk": rdflib_agg_s / kg_agg_disk_s,
    }


def _sorted_turtle_seconds(graph) -> float:
    """kg's Turtle export time with the output sorted whatever the size (it is only up to
    kg.graph.SORTED_EXPORT_LIMIT triples), to show what the store-order path saves."""
    import kg.graph

    limit = kg.graph.SORTED_EXPORT_LIMIT
    kg.graph.SORTED_EXPORT_LIMIT = sys.maxsize
    try:
        return timed(lambda: graph.serialize("turtle"))[0]
    finally:
        kg.graph.SORTED_EXPORT_LIMIT = limit


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


def _busiest_actor(graph, *, copy: int) -> str:
    rows = graph.query(
        "SELECT ?e (COUNT(?st) AS ?n) WHERE { ?st rdf:subject|rdf:object ?e . "
        f'FILTER(STRSTARTS(STR(?e), "{graph.base}c{copy}/")) }} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1'
    ).rows
    return rows[0][0]


BENCHMARKS: dict[str, tuple[str, Callable[[Sizes, Path], dict]]] = {
    "build": ("build_vs_spacy", bench_build_vs_spacy),
    "workers": ("workers2_speedup", bench_workers),
    "graph": ("turtle_vs_rdflib, sparql_1hop_p50_ms, sparql_agg_vs_rdflib", bench_big_graph),
    "rss": ("rss_ratio", bench_rss),
}


# ------------------------------------------------------------------ report


def meets(key: str, value: float) -> bool:
    operator, target = TARGETS[key]
    return {">=": value >= target, "<=": value <= target, "<": value < target}[operator]


def table(results: dict, sizes: Sizes) -> str:
    size_notes = {
        "build_vs_spacy": f"{results.get('build_documents')} docs; kg {results.get('build_docs_per_s', 0):.2f} vs spaCy {results.get('spacy_docs_per_s', 0):.2f} docs/s",
        "workers2_speedup": f"{results.get('workers_documents')} docs, models loaded; {results.get('workers1_docs_per_s', 0):.2f} -> {results.get('workers2_docs_per_s', 0):.2f} docs/s (end to end, start-up {results.get('workers1_startup_s', 0):.1f} / {results.get('workers2_startup_s', 0):.1f} s: {results.get('workers2_speedup_end_to_end', 0):.2f}x)",
        "turtle_vs_rdflib": f"{results.get('triples', 0):,} triples in memory; kg {results.get('kg_turtle_s', 0):.2f} s vs rdflib {results.get('rdflib_turtle_s', 0):.2f} s (kg sorted {results.get('turtle_sorted_vs_rdflib', 0):.1f}x; on disk {results.get('turtle_vs_rdflib_disk', 0):.1f}x)",
        "sparql_1hop_p50_ms": f"{results.get('triples', 0):,} triples on disk; {results.get('sparql_1hop_rows')} rows; p90 {results.get('sparql_1hop_p90_ms', 0):.2f} ms (in memory p50 {results.get('sparql_1hop_memory_p50_ms', 0):.2f} ms)",
        "sparql_agg_vs_rdflib": f"{results.get('triples', 0):,} triples in memory; kg {results.get('kg_agg_ms', 0):.0f} ms vs rdflib {results.get('rdflib_agg_ms', 0):.0f} ms (kg on disk {results.get('kg_agg_disk_ms', 0):.0f} ms: {results.get('sparql_agg_vs_rdflib_disk', 0):.1f}x)",
        "rss_ratio": f"{results.get('rss_documents_1x')} vs {10 * (results.get('rss_documents_1x') or 0)} docs; {results.get('rss_1x_mib', 0):.0f} -> {results.get('rss_10x_mib', 0):.0f} MiB",
    }
    lines = [f"{'benchmark':<22}{'result':>10}  {'target':<8}{'met':<5}detail", "-" * 100]
    for key, (operator, target) in TARGETS.items():
        if key not in results:
            continue
        value = results[key]
        lines.append(f"{key:<22}{value:>10.2f}  {operator + ' ' + format(target, 'g'):<8}{'yes' if meets(key, value) else 'NO':<5}{size_notes[key]}")
    if sizes.name != "full":
        lines.append(f"({sizes.name} sizes: {sizes.triples:,}-triple graph instead of 1,000,000, smaller corpora; run without --quick for the real sizes)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kg's benchmarks (ratios measured side by side).")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: under 3 minutes on 2 cores")
    parser.add_argument("--tiny", action="store_true", help="tiny sizes for the smoke test (numbers meaningless)")
    parser.add_argument("--json", action="store_true", help="print the results as one JSON object on the last line")
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only these benchmarks (repeatable)")
    parser.add_argument("--child-build", nargs=3, metavar=("CORPUS", "STORE", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_build:
        corpus_path, store, workers = args.child_build
        child_build(corpus_path, store, int(workers))
        return 0
    sizes = SIZES["tiny" if args.tiny else "quick" if args.quick else "full"]
    results: dict = {}
    loads: dict[str, float] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as work:
        for key, (name, benchmark) in BENCHMARKS.items():
            if args.only and key not in args.only:
                continue
            log(f"{name} ...")
            seconds, found = timed(lambda: benchmark(sizes, Path(work)))
            results.update(found)  # type: ignore[arg-type]
            # Other work on the machine takes cores from these measurements: the 1-minute load says how much.
            loads[key] = round(os.getloadavg()[0], 2)
            log(f"  done in {seconds:.1f} s (load average {loads[key]})")
    results.update(
        sizes=asdict(sizes),
        date=datetime.date.today().isoformat(),
        cores=os.cpu_count(),
        python=platform.python_version(),
        seconds=time.perf_counter() - started,
        load_average=loads,
        targets_met={key: meets(key, results[key]) for key in TARGETS if key in results},
    )
    print(table(results, sizes))
    load = ", ".join(f"{key} {value}" for key, value in loads.items())
    print(f"{sizes.name} run, {results['seconds']:.0f} s, {results['cores']} cores, Python {results['python']}, {results['date']}; "
          f"load average after each part: {load}")
    if args.json:
        print(json.dumps(results, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
