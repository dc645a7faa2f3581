"""Entity identity: stable IRIs, and which IRIs of different documents name one referent.

Extraction keys each entity of a document (``state:RU``, ``org:osce``,
``person:vladimir putin``) and ``entity_iri`` turns the key into an IRI:
states by ISO code, gazetteer organizations by id, others by a slug of the
name. Within a document, ``kg.entities`` has already merged "Vladimir Putin",
"Putin" and "President Putin". Across documents the same referent may still
come with different IRIs: an article that says only "Putin" gives
``person/putin``, another ``person/vladimir-putin``. ``resolve`` decides which
IRIs are one entity, with the rules of in-document resolution (``RULES``):

- identifier: the same ISO 3166 code or Wikidata item;
- same-name: the same name once normalised (IRIs that differ in spelling only);
- alias: a name of one is an alias another was given in its document
  ("EC", which a document wrote as "European Commission (EC)");
- surname: a person's name is the last words of a longer person's name
  ("Putin" and "Vladimir Putin"; "Burhan" and "Abdel Fattah al-Burhan");
- acronym: an organization's all-capital name is the initials of another's;
- family-name: a one-word person name is the first word of a name of two or three
  words, the family name of Chinese or Korean names ("Xi" and "Xi Jinping").
  ("NDB" and "New Development Bank").

Never across types (a person never merges with a state, organization or
place), never an entity with identifiers into another by a name rule, and
never when a name fits two entities: a bare "Kent" stays apart when both
"George Kent" and "Muhtar Kent" are known. Such refusals are logged with
their reason, as every merge is with its rule.

Design. Resolution is a pure function of the *set* of entity records (what
all documents together say about each IRI: type, names, aliases,
identifiers), so its result cannot depend on the order documents arrive in,
nor on how extraction was spread over processes. Each cluster's canonical
IRI is its best-ranked member's (identifiers first, then the name with most
words, then the longest, then the IRI itself), so when a later document
brings "Vladimir Putin", ``person/putin`` is absorbed into
``person/vladimir-putin`` and not the other way round. The store
(``kg.merged``) keeps each document's graph as the document said it and
derives the merged graph from all of them under this resolution: absorbed
IRIs are rewritten to the canonical one and linked to it by ``owl:sameAs``.
Replacing a document re-resolves what it touched, so a merge that only it
supported is undone. ``ResolutionIndex`` keeps the records of a growing store
and re-resolves only the entities a document can affect (those linked to its
entities by some rule's keys), which gives the same answer as resolving
everything again.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from urllib.parse import quote

from kg.model import Entity, EntityType
from kg.names import normalize, slug, without_particle

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


# ---------------------------------------------------------------------------------------------
# Cross-document resolution: records, rules, resolve()

# Words after a surname that are not the surname: "Ferdinand Marcos Jr." is a Marcos.
GENERATIONAL_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
# A shorter name is a surname only with this many characters: not "K" of "Siarhei K".
MIN_SURNAME_CHARS = 3


@dataclass(frozen=True)
class EntityRecord:
    """What the documents of a store say about one entity IRI, before cross-document
    resolution: its type, names (``rdfs:label``), aliases, identifiers (scheme, value)
    and, for the merge log only, the ids of the documents that mention it."""

    iri: str
    type: EntityType
    names: frozenset[str]
    aliases: frozenset[str] = frozenset()
    identifiers: frozenset[tuple[str, str]] = frozenset()
    documents: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return best_name(self.names) if self.names else self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Rule:
    """One reason two records are one entity.

    ``lookup`` gives the keys under which a record looks for another, ``target``
    the keys under which it is found; records of the same type meet when one's
    lookup key is the other's target key. A strong rule is symmetric (both give
    the same keys) and joins records outright; a name rule absorbs a record into
    a better-ranked one, and only when exactly one entity fits.
    """

    name: str
    description: str
    types: frozenset[EntityType]
    lookup: Callable[[EntityRecord], frozenset[str]]
    target: Callable[[EntityRecord], frozenset[str]]
    strong: bool = False


@dataclass(frozen=True)
class Merge:
    """One IRI absorbed into a canonical one: by which rule, on which key, through which
    IRI (``via``: the one whose key matched; the canonical IRI or a member of its cluster)."""

    source: str
    target: str
    rule: str
    key: str
    via: str
    source_names: tuple[str, ...]
    target_name: str
    source_documents: tuple[str, ...] = ()
    target_documents: tuple[str, ...] = ()

    def line(self, base: str = DEFAULT_BASE) -> str:
        """One line for the merge log."""
        via = f", via {_short(self.via, base)}" if self.via not in (self.source, self.target) else ""
        return _printable(
            f"merged {_short(self.source, base)} {_quoted(self.source_names)} into {_short(self.target, base)} "
            f"\"{self.target_name}\": {self.rule} {self.key!r}{via}; "
            f"documents {_listed(self.source_documents)} into {_listed(self.target_documents)}"
        )

    def as_dict(self) -> dict:
        return {"kind": "merge", **_fields(self)}


@dataclass(frozen=True)
class Refusal:
    """An IRI kept apart from others a rule matched it with, and why."""

    iri: str
    reason: str  # ambiguous | incompatible types | conflicting identifiers
    rule: str
    key: str
    candidates: tuple[str, ...]
    names: tuple[str, ...]
    candidate_names: tuple[str, ...]
    explanation: str
    documents: tuple[str, ...] = ()

    def line(self, base: str = DEFAULT_BASE) -> str:
        """One line for the merge log."""
        others = ", ".join(_short(c, base) for c in self.candidates)
        return _printable(
            f"kept {_short(self.iri, base)} {_quoted(self.names)} apart from {others}: {self.reason} "
            f"({self.rule} {self.key!r}): {self.explanation}; documents {_listed(self.documents)}"
        )

    def as_dict(self) -> dict:
        return {"kind": "refusal", **_fields(self)}


@dataclass(frozen=True)
class Resolution:
    """Which IRI each absorbed IRI became (IRIs that stay themselves are left out),
    with the merges and refusals that explain it."""

    canonical: Mapping[str, str] = field(default_factory=dict)
    merges: tuple[Merge, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    def canonical_iri(self, iri: str) -> str:
        return self.canonical.get(iri, iri)

    def summary(self) -> str:
        entities = len({m.target for m in self.merges})
        return (
            f"{len(self.merges)} {'IRI' if len(self.merges) == 1 else 'IRIs'} merged into {entities} "
            f"{'entity' if entities == 1 else 'entities'} across documents; "
            f"{len(self.refusals)} kept apart ({', '.join(f'{n} {r}' for r, n in sorted(Counter(r.reason for r in self.refusals).items())) or 'none'})"
        )


def _printable(text: str) -> str:
    """One line whatever the names hold: control characters and line breaks escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _short(iri: str, base: str) -> str:
    return iri.removeprefix(base)


