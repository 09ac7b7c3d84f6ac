"""Processing received files: run the stages, then write the outcome in one transaction per file.

A file's children (one per business document), their findings, the audit rows and the loaded
business rows commit together or not at all, so a crash leaves the file ``received`` and the
next run does it again from its raw bytes.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.acknowledgments import acknowledge
from pipeline.audit import record
from pipeline.db.models import Document, EnvelopeKey, FindingRow
from pipeline.history import DatabaseHistory
from pipeline.load import load_document
from pipeline.process import Outcome, process
from pipeline.raw_store import RawStore
from pipeline.settings import Settings
from pipeline.timings import record_timings
from pipeline.validation import ValidationContext
from pipeline.validation.business import customer_of
from schemas import BusinessDocument, DocumentKind, Finding, Status, to_canonical
from schemas.findings import error

log = logging.getLogger(__name__)
Progress = Callable[[int], None]


def pending_ids(session: Session) -> list[int]:
    """Files received but not processed yet (new ones, attachments, or ones a crashed run left behind)."""
    query = select(Document.id).where(Document.state == Status.RECEIVED.value)
    return list(session.scalars(query.order_by(Document.id)))


def process_documents(
    sessions: sessionmaker[Session],
    store: RawStore,
    settings: Settings,
    document_ids: Iterable[int],
    validation: Callable[[Session], ValidationContext],
    progress: Progress | None = None,
) -> Counter[str]:
    """Process each received file (and the attachments found in them); returns the count of final states."""
    counts: Counter[str] = Counter()
    queue = deque(document_ids)
    while queue:
        document_id = queue.popleft()
        with sessions() as session:
            if not _claim(session, document_id):
                continue  # already done by an earlier or concurrent run
            root = session.get(Document, document_id)
            try:
                checks = validation(session)
                outcome = process(store.get(root.sha256), context=checks, max_bytes=settings.max_document_bytes)
                counts.update(write_outcome(session, root, outcome, settings.user, checks))
                acknowledge(session, root.id, settings, store, settings.user)  # ORDRSP, e-mails: in the outbox
                children = _receive_attachments(session, store, root, outcome, settings.user)
                session.commit()
                queue.extend(children)
            except Exception as exc:  # noqa: BLE001 - the batch must go on; the file goes to review
                session.rollback()
                log.exception("processing document %s failed", document_id)
                counts.update(_park(sessions, document_id, exc, settings.user))
        if progress:
            progress(1)
    return counts


def _claim(session: Session, document_id: int) -> bool:
    """Take the file for this transaction: a concurrent run waits on the row, then finds it done.

    The claim is the first write of the transaction that writes the outcome, so a crash rolls it
    back with everything else and the file stays ``received`` for the next run.
    """
    claimed = session.execute(update(Document).where(Document.id == document_id,
                                                     Document.state == Status.RECEIVED.value)
                              .values(version=Document.version + 1))
    return claimed.rowcount == 1


def write_outcome(session: Session, root: Document, outcome: Outcome, actor: str,
                  checks: ValidationContext | None = None) -> Counter[str]:
    """Children, findings, duplicates, loads and audit rows for one processed file (no commit)."""
    counts: Counter[str] = Counter()
    record_timings(session, root.id, outcome.timings)  # for adv stats; replaces those of an earlier run
    root.format = outcome.format
    known = _claim_envelope_keys(session, root.id, outcome)
    if outcome.parse and outcome.parse.envelope_keys and all(k in known for k in outcome.parse.envelope_keys):
        original = known[outcome.parse.envelope_keys[0]]
        _transition(session, root, Status.DUPLICATE, actor,
                    f"the same interchange ({outcome.parse.envelope_keys[0]}) was received before as document "
                    f"{original}", duplicate_of=original)
        counts[Status.DUPLICATE.value] += 1
        return counts

    add_findings(session, root.id, outcome.findings)
    if len(outcome.documents) == 1 and not outcome.findings:
        root.kind, root.number = outcome.documents[0].kind.value, outcome.documents[0].number
    for index, doc in enumerate(outcome.documents):
        child = Document(
            parent_id=root.id, sha256=root.sha256, locator=doc.source.locator or f"document {index + 1}",
            source=root.source, channel=root.channel, format=outcome.format, kind=doc.kind.value,
            number=doc.number, sender=doc.source.sender or (doc.seller and doc.seller.name),
            state=Status.PARSED.value,
        )
        session.add(child)
        session.flush()
        customer = customer_of(doc, checks) if checks else None
        child.customer = customer.name if customer else _party_name(doc)
        state, reason, original = _decide(session, child, doc, known, customer.id if customer else None)
        final = doc.model_copy(update={"status": state})
        child.canonical = to_canonical(final)
        add_findings(session, child.id, doc.findings)
        _transition(session, child, state, actor, reason, duplicate_of=original)
        counts[state.value] += 1

    file_state = outcome.file_status
    split = Counter(str(child_state) for child_state in counts.elements())
    summary = ", ".join(f"{n} {state}" for state, n in sorted(split.items()))
    if file_state is Status.NEEDS_REVIEW:
        reason = f"{len(outcome.findings)} finding(s) about the file itself"
    elif outcome.documents:
        reason = f"split into {len(outcome.documents)} document(s): {summary}"
    else:
        reason = f"{len(outcome.attachments)} attachment(s), each processed as its own document"
    _transition(session, root, file_state, actor, reason)
    if file_state is Status.NEEDS_REVIEW or not (outcome.documents or outcome.attachments):
        counts[file_state.value] += 1
    return counts


def _receive_attachments(session: Session, store: RawStore, root: Document, outcome: Outcome,
                         actor: str) -> list[int]:
    """Store each attachment and record it as a received child of ``root``; returns their ids."""
    ids = []
    for index, attachment in enumerate(outcome.attachments, start=1):
        sha256 = store.put(attachment.data)
        child = Document(parent_id=root.id, sha256=sha256, locator=f"attachment {index}: {attachment.name}"[:200],
                         source=f"{root.source} > {attachment.name}", channel=root.channel, size=len(attachment.data),
                         state=Status.RECEIVED.value)
        session.add(child)
        session.flush()
        record(session, child.id, actor, "received", None, Status.RECEIVED, f"attachment of document {root.id}")
        ids.append(child.id)
    return ids


def _decide(session: Session, child: Document, doc: BusinessDocument, known: dict[str, int],
            customer_id: int | None) -> tuple[Status, str, int | None]:
    """The document's final state, why, and the document it duplicates if any; loads it when it is good."""
    if doc.source.envelope_key in known:
        return Status.DUPLICATE, f"interchange {doc.source.envelope_key} was received before", known[
            doc.source.envelope_key]
    if any(f.code == "DUPLICATE_ORDER" for f in doc.findings):
        earlier = DatabaseHistory(session).earlier_order(doc, customer_id)
        if earlier is not None and earlier.same_lines:
            return Status.DUPLICATE, (f"the same order was received before as document {earlier.document_id} "
                                      f"({earlier.channel})"), earlier.document_id
    if doc.status is Status.NEEDS_REVIEW:
        codes = ", ".join(sorted({f.code for f in doc.findings if f.is_error}))
        return Status.NEEDS_REVIEW, f"errors: {codes}", None
    load_document(session, child.id, doc, customer_id)
    return Status.LOADED, "validated and loaded", None


