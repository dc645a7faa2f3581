"""Cross-document entity resolution: the pure rules, resolve(), and the incremental index."""

from __future__ import annotations

import random

import pytest

from kg.model import EntityType
from kg.resolve import (
    DEFAULT_BASE, EntityRecord, ResolutionIndex, best_name, initials, is_acronym, name_tokens, resolve, surnames,
)

PERSON, STATE, ORG, PLACE = EntityType.PERSON, EntityType.STATE, EntityType.ORGANIZATION, EntityType.LOCATION


def record(path: str, *names: str, type_: EntityType = PERSON, aliases=(), ids=()) -> EntityRecord:
    return EntityRecord(DEFAULT_BASE + path, type_, frozenset(names), frozenset(aliases), frozenset(ids))


def short(resolution) -> dict[str, str]:
    return {k.removeprefix(DEFAULT_BASE): v.removeprefix(DEFAULT_BASE) for k, v in resolution.canonical.items()}


# ------------------------------------------------------------------ the pure rules


@pytest.mark.parametrize("name, expected", [
    ("Vladimir Putin", {"putin"}),
    ("George Kent", {"kent"}),
    ("Ursula von der Leyen", {"von der leyen", "der leyen", "leyen"}),
    ("Ferdinand Marcos Jr.", {"marcos"}),  # a generational suffix is not the surname
    ("Putin", set()),  # one word: no shorter name
    ("Siarhei K", set()),  # too short to stand for anyone
    ("Luiz Inácio Lula da Silva", {"inácio lula da silva", "lula da silva", "da silva", "silva"}),
    ("Abdel Fattah al-Burhan", {"fattah alburhan", "alburhan", "burhan"}),  # the surname without its article
])
def test_surnames_are_the_last_words_of_a_full_name(name, expected):
    assert surnames(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("Marcos Jr", ("marcos",)),
    ("Vladimir PUTIN", ("vladimir", "putin")),
    ("Jr", ("jr",)),
])
def test_name_tokens_are_normalised_without_generational_suffixes(name, expected):
    assert name_tokens(name) == expected


@pytest.mark.parametrize("name, expected", [
    ("European Commission", "EC"),
    ("Organization for Security and Co-operation in Europe", "OSCE"),
    ("New Development Bank", "NDB"),
    ("NATO", None),  # one word
    ("the union", None),  # no capitalised words
])
def test_initials_of_a_name_of_several_words(name, expected):
    assert initials(name) == expected


@pytest.mark.parametrize("name, expected", [("EC", True), ("U.N.", True), ("NDB", True), ("Nato", False), ("E", False), ("G7", False)])
def test_acronyms_are_all_capital_letters(name, expected):
    assert is_acronym(name) is expected


@pytest.mark.parametrize("names, expected", [
    (["Putin", "Vladimir Putin"], "Vladimir Putin"),
    (["US Navy", "U.S. Navy"], "U.S. Navy"),
    (["Abe", "Bob"], "Abe"),
    (["MUNICH", "Munich"], "Munich"),  # a dateline's capitals lose a tie
    (["NATO", "Nato"], "NATO"),  # an acronym is written in capitals
])
def test_best_name_has_most_words_then_most_characters(names, expected):
    assert best_name(names) == expected


# ------------------------------------------------------------------ resolve(): table of cases

