"""The extraction pipeline: documents in, ``Extraction`` records out.

Read and clean (kg.ingest) -> parse (kg.nlp) -> entities (kg.entities)
-> relations (kg.relations). Streams: one document in memory at a time
besides spaCy's batch. A long document is parsed in pieces (``chunk_spans``)
whose offsets are moved back into the whole text, so memory stays flat and
every offset still points into the original.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from kg.classifier import model_enabled, model_relations
from kg.entities import analyse_entities, referenced_entities
from kg.gazetteer import load_gazetteer
from kg.errors import InputError
from kg.ingest import ErrorHandler, masked_text, read_documents
from kg.lexicon import load_lexicon
from kg.model import Document, Extraction, Mention
from kg.relations import _Rules, extract_relations
from kg.resolve import merge_entities


def headline_end(document: Document) -> int:
    """Where the headline line ends, for documents whose first line is one."""
    if not document.title or not document.text.lstrip().startswith(document.title):
        return 0
    newline = document.text.find("\n")
    return newline if newline >= 0 else 0


def extract_document(
    document: Document, doc, *, use_model: bool | None = None, offset: int = 0, first_sentence: int = 0
) -> Extraction:
    """Entities and relations of one document from its spaCy parse.

    ``doc`` may parse a piece of the text that starts at character ``offset``
    and sentence ``first_sentence``; the result's offsets are the document's.
    """
    gazetteer, lexicon = load_gazetteer(), load_lexicon()
    analysis = analyse_entities(doc, gazetteer, lexicon, headline_end=headline_end(document) if offset == 0 else 0)
    rules = _Rules(doc, analysis, lexicon, gazetteer)  # one reader of the document for the rules and the model
    relations = extract_relations(doc, analysis, lexicon, gazetteer, document_id=document.id, rules=rules)
    # --- relation-model hook (kg/classifier.py): the statistical classifier adds
    # relations where the rules found none for a pair in a sentence; rules win.
    # Off with use_model=False or KG_RELATION_MODEL=0.
    if model_enabled(use_model):
        relations += model_relations(
            doc, analysis, lexicon, gazetteer, document_id=document.id, rule_relations=relations, rules=rules
        )
    # --- end of relation-model hook
    extraction = Extraction(
        document=document,
        entities=tuple(referenced_entities(analysis, {r.source for r in relations} | {r.target for r in relations})),
        relations=tuple(relations),
    )
    return shifted(extraction, offset, first_sentence) if offset or first_sentence else extraction


def shifted(extraction: Extraction, chars: int, sentences: int = 0) -> Extraction:
    """The extraction of a piece of text, with offsets moved ``chars`` (and sentence numbers ``sentences``) on."""

    def mention(m: Mention) -> Mention:
        return replace(m, start=m.start + chars, end=m.end + chars, sentence=m.sentence + sentences)

    def span(value: tuple[int, int] | None) -> tuple[int, int] | None:
        return None if value is None else (value[0] + chars, value[1] + chars)

    entities = tuple(replace(e, mentions=tuple(mention(m) for m in e.mentions)) for e in extraction.entities)
    relations = tuple(
        replace(r, evidence=replace(
            r.evidence, start=r.evidence.start + chars, end=r.evidence.end + chars,
            source_span=span(r.evidence.source_span), target_span=span(r.evidence.target_span),
        ))
        for r in extraction.relations
    )
    return replace(extraction, entities=entities, relations=relations)


def merged(document: Document, parts: list[Extraction]) -> Extraction:
    """One extraction for a document parsed in pieces: entities with the same key merged."""
    if len(parts) == 1:
        return parts[0]
    groups: dict[str, list] = defaultdict(list)
    for part in parts:
        for entity in part.entities:
            groups[entity.key].append(entity)
    return Extraction(
        document=document,
        entities=tuple(merge_entities(group) for group in groups.values()),
        relations=tuple(r for part in parts for r in part.relations),
    )


@dataclass(frozen=True)
class _Piece:
    document: Document
    start: int
    last: bool


def extract(
    inputs: Iterable[str | Document],
    *,
    model: str | None = None,
    on_error: ErrorHandler | None = None,
    use_model: bool = True,
    chunk_chars: int | None = None,
) -> Iterator[Extraction]:
    """Extract every document of the inputs (paths, ``"-"`` or ``Document`` objects).

    ``use_model`` adds the relation classifier's edges to the rules' ones
    (``$KG_RELATION_MODEL=0`` turns it off whatever the argument says).
    A document whose extraction fails (a bug in a rule) is reported to
    ``on_error`` and the others go on; without ``on_error`` the error is raised.
    """
    from kg.nlp import CHUNK_CHARS, chunk_spans, parse

    documents = read_documents(inputs, on_error=on_error)
    pending: deque[_Piece] = deque()

    def texts() -> Iterator[str]:
        for document in documents:
            text = masked_text(document)
            spans = chunk_spans(text, chunk_chars or CHUNK_CHARS)
            for number, (start, end) in enumerate(spans, start=1):
                pending.append(_Piece(document, start, number == len(spans)))
                yield text[start:end]

    parts: list[Extraction] = []
    sentences, failed = 0, False
    for doc in parse(texts(), model=model):
        piece = pending.popleft()
        if not failed:
            try:
                parts.append(extract_document(
                    piece.document, doc, use_model=use_model, offset=piece.start, first_sentence=sentences
                ))
                sentences += sum(1 for _ in doc.sents)
            except Exception as error:  # one document's bug must not end the run
                if on_error is None:
                    raise
                failed = True
                on_error(InputError(
                    f"{piece.document.source or piece.document.id}: extraction failed "
                    f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}); this is a bug in kg"
                ))
        if piece.last:
            if not failed:
                yield merged(piece.document, parts)
            parts, sentences, failed = [], 0, False
