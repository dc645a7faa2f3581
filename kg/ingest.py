"""Read and clean news text: files, folders, JSON Lines and standard input.

Cleaning never edits the text: it records the character ranges that are
boilerplate (``Document.skip``), so every offset kg reports later points into
the original text.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from kg.errors import InputError
from kg.model import Document

DATA_DIR = Path(__file__).resolve().parent / "data"
TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
STDIN = "-"

ErrorHandler = Callable[[InputError], None]


@dataclass(frozen=True)
class BoilerplateRule:
    id: str
    pattern: re.Pattern[str]
    extent: str  # "line" | "line+paragraph"


@cache
def boilerplate_rules(path: Path = DATA_DIR / "boilerplate.json") -> tuple[BoilerplateRule, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        BoilerplateRule(rule["id"], re.compile(rule["pattern"]), rule["extent"])
        for rule in data["rules"]
    )


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding the newline."""
    spans, start = [], 0
    for match in re.finditer(r"\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def boilerplate_spans(text: str, rules: Iterable[BoilerplateRule] | None = None) -> tuple[tuple[int, int], ...]:
    """Character ranges of ``text`` that the boilerplate rules match."""
    rules = tuple(boilerplate_rules() if rules is None else rules)
    lines = _lines(text)
    spans: list[tuple[int, int]] = []
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        rule = next((r for r in rules if r.pattern.search(line)), None)
        if rule is None:
            continue
        spans.append((start, end))
        if rule.extent == "line+paragraph":
            spans.extend(_following_paragraph(text, lines, index))
    return _merge(spans)


def _following_paragraph(text: str, lines: list[tuple[int, int]], index: int) -> list[tuple[int, int]]:
    """The lines of the first paragraph after line ``index`` (blank lines skipped)."""
    found: list[tuple[int, int]] = []
    for start, end in lines[index + 1 :]:
        blank = not text[start:end].strip()
        if blank and found:
            break
        if not blank:
            found.append((start, end))
    return found


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def clean(document: Document) -> Document:
    """The document with its boilerplate ranges recorded."""
    return replace(document, skip=boilerplate_spans(document.text))


def masked_text(document: Document) -> str:
    """The text with boilerplate replaced by spaces: same length, same offsets."""
    chars = list(document.text)
    for start, end in document.skip:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


# ------------------------------------------------------------------ readers


def document_from_text(text: str, doc_id: str, *, source: str | None = None) -> Document:
    """A document from plain text whose first line is the headline."""
    text = text.lstrip("\ufeff")
    title = text.strip().splitlines()[0].strip() if text.strip() else None
    return clean(Document(id=doc_id, text=text, title=title, source=source))


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not valid UTF-8 text (byte {error.start})") from None


def _documents_from_jsonl(text: str, name: str, on_error: ErrorHandler) -> Iterator[Document]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            on_error(InputError(f"{name}:{number}: not valid JSON ({error.msg})"))
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            on_error(InputError(f'{name}:{number}: a record needs a "text" string'))
            continue
        doc_id = str(record.get("id") or f"{Path(name).stem}-{number}")
        yield clean(
            Document(
                id=doc_id,
                text=record["text"],
                title=_optional_str(record.get("title")),
                date=_optional_str(record.get("date")),
                url=_optional_str(record.get("url")),
                source=name,
            )
        )


def _optional_str(value: object) -> str | None:
    return str(value) if value is not None else None


def _raise(error: InputError) -> None:
    raise error


def _read_file(path: Path, on_error: ErrorHandler) -> Iterator[Document]:
    name = str(path)
    try:
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory") from None
    except OSError as error:
        raise InputError(f"{name}: cannot be read ({error.strerror})") from None
    text = _decode(data, name)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _documents_from_jsonl(text, name, on_error)
        return
    if not text.strip():
        raise InputError(f"{name}: is empty")
    yield document_from_text(text, path.stem, source=name)


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
    return [path]


def _read_stdin(on_error: ErrorHandler) -> Iterator[Document]:
    text = _decode(sys.stdin.buffer.read(), "<stdin>")
    if not text.strip():
        raise InputError("<stdin>: is empty")
    if text.lstrip().startswith("{"):
        yield from _documents_from_jsonl(text, "<stdin>", on_error)
    else:
        yield document_from_text(text, "stdin", source="<stdin>")


def read_documents(
    inputs: Iterable[str | Path | Document], *, on_error: ErrorHandler | None = None
) -> Iterator[Document]:
    """Stream the documents of every input, in a stable order.

    An input is a path (``.txt`` file, ``.jsonl`` file, or folder read
    recursively), ``"-"`` for standard input, or a ``Document``. A problem
    with one input is passed to ``on_error`` and reading goes on with the
    next; without ``on_error`` it is raised.
    """
    handle = on_error or _raise
    for item in inputs:
        if isinstance(item, Document):
            yield item if item.skip else clean(item)
            continue
        try:
            if str(item) == STDIN:
                yield from _read_stdin(handle)
                continue
            path = Path(item)
            if not path.exists():
                raise InputError(f"{path}: no such file or directory")
            for file in _files(path):
                try:
                    yield from _read_file(file, handle)
                except InputError as error:
                    handle(error)
        except InputError as error:
            handle(error)
