"""Entity stage: type spaCy's entities to the ontology, merge mentions of one
referent, and resolve pronouns, role nouns and "the country" to entities.

Works on a parsed spaCy ``Doc``; returns plain ``Entity`` records plus a
token index that the relation stage uses to map arguments to entities.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from dataclasses import dataclass, field
from enum import Enum

from kg.gazetteer import Gazetteer
from kg.lexicon import Lexicon, title_head
from kg.model import Entity, EntityType, Mention
from kg.names import name_words, normalize

PLACE_LABELS = {"GPE", "LOC", "FAC"}
# Syntactic roles in which a capital stands for its state's government.
ACTOR_DEPS = {"nsubj", "nsubjpass", "dobj", "poss", "agent", "appos", "dative"}
COREF_WINDOW = 4
# Capitalised common nouns that spaCy sometimes tags as names on their own.
GENERIC_NAMES = {
    "state", "government", "army", "military", "police", "ministry", "department", "court", "council",
    "committee", "navy", "administration", "president", "parliament", "cabinet", "embassy", "agency",
}  # sentences to look back for an antecedent


@dataclass
class MentionSpan:
    """A mention while the stage works on it (token offsets into the Doc)."""

    start: int  # token index
    end: int  # token index, exclusive
    start_char: int
    end_char: int
    text: str  # surface form without a leading "the" or possessive
    type: EntityType
    key: str
    sentence: int
    via_coreference: bool = False
    demonym: bool = False  # "Russian" in "Russian forces": the state named only as an adjective
    certain: bool = False  # typed by a gazetteer or the words around it, not by the tagger's label alone


@dataclass
class EntityAnalysis:
    """What the relation stage needs: entities, mentions and a token index."""

    entities: dict[str, Entity]
    mentions: list[MentionSpan]
    token_keys: dict[int, MentionSpan] = field(default_factory=dict)
    headline_end: int = 0  # character offset where the headline line ends
    dateline: Dateline | None = None  # the wire dateline opening the story, if any

    def at(self, token_index: int) -> MentionSpan | None:
        return self.token_keys.get(token_index)

    def nearest_before(self, char: int, types: set[EntityType], *, sentence: int, window: int = COREF_WINDOW) -> MentionSpan | None:
        candidates = [
            m for m in self.mentions
            if m.type in types and not m.via_coreference and m.end_char <= char and sentence - m.sentence <= window
        ]
        return max(candidates, key=lambda m: m.start_char, default=None)

    def first_after(self, char: int, types: set[EntityType]) -> MentionSpan | None:
        candidates = [m for m in self.mentions if m.type in types and not m.via_coreference and m.start_char >= char]
        return min(candidates, key=lambda m: m.start_char, default=None)


def _surface(text: str) -> str:
    text = re.sub(r"^(the|The|THE)\s+", "", text.strip())
    text = re.sub(r"(['’]s|['’])$", "", text).strip()
    return text


def _person_name(span, lexicon: Lexicon) -> tuple[str, int]:
    """The name without leading titles and honorifics, and how many tokens were dropped."""
    titles = lexicon.cue("honorifics") | lexicon.cue("government_organ_words")
    tokens = list(span)
    dropped = 0
    while tokens and (
        tokens[0].lower_.rstrip(".") in titles or tokens[0].lower_ in lexicon.titles or tokens[0].is_punct
    ) and len(tokens) > 1:
        tokens.pop(0)
        dropped += 1
    if not tokens:
        return "", dropped
    text = span.doc[tokens[0].i : tokens[-1].i + 1].text  # not doc.text: spaCy rebuilds that from every token
    return _surface(text), dropped


def _acts(span, event_nouns=frozenset()) -> bool:
    """True when a place name is used as an actor ("Moscow warned"), not a place ("in Moscow");
    also the party of a named event: "support for Copenhagen", "criticism of Tokyo"."""
    root = span.root
    if root.dep_ in ACTOR_DEPS:
        return True
    if root.dep_ == "conj":
        return _acts(root.head.doc[root.head.i : root.head.i + 1], event_nouns)
    if root.dep_ == "pobj" and root.head.lower_ in {"for", "of", "to", "against", "with"} and (
        root.head.head.lemma_.lower() in event_nouns or root.head.head.lower_ in event_nouns
    ) and root.head.head.lemma_.lower() not in {"visit", "trip", "journey", "flight", "return"}:
        return True
    if root.dep_ == "compound" and root.head.lemma_.lower() in {"official", "officials", "government", "forces", "troops", "authorities"}:
        return True
    return root.dep_ == "pobj" and root.head.lower_ in {"by", "with", "against", "on", "between", "toward", "towards"}


class _EntityBuilder:
    def __init__(self, doc, gazetteer: Gazetteer, lexicon: Lexicon):
        self.doc = doc
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.sentence_of = {}
        for number, sentence in enumerate(doc.sents):
            self.sentence_of.update(dict.fromkeys(range(sentence.start, sentence.end), number))
        self.names: dict[str, str] = {}  # key -> canonical name
        self.identifiers: dict[str, tuple[tuple[str, str], ...]] = {}
        self.extra_aliases: dict[str, list[str]] = defaultdict(list)
        self.first_names: dict[str, str] = {}  # person key -> first name, for pronoun agreement
        self.labels_at = {i: e.label_ for e in doc.ents for i in range(e.start, e.end)}  # the tagger's label of each token
        self.dateline = dateline(doc)

    # ---------------------------------------------------------------- typing
    def classify(self, span) -> MentionSpan | None:
        span = _trim(span)
        if span is None:
            return None
        span = self._without_trailing_title(span)
        label = span.label_
        text = _surface(span.text)
        if not text or not any(c.isalpha() for c in text):
            return None
        if (common_word_opening_a_sentence(span) and not self._known_name(text)) or self._department_of_a_post(span):
            return None
        organization = self._organization(span, text)
        label, certain = self._label(span, text, organization)
        mention = self._typed_mention(span, text, label, organization)
        if mention is not None:
            # a capital's actor reading and its place reading are both the gazetteer's
            known = mention.key in self.identifiers or self.gazetteer.seat(text) is not None
            mention.certain = certain or known or (mention.type is EntityType.PERSON and self._person_named(span, text))
        return mention

    def _typed_mention(self, span, text: str, label: str, organization) -> MentionSpan | None:
        if label == "PERSON":
            name, dropped = _person_name(span, self.lexicon)
            if not name or name.islower() or self._title_of_next_person(span):
                return None
            key = "person:" + normalize(name)
            if dropped:
                self.extra_aliases[key].append(_surface(span.text))
            elif (title := self._title_before(span.start)) is not None:
                # "President Lincoln", "Sgt. Frank Martinez": gold sets and readers often name people with their title.
                self.extra_aliases[key].append(self.doc[title : span.end].text)
            return self._mention(span, name, EntityType.PERSON, key, start=span.start + dropped)
        state = self.gazetteer.state(text)
        if state is not None and label in PLACE_LABELS | {"NORP", "ORG"}:
            return self._state(span, text, state)
        # A body the gazetteer names ("United States Department of State") is that
        # organization; only unnamed organs ("the Russian Foreign Ministry") speak for their state.
        organ = self._government_organ(text) if label == "ORG" and not organization else None
        if organ is not None:
            return self._state(span, text, organ)  # "the Russian Foreign Ministry" speaks for Russia
        seat = self.gazetteer.seat(text)
        # a seat that is a city of its state ("Moscow", "The Hague", "Port Sudan") is the state only
        # as an actor; one that is no city ("the Kremlin", "Whitehall") always
        city = seat is not None and (self.gazetteer.is_capital_city(text) or self.gazetteer.is_city_of(text, seat))
        if seat is not None and (not city or (_acts(span, self.lexicon.event_nouns) and not self._in_dateline(span))):
            return self._state(span, text, seat)
        if organization is not None and label in PLACE_LABELS | {"ORG", "NORP", "PERSON"}:
            self.names[organization.key] = organization.name
            self.identifiers[organization.key] = organization.identifiers
            return self._mention(span, text, EntityType.ORGANIZATION, organization.key)
        if len(span) == 1 and span[0].lower_ in GENERIC_NAMES:
            return None  # "State" in "Secretary of State", "Army" alone: not a named entity
        if label in PLACE_LABELS:
            return self._mention(span, text, EntityType.LOCATION, "location:" + normalize(text))
        if label == "ORG":
            return self._mention(span, text, EntityType.ORGANIZATION, "org:" + normalize(text))
        return None

    def _department_of_a_post(self, span) -> bool:
        """"Defense" of "Defense Secretary Pete Hegseth", "Treasury Cabinet" of "Treasury Cabinet
        Secretary John Mbadi": a department's word in front of a post is part of the title, no
        organization's name."""
        organ_words = self.lexicon.cue("government_organ_words")
        following = self.doc[span.end] if span.end < len(self.doc) else None
        return (
            span.label_ == "ORG" and following is not None and self._is_post_word(following)
            and all(t.is_title and t.lower_ in organ_words for t in span) and self._organization(span, span.text) is None
        )

    def _title_before(self, start: int) -> int | None:
        """Where the title right before a name starts ("President" of "President Lincoln",
        "Sgt" "." of "Sgt. Frank Martinez" with its full stop split off), or None."""
        i = start - 1
        if i > 0 and self.doc[i].text == "." and not self.doc[i - 1].whitespace_:
            i -= 1
        return i if i >= 0 and self._is_title_word(self.doc[i]) else None

    def _title_of_next_person(self, span) -> bool:
        """"Sgt." + "Frank Martinez" tagged as two people: a title alone, right before the
        name it goes with, is no one's name."""
        if not all(t.is_punct or self._is_title_word(t) for t in span):
            return False
        following = span.end + (span.end < len(self.doc) and self.doc[span.end].text == ".")
        return self.labels_at.get(following) == "PERSON" and not any(e.start < following < e.end for e in self.doc.ents)

    def _without_trailing_title(self, span):
        """"Coast Guard Lt. Steve Hardy" read as "Coast Guard Lt" and a person: the title
        in front of a name is neither the organization's nor a name."""
        from spacy.tokens import Span

        end = span.end
        following = self.doc[end] if end < len(self.doc) else None
        if following is not None and following.text == "." and end + 1 < len(self.doc):
            following = self.doc[end + 1]  # "Lt" "." "Steve": the abbreviation's full stop split off
        while end - span.start > 1 and following is not None and following.is_title and self._is_post_word(self.doc[end - 1]):
            end -= 1
        if end == span.end or span.label_ == "PERSON":
            return span
        return Span(self.doc, span.start, end, label=span.label_, kb_id=span.kb_id_)

    def _label(self, span, text: str, organization) -> tuple[str, bool]:
        """The spaCy label a span is typed by: the tagger's, unless the gazetteers or the
        words around the name say otherwise. The words around a name are the stronger
        evidence: the tagger reads "Greenland" or "Belaruskali" as people, but "the town
        of Bint Jbeil" is a place and "manager of Bradley First Air" works for an organization.
        The flag says whether such evidence decided, or the tagger's label alone."""
        label = span.label_
        if label == "NORP" and self.gazetteer.state(text) is None and self.gazetteer.is_place(text):
            label = "GPE"  # "a Memphis native" tagged as a nationality
        if label not in PLACE_LABELS | {"PERSON", "ORG"}:
            return label, False
        if self._dateline_agency(span):
            return "ORG", True  # "(ESNA)" after a dateline's place and date: the agency that filed it
        if label == "PERSON" and organization:
            return "ORG", True  # "Xinhua said" tagged as a person: the whole name is a known organization's
        known_place = self._known_place(text)
        around = context_category(span, self.lexicon)
        if around is Context.TRADE:
            # "Ana Kovach, a market trader" is the trader; "potash producer Belaruskali" the producer
            around = Context.PERSON if label == "PERSON" and self._name_shaped(text) else Context.ORGANIZATION
        if label == "PERSON" and self._organization_word_before(span):
            return "ORG", True  # "the aid group Hope Convoy": a first name does not make a group a person
        if label in {"GPE", "LOC"} and around is Context.EMPLOYER and not (organization or known_place) and self._name_ending(text) == "ORG":
            return "ORG", True  # "head of the Ballistic Missile Development Organization"; not "died at Shands Hospital"
        if label == "ORG" and not organization and self._name_ending(text) is None and self._among_places(span):
            return "GPE", True  # "to Fordow or Natanz", "camps around Cox's Bazar" tagged as organizations
        if label == "PERSON" and around in (Context.EMPLOYER, Context.ORGANIZATION) and self._person_like(text):
            return label, True  # "Fred Coe, a director-producer", "author of Rip Van Winkle": a first name is stronger
        if around is Context.EMPLOYER:
            # "manager of X", "X spokesman", "X's president": X employs people, it is no person
            return (label if label != "PERSON" else "GPE" if known_place else "ORG"), True
        if around is Context.ORGANIZATION and not known_place:
            return "ORG", True  # "potash producer Belaruskali"
        if around is Context.PLACE and not organization:
            return (label if label in PLACE_LABELS else "GPE"), True  # "the town of Bint Jbeil", "the Kerem Shalom crossing"
        if around is Context.PERSON and not (known_place or organization):
            return "PERSON", True  # "actress Angie Dickinson"
        if label == "PERSON" and self._state_or_capital_name(span, text):
            return "GPE", True  # "Norway said ...", "Canberra raises concerns": a state speaks, or its capital for it
        if label != "ORG" and person_cue(span, self.lexicon):
            # "Albrecht, 54,", "Wright said", "Anderson's sister": a person whatever a gazetteer of
            # towns says ("Wright", "Anderson" are towns as well); organizations speak too
            if label == "PERSON" or not (known_place or organization):
                return "PERSON", True
        if label in {"PERSON", "ORG"} and not organization and (kind := self._name_ending(text)) is not None and kind != label:
            # "Golden Pier Logistics", "Trapper Creek" tagged as people; a base, a station or a
            # plant is a place, whoever runs it ("Andrews Air Force Base", "Hanford Site")
            if label == "PERSON" or kind == "FAC":
                return kind, True
        if label == "ORG" and self.gazetteer.is_place(text) and not organization:
            return "GPE", True  # "Boise" tagged as an organization
        if label in {"ORG", "GPE", "LOC"} and not _modifies_common_noun(span) and (self._looks_like_person(span, text) or self._titled_person(span)):
            # "Marie Magdefrau Ferraro", "(Secretary of) State Marco Rubio" tagged as an organization;
            # not "the Sabine Pass station", "the Rocky Flats plant": a name in front of a thing's noun
            return "PERSON", True
        if label == "PERSON" and self._place_read_as_person(span, text):
            return "GPE", True  # "in Heuchelheim", "smoke hung over Boise", "in Gyandzha" tagged as a person
        return label, False

    def _in_dateline(self, span) -> bool:
        """Inside the document's dateline ("MINSK, March 18 (Agency) -"): where the story
        was filed, never an actor."""
        found = self.dateline
        return found is not None and found.start <= span.start and span.end <= found.stop

    def _dateline_agency(self, span) -> bool:
        agency = self.dateline.agency if self.dateline is not None else None
        return agency is not None and (span.start, span.end) == (agency.start, agency.end)

    def _organization_word_before(self, span) -> bool:
        """The word just before a name is a lower-case organization word compounded with it
        ("the aid group Hope Convoy", "the militia Grace Brigade"), which no person's name has."""
        if span.start == 0:
            return False
        before, root = self.doc[span.start - 1], span.root
        tied = (before.dep_ == "compound" and span.start <= before.head.i < span.end) or (root.dep_ == "appos" and root.head.i == before.i)
        return tied and before.is_lower and before.pos_ == "NOUN" and before.lower_ in self.lexicon.cue("organization_words")

    def _titled_person(self, span) -> bool:
        """A person's name behind words of a title: "State Marco Rubio" (of "Secretary of
        State"), "Interior Mauri Pekkarinen"; _person_name drops the title's words."""
        name, dropped = _person_name(span, self.lexicon)
        return dropped > 0 and self._person_like(name)

    def _person_like(self, text: str) -> bool:
        """Two to four capitalised words that start with a known first name and hold no
        organization or place word: "Fred Coe", not "Bradley First Air"."""
        first = text.split()[0] if text.split() else ""
        if first.lower().rstrip(".") in self.lexicon.cue("honorifics") or first.lower() in self.lexicon.titles:
            return False  # "General Electric": a title, though "General" is a first name too
        return self._name_shaped(text) and gender_of(first) != "unknown"

    def _name_shaped(self, text: str) -> bool:
        """Two to four capitalised words with no organization or place word: a person's
        name's shape ("Fred Coe", "Ana Kovach"), whatever its first name."""
        words = text.split()
        if not 2 <= len(words) <= 4 or not all(w[:1].isupper() for w in words):
            return False
        lowered = {w.lower().strip(",") for w in words}
        return not lowered & (self.lexicon.cue("organization_words") | self.lexicon.cue("place_words") | self.lexicon.cue("facility_words"))

    def _name_ending(self, text: str) -> str | None:
        """"ORG" or "GPE" for a name of several words that ends in an organization, a
        place or a facility word and does not start with a first name: "Golden Pier
        Logistics", "Trapper Creek", "Andrews Air Force Base"; not "Frank Church", whose
        first name makes him a person."""
        words = text.split()
        if len(words) < 2 or gender_of(words[0]) != "unknown":
            return None
        last = words[-1].lower()
        head = next((w.lower() for w, after in zip(words, words[1:]) if after in {"of", "for"}), last)  # "Palace of Independence"
        if last in self.lexicon.cue("facility_words") or head in self.lexicon.cue("facility_words"):
            return "FAC"
        if last in self.lexicon.cue("organization_words"):
            return "ORG"
        if last in self.lexicon.cue("place_words") or last in self.lexicon.cue("place_nouns"):
            return "GPE"
        return None

    def _known_name(self, text: str) -> bool:
        """A state's, a major place's or an organization's name (not any town's: there is a "Much")."""
        gazetteer = self.gazetteer
        return (
            gazetteer.state(text) is not None or gazetteer.seat(text) is not None or gazetteer.organization(text) is not None
            or gazetteer.is_major_city(text) or gazetteer.is_us_state(text)
        )

    def _known_place(self, text: str) -> bool:
        return self.gazetteer.is_place(text) or self.gazetteer.state(text) is not None or self.gazetteer.seat(text) is not None

    def _organization(self, span, text: str):
        """The gazetteer's organization a span names: by its text, or by the key the
        gazetteer matcher gave the body of "U.S. Senate" read as "U.S." + "Senate"."""
        return self.gazetteer.organization(text) or self.gazetteer.organization_by_key(span.kb_id_)

    def _government_organ(self, text: str):
        """The state whose ministry or government this is: "Russian Foreign Ministry"."""
        words = text.replace("'s", "").split()
        for cut in (1, 2, 3):
            state = self.gazetteer.state(" ".join(words[:cut]))
            rest = {w.lower() for w in words[cut:]}
            if state is not None and rest and rest <= self.lexicon.cue("government_organ_words"):
                return state
        return None

    def _looks_like_person(self, span, text: str) -> bool:
        """A capitalised name of two to four words that starts with a known first name
        and has no organization word in it, and that no gazetteer knows."""
        if self.gazetteer.state(text) or self.gazetteer.seat(text) or self.gazetteer.organization(text) or self.gazetteer.is_place(text):
            return False
        return self._person_like(text)

    def _place_read_as_person(self, span, text: str) -> bool:
        """A place the tagger read as a person. Many surnames are towns as well ("Dole",
        "Mendes", "Wright"), so a known place's name needs a place's syntax too: a
        locative preposition ("smoke hung over Boise"), a place after a comma ("Fort
        Hamilton, Brooklyn"), a conjoined place ("Bratislava and Budapest"). A state's
        name, a US state's or a major city's needs none ("Sri Lanka", "Tenn.",
        "Amsterdam"); a name no gazetteer knows needs a strong locative ("in Gyandzha",
        "near Lemmon")."""
        titled = span.start > 0 and self._is_title_word(self.doc[span.start - 1])
        state = self.gazetteer.state(text) is not None and (" " in text or gender_of(text) == "unknown")  # not "Jordan"
        if not titled and (state or self.gazetteer.is_us_state(text)):
            return True
        if not titled and (self._qualified(span, strict=True) or self._company_home(span)):
            return True  # "Franklin Lakes, N.J.", "Waste Disposal Co. of Randolph": a first name or not
        if not titled and " " not in text and self._known_place(text) and _after_locative(span, STRONG_LOCATIVES, frozenset()):
            return True  # "in Charlotte", "in upper Delmas": a town whose name is also a first name
        if self._person_named(span, text):
            return False
        if self._known_place(text):
            return self.gazetteer.is_major_city(text) or _after_locative(span) or self._place_syntax(span)
        return _after_locative(span, LOCATIVES_FOR_UNKNOWN_NAMES, frozenset()) or self._qualified(span, strict=True)

    def _state_or_capital_name(self, span, text: str) -> bool:
        """A state's or a national capital's name that is no given name ("Norway", "Canberra";
        not "Jordan", "Chad", "Victoria"), not after a title ("President Washington")."""
        if span.start > 0 and self._is_title_word(self.doc[span.start - 1]):
            return False
        if self.gazetteer.state(text) is None and self.gazetteer.seat(text) is None:
            return False
        return " " in text or gender_of(text) == "unknown"

    def _person_named(self, span, text: str) -> bool:
        """A first name starts it, a title precedes it, or a longer person name of the
        document ends with it ("Lincoln" after "Abraham Lincoln")."""
        words = text.split()
        if gender_of(words[0]) != "unknown" or (span.start > 0 and self._is_title_word(self.doc[span.start - 1])):
            return True
        return any(e.label_ == "PERSON" and len(e) > len(span) and e.text.split()[-1] == words[-1] for e in self.doc.ents)

    def _company_home(self, span) -> bool:
        """"Waste Disposal Co. of Randolph", "CH2M Hill Inc. of Corvallis": where a company is."""
        root = span.root
        if root.dep_ != "pobj" or root.head.lower_ != "of" or root.head.i == 0:
            return False
        before = self.doc[root.head.i - 1]
        company = next((e for e in self.doc.ents if e.label_ == "ORG" and e.end - 1 == before.i), None)
        return company is not None and before.lower_.rstrip(".") in self.lexicon.cue("company_suffixes")

    def _among_places(self, span) -> bool:
        """Conjoined with a place the tagger found ("Fordow or Natanz"), or the object of a
        preposition that only places take ("around Cox's Bazar", "across the Line of Control")."""
        root = span.root
        partners = [root.head] if root.dep_ == "conj" else []
        partners += [c for c in root.children if c.dep_ == "conj"]
        if any(self.labels_at.get(t.i) in PLACE_LABELS for t in partners):
            return True
        return _after_locative(span, PLACE_ONLY_PREPOSITIONS, frozenset())

    def _place_syntax(self, span) -> bool:
        """"south of Jamestown", "Fort Hamilton, Brooklyn", "Bratislava and Budapest"."""
        root = span.root
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in DIRECTIONS:
            return True
        if self._qualified(span, strict=False):
            return True
        partners = [root.head] if root.dep_ == "conj" else []
        partners += [c for c in root.children if c.dep_ == "conj"]
        return any(e.label_ in PLACE_LABELS and e.start <= t.i < e.end for t in partners for e in self.doc.ents)

    def _qualified(self, span, *, strict: bool) -> bool:
        """Followed by a comma and a place that qualifies it and ends the phrase: a state
        or US state ("Mineral Wells, Texas"), or, unless ``strict``, any known place."""
        doc = self.doc
        if span.end + 1 >= len(doc) or doc[span.end].text != ",":
            return False
        for length in (1, 2, 3):
            if span.end + 1 + length > len(doc):
                break
            after = doc[span.end + 1 : span.end + 1 + length].text
            closed = span.end + 1 + length == len(doc) or doc[span.end + 1 + length].is_punct  # not "Dickey, Georgia born"
            known = self.gazetteer.is_us_state(after) or self.gazetteer.state(after) is not None
            if closed and (known or (not strict and self.gazetteer.is_place(after))):
                return True
        return False

    def _is_post_word(self, token) -> bool:
        """A capitalised honorific or person's post ("Lt.", "Director"); not "County"."""
        posts = {t.kind for t in self.lexicon.titles.get(token.lower_, ())}
        return token.is_title and (token.lower_.rstrip(".") in self.lexicon.cue("honorifics") or bool(posts & PERSON_POSTS))

    def _is_title_word(self, token) -> bool:
        return token.is_title and (token.lower_.rstrip(".") in self.lexicon.cue("honorifics") or token.lower_ in self.lexicon.titles)

    def _state(self, span, text, state) -> MentionSpan:
        self.names[state.key] = state.name
        self.identifiers[state.key] = state.identifiers
        mention = self._mention(span, text, EntityType.STATE, state.key)
        mention.demonym = normalize(text) in {normalize(d) for d in state.demonyms} and normalize(text) != normalize(state.name)
        return mention

    def _mention(self, span, text, type_, key, *, start: int | None = None) -> MentionSpan:
        start = span.start if start is None else start
        # Drop a leading "the" token from the mention's extent.
        while start < span.end - 1 and self.doc[start].lower_ == "the":
            start += 1
        first = self.doc[start]
        end_char = span.end_char
        return MentionSpan(
            start=start, end=span.end, start_char=first.idx, end_char=end_char, text=text,
            type=type_, key=key, sentence=self.sentence_of.get(start, 0),
        )

    # ---------------------------------------------------------------- merging
    def merge_people(self, mentions: list[MentionSpan]) -> None:
        """Surnames and first names join the nearest full name that contains them: a word
        of it ("Putin", "Xi" of "Xi Jinping", "Burhan" of "al-Burhan"), or its last words
        ("von der Leyen" of "Ursula von der Leyen")."""
        people = [m for m in mentions if m.type is EntityType.PERSON]
        full = [m for m in people if len(m.text.split()) > 1]
        for mention in people:
            words = mention.text.split()
            if len(words) > 1:  # case aside: "Von der Leyen said" opens a sentence
                lowered = [w.lower() for w in words]
                containing = [f for f in full if [w.lower() for w in f.text.split()[-len(words):]] == lowered and len(f.text.split()) > len(words)]
            else:
                containing = [f for f in full if words[0] in name_words(f.text)]
            if not containing:
                continue
            before = [f for f in containing if f.start_char <= mention.start_char]
            chosen = max(before, key=lambda f: f.start_char) if before else min(containing, key=lambda f: f.start_char)
            mention.key = chosen.key

    def propagate(self, mentions: list[MentionSpan]) -> list[MentionSpan]:
        """One name, one referent per document: a known person's surname, or a name
        already typed elsewhere in the text, is a mention wherever it appears again,
        even where the tagger missed it."""
        covered = {i for m in mentions for i in range(m.start, m.end)}
        known: dict[str, MentionSpan] = {}
        for m in mentions:
            if m.via_coreference or m.demonym:
                continue
            known.setdefault(m.text, m)
            words = m.text.split()
            if m.type is EntityType.PERSON and len(words) > 1 and len(words[-1]) > 2:
                known.setdefault(words[-1], m)
        from spacy.symbols import PROPN

        found = []
        proper_nouns = (self.doc.to_array("POS") == PROPN).nonzero()[0].tolist()  # the only tokens that can start one
        for token in (self.doc[i] for i in proper_nouns if i not in covered):
            if not token.is_title and not token.is_upper:
                continue
            for length in (3, 2, 1):
                end = token.i + length
                if end > len(self.doc) or any(i in covered for i in range(token.i, end)):
                    continue
                text = self.doc[token.i : end].text
                source = known.get(text)
                if source is None:
                    continue
                first, last = self.doc[token.i], self.doc[end - 1]
                found.append(MentionSpan(
                    start=token.i, end=end, start_char=first.idx, end_char=last.idx + len(last), text=text,
                    type=source.type, key=source.key, sentence=self.sentence_of.get(token.i, 0),
                ))
                covered.update(range(token.i, end))
                break
        return found

    def retype_surnames(self, mentions: list[MentionSpan]) -> None:
        """A known person's surname mis-tagged as a place or organization is the person."""
        surnames = {}
        for m in mentions:
            if m.type is EntityType.PERSON and len(m.text.split()) > 1:
                surnames.setdefault(m.text.split()[-1], m.key)
        for m in mentions:
            if m.type in (EntityType.LOCATION, EntityType.ORGANIZATION) and m.text in surnames:
                m.type, m.key = EntityType.PERSON, surnames[m.text]

    def coordinated_first_names(self, mentions: list[MentionSpan]) -> list[MentionSpan]:
        """"Ramil and Samir Guliyev": a first name conjoined before a full name shares its
        surname, whatever the tagger made of it ("Ramil" read as a place, or missed)."""
        found = []
        by_start = {m.start: m for m in mentions if not m.via_coreference}
        for person in [m for m in mentions if m.type is EntityType.PERSON and not m.via_coreference]:
            words = person.text.split()
            i = person.start - 2
            if len(words) < 2 or i < 0 or self.doc[i + 1].lower_ not in {"and", "&"} or gender_of(words[0]) == "unknown":
                continue
            token = self.doc[i]
            if not token.is_title or gender_of(token.text) == "unknown" or (i > 0 and self.doc[i - 1].is_title):
                continue  # "Ramil", one capitalised word that is a first name
            name = f"{token.text} {' '.join(words[1:])}"
            key = "person:" + normalize(name)
            self.names[key] = name
            mention = by_start.get(i)
            if mention is not None and mention.end == i + 1:
                mention.type, mention.key, mention.text = EntityType.PERSON, key, token.text
            elif not any(m.start <= i < m.end for m in mentions):
                found.append(MentionSpan(
                    start=i, end=i + 1, start_char=token.idx, end_char=token.idx + len(token), text=token.text,
                    type=EntityType.PERSON, key=key, sentence=self.sentence_of.get(i, 0),
                ))
        return found

    def settle_types(self, mentions: list[MentionSpan]) -> None:
        """One type per name in a document: the tagger reads "Warner's lawyers" as an
        organization and "Warner is trying" as a person, and that is one referent. Its
        type is the one most mentions typed by a gazetteer or by the words around them
        have; failing those, the one most mentions have; ties go to the likelier referent
        of a bare name in news (TYPE_PRECEDENCE: a person first)."""
        names: dict[str, list[MentionSpan]] = defaultdict(list)
        for m in mentions:
            if not m.via_coreference and not m.demonym:
                names[normalize(m.text)].append(m)
        for group in names.values():
            if len({m.type for m in group}) < 2:
                continue
            winner = settled_type(group)
            source = next(m for m in group if m.type is winner)
            for m in group:
                if m.type is not winner:
                    m.type, m.key = winner, source.key

    def continued_organizations(self, entities) -> list:
        """An organization's name that goes on after "of", "for" or "on" where the tagger
        cut it: "Senate Committee" + "on" + "Veterans Affairs", "Carnegie Foundation" +
        "for the Advancement of Teaching". Only a name ending in an organization word the
        gazetteers do not know, continued by capitalised words up to a lower-case word or
        punctuation."""
        from spacy.tokens import Span

        doc, result, inside = self.doc, [], 0
        for span in sorted(entities, key=lambda e: e.start):
            if span.start < inside:
                continue  # a piece of a name continued before it
            end = self._continuation(span)
            result.append(span if end is None else Span(doc, span.start, end, label=span.label_))
            inside = max(inside, end or 0)
        return result

    def _continuation(self, span) -> int | None:
        """Where an organization's name cut after its organization word ends, or None."""
        doc = self.doc
        if span.end + 1 >= len(doc):
            return None
        if self._place_name_cut(span):
            continued = {None}  # "Great Hall" + "of the People": only words the tagger left untagged
        else:
            last = span[-1].lower_.rstrip(".")
            if span.label_ != "ORG" or span.kb_id_ or last not in self.lexicon.cue("organization_words") or last in self.lexicon.cue("company_suffixes"):
                return None  # not "Keen Corp. of New York": a company's home
            if self._organization(span, span.text) is not None or doc[span.end].lower_ not in {"of", "for", "on"}:
                return None
            continued = {None, "ORG"}
        # the continuation: capitalised words the tagger left untagged or read as an organization,
        # never a place, a date or a person it tagged ("Supreme Court of Canada", "on Thursday")
        i = span.end + 1
        if doc[i].lower_ == "the":
            i += 1
        end = None
        while i < len(doc) and self.labels_at.get(i) in continued and (
            doc[i].is_title or doc[i].is_upper or (doc[i].lower_ in {"and", "of", "for", "the"} and end is not None)
        ):
            if doc[i].is_title or doc[i].is_upper:
                end = i + 1
            i += 1
        return end

    def _place_name_cut(self, span) -> bool:
        """A building's or a site's name the tagger cut before its "of" ("Great Hall" of "the
        Great Hall of the People", "Esplanade" of "Esplanade of Ministries"); not a place the
        gazetteers know ("Gulf", "Bay of Bengal" is continued only by untagged words anyway)."""
        doc = self.doc
        return span.label_ in {"LOC", "FAC"} and doc[span.end].lower_ == "of" and span[-1].is_title and not self._known_place(span.text)

    def split_elided_states(self, span) -> list:
        """"North and South Korea" read as one place is two states: "North" (settle_directions
        names it by the rest of the conjoined name) and "South Korea"."""
        from spacy.tokens import Span

        doc = span.doc
        if span.label_ not in PLACE_LABELS | {"ORG", "NORP"} or len(span) < 4 or span[1].lower_ not in {"and", "or", "&"}:
            return [span]
        rest = doc[span.start + 3 : span.end].text
        if self.gazetteer.state(f"{span[0].text} {rest}") is None or self.gazetteer.state(f"{span[2].text} {rest}") is None:
            return [span]
        return [Span(doc, span.start, span.start + 1, label="GPE"), Span(doc, span.start + 2, span.end, label="GPE")]

    def split_titled_person(self, span) -> list:
        """"Illinois Sen. Paul Simon" read as one organization or place is two: the place or
        body in front of a person's title, and the person the title names (typed as a person
        from the title on, which _person_name drops)."""
        from spacy.tokens import Span

        if span.label_ not in PLACE_LABELS | {"ORG", "NORP"} or self._organization(span, span.text) is not None:
            return [span]
        doc = span.doc
        for token in span[1:-1]:
            if not self._is_post_word(token):
                continue
            name, _ = _person_name(doc[token.i : span.end], self.lexicon)
            if not self._person_like(name):
                return [span]
            front = doc[span.start : token.i]
            if all(self._is_title_word(t) or t.is_punct for t in front):
                return [span]  # "Field Marshal Asim Munir": all of it is the title
            label = "GPE" if self._known_place(front.text) else span.label_
            return [Span(doc, span.start, token.i, label=label), Span(doc, token.i, span.end, label="PERSON")]
        return [span]

    def split_qualified_place(self, span) -> list:
        """"Aiken, S.C." read as one place is two: the town and its state or country
        (qualified_place_aliases then names the town "Aiken, S.C." as well)."""
        from spacy.tokens import Span

        commas = [t.i for t in span if t.text == ","]
        if span.label_ not in PLACE_LABELS or len(commas) != 1 or commas[0] in (span.start, span.end - 1):
            return [span]
        container = span.doc[commas[0] + 1 : span.end]
        if self._person_like(container.text) and not self._known_place(container.text):
            # "Its ambassador in Sarajevo, Igor Kalabukhov, said": a place and the person after it
            return [Span(span.doc, span.start, commas[0], label=span.label_), Span(span.doc, container.start, container.end, label="PERSON")]
        if not (self.gazetteer.is_place(container.text) or self.gazetteer.state(container.text)):
            return [span]
        return [Span(span.doc, span.start, commas[0], label=span.label_), Span(span.doc, container.start, container.end, label="GPE")]

    def qualified_place_aliases(self, mentions: list[MentionSpan]) -> None:
        """"North Bend, Ohio" is also a name of North Bend: many writers and gold sets
        name a town together with its state or country."""
        places = {m.start: m for m in mentions if m.type in (EntityType.LOCATION, EntityType.STATE)}
        for mention in places.values():
            if mention.type is not EntityType.LOCATION or mention.end + 1 >= len(self.doc):
                continue
            container = places.get(mention.end + 1)
            if self.doc[mention.end].text == "," and container is not None:
                following = self.doc[container.end] if container.end < len(self.doc) else None
                if following is None or following.lower_ not in {"and", "or"}:
                    self.extra_aliases[mention.key].append(f"{mention.text}, {container.text}")

    def merge_known_as(self, mentions: list[MentionSpan]) -> None:
        """"Mohamed Hamdan Dagalo, known as Hemedti", "the Rapid Support Forces, also known as
        the RSF": the name after "known as" or "nicknamed" is another name of the one before."""
        doc = self.doc
        by_start = {m.start: m for m in mentions if not m.via_coreference}
        for mention in sorted(by_start.values(), key=lambda m: m.start):
            i = mention.end + (mention.end < len(doc) and doc[mention.end].text == ",")
            if i < len(doc) and doc[i].lower_ in {"also", "better", "widely", "commonly"}:
                i += 1
            if i + 1 < len(doc) and doc[i].lower_ == "known" and doc[i + 1].lower_ == "as":
                i += 2
            elif i < len(doc) and doc[i].lower_ == "nicknamed":
                i += 1
            else:
                continue
            i += i < len(doc) and doc[i].lower_ == "the"
            other = by_start.get(i)
            if other is None or other.key == mention.key:
                continue
            merged = other.key
            for m in mentions:
                if m.key == merged:
                    m.key, m.type = mention.key, mention.type

    def merge_fragments(self, mentions: list[MentionSpan]) -> None:
        """A shorter name of an organization or place of the document is that entity: its
        last words ("Commission" after "European Commission", "Congo" after "Democratic
        Republic of Congo"), or its name with a generic noun after it ("Mercosur bloc",
        "Gaza Strip" beside "Gaza"). Only a name the gazetteers do not know, and only
        when one entity fits: "Korea" stays apart beside North and South Korea, and a
        known place ("Africa" beside "South Africa") is a referent of its own."""
        named = [m for m in mentions if not m.via_coreference and not m.demonym and m.type is not EntityType.PERSON]
        for mention in named:
            if mention.key in self.identifiers:
                continue
            targets = {
                other.key: other for other in named
                if other.key != mention.key and _fits(mention.type, other.type) and self._fragment_of(mention.text, other.text)
            }
            if len(targets) > 1:  # "Mercosur bloc" beside "Mercosur" and "Mercosur secretariat": the bare name
                targets = {key: m for key, m in targets.items() if _core(m.text.split()) == m.text.split()}
            if len(targets) == 1:
                target = next(iter(targets.values()))
                for m in mentions:
                    if m.key == mention.key and m is not mention:
                        m.key, m.type = target.key, target.type
                mention.key, mention.type = target.key, target.type

    def settle_directions(self, mentions: list[MentionSpan]) -> list[MentionSpan]:
        """"the North" alone: a state of a conjoined name ("South and North Korea"), else
        the one entity of the document whose name starts with it ("if the North stopped
        testing" after "North Korea"), else no named entity ("the South's loss")."""
        kept = []
        for mention in mentions:
            if mention.via_coreference or mention.text.lower() not in CARDINAL_DIRECTIONS:
                kept.append(mention)
                continue
            elided = self._elided_state(mention, mentions)
            wholes = {
                m.key: m for m in mentions
                if m.type is not EntityType.PERSON and len(m.text.split()) > 1 and m.text.split()[0].lower() == mention.text.lower()
            }
            if elided is not None:
                self.names[elided.key], self.identifiers[elided.key] = elided.name, elided.identifiers
                mention.key, mention.type = elided.key, EntityType.STATE
                kept.append(mention)
            elif len(wholes) == 1:
                whole = next(iter(wholes.values()))
                mention.key, mention.type = whole.key, whole.type
                kept.append(mention)
        return kept

    def _elided_state(self, mention: MentionSpan, mentions: list[MentionSpan]):
        """"South" of "South and North Korea": the state named by the direction and the
        rest of the conjoined name."""
        doc, after = self.doc, mention.end
        if after + 1 >= len(doc) or doc[after].lower_ not in {"and", "or"}:
            return None
        following = next((m for m in mentions if m.start == after + 1 and len(m.text.split()) > 1), None)
        if following is None or following.text.split()[0].lower() not in CARDINAL_DIRECTIONS:
            return None
        return self.gazetteer.state(" ".join([mention.text, *following.text.split()[1:]]))

    def _fragment_of(self, short: str, long: str) -> bool:
        """"Commission" of "European Commission", unless a known place ("Africa" of "South
        Africa"), a part ("Darfur" of "North Darfur") or a numbered one ("U.S. Circuit
        Court" of "2nd U.S. Circuit Court");
        "Mercosur bloc" of "Mercosur": one name with or without a common noun after it."""
        words, other = short.split(), long.split()
        if len(words) < len(other) and other[-len(words):] == words:
            extra = other[: -len(words)]
            if any(w[:1].isdigit() or w.lower() in REGION_QUALIFIERS for w in extra):
                return False  # "2nd U.S. Circuit Court", "North Darfur": a part, or another one
            return not self._known_place(short)
        return _core(words) == _core(other)

    def merge_acronyms(self, mentions: list[MentionSpan]) -> None:
        """"Long Name (ACR)" and initials make an acronym an alias of its organization."""
        by_text = {m.text: m for m in mentions if m.type is EntityType.ORGANIZATION}
        for m in mentions:
            if m.type is not EntityType.ORGANIZATION:
                continue
            doc = self.doc
            if m.end + 2 < len(doc) and doc[m.end].text == "(" and doc[m.end + 2].text == ")":
                acronym = doc[m.end + 1].text
                if acronym.isupper() and len(acronym) >= 2:
                    self.extra_aliases[m.key].append(acronym)
                    for other in mentions:
                        if other.text == acronym:
                            other.key, other.type = m.key, m.type
        for m in mentions:
            if m.type is EntityType.ORGANIZATION and m.text.isupper() and m.key.startswith("org:") and not self.gazetteer.organization(m.text):
                for long in by_text.values():
                    initials = "".join(w[0] for w in long.text.split() if w[0].isupper())
                    if len(long.text.split()) > 1 and initials == m.text:
                        m.key = long.key

    # ---------------------------------------------------------------- coreference
    def resolve_references(self, analysis: EntityAnalysis) -> list[MentionSpan]:
        """Pronouns, role nouns and "the country" pointing at an entity."""
        from spacy.symbols import NOUN, PRON

        found = []
        persons = {EntityType.PERSON}
        pos = self.doc.to_array("POS")
        for i in ((pos == PRON) | (pos == NOUN)).nonzero()[0].tolist():  # every reference below is a pronoun or a noun
            token = self.doc[i]
            if token.i in analysis.token_keys or token.is_space:
                continue
            lower = token.lower_
            sentence = self.sentence_of.get(token.i, 0)
            target = None
            if token.pos_ == "PRON" and lower in self.lexicon.cue("person_pronouns"):
                target = self._pronoun_antecedent(token, lower, analysis, sentence)
            elif lower == "its" and token.tag_ == "PRP$":
                target = analysis.nearest_before(token.idx, {EntityType.STATE, EntityType.ORGANIZATION}, sentence=sentence, window=1)
            elif token.pos_ == "NOUN" and lower in self.lexicon.cue("state_anaphors") and _definite(token):
                target = analysis.nearest_before(token.idx, {EntityType.STATE}, sentence=sentence)
            elif self._role_noun(token, analysis):
                target = analysis.nearest_before(token.idx, persons, sentence=sentence)
                if target is None and token.idx < analysis.headline_end:
                    target = analysis.first_after(analysis.headline_end, persons)
            if target is not None:
                found.append(
                    MentionSpan(
                        start=token.i, end=token.i + 1, start_char=token.idx, end_char=token.idx + len(token),
                        text=token.text, type=target.type, key=target.key, sentence=sentence, via_coreference=True,
                    )
                )
        return found

    def _pronoun_antecedent(self, token, lower: str, analysis: EntityAnalysis, sentence: int) -> MentionSpan | None:
        """The nearest earlier person whose first name does not contradict the pronoun."""
        wanted = "male" if lower in self.lexicon.cue("male_pronouns") else "female"
        candidates = [
            m for m in analysis.mentions
            if m.type is EntityType.PERSON and not m.via_coreference and m.end_char <= token.idx
            and sentence - m.sentence <= COREF_WINDOW
        ]
        for mention in sorted(candidates, key=lambda m: -m.start_char):
            first = self.first_names.get(mention.key, mention.text.split()[0])
            if gender_of(first) in {wanted, "andy", "unknown"}:
                return mention
        return None

    def _role_noun(self, token, analysis: EntityAnalysis) -> bool:
        """A singular person title standing alone: "the diplomat", "the Russian president"."""
        if token.pos_ != "NOUN" or token.tag_ == "NNS":
            return False
        titles = self.lexicon.titles.get(token.lower_, ())
        if not any(t.kind in {"leader", "official"} for t in titles):
            return False
        if token.dep_ == "compound" or any(c.dep_ in {"appos", "compound"} and c.i in analysis.token_keys for c in token.children):
            return False
        if any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
            return False
        determiners = {c.lower_ for c in token.children if c.dep_ == "det"}
        headline = token.idx < analysis.headline_end
        return bool(determiners & {"the", "this", "that"}) or (headline and not determiners)


