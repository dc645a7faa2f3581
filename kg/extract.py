"""The extraction pipeline: documents in, ``Extraction`` records out.

Read and clean (kg.ingest) -> parse (kg.nlp) -> entities (kg.entities)
-> relations (kg.relations). Streams: one document in memory at a time
besides spaCy's batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.classifier import model_enabled, model_relations
from kg.entities import analyse_entities, referenced_entities
from kg.gazetteer import load_gazetteer
from kg.ingest import ErrorHandler, masked_text, read_documents
from kg.lexicon import load_lexicon
from kg.model import Document, Extraction
from kg.relations import extract_relations


def headline_end(document: Document) -> int:
    """Where the headline line ends, for documents whose first line is one."""
    if not document.title or not document.text.lstrip().startswith(document.title):
        return 0
    newline = document.text.find("\n")
    return newline if newline >= 0 else 0


def extract_document(document: Document, doc, *, use_model: bool | None = None) -> Extraction:
    """Entities and relations of one document from its spaCy parse."""
    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    analysis = analyse_entities(doc, gazetteer, lexicon, headline_end=headline_end(document))
    relations = extract_relations(doc, analysis, lexicon, gazetteer, document_id=document.id)
    # --- relation-model hook (kg/classifier.py): the statistical classifier adds
    # relations where the rules found none for a pair in a sentence; rules win.
    # Off with use_model=False or KG_RELATION_MODEL=0.
    if model_enabled(use_model):
        relations += model_relations(doc, analysis, lexicon, gazetteer, document_id=document.id, rule_relations=relations)
    # --- end of relation-model hook
    return Extraction(
        document=document,
        entities=tuple(referenced_entities(analysis, {r.source for r in relations} | {r.target for r in relations})),
        relations=tuple(relations),
    )


def extract(
    inputs: Iterable[str | Document],
    *,
    model: str | None = None,
    on_error: ErrorHandler | None = None,
    use_model: bool = True,
) -> Iterator[Extraction]:
    """Extract every document of the inputs (paths, ``"-"`` or ``Document`` objects).

    ``use_model`` adds the relation classifier's edges to the rules' ones
    (``$KG_RELATION_MODEL=0`` turns it off whatever the argument says)."""
    from kg.nlp import parse

    documents = read_documents(inputs, on_error=on_error)
    pending: list[Document] = []

    def texts() -> Iterator[str]:
        for document in documents:
            pending.append(document)
            yield masked_text(document)

    for doc in parse(texts(), model=model):
        yield extract_document(pending.pop(0), doc, use_model=use_model)
