"""Named queries shipped in kg/queries/: headers, results on the news graph, safe parameters, CLI."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import QueryError
from kg.graph import KnowledgeGraph
from kg.named_queries import QUERIES_DIR, named_queries, named_query, run_named_query
from kg.ontology import relation_types

# Arguments that make each parameterised query return rows on the news graph.
EXAMPLE_ARGUMENTS = {"relations-of": ["Vladimir Putin"], "evidence-of": ["OSCE", "Russia"]}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result) -> str:
    assert result.exit_code not in (0, None), result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error:"), result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def news(news_store):
    graph = KnowledgeGraph.open(news_store, read_only=True)
    yield graph
    graph.close()


def rows(graph, name, *arguments) -> set[tuple]:
    return set(run_named_query(graph, name, arguments).rows)


# ------------------------------------------------------------------ the files


def test_the_required_queries_are_shipped():
    assert {"who-warns-whom", "relations-of", "counts-by-quad-class", "most-connected-actors", "evidence-of",
            "hypothetical-events", "leaders"} <= set(named_queries())
    assert {p.stem for p in QUERIES_DIR.glob("*.rq")} == set(named_queries())


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_each_query_has_a_one_line_description_and_runs_on_the_news_graph(name, news):
    query = named_query(name)
    assert query.description and len(query.description) < 120
    assert [p.name for p in query.parameters] == [p.name for p in query.parameters if p.description]
    result = run_named_query(news, name, EXAMPLE_ARGUMENTS.get(name, []))
    assert result.kind == "select"
    assert result.rows, f"{name} found nothing on the news graph"
    # Parameters are bound through substitutions, which need them projected: the value comes back.
    for index, parameter in enumerate(query.parameters):
        assert {row[result.variables.index(parameter.name)] for row in result.rows} == {EXAMPLE_ARGUMENTS[name][index]}


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_each_query_declares_its_own_prefixes_so_it_runs_on_any_store(name):
    import pyoxigraph as ox

    query = named_query(name)
    substitutions = {ox.Variable(p.name): ox.Literal("x") for p in query.parameters}
    ox.Store().query(query.text, substitutions=substitutions)  # no kg prefixes given: parses or raises


def test_quad_class_table_agrees_with_the_ontology():
    text = named_query("counts-by-quad-class").text
    table = dict(re.findall(r'\(kg:(\w+) "(\w\w)"\)', text))
    assert table == {name: t.quad_class for name, t in relation_types().items() if t.quad_class}


# ------------------------------------------------------------------ answers on the news graph


@pytest.mark.parametrize(
    "name, arguments, expected",
    [
        ("leaders", [], {("Vladimir Putin", "Russia", "State", "1"), ("Xi Jinping", "China", "State", "1")}),
        ("relations-of", ["Vladimir Putin"], {("Vladimir Putin", "out", "leaderOf", "Russia", "asserted", "1")}),
        ("relations-of", ["vladimir putin"], {("vladimir putin", "out", "leaderOf", "Russia", "asserted", "1")}),
        ("relations-of", ["Xi"], {("Xi", "in", "meetsWith", "Vladimir Putin", "asserted", "2")}),
        ("hypothetical-events", [], {("Russia", "intervenesIn", "Belarus", "osce-warning",
                                      "If Moscow intervenes in Belarus, relations will deteriorate further.")}),
        ("counts-by-quad-class", [], {("VK", "verbal conflict", "1", "2"), ("MK", "material conflict", "1", "1")}),
        ("documents", [], {("moscow-summit", "Putin hosts Xi in Moscow", None, "4")}),
    ],
)
def test_query_answers(name, arguments, expected, news):
    assert expected <= rows(news, name, *arguments)


def test_who_warns_whom_gives_each_sentence(news):
    sentences = {row[4] for row in rows(news, "who-warns-whom") if row[:2] == ("Organization for Security and Co-operation in Europe", "Russia")}
    assert "The Vienna-based OSCE warned Russia on Tuesday." in sentences


def test_evidence_of_finds_either_direction_by_alias(news):
    forward = rows(news, "evidence-of", "OSCE", "Russia")
    backward = rows(news, "evidence-of", "russia", "osce")
    assert {r[2:] for r in forward} == {r[2:] for r in backward}
    assert ("Organization for Security and Co-operation in Europe", "warns", "Russia") in {r[2:5] for r in forward}


def test_most_connected_actors_puts_russia_first(news):
    result = run_named_query(news, "most-connected-actors")
    assert result.rows[0][:2] == ("Russia", "State")


@pytest.mark.parametrize(
    "hostile",
    ['Russia" ) } SELECT * WHERE { ?s ?p ?o } #', "Russia' } ; DROP ALL", "?actor", '\\"', "Russia\n}", ""],
)
def test_a_parameter_is_only_ever_a_name(hostile, news):
    result = run_named_query(news, "relations-of", [hostile])
    assert result.rows == ()


def test_wrong_argument_count_names_the_usage(news):
    with pytest.raises(QueryError, match=r"takes 2 argument\(s\), got 1; usage: kg query --name evidence-of ACTOR OTHER"):
        run_named_query(news, "evidence-of", ["OSCE"])


# ------------------------------------------------------------------ CLI


def test_cli_lists_every_query_with_its_description():
    result = run("query", "--list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) == len(named_queries())
    for query, line in zip(named_queries().values(), lines):
        assert line.startswith(query.usage) and line.endswith(query.description)
    assert any(line.startswith("relations-of ACTOR ") for line in lines)


def test_cli_runs_a_named_query_with_arguments(news_store):
    result = run("query", "--store", news_store, "--format", "csv", "--name", "evidence-of", "OSCE", "Russia")
    assert result.exit_code == 0, result.output
    header, *lines = result.output.splitlines()
    assert header == "actor,other,source,relation,target,modality,confidence,document,sentence"
    assert any(",warns,Russia,asserted," in line for line in lines)


def test_cli_shows_a_named_query():
    result = run("query", "--name", "leaders", "--show")
    assert result.exit_code == 0
    assert result.output == named_query("leaders").text


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["--name", "who-leads"], ["unknown named query 'who-leads'", "known: counts-by-quad-class", "relations-of"]),
        (["--name", "relations-of"], ["takes 1 argument(s), got 0", "kg query --name relations-of ACTOR"]),
        (["--name", "leaders", "extra"], ["takes 0 argument(s), got 1"]),
    ],
)
def test_cli_named_query_mistakes_are_one_line(args, fragments, news_store):
    line = one_line_error(run("query", "--store", news_store, *args))
    for fragment in fragments:
        assert fragment in line
