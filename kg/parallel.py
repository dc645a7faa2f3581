"""Extraction fanned out over processes or a Dask cluster, results in input order.

Only extraction (spaCy parse, entity and relation stages) runs elsewhere; the
calling process keeps reading the inputs and stays the single writer of the
store. Documents stream: they are read lazily, cut into chunks, and at most
``in_flight`` chunks are out at a time, so memory does not grow with the corpus.
Results come back in input order, so a parallel build writes exactly what a
sequential one writes.

The worker function (``extract_chunk``) and initializer (``load_model``) are
module-level so that process pools and Dask workers can import them by name.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kg.errors import ClusterError, InputError, KgError
from kg.ingest import ErrorHandler, read_documents
from kg.model import Document, Extraction

if TYPE_CHECKING:
    import distributed

# Documents per task. Small: at the end of a build one worker finishes its last task
# while the others wait, about half a task's time lost (with 8 news articles a task,
# a tenth of a 64-document build on 2 workers); spaCy's batching gains little past a
# few articles, and a task's overhead (pickling, a queue hop) is well under a millisecond.
DEFAULT_CHUNK_SIZE = 2
CHUNKS_PER_WORKER = 2  # in flight per worker: one being worked on, one waiting, so no worker idles
CONNECT_TIMEOUT = "10s"  # to reach a Dask scheduler

T = TypeVar("T")
R = TypeVar("R")


class _Future(Protocol[R]):
    def result(self) -> R: ...


# ------------------------------------------------------------------ worker side

# spaCy pipelines are not documented as thread-safe; a Dask worker may run
# several tasks on threads of one process, so they take turns on its pipeline.
_PIPELINE_LOCK = threading.Lock()


def load_model(model: str, loaded=None) -> None:
    """Process-pool initializer: load the spaCy pipeline once per worker process (and
    release the ``loaded`` semaphore, when given, once it is loaded)."""
    from kg.nlp import load

    load(model)
    if loaded is not None:
        loaded.release()


def _started() -> None:
    """A task that only makes the pool start a process."""


def extract_chunk(documents: list[Document], model: str) -> list[Extraction | InputError]:
    """Extract a chunk of documents (runs in a worker process or on a Dask worker).

    A document whose extraction fails comes back as its ``InputError``, in its
    place, for the caller's error handler: the caller's handler cannot travel here.
    """
    from kg.extract import extract

    results: list[Extraction | InputError] = []
    with _PIPELINE_LOCK:
        for extraction in extract(documents, model=model, on_error=results.append):
            results.append(extraction)
    return results


def delivered(results: Iterable[Extraction | InputError], on_error: ErrorHandler | None) -> Iterator[Extraction]:
    """The extractions; the errors among them go to ``on_error`` (raised without one), as in one process."""
    for item in results:
        if isinstance(item, InputError):
            if on_error is None:
                raise item
            on_error(item)
        else:
            yield item


# ------------------------------------------------------------------ calling side


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ordered_results(
    submit: Callable[[T], _Future[list[R]]], chunks: Iterable[T], *, in_flight: int
) -> Iterator[R]:
    """Submit chunks, keep at most ``in_flight`` outstanding, yield their results in submission order."""
    if in_flight < 1:
        raise ValueError("in_flight must be at least 1")
    pending: deque[_Future[list[R]]] = deque()
    for chunk in chunks:
        pending.append(submit(chunk))
        if len(pending) >= in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


class ProcessPool:
    """Extraction processes that outlive one build: spawned at once, each loading the
    spaCy model once, used by every ``kg.build(..., workers=pool)`` until closed.

    A program that builds again and again (a feed read every hour) pays the
    processes' start-up once; ``wait_ready()`` returns when every process has
    its model loaded (the benchmarks time builds from there).

        with ProcessPool(2) as pool:
            pool.wait_ready()
            kg.build(["monday.jsonl"], graph=graph, workers=pool)
            kg.build(["tuesday.jsonl"], graph=graph, workers=pool)
    """

    def __init__(self, workers: int, model: str | None = None):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from kg.nlp import choose_model

        if workers < 1:
            raise KgError(f"workers must be 1 or more, not {workers}")
        self.workers = workers
        self.model = choose_model(model)  # every process loads the model the caller would
        # spawn, not fork: the caller may hold an open store with its own threads.
        context = multiprocessing.get_context("spawn")
        self._loaded = context.Semaphore(0)
        self._ready = False
        self.executor = ProcessPoolExecutor(
            workers, mp_context=context, initializer=load_model, initargs=(self.model, self._loaded)
        )
        # The pool starts a process per task it cannot hand to an idle one: one task each starts them all now.
        self._starts = [self.executor.submit(_started) for _ in range(workers)]

    def wait_ready(self) -> None:
        """Wait until every process has loaded the model (a failed start is raised)."""
        waiting = 0 if self._ready else self.workers
        while waiting:
            if self._loaded.acquire(timeout=0.2):
                waiting -= 1
            else:
                for start in self._starts:
                    if start.done():
                        start.result()  # a process that died while loading: BrokenProcessPool
        self._ready = True

    def close(self, *, cancel: bool = False) -> None:
        self.executor.shutdown(wait=not cancel, cancel_futures=cancel)

    def __enter__(self) -> ProcessPool:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        self.close(cancel=error_type is not None)


def extract_in_processes(
    inputs: Iterable[str | Document],
    *,
    workers: int | ProcessPool,
    model: str | None = None,
    on_error: ErrorHandler | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Extraction]:
    """Extract in ``workers`` processes (spawned, each loading the model once), or in a
    running ``ProcessPool`` (kept open for the caller)."""
    owned = not isinstance(workers, ProcessPool)
    pool = ProcessPool(workers, model) if owned else workers
    if not owned and model is not None:
        from kg.nlp import choose_model

        if choose_model(model) != pool.model:
            raise KgError(f"the worker processes have {pool.model} loaded, not {model}")
    chunks = chunked(read_documents(inputs, on_error=on_error), chunk_size)
    try:
        results = ordered_results(
            lambda chunk: pool.executor.submit(extract_chunk, chunk, pool.model),
            chunks,
            in_flight=pool.workers * CHUNKS_PER_WORKER,
        )
        yield from delivered(results, on_error)
    except BaseException:
        if owned:
            pool.close(cancel=True)
        raise
    if owned:
        pool.close()


def extract_on_dask(
    inputs: Iterable[str | Document],
    *,
    cluster: str | distributed.Client,
    model: str | None = None,
    on_error: ErrorHandler | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Extraction]:
    """Extract on an existing Dask distributed cluster (a scheduler address or a ``Client``).

    Every Dask worker needs kg and the same spaCy model installed; each loads
    the model on its first task and keeps it.
    """
    from kg.nlp import choose_model

    name = choose_model(model)
    client, owned = _dask_client(cluster)
    try:
        workers = max(1, sum(info.get("nthreads", 1) for info in client.scheduler_info()["workers"].values()))
        chunks = chunked(read_documents(inputs, on_error=on_error), chunk_size)
        results = ordered_results(
            lambda chunk: client.submit(extract_chunk, chunk, name, pure=False),
            chunks,
            in_flight=workers * CHUNKS_PER_WORKER,
        )
        yield from delivered(results, on_error)
    finally:
        if owned:
            client.close()


def _dask_client(cluster: Any) -> tuple[distributed.Client, bool]:
    """A client for ``cluster``, and whether this module opened it (and so must close it)."""
    try:
        import distributed
    except ImportError:
        raise ClusterError("--dask needs Dask distributed; install kg with the 'scale' extra: pip install 'kg[scale]'") from None
    if isinstance(cluster, distributed.Client):
        return cluster, False
    address = str(cluster)
    if not address.startswith("inproc://"):  # in-process clusters have no host and port
        from distributed.comm import get_address_host_port

        try:
            get_address_host_port(address)
        except ValueError as error:  # checked first: a Client on a malformed address hangs on close
            raise ClusterError(f"{address}: not a Dask scheduler address ({error}); give e.g. tcp://HOST:8786") from None
    try:
        return distributed.Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False), True
    except (OSError, TimeoutError, ValueError) as error:
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({message})") from None


def extractions(
    inputs: Iterable[str | Document],
    *,
    model: str | None = None,
    on_error: ErrorHandler | None = None,
    workers: int | ProcessPool = 1,
    dask: str | distributed.Client | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Extraction]:
    """Extractions of the inputs in input order: here, in ``workers`` processes (or a
    running ``ProcessPool``), or on a Dask cluster."""
    pool = workers if isinstance(workers, ProcessPool) else None
    if pool is None and workers < 1:
        raise KgError(f"workers must be 1 or more, not {workers}")
    if chunk_size < 1:
        raise KgError(f"chunk size must be 1 or more, not {chunk_size}")
    if dask is not None and (pool is not None or workers > 1):
        raise KgError("give worker processes or a Dask cluster, not both (a Dask cluster has its own workers)")
    if dask is not None:
        return extract_on_dask(inputs, cluster=dask, model=model, on_error=on_error, chunk_size=chunk_size)
    if pool is not None or workers > 1:
        return extract_in_processes(inputs, workers=workers, model=model, on_error=on_error, chunk_size=chunk_size)
    from kg.extract import extract

    return extract(inputs, model=model, on_error=on_error)
