"""Bad input gets a one-line error or warning naming the file, the right exit code,
no traceback, and the other inputs of the run are still processed.

Every case runs through ``kg build`` and ``kg extract`` (CliRunner), the Python
API (``kg.build``, ``kg.extract``), and all of them together through a real
``python -m kg.cli`` process.
"""

from __future__ import annotations

import json
import os
import random
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from robust_helpers import png_bytes, run_cli, run_kg, write_good

import kg
from kg.errors import InputError, InputWarning

LATIN1_TEXT = (
    "Macron and Scholz meet in Zürich\n\n"
    "French President Emmanuel Macron met German Chancellor Olaf Scholz in Zürich on Monday. "
    "The café near the Président's hotel was closed."
)
BROKEN_UTF8 = "Putin – Xi “summit” in Moscow\n\nRussian President Vladimir Putin met Chinese President Xi Jinping in Moscow.".encode()


def _noise() -> bytes:
    """Bytes that are invalid UTF-8 and that no other encoding reads as text."""
    rng = random.Random(1)
    return bytes(rng.randrange(0x80, 0x100) for _ in range(2000))


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


def _missing(folder: Path) -> Path:
    return folder / "missing-article.txt"


def _directory_named_txt(folder: Path) -> Path:
    path = folder / "not-a-file.txt"
    path.mkdir()
    return path


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)  # reading it would block forever: kg must refuse it
    return path


