"""Relation stage: dependency rules over the parse, driven by the lexicons.

Each rule is a generator of ``Candidate`` records and never changes the Doc.
The rules cover verbs (active, passive, prepositional objects, control and
relative clauses), role titles (compound titles, appositions, copulas,
relative clauses), nominalised events, "X-based" modifiers and
"City, Country" appositions. Modality is read off the clause around the
trigger word.
"""

from __future__ import annotations

import json
import os
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from kg.entities import EntityAnalysis, MentionSpan
from kg.gazetteer import Gazetteer
from kg.lexicon import Lexicon, Title, VerbFrame
from kg.model import EntityType, Evidence, Modality, Relation
from kg.names import normalize
from kg.ontology import relation_type

# Dependency labels, grouped by grammatical role.
ACTIVE_SUBJECT_DEPS = {"nsubj", "csubj"}
PASSIVE_SUBJECT_DEPS = {"nsubjpass", "csubjpass"}
OBJECT_DEPS = {"dobj", "obj"}
# The small model sometimes attaches an object name as npadvmod ("met Prime Minister Abiy Ahmed").
LOOSE_OBJECT_DEPS = OBJECT_DEPS | {"npadvmod"}
OWNER_DEPS = {"poss", "compound", "amod", "nmod"}
DEEP_PREPS = {"of", "with", "between", "to", "against", "on", "for", "from", "by"}
OWNER_PREPS = {"of", "for", "at", "to", "from", "in", "with"}
POSTING_PREPS = {"of", "from"}  # the owners of an ambassador's or envoy's post ("to", "in", "for": where it is held)
RELATIVE_PRONOUNS = {"who", "which", "that", "whom"}
DEFINITE_DETERMINERS = {"the", "this", "these", "that", "those"}
BACKGROUND_DEPS = {"relcl", "acl", "advcl"}  # clauses that describe or condition, not tell the act
HOSTILE_RELATIONS = {"attacks", "kills", "intervenesIn", "sanctions"}
TARGETED_RELATIONS = {"attacks", "intervenesIn"}  # a hit on a state's asset or land is a hit on the state
# Targets that move: the place they are in is not what a strike on them hits
MOBILE_TARGETS = {
    "boat", "ship", "vessel", "tanker", "convoy", "patrol", "troop", "force", "soldier", "destroyer",
    "frigate", "warship", "submarine", "carrier", "navy", "army",
}
# Events a definite noun takes up from before: "joined the strikes", "dismissed the criticism"
ANAPHORIC_EVENTS = {"attacks", "intervenesIn", "sanctions", "criticizes", "accuses", "demands"}
SPEECH_EVENTS = {"criticizes", "accuses", "demands"}  # nouns that name a verb's act: "condemned X ... the condemnation"
ANTECEDENT_SENTENCES = 4  # how far back a definite event noun looks for its event
ACT_SENTENCES = 2  # how far back "the move", "the decision" look for the act they take up
ACT_RELATIONS = {"sanctions", "intervenesIn", "attacks", "aids"}  # acts "the move", "the measures" take up
SYMMETRIC_EVENTS = {"meetsWith", "cooperatesWith"}
GROUP_SIZES = {"two": 2, "three": 3, "four": 4}  # "the two leaders", "the three countries": the last group of that size
ROLE_RELATIONS = {"leaderOf", "worksFor", "memberOf", "citizenOf"}
PERSON_PRONOUNS = {"he", "she", "his", "her", "him"}
THING_PRONOUNS = {"it", "its"}
POSSESSIVE_PRONOUNS = {"its", "whose"}  # owners of a post: "its foreign minister", "whose president"
ACCUSATION_VERBS = {"accuse", "charge", "blame", "suspect", "allege", "indict"}

# Rules that read a description, not an event: the writer asserts them
# whatever the surrounding clause says ("according to Kent, the US diplomat").
DESCRIPTIVE_RULES = {
    "title-prefix", "title-apposition", "title-relative-clause", "title-context", "title-compound",
    "demonym-citizen", "x-based", "place-apposition", "preposition", "dateline", "headquarters",
    "place-modifier", "place-possessive",
}

# Confidence of each rule before adjustments; a rule's id names the pattern.
# What each rule's edges are worth before measurement; scripts/calibrate_rules.py
# replaces these by each rule's measured precision on the training gold
# (kg/data/rule_confidence.json), so that confidence means the share of such edges
# that are right. KG_RULE_CALIBRATION=0 keeps these priors.
PRIOR_CONFIDENCE = {
    "verb": 0.8,
    "verb-passive": 0.75,
    "verb-deep-object": 0.6,
    "verb-clausal-object": 0.6,
    "verb-threat": 0.7,  # a hostile verb under "threaten", "vow": the threat itself
    "verb-collective": 0.7,  # "A and B met": the conjoined subjects with each other
    "title-prefix": 0.9,
    "title-apposition": 0.85,
    "title-copula": 0.8,
    "title-relative-clause": 0.7,
    "title-context": 0.5,
    "demonym-citizen": 0.6,
    "event-noun": 0.65,
    "x-based": 0.9,
    "place-modifier": 0.8,  # "the U.S. Congress", "China's Great Wall firm": the place names the organization's seat
    "place-possessive": 0.75,  # "Zambia's Kafue River"
    "headquarters": 0.85,
    "place-apposition": 0.75,
    "title-compound": 0.75,
    "preposition": 0.55,
    "dateline": 0.5,  # "DAYTON, Ohio (AP)": where the story was filed, weak evidence of a base
}
CALIBRATION_PATH = Path(__file__).resolve().parent / "data" / "rule_confidence.json"
CALIBRATION_ENV = "KG_RULE_CALIBRATION"


def calibrated_confidence(path: Path = CALIBRATION_PATH) -> dict[str, float]:
    """Each rule's confidence: its measured precision where measured, else its prior."""
    if os.environ.get(CALIBRATION_ENV, "").strip().lower() in {"0", "false", "no", "off"} or not path.is_file():
        return dict(PRIOR_CONFIDENCE)
    measured = json.loads(path.read_text(encoding="utf-8"))["rules"]
    return {rule: measured[rule]["confidence"] if rule in measured else prior for rule, prior in PRIOR_CONFIDENCE.items()}


RULE_CONFIDENCE = calibrated_confidence()

# Leader titles that, without an owner, refer to the state or organization under discussion.
STATE_TITLES = {"president", "prime minister", "premier", "chancellor", "king", "queen", "emir", "sultan"}
ORGANIZATION_TITLES = {"secretary-general", "secretary general", "director-general", "director general", "chairman", "chairwoman", "chairperson"}
CONTEXT_TITLES = STATE_TITLES | ORGANIZATION_TITLES

# (holder type, preposition, object type) -> relation, for prepositional attachments.
_ATTACHMENT = {
    (EntityType.PERSON, "of", EntityType.LOCATION): "livesIn",
    (EntityType.PERSON, "of", EntityType.STATE): "livesIn",
    (EntityType.PERSON, "from", EntityType.LOCATION): "livesIn",
    (EntityType.PERSON, "from", EntityType.STATE): "livesIn",
    (EntityType.PERSON, "of", EntityType.ORGANIZATION): "worksFor",
    (EntityType.PERSON, "at", EntityType.ORGANIZATION): "worksFor",
    (EntityType.PERSON, "with", EntityType.ORGANIZATION): "worksFor",  # "a nurse with the Red Crescent"
    (EntityType.ORGANIZATION, "of", EntityType.LOCATION): "basedIn",  # "Avis Ltd. of Folsom", "the Supreme Court of Canada"
    (EntityType.ORGANIZATION, "of", EntityType.STATE): "basedIn",
    (EntityType.ORGANIZATION, "in", EntityType.LOCATION): "basedIn",
    (EntityType.ORGANIZATION, "in", EntityType.STATE): "basedIn",
    (EntityType.LOCATION, "in", EntityType.LOCATION): "locatedIn",
    (EntityType.LOCATION, "in", EntityType.STATE): "locatedIn",
}
# Gazetteer kinds of organizations whose members name them ("Finland's EU negotiators"): no seat there.
MEMBERSHIP_KINDS = {"intergovernmental", "un_body", "eu_body", "alliance"}
PLACED_RELATIONS = {"basedIn", "locatedIn"}  # livesIn only through "of"/"from": "born in Tupelo, Miss." is one place in CoNLL04
OUTER_PLACE_FACTOR = 0.9  # "of Toledo, Ohio": in Ohio as surely as in Toledo, a little less plainly said
LOCAL_POST_FACTOR = 0.8  # a post of a town or province: where its holder lives, read one step off the post
COREFERENCE_FACTOR = 0.85  # an endpoint found through a pronoun or role noun
OWNER_FACTOR = 0.9  # "Russian forces" standing for Russia
IMPLICIT_FACTOR = 0.6  # "the opposition" standing for the state under discussion


@dataclass(frozen=True)
class Candidate:
    source: MentionSpan
    relation: str
    target: MentionSpan
    rule: str
    confidence: float
    trigger: int  # token index the modality is read from
    modality: Modality | None = None  # set when the rule knows better than the clause


@dataclass(frozen=True)
class Argument:
    """An entity filling an argument slot, and how sure the mapping is."""

    mention: MentionSpan
    factor: float = 1.0


@dataclass(frozen=True)
class Role:
    """A post a person is known to hold in the document: leaderOf Belarus as "president"."""

    relation: str
    owner: MentionSpan
    phrase: str
    explicit: bool = True  # named with its owner, not read from the document's context ("title-context")