@cache
def _gender_detector():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


@cache
def gender_of(first_name: str) -> str:
    """"male", "female", "andy" (either) or "unknown", from a bundled first-name list."""
    gender = _gender_detector().get_gender(first_name)
    return {"mostly_male": "male", "mostly_female": "female"}.get(gender, gender)


# Parts of speech of words that never end a name, nor start one unless capitalised as a name's.
FUNCTION_POS = frozenset({"ADP", "ADV", "DET", "CCONJ", "SCONJ", "PART", "PRON", "AUX"})
# Dashes that separate, written with spaces around them: a dateline from its story
# ("TBILISI - Nino Kapanadze"), CoNLL04's "_"; a hyphen inside a name has none.
SEPARATING_DASHES = frozenset({"-", "--", "–", "—", "_"})


def split_at_dashes(span) -> list:
    """The pieces of an entity the tagger ran across a separating dash: "TBILISI - Nino
    Kapanadze" is the dateline's place and a person, each typed on its own."""
    from spacy.tokens import Span

    doc, pieces, start = span.doc, [], span.start
    for token in span:
        spaced = token.i > 0 and doc[token.i - 1].whitespace_ and token.whitespace_
        if token.text in SEPARATING_DASHES and spaced and start < token.i:
            pieces.append(Span(doc, start, token.i, label=span.label_))
            start = token.i + 1
    if not pieces:
        return [span]
    return pieces + ([Span(doc, start, span.end, label=span.label_)] if start < span.end else [])