def _quoted(names: Iterable[str]) -> str:
    return "/".join(f'"{n}"' for n in names)


def _listed(documents: tuple[str, ...], limit: int = 5) -> str:
    if not documents:
        return "-"
    more = f" and {len(documents) - limit} more" if len(documents) > limit else ""
    return ", ".join(documents[:limit]) + more


def _fields(record) -> dict:
    return {name: list(value) if isinstance(value, tuple) else value for name, value in record.__dict__.items()}


def best_name(names: Iterable[str]) -> str:
    """The fullest of several names: most words, then longest, then as usually written
    ("Munich" over a dateline's "MUNICH"), then first in order."""
    return min(names, key=lambda n: (-len(n.split()), -len(n), n.isupper() and len(n) > 4, n))


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a normalised person name, without a generational suffix ("Jr.")."""
    tokens = normalize(name).split()
    while len(tokens) > 1 and tokens[-1] in GENERATIONAL_SUFFIXES:
        tokens.pop()
    return tuple(tokens)


def surnames(name: str) -> frozenset[str]:
    """The shorter names a full person name is known by: its last word, or last words
    ("Putin" and "Vladimir Putin"; "von der Leyen" and "Ursula von der Leyen"), and the
    last word without an article joined to it ("Burhan" of "Abdel Fattah al-Burhan")."""
    tokens = name_tokens(name)
    found = {" ".join(tokens[cut:]) for cut in range(1, len(tokens))}
    words = name.split()[: len(tokens)]  # as written, without the generational suffix
    if len(words) == len(tokens) > 1 and without_particle(words[-1]) != words[-1]:
        found.add(normalize(without_particle(words[-1])))
    return frozenset(s for s in found if len(s) >= MIN_SURNAME_CHARS)


def family_name(name: str) -> str | None:
    """The first word of a person's name of two or three words: the family name of a
    Chinese, Korean or Cambodian name ("Xi" of "Xi Jinping", "Hun" of "Hun Sen"); the
    name rules refuse it when it fits two entities, as a given name would."""
    tokens = name_tokens(name)
    return tokens[0] if 2 <= len(tokens) <= 3 and len(tokens[0]) >= 2 else None


def initials(name: str) -> str | None:
    """The acronym of a name of several words: the first letters of its capitalised words,
    as in-document resolution reads them ("Organization for Security and Co-operation in Europe": "OSCE")."""
    words = name.split()
    if len(words) < 2:
        return None
    letters = "".join(w[0] for w in words if w[0].isupper())
    return letters if len(letters) >= 2 else None


def is_acronym(name: str) -> bool:
    """An all-capital name of two or more letters ("EC", "U.N.")."""
    letters = name.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def _names(record: EntityRecord) -> frozenset[str]:
    return frozenset(k for k in (normalize(n) for n in record.names) if k)


def _aliases(record: EntityRecord) -> frozenset[str]:
    return frozenset(k for k in (normalize(a) for a in record.aliases) if k)


def _identifiers(record: EntityRecord) -> frozenset[str]:
    return frozenset(f"{scheme}:{value}" for scheme, value in record.identifiers)


def _person_names(record: EntityRecord) -> frozenset[str]:
    return frozenset(k for k in (" ".join(name_tokens(n)) for n in record.names) if k)


def _surnames(record: EntityRecord) -> frozenset[str]:
    return frozenset(s for n in record.names for s in surnames(n))


def _one_word_names(record: EntityRecord) -> frozenset[str]:
    return frozenset(n for n in _person_names(record) if " " not in n)


def _family_names(record: EntityRecord) -> frozenset[str]:
    return frozenset(f for f in (family_name(n) for n in record.names) if f)


def _acronyms(record: EntityRecord) -> frozenset[str]:
    return frozenset(normalize(n) for n in record.names if is_acronym(n))


def _initials(record: EntityRecord) -> frozenset[str]:
    return frozenset(normalize(i) for i in (initials(n) for n in record.names) if i)


ALL_TYPES = frozenset(EntityType)

# In order of precedence: a merge is explained by the first rule that finds it.
RULES: tuple[Rule, ...] = (
    Rule("identifier", "the same ISO 3166 code or Wikidata item", ALL_TYPES, _identifiers, _identifiers, strong=True),
    Rule("same-name", "the same name once normalised", ALL_TYPES, _names, _names, strong=True),
    Rule("alias", "a name that a document gave the other as an alias", ALL_TYPES, _names, _aliases),
    Rule("surname", "the last words of a longer person name", frozenset({EntityType.PERSON}), _person_names, _surnames),
    Rule("acronym", "the initials of a longer organization name", frozenset({EntityType.ORGANIZATION}), _acronyms, _initials),
    Rule("family-name", "the first word of a person name of two or three words, a Chinese or Korean family name",
         frozenset({EntityType.PERSON}), _one_word_names, _family_names),
)


def _rank(record: EntityRecord) -> tuple:
    """Lower is better: identifiers first, then the fullest name, then the IRI."""
    name = record.name
    return (not record.identifiers, -len(name.split()), -len(name), record.iri)


def merge_records(records: Iterable[EntityRecord]) -> dict[str, EntityRecord]:
    """Records of the same IRI (from several documents) as one record per IRI."""
    merged: dict[str, EntityRecord] = {}
    for record in records:
        seen = merged.get(record.iri)
        merged[record.iri] = record if seen is None else replace(
            seen,
            names=seen.names | record.names,
            aliases=seen.aliases | record.aliases,
            identifiers=seen.identifiers | record.identifiers,
            documents=seen.documents | record.documents,
        )
    return merged


@lru_cache(maxsize=4096)  # the records of one re-resolution, looked up again by resolve()
def rule_keys(record: EntityRecord, *, typed: bool = True) -> frozenset[tuple[str, str, str, str]]:
    """Every (rule, side, type, key) under which a record looks for others or is found;
    records meet when they share a key on opposite sides (strong rules: on either).
    With ``typed=False`` the type is left out, to find matches across types for the log."""
    kind = record.type.value if typed else ""
    keys = set()
    for rule in RULES:
        if record.type not in rule.types and typed:
            continue
        keys.update((rule.name, "lookup", kind, k) for k in rule.lookup(record))
        keys.update((rule.name, "target", kind, k) for k in rule.target(record))
    return frozenset(keys)


def _opposite(key: tuple[str, str, str, str]) -> tuple[str, str, str, str]:
    rule, side, kind, value = key
    return (rule, "target" if side == "lookup" else "lookup", kind, value)


class _KeyIndex:
    """Records by the keys they expose, for the rules' look-ups."""

    def __init__(self, records: Iterable[EntityRecord], *, typed: bool = True):
        self.iris: dict[tuple, set[str]] = defaultdict(set)
        for record in records:
            for key in rule_keys(record, typed=typed):
                self.iris[key].add(record.iri)

    def found(self, rule: Rule, kind: str, key: str) -> set[str]:
        """The records a look-up of ``key`` by ``rule`` finds."""
        return self.iris.get((rule.name, "target", kind, key), set())


