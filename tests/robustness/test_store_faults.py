"""The store survives faults: a build killed with SIGKILL at random points leaves
every document wholly in or wholly out and the merged graph in step; building
again completes it to exactly what an uninterrupted build gives; a second writer
is turned away with the first one's PID."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from robust_helpers import ROOT, kg_command, kg_env, run_kg

from kg.graph import LOCK_FILE, KnowledgeGraph
from kg.merged import load_index, rebuilt_merged_quads

pytestmark = pytest.mark.slow

ARTICLES = sorted((ROOT / "samples" / "articles").glob("*.txt"))[:8]


def dump(store: Path) -> list[str]:
    """Every quad of the store, named graphs and the merged default graph, as sorted N-Quads lines."""
    graph = KnowledgeGraph.open(store, read_only=True)
    try:
        return sorted(ox.serialize(list(graph.store), format=ox.RdfFormat.N_QUADS).decode().splitlines())
    finally:
        graph.close()


def by_graph(lines: list[str]) -> dict[str, set[str]]:
    graphs: dict[str, set[str]] = {}
    for quad in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_QUADS):
        name = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, set()).add(str(quad.triple))
    return graphs


def resolved_union(lines: list[str]) -> set[str]:
    """The merged graph the documents' graphs among ``lines`` give: their union, under cross-document resolution."""
    store = ox.Store()
    named = [q for q in ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_QUADS) if not isinstance(q.graph_name, ox.DefaultGraph)]
    store.extend(named)
    return {str(q.triple) for q in rebuilt_merged_quads(store, load_index(store))}


def assert_consistent(lines: list[str], reference: dict[str, set[str]]) -> int:
    """Each document graph is exactly the reference's, and the merged graph is what resolving them gives. Returns how many documents are in."""
    graphs = by_graph(lines)
    merged = graphs.pop("", set())
    for name, triples in graphs.items():
        assert triples == reference[name], f"{name} is only partly in the store"
    assert merged == resolved_union(lines) if graphs else not merged
    return len(graphs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    for path in ARTICLES:
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> list[str]:
    """The store of an uninterrupted build."""
    store = tmp_path_factory.mktemp("reference") / "store"
    result = run_kg("build", corpus, "--store", store, "--quiet")
    assert result.returncode == 0, result.stderr.decode()
    return dump(store)


def start_build(corpus: Path, store: Path) -> subprocess.Popen:
    return subprocess.Popen(
        kg_command("build", corpus, "--store", store, "--quiet", "--verbose"),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=kg_env(), cwd=ROOT,
    )


def wait_for_documents(process: subprocess.Popen, count: int) -> list[str]:
    lines = []
    while len(lines) < count:
        line = process.stderr.readline().decode()
        assert line, f"the build ended early: {lines}"
        if line.startswith(("added ", "replaced ", "unchanged ")):
            lines.append(line)
    return lines


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_build_killed_at_a_random_point_leaves_a_consistent_store_and_resumes(seed, corpus, reference, tmp_path):
    rng = random.Random(seed)
    store = tmp_path / "store"
    process = start_build(corpus, store)
    reported = len(wait_for_documents(process, rng.randrange(1, len(ARTICLES) - 1)))
    time.sleep(rng.uniform(0, 0.15))  # documents are stored about every 0.1 s once their batch is parsed
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL

    stored = assert_consistent(dump(store), by_graph(reference))
    assert reported <= stored <= len(ARTICLES)  # what was reported stored survived the kill
    again = run_kg("build", corpus, "--store", store)
    assert again.returncode == 0, again.stderr.decode()
    assert f"{len(ARTICLES)} documents read: {len(ARTICLES) - stored} added, 0 replaced, {stored} unchanged".encode() in again.stdout
    assert dump(store) == reference


# A document far larger than any article, so that the kill lands while its one transaction is being written.
BIG_DOCUMENT = """
import sys, time
from kg.graph import KnowledgeGraph
from kg.model import Document, Entity, EntityType, Evidence, Extraction, Modality, Relation

size, version = int(sys.argv[2]), sys.argv[3]
people = tuple(Entity(key=f"person:p{i}", name=f"Person {version} {i}", type=EntityType.PERSON) for i in range(size))
relations = tuple(
    Relation(f"person:p{i}", "meetsWith", f"person:p{(i + 1) % size}", Modality.ASSERTED, 0.5, "test",
             Evidence("big", f"Sentence {i}.", i, i + 5, (i, i + 1), (i + 2, i + 3)))
    for i in range(size)
)
extraction = Extraction(Document("big", f"version {version}"), people, relations)
graph = KnowledgeGraph.open(sys.argv[1])
print("adding", flush=True)
started = time.monotonic()
graph.add(extraction)
print(f"added in {time.monotonic() - started}", flush=True)
graph.close()
"""
VERSIONS = {"one": 800, "two": 1000}  # people; the second replaces the first


def add_big_document(store: Path, version: str, *, kill_after: float | None = None) -> float | None:
    """Add the big document in a process of its own, or kill that process ``kill_after`` seconds into the add.

    Returns how long the add took, when it finished.
    """
    process = subprocess.Popen([sys.executable, "-c", BIG_DOCUMENT, str(store), str(VERSIONS[version]), version],
                               stdout=subprocess.PIPE, env=kg_env(), cwd=ROOT)
    assert process.stdout.readline() == b"adding\n"
    if kill_after is not None:
        time.sleep(kill_after)
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=120)
    line = process.stdout.read().decode()
    process.stdout.close()
    return float(line.split()[-1]) if line.startswith("added in ") else None


