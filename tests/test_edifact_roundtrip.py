"""Property tests of the segment reader: pydifact writes, we read back; chunking never matters; junk never raises."""

from __future__ import annotations

import signal
import string
import warnings
from contextlib import contextmanager

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydifact.control import Characters
from pydifact.segments import Segment as PydifactSegment
from pydifact.serializer import Serializer

from parsers.edifact import EdifactParser
from parsers.edifact_syntax import (
    NEWLINE_DELIMITERS,
    Delimiters,
    Segment,
    SegmentReader,
    ServiceStringAdvice,
    read_segments,
)

# Service characters a sender may pick in UNA: no upper-case letter (tags) and no white space
# (skipped between segments). A few non-ASCII ones, since UNA allows any character of the set.
DELIMITER_POOL = "'+:?*|~^!#$%&@;=<>/\\_-.,()[]{}§¤µ"
# Text values: anything but line breaks, which our reader takes as wrapped lines and removes;
# the service characters and accents are drawn often so that escaping is exercised every run.
VALUE_CHARS = st.one_of(
    st.sampled_from(DELIMITER_POOL + "éÉèçàôœÿ ?"),
    st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)),
)
VALUES = st.text(VALUE_CHARS, max_size=10)
# UNA and UNZ are the envelope's: a UNA declares delimiters, and after a UNZ the next interchange starts over
# with its own (or the defaults), so a stream with a UNZ in the middle is not one set of delimiters.
TAGS = st.text(string.ascii_uppercase, min_size=3, max_size=3).filter(lambda tag: tag not in {"UNA", "UNZ"})
ELEMENTS = st.lists(st.lists(VALUES, min_size=1, max_size=4), max_size=5)
SEGMENTS = st.lists(st.tuples(TAGS, ELEMENTS), min_size=1, max_size=8)


@st.composite
def delimiters(draw) -> Delimiters:
    """Four distinct service characters, as a UNA would declare them."""
    component, element, release, terminator = draw(
        st.lists(st.sampled_from(DELIMITER_POOL), min_size=4, max_size=4, unique=True)
    )
    decimal = draw(st.sampled_from(".,"))
    return Delimiters(component, element, decimal, release, " ", terminator)


def serialise(segments, d: Delimiters, una: bool, break_lines: bool) -> str:
    characters = Characters(d.component, d.element, d.decimal, d.release, d.reserved, d.terminator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydifact warns about segments without elements
        objects = [PydifactSegment(tag, *elements) for tag, elements in segments]
    return Serializer(characters).serialize(objects, with_una_header=una, break_lines=break_lines)


def expected(segments) -> list[tuple[str, tuple[tuple[str, ...], ...]]]:
    """What reading back must give: pydifact's serialiser drops trailing empty components ("a:" -> "a")."""

    def components(values: list[str]) -> tuple[str, ...]:
        values = list(values)
        while len(values) > 1 and values[-1] == "":
            values.pop()
        return tuple(values)

    return [(tag, tuple(components(element) for element in elements)) for tag, elements in segments]


@contextmanager
def at_most(seconds: float):
    """Turn a hang into a failure that hypothesis can shrink (the reader once looped for ever on junk)."""

    def give_up(signum, frame):
        raise TimeoutError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def read(chunks, delimiters: Delimiters | None = None) -> list:
    with at_most(5):
        return list(SegmentReader(delimiters).read(chunks))


def read_back(tokens) -> list[tuple[str, tuple[tuple[str, ...], ...]]]:
    segments = [token for token in tokens if isinstance(token, Segment)]
    assert all(segment.terminated for segment in segments)
    return [(segment.tag, segment.elements) for segment in segments]


def split_at(text: str, cuts) -> list[str]:
    bounds = [0, *sorted(set(cuts)), len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:])]


# -- pydifact writes, we read ----------------------------------------------------------------


