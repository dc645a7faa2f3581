"""Statistical relation classifier: recall where the rules miss.

For every ordered pair of named mentions in one sentence (different
referents, at most ``MAX_DISTANCE`` tokens apart, a type pair that some
relation's domain and range admit) the classifier reads string features off
the parse (entity types, the mentions' own words and head words, the
dependency path between the mention heads, the words between and around the
mentions, a few cue words, the lexicon's reading of the path) and a
multinomial logistic regression over them predicts ``none`` or a relation of
the ontology. At run time a pair's features go straight to vocabulary indices
(``DocumentFeatures.indexed_pairs``) and a document's pairs are scored in one
numpy pass; the training script reads the same features as strings
(``pair_features``).

The weights are a JSON artifact (``kg/data/relation_model.json``) written by
``scripts/train_relations.py``; inference is plain numpy, so the runtime
needs no scikit-learn. Predictions leave as ``Candidate`` records with
``rule="model"`` and the label's probability as confidence, and go through
the rules' own conversion (``kg.relations._to_relation``: domain and range
checks, modality read at the top of the dependency path, evidence). Roles and
places are asserted, as the rules' descriptions are. CoNLL04's coarse
``worksFor`` (which covers leaders and members) becomes ``leaderOf`` or
``memberOf`` when the lexicon's title between the mentions says so. Rule
relations win: a model relation is dropped when the rules already relate the
same two entities in the same sentence.

Set ``KG_RELATION_MODEL=0`` to switch the model off.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kg.entities import EntityAnalysis, MentionSpan
from kg.model import EntityType, Modality, Relation
from kg.ontology import relation_types
from kg.relations import Candidate

if TYPE_CHECKING:
    import numpy as np

    from kg.relations import _Rules

    from kg.gazetteer import Gazetteer
    from kg.lexicon import Lexicon

MODEL_PATH = Path(__file__).resolve().parent / "data" / "relation_model.json"
MODEL_ENV = "KG_RELATION_MODEL"
RULE = "model"
NONE = "none"
MAX_DISTANCE = 25  # tokens between the two mentions, at most
FORMAT_VERSION = 2  # 2: the mentions' own words are features
_DISTANCE_BUCKETS = ((0, "0"), (1, "1"), (2, "2"), (4, "3-4"), (7, "5-7"), (12, "8-12"), (MAX_DISTANCE, "13-25"))
_OFF_VALUES = {"0", "false", "no", "off"}


# ---------------------------------------------------------------- switch


def model_enabled(use_model: bool | None = None) -> bool:
    """Whether the model runs: the caller's choice, else ``$KG_RELATION_MODEL`` (default on)."""
    if os.environ.get(MODEL_ENV, "").strip().lower() in _OFF_VALUES:
        return False
    return True if use_model is None else use_model


# ---------------------------------------------------------------- pairs


@cache
def _valid_labels(source: EntityType, target: EntityType) -> frozenset[str]:
    return frozenset(
        name for name, kind in relation_types().items() if source in kind.domain and target in kind.range
    )


def candidate_pairs(analysis: EntityAnalysis) -> Iterator[tuple[MentionSpan, MentionSpan]]:
    """Ordered pairs of named mentions of different referents in one sentence,
    close enough and of types that some relation admits, in text order."""
    by_sentence: dict[int, list[MentionSpan]] = {}
    for mention in analysis.mentions:
        if not mention.via_coreference:
            by_sentence.setdefault(mention.sentence, []).append(mention)
    for sentence in sorted(by_sentence):
        mentions = sorted(by_sentence[sentence], key=lambda m: (m.start, m.end))
        for source in mentions:
            for target in mentions:
                if source is target or source.key == target.key:
                    continue
                left, right = (source, target) if source.start < target.start else (target, source)
                if right.start < left.end or right.start - left.end > MAX_DISTANCE:
                    continue  # overlapping or too far apart
                if _valid_labels(source.type, target.type):
                    yield source, target


# ---------------------------------------------------------------- features


def _head(doc, mention: MentionSpan):
    return doc[mention.start : mention.end].root


def _distance_bucket(distance: int) -> str:
    return _BUCKET_OF[distance] if 0 <= distance <= MAX_DISTANCE else _bucket(distance)


@cache
def _type_pair(source: EntityType, target: EntityType) -> str:
    return f"{source.value}>{target.value}"


