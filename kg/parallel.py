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

DEFAULT_CHUNK_SIZE = 8  # documents per task: enough for spaCy's batching, small enough to keep workers even
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


def load_model(model: str) -> None:
    """Process-pool initializer: load the spaCy pipeline once per worker process."""
    from kg.nlp import load

    load(model)


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


def extract_in_processes(
    inputs: Iterable[str | Document],
    *,
    workers: int,
    model: str | None = None,
    on_error: ErrorHandler | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Extraction]:
    """Extract in ``workers`` processes (spawned, each loading the model once)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from kg.nlp import choose_model

    name = choose_model(model)  # workers must all load the same model the caller would
    chunks = chunked(read_documents(inputs, on_error=on_error), chunk_size)
    # spawn, not fork: the caller may hold an open store with its own threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=load_model, initargs=(name,)) as pool:
        try:
            results = ordered_results(
                lambda chunk: pool.submit(extract_chunk, chunk, name), chunks, in_flight=workers * CHUNKS_PER_WORKER
            )
            yield from delivered(results, on_error)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


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
    workers: int = 1,
    dask: str | distributed.Client | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> Iterator[Extraction]:
    """Extractions of the inputs in input order: here, in ``workers`` processes, or on a Dask cluster."""
    if workers < 1:
        raise KgError(f"workers must be 1 or more, not {workers}")
    if chunk_size < 1:
        raise KgError(f"chunk size must be 1 or more, not {chunk_size}")
    if dask is not None and workers > 1:
        raise KgError("give worker processes or a Dask cluster, not both (a Dask cluster has its own workers)")
    if dask is not None:
        return extract_on_dask(inputs, cluster=dask, model=model, on_error=on_error, chunk_size=chunk_size)
    if workers > 1:
        return extract_in_processes(inputs, workers=workers, model=model, on_error=on_error, chunk_size=chunk_size)
    from kg.extract import extract

    return extract(inputs, model=model, on_error=on_error)