def _unreadable(folder: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("root reads a chmod 000 file; the FIFO and directory cases cover unreadable inputs")
    path = folder / "secret.txt"
    path.write_text("Secret\n\nNothing to see.", encoding="utf-8")
    path.chmod(0)
    return path


@dataclass(frozen=True)
class BadInput:
    id: str
    make: Callable[[Path], Path]
    outcome: str  # "error": the input is skipped (exit 1) | "warning": it is read with a caveat (exit 0)
    message: str  # what the one line about it says


CASES = [
    BadInput("empty", _bytes("empty.txt", b""), "error", "is empty"),
    BadInput("whitespace", _bytes("blank.txt", b"  \n\t\r\n   \n"), "error", "is empty"),
    BadInput("png", _bytes("photo.png", png_bytes()), "error", "binary file (PNG image)"),
    BadInput("png-named-txt", _bytes("photo.txt", png_bytes()), "error", "binary file (PNG image)"),
    BadInput("bytes-in-no-encoding", _bytes("noise.txt", _noise()), "error", "not text in UTF-8 or any other known encoding"),
    BadInput("broken-utf8", _bytes("broken.txt", BROKEN_UTF8 + b"\xff\xfe\n"), "warning", "not valid UTF-8 (2 bad bytes"),
    BadInput("latin1", _bytes("latin1.txt", LATIN1_TEXT.encode("latin-1")), "warning", "not UTF-8; read as Windows-1252"),
    BadInput("empty-jsonl", _bytes("empty.jsonl", b"\n\n"), "error", "is empty"),
    BadInput("missing", _missing, "error", "no such file or directory"),
    BadInput("directory-named-txt", _directory_named_txt, "error", "a folder with no article files"),
    BadInput("fifo", _fifo, "error", "not a regular file (a named pipe)"),
    BadInput("chmod-000", _unreadable, "error", "permission denied"),
]


@pytest.fixture(params=CASES, ids=lambda case: case.id)
def case(request, tmp_path):
    bad = request.param.make(tmp_path)
    return request.param, bad, write_good(tmp_path)


def lines_naming(stderr: str, path: Path) -> list[str]:
    return [line for line in stderr.splitlines() if str(path) in line]


def assert_one_line_about(stderr: str, bad: Path, case: BadInput) -> None:
    assert "Traceback" not in stderr
    [line] = lines_naming(stderr, bad)
    assert line.startswith(f"kg: {case.outcome}: {bad}"), line
    assert case.message in line, line


@pytest.mark.timeout(120)
def test_build_reports_the_bad_input_and_stores_the_good_one(case, tmp_path):
    case, bad, good = case
    store = tmp_path / "store"
    result = run_cli("build", bad, good, "--store", store)
    assert result.exit_code == (1 if case.outcome == "error" else 0), result.output
    assert_one_line_about(result.stderr, bad, case)
    read = 1 if case.outcome == "error" else 2
    assert f"{read} documents read: {read} added" in result.stdout
    documents = json.loads(run_cli("stats", "--json", "--store", store).stdout)["documents"]
    assert documents == read


@pytest.mark.timeout(120)
def test_extract_reports_the_bad_input_and_extracts_the_good_one(case):
    case, bad, good = case
    result = run_cli("extract", "--jsonl", bad, good)
    assert result.exit_code == (1 if case.outcome == "error" else 0), result.output
    assert_one_line_about(result.stderr, bad, case)
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == (["good"] if case.outcome == "error" else [bad.stem, "good"])


@pytest.mark.timeout(120)
def test_api_passes_the_problem_to_on_error_and_builds_the_rest(case):
    case, bad, good = case
    problems: list[InputError] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        graph = kg.build([bad, good], on_error=problems.append)
    notes = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    if case.outcome == "error":
        [problem] = problems
        assert str(problem).startswith(f"{bad}: ") and case.message in str(problem)
        assert notes == []
        assert graph.has_document("good") and not graph.has_document(bad.stem)
    else:
        assert problems == []
        [note] = notes
        assert note.startswith(f"{bad}: ") and case.message in note
        assert graph.has_document("good") and graph.has_document(bad.stem)


@pytest.mark.timeout(120)
def test_api_without_on_error_raises_input_error_or_warns(case):
    case, bad, _ = case
    if case.outcome == "error":
        with pytest.raises(InputError, match=case.message.replace("(", r"\(").replace(")", r"\)")):
            list(kg.extract([bad]))
    else:
        with pytest.warns(InputWarning, match=r"not (valid )?UTF-8"):
            [extraction] = list(kg.extract([bad]))
        assert extraction.document.id == bad.stem


def test_latin1_text_is_decoded_not_mangled(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(LATIN1_TEXT.encode("latin-1"))
    with pytest.warns(InputWarning, match="latin1.txt: not UTF-8; read as Windows-1252"):
        [extraction] = list(kg.extract([path]))
    assert extraction.document.text == LATIN1_TEXT
    names = {e.name for e in extraction.entities}
    assert {"Emmanuel Macron", "Olaf Scholz"} <= names


def test_broken_utf8_keeps_the_good_characters(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes(BROKEN_UTF8 + b"\xff\n")
    with pytest.warns(InputWarning, match=r"broken.txt: not valid UTF-8 \(1 bad byte, the first at byte \d+\)"):
        [extraction] = list(kg.extract([path]))
    assert extraction.document.text == BROKEN_UTF8.decode() + "\ufffd\n"


# ------------------------------------------------------------------ JSON Lines


def test_malformed_json_lines_are_reported_by_line_and_the_others_processed(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join([
            json.dumps({"id": "first", "text": "Russian President Vladimir Putin met Chinese President Xi Jinping."}),
            '{"id": "broken", "text": "no closing brace"',
            json.dumps(["not", "an", "object"]),
            json.dumps({"id": "no-text", "title": "Missing text"}),
            json.dumps({"id": "blank-text", "text": "   "}),
            json.dumps({"id": "last", "text": "The Vienna-based OSCE warned Russia on Tuesday."}),
        ]) + "\n",
        encoding="utf-8",
    )
    result = run_cli("extract", "--jsonl", feed)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"kg: error: {feed}:2: not valid JSON (Expecting ',' delimiter)",
        f'kg: error: {feed}:3: a record needs a "text" string',
        f'kg: error: {feed}:4: a record needs a "text" string',
        f'kg: error: {feed}:5: the record\'s "text" is empty',
    ]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["first", "last"]


def test_json_lines_with_a_byte_order_mark_and_crlf_line_ends(tmp_path):
    feed = tmp_path / "windows.jsonl"
    records = [json.dumps({"id": f"r{n}", "text": "The Vienna-based OSCE warned Russia."}) for n in range(3)]
    feed.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(records).encode() + b"\r\n")
    assert [e.document.id for e in kg.extract([feed])] == ["r0", "r1", "r2"]
    result = run_cli("extract", "--jsonl", "-", input=feed.read_bytes())
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3


# ------------------------------------------------------------------ options


@pytest.mark.parametrize("args, fragment", [
    (("build", "{good}", "--format", "jpeg", "--out", "{tmp}/out", "--store", "{tmp}/store"), "unknown format 'jpeg'"),
    (("export", "--format", "docx", "--store", "{tmp}/store"), "unknown format 'docx'"),
    (("build", "{good}", "--model", "en_core_web_nonexistent", "--store", "{tmp}/store"), "'en_core_web_nonexistent' is not installed"),
    (("extract", "{good}", "--model", "no.such.package"), "'no.such.package' is not installed"),
    (("extract", "{good}", "--model", "click"), "'click' is not a spaCy pipeline"),
])
def test_unknown_format_or_model_is_a_usage_error(args, fragment, tmp_path):
    good = write_good(tmp_path)
    result = run_cli(*[a.format(good=good, tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: ") and fragment in line


def test_an_unknown_option_is_clicks_usage_error(tmp_path):
    result = run_cli("build", write_good(tmp_path), "--no-such-option")
    assert result.exit_code == 2
    assert "No such option '--no-such-option'" in result.stderr


# ------------------------------------------------------------------ all at once, real processes


@pytest.fixture
def every_bad_input(tmp_path) -> tuple[list[Path], Path]:
    folder = tmp_path / "inputs"
    folder.mkdir()
    bad = []
    for case in CASES:
        if case.id == "chmod-000" and os.geteuid() == 0:
            continue
        bad.append(case.make(folder))
    return bad, write_good(folder)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["extract", "build"])
def test_a_real_process_reports_every_bad_input_once_and_processes_the_rest(command, every_bad_input, tmp_path):
    bad, good = every_bad_input
    args = ["extract", "--jsonl"] if command == "extract" else ["build", "--store", tmp_path / "store"]
    result = run_kg(*args, *bad, good)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    for path in bad:
        assert len(lines_naming(stderr, path)) == 1, (path, stderr)
    if command == "extract":
        ids = [json.loads(line)["id"] for line in result.stdout.decode().splitlines()]
        assert "good" in ids and "latin1" in ids and "broken" in ids
    else:
        assert b"documents read: 3 added" in result.stdout


@pytest.mark.slow
def test_a_real_process_exits_0_when_everything_was_read(tmp_path):
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(LATIN1_TEXT.encode("latin-1"))
    result = run_kg("extract", "--jsonl", latin1, write_good(tmp_path))
    assert result.returncode == 0
    assert result.stderr.decode().splitlines() == [f"kg: warning: {latin1}: not UTF-8; read as Windows-1252"]


@pytest.mark.slow
def test_a_real_process_reads_standard_input(tmp_path):
    result = run_kg("extract", "--jsonl", "-", input=png_bytes())
    assert result.returncode == 1
    assert result.stderr.decode().splitlines() == ["kg: error: <stdin>: looks like a binary file (PNG image), not text"]
    result = run_kg("extract", "--jsonl", "-", input=b"")
    assert result.returncode == 1 and result.stderr.decode().strip() == "kg: error: <stdin>: is empty"