# A bare name's likelier referent in news when the evidence is even.
TYPE_PRECEDENCE = (EntityType.PERSON, EntityType.ORGANIZATION, EntityType.STATE, EntityType.LOCATION)


def _core(words: list[str]) -> list[str]:
    """A name without the singular common nouns written after it: "Mercosur" of "Mercosur
    bloc", "Tver" of "Tver region"; not "Tennessee" of "Tennessee valleys", nor "Dayton" of
    "Dayton International Airport", which are other referents."""
    end = len(words)
    while end > 1 and words[end - 1].isalpha() and words[end - 1].islower() and not words[end - 1].endswith("s"):
        end -= 1
    return words[:end]


def _fits(fragment: EntityType, whole: EntityType) -> bool:
    """A fragment's type can be its whole's: the same, or a place's name of a state's."""
    return fragment is whole or (fragment is EntityType.LOCATION and whole is EntityType.STATE)


def settled_type(mentions: list[MentionSpan]) -> EntityType:
    """The type of a name whose mentions disagree: the most common among the certain
    mentions (typed by a gazetteer or by the words around them), else among all; ties by
    TYPE_PRECEDENCE."""
    voters = [m for m in mentions if m.certain] or mentions
    counts = Counter(m.type for m in voters)
    return max(counts, key=lambda t: (counts[t], -TYPE_PRECEDENCE.index(t)))