class _Rules:
    def __init__(self, doc, analysis: EntityAnalysis, lexicon: Lexicon, gazetteer: Gazetteer):
        self.doc = doc
        self.analysis = analysis
        self.lexicon = lexicon
        self.gazetteer = gazetteer
        self.institutions = lexicon.cue("institution_nouns")
        self.speech_or_commitment = lexicon.cue("speech_verbs") | lexicon.cue("commitment_verbs")  # verbs whose clause a speaker owns
        self._sentence_starts: list[int] | None = None  # first token of each sentence
        self._sentences: dict[int, tuple[str, int]] = {}  # sentence number -> (stripped text, start offset)
        self.overrides: dict[int, MentionSpan | None] = {}
        self.roles: dict[str, list[Role]] = {}
        self.actor_readings: set[int] = set()
        self.tokens = list(doc)  # one Token object per position, not one per visit of the doc
        self._word_index: tuple[dict, dict] | None = None  # lower-case form -> tokens, lemma -> tokens
        self.dateline, self.dateline_subject = self._dateline()
        self._dateline_state: MentionSpan | None | bool = False  # False: not read yet
        self._place_run_list: list[list[MentionSpan]] | None = None
        self._prepare()

    def _sentence_number(self, token_index: int) -> int:
        if self._sentence_starts is None:
            self._sentence_starts = [sentence.start for sentence in self.doc.sents]
        return bisect_right(self._sentence_starts, token_index) - 1

    def _dateline(self) -> tuple[range, object]:
        """The tokens of the wire dateline entity analysis found ("WARSAW, Jan 14 (Wire) -",
        "KUALA LUMPUR -"), and the word after it the parser hung on it.

        The small model parses a dateline as the sentence's subject ("WARSAW" nsubj of
        "accused") and the real subject as its apposition or conjunct ("Poland"), so the
        rules skip the dateline's words and read that word in their place."""
        found = self.analysis.dateline
        if found is None:
            return range(0), None
        doc = self.doc
        dateline = range(found.start, found.stop)
        number = self._sentence_number(max(found.stop - 1, 0))
        end = self._sentence_starts[number + 1] if number + 1 < len(self._sentence_starts) else len(doc)
        subject = next((t for t in doc[found.stop : end] if t.head.i in dateline and t.dep_ != "punct"), None)
        return dateline, subject

    def dateline_state(self) -> MentionSpan | None:
        """The state a dateline files from, when the document names it: "MEXICO CITY, Nov 30
        (Wire) -" is Mexico's capital, "TOLEDO, Ohio -" in the United States; None for a
        dateline of two cities ("NEW DELHI/ISLAMABAD") or a place that is no seat."""
        if self._dateline_state is not False:
            return self._dateline_state
        self._dateline_state = None
        found = self.analysis.dateline
        if found is None or len(found.places) != 1:
            return None
        region = found.region.text if found.region is not None else ""
        record = self.gazetteer.state(region) if region else None
        if record is None and region and self.gazetteer.is_us_state(region):
            record = self.gazetteer.state("United States")
        record = record or self.gazetteer.seat(found.places[0].text)
        if record is not None:
            self._dateline_state = next(
                (m for m in self.analysis.mentions if m.key == record.key and not m.via_coreference
                 and m.type is EntityType.STATE and m.start not in self.dateline), None
            )
        return self._dateline_state

    def tokens_with(self, words, *, lemma: bool = False, lower: bool = False) -> list:
        """The document's tokens whose lower-case form (``lower``) or lower-case lemma
        (``lemma``) is one of ``words``, in document order; the rules look up their trigger
        words here instead of walking the whole document."""
        if self._word_index is None:
            by_lower: dict[str, list] = {}
            by_lemma: dict[str, list] = {}
            for token in self.tokens:
                by_lower.setdefault(token.lower_, []).append(token)
                by_lemma.setdefault(token.lemma_.lower(), []).append(token)
            self._word_index = (by_lower, by_lemma)
        found = {}
        for index, wanted in ((self._word_index[0], lower), (self._word_index[1], lemma)):
            if wanted:
                small, large = (words, index) if len(words) < len(index) else (index, words)
                for word in small:
                    if word in large:
                        for token in index[word]:
                            found[token.i] = token
        return [found[i] for i in sorted(found)]

    def subject_children(self, verb) -> list:
        """A verb's active subjects, with a dateline hung on it as subject read as the word
        the parser hung on the dateline ("DOHA, March 9 (Wire) - Qatar on Monday opened")."""
        found = [c for c in verb.children if c.dep_ in ACTIVE_SUBJECT_DEPS]
        if not found and _verbal(verb):
            # "which Sudan's government accuses of ...": a noun the parser compounded with the verb
            found = [c for c in verb.children if c.dep_ == "compound" and c.i < verb.i and c.pos_ in {"NOUN", "PROPN"}]
        if self.dateline and any(c.i in self.dateline for c in found):
            found = [c for c in found if c.i not in self.dateline] or (
                [self.dateline_subject] if self.dateline_subject is not None else []
            )
        return found

    def window_start(self, token_index: int, sentences_before: int) -> int:
        """The first token of the sentence ``sentences_before`` sentences before the one
        around a token (of the document's first sentence, when there are fewer): where a
        search for an antecedent of the token starts."""
        number = self._sentence_number(token_index)  # reads the sentence starts once
        return self._sentence_starts[max(0, number - sentences_before)]

    def sentence(self, token_index: int) -> tuple[str, int]:
        """The sentence around a token (``token.sent``), as its text without surrounding
        white space and that text's character offset; each sentence read once."""
        number = self._sentence_number(token_index)
        found = self._sentences.get(number)
        if found is None:
            starts = self._sentence_starts
            end = starts[number + 1] if number + 1 < len(starts) else len(self.doc)
            span = self.doc[starts[number] : end]
            text = span.text
            found = self._sentences[number] = (text.strip(), span.start_char + (len(text) - len(text.lstrip())))
        return found

    # ------------------------------------------------------------ mentions
    def at(self, token_index: int) -> MentionSpan | None:
        """The mention at a token, after the relation stage's own reading of role
        nouns and pronouns (``_prepare``)."""
        if token_index in self.overrides:
            return self.overrides[token_index]
        if token_index in self.dateline:
            return None  # where the story was filed is no argument ("ISLAMABAD" parsed as the owner of "troops")
        return self.analysis.at(token_index)

    def _prepare(self) -> None:
        """Roles first, then what they tell about role nouns and pronouns.

        The title rules run once over the names to learn who holds which post
        ("Belarus's president, Alexander Lukashenko"); then "the Belarusian
        leader" and "Japan's leader" are read as that holder, a pronoun in a
        reported clause as the speaker ("Vucic said his country ..."), and
        "his country" or "Maduro's foreign minister" through the person's state.
        """
        self.overrides.update(self._organization_anaphors())
        self.overrides.update(self._possessive_pronouns())
        self.actor_readings = set(self.overrides)  # tokens read as a state or organization, which may own a post
        for candidate in self.title_relations():
            if candidate.source.type is EntityType.PERSON and not candidate.source.via_coreference \
                    and candidate.relation in ROLE_RELATIONS and not candidate.target.via_coreference:
                self.roles.setdefault(candidate.source.key, []).append(Role(
                    candidate.relation, candidate.target, self._title_phrase(candidate.trigger),
                    explicit=candidate.rule != "title-context",
                ))
        self.overrides.update(self._role_noun_readings())
        self.overrides.update(self._speaker_pronouns())

    def mentions(self) -> list[MentionSpan]:
        """The entity stage's mentions with the relation stage's readings of role nouns and pronouns."""
        found = [m for m in self.analysis.mentions if m.start not in self.overrides or not m.via_coreference]
        found += [m for m in self.overrides.values() if m is not None]
        return sorted(found, key=lambda m: m.start_char)

    def _title_phrase(self, index: int) -> str:
        title = self.title_of(self.doc[index])
        return title.phrase if title is not None else ""

    def holders(self, relation: str, owner_key: str, phrase: str = "") -> list[str]:
        """People known to hold a post of ``owner_key``, those with the same title first."""
        exact = [p for p, roles in self.roles.items() if any(r.relation == relation and r.owner.key == owner_key and r.phrase == phrase for r in roles)]
        if exact:
            return exact
        return [p for p, roles in self.roles.items() if any(r.relation == relation and r.owner.key == owner_key for r in roles)]

    def person_state(self, person_key: str) -> MentionSpan | None:
        """The state a person serves or leads (else is a citizen of): "his country", "Maduro's minister"."""
        roles = self.roles.get(person_key, [])
        for wanted in (("leaderOf", "worksFor"), ("citizenOf",)):
            states = {r.owner.key: r.owner for r in roles if r.relation in wanted and r.owner.type is EntityType.STATE}
            if len(states) == 1:
                return next(iter(states.values()))
        return None

    def _modifier_owners(self, token) -> list[MentionSpan]:
        """States and organizations that modify a noun: "Japan's", "Belarusian", "of the EU"."""
        owners = []
        for child in token.children:
            if child.dep_ in OWNER_DEPS:
                found = self.analysis.at(child.i)
                if found is not None and not found.via_coreference and found.type in (EntityType.STATE, EntityType.ORGANIZATION):
                    owners.append(found)
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in child.children:
                    found = self.analysis.at(pobj.i)
                    if pobj.dep_ == "pobj" and found is not None and found.type in (EntityType.STATE, EntityType.ORGANIZATION):
                        owners.append(found)
        return owners

    def _role_noun_readings(self) -> dict[int, MentionSpan | None]:
        """"the Belarusian leader", "Japan's leader": the person known to hold that post.

        A role noun the entity stage read as the nearest person is dropped when
        that person is known to hold the post for another state ("Russian Prime
        Minister Mishustin ... the Belarusian leader").
        """
        readings: dict[int, MentionSpan | None] = {}
        for token in self.tokens:
            if token.pos_ != "NOUN" or token.tag_ == "NNS" or token.dep_ == "compound":
                continue
            current = self.analysis.at(token.i)
            if current is not None and not current.via_coreference:
                continue
            title = self.title_of(token)
            if title is None or title.kind not in {"leader", "official"}:
                continue
            if any(c.dep_ == "appos" and self.analysis.at(c.i) is not None for c in token.children):
                continue
            if token.dep_ == "appos" and self.analysis.at(token.head.i) is not None:
                continue
            owners = self._modifier_owners(token)
            if not owners:
                continue
            holders = {h for o in owners for h in self.holders(title.relation, o.key, title.phrase)}
            if len(holders) == 1:
                key = holders.pop()
                named = next(m for m in self.analysis.mentions if m.key == key and not m.via_coreference)
                readings[token.i] = replace(
                    named, start=token.i, end=token.i + 1, start_char=token.idx, end_char=token.idx + len(token),
                    text=token.text, sentence=current.sentence if current else named.sentence, via_coreference=True,
                )
            elif current is not None and current.type is EntityType.PERSON:
                owner_keys = {o.key for o in owners}
                if any(r.relation == title.relation and r.owner.type in {o.type for o in owners} and r.owner.key not in owner_keys
                       for r in self.roles.get(current.key, [])):
                    readings[token.i] = None
        return readings

    def _organization_anaphors(self) -> dict[int, MentionSpan | None]:
        """"the bloc", "the alliance", "the Iran-aligned group": the nearest organization
        before, in this or the two sentences before, of the kind the noun names
        (cue ``organization_anaphor_kinds``: "bloc:intergovernmental", "group:armed_group")."""
        kinds: dict[str, set[str]] = {}
        for entry in self.lexicon.cue("organization_anaphor_kinds"):
            noun, _, kind = entry.partition(":")
            kinds.setdefault(noun, set()).add(kind)
        # "the court" after "the International Criminal Court", "the mission" after "the EU
        # Training Mission": the last word of an organization's name takes it up as well
        name_heads = {
            m.text.split()[-1].lower() for m in self.analysis.mentions
            if m.type is EntityType.ORGANIZATION and len(m.text.split()) > 1 and m.text.split()[-1][:1].isupper()
        }
        readings: dict[int, MentionSpan | None] = {}
        for token in self.tokens_with(set(kinds) | name_heads, lower=True):
            wanted = kinds.get(token.lower_, set())
            if token.pos_ != "NOUN" or self.analysis.at(token.i) is not None or token.dep_ == "compound":
                continue
            if not any(c.dep_ == "det" and c.lower_ == "the" for c in token.children) or any(
                self.analysis.at(c.i) is not None for c in token.children
            ):
                continue  # "the bloc", not "a bloc" nor "the Arab bloc"
            first = self.window_start(token.i, 2)
            for before in reversed(self.doc[first : token.i]):
                found = self.analysis.at(before.i)
                if found is None or found.via_coreference or found.type is not EntityType.ORGANIZATION:
                    continue
                record = self.gazetteer.organization_by_key(found.key) or self.gazetteer.organization(found.text)
                if record is not None and record.kind in wanted or found.text.split()[-1].lower() == token.lower_:
                    readings[token.i] = replace(
                        found, start=token.i, end=token.i + 1, start_char=token.idx, end_char=token.idx + len(token),
                        text=token.text, via_coreference=True,
                    )
                    break
        return readings

    def _possessive_pronouns(self) -> dict[int, MentionSpan | None]:
        """The owner a possessive pronoun on a post or an institution stands for:
        "Poland, whose prime minister, Donald Tusk, ..." (the relative clause's antecedent);
        "Oman ..., and its foreign minister", "The coast guard said ... Its spokesman"
        (the nearest state or organization that is a subject, in this sentence or the one before)."""
        readings: dict[int, MentionSpan | None] = {}
        actors = (EntityType.STATE, EntityType.ORGANIZATION)
        for token in self.tokens_with(POSSESSIVE_PRONOUNS, lower=True):
            if token.dep_ != "poss" or token.lower_ not in POSSESSIVE_PRONOUNS:
                continue
            noun = token.head
            if self.title_of(noun) is None and noun.lemma_.lower() not in self.institutions and noun.lower_ not in self.institutions:
                continue
            owner = None
            if token.lower_ == "whose":
                # the antecedent is the name just before ("Poland, whose"), however the clause is parsed
                before = token.i - 1 if token.i > 0 and self.doc[token.i - 1].text != "," else token.i - 2
                found = self.analysis.at(before) if before >= 0 else None
                owner = found if found is not None and not found.via_coreference and found.type in actors else None
            else:
                first = self.window_start(token.i, 1)
                for before in reversed(self.doc[first : token.i]):
                    found = self.analysis.at(before.i)
                    if found is None or found.via_coreference or found.type not in actors:
                        continue
                    head = self._head(found)
                    if head is not None and head.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS:
                        owner = found
                        break
            if owner is not None:
                readings[token.i] = replace(
                    owner, start=token.i, end=token.i + 1, start_char=token.idx, end_char=token.idx + len(token),
                    text=token.text, via_coreference=True,
                )
        return readings

    def _speaker_pronouns(self) -> dict[int, MentionSpan | None]:
        """A pronoun in a reported clause is its speaker: "Vucic insisted that his country ...",
        "the ministry said it had expelled ...". Speakers are read through role nouns."""
        readings: dict[int, MentionSpan | None] = {}
        speech = self.speech_or_commitment
        for token in self.tokens_with(PERSON_PRONOUNS | THING_PRONOUNS, lower=True):
            lower = token.lower_
            if lower in PERSON_PRONOUNS:
                wanted = {EntityType.PERSON}
            elif lower in THING_PRONOUNS:
                wanted = {EntityType.STATE, EntityType.ORGANIZATION}
            else:
                continue
            clause = token
            while clause.dep_ not in {"ccomp", "ROOT", "relcl", "acl", "advcl"} and clause.head.i != clause.i:
                clause = clause.head
            if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in speech:
                continue
            speakers = [self.at(c.i) for c in self.subject_children(clause.head)]
            if lower in THING_PRONOUNS and not any(speakers):
                # "Sudan's army said it had recaptured ...": the body's state or organization speaks
                speakers = [a.mention for c in self.subject_children(clause.head) for a in self._entity(c, deep=False)]
            speakers = [m for m in speakers if m is not None and m.type in wanted]
            if len(speakers) == 1:
                speaker = speakers[0]
                readings[token.i] = replace(
                    speaker, start=token.i, end=token.i + 1, start_char=token.idx, end_char=token.idx + len(token),
                    text=token.text, via_coreference=True,
                )
        return readings

    # ------------------------------------------------------------ arguments
    def entities(self, token, *, deep: bool = False) -> list[Argument]:
        """Entities a noun phrase headed by ``token`` (and its conjuncts) stands for."""
        found: list[Argument] = []
        for head in coordinated(token):
            found.extend(self._entity(head, deep=deep))
        return found

    def _entity(self, head, *, deep: bool) -> list[Argument]:
        mention = self.at(head.i)
        if mention is not None:
            return [Argument(mention)]
        # "Maduro's foreign minister, Yvan Gil, accused ..." / "Kapanadze, a teacher who lives in ..."
        for child in head.children:
            if child.dep_ == "appos" and self.at(child.i) is not None:
                return [Argument(self.at(child.i))]
        if head.dep_ == "appos" and self.at(head.head.i) is not None:
            return [Argument(self.at(head.head.i))]
        if head.pos_ == "NOUN":
            # "the opposition Tisza party", "the Baz Soley gang": the named organization
            for child in head.children:
                named = self.at(child.i)
                if child.dep_ == "compound" and named is not None and named.type is EntityType.ORGANIZATION:
                    return [Argument(named)]
        lemma = head.lemma_.lower()
        title = self.title_of(head) if head.pos_ == "NOUN" else None
        if title is not None and title.kind == "place":
            for child in head.children:  # "the settlement of Kedumim", "the city of Goma"
                if child.dep_ == "prep" and child.lower_ == "of":
                    named = [self.at(p.i) for p in child.children if p.dep_ == "pobj" and self.at(p.i) is not None]
                    if named and named[0].type in (EntityType.LOCATION, EntityType.STATE):
                        return [Argument(named[0])]
                if child.dep_ == "compound" and (named := self.at(child.i)) is not None and named.type is EntityType.LOCATION:
                    return [Argument(named)]  # "Nairobi's Mathare neighbourhood", "Ituri province"
            capital = self._named_capital(head) if head.lemma_.lower() == "capital" else None
            if capital is not None:
                return [Argument(capital, COREFERENCE_FACTOR)]
        pair = self._pair_anaphor(head)
        if pair:
            return [Argument(m, COREFERENCE_FACTOR) for m in pair]
        if lemma in self.institutions or head.lower_ in self.institutions or lemma in self.lexicon.cue("state_anaphors"):
            owner = self.owner(head)
            if owner is not None:
                # "Russian and Ukrainian negotiators": each conjoined modifier owns a side; "the governments
                # of Mali, Burkina Faso and Niger": each conjoined object of "of"
                conjoined = [d for c in head.children if c.dep_ in {"amod", "compound", "nmod"} for d in c.conjuncts] + [
                    d for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"
                    for d in p.conjuncts
                ]
                shared = [
                    m for d in conjoined
                    if (m := self.at(d.i)) is not None and m.type in (EntityType.STATE, EntityType.ORGANIZATION) and m.key != owner.key
                ]
                return [Argument(m, OWNER_FACTOR) for m in [owner, *shared]]
            if lemma in self.lexicon.cue("implicit_state_nouns") and any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) \
                    and not any(c.dep_ in OWNER_DEPS for c in head.children):
                # "held rallies against the government": the one state the last sentences speak of
                state = self._only_state_before(head)
                if state is not None:
                    return [Argument(state, IMPLICIT_FACTOR)]
        if title is not None and title.kind in {"leader", "official"} and head.dep_ in ACTIVE_SUBJECT_DEPS:
            owner = self.owner(head)
            if owner is not None and owner.type is EntityType.STATE:
                # "Lebanon's president condemned Israel", "the Iranian foreign minister met ...": a
                # post the document puts no name to, acting, acts for its state
                return [Argument(owner, OWNER_FACTOR)]
        if deep:
            for child in head.children:
                if child.dep_ == "poss" and self.at(child.i):
                    return [Argument(self.at(child.i), 0.75)]
                if child.dep_ in {"compound", "amod"} and self.at(child.i) and self.at(child.i).type in (EntityType.STATE, EntityType.ORGANIZATION) \
                        and (self.event_noun(head) is not None or lemma in self.lexicon.cue("stance_nouns")):
                    return [Argument(self.at(child.i), 0.7)]  # "rejected the US demand", "condemned Israeli strikes"
                event = self.event_noun(head)
                if event is not None and child.lower_ in event.preps:
                    continue  # "welcome talks with X": the event noun rule reads X
                if event is not None and event.relation in SYMMETRIC_EVENTS and child.lower_ == "between":
                    continue  # "hosted talks between X and Y": X and Y meet each other, not the host
                if child.dep_ == "prep" and child.lower_ in DEEP_PREPS or child.dep_ == "acl" and child.tag_ == "VBN":
                    # "the invasion of Ukraine"; "a decision by envoy X", "a truce proposed by X": its maker
                    holders = [child] if child.dep_ == "prep" else [a for a in child.children if a.dep_ == "agent"]
                    for pobj in (p for h in holders for p in h.children if p.dep_ == "pobj"):
                        args = self.entities(pobj)
                        if args:
                            return [Argument(a.mention, a.factor * 0.75) for a in args]
            event = self.event_noun(head)
            if event is not None and event.relation in ANAPHORIC_EVENTS:
                # "Aoun condemned the strike": whoever carried out the strike told of before
                return self._antecedent_agents(head, event)
            if lemma in self.lexicon.cue("act_nouns"):
                # "Britain imposed sanctions on Moscow ... Zakharova denounced the measures"
                return self._act_agents(head)
            if lemma in self.lexicon.cue("said_nouns"):
                # "Orbán said the EU should open its own talks ... Kallas rejected the idea"
                return self._speakers_before(head)
        return []

    def _named_capital(self, noun) -> MentionSpan | None:
        """"the Lithuanian capital", "Ukraine's capital": the capital city, when the document names it."""
        owner = self.owner(noun)
        record = self.gazetteer.state(owner.text) if owner is not None and owner.type is EntityType.STATE else None
        if record is None or not record.capital:
            return None
        wanted = normalize(record.capital)
        return next(
            (m for m in self.analysis.mentions if m.type is EntityType.LOCATION and not m.via_coreference and normalize(m.text) == wanted),
            None,
        )

    def _pair_anaphor(self, noun) -> list[MentionSpan]:
        """"the two leaders", "both countries", "the two sides": the last pair of
        conjoined entities of that kind before the noun, in this or the two sentences before."""
        size = 2
        if noun.tag_ == "NNS":
            counted = [GROUP_SIZES[c.lower_] for c in noun.children if c.dep_ == "nummod" and c.lower_ in GROUP_SIZES]
            size = counted[0] if counted else 2
        if not (noun.tag_ == "NNS" and any(
            (c.dep_ == "nummod" and c.lower_ in GROUP_SIZES) or (c.dep_ in {"det", "predet", "preconj"} and c.lower_ == "both")
            for c in noun.children
        ) or noun.tag_ == "NN" and any(c.dep_ == "det" and c.lower_ == "each" for c in noun.children)):
            return []  # "the two sides", "both countries", "the three states"; "each side (accused the other)"
        lemma = noun.lemma_.lower()
        if lemma in self.lexicon.titles or lemma in {"man", "woman", "brother", "sister", "men", "women"}:
            wanted = {EntityType.PERSON}
        elif lemma in self.lexicon.cue("state_anaphors") | {"government", "neighbour", "neighbor", "state", "nation", "power", "ally"}:
            wanted = {EntityType.STATE}
        elif lemma in {"side", "party", "delegation", "camp", "foe", "rival", "adversary", "enemy"}:
            wanted = {EntityType.STATE, EntityType.ORGANIZATION}
        elif self.title_of(noun) is not None and self.title_of(noun).kind == "org" or lemma in self.lexicon.cue("organization_words") \
                or lemma in self.lexicon.cue("organization_anaphors"):  # "the two firms": a pair of named companies
            wanted = {EntityType.ORGANIZATION}
        else:
            return []
        first_sentence = self.window_start(noun.i, 2)
        # "a ceasefire that Qatar and Turkey brokered between the two neighbours": the noun's own
        # clause's subjects are not the pair it takes up
        own_subjects = {
            m.i for governor in noun.ancestors for c in governor.children
            if c.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS for m in coordinated(c)
        }
        for token in reversed(self.doc[first_sentence : noun.i]):
            mention = self.analysis.at(token.i)
            members = coordinated(token)
            if mention is None or mention.via_coreference or mention.type not in wanted or len(members) < 2:
                continue
            if any(m.i in own_subjects for m in members):
                continue
            group = {}
            for member in sorted(members, key=lambda t: t.i):
                found = self.analysis.at(member.i)
                if found is not None and not found.via_coreference and found.type in wanted:
                    group.setdefault(found.key, found)
            if len(group) == size:
                return list(group.values())
            if len(group) > size:
                return []
        return []

    def owner(self, noun) -> MentionSpan | None:
        """The state or organization a noun belongs to: "Russian forces", "the army of Mali",
        "his government" (the state of the person "his" stands for)."""
        for child in noun.children:
            mention = self.at(child.i)
            if child.dep_ == "poss" and mention is not None and mention.type is EntityType.PERSON:
                mention = self.person_state(mention.key)
            if child.dep_ in OWNER_DEPS and mention and mention.type in (EntityType.STATE, EntityType.ORGANIZATION):
                return mention
            if child.dep_ == "prep" and child.lower_ in {"of", "from"}:
                for pobj in child.children:
                    mention = self.at(pobj.i) if pobj.dep_ == "pobj" else None
                    if mention is None and pobj.dep_ == "pobj" and pobj.pos_ == "NOUN":
                        # "gangs from the Viv Ansanm coalition": the named group the noun stands for
                        mention = next((m for c in pobj.children if c.dep_ == "compound" and (m := self.at(c.i)) is not None
                                        and m.type is EntityType.ORGANIZATION), None)
                    if mention and mention.type in (EntityType.STATE, EntityType.ORGANIZATION):
                        return mention
            if child.dep_ == "acl" and child.tag_ == "VBN" and child.lemma_.lower() in self.lexicon.cue("dispatch_verbs"):
                # "drones launched by Russia", "troops sent by Moscow": whoever sent them owns them
                for agent in (a for a in child.children if a.dep_ == "agent"):
                    for pobj in (p for p in agent.children if p.dep_ == "pobj"):
                        mention = self.at(pobj.i)
                        if mention and mention.type in (EntityType.STATE, EntityType.ORGANIZATION):
                            return mention
        return None

    def subjects(self, verb) -> tuple[list[Argument], bool]:
        """Logical subjects of a verb, and whether the verb is passive."""
        passive = any(c.dep_ in PASSIVE_SUBJECT_DEPS or c.dep_ == "auxpass" for c in verb.children)
        passive = passive or (verb.dep_ == "acl" and verb.tag_ == "VBN")  # "Belaruskali, blacklisted by Washington"
        if passive:
            agents = [
                pobj for agent in verb.children if agent.dep_ == "agent"
                for pobj in agent.children if pobj.dep_ == "pobj"
            ]
            return [a for p in agents for a in self.entities(p)], True
        for child in self.subject_children(verb):
            relative = verb if verb.dep_ == "relcl" else None
            if verb.dep_ == "ccomp" and verb.head.dep_ == "relcl" and child.i < verb.head.i:
                relative = verb.head  # "Rosmar, which London said helps Moscow": "which" is Rosmar
            if child.lower_ in RELATIVE_PRONOUNS and relative is not None:
                antecedent = relative.head
                if antecedent.conjuncts and all(c.i < verb.i for c in antecedent.conjuncts):
                    # "Japan and Australia, which have stepped up ties": the whole coordination
                    return self.entities(antecedent), False
                return self._entity(antecedent, deep=False), False  # the antecedent, not its conjuncts
            return self.entities(child), False
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and (verb.tag_ == "VBG" or verb.lower_.endswith("ing"))):
            described = self.at(verb.head.i)
            if described is not None and described.demonym and verb.head.dep_ == "appos":
                return self._entity(verb.head.head, deep=False), False  # "Jones, an American living in Moscow"
            return self._entity(verb.head, deep=False), False
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.lower_ in {"of", "for"}:
            # "accused Israel of assassinating X": the accused is the doer.
            holder = verb.head.head
            objects = [holder] if holder.dep_ in OBJECT_DEPS else [c for c in holder.children if c.dep_ in OBJECT_DEPS]
            if objects and objects[0].lower_ in RELATIVE_PRONOUNS and holder.dep_ == "relcl":
                return self._entity(holder.head, deep=False), False  # "the UAE, which Sudan accuses of arming the RSF"
            if objects:  # "convicted X, a ..., of murdering Y": the preposition hangs on the object
                return self.entities(objects[0]), False
            patients = [c for c in holder.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
            if patients and holder.lemma_.lower() in ACCUSATION_VERBS:  # "the UAE is accused of arming the RSF"
                return self.entities(patients[0]), False
            if holder.dep_ == "acl" and holder.tag_ == "VBN" and holder.lemma_.lower() in ACCUSATION_VERBS:
                return self._entity(holder.head, deep=False), False  # "Russia, accused of shelling X, ..."
        if verb.dep_ in {"xcomp", "ccomp"} and verb.head.dep_ == "relcl" and verb.head.lemma_.lower() in self.lexicon.cue("speech_verbs") \
                and verb.head.left_edge.lower_ in RELATIVE_PRONOUNS:
            # "Rosmar, which London said helps Moscow": the parser hangs the reported verb on
            # "said" as its complement; its subject is the relative clause's antecedent
            return self._entity(verb.head.head, deep=False), False
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.lower_ in {"by", "after", "before", "since", "while", "upon"} \
                and verb.head.head.pos_ in {"VERB", "AUX"}:
            return self.subjects(verb.head.head)  # "Lithuania responded by expelling ...": the responder expels
        if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.dep_ == "acomp":
            return self.subjects(verb.head.head)  # "Turkey is ready to host talks": the copula's subject
        if verb.dep_ in {"xcomp", "conj", "advcl"} and verb.head.pos_ in {"VERB", "AUX"}:
            governor = verb.head
            if verb.dep_ == "xcomp":
                objects = self._addressees(governor)
                if objects:  # object control: "urged Russia to withdraw", "called on Russia to withdraw"
                    return self.entities(objects[0]), False
            speech = self._speakers_second_act(verb)
            if speech is not None:
                return self.subjects(speech)
            subjects, governor_passive = self.subjects(governor)
            if not governor_passive:
                return subjects, False
            if verb.dep_ == "xcomp" and governor.lemma_.lower() in self.lexicon.cue("speech_verbs") | self.lexicon.cue("raising_verbs"):
                # "Russia is said to have shelled Kharkiv", "the EU is expected to sanction Iran": the raised subject is the doer
                return [a for c in governor.children if c.dep_ in PASSIVE_SUBJECT_DEPS for a in self.entities(c)], False
        return [], False

    def _speakers_second_act(self, verb):
        """The verb of saying a conjunct really hangs on, or None: in "X said the deployment was
        defensive and rejected Y" the parser joins "rejected" to the reported "was", whose
        subject names no actor; the rejection is the speaker's own second act."""
        governor = verb.head
        if verb.dep_ != "conj" or verb.pos_ != "VERB" or governor.dep_ != "ccomp" or governor.head.pos_ != "VERB":
            return None
        if governor.head.lemma_.lower() not in self.lexicon.cue("speech_verbs"):
            return None
        subjects = [c for c in governor.children if c.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS]
        if not subjects or any(self.entities(c) for c in subjects) or any(c.dep_ in ACTIVE_SUBJECT_DEPS for c in verb.children):
            return None
        return governor.head

    def objects(self, verb, passive: bool, *, deep: bool = False) -> list[Argument]:
        if passive:
            patients = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
            if verb.dep_ == "relcl" and any(p.lower_ in RELATIVE_PRONOUNS for p in patients):
                patients = [verb.head]  # "the bank, which has been led by X": the antecedent
            if not patients and verb.dep_ == "acl":
                patients = [verb.head]
            return [a for p in patients for a in self.entities(p, deep=deep)]
        nouns = self._object_nouns(verb)
        if verb.dep_ == "relcl" and (
            nouns and all(n.lower_ in RELATIVE_PRONOUNS for n in nouns)
            or not nouns and any(c.dep_ in ACTIVE_SUBJECT_DEPS and c.lower_ not in RELATIVE_PRONOUNS for c in verb.children)
        ):  # "the office, which Schmidt heads", "a proposal the Kremlin rejected": the antecedent
            return self._entity(verb.head, deep=deep)
        found = [a for c in nouns for a in self.entities(c, deep=deep)]
        if not found:
            found = [a for c in verb.children if c.dep_ in LOOSE_OBJECT_DEPS and c.pos_ == "PROPN" for a in self.entities(c)]
        if not found and not nouns and deep:
            found = self._passive_gerund_agents(verb)
        return found

    def _passive_gerund_agents(self, verb) -> list[Argument]:
        """"denounced the exercises being staged by the United States": the parser reads the
        object and its passive gerund as a clause; the object's doer is the clause's agent."""
        for clause in verb.children:
            if clause.dep_ != "ccomp" or clause.tag_ != "VBN" or not any(c.dep_ == "auxpass" and c.lower_ == "being" for c in clause.children):
                continue
            if not any(c.dep_ in PASSIVE_SUBJECT_DEPS and c.pos_ == "NOUN" for c in clause.children):
                continue
            agents = [p for a in clause.children if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"]
            return [Argument(a.mention, a.factor * 0.75) for p in agents for a in self.entities(p)]
        return []

    @staticmethod
    def _object_nouns(verb) -> list:
        """Direct objects; "rejected what he called Washington's pressure" gives "pressure"."""
        nouns = []
        for child in verb.children:
            if child.dep_ not in OBJECT_DEPS:
                continue
            if child.lower_ == "what" and child.head.i != verb.i:
                continue
            nouns.append(child)
        for clause in verb.children:
            if clause.dep_ == "ccomp" and any(c.lower_ == "what" and c.dep_ in OBJECT_DEPS for c in clause.children):
                nouns += [c for c in clause.children if c.dep_ == "oprd"]
        return nouns

    def prepositional(self, verb, prep: str) -> list[Argument]:
        """Objects of ``prep`` attached to the verb, its particle or its direct object."""
        holders = [verb] + [c for c in verb.children if c.dep_ in OBJECT_DEPS]
        channels = self.lexicon.cue("channel_nouns")  # "spoke by telephone with X": the phrase hangs on the channel
        holders += [p for c in verb.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj" and p.lemma_.lower() in channels]
        found = []
        for holder in holders:
            for child in holder.children:
                if child.dep_ in {"prep", "prt", "dative"} and child.lower_ == prep:
                    # "with X and with Y": conjoined prepositions
                    for each in (child, *(c for c in child.conjuncts if c.pos_ == "ADP" and c.lower_ == prep)):
                        for pobj in each.children:
                            if pobj.dep_ == "pobj":
                                found.extend(self.entities(pobj))
                            elif pobj.dep_ == "pcomp" and pobj.lower_ == "visiting":
                                # "held talks with visiting President X"
                                found.extend(a for o in pobj.children if o.dep_ in OBJECT_DEPS for a in self.entities(o))
        return found

    def clausal_subjects(self, verb) -> list[Argument]:
        return [
            a for ccomp in verb.children if ccomp.dep_ == "ccomp"
            for subj in ccomp.children if subj.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS
            for a in self.entities(subj)
        ]

    # ------------------------------------------------------------ verb rules
    def verb_relations(self) -> Iterator[Candidate]:
        for verb in self.tokens_with(self.lexicon.verbs, lemma=True):
            if verb.pos_ not in {"VERB", "AUX"} and verb.dep_ not in {"acl", "relcl"}:
                continue
            frames = self.lexicon.verbs.get(verb.lemma_.lower(), ())
            for frame in frames:
                yield from self._frame(verb, frame)

    def _frame(self, verb, frame: VerbFrame) -> Iterator[Candidate]:
        fillers = [
            c for c in verb.children
            if c.dep_ in OBJECT_DEPS | PASSIVE_SUBJECT_DEPS and (c.lemma_.lower() in frame.object_nouns or c.lower_ in frame.object_nouns)
        ]
        if frame.object_nouns and not any(c.dep_ in OBJECT_DEPS for c in fillers):
            if not fillers or frame.source != "subj":
                return
        subjects, passive = self.subjects(verb)
        if frame.object_nouns and passive and not subjects:
            # "Rwandan troops were deployed in Congo": the troops' owner sent them
            for filler in (c for c in fillers if c.dep_ in PASSIVE_SUBJECT_DEPS):
                owner = self.owner(filler)  # "American weapons were shipped to Kyiv"
                subjects += self.entities(filler) or ([Argument(owner, OWNER_FACTOR)] if owner is not None else [])
        slots = {"subj": subjects}
        rule = "verb-passive" if passive else "verb"
        if "obj" in (frame.source, frame.target):
            slots["obj"] = self.objects(verb, passive)
            if not slots["obj"] and not frame.object_nouns and "pobj" not in (frame.source, frame.target):
                slots["obj"] = self.objects(verb, passive, deep=True)
                rule = "verb-deep-object"
            met = self._object_nouns(verb) if frame.relation == "meetsWith" and not passive else []
            if met and not any(self._can_meet(n) for n in met):
                slots["obj"] = []  # "Japan hosted American missiles": things are not met
        if "pobj" in (frame.source, frame.target):
            slots["pobj"] = self.prepositional(verb, frame.prep or "")
        if "ccomp_subj" in (frame.source, frame.target):
            slots["ccomp_subj"] = self.clausal_subjects(verb)
            rule = "verb-clausal-object"
        if "iobj" in (frame.source, frame.target):
            # "Germany sent Ukraine weapons": the indirect object, not a preposition's
            slots["iobj"] = [a for c in verb.children if c.dep_ == "dative" and c.pos_ != "ADP" for a in self.entities(c)]
        if frame.prep and frame.target != "pobj" and frame.source != "pobj" and not any(
            c.dep_ in {"prt", "prep"} and c.lower_ == frame.prep for c in verb.children
        ):
            return  # a particle or a marker the frame needs: "turned down X", "provided X with arms"
        if frame.relation in TARGETED_RELATIONS and frame.target in {"obj", "pobj"} and not slots[frame.target]:
            # "targeted an American destroyer", "fired at a Philippine vessel": the owner of the asset
            slots[frame.target] = self._asset_owners(verb, frame, passive)
            rule = "verb-deep-object"
        threat = self._threat_governor(verb) if frame.relation in HOSTILE_RELATIONS else None
        if frame.relation in {"demands", "appealsTo"} and "ccomp_subj" in (frame.source, frame.target) and not self._mandative(verb):
            return
        co_subjects = {a.mention.key for a in subjects} if frame.source == "subj" and len(subjects) > 1 else set()
        for source in slots.get(frame.source, []):
            for target in slots.get(frame.target, []):
                if target.factor < 1 and target.mention.key in co_subjects:
                    continue  # "a ceasefire Qatar and Turkey brokered between the two neighbours": not each other
                relation = frame.relation
                if relation in ROLE_RELATIONS and min(source.factor, target.factor) < 1:
                    if relation != "leaderOf":
                        continue
                    relation = "worksFor"  # "leads China's delegation": serves China, does not lead it
                confidence = RULE_CONFIDENCE[rule] * source.factor * target.factor
                doer = self._spoken_for(source.mention) if relation in HOSTILE_RELATIONS else None
                # "Houthi spokesman Saree threatened to hit British warships": a spokesman speaks,
                # the group he speaks for would strike
                yield Candidate(doer or source.mention, relation, target.mention, rule, confidence, verb.i)
                if threat is not None:
                    # "vowed to keep fighting the RSF", "threatened to hit British warships": the threat
                    # is the fact; the act stays hypothetical
                    yield Candidate(source.mention, "threatens", target.mention, "verb-threat", confidence * 0.9, threat.i)
        if frame.relation == "meetsWith" and verb.lemma_.lower() in self.lexicon.cue("hosting_verbs") and frame.target == "obj":
            yield from self._hosted_sides(verb, slots.get("subj", []), slots.get("obj", []), rule)
        if frame.relation == "meetsWith" and frame.source == "subj" and self._mediators(verb):
            # "Egyptian and Qatari mediators met a Hamas delegation": who sent them mediates with the party met
            for source in slots.get("subj", []):
                for target in slots.get(frame.target, []):
                    confidence = RULE_CONFIDENCE[rule] * source.factor * target.factor
                    yield Candidate(source.mention, "facilitates", target.mention, rule, confidence, verb.i)

    def _can_meet(self, noun) -> bool:
        """A noun that can name a party to a meeting: a name, a person's role, a body."""
        if noun.pos_ != "NOUN":
            return True
        lemma = noun.lemma_.lower()
        title = self.title_of(noun)
        return (title is not None and title.kind != "place") or any(
            lemma in self.lexicon.cue(words) for words in ("state_anaphors", "organization_words", "organization_anaphors", "meeting_parties")
        )

    def _mediators(self, verb) -> bool:
        """The verb's subject is a go-between named by role ("mediators", "the Qatari broker")."""
        return any(
            c.dep_ in ACTIVE_SUBJECT_DEPS and self.at(c.i) is None
            and (title := self.title_of(c)) is not None and title.relation == "facilitates"
            for c in verb.children
        )

    def _hosted_sides(self, verb, hosts: list[Argument], guests: list[Argument], rule: str) -> Iterator[Candidate]:
        """"al-Sudani hosted the foreign ministers of Saudi Arabia and Iran", "Trump hosted both
        leaders": a host of two states' envoys facilitates between those states."""
        sides: dict[str, MentionSpan] = {}
        for guest in guests:
            state = self._state_of(guest.mention)
            if state is not None:
                sides.setdefault(state.key, state)
        if len(sides) < 2:
            return
        for host in hosts:
            home = self._state_of(host.mention)
            for side in sides.values():
                if side.key != host.mention.key and (home is None or side.key != home.key):
                    yield Candidate(host.mention, "facilitates", side, rule, RULE_CONFIDENCE[rule] * host.factor * COREFERENCE_FACTOR, verb.i)

    def _state_of(self, mention: MentionSpan) -> MentionSpan | None:
        """A state itself, or the state a person serves (``person_state``); None for others."""
        if mention.type is EntityType.STATE:
            return mention
        return self.person_state(mention.key) if mention.type is EntityType.PERSON else None

    def _spoken_for(self, person: MentionSpan) -> MentionSpan | None:
        """The state or organization a spokesperson speaks for, when known and single."""
        if person.type is not EntityType.PERSON:
            return None
        spokespeople = self.lexicon.cue("spokesperson_titles")
        owners = {r.owner.key: r.owner for r in self.roles.get(person.key, []) if r.phrase in spokespeople}
        return next(iter(owners.values())) if len(owners) == 1 else None

    def _asset_owners(self, verb, frame: VerbFrame, passive: bool) -> list[Argument]:
        """States and organizations owning what a hostile verb hits: "an American destroyer",
        "Iranian nuclear facilities", "Ukrainian territory" (nouns of the ``target_nouns`` cue)."""
        if frame.target == "pobj":
            holders = [verb] + [c for c in verb.children if c.dep_ in OBJECT_DEPS]
            nouns = [p for h in holders for c in h.children if c.dep_ in {"prep", "prt"} and c.lower_ == frame.prep
                     for p in c.children if p.dep_ == "pobj"]
        elif passive:
            nouns = [c for c in verb.children if c.dep_ in PASSIVE_SUBJECT_DEPS]
        else:
            nouns = self._object_nouns(verb)
        found = []
        for noun in (m for n in nouns for m in coordinated(n)):
            if noun.lemma_.lower() not in self.lexicon.cue("target_nouns") and noun.lower_ not in self.lexicon.cue("target_nouns"):
                continue
            owner = self.owner(noun)
            if owner is not None:
                found.append(Argument(owner, OWNER_FACTOR))
                continue
            if noun.lemma_.lower() in MOBILE_TARGETS:
                continue  # "rammed a vessel in the South China Sea": where a ship is is not what was hit
            # "struck an energy facility in Kharkiv": the place the target stands in is hit
            found += [
                Argument(place, OWNER_FACTOR) for c in noun.children if c.dep_ == "prep" and c.lower_ == "in"
                for p in c.children if p.dep_ == "pobj"
                if (place := self.at(p.i)) is not None and place.type in (EntityType.LOCATION, EntityType.STATE)
            ]
        return found

    def consequence_threats(self) -> Iterator[Candidate]:
        """"Baghaei said Israel will pay a heavy price", "warned that X would pay dearly": the
        speaker threatens the one who is to pay (cue ``threat_consequences``: verb:object or verb:adverb)."""
        consequences = {tuple(entry.split(":", 1)) for entry in self.lexicon.cue("threat_consequences")}
        speech = self.speech_or_commitment
        clauses = sorted((c for head in self.tokens_with(speech, lemma=True) for c in head.children if c.dep_ == "ccomp"), key=lambda t: t.i)
        for verb in clauses:
            lemma = verb.lemma_.lower()
            if verb.dep_ != "ccomp" or verb.head.lemma_.lower() not in speech:
                continue
            if not any((lemma, c.lemma_.lower()) in consequences or (lemma, c.lower_) in consequences
                       for c in verb.children if c.dep_ in OBJECT_DEPS | {"advmod"}):
                continue
            if not any(c.dep_ == "aux" and c.lower_ in {"will", "would", "shall", "'ll", "must"} for c in verb.children):
                continue  # "will pay a price" threatens; "had paid the price" tells
            speakers, passive = self.subjects(verb.head)
            if passive:
                continue
            for speaker in speakers:
                for target in (a for c in verb.children if c.dep_ in ACTIVE_SUBJECT_DEPS for a in self.entities(c)):
                    yield Candidate(
                        speaker.mention, "threatens", target.mention, "verb-threat",
                        RULE_CONFIDENCE["verb-threat"] * speaker.factor * target.factor, verb.head.i,
                    )

    def ultimatum_threats(self) -> Iterator[Candidate]:
        """"threatened to close the border if Cambodia does not pull back", "vowed to resume the
        war if Hamas does not disarm", "said his fighters would storm the city unless X resigned": a
        threat made on a condition someone must meet threatens that one."""
        governors = self.lexicon.cue("ultimatum_governors")
        speech = self.speech_or_commitment  # "warned that it would expel ... unless": the act must be hostile
        for governor in self.tokens_with(governors | speech, lemma=True):
            lemma = governor.lemma_.lower()
            if governor.pos_ != "VERB":
                continue
            clauses = [governor, *(c for c in governor.children if c.dep_ in {"xcomp", "ccomp"})]
            if lemma not in governors:  # a statement that is itself a threat: "would storm the city"
                clauses = [c for c in clauses[1:] if c.dep_ == "ccomp" and self._threatened_act(c)]
            conditions = [a for c in clauses for a in c.children if a.dep_ == "advcl" and self._unmet_condition(a)]
            if not conditions:
                continue
            speakers, passive = self.subjects(governor)
            if passive:
                continue
            for condition in conditions:
                for target in (a for c in self.subject_children(condition) for a in self.entities(c)):
                    for speaker in speakers:
                        yield Candidate(
                            speaker.mention, "threatens", target.mention, "verb-threat",
                            RULE_CONFIDENCE["verb-threat"] * speaker.factor * target.factor, governor.i,
                        )

    def _threatened_act(self, clause) -> bool:
        """A clause that announces a hostile act: "his fighters would storm the districts"."""
        return any(c.dep_ == "aux" and c.lower_ in {"will", "would", "shall", "'ll"} for c in clause.children) and any(
            f.relation in HOSTILE_RELATIONS for f in self.lexicon.verbs.get(clause.lemma_.lower(), ())
        )

    @staticmethod
    def _unmet_condition(clause) -> bool:
        """"unless X withdraws", "if X does not withdraw": a condition someone is to meet."""
        marks = {c.lower_ for c in clause.children if c.dep_ == "mark"}
        return "unless" in marks or "if" in marks and any(c.dep_ == "neg" for c in clause.children)

    def death_in_event_relations(self) -> Iterator[Candidate]:
        """"Anas al-Sharif died in an Israeli strike", "X was killed in a Russian drone attack":
        whoever carried out the attack killed the one who died in it."""
        for verb in self.tokens_with(self.lexicon.cue("death_verbs"), lemma=True):
            lemma = verb.lemma_.lower()
            if verb.pos_ != "VERB" or lemma not in self.lexicon.cue("death_verbs"):
                continue
            subject_deps = PASSIVE_SUBJECT_DEPS if lemma == "kill" else ACTIVE_SUBJECT_DEPS
            if lemma == "kill" and not any(c.dep_ == "auxpass" for c in verb.children):
                continue  # "killed" active is the verb frame's
            victims = [a for c in verb.children if c.dep_ in subject_deps for a in self.entities(c)]
            victims = [v for v in victims if v.mention.type is EntityType.PERSON]
            for event_noun in self._prepositional_objects(verb, {"in", "during"}):
                event = self.event_noun(event_noun)
                if event is None or event.relation not in {"attacks", "kills"}:
                    continue
                agents, _ = self._event_agents(event_noun, event)
                for agent in agents:
                    for victim in victims:
                        yield Candidate(
                            agent.mention, "kills", victim.mention, "event-noun",
                            RULE_CONFIDENCE["event-noun"] * agent.factor * victim.factor, verb.i,
                        )

    def collective_relations(self) -> Iterator[Candidate]:
        """"Russia and China met", "the two leaders agreed to ...": conjoined subjects of a
        verb of meeting or agreeing, with no party named after it, act with each other."""
        kinds = {
            "meetsWith": self.lexicon.cue("collective_meeting_verbs"),
            "cooperatesWith": self.lexicon.cue("collective_cooperation_verbs"),
            "attacks": self.lexicon.cue("collective_attack_verbs"),  # "India and Pakistan clashed": each attacks the other
        }
        phrases = {}  # "exchanged fire", "traded accusations": (verb, object) -> relation
        for entry in self.lexicon.cue("collective_phrases"):
            verb_lemma, noun, name = entry.split(":")
            phrases[(verb_lemma, noun)] = name
        triggers = set(self.lexicon.verbs).union(*kinds.values(), (verb_lemma for verb_lemma, _ in phrases))
        for verb in self.tokens_with(triggers, lemma=True):
            if verb.pos_ not in {"VERB", "AUX"}:
                continue
            lemma = verb.lemma_.lower()
            relation = next((name for name, lemmas in kinds.items() if lemma in lemmas), None)
            reciprocal = relation is None and self._reciprocal_object(verb)
            if relation is None:
                # "India and Pakistan exchanged fire"; "X and Y accused each other": the verb's own frame
                relation = next((phrases[(lemma, c.lemma_.lower())] for c in verb.children
                                 if c.dep_ in OBJECT_DEPS and (lemma, c.lemma_.lower()) in phrases), None)
                if relation is None and reciprocal:
                    relation = next((f.relation for f in self.lexicon.verbs.get(lemma, ())
                                     if f.source == "subj" and f.target == "obj" and not f.object_nouns), None)
            if relation is None:
                continue
            subjects, passive = self.subjects(verb)
            if passive or len({a.mention.key for a in subjects}) < 2:
                continue
            if not reciprocal and (self.objects(verb, False) or any(self.prepositional(verb, p) for p in ("with", "to", "between", "against"))):
                continue
            if relation == "attacks" and any(
                c.lower_ in {"alongside", "together"} or c.lower_ == "side" and c.i + 1 < len(self.doc) and self.doc[c.i + 1].lower_ == "by"
                for c in verb.subtree
            ):
                continue  # "fought alongside each other", "fought together": allies
            for i, one in enumerate(subjects):
                for other in subjects[i + 1 :]:
                    if one.mention.key != other.mention.key:
                        confidence = RULE_CONFIDENCE["verb-collective"] * one.factor * other.factor
                        yield Candidate(one.mention, relation, other.mention, "verb-collective", confidence, verb.i)
                        if relation not in SYMMETRIC_EVENTS:
                            yield Candidate(other.mention, relation, one.mention, "verb-collective", confidence, verb.i)

    @staticmethod
    def _reciprocal_object(verb) -> bool:
        """A direct object "each other" or "one another", or "the other" after "each side"."""
        each_subject = any(c.dep_ in ACTIVE_SUBJECT_DEPS and any(d.lower_ == "each" for d in c.children) for c in verb.children)
        return any(
            c.dep_ in OBJECT_DEPS and c.lower_ in {"other", "another"} and any(d.lower_ in {"each", "one"} for d in c.children)
            or c.dep_ in OBJECT_DEPS and c.lower_ == "another" and c.i > 0 and c.doc[c.i - 1].lower_ == "one"
            or c.dep_ in OBJECT_DEPS and c.lower_ == "other" and each_subject
            for c in verb.children
        )

    @staticmethod
    def _mandative(verb) -> bool:
        """A clause that says what must happen: "demanded that Israel withdraw", "insists
        that troops must leave" (not "insisted that his country would never ...")."""
        for clause in verb.children:
            if clause.dep_ != "ccomp":
                continue
            if clause.tag_ not in {"VBD", "VBZ", "VBN", "VBG", "MD"} and not any(c.dep_ in {"aux", "auxpass"} for c in clause.children):
                return True
            if any(c.dep_ in {"aux", "auxpass"} and c.lower_ in {"must", "should", "ought"} for c in clause.children):
                return True
        return False

    def requested(self, trigger) -> bool:
        """A verb under a verb of appeal with an object: "urged X to <verb>", "called on X to <verb>"."""
        return (
            trigger.dep_ == "xcomp" and trigger.head.lemma_.lower() in self.lexicon.cue("appeal_governors")
            and bool(self._addressees(trigger.head))
        )

    def _addressees(self, governor) -> list:
        """Who a verb is addressed to: its direct object, or the object of "on" after a verb of
        appeal ("called on the government to press Moscow")."""
        objects = [c for c in governor.children if c.dep_ in OBJECT_DEPS]
        if not objects and governor.lemma_.lower() in self.lexicon.cue("appeal_governors"):
            objects = [p for c in governor.children if c.dep_ == "prep" and c.lower_ in {"on", "upon"}
                       for p in c.children if p.dep_ == "pobj"]
        return objects

    def _threat_governor(self, verb):
        """The verb of threatening that controls a hostile verb: "threatened to strike X"."""
        governor = verb
        while governor.dep_ in {"xcomp", "ccomp"} and governor.head.i != governor.i:
            link, governor = governor.dep_, governor.head
            if governor.lemma_.lower() in self.lexicon.cue("threat_governors") and (link == "xcomp" or governor.lemma_.lower() in {"threaten", "vow", "warn"}):
                return governor
            if link == "ccomp":
                break
        return None

    # ------------------------------------------------------------ title rules
    def title_of(self, token) -> Title | None:
        """The title a noun heads, matched with its compound modifiers ("prime minister")."""
        titles = self.lexicon.titles.get(token.lower_, ()) or self.lexicon.titles.get(token.lemma_.lower(), ())
        if token.i + 2 < len(self.doc) and self.doc[token.i + 1].text == "-" and self.doc[token.i + 2].head.i == token.i:
            # "the UN secretary-general" parsed with "secretary" as head and "general" as its modifier
            joined = f"{token.lower_}-{self.doc[token.i + 2].lower_}"
            hyphenated = [t for t in self.lexicon.titles.get(self.doc[token.i + 2].lower_, ()) if t.phrase == joined]
            if hyphenated:
                return hyphenated[0]
        if not titles:
            return None
        left = token
        for child in token.lefts:
            if child.dep_ in {"compound", "amod", "punct", "nmod"} and child.i >= token.i - 3:
                left = min(left, child, key=lambda t: t.i)
                break
        phrase = " ".join(self.doc[left.i : token.i + 1].text.lower().split())  # not doc.text: rebuilt per call
        title = next((t for t in titles if phrase.endswith(t.phrase) or t.phrase == token.lower_), titles[-1])
        if title.relation == "leaderOf" and self._subordinate(token, title):
            # "Deputy Prime Minister", "foreign policy chief": a post under the leader
            return Title(title.phrase, "worksFor", "official")
        return title

    def _subordinate(self, token, title: Title) -> bool:
        modifiers = [c for c in token.lefts if c.dep_ in {"compound", "amod", "nmod"}]
        words = {w for c in modifiers for w in c.subtree if w.i < token.i}
        lowered = {w.lower_.strip("-") for w in words}
        if lowered & self.lexicon.cue("subordinate_modifiers"):
            return True
        title_words = set(title.phrase.replace("-", " ").split())
        return title.phrase in {"chief", "head", "leader"} and any(
            w.pos_ == "NOUN" and w.is_lower and w.lower_ not in title_words and self.at(w.i) is None for w in words
        )

    def title_relations(self) -> Iterator[Candidate]:
        seen = set()
        for mention in self.mentions():
            head = self._head(mention)
            if head is None or (head.i, mention.key) in seen:
                continue
            seen.add((head.i, mention.key))
            yield from self._prefix_titles(mention, head)
            for title_token, rule in self._descriptors(mention, head):
                yield from self._titled(mention, title_token, rule)
            yield from self._attachments(mention, head)

    def _head(self, mention: MentionSpan):
        span = self.doc[mention.start : mention.end]
        return span.root if len(span) else None

    def _prefix_titles(self, mention: MentionSpan, head) -> Iterator[Candidate]:
        """"Russian President Vladimir Putin", "Kremlin spokesman Dmitry Peskov", "the American diplomat"."""
        if mention.type is EntityType.ORGANIZATION and not mention.via_coreference:
            yield from self._organization_prefix(mention, head)
            return
        if mention.type is not EntityType.PERSON:
            return
        left = max(head.left_edge.i, self.dateline.stop) if head.left_edge.i in self.dateline else head.left_edge.i
        if mention.via_coreference:  # a role noun standing for a person: the noun is the title
            title_token, prefix = head, list(self.doc[left : head.i])
        else:
            prefix = list(self.doc[left : mention.start])
            # not the object of a title's "of": "Secretary of State" is a secretary, "State" no place
            titled = [t for t in prefix if self.title_of(t) is not None
                      and not (t.dep_ == "pobj" and t.head.lower_ == "of" and self.title_of(t.head.head) is not None)]
            if not titled:
                yield from self._possessed_person(mention, head)
                return
            title_token = max(titled, key=lambda t: t.i)
        title = self.title_of(title_token)
        if title is None or title.kind in {"place", "org", "agent"}:
            return
        owners = self._owners_among(prefix, mention, title_token, head)
        if owners:
            yield from self._owned(mention, title, owners, "title-prefix", title_token.i)
        elif not mention.via_coreference and title.kind == "leader" and title.phrase in CONTEXT_TITLES \
                and not self._unread_owner(prefix, title_token) and not self._former(title_token):
            # "Incumbent President Alexander Lukashenko": president of the state under
            # discussion; "Secretary General Mark Rutte": of the organization under discussion.
            wanted = {EntityType.ORGANIZATION} if title.phrase in ORGANIZATION_TITLES else {EntityType.STATE}
            context = None
            if not self._holds_elsewhere(mention):
                # one named earlier in this sentence, else the dateline's state, else one named in the sentence before
                context = self.analysis.nearest_before(mention.start_char, wanted, sentence=mention.sentence, window=0)
                if context is None and wanted == {EntityType.STATE}:
                    context = self._dateline_post(mention, title)
                if context is None:
                    context = self.analysis.nearest_before(mention.start_char, wanted, sentence=mention.sentence, window=1)
            if context is not None:
                yield Candidate(mention, title.relation, context, "title-context", RULE_CONFIDENCE["title-context"], title_token.i)
        elif not mention.via_coreference and title.kind == "official" and self._government_post(prefix, title_token) \
                and not self._unread_owner(prefix, title_token):
            # "Foreign ministry spokesman Esmaeil Baghaei", "Defence Minister X": a post in the
            # government of the state under discussion
            # a state acting earlier in this sentence ("Egyptian troops began ..., and Foreign Minister X"),
            # else the dateline's, else one acting in the sentence before
            context = self._subject_state_before(title_token, 0) or self._dateline_post(mention, title) \
                or self._subject_state_before(title_token, 1)
            if context is not None:
                yield Candidate(mention, "worksFor", context, "title-context", RULE_CONFIDENCE["title-context"], title_token.i)

    def _holds_elsewhere(self, person: MentionSpan) -> bool:
        """Whether the document names a post of this person with its owner ("US President
        Donald Trump" before a bare "President Donald Trump")."""
        return any(r.explicit for r in self.roles.get(person.key, []))

    def _dateline_post(self, person: MentionSpan, title: Title) -> MentionSpan | None:
        """The dateline's state as the owner of a bare title ("MEXICO CITY - President Claudia
        Sheinbaum", "WARSAW - ... Interior Minister X"): wire style names a post of the state a
        story is filed from without the state. Not when the person holds a post named with
        its owner, nor when another person holds the same title of that state by name."""
        state = self.dateline_state()
        if state is None or self._holds_elsewhere(person):
            return None
        if title.kind == "leader" and any(
            other != person.key and any(r.explicit and r.owner.key == state.key and r.phrase == title.phrase for r in roles)
            for other, roles in self.roles.items()
        ):
            return None
        return state

    def _possessed_person(self, mention: MentionSpan, head) -> Iterator[Candidate]:
        """"Armenia's Ararat Mirzoyan and Azerbaijan's Jeyhun Bayramov, the two foreign ministers":
        a state or organization possessing a name holds the post its apposition names."""
        owners = [m for c in head.children if c.dep_ == "poss" and (m := self.at(c.i)) is not None
                  and not m.via_coreference and m.type in (EntityType.STATE, EntityType.ORGANIZATION)]
        if not owners:
            return
        described = head.head if head.dep_ == "conj" else head
        for title_token in (c for c in described.children if c.dep_ == "appos"
                            and ((m := self.at(c.i)) is None or m.via_coreference and m.key == mention.key)):
            title = self.title_of(title_token)
            if title is not None and title.kind in {"leader", "official"}:
                yield from self._owned(mention, title, [(o, False) for o in owners], "title-apposition", title_token.i)

    def _only_state_before(self, token) -> MentionSpan | None:
        """The one state named in this sentence before ``token`` and the two sentences before,
        by name or demonym; None when there are several or none."""
        first = self.window_start(token.i, 2)
        states = {
            m.key: m for t in self.doc[first : token.i] if (m := self.analysis.at(t.i)) is not None
            and not m.via_coreference and m.type is EntityType.STATE
        }
        return next(iter(states.values())) if len(states) == 1 else None

    def _subject_state_before(self, token, sentences_before: int = 1) -> MentionSpan | None:
        """The one state that is a subject in this sentence before ``token`` or in the
        ``sentences_before`` sentences before ("Iran accused Israel ... Foreign ministry spokesman
        X": Iran); None when there are several ("Germany and France met")."""
        first = self.window_start(token.i, sentences_before)
        states = {}
        for before in self.doc[first : token.i]:
            found = self.analysis.at(before.i)
            if found is None or found.via_coreference or found.type is not EntityType.STATE or found.start != before.i:
                continue
            head = self._head(found)
            members = coordinated(head) if head is not None else []
            if head is not None and head.dep_ in {"amod", "poss", "compound"} and (found.demonym or head.dep_ == "poss"):
                head = head.head  # "Egyptian troops began ...", "Egypt's army said ..."
                members = coordinated(head)
            if head is not None and (head.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS
                                     or any(m.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS for m in members)):
                states[found.key] = found
        return next(iter(states.values())) if len(states) == 1 else None

    def _government_post(self, prefix, title_token) -> bool:
        """A title named by a government department: "foreign ministry spokesman", "interior minister"."""
        organs = self.lexicon.cue("government_post_words")
        words = {t.lower_ for t in prefix if t.i <= title_token.i}
        return bool(words & organs) or title_token.lower_ in {"minister", "ministers"}

    def _former(self, title_token) -> bool:
        """A post held in the past: "former", "ex-", "late" before the title."""
        start = max(title_token.left_edge.i, title_token.i - 5)
        words = {t.lower_.rstrip("-") for t in self.doc[start : title_token.i]}
        return bool(words & self.lexicon.cue("past_post_modifiers"))

    def _unread_owner(self, prefix, title_token) -> bool:
        """A capitalised modifier before the title that is no title word: an owner the
        entity stage did not read ("Azerbaijani President"), so the context must not guess."""
        honorifics = self.lexicon.cue("honorifics")
        departments = self.lexicon.cue("government_post_words")  # "Interior Minister", "Foreign Ministry spokesperson"
        title_words = set(self._title_phrase(title_token.i).replace("-", " ").split())
        for token in prefix:
            if token.i >= title_token.i or not token.text[:1].isupper() or token.pos_ not in {"PROPN", "ADJ", "NOUN"}:
                continue  # not "When President X"
            lower = token.lower_.rstrip(".")
            if lower in honorifics or lower in title_words or lower in departments or lower in {"the", "a", "an"}:
                continue
            found = self.at(token.i)
            if found is None or found.type is EntityType.PERSON:
                return True
        return False

    def _organization_prefix(self, mention: MentionSpan, head) -> Iterator[Candidate]:
        """"Belarusian potash producer Belaruskali": an organization noun with a place."""
        prefix = list(self.doc[head.left_edge.i : mention.start])
        nouns = [t for t in prefix if (title := self.title_of(t)) is not None and title.kind == "org"]
        if not nouns:
            return
        owners = [(o, d) for o, d in self._owners_among(prefix, mention, nouns[-1], head) if o.type in (EntityType.STATE, EntityType.LOCATION)]
        yield from self._owned(mention, self.title_of(nouns[-1]), owners, "title-prefix", nouns[-1].i)

    def _owners_among(self, tokens, holder: MentionSpan, title_token, head) -> list[tuple[MentionSpan, bool]]:
        """States and organizations named in ``tokens``, each with whether it is a demonym
        modifying the title or the person directly ("American diplomat")."""
        owners: list[tuple[MentionSpan, bool]] = []
        for token in tokens:
            found = self.at(token.i)
            if found is not None and found.type is EntityType.PERSON and token.dep_ == "poss":
                if any(self.at(t.i) is not None and self.at(t.i).type is EntityType.STATE for t in tokens if t.i != token.i):
                    continue  # "her French counterpart": the demonym names the post's state
                found = self.person_state(found.key)  # "Maduro's foreign minister"
            elif found is not None and found.via_coreference and token.i not in self.actor_readings:
                continue  # a role noun; "its", "whose", "the bloc's" stand for the owner (_possessive_pronouns)
            if found is None or found.key == holder.key or self._bare_department(found):
                continue
            if found.demonym and token.i + 2 < len(self.doc) and self.doc[token.i + 1].text == "-" \
                    and self.doc[token.i + 2].lower_ in {"born", "raised", "educated", "trained"}:
                continue  # "an Egyptian-born engineer": a birthplace, no stated nationality or post
            if found.type not in (EntityType.STATE, EntityType.ORGANIZATION, EntityType.LOCATION):
                continue
            if any(o.key == found.key for o, _ in owners):
                continue
            direct = token.dep_ == "amod" and token.head.i in (title_token.i, head.i) and self._is_demonym(found)
            owners.append((found, direct))
        return owners

    def _bare_department(self, mention: MentionSpan) -> bool:
        """An organization named only by a department of some government ("Foreign Ministry",
        "Treasury Cabinet", "Defense" before a title): the post is in the government of the state
        under discussion, read by the context rule, not in an organization of that name."""
        if mention.type is not EntityType.ORGANIZATION or self.gazetteer.organization(mention.text) is not None:
            return False
        words = self.lexicon.cue("government_post_words") | self.lexicon.cue("government_organ_words")
        return all(word.lower() in words for word in mention.text.replace("-", " ").split())

    def _descriptors(self, mention: MentionSpan, head) -> Iterator[tuple[object, str]]:
        """Nouns that describe the entity: appositions, copulas, relative clauses, compounds."""
        for child in head.children:
            if child.dep_ == "appos":
                yield child, "title-apposition"
                # "Hungary, an EU and NATO member": the title is conjoined to the first owner
                yield from ((c, "title-apposition") for c in child.conjuncts if c.i > child.i and self.title_of(c) is not None)
            if child.dep_ == "relcl" and not any(
                g.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS and g.lower_ not in RELATIVE_PRONOUNS for g in child.children
            ):  # not "Michal, whose country is a NATO member"
                for grand in child.children:
                    if grand.dep_ in {"attr", "oprd"}:
                        yield grand, "title-relative-clause"
                    if grand.dep_ == "prep" and grand.lower_ == "as":
                        yield from ((p, "title-relative-clause") for p in grand.children if p.dep_ == "pobj")
        if head.dep_ == "appos" and head.head.pos_ in {"NOUN", "PROPN"}:
            yield head.head, "title-apposition"
        if head.dep_ in {"nsubjpass", "dobj"} and head.head.lemma_.lower() in self.lexicon.cue("appointment_verbs"):
            for sibling in head.head.children:  # "X was appointed as director of Y", "elected X president"
                if sibling.dep_ in {"oprd", "attr", "xcomp"}:
                    yield sibling, "title-copula"
                if sibling.dep_ == "prep" and sibling.lower_ == "as":
                    yield from ((p, "title-copula") for p in sibling.children if p.dep_ == "pobj")
        if head.dep_ in {"nsubj", "nsubjpass"} and head.head.lemma_ in {"be", "become", "remain"}:
            for sibling in head.head.children:
                if sibling.dep_ in {"attr", "acomp", "oprd"}:
                    yield sibling, "title-copula"
        if head.dep_ == "conj" and head.head.pos_ == "PROPN":
            for child in head.head.children:
                if child.dep_ == "appos":
                    yield child, "title-apposition"  # "Finland and Sweden, NATO's newest members"
        if head.dep_ == "pobj" and head.head.lower_ == "of":
            noun = head.head.head
            title = self.title_of(noun)
            if title is not None and title.kind in {"place", "org"} and not (title.kind == "place" and any(
                c.dep_ == "compound" and self.at(c.i) is not None for c in noun.children
            )):  # "the southern Lebanese town of Bint Jbeil"; not the container in "the Chapare region of Cochabamba"
                yield noun, "title-compound"
        if head.dep_ == "compound":
            title = self.title_of(head.head)
            if title is not None and title.kind in {"place", "org"}:
                yield head.head, "title-compound"  # "the Cite Soleil district of Port-au-Prince"

    def _titled(self, mention: MentionSpan, title_token, rule: str) -> Iterator[Candidate]:
        described = self.at(title_token.i)
        if described is not None and not described.via_coreference:
            if mention.type is EntityType.PERSON and described.type is EntityType.STATE and described.demonym \
                    and rule == "title-apposition" and any(c.dep_ == "det" and c.lower_ in {"a", "an"} for c in title_token.children):
                # "Sarah Jones, an American living in Moscow": a nationality stated as a noun
                yield Candidate(mention, "citizenOf", described, "demonym-citizen", RULE_CONFIDENCE["demonym-citizen"], title_token.i)
            return  # the descriptor is itself an entity ("Minsk, Belarus" is a place rule)
        title = self.title_of(title_token)
        if title is None:
            return
        tokens = list(self.doc[title_token.left_edge.i : title_token.i])
        if title_token.dep_ == "conj" and title_token.head.dep_ == "appos" and self.at(title_token.head.i) is not None:
            tokens.insert(0, title_token.head)  # "an EU and NATO member": the EU owns the post too
        owners = self._owners_among(tokens, mention, title_token, title_token)
        factor = 1.0
        # "Russia's ambassador in Serbia", "the US envoy for Syria": the post is held there, for another
        preps = POSTING_PREPS if title_token.lemma_.lower() in self.lexicon.cue("posting_titles") else OWNER_PREPS | {"between", "within"}
        for child in title_token.children:
            if child.dep_ == "prep" and child.lower_ in preps:
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        owners += [(a.mention, False) for a in self.entities(pobj) if a.mention.key != mention.key]
                        if child.lower_ == "between":
                            owners += [(a.mention, False) for a in self._stray_conjuncts(pobj) if a.mention.key != mention.key]
        if not owners and title.relation == "facilitates":
            implicit = self._implicit_owner(title_token, mention)
            if implicit is not None:
                owners, factor = [(implicit, False)], IMPLICIT_FACTOR
        yield from self._owned(mention, title, owners, rule, title_token.i, factor)

    def _implicit_owner(self, title_token, mention: MentionSpan) -> MentionSpan | None:
        """"facilitator between the leadership and the opposition": the state under discussion."""
        implicit_nouns = self.lexicon.cue("implicit_owner_nouns")
        for child in title_token.children:
            if child.dep_ == "prep" and child.lower_ == "between":
                nouns = [p for p in child.children if p.dep_ == "pobj"]
                nouns += [c for n in nouns for c in n.conjuncts]
                if nouns and all(n.lemma_.lower() in implicit_nouns or n.lower_ in implicit_nouns for n in nouns):
                    return self.analysis.nearest_before(
                        mention.start_char, {EntityType.STATE}, sentence=mention.sentence, window=3
                    )
        return None

    def _owned(self, holder, title: Title, owners, rule, trigger, factor: float = 1.0) -> Iterator[Candidate]:
        confidence = RULE_CONFIDENCE[rule] * factor
        if title.relation == "leaderOf" and self._former(self.doc[trigger]):
            return  # "the former Dutch prime minister": no longer leads
        for owner, direct_demonym in owners:
            if title.kind == "professional":
                if owner.type is EntityType.ORGANIZATION:
                    yield Candidate(holder, "worksFor", owner, rule, confidence, trigger)
                elif owner.type is EntityType.LOCATION:  # "Atlanta businessman Neil Estes"
                    yield Candidate(holder, "livesIn", owner, rule, confidence * 0.8, trigger)
                elif direct_demonym or owner.type is EntityType.STATE:  # "a Netherlands businessman"
                    yield Candidate(holder, "citizenOf", owner, "demonym-citizen", RULE_CONFIDENCE["demonym-citizen"], trigger)
                continue
            relation = title.relation
            if owner.type is EntityType.LOCATION and relation in ROLE_RELATIONS:
                # "Ohio Gov. Richard Celeste", "the mayor of Goma": a post of a province or town is held by one who lives there
                yield Candidate(holder, "livesIn", owner, rule, confidence * LOCAL_POST_FACTOR, trigger)
                continue
            if relation == "worksFor" and owner.type is EntityType.ORGANIZATION and self._armed_group_rank(trigger, owner):
                relation = "memberOf"  # "a Hezbollah field commander": a member of the group, not its employee
            yield Candidate(holder, relation, owner, rule, confidence, trigger)

    def _armed_group_rank(self, trigger: int, owner: MentionSpan) -> bool:
        """A rank of an armed group ("commander") held in one (the gazetteer's ``armed_group`` kind)."""
        if self.doc[trigger].lemma_.lower() not in self.lexicon.cue("armed_group_member_titles"):
            return False
        record = self.gazetteer.organization_by_key(owner.key) or self.gazetteer.organization(owner.text)
        return record is not None and record.kind == "armed_group"

    def _is_demonym(self, mention: MentionSpan) -> bool:
        state = self.gazetteer.state(mention.text)
        return state is not None and mention.text in state.demonyms

    def _attachments(self, mention: MentionSpan, head) -> Iterator[Candidate]:
        """Prepositional attachments: "Brian Michaud of Millinocket", "Wang at the Institute",
        "a bank in Zurich", "the palace in San Francisco"."""
        if mention.via_coreference:
            return
        holders = [head] + [c for c in head.children if c.dep_ in {"appos", "npadvmod"} and c.like_num]
        if mention.type is EntityType.PERSON:
            # "Derwinski, a Republican from Chicago": the description's origin is the person's
            holders += [
                c for c in head.children
                if c.dep_ == "appos" and c.pos_ in {"NOUN", "PROPN"} and self.at(c.i) is None and self.title_of(c) is None
            ]
        for holder in holders:
            for prep in holder.children:
                if prep.dep_ != "prep":
                    continue
                for pobj in prep.children:
                    if pobj.dep_ != "pobj":
                        continue
                    if (found := self.at(pobj.i)) is not None and found.demonym and found.start == pobj.i == found.end - 1:
                        continue  # "in Greek", "from Portuguese": a bare demonym after a preposition is a language
                    for argument in self.entities(pobj):
                        relation = _ATTACHMENT.get((mention.type, prep.lower_, argument.mention.type))
                        if relation is not None and argument.mention.key != mention.key:
                            yield Candidate(
                                mention, relation, argument.mention, "preposition",
                                RULE_CONFIDENCE["preposition"] * argument.factor, head.i,
                            )

    # ------------------------------------------------------------ event nouns
    def event_noun(self, token):
        if token.pos_ not in {"NOUN", "PROPN"}:
            return None
        return self.lexicon.event_nouns.get(token.lower_) or self.lexicon.event_nouns.get(token.lemma_.lower())

    def event_noun_relations(self) -> Iterator[Candidate]:
        for noun in self.tokens_with(self.lexicon.event_nouns, lemma=True, lower=True):
            event = self.event_noun(noun)
            if event is None:
                continue
            objects = self._prepositional_objects(noun, event.preps)
            if not objects and noun.dep_ in OBJECT_DEPS and noun.head.lemma_.lower() in self.lexicon.cue("light_verbs"):
                # "conducted naval exercises with France": the preposition hangs on the light verb
                objects = self._prepositional_objects(noun.head, event.preps)
            targets = [a for pobj in objects for a in self.entities(pobj)]
            if not targets and event.relation in {"demands", "appealsTo"}:
                # "a US demand that he step down", "Egypt's call for Hamas to disarm"
                targets = [
                    a for clause in noun.children if clause.dep_ in {"acl", "ccomp", "relcl"}
                    and any(m.dep_ == "mark" and m.lower_ in {"that", "for"} for m in clause.children)
                    for subject in clause.children if subject.dep_ in ACTIVE_SUBJECT_DEPS for a in self.entities(subject)
                ]
            if not targets and event.relation == "protestsAgainst":
                # "a rally against the Kremlin's war", "protests against US pressure"
                targets = [a for pobj in objects for a in self.entities(pobj, deep=True)]
            if not targets and event.relation == "protestsAgainst":
                # "joined the rallies outside the Georgian parliament": the state whose seat it is
                targets = [a for pobj in self._prepositional_objects(noun, {"outside"}) for a in self.entities(pobj)]
            agents, modality = self._event_agents(noun, event)
            if not targets and agents and event.relation in HOSTILE_RELATIONS:
                targets = self._warned_party(noun)
            if not targets and agents and event.relation in ANAPHORIC_EVENTS:
                # "if London joined the strikes": the strikes told of before, on the Houthis
                targets = self._antecedent_targets(noun, event)
            if event.relation in SYMMETRIC_EVENTS:
                yield from self._between_parties(noun, event.relation, modality)
            if event.relation in SYMMETRIC_EVENTS:
                yield from self._brokered(noun, [*agents, *targets], modality)
            if not targets and event.relation in SYMMETRIC_EVENTS and len(agents) > 1:
                # "Russia and Belarus signed an agreement", "the two leaders held talks"
                for i, agent in enumerate(agents):
                    for other in agents[i + 1 :]:
                        yield Candidate(
                            agent.mention, event.relation, other.mention, "event-noun",
                            RULE_CONFIDENCE["event-noun"] * agent.factor * other.factor, noun.i, modality,
                        )
            for agent in agents:
                for target in targets:
                    yield Candidate(
                        agent.mention, event.relation, target.mention, "event-noun",
                        RULE_CONFIDENCE["event-noun"] * agent.factor * target.factor, noun.i, modality,
                    )

    def _brokered(self, noun, parties: list[Argument], modality: Modality | None) -> Iterator[Candidate]:
        """"US-brokered talks", "a Qatari-mediated truce between X and Y": the one named in the
        modifier facilitates the event's parties (cue ``brokering_participles``)."""
        participles = self.lexicon.cue("brokering_participles")
        brokers = [
            a for c in noun.children if c.dep_ == "amod" and c.lower_ in participles
            for m in c.children if m.dep_ in {"npadvmod", "compound", "amod", "nmod"} for a in self._entity(m, deep=False)
        ]
        if not brokers:
            return
        parties = parties + [a for p in self._prepositional_objects(noun, {"between"}) for m in coordinated(p) for a in self._entity(m, deep=False)]
        sides = {a.mention.key: a for a in parties}
        for broker in brokers:
            for side in sides.values():
                if side.mention.key != broker.mention.key:
                    yield Candidate(
                        broker.mention, "facilitates", side.mention, "event-noun",
                        RULE_CONFIDENCE["event-noun"] * broker.factor * side.factor, noun.i, modality,
                    )

    def _warned_party(self, noun) -> list[Argument]:
        """"warned Iran that he would order new strikes": a hostile act threatened in a warning
        is aimed at the one warned."""
        clause = noun
        while clause.dep_ not in {"ccomp", "ROOT"} and clause.head.i != clause.i:
            clause = clause.head
        warner = clause.head
        if clause.dep_ != "ccomp" or warner.lemma_.lower() not in {"warn", "threaten", "caution"}:
            return []
        return [a for c in warner.children if c.dep_ in OBJECT_DEPS for a in self.entities(c)]

    def _event_targets(self, noun) -> list[Argument]:
        event = self.event_noun(noun)
        return [a for pobj in self._prepositional_objects(noun, event.preps) for a in self.entities(pobj)] if event else []

    def _antecedent_events(self, noun, event) -> Iterator:
        """Events a definite event noun may take up, nearest first: "the strike", "the strikes"
        after "an Israeli drone strike" or "air strikes on Houthi sites", in this or the three
        sentences before. Verbs of a spoken event are as good ("Britain condemned Israel ...
        the condemnation"); verbs of an act only when no earlier noun names it ("Israeli jets
        struck a depot ... Syria condemned the raid")."""
        if not _definite(noun):
            return
        first = self.window_start(noun.i, ANTECEDENT_SENTENCES)
        governors = {t.i for t in noun.ancestors}
        verbs_too = event.relation in SPEECH_EVENTS
        verbs = []
        named = False
        for before in reversed(self.doc[first : noun.i]):
            earlier = self.event_noun(before)
            if earlier is not None and earlier.relation == event.relation:
                named = True
                yield before  # "a US airstrike ... the strike"
            elif _verbal(before) and before.i not in governors and self._verb_frames(before, event.relation):
                if verbs_too:
                    yield before
                else:
                    verbs.append(before)
        if not named:
            yield from verbs

    def _verb_frames(self, verb, relation: str) -> list[VerbFrame]:
        return [f for f in self.lexicon.verbs.get(verb.lemma_.lower(), ()) if f.relation == relation and f.source == "subj"]

    def _antecedent_targets(self, noun, event) -> list[Argument]:
        """Whom the event a definite event noun takes up was aimed at ("joined the strikes",
        "declined to join the condemnation")."""
        for antecedent in self._antecedent_events(noun, event):
            if _verbal(antecedent):
                targets = []
                for frame in self._verb_frames(antecedent, event.relation):
                    passive = self.subjects(antecedent)[1]
                    if frame.target == "obj":
                        targets += self.objects(antecedent, passive, deep=True)
                    elif frame.target == "pobj":
                        targets += self.prepositional(antecedent, frame.prep or "")
            else:
                targets = self._event_targets(antecedent)
            if targets:
                return [Argument(a.mention, a.factor * COREFERENCE_FACTOR) for a in targets]
        return []

    def _antecedent_agents(self, noun, event) -> list[Argument]:
        """Who carried out the event a definite event noun takes up ("condemned the strike",
        "dismissed the criticism" after "Britain and France condemned ...")."""
        for antecedent in self._antecedent_events(noun, event):
            if _verbal(antecedent):
                agents, passive = self.subjects(antecedent)
            else:
                agents, _ = self._event_agents(antecedent, event)
            if agents:
                return [Argument(a.mention, a.factor * 0.7) for a in agents]
        return []

    def _act_agents(self, noun) -> list[Argument]:
        """Who did what a definite act noun takes up ("the move", "the decision", "the
        measures"): the doer of the nearest material act told of before it, in this or the
        two sentences before ("imposed sanctions", "expelled two diplomats", "sent troops").
        The nearest act decides, named doer or not; the noun's own verb is no antecedent."""
        if self._said_where_it_stands(noun, {"of", "by"}):
            return []  # "Britain's decision", "the decision by X", "the move to expel"
        governors = set()  # the noun's own clause: "Moscow condemned the move" (a conjunct before it may be the act)
        for governor in noun.ancestors:
            governors.add(governor.i)
            if governor.dep_ == "conj":
                break

        def is_act(verb) -> bool:  # "supplied engines", parsed as a modifier, is no act told of
            return verb.dep_ != "amod" and any(
                f.source == "subj" and f.relation in ACT_RELATIONS for f in self.lexicon.verbs.get(verb.lemma_.lower(), ())
            )

        return self._doer_of_nearest(noun, ACT_SENTENCES, governors, is_act)

    def _speakers_before(self, noun) -> list[Argument]:
        """Who said what a definite noun of speech takes up ("the idea", "the proposal", "the
        remarks"): the subject of the nearest verb of saying before it, in its or the sentence
        before; the noun's own clause and background clauses are no antecedent."""
        if self._said_where_it_stands(noun, {"of", "by", "from"}):
            return []  # "Orbán's idea", "the proposal by X", "the idea of talks"
        speech = self.lexicon.cue("speech_verbs")
        governors = {t.i for t in noun.ancestors}
        return self._doer_of_nearest(noun, 1, governors, lambda verb: verb.lemma_.lower() in speech)

    @staticmethod
    def _said_where_it_stands(noun, preps: set[str]) -> bool:
        """Whether a noun that could take up an earlier act or saying cannot: it is not definite,
        or its owner, its clause or one of ``preps`` says whose it is where it stands."""
        return not _definite(noun) or any(
            c.dep_ in OWNER_DEPS or c.dep_ in {"acl", "relcl"} or c.dep_ == "prep" and c.lower_ in preps for c in noun.children
        )

    def _doer_of_nearest(self, noun, sentences: int, governors: set[int], is_antecedent) -> list[Argument]:
        """The subjects of the nearest verb before ``noun`` (in its or the ``sentences``
        before) that ``is_antecedent`` accepts: not one of ``governors`` (the noun's own
        clause), nor in a background clause ("a trader which helps Moscow", "until Russia
        agreed"). The nearest decides: a passive one, or one without a named doer, gives none."""
        for before in reversed(self.doc[self.window_start(noun.i, sentences) : noun.i]):
            if before.pos_ != "VERB" or before.i in governors or not is_antecedent(before):
                continue
            if any(t.dep_ in BACKGROUND_DEPS for t in (before, *before.ancestors)):
                continue
            agents, passive = self.subjects(before)
            return [] if passive else [Argument(a.mention, a.factor * 0.7) for a in agents]
        return []

    def _stray_conjuncts(self, pobj) -> list[Argument]:
        """"between the government of Congo and the M23 rebels": the parser may hang the second
        side on the first side's own modifier; those conjuncts inside the phrase are sides too."""
        return [
            a for t in pobj.subtree if t.dep_ == "conj" and t.head.i != pobj.i and t.head.dep_ == "pobj" and t.head.i != t.i
            for a in self._entity(t, deep=False)
        ]

    def _between_parties(self, noun, relation: str, modality: Modality | None) -> Iterator[Candidate]:
        """"talks between Russian and Ukrainian negotiators", "an agreement between Kinshasa
        and Rwanda": the parties of a symmetric event act with each other."""
        parties: dict[str, Argument] = {}
        for pobj in self._prepositional_objects(noun, {"between"}):
            for member in coordinated(pobj):
                for argument in self._entity(member, deep=False):
                    parties.setdefault(argument.mention.key, argument)
        sides = list(parties.values())
        for i, one in enumerate(sides):
            for other in sides[i + 1 :]:
                yield Candidate(
                    one.mention, relation, other.mention, "event-noun",
                    RULE_CONFIDENCE["event-noun"] * one.factor * other.factor, noun.i, modality,
                )
        if len(sides) < 2:
            return
        # "offering the Vatican as a venue for any future talks between the two countries": whoever
        # hosts, offers or arranges the talks facilitates them
        governor = noun
        while governor.dep_ in {"dobj", "pobj", "prep", "attr", "oprd", "appos"} and governor.head.i != governor.i:
            governor = governor.head
        if governor.pos_ == "VERB" and governor.lemma_.lower() in self.lexicon.cue("facilitation_verbs") \
                and not self._verb_frames(governor, "facilitates"):  # "hosted talks between": the verb's own frame reads it
            keys = {side.mention.key for side in sides}
            for host in self.subjects(governor)[0]:
                if host.mention.key in keys:
                    continue
                for side in sides:
                    yield Candidate(
                        host.mention, "facilitates", side.mention, "event-noun",
                        RULE_CONFIDENCE["event-noun"] * host.factor * side.factor, noun.i, modality,
                    )

    @staticmethod
    def _prepositional_objects(holder, preps) -> list:
        """Objects of the prepositions ``preps`` on ``holder``, with conjoined prepositions:
        "sanctions on 20 tankers and on Rosmar Energy"."""
        found = []
        for prep in holder.children:
            if prep.dep_ not in {"prep", "dative"} or prep.lower_ not in preps:
                continue
            for each in (prep, *(c for c in prep.conjuncts if c.pos_ == "ADP" and c.lower_ in preps)):
                found += [pobj for pobj in each.children if pobj.dep_ == "pobj"]
        return found

    def _event_agents(self, noun, event=None) -> tuple[list[Argument], Modality | None]:
        """Who does what a nominalised event names: "Russia's invasion", "Russian strikes",
        "the EU adopted its package of sanctions against Russia". An event named with
        its agent is presupposed by the writer: asserted."""
        while True:
            for child in noun.children:
                if child.dep_ in {"poss", "compound", "amod"} and self.at(child.i):
                    mention = self.at(child.i)
                    if mention.type is EntityType.PERSON and child.dep_ == "poss" and mention.via_coreference:
                        mention = self.person_state(mention.key) or mention  # "his country's invasion"
                    return [Argument(mention)], Modality.ASSERTED
            by_agents = [a for pobj in self._prepositional_objects(noun, {"by"}) for a in self.entities(pobj)]
            if by_agents:  # "the attack on Kyiv by Russian forces", "strikes by Israel on Lebanon"
                return by_agents, Modality.ASSERTED
            if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
                noun = noun.head.head  # "a package of sanctions": the package carries the agent
                continue
            break
        governor = noun.head
        if noun.dep_ == "pobj" and governor.lower_ == "against" and governor.head.pos_ == "VERB":
            # "warned Moscow against an invasion of ...": the warned party is the would-be agent.
            objects = [c for c in governor.head.children if c.dep_ in OBJECT_DEPS]
            if objects:
                return self.entities(objects[0]), Modality.HYPOTHETICAL
        governors = self.lexicon.cue("light_verbs")
        if event is not None and event.relation in SYMMETRIC_EVENTS:
            governors = governors | self.lexicon.cue("participation_verbs")  # "would welcome talks with Pyongyang"
        if noun.dep_ in OBJECT_DEPS and governor.lemma_.lower() in governors:
            subjects, _ = self.subjects(governor)
            return subjects, None
        return [], None

    # ------------------------------------------------------------ place rules
    def place_relations(self) -> Iterator[Candidate]:
        mentions = [m for m in self.analysis.mentions if not m.via_coreference]
        for mention in mentions:
            if mention.type in (EntityType.STATE, EntityType.LOCATION):
                yield from self._x_based(mention)
        yield from self._place_runs(mentions)
        yield from self._headquarters()
        for mention in mentions:
            if mention.type is EntityType.ORGANIZATION:
                yield from self._place_modifiers(mention)
            if mention.type is EntityType.LOCATION:
                yield from self._possessed_place(mention)
                yield from self._place_in_place(mention)

    def of_which_relations(self) -> Iterator[Candidate]:
        """"the Serbian Progressive Party, of which Vucic is a founding member": the relative
        clause's subject holds the post in its antecedent."""
        for clause in self.tokens_with({"be", "become", "remain"}, lemma=True):
            if clause.dep_ != "relcl" or clause.lemma_ not in {"be", "become", "remain"}:
                continue
            owner = self.at(clause.head.i)
            if owner is None or owner.type not in (EntityType.STATE, EntityType.ORGANIZATION):
                continue
            if not any(c.dep_ == "prep" and c.lower_ == "of" and any(p.lower_ in {"which", "whom"} for p in c.children) for c in clause.children):
                continue
            holders = [a for c in clause.children if c.dep_ in ACTIVE_SUBJECT_DEPS for a in self.entities(c)]
            for attr in clause.children:
                title = self.title_of(attr) if attr.dep_ in {"attr", "acomp"} else None
                if title is None or title.kind in {"place", "org", "agent"}:
                    continue
                for holder in holders:
                    yield from self._owned(holder.mention, title, [(owner, False)], "title-relative-clause", attr.i)

    def _headquarters(self) -> Iterator[Candidate]:
        """"NATO's Brussels headquarters", "the bank's headquarters in Frankfurt"."""
        places = (EntityType.STATE, EntityType.LOCATION)
        for noun in self.tokens_with(self.lexicon.cue("headquarters_nouns"), lower=True):
            if noun.lower_ not in self.lexicon.cue("headquarters_nouns"):
                continue
            owners, seats = [], []
            for child in noun.children:
                found = self.at(child.i)
                if child.dep_ in {"poss", "compound"} and found is not None and not found.via_coreference:
                    if found.type is EntityType.ORGANIZATION:
                        owners.append(found)
                    elif found.type in places:
                        seats.append(found)
                if child.dep_ == "prep" and child.lower_ in {"in", "at"}:
                    seats += [m for p in child.children if p.dep_ == "pobj" and (m := self.at(p.i)) is not None and m.type in places]
                if child.dep_ == "prep" and child.lower_ == "of":
                    owners += [m for p in child.children if p.dep_ == "pobj" and (m := self.at(p.i)) is not None and m.type is EntityType.ORGANIZATION]
            for owner in owners:
                for seat in seats:
                    yield Candidate(owner, "basedIn", seat, "headquarters", RULE_CONFIDENCE["headquarters"], noun.i)

    def _place_modifiers(self, organization: MentionSpan) -> Iterator[Candidate]:
        """"the U.S. Congress", "China's Great Wall firm", "the Soviet news agency Tass", "Moscow
        ITAR-TASS": a state or place named in front of an organization, in the same noun phrase,
        is its seat. Only common nouns ("news agency") or a possessive may come between."""
        head = self._head(organization)
        record = self.gazetteer.organization_by_key(organization.key) or self.gazetteer.organization(organization.text)
        if head is None or (record is not None and record.kind in MEMBERSHIP_KINDS) or self._bare_department(organization):
            return  # "Finland's EU negotiators", "the Swedish U.N. mediator": a member, not a seat; "US Defense"
        governor = head
        # "the Soviet news agency Tass", "Beijing XINHUA Domestic Service": the name in apposition to, or
        # compounded with, a noun the place also modifies
        if head.dep_ in {"appos", "compound"} and head.head.pos_ in {"NOUN", "PROPN"} \
                and ((title := self.title_of(head.head)) is None or title.kind == "org"):  # not "US Defense Secretary"
            governor = head.head
        start = max(governor.left_edge.i, self.window_start(organization.start, 0))
        if start in self.dateline:
            start = max(start, self.dateline.stop)
        seen: set[str] = set()
        for token in self.doc[start : organization.start]:
            place = self.at(token.i)
            if place is None or place.via_coreference or place.type not in (EntityType.STATE, EntityType.LOCATION) \
                    or place.start != token.i or place.key in seen:
                continue
            if place.end < len(self.doc) and self.doc[place.end].text in {"-", "–"}:
                continue  # "Vienna-based" (the x-based rule), "Russian-backed", "Egyptian-born"
            between = list(self.doc[place.end : organization.start])
            possessive = bool(between) and between[0].lower_ in {"'s", "'"}
            if not all(t.pos_ in {"NOUN", "ADJ"} and t.is_lower for t in between[possessive:]) \
                    or any(self.at(t.i) is not None for t in between):
                continue  # "Ukraine and the EU", "in Kenya, the Red Cross", "the Italian army's institute"
            if possessive and place.type is EntityType.STATE and not self._firm_noun(organization, head):
                continue  # "India's Ministry of External Affairs": a state's own organ, not based there
            seen.add(place.key)
            yield Candidate(organization, "basedIn", place, "place-modifier", RULE_CONFIDENCE["place-modifier"], token.i)

    def _possessed_place(self, place: MentionSpan) -> Iterator[Candidate]:
        """"Zambia's Kafue River", "Miami's Little Havana": a place a state or place possesses is in it."""
        head = self._head(place)
        if head is None:
            return
        for child in head.children:
            owner = self.at(child.i)
            if child.dep_ == "poss" and child.i < place.start and owner is not None and not owner.via_coreference \
                    and owner.type in (EntityType.STATE, EntityType.LOCATION) and owner.key != place.key:
                yield Candidate(place, "locatedIn", owner, "place-possessive", RULE_CONFIDENCE["place-possessive"], child.i)

    def _place_in_place(self, place: MentionSpan) -> Iterator[Candidate]:
        """"grew up in Bedford in southern Indiana", "Clifton, in the north of Bristol": a place right
        before "in" another place is in that place, though the parser hangs the second "in" on the
        verb."""
        head = self._head(place)
        after = place.end + 1 if place.end < len(self.doc) and self.doc[place.end].text == "," else place.end
        if head is None or after >= len(self.doc):
            return  # "near the village of Dobrovo, in the Lublin region": a comma may come between
        prep = self.doc[after]
        if prep.lower_ not in {"in", "on"} or prep.dep_ != "prep":
            return
        parts = self.lexicon.cue("part_nouns")
        for pobj in (c for c in prep.children if c.dep_ == "pobj"):
            if pobj.lemma_.lower() in parts:  # "in the north of Bristol", "on the outskirts of Goma"
                pobj = next((p for c in pobj.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"), None)
            elif prep.lower_ == "on":
                continue
            for argument in self.entities(pobj) if pobj is not None else []:
                if argument.mention.type in (EntityType.STATE, EntityType.LOCATION) and argument.mention.key != place.key:
                    yield Candidate(place, "locatedIn", argument.mention, "preposition",
                                    RULE_CONFIDENCE["preposition"] * argument.factor, prep.i)

    def _firm_noun(self, organization: MentionSpan, head) -> bool:
        """Whether the organization is named as a firm, group or other organization noun of the
        title lexicon ("China's Great Wall firm", "Russia's news agency Tass")."""
        nouns = [t for t in self.doc[head.left_edge.i : organization.end] if t.is_lower]  # not the name's own "Organisation"
        return any((title := self.title_of(t)) is not None and title.kind == "org" for t in nouns)

    def place_runs(self) -> list[list[MentionSpan]]:
        """"Goma, North Kivu, Congo": runs of two or more places joined by commas, each in the
        ones after it (not a list of places: "Kenya, Uganda and Tanzania")."""
        if self._place_run_list is not None:
            return self._place_run_list
        mentions = [m for m in self.analysis.mentions if not m.via_coreference]
        by_start = {m.start: m for m in mentions}
        places = (EntityType.STATE, EntityType.LOCATION)
        consumed: set[int] = set()
        self._place_run_list = []
        for mention in mentions:
            if mention.type not in places or mention.start in consumed:
                continue
            run = [mention]
            while run[-1].end + 1 < len(self.doc) and self.doc[run[-1].end].text == ",":
                following = by_start.get(run[-1].end + 1)
                if following is None or following.type not in places or following.demonym \
                        or self._acts_in_clause(following):
                    break  # not "In Budapest, Hungarian Prime Minister ...", "on Assab, Egypt could ..."
                run.append(following)
            consumed.update(m.start for m in run)
            after = self.doc[run[-1].end] if run[-1].end < len(self.doc) else None
            if len(run) < 2 or (after is not None and after.lower_ in {"and", "or", "&"}):
                continue  # a single place, or a list of places
            self._place_run_list.append(run)
        return self._place_run_list

    def outer_places(self, place: MentionSpan) -> list[MentionSpan]:
        """The places a place is named in after it: "Toledo, Ohio" gives Ohio for Toledo."""
        for run in self.place_runs():
            for i, inner in enumerate(run[:-1]):
                if inner.start == place.start and inner.type is not EntityType.STATE:
                    return run[i + 1 :]
        return []

    def _place_runs(self, mentions: list[MentionSpan]) -> Iterator[Candidate]:
        """"Goma, North Kivu, Congo": each place is in the ones after it; a dateline
        "DAYTON, Ohio (AP)" also places the agency."""
        by_start = {m.start: m for m in mentions}
        for run in self.place_runs():
            after = self.doc[run[-1].end] if run[-1].end < len(self.doc) else None
            for i, inner in enumerate(run[:-1]):
                if inner.type is EntityType.STATE:
                    break
                for outer in run[i + 1 :]:
                    yield Candidate(inner, "locatedIn", outer, "place-apposition", RULE_CONFIDENCE["place-apposition"], inner.start)
            if after is not None and after.text == "(" and run[-1].end + 2 < len(self.doc):
                agency = by_start.get(run[-1].end + 1)
                if agency is not None and agency.type is EntityType.ORGANIZATION and self.doc[agency.end].text == ")":
                    for place in run:
                        if self._may_be_home(agency, place):
                            yield Candidate(agency, "basedIn", place, "dateline", RULE_CONFIDENCE["dateline"], place.start)

    def _acts_in_clause(self, mention: MentionSpan) -> bool:
        """A place name that is a clause's subject or a modifier of one ("In Moscow, Kremlin aide X
        said"): it starts a new clause, it does not place the name before it."""
        head = self._head(mention)
        while head is not None and head.dep_ in {"compound", "amod", "nmod", "poss"} and head.head.i != head.i:
            head = head.head
        return head is not None and head.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS

    def _may_be_home(self, agency: MentionSpan, place: MentionSpan) -> bool:
        """Whether a dateline's place can be the agency's base: a known agency files from
        abroad ("ADDIS ABABA (AP)"), so only its headquarters or their state count."""
        record = self.gazetteer.organization(agency.text)
        if record is None or not record.headquarters:
            return True
        home = self.gazetteer.seat(record.headquarters) or self.gazetteer.state(record.headquarters)
        return normalize(place.text) == normalize(record.headquarters) or (home is not None and place.key == home.key)

    def _x_based(self, place: MentionSpan) -> Iterator[Candidate]:
        """"the Vienna-based OSCE": the organization the modifier attaches to is based there."""
        i = place.end
        if i + 1 >= len(self.doc) or self.doc[i].text not in {"-", "–"} or self.doc[i + 1].lower_ != "based":
            return
        based = self.doc[i + 1]
        organizations = [m for m in self.analysis.mentions if m.type is EntityType.ORGANIZATION and not m.via_coreference]
        described = based.head
        while described.dep_ in {"poss", "compound"} and described.head.i != described.i and described.pos_ == "NOUN":
            described = described.head  # "the Brussels-based farmers' lobby": the lobby is based there
        attached = next((m for m in organizations if m.start <= described.i < m.end), None)
        if attached is None and described.dep_ == "appos":
            # "the Committee to Protect Journalists, a New York-based press freedom group"
            attached = next((m for m in organizations if m.start <= described.head.i < m.end), None)
        if attached is None and described.pos_ == "NOUN":
            # "the Vilnius-based news site Vostrykh": the name after the noun; "the Geneva-based
            # agency": the organization the noun takes up (_organization_anaphors); else none
            # ("a London-based lawyer")
            attached = next((m for m in organizations if m.start in (described.i + 1, described.i + 2)), None)
            reading = self.at(described.i)
            if attached is None and reading is not None and reading.type is EntityType.ORGANIZATION:
                attached = reading
            if attached is None:
                attached = self._organization_taken_up(described, organizations)
            if attached is None:
                return
        if attached is None:
            attached = next((m for m in organizations if 0 < m.start - based.i <= 8 and m.sentence == place.sentence), None)
        if attached is None:
            return
        conjoined = [self.at(c.i) for c in self.doc[attached.start : attached.end].root.conjuncts]
        for organization in [attached, *(m for m in conjoined if m is not None and m.type is EntityType.ORGANIZATION)]:
            yield Candidate(organization, "basedIn", place, "x-based", RULE_CONFIDENCE["x-based"], based.i)

    def _organization_taken_up(self, noun, organizations: list[MentionSpan]) -> MentionSpan | None:
        """"Siemens named a new chief ... the Munich-based engineering group": a definite noun of
        organizations takes up the last organization that was a subject in its or the sentence
        before ("The Commission fined Google. The Brussels-based regulator": the Commission)."""
        title = self.title_of(noun)
        if title is None or title.kind != "org" or not any(c.dep_ == "det" and c.lower_ in {"the", "this"} for c in noun.children):
            return None
        first = self.window_start(noun.i, 1)
        return next((
            m for m in reversed(organizations)
            if first <= m.start and m.end <= noun.i and self.doc[m.start : m.end].root.dep_ in ACTIVE_SUBJECT_DEPS | PASSIVE_SUBJECT_DEPS
        ), None)

    # ------------------------------------------------------------ modality
    def modality(self, trigger, *, threat: bool = False) -> Modality:
        """Modality of the clause around a trigger word. ``threat``: the trigger states a
        threat ("would retaliate against X", "vowed to retaliate"), whose own "would" or
        governing "vow" makes the threat, not a hypothetical fact."""
        cues = self.lexicon.cues
        negated = hypothetical = reported = False
        token, link, came_through_preposition = trigger, None, False
        clause = trigger
        while True:
            children = list(token.children)
            lowers = {c.lower_ for c in children}
            if link in OBJECT_DEPS and trigger.pos_ in {"NOUN", "PROPN"} and token.i == trigger.head.i:
                link = None  # "would welcome talks with X": the event noun takes its verb's clause
            if link in (None, "xcomp", "aux") and any(c.dep_ == "neg" for c in children):
                negated = True
            if link == "conj" and any(c.dep_ == "neg" for c in children) and any(
                c.dep_ in {"cc", "preconj"} and c.lower_ in {"or", "nor", "neither"} for c in children
            ):
                negated = True  # "did not criticize or condemn X"; not "had not received it and accused X"
            if link in (None, "xcomp", "conj") and any(
                c.dep_ in ACTIVE_SUBJECT_DEPS and any(d.dep_ in {"det", "preconj"} and d.lower_ == "neither" for d in c.children)
                for c in children
            ):
                negated = True  # "Neither France nor Germany criticized Israel"
            if link == "ccomp" and (token.lemma_.lower() in cues["hypothetical_clause_governors"] or token.lower_ in cues["hypothetical_clause_governors"]):
                hypothetical = True  # "Kyiv hopes Berlin will deliver Taurus missiles"
            if link in (None, "xcomp", "conj") and not (threat and link in (None, "xcomp")) and any(
                c.dep_ in {"aux", "auxpass"} and c.lower_ in cues["modal_auxiliaries"] for c in children
            ):
                hypothetical = True
            if any(c.dep_ == "mark" and c.lower_ in cues["conditional_marks"] for c in children):
                hypothetical = True
            if link in (None, "xcomp", "conj") and any(
                c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in c.children)
                for c in children
            ):
                hypothetical = True  # the consequent of a condition: "if X invades, Y will sanction"
            if link == "xcomp" and token.lemma_.lower() in cues["negating_governors"]:
                negated = True  # "declined to join the condemnation", "refused to recognize Kosovo"
            if link == "xcomp" and token.lemma_.lower() in cues["hypothetical_governors"] \
                    and not (threat and token.lemma_.lower() in cues["threat_governors"]):
                hypothetical = True
            if link == "ccomp" and token.lemma_.lower() in cues["denial_verbs"] and clause.i > token.i and not any(c.dep_ == "neg" for c in children):
                negated = True  # "Kigali denies that it backs M23": the fact is denied
            if link == "ccomp" and (token.lemma_.lower() in cues["speech_verbs"] or token.lemma_.lower() in self.lexicon.verbs):
                reported = True
            if link == "xcomp" and token.lemma_.lower() in cues["speech_verbs"]:
                reported = True  # "is said to have shelled X", "which London said helps Moscow"
            if link == "conj" and came_through_preposition and token.lemma_.lower() in ACCUSATION_VERBS:
                reported = True  # "accused Israel of assassinating X": the killing is a claim
            if any(c.dep_ == "advmod" and c.lower_ in cues["reporting_adverbs"] for c in children):
                reported = True
            if any(c.dep_ == "prep" and c.lower_ == "according" for c in children):
                reported = True
            if self._conditional_phrase_before(token):
                hypothetical = True
            if token.head is token or token.dep_ in {"ROOT"}:
                break
            if token.dep_ in {"relcl", "acl", "appos", "parataxis"}:
                break  # a relative clause or apposition is the writer's own statement
            if token.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in cues["concessive_marks"] for c in token.children):
                break  # "X denies it, although a panel has reported that ...": the concession stands apart
            speech = self._speakers_second_act(token)
            link, clause, token = ("conj", token, speech) if speech is not None else (token.dep_, token, token.head)
            came_through_preposition = link in {"pobj", "prep", "pcomp"}
            if came_through_preposition:
                link = "conj"
        if trigger.pos_ in {"NOUN", "PROPN"} and any(
            c.dep_ == "amod" and c.lower_ in cues["hypothetical_modifiers"] for c in trigger.children
        ):
            hypothetical = True  # "any future talks between X and Y", "a possible invasion of X"
        if trigger.pos_ in {"NOUN", "PROPN"} and trigger.dep_ in OBJECT_DEPS and trigger.head.lemma_.lower() in cues["hypothetical_governors"]:
            hypothetical = True  # "Russia proposed talks between Armenia and Azerbaijan": offered, not held
        if not reported:
            reported = self._according_to_below(trigger)
        if negated:
            return Modality.NEGATED
        if hypothetical:
            return Modality.HYPOTHETICAL
        if reported:
            return Modality.REPORTED
        return Modality.ASSERTED

    @staticmethod
    def _according_to_below(trigger) -> bool:
        """"Egyptian mediators have proposed that Hamas disarm, according to two officials":
        an attribution the parser hung inside the clause the trigger governs."""
        clause = trigger
        while clause.pos_ not in {"VERB", "AUX"} and clause.head.i != clause.i:
            clause = clause.head
        return any(
            t.lower_ == "according" and t.dep_ == "prep" and clause.is_ancestor(t) and not any(
                a.dep_ in {"relcl", "acl"} and clause.is_ancestor(a) for a in t.ancestors
            )
            for t in clause.subtree
        )

    def _conditional_phrase_before(self, token) -> bool:
        if token.dep_ != "advcl":
            return False
        start = token.left_edge.i
        window = self.doc[max(0, start - 3) : start + 2].text.lower()
        return any(phrase in window for phrase in self.lexicon.cue("conditional_phrases"))


def coordinated(token) -> list:
    """A noun and its conjuncts; also siblings the parser gave the same role on either side
    of an "and" ("Lee Jae-myung and Sanae Takaichi agreed", parsed as two subjects)."""
    members = [token, *token.conjuncts]
    if token.dep_ in {"nsubj", "dobj", "pobj"} and token.head.i != token.i:
        siblings = [c for c in token.head.children if c.dep_ == token.dep_ and c.i != token.i]
        for sibling in siblings:
            low, high = sorted((token.i, sibling.i))
            between = token.doc[low + 1 : high]
            if any(t.lower_ == "and" and t.dep_ == "cc" for t in between) and not any(t.text in {";", "."} for t in between):
                members.append(sibling)
    return members


def extract_relations(
    doc, analysis: EntityAnalysis, lexicon: Lexicon, gazetteer: Gazetteer, *, document_id: str, rules: _Rules | None = None
) -> list[Relation]:
    """Every relation the rules find in a parsed document, one per piece of evidence.
    ``rules``: the document's rule reader (``_Rules``), when the caller shares one
    (reading roles and pronouns is a third of the rules' time)."""
    rules = rules or _Rules(doc, analysis, lexicon, gazetteer)
    candidates = [
        *rules.verb_relations(),
        *rules.collective_relations(),
        *rules.consequence_threats(),
        *rules.ultimatum_threats(),
        *rules.death_in_event_relations(),
        *rules.title_relations(),
        *rules.of_which_relations(),
        *rules.event_noun_relations(),
        *rules.place_relations(),
    ]
    # "Avis Ltd. of Folsom, Calif.", "a hospital in Gosforth, England": what is in a place is also in the places it is in
    candidates += [
        replace(c, target=outer, confidence=c.confidence * OUTER_PLACE_FACTOR)
        for c in candidates if (c.relation in PLACED_RELATIONS or c.relation == "livesIn" and c.rule == "preposition")
        and c.target.type is EntityType.LOCATION and c.rule != "place-apposition"
        for outer in rules.outer_places(c.target)
    ]
    # What someone is urged to do is asked for, not done: "urged France to press Israel".
    candidates = [c for c in candidates if c.rule in DESCRIPTIVE_RULES or not rules.requested(doc[c.trigger])]
    # A killing is also an attack; the record keeps the stronger reading ("shot Y": kills a person).
    killed = {(c.source.key, c.target.key, c.trigger) for c in candidates if c.relation == "kills" and c.target.type is EntityType.PERSON}
    candidates = [c for c in candidates if c.relation != "attacks" or (c.source.key, c.target.key, c.trigger) not in killed]
    best: dict[tuple, Relation] = {}
    for candidate in candidates:
        relation = _to_relation(candidate, doc, rules, document_id)
        if relation is None:
            continue
        key = (relation.source, relation.relation, relation.target, relation.evidence.start)
        if key not in best or relation.confidence > best[key].confidence:
            best[key] = relation
    return sorted(best.values(), key=lambda r: (r.evidence.start, r.source, r.relation, r.target))


def _definite(noun) -> bool:
    """A noun with a definite determiner ("the strike", "these measures"): one that takes up what came before."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE_DETERMINERS for c in noun.children)


def _verbal(token) -> bool:
    """A verb, or a relative clause's head the tagger read as a noun ("which Sudan's government accuses")."""
    return token.pos_ == "VERB" or token.dep_ == "relcl"


def _modality(candidate: Candidate, trigger, rules: _Rules) -> Modality:
    if candidate.rule in DESCRIPTIVE_RULES:
        return Modality.ASSERTED
    return rules.modality(trigger, threat=candidate.relation == "threatens")


def _to_relation(candidate: Candidate, doc, rules: _Rules, document_id: str) -> Relation | None:
    source, target = candidate.source, candidate.target
    if source.key == target.key:
        return None
    kind = relation_type(candidate.relation)
    if source.type not in kind.domain or target.type not in kind.range:
        return None
    trigger = doc[candidate.trigger]
    text, start = rules.sentence(candidate.trigger)
    via_coreference = source.via_coreference or target.via_coreference
    confidence = candidate.confidence * (COREFERENCE_FACTOR if via_coreference else 1.0)
    return Relation(
        source=source.key,
        relation=candidate.relation,
        target=target.key,
        modality=candidate.modality or _modality(candidate, trigger, rules),
        confidence=round(min(confidence, 1.0), 3),
        rule=candidate.rule,
        evidence=Evidence(
            document=document_id,
            sentence=text,
            start=start,
            end=start + len(text),
            source_span=(source.start_char, source.end_char),
            target_span=(target.start_char, target.end_char),
        ),
        via_coreference=via_coreference,
    )
