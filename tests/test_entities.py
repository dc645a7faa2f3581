"""The entity stage's typing and merging rules, one short sentence each.

The sentences are parsed by kg's pipeline, then the tagger's entities are replaced by
the labels a case gives, so that each case tests a rule of kg.entities against the
tagger error it is written for, whatever the tagger of the day reads.
"""

from __future__ import annotations

import pytest

from kg.entities import analyse_entities
from kg.gazetteer import load_gazetteer
from kg.lexicon import load_lexicon


def analysed(text: str, labels: dict[str, str | list[str]]):
    """kg's entity analysis of ``text`` when the tagger labels each surface form of
    ``labels`` as given (one label for every occurrence, or a list of one label an
    occurrence), and nothing else."""
    from spacy.util import filter_spans

    from kg.nlp import load

    doc = load()(text)
    spans = []
    for surface, label in labels.items():
        start, occurrence = text.find(surface), 0
        assert start >= 0, surface
        while start >= 0:
            span = doc.char_span(start, start + len(surface), label=label if isinstance(label, str) else label[occurrence])
            assert span is not None, surface
            spans.append(span)
            start, occurrence = text.find(surface, start + 1), occurrence + 1
    doc.ents = filter_spans(spans)
    return analyse_entities(doc, load_gazetteer(), load_lexicon())


def types(text: str, labels: dict[str, str]) -> dict[str, str]:
    """Each named mention's surface form and the type kg gives it."""
    return {m.text: m.type.value for m in analysed(text, labels).mentions if not m.via_coreference}


# ------------------------------------------------------------------ the words around a name

