"""Name normalisation and slugs, shared by resolution, RDF and evaluation."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize(name: str) -> str:
    """Normalise a name as ``shared/eval/FORMAT.md`` prescribes.

    NFKC, case-folded, a leading "the " dropped, punctuation and repeated
    spaces removed.
    """
    text = unicodedata.normalize("NFKC", name).casefold().strip()
    text = text.removeprefix("the ")
    text = _PUNCT.sub("", text)
    return _SPACES.sub(" ", text).strip()


def slug(name: str) -> str:
    """A stable, IRI-safe slug for any Unicode name.

    Latin letters lose their accents; other scripts keep their letters (the
    IRI layer percent-encodes them); a name with no letters or digits at all
    becomes a short hash so it still gets a unique, stable identifier.
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).replace("_", "-").strip("-")
    text = re.sub(r"-{2,}", "-", text)
    if not text:
        return "x-" + hashlib.sha1(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return text