CASES = {
    "a surname joins the one full name it ends": (
        [record("person/putin", "Putin"), record("person/vladimir-putin", "Vladimir Putin")],
        {"person/putin": "person/vladimir-putin"}, [("person/putin", "surname")], [],
    ),
    "a surname without its article joins the full name": (
        [record("person/burhan", "Burhan"), record("person/abdel-fattah-al-burhan", "Abdel Fattah al-Burhan")],
        {"person/burhan": "person/abdel-fattah-al-burhan"}, [("person/burhan", "surname")], [],
    ),
    "a family name written first joins the one full name it starts": (
        [record("person/xi", "Xi"), record("person/xi-jinping", "Xi Jinping")],
        {"person/xi": "person/xi-jinping"}, [("person/xi", "family-name")], [],
    ),
    "a first word that starts two full names stays apart": (
        [record("person/kim", "Kim"), record("person/kim-jong-un", "Kim Jong Un"), record("person/kim-yo-jong", "Kim Yo Jong")],
        {}, [], [("person/kim", "ambiguous")],
    ),
    "a title form is an alias of the surname, which joins": (
        [record("person/putin", "Putin", aliases=["President Putin"]), record("person/vladimir-putin", "Vladimir Putin")],
        {"person/putin": "person/vladimir-putin"}, [("person/putin", "surname")], [],
    ),
    "a name another document gave as an alias joins": (
        [record("person/vladimir", "Vladimir"), record("person/vladimir-putin", "Vladimir Putin", aliases=["Vladimir"])],
        {"person/vladimir": "person/vladimir-putin"}, [("person/vladimir", "alias")], [],
    ),
    "a surname of two known full names stays apart": (
        [record("person/kent", "Kent"), record("person/george-kent", "George Kent", aliases=["Kent"]), record("person/muhtar-kent", "Muhtar Kent")],
        {}, [], [("person/kent", "ambiguous")],
    ),
    "a person never joins a place of the same name": (
        [record("person/fordow", "Fordow"), record("location/fordow", "Fordow", type_=PLACE)],
        {}, [], [("location/fordow", "incompatible types")],
    ),
    "a surname never joins a person across types": (
        [record("location/kent", "Kent", type_=PLACE), record("person/george-kent", "George Kent")],
        {}, [], [("location/kent", "incompatible types")],
    ),
    "an acronym joins the organization whose initials it is": (
        [record("organization/ec", "EC", type_=ORG), record("organization/european-commission", "European Commission", type_=ORG)],
        {"organization/ec": "organization/european-commission"}, [("organization/ec", "acronym")], [],
    ),
    "two long names with the same initials make an acronym ambiguous": (
        [record("organization/ec", "EC", type_=ORG), record("organization/european-commission", "European Commission", type_=ORG),
         record("organization/european-council", "European Council", type_=ORG)],
        {}, [], [("organization/ec", "ambiguous")],
    ),
    "a shared identifier joins, the IRI with the fullest name stays": (
        [record("organization/un", "UN", type_=ORG, ids=[("wikidata", "Q1065")]),
         record("organization/united-nations", "United Nations", type_=ORG, ids=[("wikidata", "Q1065")])],
        {"organization/un": "organization/united-nations"}, [("organization/un", "identifier")], [],
    ),
    "the same name spelt differently joins": (
        [record("organization/u-s-navy", "U.S. Navy", type_=ORG), record("organization/us-navy", "US Navy", type_=ORG)],
        {"organization/us-navy": "organization/u-s-navy"}, [("organization/us-navy", "same-name")], [],
    ),
    "the same name with two different identifiers stays apart": (
        [record("state/GE", "Georgia", type_=STATE, ids=[("iso3166-alpha2", "GE")]),
         record("state/XG", "Georgia", type_=STATE, ids=[("iso3166-alpha2", "XG")])],
        {}, [], [("state/XG", "conflicting identifiers")],
    ),
    "a name never absorbs an entity that has identifiers": (
        [record("organization/ec", "EC", type_=ORG, ids=[("wikidata", "Q8880")]),
         record("organization/european-commission", "European Commission", type_=ORG)],
        {}, [], [],
    ),
    "the surname goes to the full name even when a middle form is known": (
        [record("person/silva", "Silva"), record("person/lula-da-silva", "Lula da Silva"),
         record("person/luiz-inacio-lula-da-silva", "Luiz Inácio Lula da Silva")],
        {"person/silva": "person/luiz-inacio-lula-da-silva", "person/lula-da-silva": "person/luiz-inacio-lula-da-silva"},
        [("person/lula-da-silva", "surname"), ("person/silva", "surname")], [],
    ),
    "a state's capital as a place stays a place": (
        [record("location/moscow", "Moscow", type_=PLACE), record("state/RU", "Russia", type_=STATE, aliases=["Moscow"], ids=[("iso3166-alpha2", "RU")])],
        {}, [], [("location/moscow", "incompatible types")],
    ),
}


