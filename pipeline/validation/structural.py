"""Structural validation of lines with the pandera schema, for one document or a whole batch at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import pandera.polars as pa
import polars as pl

from schemas import BusinessDocument, Finding
from schemas.findings import error
from schemas.tables import LINE_CHECK_CODES, LINE_COLUMNS, DocumentLines

MESSAGES = {
    "BAD_LINE_NO": "the line number {value} is not a positive whole number.",
    "BAD_GTIN_FORMAT": "the GTIN {value!r} is not 8, 12, 13 or 14 digits.",
    "BAD_QUANTITY": "the quantity is missing or negative ({value}).",
    "NEGATIVE_PRICE": "the unit price {value} is negative.",
    "BAD_TAX_RATE": "the tax rate {value} is not a percentage between 0 and 100.",
    "LINE_NOT_IDENTIFIED": "the line has no GTIN, no item id and no description: nobody could tell what it is.",
}


def lines_frame(documents: Sequence[BusinessDocument]) -> pl.DataFrame:
    """All lines of ``documents`` as one polars frame (column ``document`` is the index in ``documents``)."""
    rows: dict[str, list] = {name: [] for name in LINE_COLUMNS}
    for d, document in enumerate(documents):
        for i, line in enumerate(document.lines):
            rows["document"].append(d)
            rows["line"].append(i)
            for name in LINE_COLUMNS:
                if name not in ("document", "line"):
                    rows[name].append(getattr(line, name))
    return pl.DataFrame(rows, schema=LINE_COLUMNS)


def check_lines(documents: Sequence[BusinessDocument]) -> dict[int, list[Finding]]:
    """Findings per document index, from one pandera pass over every line of the batch."""
    found: dict[int, list[Finding]] = defaultdict(list)
    frame = lines_frame(documents)
    if frame.is_empty():
        return found
    try:
        DocumentLines.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as failures:
        for case in failures.failure_cases.to_dicts():
            key = case["column"] if case["schema_context"] == "Column" else case["check"]
            code = LINE_CHECK_CODES.get(key)
            if code is None or case["index"] is None:
                continue  # a dtype failure is our bug, caught by the tests, not the sender's
            row = frame.row(case["index"], named=True)
            column = key if key in LINE_COLUMNS else None
            found[row["document"]].append(
                error(
                    code,
                    f"Line {row['line_no'] or row['line'] + 1}: " + MESSAGES[code].format(value=case["failure_case"]),
                    field=f"lines[{row['line']}]" + (f".{column}" if column else ""),
                )
            )
    return found