def _bucket(distance: int) -> str:
    return next((label for limit, label in _DISTANCE_BUCKETS if distance <= limit), "far")


_BUCKET_OF = tuple(_bucket(distance) for distance in range(MAX_DISTANCE + 1))


def _path(source_head, target_head):
    """(up, lca, down): tokens from the source head up to (not including) the lowest
    common ancestor, the ancestor, and tokens from below it down to the target head."""
    up_source = [source_head, *source_head.ancestors]
    up_target = [target_head, *target_head.ancestors]
    position = {t.i: k for k, t in enumerate(up_target)}
    for k, token in enumerate(up_source):
        if token.i in position:
            return up_source[:k], token, list(reversed(up_target[: position[token.i]]))
    return None


_CUES = ("of", "in", "for", "at", "from", "with", "and", ",", "(", "'s", "who", "by")


class DocumentFeatures:
    """The token facts that pair features read, for one parsed document, each looked up once.

    A document has many candidate pairs and they share their tokens: the words
    between two mentions, the heads, the dependency paths. Each token's feature
    word, lower-case form, lemma, dependency label, head and lexicon entries are
    read from spaCy (and the lexicon) once, a sentence at a time, and kept in a
    list by token index, so scoring a document's pairs costs little more than
    reading its tokens once. ``pairs()`` gives the same features as
    ``pair_features`` for every pair; ``indexed_pairs(vocabulary)`` gives each
    pair's known features as sorted vocabulary indices, without sorting strings.
    """

    def __init__(self, doc, analysis: EntityAnalysis, lexicon: Lexicon):
        self.doc = doc
        self.analysis = analysis
        self.lexicon = lexicon
        self._facts: list[tuple | None] = [None] * len(doc)
        self._ancestors: dict[int, tuple[int, ...]] = {}
        self._heads: dict[tuple[int, int], int] = {}
        self._titles: dict[int, tuple] = {}
        self._inner: dict[int, tuple[str, ...]] = {}
        self._regions: dict[tuple[int, int, int, int], tuple] = {}
        self._mentions: dict[tuple[int, int], tuple] = {}
        self._sentences_read: set[int] = set()

    def _read(self, start: int, end: int) -> None:
        """Read the facts of tokens ``start`` .. ``end`` (exclusive) not read yet, in one pass over the span."""
        facts, at = self._facts, self.analysis.token_keys.get
        strings = self.doc.vocab.strings
        for i, (orth, lower, lemma, dep, head, space, number) in enumerate(self._arrays[start:end], start=start):
            if facts[i] is not None:
                continue
            lemma, lower = strings[lemma].lower(), strings[lower]
            plain = "<num>" if number else (lemma or lower)
            mention = at(i)
            named = mention is not None and not mention.via_coreference
            word = f"<{mention.type.value}>" if named else plain
            facts[i] = (word, plain, lower, lemma, bool(space), strings[dep], i + head, strings[orth],
                        mention.key if named else None)

    @cached_property
    def _arrays(self) -> list[tuple[int, ...]]:
        """Each token's (text, lower-case form, lemma, dependency label: string ids; head as an
        offset; is space; looks like a number), read from the parse's arrays in one call:
        a Token object a token, and its head's, cost more than the facts read off them."""
        import numpy as np
        from spacy.attrs import DEP, HEAD, IS_SPACE, LEMMA, LIKE_NUM, LOWER, ORTH

        if not len(self.doc):
            return []
        strings = self.doc.to_array([ORTH, LOWER, LEMMA, DEP]).tolist()  # unsigned 64-bit ids
        numbers = self.doc.to_array([HEAD, IS_SPACE, LIKE_NUM]).astype(np.int64).tolist()  # heads are signed
        return [(*ids, *values) for ids, values in zip(strings, numbers)]

    def token(self, i: int) -> tuple:
        """(feature word, plain word, lower, lemma lower, is space, dep, head index, text, key of the
        named mention there or None) of token ``i``."""
        found = self._facts[i]
        if found is None:
            self._read(i, i + 1)
            found = self._facts[i]
        return found

    def ancestors(self, i: int) -> tuple[int, ...]:
        """Token ``i`` and its ancestors, nearest first (``token.ancestors``: the head chain up to the root)."""
        found = self._ancestors.get(i)
        if found is None:
            chain = [i]
            head = self.token(i)[6]
            while head != chain[-1]:
                chain.append(head)
                head = self.token(head)[6]
            found = self._ancestors[i] = tuple(chain)
        return found

    def head(self, mention: MentionSpan) -> int:
        key = (mention.start, mention.end)
        found = self._heads.get(key)
        if found is None:
            found = self._heads[key] = _head(self.doc, mention).i
        return found

    def titles(self, i: int) -> tuple:
        """The lexicon's titles for token ``i`` (by its lower-case form, else its lemma)."""
        found = self._titles.get(i)
        if found is None:
            _, _, lower, lemma, *_ = self.token(i)
            found = self._titles[i] = tuple(self.lexicon.titles.get(lower, ()) or self.lexicon.titles.get(lemma, ()))
        return found

    def _path_word_features(self, i: int) -> tuple[str, ...]:
        """The features a token inside the dependency path adds, apart from those with the label path."""
        found = self._inner.get(i)
        if found is None:
            word, _, lower, lemma, *_ = self.token(i)
            lexicon = self.lexicon
            found = (f"pathw={word}",)
            event = lexicon.event_nouns.get(lower) or lexicon.event_nouns.get(lemma)
            if event is not None:
                found += (f"path_event={event.relation}",)
            self._inner[i] = found
        return found

    def _path(self, source_head: int, target_head: int):
        up_source, up_target = self.ancestors(source_head), self.ancestors(target_head)
        position = {t: k for k, t in enumerate(up_target)}
        for k, token in enumerate(up_source):
            if token in position:
                return up_source[:k], token, tuple(reversed(up_target[: position[token]]))
        return None

    def _region(self, left_start: int, left_end: int, right_start: int, right_end: int):
        """What lies around and between two mentions, read once for both orders of the pair:
        (words between, features that name neither order nor types, cue words between,
        relations of the titles between)."""
        key = (left_start, left_end, right_start, right_end)
        found = self._regions.get(key)
        if found is not None:
            return found
        token = self.token
        length = len(self.doc)
        # (index, token facts) of the words between, spaces left out
        between = [(i, facts) for i in range(left_end, min(right_start, length)) if not (facts := token(i))[4]]
        words = tuple(facts[0] for _, facts in between)
        shared = {f"bw={w}" for w in words}
        shared.add(f"nbetween={_distance_bucket(len(words))}")
        if words:
            shared |= {f"bfirst={words[0]}", f"blast={words[-1]}"}
        others = {facts[8] for _, facts in between if facts[8] is not None}
        shared.add(f"ents_between={min(len(others), 2)}")
        before = [facts for i in range(max(0, left_start - 3), min(left_start, length)) if not (facts := token(i))[4]][-2:]
        after = [facts for i in range(right_end, min(right_end + 3, length)) if not (facts := token(i))[4]][:2]
        for k, facts in enumerate(reversed(before), start=1):
            shared.add(f"lb{k}={facts[0]}")
        for k, facts in enumerate(after, start=1):
            shared.add(f"ra{k}={facts[0]}")
        lowers = {facts[2] for _, facts in between}
        cues = tuple(cue for cue in _CUES if cue in lowers)
        shared.update(f"cue={cue}" for cue in cues)
        if "based" in lowers and any(facts[2] == "based" and i > 0 and token(i - 1)[7] in {"-", "–"} for i, facts in between):
            shared.add("cue=-based")
        titles = tuple(title.relation for i, _ in between for title in self.titles(i))
        if titles:
            shared.add("title_between")
        found = self._regions[key] = (words, frozenset(shared), cues, titles)
        return found

    def _mention(self, mention: MentionSpan) -> tuple:
        """(head index, its dependency label, its governor's plain word, the mention's own
        features as source, as target) of a mention, read once."""
        key = (mention.start, mention.end)
        found = self._mentions.get(key)
        if found is None:
            self._read_sentence(mention)
            facts = self._facts
            head = self.head(mention)
            dep, governor = facts[head][5], facts[head][6]
            # Its words: the model learns names that recur ("U.S.") and words that type a
            # name's relations ("University", "Party", "Inc.").
            own = {f"head={facts[head][2]}", *(f"w={facts[i][2]}" for i in range(mention.start, mention.end))}
            found = self._mentions[key] = (
                head, dep, facts[governor][1], tuple(f"s_{f}" for f in own), tuple(f"t_{f}" for f in own),
            )
        return found

    def _read_sentence(self, mention: MentionSpan) -> None:
        """Read the facts of a mention's sentence (and three tokens either side) once."""
        if mention.sentence not in self._sentences_read:
            self._sentences_read.add(mention.sentence)
            sentence = self.doc[mention.start].sent
            self._read(max(0, sentence.start - 3), min(len(self.doc), sentence.end + 3))

    def feature_set(self, source: MentionSpan, target: MentionSpan) -> set[str]:
        """The string features of one ordered mention pair, as a set (``pair`` sorts them)."""
        types = _type_pair(source.type, target.type)
        source_first = source.start < target.start
        left, right = (source, target) if source_first else (target, source)
        order = "st" if source_first else "ts"
        bucket = _distance_bucket(right.start - left.end)
        source_head, source_dep, source_governor, source_own, _ = self._mention(source)
        target_head, target_dep, target_governor, _, target_own = self._mention(target)
        facts = self._facts

        # Words between, before and after, and cue words between: the same for both orders of a pair.
        words, shared, cues, titles = self._region(left.start, left.end, right.start, right.end)
        features = set(shared)
        features.update(source_own)
        features.update(target_own)
        features |= {
            f"types={types}", f"order={order}|{types}", f"dist={bucket}", f"dist={bucket}|{types}",
            f"s_dep={source_dep}", f"t_dep={target_dep}",
            f"s_gov={source_governor}|{source_dep}", f"t_gov={target_governor}|{target_dep}",
        }
        if words:
            features.add(f"bfirst={words[0]}|{order}")
            features.add(f"blast={words[-1]}|{order}")
            if len(words) <= 4:
                features.add(f"bseq={' '.join(words)}|{order}|{types}")
        else:
            features.add(f"bnone|{order}|{types}")
        for cue in cues:
            features.add(f"cue={cue}|{types}")
        for relation in titles:
            features.add(f"title_between={relation}|{types}")
        if source.demonym:
            features.add(f"s_demonym|{types}")
        if target.demonym:
            features.add(f"t_demonym|{types}")

        # The shortest dependency path between the heads.
        path = self._path(source_head, target_head)
        if path is None:
            features.add("nopath")
            return features
        up, lca, down = path
        labels = [f"{facts[i][5]}<" for i in up] + [f">{facts[i][5]}" for i in down]
        full: list[str] = []
        for k, i in enumerate(up):
            if k:
                full.append(facts[i][0])
            full.append(labels[k])
        ends = (source_head, target_head)
        lca_word = "SELF" if lca in ends else facts[lca][0]
        full.append(f"[{lca_word}]")
        for k, i in enumerate(down, start=len(up)):
            full.append(labels[k])
            if i != target_head:
                full.append(facts[i][0])
        label_path = " ".join(labels)
        features |= {
            f"path={label_path}", f"path={label_path}|{types}", f"pathfull={' '.join(full)}|{types}",
            f"pathlen={min(len(labels), 6)}", f"lca={lca_word}", f"lca={lca_word}|{types}",
        }
        verbs = self.lexicon.verbs
        for i in (*up[1:], lca, *down[:-1]):
            if i in ends:
                continue
            features.update(self._path_word_features(i))
            for frame in verbs.get(facts[i][3], ()):
                features.add(f"path_verb={frame.relation}")
                features.add(f"path_verb={frame.relation}|{label_path}")
            for title in self.titles(i):
                features.add(f"path_title={title.relation}|{types}")
        return features

    def pair(self, source: MentionSpan, target: MentionSpan) -> list[str]:
        """The string features of one ordered mention pair, sorted and without repeats."""
        return sorted(self.feature_set(source, target))

    def _candidates(self) -> list[tuple[MentionSpan, MentionSpan]]:
        return list(candidate_pairs(self.analysis))

    def pairs(self) -> list[tuple[MentionSpan, MentionSpan, list[str]]]:
        """Every candidate pair of the document (``candidate_pairs``) with its features."""
        return [(source, target, self.pair(source, target)) for source, target in self._candidates()]

    def indexed_pairs(
        self, vocabulary: dict[str, int], pairs: Iterable[tuple[MentionSpan, MentionSpan]] | None = None
    ) -> list[tuple[MentionSpan, MentionSpan, list[int]]]:
        """Every candidate pair (or the ``pairs`` given) with the vocabulary indices of its known
        features, ascending: the order of ``pairs()``'s sorted features, as the vocabulary
        is numbered in string order."""
        get = vocabulary.get
        found = []
        for source, target in self._candidates() if pairs is None else pairs:
            indices = [index for index in map(get, self.feature_set(source, target)) if index is not None]
            indices.sort()
            found.append((source, target, indices))
        return found


