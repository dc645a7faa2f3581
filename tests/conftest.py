from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import extract
from kg.model import Document, Extraction

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_DIR = SHARED / "seed"
SAMPLES = ROOT / "samples"


def extract_text(text: str, doc_id: str = "test", title: str | None = None) -> Extraction:
    return next(extract([Document(id=doc_id, text=text, title=title)]))


def load_script(name: str):
    """A script of scripts/ as a module, to test its pure functions and its --check."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def triples(extraction: Extraction) -> set[tuple[str, str, str, str]]:
    names = {e.key: e.name for e in extraction.entities}
    return {(names[r.source], r.relation, names[r.target], r.modality.value) for r in extraction.relations}


@pytest.fixture(scope="session")
def seed_path() -> Path:
    paths = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not paths:
        pytest.skip("../shared/seed/ is not beside the project")
    return paths[0]


@pytest.fixture(scope="session")
def seed_extraction(seed_path) -> Extraction:
    return next(extract([str(seed_path)]))


# ------------------------------------------------------------------ small news graphs
# Two short articles whose facts are stated plainly, so tests can name them:
# Putin leads Russia, Xi leads China, Putin meets Xi, the OSCE warns Russia
# and is based in Vienna, a Russian intervention in Belarus is hypothetical.

NEWS_TEXTS = {
    "moscow-summit": (
        "Putin hosts Xi in Moscow\n\n"
        "Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday. "
        "The two leaders signed a trade deal."
    ),
    "osce-warning": (
        "OSCE warns Russia\n\n"
        "The Vienna-based OSCE warned Russia on Tuesday. "
        "If Moscow intervenes in Belarus, relations will deteriorate further."
    ),
}


@pytest.fixture(scope="session")
def news_documents() -> list[Document]:
    return [Document(id=doc_id, text=text, title=text.partition("\n")[0]) for doc_id, text in NEWS_TEXTS.items()]


@pytest.fixture(scope="session")
def news_graph(news_documents):
    """The two news articles built into an in-memory graph, once per session (do not mutate)."""
    import kg

    return kg.build(news_documents)


@pytest.fixture(scope="session")
def news_files(tmp_path_factory, news_documents) -> list[Path]:
    """The two news articles as .txt files (file stem = document id)."""
    folder = tmp_path_factory.mktemp("news")
    paths = []
    for document in news_documents:
        path = folder / f"{document.id}.txt"
        path.write_text(document.text, encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def news_store(tmp_path_factory, news_documents) -> Path:
    """The two news articles built into an on-disk store (closed again; open it read-only)."""
    import kg
    from kg.graph import KnowledgeGraph

    path = tmp_path_factory.mktemp("news-store") / "store"
    with KnowledgeGraph.open(path) as graph:
        kg.build(news_documents, graph=graph)
    return path
