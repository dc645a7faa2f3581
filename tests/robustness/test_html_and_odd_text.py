"""HTML pages give their main text (trafilatura) with the headline first; names,
ids, titles and URLs with quotes, angle brackets, emoji, right-to-left text and
control characters go through every command and every export."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import networkx as nx
import pyoxigraph as ox
import pytest
from robust_helpers import run_cli, run_kg

import kg
from kg.errors import InputError
from kg.formats import format_names
from kg.model import Document
from kg.rdf import _xml_safe

PAGE = """<!DOCTYPE html>
<html><head><title>Putin hosts Xi in Moscow | World News Daily</title>
<meta name="date" content="2026-03-02">
<link rel="canonical" href="https://news.example.com/world/putin-xi">
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav>
<header><div class="logo">World News Daily</div></header>
<article>
<h1>Putin hosts Xi in Moscow</h1>
<p>Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday. The two leaders signed a
trade deal worth billions of dollars, officials said.</p>
<p>The Vienna-based OSCE warned Russia on Tuesday. If Moscow intervenes in Belarus, relations will deteriorate
further, the organization said in a statement.</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/a">Finland warns Estonia about fish quotas</a></li></ul></aside>
<footer><p>Copyright 2026 World News Daily. All rights reserved. Subscribe to our newsletter.</p></footer>
<script>var teaser = "Trump threatens Canada";</script>
</body></html>
"""
BOILERPLATE = ["Home", "Sport", "World News Daily", "Most read", "Finland", "Estonia", "Copyright", "Subscribe", "Trump", "Canada", "<"]


@pytest.fixture(params=["page.html", "page.htm", "page-saved-as.txt"])
def page(request, tmp_path):
    path = tmp_path / request.param
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_html_page_gives_its_main_text_with_the_headline_first(page):
    [extraction] = list(kg.extract([page]))
    document = extraction.document
    assert document.id == page.stem
    assert document.title == "Putin hosts Xi in Moscow"
    assert document.text.startswith("Putin hosts Xi in Moscow\n")
    assert "Vladimir Putin met Chinese President Xi Jinping" in document.text
    for word in BOILERPLATE:
        assert word not in document.text, word
    assert document.date == "2026-03-02"
    assert document.url == "https://news.example.com/world/putin-xi"
    facts = {(extraction.entity(r.source).name, r.relation, extraction.entity(r.target).name) for r in extraction.relations}
    assert ("Vladimir Putin", "leaderOf", "Russia") in facts
    for relation in extraction.relations:
        evidence = relation.evidence
        assert document.text[evidence.start:evidence.end] == evidence.sentence


def test_html_through_the_cli_and_from_standard_input(page, tmp_path):
    result = run_cli("extract", "--jsonl", "--text", page)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    record = json.loads(result.stdout)
    assert record["text"].startswith("Putin hosts Xi in Moscow\n") and "Finland" not in record["text"]
    piped = run_cli("extract", "--jsonl", "--text", "-", input=PAGE)
    assert json.loads(piped.stdout)["text"] == record["text"]


def test_html_files_in_a_folder_are_read(tmp_path):
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "news" / "b.htm").write_text(PAGE.replace("Moscow", "Beijing"), encoding="utf-8")
    (tmp_path / "news" / "style.css").write_text("body { color: red }", encoding="utf-8")
    assert [e.document.id for e in kg.extract([tmp_path / "news"])] == ["a", "b"]


def test_an_html_fragment_in_a_txt_file(tmp_path):
    path = tmp_path / "fragment.txt"
    path.write_text("<p>Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow.</p>\n<p>Talks went on.</p>",
                    encoding="utf-8")
    [extraction] = list(kg.extract([path]))
    assert "<p>" not in extraction.document.text
    assert extraction.document.text.startswith("Russian President Vladimir Putin met")


def test_an_html_page_without_article_text_is_an_error(tmp_path):
    path = tmp_path / "menu.html"
    path.write_text("<html><head><title></title></head><body><script>x = 1</script></body></html>", encoding="utf-8")
    with pytest.raises(InputError, match="menu.html: no article text found in the HTML page"):
        list(kg.extract([path]))


def test_text_that_merely_mentions_tags_is_not_html(tmp_path):
    path = tmp_path / "plain.txt"
    text = "Markup wars\n\nEditors argued whether <p> tags belong in wire copy, the agency said."
    path.write_text(text, encoding="utf-8")
    [extraction] = list(kg.extract([path]))
    assert extraction.document.text == text


# ------------------------------------------------------------------ odd characters

ODD = [
    'He said "no" and \'yes\'',
    "<script>alert(1)</script> & <b>bold</b>",
    "emoji 😀🇺🇦👩🏽‍⚕️",
    "עברית العربية \u202eRLO override\u202c",
    "control \x00\x01\x07\x1b\x7f\x85 chars",
    "tab\there\r\nCRLF",
    "lone \ud800 surrogate",
    "nbsp\u00a0zero\u200bwidth\ufeffbom\uffff",
]
ARTICLE = "Russian President Vladimir Putin met Chinese President Xi Jinping in Moscow on Monday."


def odd_feed(path):
    lines = []
    for number, odd in enumerate(ODD):
        record = {"id": f"{odd} #{number}", "title": odd, "url": f"https://example.com/<{odd}>", "date": odd,
                  "text": f"{odd}\n\n{ARTICLE} {odd}. The Vienna-based OSCE warned Russia."}
        lines.append(json.dumps(record, ensure_ascii=True))  # \ud800 can only travel escaped
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def odd_store(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd")
    feed = odd_feed(root / "odd.jsonl")
    result = run_cli("build", feed, "--store", root / "store", "--out", root / "exports",
                     *[arg for name in format_names() for arg in ("--format", name)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return root


def test_odd_ids_titles_and_urls_are_stored(odd_store):
    graph = kg.KnowledgeGraph.open(odd_store / "store", read_only=True)
    rows = graph.query("SELECT ?id ?title ?url WHERE { ?d a kg:Document ; dcterms:identifier ?id ; dcterms:title ?title ; "
                       "dcterms:source ?url }").rows
    assert len(rows) == len(ODD)
    expected = {_xml_safe(odd.replace("\ud800", "\ufffd")) for odd in ODD}
    assert {title for _, title, _ in rows} == expected
    assert {doc_id.rsplit(" #", 1)[0] for doc_id, _, _ in rows} == expected
    assert graph.stats()["relations"]["leaderOf"] >= 2


def test_every_export_of_odd_input_parses_back(odd_store):
    exports = odd_store / "exports"
    parsed = {}
    for name, rdf_format in [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("trig", ox.RdfFormat.TRIG),
                             ("nq", ox.RdfFormat.N_QUADS), ("rdf", ox.RdfFormat.RDF_XML)]:
        parsed[name] = list(ox.parse(path=str(exports / f"graph.{name}"), format=rdf_format))
        assert parsed[name], name
    assert len(parsed["ttl"]) == len(parsed["nt"]) == len(parsed["rdf"])
    assert len(parsed["trig"]) == len(parsed["nq"])
    ET.parse(exports / "graph.rdf")  # a strict XML parser accepts it
    ET.parse(exports / "graph.graphml")
    view = nx.read_graphml(exports / "graph.graphml")
    assert view.number_of_edges() > 0


def test_extract_prints_odd_ids_as_json(tmp_path):
    result = run_cli("extract", "--jsonl", odd_feed(tmp_path / "odd.jsonl"))
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == [f"{odd.replace(chr(0xD800), chr(0xFFFD))} #{n}" for n, odd in enumerate(ODD)]


@pytest.mark.slow
def test_odd_input_in_a_real_process(tmp_path):
    feed = odd_feed(tmp_path / "odd.jsonl")
    result = run_kg("build", feed, "--store", tmp_path / "store", "--out", tmp_path / "out", "--verbose")
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stderr.decode().splitlines()
    assert len([line for line in lines if line.startswith("added ")]) == len(ODD)  # control characters escaped: one line each
    assert all(line.isprintable() for line in lines)


def test_text_with_odd_characters_keeps_exact_offsets():
    text = f"\ufeff\x00 {ODD[2]}\n\n{ARTICLE} {ODD[3]} {ODD[4]}\n\nThe Vienna-based OSCE warned Russia. {ODD[1]}"
    [extraction] = list(kg.extract([Document(id="odd", text=text)]))
    assert extraction.relations
    for relation in extraction.relations:
        assert text[relation.evidence.start:relation.evidence.end] == relation.evidence.sentence