CONTEXT_CASES = [
    # a category noun in front of the name or in apposition says what it is
    ("Belarusian potash producer Belaruskali was sanctioned on Tuesday.", {"Belaruskali": "PERSON"}, {"Belaruskali": "Organization"}),
    # ... a noun of a trade that people and businesses both ply leaves a person's name a person
    ("\"Prices doubled,\" said Oyelaran Adebayo, a market trader in the old town.", {"Oyelaran Adebayo": "PERSON"},
     {"Oyelaran Adebayo": "Person"}),
    ("Grain trader Norvalo Commodities Ltd was fined.", {"Norvalo Commodities Ltd": "PERSON"}, {"Norvalo Commodities Ltd": "Organization"}),
    ("Composer Zubin Talwar was born in Mumbai.", {"Zubin Talwar": "ORG"}, {"Zubin Talwar": "Person"}),
    # ... an organization word in front outweighs a first name ("Hope"), a post in front does not
    ("He delivered food for the aid group Hope Convoy until May.", {"Hope Convoy": "PERSON"}, {"Hope Convoy": "Organization"}),
    ("The award went to police officer Grace Kelly on Friday.", {"Grace Kelly": "PERSON"}, {"Grace Kelly": "Person"}),
    ("U.S. citizen Sara Matzar owned the house.", {"Sara Matzar": "ORG"}, {"Sara Matzar": "Person"}),
    ("Greenland, a self-governing territory, is not for sale.", {"Greenland": "PERSON"}, {"Greenland": "Location"}),
    # a place noun the name modifies, or is "of"
    ("A drone strike hit the southern town of Bint Jbeil on Thursday.", {"Bint Jbeil": "PERSON"}, {"Bint Jbeil": "Location"}),
    ("Aid trucks waited at the Kerem Shalom crossing for a week.", {"Kerem Shalom": "PERSON"}, {"Kerem Shalom": "Location"}),
    # what a person's post is of, or whose post it is, employs people: no person
    ("Bruce Jonasson, manager of Bradley First Air, said the pilots were safe.", {"Bradley First Air": "PERSON"},
     {"Bradley First Air": "Organization"}),
    ("Pepco spokesman Kevin Kelly said power was restored.", {"Pepco": "PERSON", "Kevin Kelly": "PERSON"},
     {"Pepco": "Organization", "Kevin Kelly": "Person"}),
    ("Greenland's premier said the island was not for sale.", {"Greenland": "PERSON"}, {"Greenland": "Location"}),
    # ... but not a staff noun, a full name, a hyphenated or a place qualifier in front
    ("Top Tolliver advisers met on Monday.", {"Tolliver": "PERSON"}, {"Tolliver": "Person"}),
    ("Fred Coe, a director-producer, grew up in Nashville.", {"Fred Coe": "PERSON"}, {"Fred Coe": "Person"}),
    ("The 28-member Shanghai Opera left on Monday.", {"Shanghai Opera": "ORG"}, {"Shanghai Opera": "Organization"}),
    ("The state Supreme Court overturned the law.", {"Supreme Court": "ORG"}, {"Supreme Court": "Organization"}),
    # words only a person's name has
    ("Albrecht, 54, is a former professor of economics.", {"Albrecht": "GPE"}, {"Albrecht": "Person"}),
    ("Copland, who was born in Brooklyn, lives upstate.", {"Copland": "GPE", "Brooklyn": "GPE"},
     {"Copland": "Person", "Brooklyn": "Location"}),
    ("Lifa said the rig capsized.", {"Lifa": "GPE"}, {"Lifa": "Person"}),
    ("One message came from Anderson's sister.", {"Anderson": "PERSON"}, {"Anderson": "Person"}),
    ("Oswald fired into Kennedy's motorcade.", {"Oswald": "PERSON", "Kennedy": "PERSON"}, {"Oswald": "Person", "Kennedy": "Person"}),
    ("The 12-year-old Tanya died on Saturday.", {"Tanya": "GPE"}, {"Tanya": "Person"}),
    # ... and a place keeps its own
    ("Smoke hung over Boise on Monday.", {"Boise": "PERSON"}, {"Boise": "Location"}),
    ("A 55-year-old Los Alamitos truck driver was convicted.", {"Los Alamitos": "GPE"}, {"Los Alamitos": "Location"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), CONTEXT_CASES, ids=[c[0][:40] for c in CONTEXT_CASES])
def test_words_around_a_name_type_it(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


NAME_ENDING_CASES = [
    # a name that ends in an organization or place word and starts with no first name
    ("Sea Lotus Shipping and Golden Pier Logistics were sanctioned.", {"Golden Pier Logistics": "PERSON"},
     {"Golden Pier Logistics": "Organization"}),
    ("Norman Vaughan lives near Trapper Creek.", {"Norman Vaughan": "PERSON", "Trapper Creek": "PERSON"},
     {"Norman Vaughan": "Person", "Trapper Creek": "Location"}),
    # a base, a station or a plant is a place, whoever runs it
    ("The plane left Andrews Air Force Base on Monday.", {"Andrews Air Force Base": "ORG"}, {"Andrews Air Force Base": "Location"}),
    ("Inspectors visited the Mound Plant in Ohio.", {"Mound Plant": "PERSON", "Ohio": "GPE"}, {"Mound Plant": "Location"}),
    ("Talks were held at the Palace of Independence.", {"Palace of Independence": "ORG"}, {"Palace of Independence": "Location"}),
    # a first name keeps a person a person
    ("Frank Church chaired the committee.", {"Frank Church": "PERSON"}, {"Frank Church": "Person"}),
    # an organization word keeps an organization from being read as a person by its first word
    ("He holds a doctorate from Virginia Tech.", {"Virginia Tech": "ORG"}, {"Virginia Tech": "Organization"}),
    ("He owned the radio station Celeste FM.", {"Celeste FM": "ORG"}, {"Celeste FM": "Organization"}),
    ("Marie Magdefrau Ferraro won the seat.", {"Marie Magdefrau Ferraro": "ORG"}, {"Marie Magdefrau Ferraro": "Person"}),
    ("A survey by the private Delgado-Ruiz Firm found little support.", {"Delgado-Ruiz Firm": "PERSON"},
     {"Delgado-Ruiz Firm": "Organization"}),
    # ... but not a facility's name, a title for a first name, or a name in front of a thing's noun
    ("Refugees will stay at the Morgan Farm, a church camp, until May.", {"Morgan Farm": "LOC"}, {"Morgan Farm": "Location"}),
    ("Workers left the General Dynamics plant on Friday.", {"General Dynamics": "ORG"}, {"General Dynamics": "Organization"}),
    ("The boat sank near the Lyle Ferry station at dawn.", {"Lyle Ferry": "LOC"}, {"Lyle Ferry": "Location"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), NAME_ENDING_CASES, ids=[c[0][:40] for c in NAME_ENDING_CASES])
def test_the_words_of_a_name_type_it(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


PLACE_OR_ORGANIZATION_CASES = [
    # a place tagged as an organization: conjoined with a place, or after a preposition only places take
    ("Inspectors have not visited Arak or Darkhovin since March.", {"Arak": "GPE", "Darkhovin": "ORG"}, {"Darkhovin": "Location"}),
    ("Fishermen moved their boats around Kessel Point at dusk.", {"Kessel Point": "ORG"}, {"Kessel Point": "Location"}),
    # an organization tagged as a place: what a post is of, ending in an organization word; not any place so named
    ("Ana Ruiz, the head of the Coastal Survey Organization, resigned.", {"Coastal Survey Organization": "LOC"},
     {"Coastal Survey Organization": "Organization"}),
    ("He died at Marlow Hospital in Leeds.", {"Marlow Hospital": "GPE", "Leeds": "GPE"}, {"Marlow Hospital": "Location"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), PLACE_OR_ORGANIZATION_CASES, ids=[c[0][:40] for c in PLACE_OR_ORGANIZATION_CASES])
def test_a_place_and_an_organization_mistaken_for_each_other(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


PLACE_READ_AS_PERSON_CASES = [
    # a town tagged as a nationality
    ("The prize went to Dana Kerr, a Tulsa native.", {"Dana Kerr": "PERSON", "Tulsa": "NORP"}, {"Tulsa": "Location"}),
    # a known place needs a place's syntax: a locative, a place after a comma, a conjoined place
    ("Smoke from the fires hung over Boise on Monday.", {"Boise": "PERSON"}, {"Boise": "Location"}),
    ("Greenpeace's Amsterdam headquarters was raided.", {"Greenpeace": "ORG", "Amsterdam": "PERSON"}, {"Amsterdam": "Location"}),
    ("Kulm lies south of Jamestown.", {"Kulm": "GPE", "Jamestown": "PERSON"}, {"Jamestown": "Location"}),
    # ... for many surnames are towns as well
    ("Dole had pinned his hopes on North Carolina.", {"Dole": "PERSON", "North Carolina": "GPE"}, {"Dole": "Person"}),
    ("Oswald fired at Kennedy from the sixth floor.", {"Oswald": "PERSON", "Kennedy": "PERSON"}, {"Kennedy": "Person"}),
    ("Pereira shot Mendes on Dec. 22.", {"Pereira": "PERSON", "Mendes": "PERSON"}, {"Mendes": "Person"}),
    # a state's name or a US state's abbreviation needs no more
    ("Qian left for Pakistan, Bangladesh, Sri Lanka and Iran.", {"Qian": "PERSON", "Sri Lanka": "PERSON"}, {"Sri Lanka": "State"}),
    ("Born in Memphis, Tenn., he moved north.", {"Memphis": "GPE", "Tenn.": "PERSON"}, {"Tenn.": "Location"}),
    ("President Ilham Aliyev met Azerbaijani diplomats.", {"Ilham Aliyev": "PERSON", "Azerbaijani": "PERSON"}, {"Azerbaijani": "State"}),
    # a town whose name is a first name too: after "in", before a state that ends the phrase, as a company's home
    ("The rally was held in Charlotte on Monday.", {"Charlotte": "PERSON"}, {"Charlotte": "Location"}),
    ("Becton Dickinson Co. of Franklin Lakes, N.J., donates the containers.",
     {"Becton Dickinson Co.": "ORG", "Franklin Lakes": "PERSON", "N.J.": "GPE"}, {"Franklin Lakes": "Location"}),
    ("Waste Disposal Co. of Randolph offers a pickup service.", {"Waste Disposal Co.": "ORG", "Randolph": "PERSON"},
     {"Randolph": "Location"}),
    ("James Dickey, Georgia born, has been writer in residence.", {"James Dickey": "PERSON", "Georgia": "GPE"},
     {"James Dickey": "Person"}),
    # the second of conjoined names stands where the first does
    ("Nancy Cowan chairs the Red Cross for Calcasieu and Cameron parishes.",
     {"Nancy Cowan": "PERSON", "Red Cross": "ORG", "Calcasieu": "LOC", "Cameron": "PERSON"}, {"Cameron": "Location"}),
    # a name no gazetteer knows needs a strong locative or a state after a comma
    ("The plane could have landed in Gyandzha.", {"Gyandzha": "PERSON"}, {"Gyandzha": "Location"}),
    ("The depot at Quill Wells, Texas, closed.", {"Quill Wells": "PERSON", "Texas": "GPE"}, {"Quill Wells": "Location"}),
    ("Police questioned Brandvold about the fire.", {"Brandvold": "PERSON"}, {"Brandvold": "Person"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), PLACE_READ_AS_PERSON_CASES, ids=[c[0][:40] for c in PLACE_READ_AS_PERSON_CASES])
def test_a_place_read_as_a_person_is_a_place_only_with_a_place_s_syntax(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


STATE_OR_COMMON_WORD_CASES = [
    # a state, or its capital, read as a person speaks for the state
    ("Norway said it would fund the missiles.", {"Norway": "PERSON"}, {"Norway": "State"}),
    ("Canberra raises concerns over the deal.", {"Canberra": "PERSON"}, {"Canberra": "State"}),
    # ... unless the name is a given name too, or a title stands before it
    ("Chad said he would come.", {"Chad": "PERSON"}, {"Chad": "Person"}),
    ("President Washington said the war was over.", {"Washington": "PERSON"}, {"Washington": "Person"}),
    # a common word opening a sentence is no name, whatever the tagger read
    ("Gunmen shot dead a candidate in Uruapan.", {"Gunmen": "GPE", "Uruapan": "GPE"}, {"Gunmen": None, "Uruapan": "Location"}),
    ("Much depends on Abiy.", {"Much": "PERSON", "Abiy": "PERSON"}, {"Much": None, "Abiy": "Person"}),
    # ... but a known name opening a sentence stays
    ("Turkey offers talks.", {"Turkey": "GPE"}, {"Turkey": "State"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), STATE_OR_COMMON_WORD_CASES, ids=[c[0][:40] for c in STATE_OR_COMMON_WORD_CASES])
def test_a_state_read_as_a_person_and_a_common_word_read_as_a_name(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


EXTENT_CASES = [
    # a separating dash ends a name: a dateline and the story's first name
    ("TBILISI - Nino Kapanadze has joined the rallies.", {"TBILISI - Nino Kapanadze": "ORG"},
     {"TBILISI": "Location", "Nino Kapanadze": "Person"}),
    # ... a hyphen inside a name does not
    ("Jens-Frederik Nielsen said the island was not for sale.", {"Jens-Frederik Nielsen": "PERSON"}, {"Jens-Frederik Nielsen": "Person"}),
    # a person's title in front of a name is not the organization's
    ("An air pocket was their only hope, said Coast Guard Lt. Steve Hardy.", {"Coast Guard Lt": "ORG", "Steve Hardy": "PERSON"},
     {"Coast Guard": "Organization", "Steve Hardy": "Person"}),
    ("Officers from Madison County arrived.", {"Madison County": "GPE"}, {"Madison County": "Location"}),
    # an organization's name the tagger cut after its organization word goes on
    ("Alan Cranston chairs the Senate Committee on Veterans Affairs.",
     {"Alan Cranston": "PERSON", "Senate Committee": "ORG", "Veterans Affairs": "ORG"},
     {"Senate Committee on Veterans Affairs": "Organization"}),
    ("He leads the Carnegie Foundation for the Advancement of Teaching.", {"Carnegie Foundation": "ORG"},
     {"Carnegie Foundation for the Advancement of Teaching": "Organization"}),
    # ... and so does a building's or site's name cut before its "of", by words the tagger left untagged
    ("The envoys met at the Grand Pavilion of the Republic on Monday.", {"Grand Pavilion": "FAC"},
     {"Grand Pavilion of the Republic": "Location"}),
    ("Ships sailed into the Gulf of Aden on Friday.", {"Gulf": "LOC", "Aden": "GPE"}, {"Gulf": "Location", "Gulf of Aden": None}),
    # a place and the person named after it, read as one: two
    ("Its envoy in Tirana, Pavel Dorin, said talks would resume.", {"Tirana, Pavel Dorin": "GPE"},
     {"Tirana": "Location", "Pavel Dorin": "Person"}),
    # ... but not over a place, a date or a company's home
    ("The Supreme Court of Canada ruled on Thursday.", {"Supreme Court": "ORG", "Canada": "GPE", "Thursday": "DATE"},
     {"Supreme Court": "Organization", "Canada": "State"}),
    ("Keen Corp. of New York settled.", {"Keen Corp.": "ORG", "New York": "GPE"}, {"Keen Corp.": "Organization", "New York": "Location"}),
    # function words at a name's end, and a sentence's first word that is no name, are not the name's
    ("He was treated at a hospital in Gosforth in northeast England.", {"Gosforth in": "GPE", "England": "GPE"}, {"Gosforth": "Location"}),
    ("Welcoming Mr. Tavaya, President Moi praised the envoy.", {"Welcoming Mr. Tavaya": "PERSON", "Moi": "PERSON"},
     {"Tavaya": "Person"}),
    ("An Wang developed the memory device.", {"An Wang": "PERSON"}, {"An Wang": "Person"}),
    # the end of a title in front of a person's name is not the name's
    ("Secretary of State Marco Rubio called the attack reckless.", {"State Marco Rubio": "ORG"}, {"Marco Rubio": "Person"}),
    # a place or body, a person's title and a name read as one: the place, and the person the title names
    ("Voters may yet upset Oregon Sen. Dale Whitcomb in May.", {"Oregon Sen. Dale Whitcomb": "ORG"},
     {"Oregon": "Location", "Dale Whitcomb": "Person", "Oregon Sen. Dale Whitcomb": None}),
    ("The talks were led by Field Marshal Tomas Varga on Friday.", {"Field Marshal Tomas Varga": "ORG"},
     {"Tomas Varga": "Person", "Field": None}),
    # a department's word in front of a post is part of the title, no organization
    ("Labor Secretary Dana Pruitt resigned.", {"Labor": "ORG", "Dana Pruitt": "PERSON"}, {"Labor": None, "Dana Pruitt": "Person"}),
    ("Finance Cabinet Secretary Joel Oduya spoke.", {"Finance Cabinet": "ORG", "Joel Oduya": "PERSON"},
     {"Finance Cabinet": None, "Joel Oduya": "Person"}),
    # a title alone, tagged as a person right before the name it goes with, is no name
    ("The car was found, according to Sgt. Lena Ortiz of the traffic unit.", {"Sgt.": "PERSON", "Lena Ortiz": "PERSON"},
     {"Sgt": None, "Sgt.": None, "Lena Ortiz": "Person"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), EXTENT_CASES, ids=[c[0][:40] for c in EXTENT_CASES])
def test_a_name_s_extent_leaves_out_dashes_and_titles(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


@pytest.mark.parametrize(("text", "labels", "expected"), [
    ("MINSK, March 18 (Agency) - Russia and Belarus signed an agreement.", {"MINSK": "GPE", "Russia": "GPE", "Belarus": "GPE"},
     {"MINSK": "Location"}),
    ("Minsk signed an agreement with Moscow.", {"Minsk": "GPE", "Moscow": "GPE"}, {"Minsk": "State"}),
    # the document's dateline after its headline; a capital acting in the story is its state
    ("Talks stall\n\nMOSCOW, March 3 (Andes Wire) - Kyiv warned Minsk on Monday.",
     {"MOSCOW": "GPE", "Kyiv": "GPE", "Minsk": "GPE"}, {"MOSCOW": "Location", "Kyiv": "State"}),
    # read by its form where the tagger misreads the capitals: every place, a named agency
    ("Talks stall\n\nKUALA LUMPUR - When Thai troops fought, Malaysia mediated.", {"KUALA": "ORG", "Malaysia": "GPE"},
     {"KUALA LUMPUR": "Location", "KUALA": None, "Malaysia": "State"}),
    ("NEW DELHI/ISLAMABAD, Feb 20 (Andes Wire) - Indian troops fired.", {"NEW DELHI": "GPE"},
     {"NEW DELHI": "Location", "ISLAMABAD": "Location", "Andes Wire": "Organization"}),
    ("BOGOTÁ, Sept. 8, 2026 (Wire) - Rebels ambushed a patrol.", {"BOGOTÁ": "ORG"}, {"BOGOTÁ": "Location", "Wire": None}),
    ("PORT-AU-PRINCE, April 2 (ESNA) -- Gangs attacked.", {"AU": "ORG"}, {"PORT-AU-PRINCE": "Location", "ESNA": "Organization"}),
    ("TOLEDO, Ohio - The parents sued the city.", {"TOLEDO": "GPE"}, {"TOLEDO": "Location", "Ohio": "Location"}),
    # ... a dash after the dateline ends it, not the name that follows
    ("TBILISI - Nino Kapanadze has joined the rallies.", {"TBILISI - Nino Kapanadze": "ORG"},
     {"TBILISI": "Location", "Nino Kapanadze": "Person"}),
    # capitals that open no line, or no dash after them, are no dateline
    ("He said: NATO - and the EU - must act.", {"NATO": "ORG", "EU": "ORG"}, {"NATO": "Organization", "EU": "Organization"}),
])
def test_a_dateline_is_a_place_never_an_actor(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


SEAT_CASES = [
    # a seat of government that is a city of its state is a place where it is no actor; one that is no city always speaks
    ("The tribunal sat in The Hague for a week.", {"The Hague": "GPE"}, {"Hague": "Location"}),
    ("Aid flights landed in Port Sudan overnight.", {"Port Sudan": "GPE"}, {"Port Sudan": "Location"}),
    ("Putrajaya said it would mediate the dispute.", {"Putrajaya": "GPE"}, {"Putrajaya": "State"}),
    ("Officials in Whitehall said they would respond.", {"Whitehall": "GPE"}, {"Whitehall": "State"}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), SEAT_CASES, ids=[c[0][:40] for c in SEAT_CASES])
def test_a_seat_that_is_a_city_of_its_state_speaks_for_it_only_as_an_actor(text, labels, expected):
    found = types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


def all_types(text: str, labels: dict[str, str | list[str]]) -> dict[str, set[str]]:
    """Each named mention's surface form and the types kg gives its occurrences."""
    found: dict[str, set[str]] = {}
    for m in analysed(text, labels).mentions:
        if not m.via_coreference:
            found.setdefault(m.text, set()).add(m.type.value)
    return found


ONE_TYPE_CASES = [
    # even evidence: a bare name is a person rather than an organization
    ("Warner's lawyers met on Monday. Warner is trying to settle the case.", {"Warner": ["ORG", "PERSON"]}, {"Warner": {"Person"}}),
    # a mention typed by the words around it outweighs the tagger's labels
    ("Pepco spokesman Kevin Kelly spoke on Monday. Pepco would pay, and Pepco apologised.",
     {"Pepco": ["PERSON", "PERSON", "ORG"], "Kevin Kelly": "PERSON"}, {"Pepco": {"Organization"}}),
    # a capital is its state's actor or a place, not both, in one document
    ("Moscow said it would respond, and Moscow warned Kyiv. Protesters gathered in Moscow.",
     {"Moscow": "GPE", "Kyiv": "GPE"}, {"Moscow": {"State"}}),
]


@pytest.mark.parametrize(("text", "labels", "expected"), ONE_TYPE_CASES, ids=[c[0][:40] for c in ONE_TYPE_CASES])
def test_one_type_per_name_in_a_document(text, labels, expected):
    found = all_types(text, labels)
    assert {name: found.get(name) for name in expected} == expected


@pytest.mark.parametrize(("readings", "expected"), [
    ([("Organization", False), ("Person", False)], "Person"),  # even: the precedence
    ([("Organization", False), ("Organization", False), ("Person", False)], "Organization"),  # most mentions
    ([("Organization", True), ("Person", False), ("Person", False)], "Organization"),  # certain mentions first
    ([("State", True), ("Location", True)], "State"),
    ([("Location", True), ("Location", True), ("State", True)], "Location"),
])
def test_settled_type_weighs_certain_mentions_first(readings, expected):
    from kg.entities import MentionSpan, settled_type
    from kg.model import EntityType

    mentions = [
        MentionSpan(start=i, end=i + 1, start_char=i, end_char=i + 1, text="X", type=EntityType(kind), key=f"k{i}", sentence=0, certain=certain)
        for i, (kind, certain) in enumerate(readings)
    ]
    assert settled_type(mentions).value == expected


def referents(text: str, labels: dict[str, str | list[str]]) -> list[set[str]]:
    """The named mentions' surface forms grouped by the entity kg gives them."""
    groups: dict[str, set[str]] = {}
    for m in analysed(text, labels).mentions:
        if not m.via_coreference:
            groups.setdefault(m.key, set()).add(m.text)
    return sorted(groups.values(), key=sorted)


FRAGMENT_CASES = [
    # the last words of an organization's or place's name
    ("The European Commission proposed the rules. The Commission said it would wait.",
     {"European Commission": "ORG", "Commission": "ORG"}, [{"Commission", "European Commission"}]),
    ("Qatar hosted the Democratic Republic of Congo. Congo sent a delegation.",
     {"Qatar": "GPE", "Democratic Republic of Congo": "GPE", "Congo": "LOC"},
     [{"Congo", "Democratic Republic of Congo"}, {"Qatar"}]),
    # a name with a common noun after it
    ("Farmers protested against the Mercosur bloc. Mercosur said talks would go on.",
     {"Mercosur bloc": "ORG", "Mercosur": "ORG"}, [{"Mercosur", "Mercosur bloc"}]),
    ("Plants in the Tver region will make parts. Tver is north of Moscow.",
     {"Tver region": "LOC", "Tver": "GPE", "Moscow": "GPE"}, [{"Moscow"}, {"Tver", "Tver region"}]),
    ("The Mercosur bloc met. The Mercosur secretariat is in Montevideo, and Mercosur said talks would go on.",
     {"Mercosur bloc": "ORG", "Mercosur secretariat": "ORG", "Mercosur": "ORG", "Montevideo": "GPE"},
     [{"Mercosur", "Mercosur bloc", "Mercosur secretariat"}, {"Montevideo"}]),
    # a bare direction: a state of a conjoined name, the one name it starts, or nothing
    ("The talks between South and North Korea stalled.", {"South": "GPE", "North Korea": "GPE"}, [{"North Korea"}, {"South"}]),
    ("Envoys urged North and South Korea to meet.", {"North and South Korea": "LOC"}, [{"North"}, {"South Korea"}]),
    ("North Korea fired a missile. Seoul would talk if the North stopped testing.",
     {"North Korea": "GPE", "Seoul": "GPE", "North": "LOC"}, [{"North", "North Korea"}, {"Seoul"}]),
    ("Booth thought he could save the South by killing Lincoln.", {"Booth": "PERSON", "South": "LOC", "Lincoln": "PERSON"},
     [{"Booth"}, {"Lincoln"}]),
    # ... but not a known place, a part, a plural, a numbered body or an ambiguous fragment
    ("South Africa is the largest economy in Africa.", {"South Africa": "GPE", "Africa": "LOC"}, [{"Africa"}, {"South Africa"}]),
    ("Fighting cut off Darfur. El Fasher is the capital of North Darfur.",
     {"Darfur": "LOC", "El Fasher": "GPE", "North Darfur": "LOC"}, [{"Darfur"}, {"El Fasher"}, {"North Darfur"}]),
    ("Rain fell over the Tennessee valleys and flooded streets in Tennessee.",
     {"Tennessee valleys": "LOC", "Tennessee": "GPE"}, [{"Tennessee"}, {"Tennessee valleys"}]),
    ("Winter sits on the 2nd U.S. Circuit Court of Appeals, Starr on the U.S. Circuit Court of Appeals.",
     {"Winter": "PERSON", "2nd U.S. Circuit Court of Appeals": "ORG", "Starr": "PERSON", "U.S. Circuit Court of Appeals": "ORG"},
     [{"2nd U.S. Circuit Court of Appeals"}, {"Starr"}, {"U.S. Circuit Court of Appeals"}, {"Winter"}]),
]


@pytest.mark.parametrize(("text", "labels", "expected"), FRAGMENT_CASES, ids=[c[0][:40] for c in FRAGMENT_CASES])
def test_a_fragment_of_a_name_is_its_entity(text, labels, expected):
    assert referents(text, labels) == expected


PEOPLE_CASES = [
    ("Ursula von der Leyen spoke first. Von der Leyen said the deal was fair.",
     {"Ursula von der Leyen": "PERSON", "Von der Leyen": "PERSON"}, [{"Ursula von der Leyen", "Von der Leyen"}]),
    ("Ursula von der Leyen spoke first. von der Leyen said the deal was fair.",
     {"Ursula von der Leyen": "PERSON", "von der Leyen": "PERSON"}, [{"Ursula von der Leyen", "von der Leyen"}]),
    ("General Abdel Fattah al-Burhan rejected the plan. Burhan said the army would fight on.",
     {"Abdel Fattah al-Burhan": "PERSON", "Burhan": "PERSON"}, [{"Abdel Fattah al-Burhan", "Burhan"}]),
    ("Xi Jinping met the envoy. Xi said ties were strong.", {"Xi Jinping": "PERSON", "Xi": "PERSON"}, [{"Xi", "Xi Jinping"}]),
    # the name after "known as" or "nicknamed" is another name of the one before, wherever it recurs
    ("The militia is led by Idris Tahir Mahmoud, known as Tirza. Tirza denied it.",
     {"Idris Tahir Mahmoud": "PERSON", "Tirza": "PERSON"}, [{"Idris Tahir Mahmoud", "Tirza"}]),
    ("The Coastal Brigades, also known as the Blue Line, took the port.", {"Coastal Brigades": "ORG", "Blue Line": "ORG"},
     [{"Blue Line", "Coastal Brigades"}]),
    # a first name conjoined before a full name shares its surname, whatever the tagger made of it
    ("The men, Ramil and Samir Guliyev, died in custody.", {"Ramil": "GPE", "Samir Guliyev": "PERSON"}, [{"Ramil"}, {"Samir Guliyev"}]),
]


@pytest.mark.parametrize(("text", "labels", "expected"), PEOPLE_CASES, ids=[c[0][:40] for c in PEOPLE_CASES])
def test_a_shorter_name_of_a_person_is_that_person(text, labels, expected):
    assert referents(text, labels) == expected


def test_a_first_name_before_a_conjoined_full_name_is_named_with_its_surname():
    analysis = analysed("The men, Ramil and Samir Guliyev, died in custody.", {"Samir Guliyev": "PERSON"})
    assert {e.name: e.type.value for e in analysis.entities.values()} == {"Ramil Guliyev": "Person", "Samir Guliyev": "Person"}


TITLE_ALIAS_CASES = [
    # a person named with the title in front is named so as well, the title's full stop split off or not
    ("The body was found, according to Sgt. Lena Ortiz of the traffic unit.", {"Lena Ortiz": "PERSON"}, "Sgt. Lena Ortiz"),
    ("President Halvorsen signed the decree.", {"Halvorsen": "PERSON"}, "President Halvorsen"),
]


@pytest.mark.parametrize(("text", "labels", "alias"), TITLE_ALIAS_CASES, ids=[c[0][:40] for c in TITLE_ALIAS_CASES])
def test_a_person_named_with_a_title_has_the_titled_name_as_an_alias(text, labels, alias):
    (person,) = [e for e in analysed(text, labels).entities.values() if e.type.value == "Person"]
    assert alias in person.aliases
