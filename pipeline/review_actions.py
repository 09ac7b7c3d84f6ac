"""What people do to documents in the exception queue: fix a field, approve, reject, retry.

Every action is checked against the document's version (no lost update when two people work the
queue), recorded in the audit table with the person's name, and re-validates at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from pipeline.acknowledgments import acknowledge
from pipeline.audit import record
from pipeline.context import Context
from pipeline.db.models import Document, FindingRow
from pipeline.ingest import Worker, add_findings
from pipeline.sandbox import Sandbox
from pipeline.load import load_document
from pipeline.masterdata.models import Correction
from pipeline.process import process
from pipeline.validation import validate
from pipeline.validation.business import customer_of
from pipeline.validation.paths import generalise, get_value, set_value
from schemas import BusinessDocument, Status, from_canonical, to_canonical


class ReviewError(Exception):
    """An action that cannot be done; the message tells the person why and what to do instead."""


class ConflictError(ReviewError):
    """Someone else changed the document since it was read."""


@dataclass(frozen=True)
class ActionResult:
    document_id: int
    state: str
    findings: tuple[dict, ...]
    message: str


def fix(context: Context, document_id: int, field: str, value: str | None, actor: str,
        expected_version: int | None = None) -> ActionResult:
    """Set one field, remember the correction for this sender, re-validate; load when nothing is left wrong."""
    with context.sessions() as session:
        row = _in_review(session, document_id, expected_version, need_document=True)
        current = from_canonical(row.canonical)
        try:
            old = get_value(to_canonical(current), field)
            set_value(current, field, value)  # raises when the path or value does not fit the model
        except (KeyError, ValueError) as exc:
            raise ReviewError(f"cannot set {field}: {exc}") from None
        row.corrections = {**(row.corrections or {}), field: value}
        sender = current.source.sender
        if sender and old is not None and str(old) != value:
            _remember(session, sender, field, str(old), value, actor)
        record(session, row.id, actor, "fix", row.state, row.state, f"{field}: {old!r} -> {value!r}")
        return _revalidate(context, session, row, actor, force=False)


def approve(context: Context, document_id: int, actor: str, reason: str | None = None,
            expected_version: int | None = None) -> ActionResult:
    """Load the document as it stands (with any corrections), accepting its remaining findings."""
    with context.sessions() as session:
        row = _in_review(session, document_id, expected_version, need_document=True)
        record(session, row.id, actor, "approve", row.state, row.state, reason or "approved with its findings")
        return _revalidate(context, session, row, actor, force=True)


def reject(context: Context, document_id: int, actor: str, reason: str,
           expected_version: int | None = None) -> ActionResult:
    """Refuse the document for good; the reason is kept in the audit trail."""
    if not reason or not reason.strip():
        raise ReviewError("a rejection needs a reason (--reason), so the sender can be told why")
    with context.sessions() as session:
        row = _in_review(session, document_id, expected_version, need_document=False)
        record(session, row.id, actor, "reject", row.state, Status.REJECTED, reason)
        changed = session.execute(update(Document).where(Document.id == row.id, Document.version == row.version)
                                  .values(state=Status.REJECTED.value, state_reason=reason, version=row.version + 1))
        if changed.rowcount != 1:
            raise ConflictError(f"document {row.id} was changed by someone else meanwhile; reload it and try again")
        acknowledge(session, row.id, context.settings, context.store, actor)  # tells the sender, with the reason
        session.commit()
        session.refresh(row)
        return ActionResult(row.id, row.state, (), f"document {row.id} rejected: {reason}")


def retry(context: Context, document_id: int, actor: str, expected_version: int | None = None) -> ActionResult:
    """Run the pipeline again on the stored raw bytes (after master data or the code changed)."""
    with context.sessions() as session:
        row = _in_review(session, document_id, expected_version, need_document=False)
        if row.canonical is not None:
            record(session, row.id, actor, "retry", row.state, row.state, "re-run on the stored raw bytes")
            return _revalidate(context, session, row, actor, force=False)
        if session.scalar(select(Document.id).where(Document.parent_id == row.id).limit(1)) is not None:
            raise ReviewError("this file was already split into documents; retry those documents one by one")
        record(session, row.id, actor, "retry", row.state, Status.RECEIVED, "re-run on the stored raw bytes")
        session.execute(delete(FindingRow).where(FindingRow.document_id == row.id))
        row.state, row.state_reason, row.version = Status.RECEIVED.value, "retry requested", row.version + 1
        session.commit()
    # A sandbox of its own, stopped after: the review desk answers from many threads, and a child process kept
    # per thread (as workers do) would add up to one per thread that ever handled a retry.
    with Sandbox(context.settings) as sandbox:
        counts = Worker(context.sessions, context.store, context.settings, context.validation_context,
                        sandbox=sandbox).process([document_id])
    with context.sessions() as session:
        row = session.get(Document, document_id)
        return ActionResult(row.id, row.state, _findings(session, row.id),
                            f"document {row.id} processed again: {dict(counts)}")


# -- internals -------------------------------------------------------------------------------------


def _in_review(session: Session, document_id: int, expected_version: int | None, need_document: bool) -> Document:
    row = session.get(Document, document_id)
    if row is None:
        raise ReviewError(f"there is no document {document_id}")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(f"document {document_id} was changed by someone else (version {row.version}, you had "
                            f"{expected_version}); reload it and try again")
    if row.state != Status.NEEDS_REVIEW.value:
        raise ReviewError(f"document {document_id} is {row.state}, not waiting for review")
    if need_document and row.canonical is None:
        raise ReviewError(f"document {document_id} is a file with no business document in it: reject it, or retry "
                          "it once the cause is fixed")
    return row


def _remember(session: Session, sender: str, field: str, wrong: str, right: str | None, actor: str) -> None:
    general = generalise(field)
    existing = session.scalar(select(Correction).where(Correction.sender == sender, Correction.field == general,
                                                       Correction.wrong == wrong))
    if existing is None:
        session.add(Correction(sender=sender, field=general, wrong=wrong, right=right or "", last_by=actor))
    else:
        existing.right, existing.times, existing.last_by = right or "", existing.times + 1, actor


def _reparse(context: Context, session: Session, row: Document) -> BusinessDocument:
    """The document as the parser reads it from the raw bytes today, with the people's corrections applied."""
    outcome = process(context.store.get(row.sha256), context=None, max_bytes=context.settings.max_document_bytes)
    parsed = outcome.parse.documents if outcome.parse else ()
    matches = [doc for index, doc in enumerate(parsed) if (doc.source.locator or f"document {index + 1}") == row.locator]
    if not matches:
        raise ReviewError(f"the raw file no longer gives the document at {row.locator!r}; reject it or ask for a "
                          "new copy")
    document = matches[0]
    corrections = row.corrections or {}
    for path, value in corrections.items():
        document = set_value(document, path, value)
    # what the parser or extractor said about a field a person has since set is settled by that person
    settled = tuple(f for f in document.findings if f.field not in corrections)
    return document.model_copy(update={"findings": settled})