def common_word_opening_a_sentence(span) -> bool:
    """"Gunmen shot ...", "Much depends on ...", "Fed up with ...", "Meta-analysis shows ...":
    one capitalised word opening a sentence that the tagger reads as a common word, not a
    proper noun: a capital there says nothing. (Callers keep the names they know: "Turkey
    offers ...".) Used for the tagger's entities and for the gazetteer matcher's names."""
    token = span[0]
    if len(span) != 1 or not token.is_sent_start or not token.is_title or token.tag_ in {"NNP", "NNPS"} or token.pos_ == "PROPN":
        return False
    # A noun read as a person's name may be a surname the tagger took for a word ("Winter sits
    # on the court", "Kertész, who lives ..."); a noun that names no person ("Gunmen shot ...",
    # "Opposition leader ...") and any other word ("Much depends on ...") is the word.
    return token.pos_ != "NOUN" or span.label_ != "PERSON"


def _trim(span):
    """Cut an entity at an opening bracket ("Union of Democratic Forces ( SDS"), drop a
    sentence's full stop or a comma the model took in ("Nevada ."), lower-case function
    words at its end ("Gosforth in") and a first word of a sentence that is no name
    ("Welcoming Mr. Tavaya")."""
    from spacy.tokens import Span

    for token in span:
        if token.text in {"(", "[", "\"", "“"} and token.i > span.start:
            span = Span(span.doc, span.start, token.i, label=span.label_, kb_id=span.kb_id_)
            break
    doc, start, end = span.doc, span.start, span.end
    while end - start > 1 and (doc[end - 1].text in {".", ",", ";", ":"} or (doc[end - 1].is_lower and doc[end - 1].pos_ in FUNCTION_POS)):
        end -= 1  # "Nevada .", "Gosforth in", "Chien first"
    while end - start > 1 and doc[start].is_sent_start and doc[start].is_title and doc[start].tag_ not in {"NNP", "NNPS"} and (
        doc[start].pos_ in (FUNCTION_POS - {"DET"}) | {"VERB"}  # not "An Wang"
    ):
        start += 1  # "Welcoming Mr. Tavaya", "Both Bush": a sentence's first word is capitalised anyway
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=span.label_, kb_id=span.kb_id_)


