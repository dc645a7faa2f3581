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
