"""Long documents are parsed in pieces under spaCy's max_length, cut at paragraph
breaks, with every offset still pointing into the original text, and memory flat."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from robust_helpers import kg_command, kg_env

import kg
from kg.model import Document
from kg.nlp import CHUNK_CHARS, batches, chunk_spans, load

FACT = "Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday."
LAST_FACT = "The Vienna-based OSCE warned Russia on Tuesday."


@pytest.mark.parametrize("text, max_chars, expected", [
    ("", 10, [""]),
    ("short", 10, ["short"]),
    ("First para.\n\nSecond para.\n\nThird.", 16, ["First para.\n\n", "Second para.\n\n", "Third."]),
    ("A.\n\nA long second paragraph", 20, ["A.\n\nA long second ", "paragraph"]),  # a break too early loses to a space
    ("One line\nanother line\nthird", 15, ["One line\n", "another line\n", "third"]),
    ("Sentence one. Sentence two. Three", 16, ["Sentence one. ", "Sentence two. ", "Three"]),
    ("words without any stop at all", 12, ["words ", "without any ", "stop at all"]),  # a space in the first half beats a cut word
    ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
    ("Para.\r\n\r\nNext para here.", 16, ["Para.\r\n\r\n", "Next para here."]),
])
def test_chunks_cut_at_the_best_boundary_in_the_window(text, max_chars, expected):
    spans = chunk_spans(text, max_chars)
    assert [text[a:b] for a, b in spans] == expected


@pytest.mark.parametrize("seed", range(5))
def test_chunks_cover_the_text_exactly_and_stay_under_the_limit(seed):
    rng = random.Random(seed)
    pieces = ["word", " ", "\n", "\n\n", ". ", "Putin", "\u00a0", "😀", "\r\n"]
    text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 3000)))
    limit = rng.randrange(1, 400)
    spans = chunk_spans(text, limit)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(0 < b - a <= limit for a, b in spans) or text == ""
    assert all(a == previous_end for (a, _), (_, previous_end) in zip(spans[1:], spans))


def test_the_chunk_size_is_far_below_spacys_max_length():
    assert CHUNK_CHARS * 10 <= load().max_length


@pytest.mark.parametrize("sizes, expected", [
    ([5, 5, 5], [[5, 5, 5]]),
    ([5] * 5, [[5, 5], [5, 5], [5]]),  # batch_size 2
    ([30, 30, 30], [[30], [30], [30]]),  # batch_chars 40
    ([100, 1, 1], [[100], [1, 1]]),  # an oversized text goes alone
])
def test_batches_are_bounded_in_texts_and_characters(sizes, expected):
    texts = ["x" * n for n in sizes]
    result = [[len(t) for t in batch] for batch in batches(iter(texts), batch_size=2 if len(sizes) == 5 else 16, batch_chars=40)]
    assert result == expected


def test_offsets_stay_exact_across_pieces(monkeypatch):
    """A document of 60 paragraphs parsed in pieces of ~1,000 characters: every
    relation of every paragraph is found, at its own paragraph's offset."""
    paragraphs = [FACT if n % 2 == 0 else f"Paragraph {n} says nothing much about anyone at all." for n in range(60)]
    text = "Leaders meet\n\n" + "\n\n".join(paragraphs) + f"\n\n{LAST_FACT}"
    starts = {text.index(FACT, i) for i in range(len(text)) if text.startswith(FACT, i)}
    [whole] = list(kg.extract([Document(id="whole", text=text)]))
    monkeypatch.setattr("kg.nlp.CHUNK_CHARS", 1_000)
    [pieces] = list(kg.extract([Document(id="pieces", text=text)]))
    for extraction in (whole, pieces):
        for relation in extraction.relations:
            evidence = relation.evidence
            assert text[evidence.start:evidence.end] == evidence.sentence
            source = extraction.entity(relation.source)
            assert text[evidence.source_span[0]:evidence.source_span[1]] in (source.name, *source.aliases)
        meetings = {r.evidence.start for r in extraction.relations if r.relation == "meetsWith"}
        assert meetings == starts
        assert any(r.relation == "warns" and r.evidence.start == text.index(LAST_FACT) for r in extraction.relations)
        for entity in extraction.entities:
            for mention in entity.mentions:
                assert text[mention.start:mention.end].startswith(mention.text)
    assert {(r.relation, r.evidence.start, r.evidence.end) for r in pieces.relations} == {
        (r.relation, r.evidence.start, r.evidence.end) for r in whole.relations
    }


def test_sentence_numbers_continue_across_pieces(monkeypatch):
    text = "\n\n".join([FACT] * 30)
    monkeypatch.setattr("kg.nlp.CHUNK_CHARS", 500)
    [extraction] = list(kg.extract([Document(id="d", text=text)]))
    putin = next(e for e in extraction.entities if e.name == "Vladimir Putin")
    assert sorted({m.sentence for m in putin.mentions}) == list(range(30))


def big_document(path, size: int) -> str:
    """A ``size``-character article: short news paragraphs between long runs of
    inline data (the hex of an embedded file), with a distinct fact at the end.

    Data runs are masked before parsing, like boilerplate, so this runs in
    seconds; it still takes the whole text through reading, chunking, parsing
    and offsets. Pure prose of this size runs at the parser's speed (see README).
    """
    rng = random.Random(7)
    parts, length = ["Leaders meet, again and again\n\n"], 0
    while length < size:
        parts.append(f"{FACT}\n\n")
        parts.append("data:" + "".join(rng.choice("0123456789abcdef") for _ in range(49_000)) + "\n\n")
        length = sum(map(len, parts))
    parts.append(f"{LAST_FACT}\n")
    text = "".join(parts)
    path.write_text(text, encoding="utf-8")
    return text


PEAK_RSS = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True)
sys.stderr.buffer.write(result.stderr)
sys.stdout.buffer.write(result.stdout)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(result.returncode)
"""


def peak_rss_kib(*args) -> tuple[int, subprocess.CompletedProcess]:
    """Run ``kg ARGS`` in a fresh process and measure its peak resident memory."""
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, *kg_command(*args)], capture_output=True, env=kg_env(), timeout=600)
    *messages, peak = result.stderr.decode().splitlines()
    result.stderr = "\n".join(messages).encode()
    return int(peak), result


@pytest.mark.slow
def test_a_5_mb_document_is_extracted_with_exact_offsets_in_flat_memory(tmp_path):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    big_document(small, 500_000)
    text = big_document(big, 5_000_000)
    assert len(text.encode("utf-8")) > 5_000_000
    small_peak, _ = peak_rss_kib("extract", "--jsonl", small)
    big_peak, result = peak_rss_kib("extract", "--jsonl", big)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    assert result.stderr == b""
    [record] = [json.loads(line) for line in result.stdout.decode().splitlines()]
    facts = {(r["source"], r["relation"], r["target"]): r["evidence"] for r in record["relations"]}
    assert ("Vladimir Putin", "leaderOf", "Russia") in facts
    warning = facts[("Organization for Security and Co-operation in Europe", "warns", "Russia")]
    assert warning["start"] == text.index(LAST_FACT) > 5_000_000
    for evidence in facts.values():
        assert text[evidence["start"]:evidence["end"]] == evidence["sentence"]
    assert {e["name"] for e in record["entities"]} <= {"Russia", "Vladimir Putin", "China", "Xi Jinping", "Moscow",
                                                       "Organization for Security and Co-operation in Europe", "Vienna"}
    # Ten times the text, about the same memory: pieces are parsed and dropped one batch at a time.
    assert big_peak - small_peak < 100 * 1024, (small_peak, big_peak)
