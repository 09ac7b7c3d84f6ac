"""Words on a page grouped into text lines, and the values found next to a label.

Works on any ``Layout`` (text PDF or OCR): nothing here assumes a text layer, only words with boxes.
A ``Found`` value remembers the words it was read from, so provenance (page, box, confidence) follows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from statistics import median
from typing import Any

from extractors.numbers import fold
from schemas.layout import Layout, Word
from schemas.provenance import Provenance

_NOT_ALNUM = re.compile(r"[^0-9a-z%#°]+")


def squash(text: str) -> str:
    """The comparable core of a word or phrase: folded, without spaces or punctuation ("N° :" -> "n°")."""
    return _NOT_ALNUM.sub("", fold(text)).replace("°", "o").replace("º", "o")


@dataclass(frozen=True)
class TextLine:
    """Words of one page that share a baseline, left to right."""

    page: int
    index: int  # position in reading order over the whole layout
    words: tuple[Word, ...]
    keys: tuple[str, ...]  # squash() of each word

    @property
    def top(self) -> float:
        return min(w.bbox[1] for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bbox[3] for w in self.words)

    @property
    def height(self) -> float:
        return median(w.bbox[3] - w.bbox[1] for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def text_of(self, start: int, end: int) -> str:
        return " ".join(w.text for w in self.words[start:end])


@dataclass(frozen=True)
class Found:
    """A value read from some words, with how sure the rule that read it is."""

    value: Any
    words: tuple[Word, ...]
    page: int
    rule_confidence: float

    @property
    def confidence(self) -> float:
        word_confidence = min((w.confidence for w in self.words), default=1.0)
        return round(self.rule_confidence * word_confidence, 3)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return union_box(self.words)

    def provenance(self, method: str) -> Provenance:
        return Provenance(method=method, confidence=self.confidence, page=self.page, bbox=self.bbox)


def union_box(words: Iterable[Word]) -> tuple[float, float, float, float]:
    boxes = [w.bbox for w in words]
    return (round(min(b[0] for b in boxes), 2), round(min(b[1] for b in boxes), 2),
            round(max(b[2] for b in boxes), 2), round(max(b[3] for b in boxes), 2))


_GLUED_LABEL = re.compile(r"^([^\W\d_][\w.\-/()° ]*?):(\S.*)$")


def _split_glued(word: Word) -> list[Word]:
    """``Customer:2`` or ``TVA:FR11…`` -> label word and value word (boxes split by character count)."""
    match = _GLUED_LABEL.match(word.text)
    if not match or match.group(2).startswith("/") or word.text.count(":") > 1:
        return [word]
    label, value = match.group(1) + ":", match.group(2)
    x0, top, x1, bottom = word.bbox
    cut = x0 + (x1 - x0) * len(label) / len(word.text)
    return [word.model_copy(update={"text": label, "bbox": (x0, top, round(cut, 2), bottom)}),
            word.model_copy(update={"text": value, "bbox": (round(cut, 2), top, x1, bottom)})]


def build_lines(layout: Layout) -> list[TextLine]:
    """Group each page's words into lines by vertical overlap, in reading order (top to bottom)."""
    lines: list[TextLine] = []
    for page in layout.pages:
        words = [part for word in page.words for part in _split_glued(word)]
        words.sort(key=lambda w: ((w.bbox[1] + w.bbox[3]) / 2, w.bbox[0]))
        rows: list[list[Word]] = []
        for word in words:
            centre = (word.bbox[1] + word.bbox[3]) / 2
            if rows:
                row = rows[-1]
                top = min(w.bbox[1] for w in row)
                bottom = max(w.bbox[3] for w in row)
                height = bottom - top
                if top - 0.1 * height <= centre <= bottom + 0.1 * height and centre - (top + bottom) / 2 < 0.4 * height:
                    row.append(word)
                    continue
            rows.append([word])
        for row in rows:
            row.sort(key=lambda w: w.bbox[0])
            lines.append(TextLine(page=page.number, index=len(lines), words=tuple(row),
                                  keys=tuple(squash(w.text) for w in row)))
    return lines


@dataclass(frozen=True)
class LabelHit:
    """A label phrase found on a line: words ``start``..``end`` (exclusive)."""

    name: str  # what the label announces (a field name, a party role, a document kind…)
    line: TextLine
    start: int
    end: int
    priority: int = 0  # lower is more specific

    @property
    def words(self) -> tuple[Word, ...]:
        return self.line.words[self.start:self.end]

    @property
    def x0(self) -> float:
        return self.words[0].bbox[0]

    @property
    def x1(self) -> float:
        return self.words[-1].bbox[2]


