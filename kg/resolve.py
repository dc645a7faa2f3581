"""Entity identity across documents: stable IRIs and merged entity records.

An entity's key already says who it is (``state:RU``, ``org:osce``,
``person:george kent``); this stage turns keys into IRIs and merges the
records that different documents give for the same key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import quote

from kg.model import Entity, EntityType
from kg.names import normalize, slug

DEFAULT_BASE = "https://w3id.org/kg-news/id/"

_TYPE_PATH = {
    EntityType.PERSON: "person",
    EntityType.STATE: "state",
    EntityType.ORGANIZATION: "organization",
    EntityType.LOCATION: "location",
}


def entity_iri(entity: Entity, base: str = DEFAULT_BASE) -> str:
    """States by ISO 3166 alpha-2 code, gazetteer organizations by id, others by name slug."""
    scheme, _, value = entity.key.partition(":")
    if scheme == "state":
        local = value
    elif scheme == "org" and " " not in value and entity.identifier("wikidata") is not None:
        local = value
    else:
        local = slug(entity.name)
    return f"{base}{_TYPE_PATH[entity.type]}/{quote(local, safe='-', errors='replace')}"


def document_iri(document_id: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}document/{quote(document_id, safe='-._~', errors='replace')}"


def merge_entities(entities: Iterable[Entity]) -> Entity:
    """One record for several records of the same referent (same key)."""
    entities = list(entities)
    first = entities[0]
    name = max((e.name for e in entities), key=lambda n: (len(n.split()), len(n)))
    if first.key.startswith(("state:", "org:")):
        name = first.name  # gazetteer names are canonical
    seen, aliases = {normalize(name)}, []
    for entity in entities:
        for alias in (entity.name, *entity.aliases):
            if normalize(alias) not in seen:
                seen.add(normalize(alias))
                aliases.append(alias)
    identifiers = tuple(dict.fromkeys(i for e in entities for i in e.identifiers))
    mentions = tuple(m for e in entities for m in e.mentions)
    return replace(first, name=name, aliases=tuple(aliases), identifiers=identifiers, mentions=mentions)