@pytest.mark.parametrize("records, canonical, merges, refusals", CASES.values(), ids=CASES.keys())
def test_resolve(records, canonical, merges, refusals):
    resolution = resolve(records)
    assert short(resolution) == canonical
    assert sorted((m.source.removeprefix(DEFAULT_BASE), m.rule) for m in resolution.merges) == sorted(merges)
    assert sorted((r.iri.removeprefix(DEFAULT_BASE), r.reason) for r in resolution.refusals) == sorted(refusals)


def test_an_ambiguous_refusal_names_both_candidates_and_the_key():
    records, *_ = CASES["a surname of two known full names stays apart"]
    (refusal,) = resolve(records).refusals
    assert refusal.key == "kent" and refusal.rule in {"alias", "surname"}
    assert set(refusal.candidate_names) == {"George Kent", "Muhtar Kent"}
    assert "George Kent" in refusal.explanation and "Muhtar Kent" in refusal.explanation
    assert "kept person/kent \"Kent\" apart from person/george-kent, person/muhtar-kent: ambiguous" in refusal.line()


def test_a_merge_line_says_what_went_where_by_which_rule():
    records, *_ = CASES["a surname joins the one full name it ends"]
    (merge,) = resolve([EntityRecord(r.iri, r.type, r.names, documents=frozenset({f"doc-{r.name}"})) for r in records]).merges
    assert merge.line() == (
        'merged person/putin "Putin" into person/vladimir-putin "Vladimir Putin": surname \'putin\'; '
        "documents doc-Putin into doc-Vladimir Putin"
    )


def test_records_of_one_iri_from_several_documents_are_one_record():
    resolution = resolve([record("person/putin", "Putin"), record("person/putin", "Putin", aliases=["President Putin"]),
                          record("person/vladimir-putin", "Vladimir Putin", aliases=["President Putin"])])
    assert short(resolution) == {"person/putin": "person/vladimir-putin"}


# ------------------------------------------------------------------ order and incremental updates

ALL_RECORDS = [r for records, *_ in CASES.values() for r in records]


def test_resolve_does_not_depend_on_the_order_of_its_records():
    reference = resolve(ALL_RECORDS)
    for seed in range(10):
        shuffled = ALL_RECORDS[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve(shuffled) == reference


def test_the_index_added_to_in_any_order_resolves_as_resolve_does():
    expected = resolve(ALL_RECORDS).canonical
    for seed in range(10):
        shuffled = ALL_RECORDS[:]
        random.Random(seed).shuffle(shuffled)
        index = ResolutionIndex()
        for item in shuffled:
            index.update(added=[item])
        assert index.canonical == dict(expected)


def test_the_index_reports_each_change_of_canonical_iri():
    index = ResolutionIndex()
    putin, vladimir = record("person/putin", "Putin"), record("person/vladimir-putin", "Vladimir Putin")
    assert index.update(added=[putin]) == {putin.iri: (None, putin.iri)}
    assert index.update(added=[vladimir]) == {putin.iri: (putin.iri, vladimir.iri), vladimir.iri: (None, vladimir.iri)}
    assert index.members(vladimir.iri) == {putin.iri, vladimir.iri}
    assert index.update(added=[vladimir]) == {}  # a second document naming it the same way changes nothing
    assert index.update(removed=[vladimir]) == {}
    assert index.update(removed=[vladimir]) == {putin.iri: (vladimir.iri, putin.iri), vladimir.iri: (vladimir.iri, None)}
    assert index.canonical == {}


def test_taking_back_records_in_any_order_ends_where_resolve_says():
    rng = random.Random(7)
    documents = [[r] for r in ALL_RECORDS] + [rng.sample(ALL_RECORDS, 3) for _ in range(8)]
    index = ResolutionIndex()
    present: list[list[EntityRecord]] = []
    for step in range(60):
        if present and rng.random() < 0.4:
            gone = present.pop(rng.randrange(len(present)))
            index.update(removed=gone)
        else:
            document = rng.choice(documents)
            present.append(document)
            index.update(added=document)
        expected = resolve([r for document in present for r in document]).canonical
        assert index.canonical == dict(expected), step
