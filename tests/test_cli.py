"""The kg command, through click's CliRunner (and once as the installed console script)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.cli import main
from kg.formats import format_names
from kg.graph import KnowledgeGraph

# rdflib's own TriG parser uses its deprecated ConjunctiveGraph API.
pytestmark = pytest.mark.filterwarnings("ignore:.*is deprecated, use Dataset:DeprecationWarning")

LEADS_RUSSIA = 'SELECT ?name WHERE { ?p kg:leaderOf ?s . ?s kg:iso3166Alpha2 "RU" . ?p rdfs:label ?name }'


def run(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    return result


def assert_user_error(result, *fragments: str) -> str:
    """A non-zero exit with one line on stderr, starting "Error:", holding every fragment."""
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error:"), lines[0]
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def built(tmp_path_factory, news_files):
    """`kg build FILE... --store S --out D`, run once for the module."""
    root = tmp_path_factory.mktemp("cli")
    store, out = root / "store", root / "exports"
    result = run("build", *news_files, "--store", store, "--out", out)
    assert result.exit_code == 0, result.output
    return store, out, result


@pytest.fixture(scope="module")
def store(built) -> Path:
    return built[0]


# ------------------------------------------------------------------ help


def test_every_command_has_help_with_an_example():
    assert main.commands
    for name, command in main.commands.items():
        assert command.help, name
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example:" in result.output, f"kg {name} --help has no Example:"


def test_group_help_lists_every_command():
    result = run("--help")
    assert result.exit_code == 0 and "Example:" in result.output
    for name in main.commands:
        assert name in result.output


def test_console_script_entry_point():
    script = Path(sys.executable).with_name("kg")
    if not script.exists():
        pytest.skip("the kg console script is not installed beside this Python")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: kg")
    assert "build" in result.stdout and "query" in result.stdout


# ------------------------------------------------------------------ build


def test_build_writes_the_exports(built):
    _, out, _ = built
    turtle, graphml = out / "graph.ttl", out / "graph.graphml"
    assert turtle.is_file() and graphml.is_file()
    parsed = rdflib.Graph().parse(turtle, format="turtle")
    assert len(parsed) > 20
    import networkx as nx

    assert nx.read_graphml(graphml).number_of_nodes() > 3


def test_build_prints_a_summary(built):
    _, _, result = built
    assert "2 documents read: 2 added, 0 replaced, 0 unchanged" in result.stdout
    assert "graph: 2 documents" in result.stdout
    assert "entities" in result.stdout and "relations:" in result.stdout


def test_rebuilding_reports_unchanged_documents(tmp_path, news_files):
    store = tmp_path / "store"
    assert run("build", news_files[0], "--store", store).exit_code == 0
    result = run("build", news_files[0], "--store", store)
    assert result.exit_code == 0, result.output
    assert "1 documents read: 0 added, 0 replaced, 1 unchanged" in result.stdout


def test_build_quiet_prints_nothing(tmp_path, news_files):
    result = run("build", news_files[0], "--store", tmp_path / "store", "--quiet")
    assert result.exit_code == 0
    assert result.stdout == ""


# ------------------------------------------------------------------ extract

RECORD_KEYS = {"id", "entities", "relations"}
ENTITY_KEYS = {"name", "type", "aliases"}
RELATION_KEYS = {"source", "relation", "target", "modality", "confidence", "evidence"}


def assert_record_shape(record: dict, text: str) -> None:
    assert RECORD_KEYS <= set(record)
    names = set()
    for entity in record["entities"]:
        assert ENTITY_KEYS <= set(entity)
        assert entity["type"] in {"Person", "State", "Organization", "Location"}
        assert isinstance(entity["aliases"], list)
        names.add(entity["name"])
    assert record["relations"]
    for relation in record["relations"]:
        assert RELATION_KEYS <= set(relation)
        assert relation["source"] in names and relation["target"] in names
        assert relation["modality"] in {"asserted", "hypothetical", "negated", "reported"}
        assert 0.0 <= relation["confidence"] <= 1.0
        evidence = relation["evidence"]
        assert set(evidence) == {"sentence", "start", "end"}
        assert text[evidence["start"]:evidence["end"]] == evidence["sentence"]


def test_extract_jsonl_prints_one_record_per_document(news_files):
    result = run("extract", "--jsonl", *news_files)
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(news_files)
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [p.stem for p in news_files]
    for record, path in zip(records, news_files):
        assert_record_shape(record, path.read_text(encoding="utf-8"))
        assert "text" not in record
    facts = {(r["source"], r["relation"], r["target"]) for r in records[0]["relations"]}
    assert ("Vladimir Putin", "leaderOf", "Russia") in facts


def test_extract_jsonl_from_stdin_keeps_record_ids(news_documents):
    lines = [json.dumps({"id": f"wire-{n}", "text": d.text}) for n, d in enumerate(news_documents)]
    result = run("extract", "--jsonl", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["id"] for r in records] == ["wire-0", "wire-1"]
    for record, document in zip(records, news_documents):
        assert_record_shape(record, document.text)


def test_extract_text_option_includes_the_document_text(news_files):
    result = run("extract", "--jsonl", "--text", news_files[0])
    assert json.loads(result.stdout)["text"] == news_files[0].read_text(encoding="utf-8")


def test_extract_without_jsonl_prints_readable_lines(news_files):
    result = run("extract", news_files[0])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"# {news_files[0].stem}")
    assert "Vladimir Putin --leaderOf--> Russia" in result.stdout


# ------------------------------------------------------------------ query


def test_query_prints_a_table(store):
    result = run("query", LEADS_RUSSIA, "--store", store)
    assert result.exit_code == 0, result.output
    assert "Vladimir Putin" in result.stdout and "name" in result.stdout
    assert "1 rows" in result.stderr


def test_query_prints_csv(store):
    result = run("query", LEADS_RUSSIA, "--store", store, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [["name"], ["Vladimir Putin"]]


def test_query_prints_tsv(store):
    result = run("query", "SELECT ?a ?b WHERE { ?p kg:leaderOf ?s . ?s kg:iso3166Alpha2 'RU' ; rdfs:label ?b . ?p rdfs:label ?a }",
                 "--store", store, "--format", "tsv")
    assert result.stdout.splitlines() == ["a\tb", "Vladimir Putin\tRussia"]


def test_query_prints_sparql_json_results(store):
    result = run("query", LEADS_RUSSIA, "--store", store, "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["head"]["vars"] == ["name"]
    [binding] = payload["results"]["bindings"]
    assert binding["name"]["type"] == "literal" and binding["name"]["value"] == "Vladimir Putin"


def test_query_reads_a_query_file(store, tmp_path):
    path = tmp_path / "leaders.rq"
    path.write_text(LEADS_RUSSIA, encoding="utf-8")
    result = run("query", "--file", path, "--store", store, "--format", "csv")
    assert result.stdout.splitlines() == ["name", "Vladimir Putin"]


@pytest.mark.parametrize("query, expected", [
    ("ASK { ?s kg:warns ?o }", "true"),
    ("ASK { ?s kg:kills ?o }", "false"),
])
def test_ask_prints_true_or_false(store, query, expected):
    result = run("query", query, "--store", store)
    assert result.exit_code == 0
    assert result.stdout.strip() == expected


def test_construct_prints_turtle(store):
    result = run("query", "CONSTRUCT { ?s kg:leaderOf ?o } WHERE { ?s kg:leaderOf ?o }", "--store", store)
    assert result.exit_code == 0, result.output
    parsed = rdflib.Graph().parse(data=result.stdout_bytes, format="turtle")
    assert len(parsed) >= 2
    leader_of = rdflib.URIRef("https://w3id.org/kg-news/ontology#leaderOf")
    assert set(parsed.predicates()) == {leader_of}


def test_query_reads_the_store_from_the_environment(store, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(store))
    result = run("query", "ASK { ?s kg:warns ?o }")
    assert result.stdout.strip() == "true"


# ------------------------------------------------------------------ export and stats


def test_export_ntriples_is_the_stored_graph(store):
    result = run("export", "--format", "nt", "--store", store)
    assert result.exit_code == 0, result.output
    parsed = rdflib.Graph().parse(data=result.stdout_bytes, format="nt")
    assert isomorphic(parsed, KnowledgeGraph.open(store, read_only=True).to_rdf())


def test_export_writes_a_file(store, tmp_path):
    target = tmp_path / "graph.trig"
    result = run("export", "--format", "trig", "--out", target, "--store", store)
    assert result.exit_code == 0, result.output
    dataset = rdflib.Dataset()
    dataset.parse(target, format="trig")
    named = [g for g in dataset.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID and len(g)]
    assert len(named) == 2


def test_export_list_names_every_format():
    result = run("export", "--list")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == format_names()
    assert {"turtle", "ntriples", "trig", "nquads", "rdfxml", "graphml"} <= set(listed)


def test_stats_json(store):
    result = run("stats", "--json", "--store", store)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["documents"] == 2
    assert stats["entities"]["Person"] >= 2 and stats["entities"]["State"] >= 3
    assert stats["relations"]["leaderOf"] >= 2
    assert stats["evidence"] >= sum(stats["relations"].values())
    assert all(isinstance(n, int) for _, n in stats["top_actors"])


def test_stats_text(store):
    result = run("stats", "--store", store)
    assert result.exit_code == 0
    assert result.stdout.startswith("graph: 2 documents")


# ------------------------------------------------------------------ every command closes the store


def _open_files_under(folder: Path) -> list[str]:
    """Paths under ``folder`` that this process holds open (Linux's /proc/self/fd)."""
    prefix = str(folder.resolve()) + "/"
    held = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed meanwhile (the listing's own descriptor)
            continue
        if target.startswith(prefix):
            held.append(target)
    return held


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc/self/fd")
@pytest.mark.parametrize("args, exit_code", [
    (("build", "{news}"), 0),
    (("build", "{news}", "{tmp}/missing.txt"), 1),  # an input error: sys.exit(1) with the store open
    (("build", "{news}", "--out", "{tmp}/a-file/exports"), 1),  # a KgError while the store is open
    (("query", "SELECT ?s WHERE {{ ?s kg:leaderOf ?o }}"), 0),
    (("query", "--format", "json", "SELECT ?s WHERE {{ ?s kg:leaderOf ?o }}"), 0),
    (("query", "SELEC nonsense"), 1),
    (("query", "--name", "relations-of", "Vladimir Putin"), 0),
    (("export", "--format", "ntriples"), 0),
    (("export", "--format", "turtle", "--out", "{tmp}/a-file/graph.ttl"), 1),
    (("stats", "--json"), 0),
    (("merges",), 0),
    (("merges", "--out", "{tmp}/a-file/merges.txt"), 1),
    (("validate",), 0),
    (("viz", "--out", "{tmp}/graph.html"), 0),
    (("push", "--endpoint", "http://127.0.0.1:9/nothing-listens"), 1),
])
def test_every_command_closes_the_store_on_success_and_on_errors(args, exit_code, tmp_path, news_files):
    """In one process (as a notebook or a test suite would run kg), the store is free
    again after each command: no file of it left open, and a writer can open it."""
    store = tmp_path / "store"
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    assert run("build", news_files[0], "--store", store, "--quiet").exit_code == 0
    result = run(*[a.format(news=news_files[1], tmp=tmp_path) for a in args], "--store", store)
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert _open_files_under(store) == []
    with KnowledgeGraph.open(store) as graph:  # the writer lock is free
        assert graph.stats()["documents"] >= 1


# ------------------------------------------------------------------ user errors


@pytest.mark.parametrize("args", [
    ("export", "--format", "jpeg"),
    ("build", "{news}", "--format", "jpeg", "--out", "{tmp}/out"),
])
def test_unknown_format_is_a_one_line_error(args, store, news_files, tmp_path):
    args = [a.format(news=news_files[0], tmp=tmp_path) for a in args]
    result = run(*args, "--store", store if args[0] == "export" else tmp_path / "store")
    line = assert_user_error(result, "'jpeg'")
    assert "turtle" in line  # names the formats that exist


def test_query_on_a_missing_store_is_a_one_line_error(tmp_path):
    missing = tmp_path / "nowhere"
    result = run("query", "ASK { ?s ?p ?o }", "--store", missing)
    assert_user_error(result, str(missing))
    assert not missing.exists()


@pytest.mark.parametrize("command", [("export",), ("stats",)])
def test_reading_commands_on_a_missing_store_fail_cleanly(tmp_path, command):
    assert_user_error(run(*command, "--store", tmp_path / "nowhere"), "nowhere")


@pytest.mark.parametrize("sparql", ["SELEC ?x WHERE { ?x ?y ?z }", "SELECT ?x WHERE { ?x ?y }", "ASK { ?x nope:p ?y }"])
def test_bad_sparql_is_a_one_line_error(store, sparql):
    assert_user_error(run("query", sparql, "--store", store), "SPARQL")


def test_missing_input_file_warns_and_builds_the_others(tmp_path, news_files):
    store = tmp_path / "store"
    missing = tmp_path / "missing-article.txt"
    result = run("build", missing, news_files[0], "--store", store)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    warnings = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(warnings) == 1 and str(missing) in warnings[0]
    assert "1 documents read: 1 added" in result.stdout
    stats = run("stats", "--json", "--store", store)
    assert json.loads(stats.stdout)["documents"] == 1


def test_unknown_model_names_the_model(tmp_path, news_files):
    result = run("build", news_files[0], "--model", "en_core_web_nonexistent", "--store", tmp_path / "store")
    assert_user_error(result, "en_core_web_nonexistent")
    result = run("extract", "--jsonl", news_files[0], "--model", "en_core_web_nonexistent")
    assert_user_error(result, "en_core_web_nonexistent")