def _party_name(doc: BusinessDocument) -> str | None:
    party = doc.buyer if doc.kind is DocumentKind.ORDER else doc.seller
    return party.name if party else None


def _claim_envelope_keys(session: Session, document_id: int, outcome: Outcome) -> dict[str, int]:
    """Register this file's envelope keys; returns those another file already owns (key -> that file's id)."""
    known: dict[str, int] = {}
    for key in outcome.parse.envelope_keys if outcome.parse else ():
        owner = session.scalar(select(EnvelopeKey.document_id).where(EnvelopeKey.key == key))
        if owner is None:
            try:
                with session.begin_nested():
                    session.add(EnvelopeKey(key=key, document_id=document_id))
                continue
            except IntegrityError:
                owner = session.scalar(select(EnvelopeKey.document_id).where(EnvelopeKey.key == key))
        if owner != document_id:
            known[key] = owner
    return known


def add_findings(session: Session, document_id: int, findings: Iterable[Finding]) -> None:
    for finding in findings:
        session.add(FindingRow(document_id=document_id, code=finding.code, severity=finding.severity.value,
                               field=finding.field, message=finding.message,
                               location=finding.location.model_dump(exclude_none=True) if finding.location else None))


def _transition(session: Session, document: Document, state: Status, actor: str, reason: str,
                duplicate_of: int | None = None) -> None:
    record(session, document.id, actor, "processed", document.state, state, reason)
    document.state = state.value
    document.state_reason = reason
    if duplicate_of is not None and state is Status.DUPLICATE:
        document.duplicate_of_id = duplicate_of


def _park(sessions: sessionmaker[Session], document_id: int, exc: Exception, actor: str) -> Counter[str]:
    """Our own failure while writing an outcome: the file goes to review with the reason, nothing else changes."""
    with sessions() as session:
        root = session.get(Document, document_id)
        if root is None:
            return Counter()
        finding = error("PIPELINE_ERROR", f"Processing failed ({type(exc).__name__}: {exc}). This is a defect in "
                         "ADV intake; the raw file is kept and can be retried.")
        add_findings(session, root.id, [finding])
        _transition(session, root, Status.NEEDS_REVIEW, actor, finding.message)
        session.commit()
    return Counter({Status.NEEDS_REVIEW.value: 1})
