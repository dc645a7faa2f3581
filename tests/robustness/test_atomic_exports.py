"""Every file kg writes is written atomically: a run killed while exporting leaves
the previous file as it was, and its temporary file is removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from robust_helpers import ROOT, kg_env, run_cli, write_good

import kg.formats
from kg.formats import format_names, formats, remove_stale_temporaries, write_atomically


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("atomic")
    result = run_cli("build", write_good(root), "--store", root / "store", "--quiet")
    assert result.exit_code == 0, result.output
    return root / "store"


@pytest.fixture
def atomic_writes(monkeypatch) -> list[Path]:
    """The paths written through write_atomically during the test."""
    written: list[Path] = []

    def recording(path, write):
        written.append(Path(path))
        write_atomically(path, write)

    monkeypatch.setattr(kg.formats, "write_atomically", recording)
    return written


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def test_build_out_writes_every_format_atomically(tmp_path, atomic_writes):
    out = tmp_path / "exports"
    every_format = [arg for name in format_names() for arg in ("--format", name)]
    result = run_cli("build", write_good(tmp_path), "--store", tmp_path / "store", "--out", out, "--quiet", *every_format)
    assert result.exit_code == 0, result.output
    assert files_under(out) and files_under(out) == set(atomic_writes)


@pytest.mark.parametrize("name", [f.name for f in formats()])
def test_export_out_writes_atomically(name, store, tmp_path, atomic_writes):
    out = kg.formats.export_format(name).target(tmp_path / "out")
    result = run_cli("export", "--format", name, "--out", out, "--store", store)
    assert result.exit_code == 0, result.output
    assert files_under(tmp_path / "out") == set(atomic_writes)


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"old")

    def failing(stream):
        stream.write(b"half of the new")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_atomically(target, failing)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_only_temporaries_of_dead_writers_are_removed(tmp_path):
    target = tmp_path / "graph.ttl"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".graph.ttl.{dead.stdout.strip()}.abc123.tmp"
    live = tmp_path / f".graph.ttl.{os.getpid()}.def456.tmp"
    other = tmp_path / f".graph.nt.{dead.stdout.strip()}.abc123.tmp"
    for path in (stale, live, other):
        path.write_bytes(b"partial")
    assert remove_stale_temporaries(target) == [stale]
    assert live.exists() and other.exists() and not stale.exists()


# A kg export whose writer writes half the file, says so, and waits to be killed.
SLOW_EXPORT = """
import sys, time
from dataclasses import replace
import kg.formats as formats
from kg.cli import main

command, name = sys.argv[1], sys.argv[2]
export = formats.export_format(name)

def half_then_wait(graph, stream):
    data = export.write(graph)  # the real writer, into memory
    stream.write(data[: len(data) // 2])
    stream.flush()
    print("halfway", flush=True)
    time.sleep(120)
    stream.write(data[len(data) // 2 :])

slow = replace(export, writer=half_then_wait)
for key, value in list(formats._REGISTRY.items()):
    if value is export:
        formats._REGISTRY[key] = slow
main(sys.argv[3:], prog_name="kg")
"""


@pytest.mark.slow
@pytest.mark.parametrize("command", ["export", "build"])
def test_a_run_killed_while_exporting_leaves_the_previous_file(command, tmp_path):
    out = tmp_path / "exports"
    target = out / "graph.ttl"
    good = write_good(tmp_path)
    assert run_cli("build", good, "--store", tmp_path / "store", "--out", out, "--format", "turtle", "--quiet").exit_code == 0
    previous = target.read_bytes()
    assert previous.strip().endswith(b".")  # a whole Turtle file

    if command == "export":
        args = ["export", "--format", "turtle", "--out", target, "--store", tmp_path / "store"]
    else:
        (tmp_path / "more.txt").write_text("Talks\n\nThe Vienna-based OSCE warned Russia on Tuesday.", encoding="utf-8")
        args = ["build", tmp_path / "more.txt", "--store", tmp_path / "store", "--out", out, "--format", "turtle", "--quiet"]
    process = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, command, "turtle", *map(str, args)],
                               stdout=subprocess.PIPE, env=kg_env(), cwd=ROOT)
    try:
        assert process.stdout.readline() == b"halfway\n"
        [temporary] = out.glob(".graph.ttl.*.tmp")
        assert temporary.stat().st_size > 0 and f".{process.pid}." in temporary.name
        assert target.read_bytes() == previous  # mid-write, the old file is untouched
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
    assert target.read_bytes() == previous  # killed mid-write, the old file is untouched
    assert temporary.exists()  # SIGKILL cannot be caught ...

    result = run_cli("export", "--format", "turtle", "--out", target, "--store", tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert not temporary.exists()  # ... so the next write of the file removes it
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl"]
    assert target.read_bytes().strip().endswith(b".")