def resolve(records: Iterable[EntityRecord], *, explain: bool = True) -> Resolution:
    """Which IRIs are one entity, by ``RULES``; a pure function of the set of records.

    First the strong rules join records into clusters (refusing a join that
    would give one cluster two values of an identifier), then, from the
    best-ranked cluster down, each cluster without identifiers is absorbed
    into the one cluster its names point to by a name rule, or kept apart
    when they point to several. ``explain=False`` leaves out the refusals across
    types, which only the merge log needs.
    """
    by_iri = merge_records(records)
    ordered = sorted(by_iri.values(), key=_rank)
    position = {r.iri: i for i, r in enumerate(ordered)}
    index = _KeyIndex(ordered)
    parent = {r.iri: r.iri for r in ordered}  # union-find; a root is its cluster's best-ranked member
    identifiers = {r.iri: dict(r.identifiers) for r in ordered}
    links: dict[str, tuple[str, str, str]] = {}  # absorbed IRI -> (rule, key, via)
    refusals: list[Refusal] = []
    clashes: set[frozenset[str]] = set()

    def find(iri: str) -> str:
        while parent[iri] != iri:
            parent[iri] = parent[parent[iri]]
            iri = parent[iri]
        return iri

    for rule in (r for r in RULES if r.strong):
        for record in ordered:
            if record.type not in rule.types:
                continue
            for key in sorted(rule.lookup(record)):
                for other in sorted(index.found(rule, record.type.value, key) - {record.iri}, key=position.get):
                    mine, theirs = find(record.iri), find(other)
                    if mine == theirs:
                        continue
                    clash = _identifier_clash(identifiers[mine], identifiers[theirs])
                    if clash:
                        if frozenset((mine, theirs)) in clashes:
                            continue
                        clashes.add(frozenset((mine, theirs)))
                        refusals.append(_refusal(
                            by_iri[other], "conflicting identifiers", rule, key, [by_iri[record.iri]],
                            f"{clash[0]} {clash[1]} against {clash[2]}",
                        ))
                        continue
                    better, worse = sorted((mine, theirs), key=position.get)
                    parent[worse] = better
                    identifiers[better] = {**identifiers[worse], **identifiers[better]}
                    links[worse] = (rule.name, key, record.iri if worse == theirs else other)

    members: dict[str, list[str]] = defaultdict(list)
    for record in ordered:
        members[find(record.iri)].append(record.iri)
    absorbed_into: dict[str, str] = {}

    def final(root: str) -> str:
        while root in absorbed_into:
            root = absorbed_into[root]
        return root

    for root in sorted(members, key=position.get):
        if identifiers[root]:
            continue  # a known entity is never absorbed by a name
        found: dict[str, tuple[str, str, str]] = {}  # final root -> first (rule, key, via) that leads there
        for rule in (r for r in RULES if not r.strong):
            for iri in members[root]:
                record = by_iri[iri]
                if record.type not in rule.types:
                    continue
                for key in sorted(rule.lookup(record)):
                    for other in sorted(index.found(rule, record.type.value, key), key=position.get):
                        other_root = find(other)
                        if other_root == root or position[other_root] > position[root]:
                            continue  # only a better-ranked entity absorbs: no cycles
                        found.setdefault(final(other_root), (rule.name, key, other))
        if len(found) == 1:
            target, link = next(iter(found.items()))
            absorbed_into[root] = target
            links[root] = link
        elif len(found) > 1:
            rule_name, key, _ = min(found.values(), key=lambda link: [r.name for r in RULES].index(link[0]))
            candidates = [by_iri[t] for t in sorted(found, key=position.get)]
            names = ", ".join(c.name for c in candidates)
            refusals.append(_refusal(
                by_iri[root], "ambiguous", _rule(rule_name), key, candidates,
                f"{key!r} fits {len(candidates)} entities: {names}",
            ))

    canonical = {}
    for record in ordered:
        target = final(find(record.iri))
        if target != record.iri:
            canonical[record.iri] = target
    merges = tuple(sorted(
        (_merge(by_iri[iri], by_iri[target], links[iri] if iri in links else links[find(iri)]) for iri, target in canonical.items()),
        key=lambda m: (m.target, m.source),
    ))
    if explain:
        refusals += _type_refusals(ordered, position)
    return Resolution(canonical, merges, tuple(sorted(refusals, key=lambda r: (r.iri, r.reason, r.candidates))))


