"""Read and clean news text: files, folders, JSON Lines and standard input.

Cleaning never edits the text: it records the character ranges that are
boilerplate (``Document.skip``), so every offset kg reports later points into
the original text.
"""

from __future__ import annotations

import json
import re
import stat
import sys
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from kg.errors import InputError, InputWarning
from kg.model import Document

DATA_DIR = Path(__file__).resolve().parent / "data"
TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
STDIN = "-"

# Leading bytes of file types that people drop into a folder of articles by mistake.
BINARY_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF87a": "GIF image",
    b"GIF89a": "GIF image",
    b"%PDF-": "PDF document",
    b"PK\x03\x04": "ZIP archive (or .docx/.xlsx)",
    b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "program",
}
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
# Text whose start matches this is an HTML page or fragment, whatever the file is called.
_HTML_START = re.compile(
    r"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|article|main|div|p|h1|meta|title)\b", re.IGNORECASE | re.DOTALL
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

ErrorHandler = Callable[[InputError], None]


@dataclass(frozen=True)
class BoilerplateRule:
    id: str
    pattern: re.Pattern[str]
    extent: str  # "line" | "line+paragraph" | "match"


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
    spans: list[tuple[int, int]] = [m.span() for r in rules if r.extent == "match" for m in r.pattern.finditer(text)]
    line_rules = [r for r in rules if r.extent != "match"]
    lines = _lines(text)
    for index, (start, end) in enumerate(lines):
        line = text[start:end]
        rule = next((r for r in line_rules if r.pattern.search(line)), None)
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
    parts, done = [], 0
    for start, end in sorted(document.skip):
        start = max(start, done)
        if end <= start:
            continue
        parts.append(document.text[done:start])
        parts.append(_NOT_NEWLINE.sub(" ", document.text[start:end]))
        done = end
    parts.append(document.text[done:])
    return "".join(parts)


_NOT_NEWLINE = re.compile(r"[^\n]")


# ------------------------------------------------------------------ readers


def document_from_text(text: str, doc_id: str, *, source: str | None = None) -> Document:
    """A document from plain text whose first line is the headline."""
    text = text.lstrip("\ufeff")
    title = text.strip().splitlines()[0].strip() if text.strip() else None
    return clean(Document(id=doc_id, text=text, title=title, source=source))


def _decode(data: bytes, name: str) -> str:
    """The text of a file: UTF-8, else (with a warning) the encoding that fits.

    Mostly-UTF-8 text with a few bad bytes keeps its UTF-8 and gets U+FFFD for
    the bad bytes; text in another encoding (Latin-1, Windows-1252, ...) is
    decoded with the encoding charset-normalizer finds; binary files are refused.
    """
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise InputError(f"{name}: looks like a binary file ({kind}), not text")
    for bom, encoding in UTF16_BOMS.items():
        if data.startswith(bom):
            warnings.warn(f"{name}: UTF-16 text; read as {encoding}", InputWarning, stacklevel=2)
            return data[len(bom):].decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = _decode_non_utf8(data, name, error)
    if _mostly_control_characters(text[:8192]):
        raise InputError(f"{name}: looks like a binary file (control characters), not text")
    return text


def _decode_non_utf8(data: bytes, name: str, error: UnicodeDecodeError) -> str:
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.count("\ufffd".encode("utf-8"))
    multibyte = sum(1 for c in replaced if ord(c) > 0x7F and c != "\ufffd")
    if multibyte > bad:  # UTF-8 text with a few broken bytes: keep the UTF-8
        warnings.warn(
            f"{name}: not valid UTF-8 ({bad} bad byte{'s' if bad != 1 else ''}, the first at byte {error.start}); "
            "replaced with U+FFFD",
            InputWarning,
            stacklevel=3,
        )
        return replaced
    from charset_normalizer import from_bytes

    candidates = list(from_bytes(data))
    if not candidates:
        raise InputError(f"{name}: not text in UTF-8 or any other known encoding (first bad byte at {error.start})")
    best = _western_if_as_good(candidates)
    encoding = next((WESTERN_ENCODINGS[e] for e in best.could_be_from_charset if e in WESTERN_ENCODINGS), best.encoding)
    warnings.warn(f"{name}: not UTF-8; read as {encoding}", InputWarning, stacklevel=3)
    return str(best)


# English news in a legacy encoding is nearly always Windows-1252 or Latin-1;
# on short texts charset-normalizer cannot tell them from Baltic or DOS code
# pages, so among equally plausible readings these win.
WESTERN_ENCODINGS = {"cp1252": "Windows-1252", "latin_1": "Latin-1", "iso8859_15": "Latin-9"}


def _western_if_as_good(candidates: list):
    best = candidates[0]
    western = [c for c in candidates if WESTERN_ENCODINGS.keys() & set(c.could_be_from_charset)]
    if western and western[0].chaos <= best.chaos + 0.01:
        return western[0]
    return best


def _mostly_control_characters(text: str) -> bool:
    control = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    return control > max(8, len(text) // 10)


def looks_like_html(text: str) -> bool:
    return _HTML_START.match(text[:4096]) is not None


def document_from_html(html: str, doc_id: str, *, source: str | None = None) -> Document:
    """A document from the main text of an HTML page (trafilatura), headline first.

    Navigation, asides, footers and scripts are left out; the headline comes
    from the page's <title>/<h1>, and the date and canonical URL from its
    metadata when it has them. Offsets point into the extracted text.
    """
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # it logs every page it finds thin
    name = source or doc_id
    if "<body" not in html[:65536].lower():
        html = f"<html><body>{html}</body></html>"  # a fragment: trafilatura wants a page
    page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    if page is None or not (page.text or "").strip():
        page = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, favor_recall=True)
    body = (page.text or "").strip() if page is not None else ""
    if not body:
        raise InputError(f"{name}: no article text found in the HTML page")
    title = (page.title or "").strip() or None
    text = body if title is None or body.startswith(title) else f"{title}\n\n{body}"
    return clean(
        Document(id=doc_id, text=text, title=title or text.splitlines()[0].strip(), date=page.date, url=page.url, source=source)
    )


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates (from JSON escapes such as \\ud800) replaced by U+FFFD.

    One code point for one: offsets do not move.
    """
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def _documents_from_jsonl(text: str, name: str, on_error: ErrorHandler) -> Iterator[Document]:
    if not text.strip():
        raise InputError(f"{name}: is empty")
    text = text.removeprefix("\ufeff")  # a byte order mark is no part of the first record
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
        if not record["text"].strip():
            on_error(InputError(f'{name}:{number}: the record\'s "text" is empty'))
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
        kind = path.stat().st_mode
        if stat.S_ISDIR(kind):
            raise InputError(f"{name}: is a directory")
        if not stat.S_ISREG(kind):  # a FIFO or a device would block or never end
            raise InputError(f"{name}: not a regular file ({_file_kind(kind)})")
        data = path.read_bytes()
    except PermissionError:
        raise InputError(f"{name}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory") from None
    except OSError as error:
        raise InputError(f"{name}: cannot be read ({error.strerror})") from None
    if not data.strip():
        raise InputError(f"{name}: is empty")
    text = _decode(data, name)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _documents_from_jsonl(text, name, on_error)
        return
    if not text.strip():
        raise InputError(f"{name}: is empty")
    if path.suffix.lower() in HTML_SUFFIXES or looks_like_html(text.lstrip("\ufeff")):
        yield document_from_html(text.lstrip("\ufeff"), path.stem, source=name)
        return
    yield document_from_text(text, path.stem, source=name)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            suffixes = ", ".join(sorted(TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES))
            raise InputError(f"{path}: a folder with no article files in it ({suffixes})")
        return files
    return [path]


def _read_stdin(on_error: ErrorHandler) -> Iterator[Document]:
    data = sys.stdin.buffer.read()
    if not data.strip():
        raise InputError("<stdin>: is empty")
    text = _decode(data, "<stdin>").removeprefix("\ufeff")
    if not text.strip():
        raise InputError("<stdin>: is empty")
    if text.lstrip().startswith("{"):
        yield from _documents_from_jsonl(text, "<stdin>", on_error)
    elif looks_like_html(text.lstrip("\ufeff")):
        yield document_from_html(text.lstrip("\ufeff"), "stdin", source="<stdin>")
    else:
        yield document_from_text(text, "stdin", source="<stdin>")


def _with_valid_unicode(document: Document) -> Document:
    fields = {"id": document.id, "text": document.text, "title": document.title, "date": document.date, "url": document.url}
    fixed = {key: valid_unicode(value) for key, value in fields.items() if value is not None and valid_unicode(value) != value}
    return replace(document, **fixed) if fixed else document


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
    for document in _documents(inputs, handle):
        yield _with_valid_unicode(document)


def _documents(inputs: Iterable[str | Path | Document], handle: ErrorHandler) -> Iterator[Document]:
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
