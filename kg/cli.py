"""The ``kg`` command: a thin layer over the Python API.

Every command opens the graph, calls one API function and prints the result.
Problems a user can fix (``KgError``) become one-line messages and a non-zero
exit; heavy imports happen inside the commands so ``kg --help`` is instant.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import warnings
from collections import Counter
from pathlib import Path

import click

from kg import __version__
from kg.errors import InputError, InputWarning, KgError
from kg.formats import format_names  # light: the writers import their libraries when they run

DEFAULT_STORE = ".kg-store"
STORE_ENV = "KG_STORE"


def _one_line(text: object) -> str:
    """``text`` with line breaks and other control characters escaped: a file
    or record id may hold them, and a message must stay one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def _fail_cleanly(command):
    """Turn library errors into one-line messages instead of tracebacks."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KgError as error:
            exception = click.ClickException(_one_line(error))
            exception.exit_code = error.exit_code  # 2 for a bad option value, as for click's usage errors
            raise exception from None
        except BrokenPipeError:  # `kg export | head`
            sys.stderr.close()
            raise SystemExit(0) from None

    return wrapper


store_option = click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get(STORE_ENV, DEFAULT_STORE),
    show_default=f"${STORE_ENV} or {DEFAULT_STORE}",
    help="Folder of the on-disk graph store.",
)
model_option = click.option(
    "--model",
    envvar="KG_MODEL",
    default=None,
    help="spaCy model package (default: $KG_MODEL, else the best installed English model).",
)


class _InputProblems:
    """Collects per-input problems: each is reported at once, the run goes on."""

    def __init__(self, quiet: bool = False):
        self.count = 0
        self.quiet = quiet

    def __call__(self, error: InputError) -> None:
        self.count += 1
        click.echo(f"kg: error: {_one_line(error)}", err=True)

    def exit_code(self) -> int:
        return 1 if self.count else 0


@contextlib.contextmanager
def _input_warnings():
    """Print each input read with a caveat (guessed encoding, replaced bytes) as one line."""
    shown = warnings.showwarning

    def show(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, InputWarning):
            click.echo(f"kg: warning: {_one_line(message)}", err=True)
        else:
            shown(message, category, filename, lineno, file, line)

    with warnings.catch_warnings():
        warnings.simplefilter("always", InputWarning)
        warnings.showwarning = show
        yield


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="kg")
def main() -> None:
    """kg builds a knowledge graph of people, states, organizations and places
    from English news, with the evidence for every relation.

    \b
    Example:
      kg build samples/articles --out exports/
      kg query --store .kg-store 'SELECT ?s ?o WHERE { ?s kg:warns ?o }'
    """


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@store_option
@click.option("--fresh", is_flag=True, help="Empty the store before building.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Also write exports into this folder.")
@click.option(
    "--format", "formats", multiple=True, default=("turtle", "graphml"), show_default=True,
    help="Export format(s) written with --out (repeat the option for several).",
)
@model_option
@click.option(
    "--workers", "-j", type=click.IntRange(min=1), default=1, show_default=True,
    help="Extract in this many processes (the store keeps one writer).",
)
@click.option("--dask", "dask_address", metavar="ADDRESS", help="Extract on the Dask cluster whose scheduler is at ADDRESS (needs kg[scale]).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option("--verbose", "-v", is_flag=True, help="Print a line for each document as it is stored.")
@_fail_cleanly
def build(inputs, store, fresh, out_dir, formats, model, workers, dask_address, quiet, verbose):
    """Read articles and add them to the graph store.

    PATH is a .txt file (first line: headline), an .html page (its main
    text, headline first), a .jsonl file of
    {"id", "text", "title"?, "date"?, "url"?} records, a folder (read
    recursively), or - for standard input. Re-adding an unchanged document
    does nothing; a changed document replaces what it said before.

    \b
    Example:
      kg build samples/articles samples/feed.jsonl --out exports/
      kg build big-feed.jsonl --workers 2
      kg build big-feed.jsonl --dask tcp://scheduler:8786
    """
    from kg.formats import export_format
    from kg.graph import KnowledgeGraph, build as build_graph
    from kg.nlp import choose_model

    exports = [export_format(name) for name in formats]
    choose_model(model)  # fail before opening anything when the model is missing
    problems = _InputProblems()
    results: Counter[str] = Counter()  # documents by status: counts, not records, so a long build stays small
    # The store is closed (flushed, its writer lock released) before the exit, on errors too:
    # the next command, in this process or another, finds it free.
    with KnowledgeGraph.open(store) as graph:
        if fresh:
            graph.clear()
        with _progress(quiet, total=_count_documents(inputs) if not quiet and sys.stderr.isatty() else None) as advance:
            def on_document(result):
                results[result.status] += 1
                advance(result)
                if verbose:
                    click.echo(f"{result.status} {_one_line(result.document)} ({result.entities} entities, {result.relations} relations)", err=True)

            with _input_warnings():
                build_graph(
                    inputs, model=model, graph=graph, on_error=problems, progress=on_document, workers=workers, dask=dask_address
                )
        graph.flush()
        if out_dir is not None:
            for export in exports:
                target = export.target(out_dir)
                export.write(graph, target)
                if not quiet:
                    click.echo(f"wrote {target}", err=True)
        if not quiet:
            _print_build_summary(results, graph.stats())
    sys.exit(problems.exit_code())


def _count_documents(inputs) -> int | None:
    """How many documents the inputs hold, for the progress bar's ETA; None when unknown
    (standard input) or unreadable (the build itself reports that)."""
    from kg.ingest import JSONL_SUFFIXES, TEXT_SUFFIXES

    total = 0
    for item in inputs:
        path = Path(item)
        if item == "-" or not path.exists():
            return None
        files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix in JSONL_SUFFIXES:
                try:
                    with file.open("rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                except OSError:
                    return None
            elif suffix in TEXT_SUFFIXES or suffix in {".html", ".htm"} or not path.is_dir():
                total += 1
    return total


class _progress:
    """A progress bar on a terminal: documents done, documents per second, time left."""

    def __init__(self, quiet: bool, total: int | None = None):
        self.enabled = not quiet and sys.stderr.isatty()
        self.total = total

    def __enter__(self):
        if not self.enabled:
            return lambda result: None
        from rich.console import Console
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )

        self.progress = Progress(
            SpinnerColumn(), TextColumn("building"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), TextColumn("{task.fields[doc]}"),
            console=Console(stderr=True), transient=True,
        )
        self.progress.start()
        self.task = self.progress.add_task("build", total=self.total, rate="", doc="")

        def advance(result):
            self.progress.advance(self.task)
            task = self.progress.tasks[0]
            speed = task.speed or 0
            self.progress.update(self.task, rate=f"{speed:.1f} docs/s" if speed else "", doc=result.document)

        return advance

    def __exit__(self, *exc):
        if self.enabled:
            self.progress.stop()
        return False


def _print_build_summary(results: Counter[str], stats) -> None:
    added, replaced, unchanged = results["added"], results["replaced"], results["unchanged"]
    click.echo(f"{results.total()} documents read: {added} added, {replaced} replaced, {unchanged} unchanged")
    _print_stats(stats)


def _print_stats(stats) -> None:
    entities = ", ".join(f"{n} {t}" for t, n in stats["entities"].items()) or "none"
    relations = ", ".join(f"{n} {r}" for r, n in stats["relations"].items()) or "none"
    click.echo(f"graph: {stats['documents']} documents, {sum(stats['entities'].values())} entities ({entities})")
    click.echo(f"relations: {sum(stats['relations'].values())} ({relations}), {stats['evidence']} pieces of evidence")
    if stats["top_actors"]:
        click.echo("top actors: " + ", ".join(f"{label} ({n})" for label, n in stats["top_actors"]))
    if stats.get("merged"):
        merged = stats["merged"]
        click.echo(f"resolution: {merged} entity {'IRI merged into another' if merged == 1 else 'IRIs merged into others'} across documents (kg merges tells why)")


@main.command()
@click.argument("inputs", nargs=-1, required=True, metavar="PATH...")
@click.option("--jsonl", is_flag=True, help="One JSON record per document (shared/eval/FORMAT.md).")
@click.option("--text/--no-text", "include_text", default=False, help="Include the document text in records.")
@model_option
@_fail_cleanly
def extract(inputs, jsonl, include_text, model):
    """Extract entities and relations without touching the store.

    \b
    Example:
      kg extract --jsonl article.txt > article.jsonl
      cat gold.jsonl | kg extract --jsonl -
    """
    from kg.extract import extract as extract_documents
    from kg.nlp import choose_model
    from kg.records import to_record

    choose_model(model)
    problems = _InputProblems()
    with _input_warnings():
        for extraction in extract_documents(inputs, model=model, on_error=problems):
            record = to_record(extraction, include_text=include_text)
            if jsonl:
                click.echo(_json_line(record))
            else:
                _print_record(record)
    sys.exit(problems.exit_code())


_LINE_BREAKS_JSON_KEEPS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json_line(record: dict) -> str:
    """One JSON Lines line: json.dumps leaves NEL and the Unicode line and
    paragraph separators raw, and readers that split on them would cut the record."""
    return json.dumps(record, ensure_ascii=False).translate(_LINE_BREAKS_JSON_KEEPS)


def _print_record(record) -> None:
    click.echo(f"# {record['id']}")
    for entity in record["entities"]:
        aliases = f" ({', '.join(entity['aliases'])})" if entity["aliases"] else ""
        click.echo(f"  {entity['type']:<12} {entity['name']}{aliases}")
    for relation in record["relations"]:
        click.echo(
            f"  {relation['source']} --{relation['relation']}--> {relation['target']}"
            f"  [{relation['modality']}, {relation['confidence']:.2f}, {relation['rule']}]"
        )


@main.command(name="export")
@click.option(
    "--format", "format_name", default="turtle", show_default=True,
    help=f"Export format: {', '.join(format_names())} (see --list).",
)
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default: standard output); a folder for neo4j.")
@click.option("--list", "list_formats", is_flag=True, help="List the export formats and exit.")
@store_option
@_fail_cleanly
def export_command(format_name, out, list_formats, store):
    """Write the stored graph in an RDF or graph-tool format.

    \b
    Example:
      kg export --format graphml --out graph.graphml
      kg export --format ntriples | wc -l
      kg export --format neo4j --out neo4j/    # nodes.csv, relationships.csv
    """
    from kg.formats import export_format, formats
    from kg.graph import KnowledgeGraph

    if list_formats:
        for item in formats():
            aliases = ", ".join(item.aliases)
            file = "folder/" if item.folder else f".{item.extension}"
            click.echo(f"{item.name:<10} {item.media_type:<26} {file:<9} {item.description}" + (f" (also: {aliases})" if aliases else ""))
        return
    export = export_format(format_name)
    with KnowledgeGraph.open(store, read_only=True) as graph:
        if out is None:
            sys.stdout.buffer.write(export.write(graph))
            sys.stdout.flush()
        else:
            export.write(graph, out)


@main.command()
@store_option
@click.option(
    "--format", "format_name", type=click.Choice(["html", "svg", "png"], case_sensitive=False), default="html",
    show_default=True, help="html: an interactive page that works offline; svg or png: a picture for reports.",
)
@click.option("--out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), help="File to write, or - for standard output (default: graph.FORMAT).")
@click.option("--top", type=click.IntRange(min=1), default=None, help="Show only the N most connected entities (pictures: 60 unless given; pages: all).")
@click.option("--title", default=None, help="Title shown on the page or picture.")
@_fail_cleanly
def viz(store, format_name, out, top, title):
    """Draw the stored graph: an HTML page to explore, or an SVG/PNG picture.

    The page is one self-contained file (no network needed): search by name,
    filter by relation, entity type, modality, document and date, and click a
    relation to read its evidence. Pictures show the most connected entities
    and use Graphviz when it is installed.

    \b
    Example:
      kg viz --out graph.html
      kg viz --format svg --top 40 --out report/graph.svg
    """
    from kg.graph import KnowledgeGraph
    from kg.view import DEFAULT_TOP, graphviz_available

    format_name = format_name.lower()
    with KnowledgeGraph.open(store, read_only=True) as graph:
        if format_name == "html":
            content = graph.to_html(title=title, top=top).encode("utf-8")
        else:
            content = graph.to_picture(format_name, top=top or DEFAULT_TOP, title=title)
    target = out if out is not None else Path(f"graph.{format_name}")
    if str(target) == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    from kg.view import write_view

    write_view(target, content)
    how = "" if format_name == "html" or graphviz_available() else " (Graphviz not found: drawn by kg's built-in SVG renderer)"
    click.echo(f"wrote {target}{how}", err=True)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path), metavar="[FILE]...")
@click.option("--format", "format_name", default=None, help="RDF format of the files (default: from each extension).")
@store_option
@_fail_cleanly
def validate(files, format_name, store):
    """Check a graph against kg's SHACL shapes (ontology/shapes.ttl).

    Validates each FILE, any RDF export of kg, or without FILE the store's
    merged graph. Prints one line per violation (node, property, message) and
    a summary; exits with status 0 when every graph conforms, 1 when one does not.

    \b
    Example:
      kg validate exports/graph.ttl exports/graph.jsonld
      kg validate --store .kg-store
    """
    from kg.validate import validate_file

    if files:
        reports = [(str(file), validate_file(file, format_name)) for file in files]
    else:
        from kg.graph import KnowledgeGraph

        with KnowledgeGraph.open(store, read_only=True) as graph:
            reports = [(str(store), graph.validate())]
    for name, report in reports:
        for violation in report.violations:
            click.echo(violation.line())
        click.echo(f"{name}: {report.summary()}")
    sys.exit(0 if all(report.conforms for _, report in reports) else 1)


@main.command()
@click.argument("arguments", nargs=-1, metavar="[SPARQL | ARG...]")
@click.option("--file", "query_file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("--name", "query_name", help="Run a named query shipped with kg (see --list); ARG... are its parameters.")
@click.option("--list", "list_queries", is_flag=True, help="List the named queries and exit.")
@click.option("--show", is_flag=True, help="With --name: print the query's SPARQL instead of running it.")
@click.option(
    "--format", "output", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True,
    help="How to print SELECT results (CONSTRUCT always prints Turtle).",
)
@store_option
@_fail_cleanly
def query(arguments, query_file, query_name, list_queries, show, output, store):
    """Run a SPARQL query, or a named query, over the stored graph.

    The prefixes kg, rdf, rdfs, owl, skos, xsd, dcterms and wd are declared.
    Named queries take their parameters as arguments, bound as literals.

    \b
    Example:
      kg query 'SELECT ?who ?whom WHERE { ?w kg:warns ?t . ?w rdfs:label ?who . ?t rdfs:label ?whom }'
      kg query --format csv --file relations.rq
      kg query --list
      kg query --name relations-of "Vladimir Putin"
    """
    from kg.graph import KnowledgeGraph
    from kg.named_queries import named_queries, named_query

    if list_queries:
        for item in named_queries().values():
            click.echo(f"{item.usage:<28} {item.description}")
        return
    bindings = None
    if query_name:
        if query_file:
            raise click.UsageError("give either --name or --file, not both")
        named = named_query(query_name)
        bindings = named.bindings(arguments)
        if show:
            click.echo(named.text, nl=False)
            return
        text = named.text
    elif len(arguments) > 1:
        raise click.UsageError("give the SPARQL query as one argument (quote it), or use --name NAME ARG...")
    else:
        text = query_file.read() if query_file else (arguments[0] if arguments else None)
    if not text:
        raise click.UsageError("give a SPARQL query as an argument or with --file, or a named query with --name")
    with KnowledgeGraph.open(store, read_only=True) as graph:  # open while printing: JSON is made from the store when asked for
        result = graph.query(text, bindings)
        if result.kind == "graph":
            sys.stdout.buffer.write(result.payload)
        elif result.kind == "ask":
            click.echo("true" if result.boolean else "false")
        elif output == "json":
            sys.stdout.buffer.write(result.payload + b"\n")
        elif output in {"csv", "tsv"}:
            import csv

            writer = csv.writer(sys.stdout, delimiter="," if output == "csv" else "\t", lineterminator="\n")
            writer.writerow(result.variables)
            writer.writerows([["" if v is None else v for v in row] for row in result.rows])
        else:
            _print_table(result)


def _print_table(result) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.variables, show_lines=False)
    for row in result.rows:
        table.add_row(*("" if v is None else v for v in row))
    Console(soft_wrap=False).print(table)
    click.echo(f"{len(result.rows)} rows", err=True)


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback by default: no authentication).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on (0: any free port).")
@click.option("--timeout", type=click.FloatRange(min=0.01), default=30.0, show_default=True, help="Seconds a query may run before it is cut off (503).")
@click.option("--max-results", type=click.IntRange(min=1), default=10_000, show_default=True, help="Rows or triples a response holds at most; more are cut off (header X-SPARQL-MaxRows).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="Query worker processes (queries answered at once).")
@click.option("--quiet", "-q", is_flag=True, help="Do not log requests.")
@_fail_cleanly
def serve(store, host, port, timeout, max_results, workers, quiet):
    """Serve the stored graph as a read-only SPARQL 1.1 endpoint.

    GET /sparql?query=..., or POST the query (application/sparql-query, or a
    form with query=...). Results come as SPARQL JSON, XML, CSV or TSV by the
    Accept header (JSON by default); CONSTRUCT and DESCRIBE as Turtle,
    N-Triples, RDF/XML or JSON-LD. SPARQL Update and Graph Store writes are
    refused. The kg prefixes are declared. Documents that kg build
    adds while it runs are served from the next query on.

    \b
    Example:
      kg serve --store .kg-store --port 8000
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s kg:leaderOf ?o }' http://127.0.0.1:8000/sparql
    """
    import signal

    from kg.serve import SparqlServer, is_loopback

    def log(message: str) -> None:
        if not quiet:
            click.echo(message, err=True)

    if not is_loopback(host):
        click.echo(f"kg: warning: kg serve has no authentication; anyone who can reach {host}:{port} can read the graph", err=True)
    server = SparqlServer(store, host=host, port=port, timeout=timeout, max_results=max_results, workers=workers, log=log)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    click.echo(f"kg serve: SPARQL endpoint at {server.url} (read-only, store {store}); Ctrl-C stops it", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    click.echo("kg serve: stopped", err=True)


@main.command()
@click.option("--endpoint", required=True, help="Graph Store HTTP Protocol URL of the target store, e.g. http://localhost:3030/ds/data.")
@click.option("--graph", "graph_iri", help="Write the merged graph to this named graph (default: the default graph).")
@click.option("--documents", is_flag=True, help="Also write each document's named graph, as in the local store.")
@click.option("--append", is_flag=True, help="POST (add to the target graphs) instead of PUT (replace them).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=120.0, show_default=True, help="Seconds to wait for each answer.")
@store_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when all went well.")
@_fail_cleanly
def push(endpoint, graph_iri, documents, append, timeout, store, quiet):
    """Load the stored graph into an external SPARQL store (Graph Store Protocol).

    Sends N-Triples to ENDPOINT?default or ENDPOINT?graph=IRI; PUT replaces
    the graph, so pushing again leaves the same graph. Credentials may be
    given in the URL (http://user:secret@host/...).

    \b
    Example:
      kg push --endpoint http://localhost:3030/ds/data              # Apache Jena Fuseki
      kg push --endpoint http://localhost:7878/store --documents    # oxigraph serve
    """
    from kg.graph import KnowledgeGraph
    from kg.push import push as push_graph

    with KnowledgeGraph.open(store, read_only=True) as graph:
        results = push_graph(graph, endpoint, graph_iri=graph_iri, documents=documents, replace=not append, timeout=timeout)
    if quiet:
        return
    merged, *per_document = results
    click.echo(f"{merged.method} {merged.triples} triples to {merged.url}: {merged.status} {merged.reason}")
    if per_document:
        triples = sum(r.triples for r in per_document)
        click.echo(f"{merged.method} {len(per_document)} document graphs ({triples} triples) to {merged.url.rpartition('?')[0]}?graph=...")


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@_fail_cleanly
def stats(store, as_json):
    """Count the stored graph's documents, entities and relations.

    \b
    Example:
      kg stats --store .kg-store
    """
    from kg.graph import KnowledgeGraph

    with KnowledgeGraph.open(store, read_only=True) as graph:
        counts = graph.stats()
    if as_json:
        click.echo(json.dumps(counts, ensure_ascii=False, indent=2))
    else:
        _print_stats(counts)


@main.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="One JSON object per merge or refusal (JSON Lines).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the log to this file (default: standard output).")
@_fail_cleanly
def merges(store, as_json, out):
    """Show how entities resolved across documents: every merge and refusal.

    A merge names the IRI absorbed and the canonical IRI it became, the rule
    (identifier, same-name, alias, surname, acronym), the key that matched
    and the documents on each side. A refusal names IRIs a rule matched that
    stay apart, and why: ambiguous (the name fits several entities),
    incompatible types, or conflicting identifiers.

    \b
    Example:
      kg merges --store .kg-store
      kg merges --json | grep '"kind": "refusal"'
      kg merges --out exports/merges.txt
    """
    from kg.graph import KnowledgeGraph
    from kg.merged import merge_log_text, write_merge_log

    with KnowledgeGraph.open(store, read_only=True) as graph:
        text = merge_log_text(graph.merge_log(), base=graph.base, json_lines=as_json)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_merge_log(text, out)


@main.command()
@click.argument("gold", type=click.Path(dir_okay=False, path_type=Path))
@model_option
@click.option("--by-type", is_flag=True, help="Also score each entity type and relation type, and the precision of each rule.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--map", "mapping_file", type=click.Path(dir_okay=False, path_type=Path), help='JSON {"relations": {...}, "types": {...}} renaming kg\'s names to the gold set\'s before scoring.')
@click.option("--min-f1", type=float, default=None, help="Exit with status 1 when relation F1 is below this.")
@click.option("--errors", "show_errors", is_flag=True, help="List the missed and spurious items.")
@_fail_cleanly
def evaluate(gold, model, by_type, as_json, mapping_file, min_f1, show_errors):
    """Score extraction against a gold file (shared/eval/FORMAT.md rules).

    Runs kg on the gold texts and prints precision, recall and F1 for
    entities, relations and untyped relations, and modality accuracy.

    \b
    Example:
      kg evaluate ../shared/eval/seed.gold.jsonl --by-type
      kg evaluate conll04_dev.gold.jsonl --map eval/conll04.map.json --min-f1 0.6
    """
    from kg.evaluate import evaluate as run_evaluation

    mapping = None
    if mapping_file is not None:
        try:
            mapping = json.loads(mapping_file.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise click.ClickException(f"{mapping_file}: not a readable JSON mapping ({error})") from None
    scores = run_evaluation(gold, model=model, mapping=mapping)
    result = scores.as_dict(by_type=by_type)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        _print_scores(result)
    if show_errors:
        for error in scores.errors:
            click.echo(json.dumps(error, ensure_ascii=False), err=True)
    if min_f1 is not None and scores.relations.f1 < min_f1:
        click.echo(f"relation F1 {scores.relations.f1:.3f} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


def _print_scores(result: dict) -> None:
    click.echo(f"{result['documents']} documents")
    click.echo(f"{'':<22}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>6}{'FN':>6}")
    rows = [("entities", result["entities"]), ("relations", result["relations"]), ("untyped relations", result["untyped_relations"]),
            (f"relations conf>={result['confident_relations']['threshold']}", result["confident_relations"])]
    rows += [(f"  {name}", counts) for name, counts in result.get("entity_types", {}).items()]
    rows += [(f"  {name}", counts) for name, counts in result.get("relation_types", {}).items()]
    for name, c in rows:
        click.echo(f"{name:<22}{c['precision']:>7.3f}{c['recall']:>7.3f}{c['f1']:>7.3f}{c['tp']:>6}{c['fp']:>6}{c['fn']:>6}")
    for name, c in result.get("rules", {}).items():  # a rule has a precision; recall belongs to all rules together
        click.echo(f"{'  rule ' + name:<30}{c['precision']:>7.3f}{'-':>7}{'-':>7}{c['tp']:>6}{c['fp']:>6}{'-':>6}")
    click.echo(f"modality accuracy {result['modality_accuracy']:.3f} over {result['modality_matched']} matched relations")


if __name__ == "__main__":
    main()