@settings(deadline=None)  # a loaded CI machine is not a failure
@given(SEGMENTS, st.booleans(), st.booleans())
def test_default_delimiters_round_trip(segments, una, break_lines):
    text = serialise(segments, Delimiters(), una, break_lines)
    with at_most(5):
        tokens = read_segments(text)
    assert read_back(tokens) == expected(segments)
    assert isinstance(tokens[0], ServiceStringAdvice) == una


@settings(deadline=None)  # a loaded CI machine is not a failure
@given(SEGMENTS, delimiters(), st.booleans())
def test_delimiters_declared_in_una_round_trip(segments, d, break_lines):
    text = serialise(segments, d, una=True, break_lines=break_lines)
    with at_most(5):
        tokens = read_segments(text)
    assert tokens[0] == ServiceStringAdvice(d, 1, 0)
    assert read_back(tokens) == expected(segments)


@settings(deadline=None)  # a loaded CI machine is not a failure
@given(SEGMENTS, delimiters(), st.booleans())
def test_delimiters_given_by_the_caller_round_trip(segments, d, break_lines):
    text = serialise(segments, d, una=False, break_lines=break_lines)
    with at_most(5):
        assert read_back(read_segments(text, d)) == expected(segments)


def test_private_use_characters_are_data_not_placeholders():
    # the reader once swapped escaped service characters for U+E000..U+E003 and back
    text = "ABC+a?'\ue001b+\ue000?:\ue002\ue003'"
    assert read_back(read_segments(text)) == [("ABC", (("a'\ue001b",), ("\ue000:\ue002\ue003",)))]


# -- chunk boundaries --------------------------------------------------------------------------

TRICKY = [
    # escapes just before and after every cut, a release at the end of a value, an escaped release
    "UNA:+.? '\nUNB+UNOC:3+S:14+R:14+251120:1010+1'\nNAD+BY+1::9++L?'Épicerie?+Cie+a??'\nFTX+AAI+++x?:y??+z?''"
    "\nUNZ+1+1'\n",
    # a second interchange declares other delimiters, whose first one is the old terminator
    "UNA:+.? 'UNB+UNOC:3+S+R+1+1'UNZ+0+1'UNA'+.? !UNB+UNOC'3+S+R+1+2!FTX+a?!b'c!UNZ+0+2!",
    # the new UNA starts with the old release character, then the old terminator
    "UNA:+.? 'ABC+1'UNA?'.! *DEF'1'x!'y*GHI'2*",
    # segments ended by line breaks (no apostrophe): guessed from the first line
    "UNB+UNOC:3+S:14+R:14+251120:1010+1\nUNH+1+ORDERS:D:96A:UN\nBGM+220+PO1\nUNT+3+1\nUNZ+1+1\n",
    # a truncated UNA at the very end, after an escaped terminator (once looped for ever)
    "ABC+1'UNA?'",
    # wrapped lines inside segments, CR LF, no final terminator
    "UNB+UNOC:3+S:14+R:14+25\r\n1120:1010+1'\r\nUNH+1+ORD\nERS'\r\nUNT+2+1'UNZ+1+1",
]


@pytest.mark.parametrize("text", TRICKY)
def test_every_cut_gives_the_same_segments(text):
    whole = read([text])
    assert read(list(text)) == whole  # one character per chunk
    for cut in range(len(text) + 1):
        assert read([text[:cut], text[cut:]]) == whole, f"cut at {cut}"


def test_newline_terminated_files_are_recognised_from_a_short_first_chunk():
    text = TRICKY[3]
    reader = SegmentReader()
    tokens = list(reader.read(["", "UN", text[2:]]))
    assert reader.delimiters == NEWLINE_DELIMITERS
    assert [t.tag for t in tokens] == ["UNB", "UNH", "BGM", "UNT", "UNZ"]


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), SEGMENTS, delimiters(), st.booleans(), st.booleans())
def test_any_cuts_give_the_same_segments(data, segments, d, una, break_lines):
    text = serialise(segments, d, una, break_lines)
    given_delimiters = None if una else d
    whole = read([text], given_delimiters)
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert read(split_at(text, cuts), given_delimiters) == whole


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.lists(st.tuples(SEGMENTS, delimiters()), min_size=2, max_size=3), st.booleans())
def test_several_unas_across_cuts(data, interchanges, break_lines):
    text = "".join(serialise(segments, d, una=True, break_lines=break_lines) for segments, d in interchanges)
    whole = read([text])
    assert [t.delimiters for t in whole if isinstance(t, ServiceStringAdvice)] == [d for _, d in interchanges]
    assert read_back(whole) == [s for segments, _ in interchanges for s in expected(segments)]
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert read(split_at(text, cuts)) == whole