class PhraseIndex:
    """Phrases to look for, by name, each list in priority order; built once, searched on many lines.

    Words are compared squashed and may be split differently from the phrase ("USt-IdNr" matches
    "USt.-Id.-Nr."). Longest phrases win where two overlap (``date d'échéance`` beats ``date``).
    """

    def __init__(self, phrases: dict[str, Sequence[str]]) -> None:
        self.by_key: dict[str, list[tuple[str, int]]] = {}
        for name, variants in phrases.items():
            for priority, phrase in enumerate(variants):
                self.by_key.setdefault(squash(phrase), []).append((name, priority))
        self.longest = max((len(k) for k in self.by_key), default=0)

    def find(self, lines: Iterable[TextLine]) -> list[LabelHit]:
        hits: list[LabelHit] = []
        for line in lines:
            candidates = []
            for start in range(len(line.keys)):
                joined = ""
                for end in range(start + 1, min(len(line.keys), start + 6) + 1):
                    joined += line.keys[end - 1]
                    if len(joined) > self.longest:
                        break
                    for name, priority in self.by_key.get(joined, ()):
                        candidates.append((len(joined), start, end, name, priority))
            candidates.sort(key=lambda c: (-c[0], c[1], c[4]))
            taken: set[int] = set()
            for _, start, end, name, priority in candidates:
                span = set(range(start, end))
                if span & taken:
                    continue
                taken |= span
                hits.append(LabelHit(name, line, start, end, priority))
        hits.sort(key=lambda h: (h.line.index, h.start))
        return hits


def find_phrases(lines: Sequence[TextLine], phrases: dict[str, Sequence[str]]) -> list[LabelHit]:
    """Every non-overlapping occurrence of the phrases in ``lines`` (see ``PhraseIndex``)."""
    return PhraseIndex(phrases).find(lines)


Reader = Callable[[str], Any]


def read_words(words: Sequence[Word], reader: Reader, max_words: int = 3, max_gap: float | None = None):
    """The first value ``reader`` accepts from the start of ``words``, trying 1..max_words joined words.

    Longer joins win (``1 234,56`` over ``1``) as long as the words are close together (``max_gap`` in
    points, default a third of the word height): a thousands space is narrow, a column gap is not.
    """
    best = None
    for count in range(1, min(max_words, len(words)) + 1):
        if count > 1:
            previous, current = words[count - 2], words[count - 1]
            height = previous.bbox[3] - previous.bbox[1]
            gap = current.bbox[0] - previous.bbox[2]
            if gap > (max_gap if max_gap is not None else height * 0.6):
                break
        value = reader(" ".join(w.text for w in words[:count]))
        if value is not None:
            best = (value, tuple(words[:count]))
    return best


UNSURE_WORD = 0.6
FILLERS = {"", "no", "nr", "n°", "#", "nummer", "number", "du", "le", "am", "vom", "of", "on", "dated", "ist", "is",
           "jjmmaaaa", "ddmmyyyy", "ttmmjjjj"}


def value_right(hit: LabelHit, reader: Reader, max_words: int = 3, skip: int = 3, **kw) -> tuple | None:
    """The first value right of a label on its line, past at most ``skip`` filler words (``:``, ``N°``…).

    A word that is neither filler nor a value stops the search: "Date de facture associée : …" is not a
    "Date de facture" (unless the OCR engine itself doubts that word: "souhaitée" read as "sounhaitée").
    """
    words = hit.line.words[hit.end:]
    offset, skipped = 0, 0
    while offset < len(words) and skipped <= skip:
        found = read_words(words[offset:], reader, max_words, **kw)
        if found:
            return found
        if words[offset].text.startswith("("):  # "(380)", "(Selbst ausgestellte Rechnung)": an aside
            while offset < len(words) and not words[offset].text.endswith(")"):
                offset += 1
        elif squash(words[offset].text) not in FILLERS and words[offset].confidence >= UNSURE_WORD:
            return None  # a word an OCR engine is unsure of is likely a misread label word: read past it
        offset, skipped = offset + 1, skipped + 1
    return None


def values_right(line: TextLine, start: int, reader: Reader, max_words: int = 3) -> list[tuple]:
    """Every value on a line from word ``start`` on, left to right."""
    results, index = [], start
    while index < len(line.words):
        found = read_words(line.words[index:], reader, max_words)
        if found:
            results.append(found)
            index += len(found[1])
        else:
            index += 1
    return results


def starts_segment(line: TextLine, start: int) -> bool:
    """Whether word ``start`` begins its line or a new column (a gap wider than 1.5 word heights before it)."""
    if start == 0:
        return True
    previous, word = line.words[start - 1], line.words[start]
    return word.bbox[0] - previous.bbox[2] > 1.5 * (word.bbox[3] - word.bbox[1])


def lines_below(lines: Sequence[TextLine], line: TextLine, max_lines: int = 2) -> list[TextLine]:
    """The next lines on the same page, close below ``line`` (about two line heights each)."""
    result, previous = [], line
    for other in lines[line.index + 1:]:
        if other.page != line.page or len(result) >= max_lines:
            break
        if other.top - previous.bottom > 2.5 * max(previous.height, 4.0):
            break
        result.append(other)
        previous = other
    return result


def words_under(line: TextLine, x0: float, x1: float, slack: float = 4.0) -> tuple[Word, ...]:
    """Words of ``line`` that overlap the column ``x0``..``x1`` horizontally."""
    return tuple(w for w in line.words if w.bbox[2] >= x0 - slack and w.bbox[0] <= x1 + slack)


def value_below(lines: Sequence[TextLine], hit: LabelHit, reader: Reader, max_words: int = 3) -> tuple | None:
    """A value in the column under a label (label in a header row, value in the row beneath)."""
    for other in lines_below(lines, hit.line, 2):
        under = words_under(other, hit.x0, hit.x1)
        if under:
            found = read_words(under, reader, max_words)
            if found:
                return found
            return None
    return None