def _rule(name: str) -> Rule:
    return next(r for r in RULES if r.name == name)


def _identifier_clash(mine: dict[str, str], theirs: dict[str, str]) -> tuple[str, str, str] | None:
    for scheme in sorted(mine.keys() & theirs.keys()):
        if mine[scheme] != theirs[scheme]:
            return scheme, theirs[scheme], mine[scheme]
    return None


def _merge(source: EntityRecord, target: EntityRecord, link: tuple[str, str, str]) -> Merge:
    rule, key, via = link
    return Merge(
        source=source.iri, target=target.iri, rule=rule, key=key, via=via,
        source_names=tuple(sorted(source.names)), target_name=target.name,
        source_documents=tuple(sorted(source.documents)), target_documents=tuple(sorted(target.documents)),
    )


def _refusal(record: EntityRecord, reason: str, rule: Rule, key: str, candidates: list[EntityRecord], explanation: str) -> Refusal:
    return Refusal(
        iri=record.iri, reason=reason, rule=rule.name, key=key,
        candidates=tuple(c.iri for c in candidates), names=tuple(sorted(record.names)),
        candidate_names=tuple(c.name for c in candidates), explanation=explanation,
        documents=tuple(sorted(record.documents)),
    )


def _a(type_: EntityType) -> str:
    return ("an " if type_.value[0] in "AEIOU" else "a ") + type_.value


