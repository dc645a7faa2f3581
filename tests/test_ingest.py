from __future__ import annotations

import io
import json

import pytest

from kg.errors import InputError
from kg.ingest import boilerplate_spans, masked_text, read_documents
from kg.model import Document

ARTICLE = """Ministers meet in Oslo

Norway hosted talks on Monday.

Also on example-news.com

A crowd outside the parliament building.
Teaser: Finland warns Estonia about something else

FILE PHOTO: A harbour in Bergen.
The talks ended on Tuesday.
Think your friends would be interested? Share this story!"""


def test_boilerplate_blocks_are_skipped_and_offsets_kept():
    spans = boilerplate_spans(ARTICLE)
    skipped = "".join(ARTICLE[a:b] for a, b in spans)
    assert "Also on example-news.com" in skipped
    assert "Finland warns Estonia" in skipped  # the teaser after "Also on"
    assert "FILE PHOTO" in skipped and "Share this story" in skipped
    assert "Norway hosted talks" not in skipped and "The talks ended" not in skipped
    masked = masked_text(Document("a", ARTICLE, skip=spans))
    assert len(masked) == len(ARTICLE)
    assert masked.index("The talks ended") == ARTICLE.index("The talks ended")
    assert "Finland" not in masked


def test_txt_file_first_line_is_headline_and_id_is_file_name(tmp_path):
    path = tmp_path / "oslo-talks.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [document] = read_documents([path])
    assert document.id == "oslo-talks"
    assert document.title == "Ministers meet in Oslo"
    assert document.text == ARTICLE


def test_jsonl_records_keep_given_ids_and_ignore_unknown_fields(tmp_path):
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "a-1", "text": "Text one.", "title": "One", "extra": 5}),
        "",
        json.dumps({"id": "a-2", "text": "Text two.", "date": "2026-01-02", "url": "https://example.com/2"}),
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    documents = list(read_documents([path]))
    assert [d.id for d in documents] == ["a-1", "a-2"]
    assert documents[0].title == "One" and documents[1].date == "2026-01-02"


def test_folders_are_read_recursively_in_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("Two\n\nBody.", encoding="utf-8")
    (tmp_path / "one.txt").write_text("One\n\nBody.", encoding="utf-8")
    (tmp_path / "notes.png").write_bytes(b"\x89PNG")
    assert [d.id for d in read_documents([tmp_path])] == ["two", "one"] or [d.id for d in read_documents([tmp_path])] == ["one", "two"]
    assert len(list(read_documents([tmp_path]))) == 2


def test_stdin_text_and_jsonl(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Headline\n\nBody text.")))
    [document] = read_documents(["-"])
    assert document.id == "stdin" and document.title == "Headline"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b'{"id": "x", "text": "Body."}\n')))
    assert [d.id for d in read_documents(["-"])] == ["x"]


def test_bad_inputs_are_reported_and_the_rest_is_read(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("Good\n\nBody.", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "ok", "text": "Fine."}\n{not json}\n{"id": "no-text"}\n', encoding="utf-8")
    problems: list[str] = []
    documents = list(
        read_documents([tmp_path / "missing.txt", empty, binary, feed, good], on_error=lambda e: problems.append(str(e)))
    )
    assert [d.id for d in documents] == ["ok", "good"]
    assert any("missing.txt: no such file" in p for p in problems)
    assert any("empty.txt: is empty" in p for p in problems)
    assert any("photo.txt" in p and "binary" in p for p in problems)
    assert any("feed.jsonl:2: not valid JSON" in p for p in problems)
    assert any('feed.jsonl:3: a record needs a "text"' in p for p in problems)


def test_without_handler_errors_are_raised(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        list(read_documents([tmp_path / "nope.txt"]))
