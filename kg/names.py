"""Name normalisation and slugs, shared by resolution, RDF and evaluation."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Articles written joined to an Arabic surname: "al-Burhan" is called "Burhan" as well.
SURNAME_PARTICLES = frozenset({"al", "el", "ad", "ar", "as", "ash", "at", "az", "an"})


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


def without_particle(word: str) -> str:
    """A surname without the article joined to it ("Burhan" of "al-Burhan", "Sisi" of
    "el-Sisi"); any other word as it is."""
    head, dash, rest = word.partition("-")
    return rest if dash and rest and head.lower() in SURNAME_PARTICLES else word


def name_words(name: str) -> frozenset[str]:
    """The words a person of this name can be called by alone: each word of it, and the
    surname without its article ("Abdel Fattah al-Burhan" is "Burhan" as well)."""
    return frozenset(form for word in name.split() for form in (word, without_particle(word)))
