"""The benchmark script runs end to end (on tiny sizes) and reports every key; nothing here is timed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"build_vs_spacy", "workers2_speedup", "turtle_vs_rdflib", "sparql_1hop_p50_ms", "sparql_agg_vs_rdflib", "rss_ratio"}


@pytest.mark.slow
def test_bench_run_prints_a_table_and_every_key_as_json_on_the_last_line():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--tiny", "--json"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    results = json.loads(lines[-1])
    assert KEYS <= set(results)
    assert all(isinstance(results[key], float) and results[key] > 0 for key in KEYS)
    assert results["sizes"]["name"] == "tiny"
    table = "\n".join(lines[:-1])
    for key in KEYS:
        assert key in table
