"""Benchmark data made from the sample articles: document corpora and big synthetic graphs.

Corpora are the sample articles (samples/articles/*.txt, samples/feed.jsonl)
copied with new ids, so every copy is a new document with the same text.
Graphs of a million triples are not extracted (that would take spaCy hours
here): the store of the extracted samples is replicated with every kg IRI
renamed per copy (``…/id/`` -> ``…/id/c17/``), so each copy holds its own
documents, entities and statements, and the merged graph grows linearly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from kg.model import Document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_INPUTS = (ROOT / "samples" / "articles", ROOT / "samples" / "feed.jsonl")


def sample_documents() -> list[Document]:
    """The sample articles and feed records, cleaned as kg reads them."""
    from kg.ingest import read_documents

    return list(read_documents([str(path) for path in SAMPLE_INPUTS]))


def corpus(count: int) -> Iterator[Document]:
    """``count`` documents: the samples over and over, each copy with a new id."""
    samples = sample_documents()
    for number in range(count):
        sample = samples[number % len(samples)]
        yield replace(sample, id=f"{sample.id}-{number:06d}")


def write_corpus(path: Path, count: int) -> Path:
    """The corpus as a JSON Lines file that ``kg build`` reads."""
    with path.open("w", encoding="utf-8") as stream:
        for document in corpus(count):
            record = {"id": document.id, "text": document.text, "title": document.title}
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def replicated_nquads(store_nquads: bytes, copies: int, *, base: str) -> Iterator[bytes]:
    """N-Quads of ``copies`` renamed copies of a store (default graph included)."""
    marker = f"<{base}".encode()
    for copy in range(copies):
        yield store_nquads.replace(marker, f"<{base}c{copy}/".encode())


def copies_for(triples: int, merged_triples: int) -> int:
    return max(1, math.ceil(triples / merged_triples))


def synthesize_graphs(path: Path, triples: int, seed_graph) -> tuple[object, object, int]:
    """The same big graph twice: an on-disk kg store at ``path`` (opened read-only) and an in-memory one.

    ``seed_graph`` is a ``KnowledgeGraph`` built from real extractions; it is
    copied (renamed) as often as needed for at least ``triples`` merged
    triples. Returns the on-disk graph, the in-memory graph and the number of copies.
    """
    import pyoxigraph as ox

    from kg.graph import KnowledgeGraph

    seed_nquads = seed_graph.store.dump(format=ox.RdfFormat.N_QUADS)
    merged = sum(1 for _ in seed_graph.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    copies = copies_for(triples, merged)
    on_disk, in_memory = ox.Store(str(path)), ox.Store()
    batch: list[bytes] = []

    def load() -> None:
        data = b"".join(batch)
        on_disk.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        in_memory.load(data, format=ox.RdfFormat.N_QUADS)
        batch.clear()

    for chunk in replicated_nquads(seed_nquads, copies, base=seed_graph.base):
        batch.append(chunk)
        if len(batch) >= 50:
            load()
    if batch:
        load()
    on_disk.optimize()
    KnowledgeGraph(on_disk).close()  # written; reopened read-only, as `kg query` and `kg serve` open it
    del on_disk
    reader = KnowledgeGraph.open(path, read_only=True, base=seed_graph.base)
    return reader, KnowledgeGraph(in_memory, base=seed_graph.base), copies
