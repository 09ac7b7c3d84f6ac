"""Our rule components on top of the French model: identifiers, dates, references, quantities, cues.

Each component labels spans in its own ``doc.spans`` group (``adv_codes``, ``adv_dates``, ``adv_refs``,
``adv_quantities``, ``adv_cues``) and leaves alone tokens an earlier one claimed, so a phone number is never
read as a quantity, nor an order number as a product code. ``span._.adv`` holds what the rule read (a
``Quantity``, a ``DateExpression``, a reference kind). Modules that assemble an order read only these groups.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extractors.text.vocabulary import fold

ORDER = ("adv_codes", "adv_dates", "adv_references", "adv_quantities", "adv_cues")

if not Token.has_extension("fold"):
    Token.set_extension("fold", getter=lambda token: fold(token.text))
    Token.set_extension("fold_lemma", getter=lambda token: fold(token.lemma_))
if not Span.has_extension("adv"):
    Span.set_extension("adv", default=None)


def claimed(doc: Doc, *groups: str) -> set[int]:
    """Token indices already labelled by the given span groups."""
    return {i for group in groups if group in doc.spans for span in doc.spans[group] for i in range(span.start, span.end)}


def spans(doc: Doc, group: str, labels: Iterable[str] | None = None) -> list[Span]:
    wanted = set(labels) if labels is not None else None
    found = doc.spans[group] if group in doc.spans else []
    return [s for s in found if wanted is None or s.label_ in wanted]


def add_components(nlp: Language) -> None:
    """Register (by import) and add our components after the model's lemmatizer, in dependency order."""
    from extractors.text import codes, cues, dates, quantities, references  # noqa: F401 - registers factories

    for name in ORDER:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, last=True)
