"""The extraction lexicons (``kg/data/*.csv``, ``cues.json``), checked against the ontology."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.ontology import relation_types

DATA_DIR = Path(__file__).resolve().parent / "data"
ARGUMENT_SLOTS = {"subj", "obj", "pobj", "ccomp_subj", "iobj"}  # iobj: "sent Ukraine weapons"


@dataclass(frozen=True)
class VerbFrame:
    """One way a verb expresses a relation: ``warn`` + subj -> obj gives warns."""

    lemma: str
    prep: str | None
    relation: str
    source: str  # one of ARGUMENT_SLOTS
    target: str
    object_nouns: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Title:
    """A role noun: ``president`` gives leaderOf, ``facilitator`` gives facilitates."""

    phrase: str  # lower case, single spaces: "prime minister", "secretary-general"
    relation: str
    kind: str  # leader | official | member | citizen | resident | agent


@dataclass(frozen=True)
class EventNoun:
    """A nominalised event: ``invasion of`` gives intervenesIn."""

    noun: str
    relation: str
    preps: frozenset[str]


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[VerbFrame, ...]]
    titles: dict[str, tuple[Title, ...]]  # by head word (title_head), longest first
    event_nouns: dict[str, EventNoun]
    cues: dict[str, frozenset[str]]

    def cue(self, name: str) -> frozenset[str]:
        return self.cues[name]


def title_head(phrase: str) -> str:
    """The word a title ends in, which is the head token spaCy gives it."""
    return re.split(r"[\s-]+", phrase.strip().lower())[-1]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if any((v or "").strip() for v in row.values())]


def _check_relation(name: str, path: Path) -> str:
    if name not in relation_types():
        raise ValueError(f"{path.name}: relation {name!r} is not in ontology/kg.ttl")
    return name


@cache
def load_lexicon(data_dir: Path = DATA_DIR) -> Lexicon:
    verbs: dict[str, list[VerbFrame]] = defaultdict(list)
    path = data_dir / "verbs.csv"
    for row in _rows(path):
        frame = VerbFrame(
            lemma=row["lemma"].strip(),
            prep=row["prep"].strip() or None,
            relation=_check_relation(row["relation"].strip(), path),
            source=row["source"].strip(),
            target=row["target"].strip(),
            object_nouns=frozenset(w for w in row["object_nouns"].split("|") if w),
        )
        if {frame.source, frame.target} - ARGUMENT_SLOTS:
            raise ValueError(f"{path.name}: unknown argument slot in {row}")
        verbs[frame.lemma].append(frame)

    titles: dict[str, list[Title]] = defaultdict(list)
    path = data_dir / "titles.csv"
    for row in _rows(path):
        phrase = " ".join(row["title"].strip().lower().split())
        title = Title(phrase, _check_relation(row["relation"].strip(), path), row["kind"].strip())
        titles[title_head(phrase)].append(title)

    path = data_dir / "event_nouns.csv"
    event_nouns = {
        row["noun"].strip(): EventNoun(
            row["noun"].strip(), _check_relation(row["relation"].strip(), path), frozenset(row["preps"].split("|"))
        )
        for row in _rows(path)
    }
    raw = json.loads((data_dir / "cues.json").read_text(encoding="utf-8"))
    cues = {key: frozenset(value) for key, value in raw.items() if isinstance(value, list)}
    return Lexicon(
        verbs={lemma: tuple(frames) for lemma, frames in verbs.items()},
        titles={head: tuple(sorted(ts, key=lambda t: -len(t.phrase))) for head, ts in titles.items()},
        event_nouns=event_nouns,
        cues=cues,
    )
