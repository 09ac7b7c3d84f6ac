"""``adv exceptions``: the queue of documents waiting for a person, and what people do to them."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pipeline import review
from pipeline.cli_common import EXIT_REVIEW, EXIT_USAGE, console, err, open_context
from pipeline.review_actions import ActionResult, ReviewError, approve, fix, reject, retry

exceptions_app = typer.Typer(help="The exception queue: documents waiting for a person.", no_args_is_help=True)


@exceptions_app.command("list")
def exceptions_list(
    code: Annotated[Optional[str], typer.Option(help="only documents with this finding code")] = None,
    channel: Annotated[Optional[str], typer.Option(help="only this channel (file, email, imap, …)")] = None,
    customer: Annotated[Optional[str], typer.Option(help="customer or sender name contains this")] = None,
    older_than: Annotated[Optional[float], typer.Option(help="waiting for more than this many hours")] = None,
    limit: Annotated[int, typer.Option(help="at most this many rows")] = 200,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Documents waiting for review, oldest first, with their error codes; then counts per code."""
    context = open_context()
    filters = review.QueueFilter(code=code, channel=channel, customer=customer, older_than_hours=older_than)
    with context.sessions() as session:
        items = review.queue(session, filters, limit=limit)
        total = review.queue_size(session, filters)
        counts = review.code_counts(session, filters)
    if as_json:
        console.print_json(json.dumps({"items": [i.as_json() for i in items], "total": total, "counts": counts}))
        return
    table = Table("id", "kind", "number", "customer", "channel", "age", "codes", "source",
                  title=f"{total} in review" + (f" (showing {len(items)})" if total > len(items) else ""))
    for item in items:
        table.add_row(str(item.id), item.kind or "file", item.number or "", item.customer or item.sender or "",
                      item.channel, f"{item.age_hours:.0f} h", ", ".join(item.codes),
                      f"{Path(item.source).name} {item.locator}")
    console.print(table)
    if counts:
        console.print("by code: " + ", ".join(f"{c} {n}" for c, n in counts.items()), highlight=False)


def _report(result: ActionResult, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps({"id": result.document_id, "state": result.state,
                                       "findings": list(result.findings), "message": result.message}))
    else:
        console.print(result.message, highlight=False)
        for finding in result.findings:
            console.print(f"  {finding['severity']} {finding['code']} [{finding['field'] or '-'}]: "
                          f"{finding['message']}", highlight=False)
    if result.state in ("needs_review", "rejected"):
        raise typer.Exit(EXIT_REVIEW)


def _act(action, *args, as_json: bool = False, **kwargs) -> None:
    context = open_context()
    try:
        result = action(context, *args, actor=context.settings.user, **kwargs)
    except ReviewError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(EXIT_USAGE) from None
    _report(result, as_json)


DocumentId = Annotated[int, typer.Argument(help="the document id from 'adv exceptions list'")]
Version = Annotated[Optional[int], typer.Option("--version", help="refuse if the document changed since this version")]
Json = Annotated[bool, typer.Option("--json")]


@exceptions_app.command("fix")
def exceptions_fix(
    document_id: DocumentId,
    field: Annotated[str, typer.Argument(help="field path, e.g. number, buyer.gln, lines[2].quantity")],
    value: Annotated[str, typer.Argument(help="the right value ('' clears the field)")],
    version: Version = None,
    as_json: Json = False,
) -> None:
    """Correct one field and re-validate at once; the document loads when nothing is left wrong."""
    _act(fix, document_id, field, value if value != "" else None, expected_version=version, as_json=as_json)


@exceptions_app.command("approve")
def exceptions_approve(
    document_id: DocumentId,
    reason: Annotated[Optional[str], typer.Option(help="why it may be loaded despite its findings")] = None,
    version: Version = None,
    as_json: Json = False,
) -> None:
    """Load the document as it stands, accepting its remaining findings."""
    _act(approve, document_id, reason=reason, expected_version=version, as_json=as_json)


@exceptions_app.command("reject")
def exceptions_reject(
    document_id: DocumentId,
    reason: Annotated[str, typer.Option(help="why it is refused (kept in the audit trail)")] = "",
    version: Version = None,
    as_json: Json = False,
) -> None:
    """Refuse the document for good."""
    _act(reject, document_id, reason=reason, expected_version=version, as_json=as_json)


@exceptions_app.command("retry")
def exceptions_retry(document_id: DocumentId, version: Version = None, as_json: Json = False) -> None:
    """Run the pipeline again on the stored raw bytes (after master data or the code changed)."""
    _act(retry, document_id, expected_version=version, as_json=as_json)


@exceptions_app.command("show")
def exceptions_show(
    document_id: Annotated[int, typer.Argument(help="the document id from 'adv exceptions list'")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """One document: why it stopped, what was extracted and where from, its history and raw excerpt."""
    context = open_context()
    with context.sessions() as session:
        info = review.detail(session, context.store, document_id)
    if info is None:
        err.print(f"[red]no document {document_id}[/red]")
        raise typer.Exit(EXIT_USAGE)
    if as_json:
        sys.stdout.write(json.dumps(info, indent=2, ensure_ascii=False, default=str) + "\n")
        return
    _print_detail(info)


def _print_detail(info: dict) -> None:
    console.print(f"[bold]document {info['id']}[/bold] {info['kind'] or 'file'} {info['number'] or ''} "
                  f"— {info['state']} ({info['state_reason']})", highlight=False)
    console.print(f"source {info['source']} {info['locator']}  sha256 {info['sha256'][:16]}…  "
                  f"format {info['format']}  received {info['received_at']}", highlight=False)
    if info["findings"]:
        table = Table("severity", "code", "field", "message", "where", title="findings")
        for f in info["findings"]:
            loc = f["location"] or {}
            where = f"segment {loc['segment_no']} {loc.get('segment', '')}" if "segment_no" in loc else ""
            table.add_row(f["severity"], f["code"], f["field"] or "", f["message"], where)
        console.print(table)
    document = info["document"]
    if document:
        table = Table("field", "value", "from", "confidence", title="extracted values")
        for path, where in document.get("provenance", {}).items():
            table.add_row(path, str(_value_at(document, path)), _describe(where), f"{where.get('confidence', 1):.2f}")
        console.print(table)
    for child in info["children"]:
        console.print(f"  child {child['id']}: {child['kind']} {child['number'] or '?'} {child['state']} "
                      f"({child['locator']})", highlight=False)
    console.print("[bold]history[/bold]")
    for event in info["audit"]:
        console.print(f"  {event['at']} {event['actor']} {event['action']} {event['from'] or '-'} → "
                      f"{event['to'] or '-'}: {event['reason'] or ''}", highlight=False)
    if info["raw_excerpt"]:
        console.print("[bold]raw excerpt[/bold]")
        console.print(info["raw_excerpt"], markup=False, highlight=False)


def _describe(where: dict) -> str:
    if "segment" in where:
        return f"{where['segment']} segment {where.get('segment_no')} element {where.get('element', '')}"
    return where.get("method", "")


def _value_at(document: dict, path: str):
    value: object = document
    for part in path.replace("]", "").replace("[", ".").split("."):
        if isinstance(value, list):
            value = value[int(part)] if int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
    return value


