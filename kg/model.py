"""The data model shared by every pipeline stage.

Records are frozen dataclasses: hashable, comparable and free of spaCy objects,
so they can cross process boundaries and go into sets.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class EntityType(StrEnum):
    """The ontology classes an entity can have (ontology/kg.ttl)."""

    PERSON = "Person"
    STATE = "State"
    ORGANIZATION = "Organization"
    LOCATION = "Location"


class Modality(StrEnum):
    """How the text commits to a relation."""

    ASSERTED = "asserted"
    HYPOTHETICAL = "hypothetical"
    NEGATED = "negated"
    REPORTED = "reported"


@dataclass(frozen=True)
class Document:
    """One news article as read, before any cleaning.

    ``text`` is the original text: every offset kg reports points into it.
    ``skip`` holds the character ranges that cleaning found to be boilerplate.
    """

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    skip: tuple[tuple[int, int], ...] = ()

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Mention:
    """A stretch of a document's text that names (or refers to) an entity."""

    start: int
    end: int
    text: str
    sentence: int = 0
    via_coreference: bool = False


@dataclass(frozen=True)
class Entity:
    """One referent of a document (or, after resolution, of the whole graph).

    ``key`` identifies the referent across documents: ``state:RU``,
    ``org:osce``, ``person:vladimir putin``.
    """

    key: str
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()
    mentions: tuple[Mention, ...] = ()

    def identifier(self, scheme: str) -> str | None:
        return next((value for name, value in self.identifiers if name == scheme), None)


@dataclass(frozen=True)
class Evidence:
    """Where a relation was read: the sentence and its offsets in the document."""

    document: str
    sentence: str
    start: int
    end: int
    source_span: tuple[int, int] | None = None
    target_span: tuple[int, int] | None = None


@dataclass(frozen=True)
class Relation:
    """One typed edge between two entities, read from one piece of evidence."""

    source: str  # Entity.key
    relation: str  # local name of an ontology property
    target: str  # Entity.key
    modality: Modality
    confidence: float
    rule: str
    evidence: Evidence
    via_coreference: bool = False


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = field(default=())

    def entity(self, key: str) -> Entity:
        return next(e for e in self.entities if e.key == key)