def _revalidate(context: Context, session: Session, row: Document, actor: str, force: bool) -> ActionResult:
    """Validate again; load when clean (or when a person approved), else stay in review with new findings."""
    checks = context.validation_context(session)
    [document] = validate([_reparse(context, session, row)], checks)
    customer = customer_of(document, checks)
    updated = session.execute(update(Document).where(Document.id == row.id, Document.version == row.version)
                              .values(version=row.version + 1))
    if updated.rowcount != 1:
        raise ConflictError(f"document {row.id} was changed by someone else meanwhile; reload it and try again")
    session.execute(delete(FindingRow).where(FindingRow.document_id == row.id))
    add_findings(session, row.id, document.findings)
    if force or not document.has_errors:
        load_document(session, row.id, document, customer.id if customer else None)
        state, reason = Status.LOADED, ("approved by " + actor) if force else f"corrected by {actor} and loaded"
    else:
        codes = ", ".join(sorted({f.code for f in document.findings if f.is_error}))
        state, reason = Status.NEEDS_REVIEW, f"errors: {codes}"
    record(session, row.id, actor, "revalidate", row.state, state, reason)
    session.execute(update(Document).where(Document.id == row.id).values(
        state=state.value, state_reason=reason, number=document.number,
        canonical=to_canonical(document.model_copy(update={"status": state}))))
    acknowledge(session, row.id, context.settings, context.store, actor)  # an order loaded: ORDRSP or e-mail
    session.commit()
    return ActionResult(row.id, state.value, _findings(session, row.id), f"document {row.id} is {state.value}: {reason}")


def _findings(session: Session, document_id: int) -> tuple[dict, ...]:
    rows = session.scalars(select(FindingRow).where(FindingRow.document_id == document_id).order_by(FindingRow.id))
    return tuple({"code": f.code, "severity": f.severity, "field": f.field, "message": f.message} for f in rows)
