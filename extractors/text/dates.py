"""Date expressions, absolute and relative, and which one is the requested delivery date.

"3 décembre", "03/12", "Dec 3rd", "lundi prochain", "demain", "sous 48h", "sous 3 jours ouvrés", "semaine 50",
"S50", "fin de semaine prochaine", "by Friday", "within 2 working days". Relative dates are resolved against
the day the mail was sent, never the wall clock, so a replay gives the same date years later. "Semaine 50"
is the Monday of ISO week 50; a date written without a year is the next one from the sending day.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extractors.text.components import claimed
from extractors.text.vocabulary import MONTHS, WEEKDAYS

_NUMERIC = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DAY = re.compile(r"^(\d{1,2})(?:er|e|st|nd|rd|th)?$")
_DAY_MONTH_TOKEN = re.compile(r"^(\d{1,2})-([a-z]+)\.?$")
_HOURS = re.compile(r"^(\d{1,3})\s?(?:h|hrs?|heures?|hours?)$")
_WEEK_TOKEN = re.compile(r"^(?:s|w|kw|wk|sem)\.?(\d{1,2})$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_WITHIN = {"sous", "dans", "d'ici", "ici", "within", "in", "under", "en"}
_HOUR_WORDS = {"h", "heures", "heure", "hours", "hour", "hrs", "hr"}
_DAY_WORDS = {"jours", "jour", "j", "days", "day"}
_WEEK_WORDS = {"semaine", "semaines", "sem", "sem.", "week", "weeks", "wk", "kw"}
_BUSINESS = {"ouvres", "ouvrables", "ouvre", "working", "business"}
_NEXT = {"prochain", "prochaine", "next", "suivant", "suivante", "d'apres"}


@dataclass(frozen=True)
class DateExpression:
    """What a date phrase says, before it is placed on the calendar."""

    kind: str  # date | date_day | weekday | days | business_days | week | week_day | month_end
    day: int | None = None
    month: int | None = None
    year: int | None = None
    amount: int = 0  # days, or weeks after this one for week_day
    weekday: int | None = None  # 0 = Monday
    check_weekday: int | None = None  # "lundi 15 décembre": the weekday the writer had in mind

    def resolve(self, sent: date | None) -> date | None:
        """The calendar date, relative to the sending day; None when it needs one and there is none."""
        if self.kind == "date" and self.year is not None:
            return _safe_date(self.year, self.month, self.day)
        if sent is None:
            return None
        if self.kind == "date":
            found = _safe_date(sent.year, self.month, self.day)
            if found is not None and found < sent - timedelta(days=60):  # "3 janvier" written in December
                found = _safe_date(sent.year + 1, self.month, self.day)
            return found
        if self.kind == "weekday":
            ahead = (self.weekday - sent.weekday()) % 7 or 7
            return sent + timedelta(days=ahead + 7 * self.amount)
        if self.kind == "days":
            return sent + timedelta(days=self.amount)
        if self.kind == "business_days":
            day, left = sent, self.amount
            while left > 0:
                day += timedelta(days=1)
                left -= day.weekday() < 5
            return day
        if self.kind == "week":
            year = self.year or sent.year
            monday = _iso_monday(year, self.amount)
            if self.year is None and monday is not None and monday < sent - timedelta(days=60):
                monday = _iso_monday(year + 1, self.amount)
            return monday
        if self.kind == "week_day":  # Monday or Friday of this week (amount 0) or a later one
            monday = sent - timedelta(days=sent.weekday())
            return monday + timedelta(days=7 * self.amount + (self.weekday or 0))
        if self.kind == "date_day":  # "vendredi 5": the next Friday the 5th
            day = sent + timedelta(days=1)
            for _ in range(400):
                if day.day == self.day and day.weekday() == self.weekday:
                    return day
                day += timedelta(days=1)
            return None
        if self.kind == "month_end":
            return date(sent.year, sent.month, calendar.monthrange(sent.year, sent.month)[1])
        return None

    @property
    def relative(self) -> bool:
        return not (self.kind == "date" and self.year is not None)

    def inconsistent(self, sent: date | None) -> bool:
        """A weekday that does not fall on the date written next to it ("lundi 16 décembre" 2025: a Tuesday)."""
        resolved = self.resolve(sent)
        return self.check_weekday is not None and resolved is not None and resolved.weekday() != self.check_weekday


def _safe_date(year: int, month: int | None, day: int | None) -> date | None:
    try:
        return date(year, month or 0, day or 0)
    except ValueError:
        return None


def _iso_monday(year: int, week: int) -> date | None:
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        return None


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _month(token: Token) -> int | None:
    return MONTHS.get(token._.fold.rstrip("."))


def _read(doc: Doc, i: int) -> tuple[int, DateExpression] | None:
    """The date phrase starting at token ``i``: (end token, expression), or None."""
    token, text = doc[i], doc[i]._.fold
    following = [t._.fold for t in doc[i + 1:i + 5]]
    nxt = following[0] if following else ""
    if match := _ISO.match(text):
        return i + 1, DateExpression("date", int(match[3]), int(match[2]), int(match[1]))
    if (match := _NUMERIC.match(text)) and 1 <= int(match[2]) <= 12 and 1 <= int(match[1]) <= 31:
        year = _year(match[3]) if match[3] else None
        return i + 1, DateExpression("date", int(match[1]), int(match[2]), year)
    if (match := _DAY_MONTH_TOKEN.match(text)) and MONTHS.get(match[2]):
        return i + 1, DateExpression("date", int(match[1]), MONTHS[match[2]])
    if (match := _DAY.match(text)) and 1 <= int(match[1]) <= 31 and i + 1 < len(doc):
        end, month = i + 1, _month(doc[i + 1])
        if month is None and nxt == "of" and i + 2 < len(doc):
            end, month = i + 2, _month(doc[i + 2])
        if month is not None:
            return _with_year(doc, end + 1, DateExpression("date", int(match[1]), month))
    if (month := _month(token)) is not None and (text not in ("mars", "mai", "may") or token.text[:1].isupper()):
        j = i + 1 + (nxt == ".")  # "Dec. 3rd", "December 3, 2025"
        if j < len(doc) and (match := _DAY.match(doc[j]._.fold)) and 1 <= int(match[1]) <= 31:
            return _with_year(doc, j + 1, DateExpression("date", int(match[1]), month))
    if text in WEEKDAYS and (len(text) > 3 or token.text[:1].isupper()):
        return _weekday(doc, i, WEEKDAYS[text], following)
    if text in ("demain", "tomorrow"):
        return i + 1, DateExpression("days", amount=1)
    if text in ("apres-demain", "après-demain"):
        return i + 1, DateExpression("days", amount=2)
    if text in ("apres", "day") and following[:1] in (["demain"], ["after"]):
        if text == "apres":
            return i + 2, DateExpression("days", amount=2)
        if following[:2] == ["after", "tomorrow"]:
            return i + 3, DateExpression("days", amount=2)
    if text in _WITHIN:
        return _within(doc, i, following)
    if text in _WEEK_WORDS or (match := _WEEK_TOKEN.match(text)):
        return _week(doc, i, text, following, match)
    if text in ("fin", "end", "debut", "early", "start", "beginning"):
        return _edge(doc, i, text, following)
    return None


def _with_year(doc: Doc, j: int, found: DateExpression) -> tuple[int, DateExpression]:
    if j < len(doc) and doc[j].text == "," and j + 1 < len(doc) and _YEAR.match(doc[j + 1].text):
        j += 1
    if j < len(doc) and _YEAR.match(doc[j].text):
        return j + 1, DateExpression("date", found.day, found.month, int(doc[j].text))
    return j, found


def _weekday(doc: Doc, i: int, weekday: int, following: list[str]) -> tuple[int, DateExpression]:
    nested = _read(doc, i + 1) if following and _DAY.match(following[0]) else None
    if nested is not None and nested[1].kind == "date":  # "lundi 15 décembre"
        end, found = nested
        return end, DateExpression("date", found.day, found.month, found.year, check_weekday=weekday)
    if following and (match := _DAY.match(following[0])) and following[1:2] != ["h"] and 1 <= int(match[1]) <= 31:
        return i + 2, DateExpression("date_day", int(match[1]), weekday=weekday)  # "vendredi 5"
    if following[:2] == ["en", "huit"]:
        return i + 3, DateExpression("weekday", weekday=weekday, amount=1)
    if following[:1] and following[0] in _NEXT:
        return i + 2, DateExpression("weekday", weekday=weekday)
    return i + 1, DateExpression("weekday", weekday=weekday)


def _within(doc: Doc, i: int, following: list[str]) -> tuple[int, DateExpression] | None:
    j = 0
    if following[:1] and following[0] in ("les", "the", "un", "a"):
        j = 1
    if len(following) <= j:
        return None
    if match := _HOURS.match(following[j]):
        return i + 2 + j, DateExpression("days", amount=max(1, math.ceil(int(match[1]) / 24)))
    if not following[j].isdigit():
        return None
    amount = int(following[j])
    unit = following[j + 1] if len(following) > j + 1 else ""
    if unit in _HOUR_WORDS:
        return i + 3 + j, DateExpression("days", amount=max(1, math.ceil(amount / 24)))
    if unit in _DAY_WORDS:
        business = len(following) > j + 2 and following[j + 2] in _BUSINESS
        return i + 3 + j + business, DateExpression("business_days" if business else "days", amount=amount)
    if unit in ("working", "business") and following[j + 2:j + 3] == ["days"]:
        return i + 4 + j, DateExpression("business_days", amount=amount)
    return None


def _week(doc: Doc, i: int, text: str, following: list[str], match: re.Match | None
          ) -> tuple[int, DateExpression] | None:
    if match:
        return i + 1, DateExpression("week", amount=int(match[1]))
    j = 1 if following[:1] in (["n°"], ["no"], ["."], [":"]) else 0
    if len(following) > j and following[j].isdigit() and 1 <= int(following[j]) <= 53:
        end = i + 2 + j
        year = int(doc[end].text) if end < len(doc) and _YEAR.match(doc[end].text) else None
        return end + (year is not None), DateExpression("week", amount=int(following[j]), year=year)
    if following[:1] and following[0] in _NEXT:  # "semaine prochaine": its Monday
        return i + 2, DateExpression("week_day", amount=1, weekday=0)
    if i > 0 and doc[i - 1]._.fold == "next":
        return i + 1, DateExpression("week_day", amount=1, weekday=0)
    return None


_FILLERS = {"de", "du", "d'", "of", "the", "la", "le", "this", "cette", "ce"}


def _edge(doc: Doc, i: int, text: str, following: list[str]) -> tuple[int, DateExpression] | None:
    """"fin de semaine (prochaine)", "début de semaine prochaine", "end of next week", "fin du mois"."""
    words = [(k, w) for k, w in enumerate(following) if w not in _FILLERS]
    friday = text in ("fin", "end")
    later = 0
    if words and words[0][1] in _NEXT:  # "end of next week"
        later, words = 1, words[1:]
    if not words:
        return None
    k, word = words[0]
    if word in ("semaine", "week"):
        if len(words) > 1 and words[1][1] in _NEXT and words[1][0] == k + 1:
            later, k = 1, k + 1
        return i + k + 2, DateExpression("week_day", amount=later, weekday=4 if friday else 0)
    if friday and word in ("mois", "month") and not later:
        return i + k + 2, DateExpression("month_end")
    return None


@Language.factory("adv_dates")
class DateFinder:
    """Labels date phrases in ``doc.spans["adv_dates"]`` with their ``DateExpression`` in ``span._.adv``."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        taken = claimed(doc, "adv_codes")
        found: list[Span] = []
        i = 0
        while i < len(doc):
            if i in taken or doc[i].is_space:
                i += 1
                continue
            read = _read(doc, i)
            if read is None or any(k in taken for k in range(i, read[0])):
                i += 1
                continue
            end, expression = read
            span = Span(doc, i, min(end, len(doc)), label="DATE")
            span._.adv = expression
            found.append(span)
            i = end
        doc.spans["adv_dates"] = found
        return doc