# Prepositions whose object is a place: after a noun all of them ("the plant at Fernald",
# "a flight to Boise"); after a verb only the first set ("fired at Kennedy", "spoke to Smith").
LOCATIVES = frozenset({"in", "near", "outside", "into", "over", "across", "around", "through", "inside", "throughout"})
LOCATIVES_AFTER_NOUNS = LOCATIVES | {"at", "from", "to"}
LOCATIVES_FOR_UNKNOWN_NAMES = frozenset({"in", "near", "outside", "inside", "throughout"})
STRONG_LOCATIVES = frozenset({"in", "near", "outside", "into"})
PLACE_ONLY_PREPOSITIONS = frozenset({"near", "around", "across", "throughout"})  # not "inside" (the party), "outside" (the bank)
CARDINAL_DIRECTIONS = frozenset({"north", "south", "east", "west"})
DIRECTIONS = CARDINAL_DIRECTIONS | {"northeast", "northwest", "southeast", "southwest"}
REGION_QUALIFIERS = DIRECTIONS | {"northern", "southern", "eastern", "western", "upper", "lower", "central", "greater", "inner", "outer"}


# Where a dateline may open: one of the first lines (a headline and a byline come first),
# or one of the first sentences (the parser runs a headline on into the dateline at times).
DATELINE_LINES = 5
DATELINE_SENTENCES = 3