@pytest.fixture(scope="module")
def big_versions(tmp_path_factory) -> tuple[dict, dict, float]:
    """The store after version one, after version two replaced it, and how long replacing took."""
    store = tmp_path_factory.mktemp("big") / "store"
    assert add_big_document(store, "one") is not None
    one = by_graph(dump(store))
    took = add_big_document(store, "two")
    return one, by_graph(dump(store)), took


@pytest.mark.parametrize("seed", [1, 2])
def test_a_document_killed_while_being_replaced_is_wholly_old_or_wholly_new(seed, big_versions, tmp_path):
    one, two, took = big_versions
    assert took > 0.2, "the add must last long enough to be killed in the middle"
    store = tmp_path / "store"
    assert add_big_document(store, "one") is not None
    add_big_document(store, "two", kill_after=random.Random(seed).uniform(0.2, 0.5) * took)
    after = by_graph(dump(store))
    assert after in (one, two), "the document (or the merged graph) is half old, half new"
    assert add_big_document(store, "two") is not None  # and building again completes it
    assert by_graph(dump(store)) == two


def test_a_second_writer_is_told_which_process_holds_the_store(corpus, reference, tmp_path):
    store = tmp_path / "store"
    first = start_build(corpus, store)
    wait_for_documents(first, 1)
    second = run_kg("build", corpus, "--store", store, timeout=120)
    assert second.returncode == 1
    assert second.stderr.decode().splitlines() == [
        f"Error: {store}: the store is locked by another process (PID {first.pid}, a running kg build?); "
        "wait for it to finish, or use another --store"
    ]
    first.stderr.read()
    assert first.wait(timeout=300) == 0
    first.stderr.close()
    assert dump(store) == reference
    assert (store / LOCK_FILE).read_text().strip() == str(first.pid)  # left behind, but no longer locked


def test_a_killed_writer_never_leaves_the_store_locked(corpus, tmp_path):
    store = tmp_path / "store"
    first = start_build(corpus, store)
    wait_for_documents(first, 1)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    first.stderr.close()
    with KnowledgeGraph.open(store) as graph:  # the flock died with the process
        assert len(graph.quads()) > 0