# Broken text from a small alphabet: truncated and repeated UNAs, dangling releases, stray line breaks.
BROKEN_TEXT = st.lists(st.sampled_from(["UNA", ":+.? '", "UNB+", "'", "+", ":", "?", "?'", "\n", "\r\n", " ", "A",
                                        "1", "!"]), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(BROKEN_TEXT, st.lists(st.integers(0, 120), max_size=8))
@example("ABC+1'UNA?'", [])
def test_broken_text_reads_the_same_whatever_the_cuts(text, cuts):
    assert read(split_at(text, [min(cut, len(text)) for cut in cuts])) == read([text])


def test_many_interchanges_in_one_chunk():
    # each mid-chunk UNA used to restart the reader one generator deeper: RecursionError past ~1000
    text = "UNA:+.? 'UNB+UNOC:3+S+R+1+1'UNZ+0+1'" * 3000
    tokens = read_segments(text)
    assert sum(isinstance(t, ServiceStringAdvice) for t in tokens) == 3000
    assert len(tokens) == 9000
    EdifactParser().parse(text.encode())  # and the envelope layer copes with 3000 interchanges


# -- junk ---------------------------------------------------------------------------------------

# Junk shaped like EDIFACT, so that it reaches the envelope and mapping layers: real service and
# data tags, control counts and references, odd bytes (a superscript two, a BOM, a lone release).
_JUNK_TAGS = st.sampled_from([b"UNB", b"UNG", b"UNH", b"UNT", b"UNE", b"UNZ", b"BGM", b"DTM", b"NAD", b"LIN",
                              b"QTY", b"PRI", b"MOA", b"CNT", b"UNA", b"X"])
_JUNK_VALUES = st.one_of(
    st.sampled_from([b"", b"1", b"2", b"M1", b"UNOC", b"3", b"ORDERS", b"INVOIC", b"D", b"96A", b"UN", b"220",
                     b"\xb2", b"\xef\xbb\xbf", b"?", b"\xc3\xa9", b"20251120", b"102", b"4.50", b"-1"]),
    st.binary(max_size=6),
)
_JUNK_SEGMENTS = st.builds(
    lambda tag, elements, end: tag + b"".join(b"+" + element for element in elements) + end,
    _JUNK_TAGS,
    st.lists(st.lists(_JUNK_VALUES, min_size=1, max_size=3).map(b":".join), max_size=5),
    st.sampled_from([b"'", b"'\n", b"'\r\n", b"", b"?'"]),
)
EDIFACT_ISH = st.builds(
    lambda head, segments: head + b"".join(segments),
    st.sampled_from([b"", b"UNA:+.? '", b"UNA:+,? '\n", b"\xef\xbb\xbf"]),
    st.lists(_JUNK_SEGMENTS, max_size=25),
)


def parse_junk(data: bytes) -> None:
    EdifactParser().parse(data)


def test_a_superscript_digit_in_a_control_count_is_a_finding():
    result = EdifactParser().parse(b"UNB'UNZ+\xb2'")  # found by test_edifact_like_junk_never_raises
    assert "EDI_UNZ_COUNT" in {finding.code for finding in result.findings}


@settings(max_examples=200, deadline=None)
@given(st.binary())
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"UNA")
@example(b"UNA:+.? '" * 2)
@example(b"ABC+1'UNA?'")
def test_arbitrary_bytes_never_raise(data):
    parse_junk(data)


@settings(max_examples=150, deadline=None)
@given(EDIFACT_ISH)
def test_edifact_like_junk_never_raises(data):
    parse_junk(data)