@dataclass(frozen=True)
class Dateline:
    """A wire dateline: "NEW DELHI/ISLAMABAD, Feb 20 (Andes Wire) -", "TOLEDO, Ohio -"."""

    start: int  # its first token
    stop: int  # past its dash, or past its closing bracket where no dash follows
    places: tuple  # the places in capitals (spaCy spans labelled GPE)
    region: object = None  # "Ohio" of "TOLEDO, Ohio" (a GPE span), or None
    agency: object = None  # the agency that names itself in brackets (an ORG span), or None

    @property
    def spans(self) -> list:
        return [*self.places, *([self.region] if self.region is not None else []), *([self.agency] if self.agency is not None else [])]


def with_dateline(entities, found: Dateline | None) -> list:
    """The tagger's entities with the dateline's read by its form: "NEW DELHI/ISLAMABAD,
    Feb 20 (Andes Wire) -", "KUALA LUMPUR -", "TOLEDO, Ohio -". Each place in capitals is a
    place, where the story was filed; a named agency in brackets is an organization. The
    tagger reads these capitals badly ("KUALA" an organization, "ISLAMABAD" nothing);
    entities overlapping a dateline give way to its own. ``found`` is ``dateline(doc)``."""
    from spacy.tokens import Span

    if found is None:
        return list(entities)
    doc = found.places[0].doc
    kept = [e for e in entities if e.end <= found.start or e.start >= found.stop]
    for entity in entities:
        if entity.start < found.stop < entity.end:  # "TBILISI - Nino Kapanadze" read as one name
            kept.append(Span(doc, found.stop, entity.end, label=entity.label_, kb_id=entity.kb_id_))
    return sorted(kept + found.spans, key=lambda e: e.start)


