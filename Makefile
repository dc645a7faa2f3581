# Two entry points, each self-contained on a fresh machine (Python >= 3.11):
#   make exports   install kg, build the sample graph into exports/ in every format, validate it,
#                  log how entities resolved across documents (exports/merges.txt),
#                  and draw it (exports/graph.html, exports/graph.svg)
#   make test      install kg with its test extras and run the whole suite
#   make bench     run the benchmarks (BENCH_ARGS=--quick for the 3-minute version)
#   make loadtest  2,000 SPARQL queries from 8 clients against a real kg serve on 127.0.0.1 (LOADTEST_ARGS=--json ...)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SAMPLES := samples/articles samples/feed.jsonl
SAMPLE_STORE := build/sample-store
# Every export format: exports/graph.<ext>, and the Neo4j import files in exports/neo4j/.
EXPORT_FORMATS := turtle ntriples trig nquads rdfxml jsonld graphml gexf cytoscape neo4j
RDF_EXPORTS := exports/graph.ttl exports/graph.nt exports/graph.trig exports/graph.nq exports/graph.rdf exports/graph.jsonld

BENCH_ARGS ?=
LOADTEST_ARGS ?=

.PHONY: exports test bench loadtest install install-test clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kg needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

# Every export, validated; then the page and the picture (without Debian's graphviz,
# kg draws the SVG with its own renderer and says so).
exports: install
	$(BIN)/kg build $(SAMPLES) --store $(SAMPLE_STORE) --fresh --out exports $(addprefix --format ,$(EXPORT_FORMATS))
	$(BIN)/kg validate $(RDF_EXPORTS)
	$(BIN)/kg merges --store $(SAMPLE_STORE) --out exports/merges.txt
	$(BIN)/kg viz --store $(SAMPLE_STORE) --title "kg: the sample articles" --out exports/graph.html
	$(BIN)/kg viz --store $(SAMPLE_STORE) --format svg --out exports/graph.svg

test: install-test
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

loadtest: install
	$(BIN)/python bench/load_serve.py $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) build .kg-store .pytest_cache