def _type_refusals(ordered: list[EntityRecord], position: dict[str, int]) -> list[Refusal]:
    """Records a rule would have merged but for their types: "Fordow" the person and the place."""
    index = _KeyIndex(ordered, typed=False)
    by_iri = {r.iri: r for r in ordered}
    refusals, seen = [], set()
    for record in ordered:
        for rule in RULES:
            for key in sorted(rule.lookup(record)):
                for other in sorted(index.found(rule, "", key), key=position.get):
                    candidate = by_iri[other]
                    if candidate.type == record.type or (record.type not in rule.types and candidate.type not in rule.types):
                        continue
                    pair = frozenset((record.iri, other))
                    if pair in seen or (not rule.strong and position[other] > position[record.iri]):
                        continue
                    seen.add(pair)
                    refusals.append(_refusal(
                        record, "incompatible types", rule, key, [candidate],
                        f"{record.name} is {_a(record.type)}, {candidate.name} {_a(candidate.type)}",
                    ))
    return refusals


# ---------------------------------------------------------------------------------------------
# Incremental resolution for a growing store


class ResolutionIndex:
    """The entity records of a store and their resolution, kept up to date one document at a time.

    Each document adds (or, when replaced, takes back) one record per entity IRI
    it mentions; names, aliases and identifiers are counted, so a value stays as
    long as some document states it. ``update`` re-resolves only the records a
    change can affect: those connected to the changed IRIs through rule keys,
    before or after the change. Resolution within such a closed set is what
    resolving every record gives, restricted to the set.
    """

    def __init__(self) -> None:
        self._types: dict[str, EntityType] = {}
        self._counts: dict[str, Counter] = {}  # IRI -> Counter of (field, value)
        self._keys: dict[str, set[tuple]] = {}  # IRI -> its rule keys
        self._by_key: dict[tuple, set[str]] = defaultdict(set)
        self.canonical: dict[str, str] = {}  # absorbed IRI -> canonical IRI
        self._absorbed: dict[str, set[str]] = defaultdict(set)  # canonical IRI -> absorbed IRIs

    def __contains__(self, iri: str) -> bool:
        return iri in self._counts

    def __len__(self) -> int:
        return len(self._counts)

    def canonical_iri(self, iri: str) -> str | None:
        """The IRI an entity IRI stands for in the merged graph (None: no document mentions it)."""
        return self.canonical.get(iri, iri) if iri in self._counts else None

    def members(self, iri: str) -> set[str]:
        """A canonical IRI and the IRIs absorbed into it."""
        return {iri} | self._absorbed.get(iri, set())

    def record(self, iri: str) -> EntityRecord:
        counts = self._counts[iri]
        values: dict[str, set] = defaultdict(set)
        for (kind, value), n in counts.items():
            if n > 0:
                values[kind].add(value)
        return EntityRecord(
            iri, self._types[iri], frozenset(values["name"]), frozenset(values["alias"]), frozenset(values["identifier"]),
        )

    def records(self) -> list[EntityRecord]:
        return [self.record(iri) for iri in self._counts]

    def load(self, counts: Iterable[tuple[str, EntityType, str, object, int]]) -> None:
        """Fill the index from a store: (IRI, type, field, value, number of documents) rows;
        then resolve everything."""
        for iri, type_, kind, value, n in counts:
            self._types[iri] = type_
            self._counts.setdefault(iri, Counter())[(kind, value)] += n
        for iri in self._counts:
            self._index_keys(iri)
        self._apply(resolve(self.records(), explain=False), set(self._counts))

    def update(self, removed: Iterable[EntityRecord] = (), added: Iterable[EntityRecord] = ()) -> dict[str, tuple[str | None, str | None]]:
        """Take back one document's records and add another's (a replaced document: its
        old and new records); return every IRI whose canonical IRI changed, with the old
        and the new one (None: no document mentions it, before or after)."""
        delta: Counter = Counter()
        for record, sign in [(r, -1) for r in removed] + [(r, 1) for r in added]:
            self._types.setdefault(record.iri, record.type)
            for kind, values in (("name", record.names), ("alias", record.aliases), ("identifier", record.identifiers)):
                for value in values:
                    delta[(record.iri, kind, value)] += sign
        # Only a value that appears or goes away can change a decision: most documents
        # name known entities as other documents did, and stop here.
        touched = {
            iri for (iri, kind, value), change in delta.items()
            if (self._count(iri, kind, value) > 0) != (self._count(iri, kind, value) + change > 0)
        }
        if not touched:
            self._add_counts(delta)
            return {}
        before = self._component(touched)
        old = {iri: self.canonical_iri(iri) for iri in before | touched}
        self._add_counts(delta)
        for iri in touched:
            self._index_keys(iri)
        after = self._component(touched | before)
        for iri in after - old.keys():  # not touched: in the store before as after
            old[iri] = self.canonical.get(iri, iri)
        self._apply(resolve((self.record(iri) for iri in after), explain=False), after | touched)
        changes = {}
        for iri, previous in old.items():
            now = self.canonical_iri(iri)
            if previous != now:
                changes[iri] = (previous, now)
        return changes

    def _count(self, iri: str, kind: str, value: object) -> int:
        counts = self._counts.get(iri)
        return counts[(kind, value)] if counts is not None else 0

    def _add_counts(self, delta: Counter) -> None:
        for (iri, kind, value), change in delta.items():
            if change:
                counts = self._counts.setdefault(iri, Counter())
                counts[(kind, value)] += change
                if counts[(kind, value)] <= 0:
                    del counts[(kind, value)]
        for iri in {iri for iri, _, _ in delta}:
            if iri in self._counts and not self._counts[iri]:
                del self._counts[iri]  # no document states anything about it any more
                self._types.pop(iri, None)

    def _apply(self, resolution: Resolution, scope: set[str]) -> None:
        for iri in scope:
            target = self.canonical.pop(iri, None)
            if target is not None:
                self._absorbed[target].discard(iri)
                if not self._absorbed[target]:
                    del self._absorbed[target]
        for iri, target in resolution.canonical.items():
            self.canonical[iri] = target
            self._absorbed[target].add(iri)

    def _index_keys(self, iri: str) -> None:
        for key in self._keys.pop(iri, ()):
            self._by_key[key].discard(iri)
            if not self._by_key[key]:
                del self._by_key[key]
        if iri in self._counts:
            keys = rule_keys(self.record(iri))
            self._keys[iri] = keys
            for key in keys:
                self._by_key[key].add(iri)

    def _component(self, seeds: set[str]) -> set[str]:
        """The IRIs connected to ``seeds`` through shared rule keys (on opposite sides)."""
        seen = {iri for iri in seeds if iri in self._counts}
        queue = list(seen)
        while queue:
            iri = queue.pop()
            for key in self._keys.get(iri, ()):
                for other in self._by_key.get(_opposite(key), ()):
                    if other not in seen:
                        seen.add(other)
                        queue.append(other)
        return seen