def dateline(doc) -> Dateline | None:
    """The first dateline opening one of the first lines or sentences, or None."""
    from itertools import islice

    text = doc.text
    starts = set()
    for start in [0, *(m.end() for m in _LINE_BREAK.finditer(text, 0, 2_000))][:DATELINE_LINES]:
        span = doc.char_span(start, start + 1, alignment_mode="expand") if start < len(text) else None
        if span is not None and len(span):
            starts.add(span[0].i)
    if doc.has_annotation("SENT_START"):
        starts.update(sentence.start for sentence in islice(doc.sents, DATELINE_SENTENCES))
    for start in sorted(starts):
        found = _dateline_at(doc, start)
        if found is not None:
            return found
    return None


_LINE_BREAK = re.compile(r"\n\s*")


def _dateline_at(doc, i: int) -> Dateline | None:
    from spacy.tokens import Span

    if doc[i].is_space:
        return None
    places = []
    j = _capitals_end(doc, i)
    if j == i:
        return None
    places.append(Span(doc, i, j, label="GPE"))
    while j + 1 < len(doc) and doc[j].text == "/" and (k := _capitals_end(doc, j + 1)) > j + 1:
        places.append(Span(doc, j + 1, k, label="GPE"))  # "NEW DELHI/ISLAMABAD"
        j = k
    region = agency = None
    if j + 1 < len(doc) and doc[j].text == ",":
        k = j + 1
        while k < len(doc) and doc[k].is_title and doc[k].pos_ == "PROPN" and not _date_word(doc[k]):
            k += 1
        if k > j + 1 and k < len(doc) and (doc[k].text in {",", "("} or _separating(doc[k])):
            region = Span(doc, j + 1, k, label="GPE")  # "TOLEDO, Ohio -"
            j = k
    if j + 1 < len(doc) and doc[j].text == "," and _date_word(doc[j + 1]):
        j += 1
        while j < len(doc) and (_date_word(doc[j]) or (doc[j].text in {",", "."} and j + 1 < len(doc) and _date_word(doc[j + 1]))):
            j += 1
    bracketed = False
    if j < len(doc) and doc[j].text == "(":
        close = next((k for k in range(j + 1, min(j + 8, len(doc))) if doc[k].text == ")"), None)
        if close is None:
            return None
        if _agency_name(doc[j + 1 : close]):
            agency = Span(doc, j + 1, close, label="ORG")
        j, bracketed = close + 1, True
    while j < len(doc) and doc[j].is_space:
        j += 1  # the parser's line break inside a dateline
    if j < len(doc) and _separating(doc[j]):
        return Dateline(i, j + 1, tuple(places), region, agency)
    return Dateline(i, j, tuple(places), region, agency) if bracketed else None


def _capitals_end(doc, i: int) -> int:
    """Where a name written in capitals that starts at ``i`` ends ("PORT-AU-PRINCE", "ST. LOUIS"), or ``i``."""
    j = i
    while j < len(doc):
        token = doc[j]
        if any(c.isalpha() for c in token.text) and token.text.isupper():
            j += 1
        elif token.text in {"-", "'"} and j > i and not doc[j - 1].whitespace_ and not token.whitespace_ and j + 1 < len(doc) and doc[j + 1].text.isupper():
            j += 1  # a hyphen inside the name
        else:
            break
    return j


_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)


def _date_word(token) -> bool:
    """A word of a dateline's date: "Sept", "8", "2026", "Sept." (or what the tagger read as a date)."""
    return token.ent_type_ == "DATE" or token.like_num or token.lower_.rstrip(".") in _MONTHS


def _separating(token) -> bool:
    return token.text in SEPARATING_DASHES and token.i > 0 and bool(token.doc[token.i - 1].whitespace_)


def _agency_name(span) -> bool:
    """A bracketed agency that names itself: capitalised words ("Andes Wire") or an acronym
    ("ESNA"), or what the tagger read as an organization; not "State news agency", nor a
    bare word such as "Wire"."""
    words = [t for t in span if not t.is_punct]
    if not words or any(t.is_lower for t in words):
        return False
    return len(words) > 1 or words[0].is_upper or any(t.ent_type_ == "ORG" for t in words)


def _after_locative(span, prepositions: frozenset[str] = LOCATIVES, after_nouns: frozenset[str] = LOCATIVES_AFTER_NOUNS) -> bool:
    """"in Heuchelheim", "smoke hung over Boise", "the plant at Fernald": the object of a
    locative preposition. Not "from Anderson's sister": a possessive names the owner of
    the preposition's object; not "fired at Kennedy": "at" after a verb aims at people too."""
    root = span.root
    if root.dep_ != "pobj":
        return False
    preposition = root.head
    if preposition.lower_ in prepositions:
        return True
    return preposition.lower_ in after_nouns and preposition.head.pos_ in {"NOUN", "PROPN"}


class Context(Enum):
    """What the common nouns around a name say it names."""

    PERSON = "person"  # "actress Angie Dickinson"
    ORGANIZATION = "organization"  # "potash producer Belaruskali", "Pepperell, a textile maker"
    PLACE = "place"  # "the town of Bint Jbeil", "the Kerem Shalom crossing", "Lazio province"
    EMPLOYER = "employer"  # "manager of Bradley First Air", "Edison spokesman", "Greenland's premier"
    RESIDENT = "resident"  # the noun "citizen", "resident", "native": a person, of a place
    TRADE = "trade"  # "a market trader", "potash producer": a person or a business, by the name's shape


# Kinds of title (titles.csv) that are posts people hold; a post's holder is a person and
# what the post is "of" employs people: an organization or a state, never a person.
PERSON_POSTS = frozenset({"leader", "official", "member", "professional"})
RESIDENT_POSTS = frozenset({"citizen", "resident"})  # "U.S. citizen Sara Matzar", "a resident of Trapper Creek"
POSSESSIVE_POSTS = frozenset({"leader"})  # "Greenland's premier"; not "Putin's spokesman"


def noun_category(token, lexicon: Lexicon) -> Context | None:
    """The kind of referent a common noun denotes, from the titles lexicon and the place
    and organization words: "spokesman" a person's post, "producer" an organization,
    "town" or "crossing" a place. Capitalised words are part of a name, not such nouns."""
    nominal = token.pos_ == "NOUN" or (token.tag_ == "VBG" and any(c.dep_ == "compound" for c in token.children))
    if not nominal or not token.is_lower:  # "the Kerem Shalom crossing" is parsed as a gerund at times
        return None
    word, lemma = token.lower_, token.lemma_.lower()
    kinds = {t.kind for t in lexicon.titles.get(word, ()) + lexicon.titles.get(lemma, ())}
    if kinds & PERSON_POSTS:
        return Context.PERSON
    if kinds & RESIDENT_POSTS:
        return Context.RESIDENT
    if "place" in kinds or lemma in lexicon.cue("place_nouns") or word in lexicon.cue("place_nouns"):
        return Context.PLACE
    if "org" in kinds:
        return Context.TRADE if word in lexicon.cue("trade_nouns") or lemma in lexicon.cue("trade_nouns") else Context.ORGANIZATION
    return None