def pair_features(doc, analysis: EntityAnalysis, source: MentionSpan, target: MentionSpan, lexicon: Lexicon) -> list[str]:
    """The string features of one ordered mention pair, sorted and without repeats.

    For many pairs of one document, ``DocumentFeatures(doc, analysis, lexicon).pair``
    gives the same features and reads each token once."""
    return DocumentFeatures(doc, analysis, lexicon).pair(source, target)


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class RelationModel:
    """Weights of the multinomial logistic regression, read from the artifact.

    A prediction counts when its probability reaches the label's threshold
    (``thresholds``), else the shared ``threshold``."""

    labels: tuple[str, ...]
    vocabulary: dict[str, int]
    weights: np.ndarray  # (features, labels)
    intercepts: np.ndarray  # (labels,)
    threshold: float
    thresholds: dict[str, float] = field(default_factory=dict)
    # (column, label) pairs by allowed label set, filled by _kept
    _kept_cache: dict[frozenset[str], tuple[tuple[int, str], ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def threshold_for(self, label: str) -> float:
        return self.thresholds.get(label, self.threshold)

    def probabilities(self, features: list[str]) -> np.ndarray:
        """The probability of each label (``labels`` order) for one pair's features."""
        import numpy as np

        indices = sorted(self.vocabulary[f] for f in features if f in self.vocabulary)
        scores = self.intercepts + (self.weights[indices].sum(axis=0) if indices else 0.0)
        exp = np.exp(scores - scores.max())
        return exp / exp.sum()

    def batch_probabilities(self, features: list[list[str]]) -> np.ndarray:
        """``probabilities`` of many pairs at once, one row each, equal to the last bit
        (tests/test_classifier.py checks it on real pairs)."""
        vocabulary = self.vocabulary
        return self.indexed_probabilities(
            [sorted(index for index in map(vocabulary.get, pair) if index is not None) for pair in features]
        )

    def indexed_probabilities(self, rows: list[list[int]]) -> np.ndarray:
        """The probabilities of pairs given as ascending vocabulary indices, one row each.

        The pairs' indices make one (pairs, longest) array, padded with a zero row's
        index; the weight rows are gathered at once and added column by column, for
        all pairs together, in the order ``probabilities``' ``sum(axis=0)`` adds a
        pair's rows, one after another (floating-point addition is not associative: a
        matrix product or a pairwise sum would round differently, and a probability
        on a threshold could flip)."""
        import numpy as np

        padding = len(self.vocabulary)  # the zero row of _padded_weights
        width = max(map(len, rows), default=0)
        indices = np.full((len(rows), width), padding, dtype=np.intp)
        for k, row in enumerate(rows):
            indices[k, : len(row)] = row
        gathered = self._padded_weights[indices]  # (pairs, longest, width of a row)
        sums = np.zeros((len(rows), len(self.labels)))
        for column in range(width):  # 0.0 + w0 == w0, then w1, w2 ... as a row sum adds them; padding adds 0.0
            sums += gathered[:, column]
        scores = self.intercepts + sums
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    @cached_property
    def _padded_weights(self) -> np.ndarray:
        import numpy as np

        return np.vstack([self.weights, np.zeros((1, len(self.labels)))])

    @cached_property
    def lowest_threshold(self) -> float:
        """No label counts below this probability."""
        return min([self.threshold, *self.thresholds.values()])

    def best_rows(self, probabilities: np.ndarray, allowed: list[frozenset[str]]) -> list[tuple[str, float]]:
        """``best_of`` for every row of ``probabilities`` (with its allowed labels), rows
        grouped by their allowed labels and each group's best column found at once."""
        import numpy as np

        found: list[tuple[str, float]] = [(NONE, 0.0)] * len(allowed)
        groups: dict[frozenset[str], list[int]] = {}
        for row, labels in enumerate(allowed):
            groups.setdefault(labels, []).append(row)
        for labels, rows in groups.items():
            kept = self._kept(labels)
            # none first, then the labels in order: argmax takes the first of equal maxima
            order = sorted(kept, key=lambda item: item[1] != NONE)
            columns = np.array([k for k, _ in order], dtype=np.intp)
            block = probabilities[np.array(rows, dtype=np.intp)][:, columns]
            for row, best, value in zip(rows, block.argmax(axis=1).tolist(), block.max(axis=1).tolist()):
                found[row] = (order[best][1], value)
        return found

    def best(self, features: list[str], allowed: Iterable[str]) -> tuple[str, float]:
        """The most probable of ``none`` and the ``allowed`` labels, and its probability
        (not renormalised: mass on labels the types rule out is not handed on)."""
        return self.best_of(self.probabilities(features), frozenset(allowed))

    def best_of(self, probabilities: np.ndarray, allowed: frozenset[str]) -> tuple[str, float]:
        """``best`` from a row of ``probabilities``: ties go to the earlier label, ``none`` winning them."""
        label, probability = max(
            ((label, float(probabilities[k])) for k, label in self._kept(allowed)),
            key=lambda item: (item[1], item[0] == NONE),
        )
        return str(label), probability

    def _kept(self, allowed: frozenset[str]) -> tuple[tuple[int, str], ...]:
        """(column, label) of ``none`` and the allowed labels, in ``labels`` order."""
        found = self._kept_cache.get(allowed)
        if found is None:
            keep = allowed | {NONE}
            found = self._kept_cache[allowed] = tuple((k, label) for k, label in enumerate(self.labels) if label in keep)
        return found

    @classmethod
    def from_json(cls, data: dict) -> RelationModel:
        import numpy as np

        if data.get("format") != FORMAT_VERSION:
            raise ValueError(
                f"relation model format {data.get('format')!r} is not {FORMAT_VERSION}; "
                "regenerate it with scripts/train_relations.py"
            )
        labels = tuple(data["labels"])
        features = sorted(data["weights"])
        weights = np.array([data["weights"][f] for f in features], dtype=np.float64).reshape(len(features), len(labels))
        return cls(
            labels=labels,
            vocabulary={f: i for i, f in enumerate(features)},
            weights=weights,
            intercepts=np.array(data["intercepts"], dtype=np.float64),
            threshold=float(data["threshold"]),
            thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
        )


@cache
def load_model(path: str | Path = MODEL_PATH) -> RelationModel:
    """The trained model (cached)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path}: no relation model; train one with scripts/train_relations.py or set {MODEL_ENV}=0"
        )
    return RelationModel.from_json(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- inference


def _path_tokens(doc, source: MentionSpan, target: MentionSpan):
    """(top of the path or None, words between the mentions and on the path, words on the path)."""
    source_head, target_head = _head(doc, source), _head(doc, target)
    left, right = (source, target) if source.start < target.start else (target, source)
    tokens = {t.i: t for t in doc[left.end : right.start]}
    path = _path(source_head, target_head)
    top, on_path = None, []
    if path is not None:
        up, lca, down = path
        ends = {source_head.i, target_head.i}
        on_path = [t for t in (*up, lca, *down) if t.i not in ends]
        tokens.update({t.i: t for t in on_path})
        top = lca if lca.i not in ends else None
    return top, [tokens[i] for i in sorted(tokens)], on_path


def _event_word(on_path, label: str, rules):
    """The word on the path that names the predicted event in the lexicon (a verb or
    event noun of that relation, read as the rules read them), or None. Its clause, not
    the path's top, says the event's modality: in "Kallas said the bloc could sanction
    Minsk" the top is "said", the event is "sanction", and "could" makes it hypothetical."""
    verbs = rules.lexicon.verbs
    for token in reversed(on_path):  # the deepest first: the event nearest its arguments
        if token.pos_ in {"VERB", "AUX"} and any(frame.relation == label for frame in verbs.get(token.lemma_.lower(), ())):
            return token
        noun = rules.event_noun(token)
        if noun is not None and noun.relation == label:
            return token
    return None


def _refine(label: str, tokens, rules) -> str:
    """CoNLL04's coarse worksFor covers leaders and members: a leader or member
    title of the lexicon between the mentions (and no other official title) says which."""
    if label != "worksFor":
        return label
    kinds = {title.kind: title.relation for title in (rules.title_of(t) for t in tokens if t.pos_ in {"NOUN", "PROPN"}) if title}
    if "official" in kinds or "professional" in kinds:
        return label
    for kind in ("leader", "member"):
        if kind in kinds:
            return kinds[kind]
    return label


def predict_candidates(
    doc,
    analysis: EntityAnalysis,
    lexicon: Lexicon,
    gazetteer: Gazetteer,
    *,
    model: RelationModel | None = None,
    threshold: float | None = None,
    rules: _Rules | None = None,
    exclude: Collection[tuple[frozenset[str], int]] = (),
) -> list[Candidate]:
    """Model candidates (``rule="model"``), at most one per ordered pair of mentions:
    the best relation label when its probability reaches its threshold
    (``threshold`` overrides every label's). ``rules`` is the document's rule
    reader when the caller has one (it is the same for every reader of the document).
    ``exclude``: (pair of entity keys, character offset of a sentence) whose mention
    pairs are not scored at all (``model_relations`` passes the pairs the rules relate)."""
    from kg.relations import _Rules

    model = model or load_model()
    kinds = relation_types()
    candidates = candidate_pairs(analysis)
    if exclude:
        rules = rules or _Rules(doc, analysis, lexicon, gazetteer)
        excluded = set(exclude)
        candidates = [
            (source, target) for source, target in candidates
            if (frozenset((source.key, target.key)), rules.sentence(source.start)[1]) not in excluded
        ]
    pairs = DocumentFeatures(doc, analysis, lexicon).indexed_pairs(model.vocabulary, candidates)
    if not pairs:
        return []
    probabilities = model.indexed_probabilities([indices for _, _, indices in pairs])  # one pass per document
    allowed = [_valid_labels(source.type, target.type) for source, target, _ in pairs]
    lowest = model.lowest_threshold if threshold is None else threshold
    found = []
    for (source, target, _), labels, (label, probability) in zip(pairs, allowed, model.best_rows(probabilities, allowed)):
        if label == NONE or probability < lowest:
            continue  # no label, refined or not, counts below the lowest threshold
        rules = rules or _Rules(doc, analysis, lexicon, gazetteer)
        top, tokens, on_path = _path_tokens(doc, source, target)
        label = _refine(label, tokens, rules)
        if label not in labels or probability < (model.threshold_for(label) if threshold is None else threshold):
            continue
        # Roles and places are descriptions: asserted whatever the clause says.
        modality = Modality.ASSERTED if kinds[label].group in {"role", "place"} else None
        event = _event_word(on_path, label, rules) if modality is None else None
        trigger = (event or top or _head(doc, source)).i
        found.append(Candidate(source, label, target, RULE, probability, trigger, modality))
    return found


def model_relations(
    doc,
    analysis: EntityAnalysis,
    lexicon: Lexicon,
    gazetteer: Gazetteer,
    *,
    document_id: str,
    rule_relations: Iterable[Relation] = (),
    model: RelationModel | None = None,
    threshold: float | None = None,
    rules: _Rules | None = None,
) -> list[Relation]:
    """Relations the model adds to the rules' ones: converted and checked like the
    rules' candidates (``kg.relations._to_relation``), one per pair of entities and
    sentence, none where the rules already relate the same two entities in the
    same sentence. ``rules``: the document's rule reader, when the caller has one."""
    from kg.relations import _Rules, _to_relation

    ruled = {(frozenset((r.source, r.target)), r.evidence.start) for r in rule_relations}
    rules = rules or _Rules(doc, analysis, lexicon, gazetteer)
    best: dict[tuple, Relation] = {}
    # Pairs the rules relate in a sentence are not scored: whatever the model said would be dropped.
    for candidate in predict_candidates(
        doc, analysis, lexicon, gazetteer, model=model, threshold=threshold, rules=rules, exclude=ruled
    ):
        relation = _to_relation(candidate, doc, rules, document_id)
        if relation is None:
            continue
        key = (frozenset((relation.source, relation.target)), relation.evidence.start)
        if key in ruled:
            continue
        if key not in best or relation.confidence > best[key].confidence:
            best[key] = relation
    return sorted(best.values(), key=lambda r: (r.evidence.start, r.source, r.relation, r.target))
