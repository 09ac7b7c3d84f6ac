"""The parsers we have, tried in order by sniffing the bytes. Adding a format is one line here."""

from __future__ import annotations

from parsers.base import Parser
from parsers.edifact import EdifactParser

PARSERS: list[Parser] = [
    EdifactParser(),
]


def parser_for(data: bytes) -> Parser | None:
    """The first parser whose ``sniff`` recognises the bytes, or None."""
    for parser in PARSERS:
        if parser.sniff(data):
            return parser
    return None