def context_category(span, lexicon: Lexicon) -> Context | None:
    """What the nouns a name is tied to by the parse say it is.

    A noun compounded in front of the name or in apposition to it is what the name
    is ("producer Belaruskali", "Pepperell, a textile maker"). A noun the name
    modifies or that it is the "of" of is where a place is ("the Kerem Shalom
    crossing", "the town of Bint Jbeil") or, for a person's post, what employs
    people ("Edison spokesman Kevin Kelly", "manager of Bradley First Air").
    """
    root = span.root
    for child in root.children:
        if child.dep_ == "appos" and child.i >= span.end:
            kind = noun_category(child, lexicon)
            if kind is not None:
                return Context.PERSON if kind is Context.RESIDENT else kind  # "Greenland, a territory"
        if child.dep_ == "compound" and child.i < span.start and not _hyphenated(child):
            kind = noun_category(child, lexicon)  # "producer Belaruskali"; not "state Supreme Court", "28-member Opera"
            if kind in (Context.PERSON, Context.RESIDENT, Context.ORGANIZATION, Context.TRADE):
                return Context.PERSON if kind is Context.RESIDENT else kind
    # The second of conjoined names stands where the first does: "Calcasieu and Cameron parishes".
    anchor, start = root, span.start
    while anchor.dep_ == "conj" and anchor.head.i < anchor.i:
        anchor = anchor.head
        start = next((e.start for e in span.doc.ents if e.start <= anchor.i < e.end), anchor.i)
    head = anchor.head
    if anchor.dep_ in {"compound", "nmod"} and head.i >= span.end:
        kind = noun_category(head, lexicon)
        if kind in (Context.PLACE, Context.RESIDENT):
            return Context.PLACE  # "the Kerem Shalom crossing", "a Modesto native"
        if kind is Context.PERSON and head.lemma_.lower() not in lexicon.cue("personal_staff_nouns"):
            return Context.EMPLOYER  # "Edison spokesman"; not "Kennedy advisers"
    between = span.doc[head.i + 1 : start]
    if anchor.dep_ == "pobj" and head.lower_ in {"of", "for"} and head.head.i < head.i and all(t.dep_ in {"det", "amod", "poss", "nummod"} for t in between):
        # "manager of the X", not "chairman of the subcommittee grilling X"; the noun just before
        # "of" as well, where the parse hangs "of" on another ("a jeweler and president of X")
        kind = noun_category(head.head, lexicon) or (noun_category(span.doc[head.i - 1], lexicon) if head.i > 0 else None)
        if kind in (Context.PLACE, Context.RESIDENT) and head.lower_ == "of":
            return Context.PLACE
        if kind is Context.PERSON:
            return Context.EMPLOYER
    if root.dep_ == "poss" and head.i >= span.end and head.is_lower and head.lower_ != "head":  # "Kennedy's head"
        titles = lexicon.titles.get(head.lower_, ()) + lexicon.titles.get(head.lemma_.lower(), ())
        if {t.kind for t in titles} & POSSESSIVE_POSTS:
            return Context.EMPLOYER
    return None


def _modifies_common_noun(span) -> bool:
    """The name is compounded into a lower-case noun after it: "the Sabine Pass station",
    "the General Electric plant"; a person's name is seldom one the tagger took for a place
    or an organization."""
    root = span.root
    return root.dep_ in {"compound", "nmod"} and root.head.i >= span.end and root.head.pos_ == "NOUN" and root.head.is_lower


def _hyphenated(token) -> bool:
    """Part of a hyphenated word ("28-member", "director-producer")."""
    doc = token.doc
    return (token.i > 0 and doc[token.i - 1].text == "-" and not doc[token.i - 1].whitespace_) or (
        token.i + 1 < len(doc) and doc[token.i + 1].text == "-" and not token.whitespace_
    )


def person_cue(span, lexicon: Lexicon) -> bool:
    """Words around a name that only a person's name has: an age in apposition ("Winter,
    53,", "12-year-old Tanya"), a relative "who", a possessive of kin or of a life event
    ("Anderson's sister", "Kennedy's assassination"), or saying something ("Lifa said")."""
    doc, root = span.doc, span.root
    after = doc[span.end : span.end + 3]
    if len(after) >= 2 and after[0].text == "," and after[1].like_num and (len(after) == 2 or after[2].is_punct):
        return True
    if any(t.lower_ in {"who", "whose"} for t in after[:2]) and (after[0].lower_ in {"who", "whose"} or after[0].text == ","):
        return True
    if root.dep_ != "compound" and span.start >= 2 and doc[span.start - 1].lower_ == "old" and any(
        t.lower_ == "year" for t in doc[max(0, span.start - 4) : span.start]
    ):
        return True  # "12-year-old Tanya"; not "a 55-year-old Los Alamitos truck driver"
    if root.dep_ == "poss" and (root.head.lemma_.lower() in lexicon.cue("person_possessions") or root.head.lower_ in lexicon.cue("person_possessions")):
        return True
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in lexicon.cue("speech_verbs")


def _definite(token) -> bool:
    return any(c.dep_ in {"det", "poss"} and c.lower_ in {"the", "this", "that", "its"} for c in token.children)


def analyse_entities(doc, gazetteer: Gazetteer, lexicon: Lexicon, *, headline_end: int = 0) -> EntityAnalysis:
    """Type, merge and index the entities of a parsed document."""
    builder = _EntityBuilder(doc, gazetteer, lexicon)
    entities = with_dateline(doc.ents, builder.dateline)
    spans = [
        piece for span in builder.continued_organizations(entities) for part in split_at_dashes(span)
        for states in builder.split_elided_states(part) for titled in builder.split_titled_person(states)
        for piece in builder.split_qualified_place(titled)
    ]
    mentions = [m for m in (builder.classify(span) for span in spans) if m is not None]
    mentions += builder.propagate(mentions)
    builder.retype_surnames(mentions)
    builder.settle_types(mentions)
    builder.merge_people(mentions)
    builder.merge_known_as(mentions)
    builder.merge_acronyms(mentions)
    builder.merge_fragments(mentions)
    mentions = builder.settle_directions(mentions)
    mentions += builder.coordinated_first_names(mentions)
    builder.qualified_place_aliases(mentions)
    builder.first_names = {m.key: m.text.split()[0] for m in mentions if m.type is EntityType.PERSON and len(m.text.split()) > 1}
    analysis = EntityAnalysis(entities={}, mentions=mentions, headline_end=headline_end, dateline=builder.dateline)
    for mention in mentions:
        for i in range(mention.start, mention.end):
            analysis.token_keys[i] = mention
    references = builder.resolve_references(analysis)
    for mention in references:
        analysis.token_keys[mention.start] = mention
    analysis.mentions = sorted(mentions + references, key=lambda m: m.start_char)
    analysis.entities = _entities(analysis.mentions, builder)
    return analysis


def referenced_entities(analysis: EntityAnalysis, endpoints: set[str]) -> list[Entity]:
    """The entities a document is about: named at least once as a noun, or in a relation.

    A state that appears only as an adjective ("Spanish", "American") is not
    a referent of the text unless a relation needs it ("Russian forces attacked").
    """
    named = {m.key for m in analysis.mentions if not m.via_coreference and not m.demonym}
    return [e for key, e in analysis.entities.items() if key in named or key in endpoints]


def _entities(mentions: list[MentionSpan], builder: _EntityBuilder) -> dict[str, Entity]:
    grouped: dict[str, list[MentionSpan]] = defaultdict(list)
    for m in mentions:
        grouped[m.key].append(m)
    entities = {}
    for key, group in grouped.items():
        named = [m for m in group if not m.via_coreference]
        if not named:
            continue
        name = builder.names.get(key) or max((m.text for m in named), key=lambda t: (len(t.split()), len(t)))
        forms = [m.text for m in named] + builder.extra_aliases.get(key, [])
        aliases, seen = [], {normalize(name)}
        for form in forms:
            if normalize(form) not in seen:
                seen.add(normalize(form))
                aliases.append(form)
        entities[key] = Entity(
            key=key,
            name=name,
            type=named[0].type,
            aliases=tuple(aliases),
            identifiers=builder.identifiers.get(key, ()),
            mentions=tuple(
                Mention(m.start_char, m.end_char, m.text, m.sentence, m.via_coreference) for m in group
            ),
        )
    return entities
