"""Processing received files: claim a few, run the stages, write each outcome in one transaction.

Workers take files through leases (``pipeline/claims.py``): any number of them, in threads, processes or on
other machines, share the backlog without doing a file twice. A file's children (one per business document),
their findings, the audit rows and the loaded business rows commit together with the end of the lease, or not
at all: a worker killed in the middle leaves the file ``received`` for the next one, which does it again from
its raw bytes.
"""

from __future__ import annotations

import logging
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from pipeline import claims
from pipeline.acknowledgments import acknowledge
from pipeline.audit import record
from pipeline.db.models import Document, EnvelopeKey, FindingRow
from pipeline.history import DatabaseHistory
from pipeline.load import load_document
from pipeline.process import Outcome
from pipeline.raw_store import RawStore
from pipeline.sandbox import Sandbox, for_this_thread
from pipeline.settings import Settings
from pipeline.timings import record_timings
from pipeline.validation import ValidationContext
from pipeline.validation.business import customer_of
from schemas import BusinessDocument, DocumentKind, Finding, Status, to_canonical
from schemas.findings import error

log = logging.getLogger(__name__)
Progress = Callable[[int], None]
Validation = Callable[[Session], ValidationContext]


def pending_ids(session: Session) -> list[int]:
    """Files received but not processed yet (new ones, attachments, or ones a crashed run left behind)."""
    query = select(Document.id).where(Document.state == Status.RECEIVED.value)
    return list(session.scalars(query.order_by(Document.id)))


def backlog(session: Session) -> int:
    return session.scalar(select(func.count()).where(Document.state == Status.RECEIVED.value)) or 0


@dataclass
class Worker:
    """One worker's loop over received files: claim a few, process them, write each outcome, claim again."""

    sessions: sessionmaker[Session]
    store: RawStore
    settings: Settings
    validation: Validation
    progress: Progress | None = None
    name: str = field(default_factory=claims.worker_name)
    counts: Counter[str] = field(default_factory=Counter)  # business documents (or files) by final state
    files: int = 0  # files whose outcome this worker wrote
    sandbox: Sandbox | None = None  # reads each file within the limits (pipeline/limits.py); default: the thread's

    def process(self, document_ids: Iterable[int]) -> Counter[str]:
        """These files (and the attachments found in them), unless another worker has or had them."""
        queue = deque(document_ids)
        with claims.working(self.name), self._reading():
            while queue:
                batch = [queue.popleft() for _ in range(min(self.settings.claim_batch, len(queue)))]
                queue.extend(self._run(self._claim(batch)))
        return self.counts

    def drain(self, limit: int | None = None) -> Counter[str]:
        """Every file waiting, whoever received it, until none is left unclaimed (or ``limit`` files are done)."""
        done = 0
        with claims.working(self.name), self._reading():
            while limit is None or done < limit:
                size = self.settings.claim_batch if limit is None else min(self.settings.claim_batch, limit - done)
                won = self._claim(None, size)
                if not won:
                    break
                done += len(won)
                self._run(won)  # attachments are received, unclaimed: the next claim takes them
        return self.counts

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """The sandbox given, or the thread's (its child process outlives the loop, for the next one)."""
        given = self.sandbox
        self.sandbox = given or for_this_thread(self.settings)
        try:
            yield
        finally:
            self.sandbox = given

    def _claim(self, among: list[int] | None, size: int | None = None) -> list[int]:
        with self.sessions() as session:
            return claims.claim(session, self.name, self.settings.lease_seconds, size or self.settings.claim_batch,
                                among)

    def _run(self, won: list[int]) -> list[int]:
        """Process the files won, one by one; returns the attachments they brought in."""
        children: list[int] = []
        for document_id in won:
            children.extend(self._one(document_id))
            if self.progress:
                self.progress(1)
        return children

    def _one(self, document_id: int) -> list[int]:
        with self.sessions() as session:
            if not claims.renew(session, document_id, self.name, self.settings.lease_seconds):
                return []  # its lease ran out while it waited, and another worker took it
            root = session.get(Document, document_id)
            try:
                checks = self.validation(session)
                outcome = self.sandbox.process(self.store.get(root.sha256), checks)
                session.commit()  # end the reads of the stages: the write below starts a transaction of its own
                if not claims.take_for_writing(session, document_id, self.name):
                    session.rollback()
                    log.warning("document %s: lease lost to another worker; its outcome is theirs", document_id)
                    return []
                counts = write_outcome(session, root, outcome, self.settings.user, checks, self.name)
                acknowledge(session, root.id, self.settings, self.store, self.settings.user)  # into the outbox
                children = _receive_attachments(session, self.store, root, outcome, self.settings.user)
                session.commit()
                self.files += 1
            except Exception as exc:  # noqa: BLE001 - the batch must go on; the file goes to review
                session.rollback()
                log.exception("processing document %s failed", document_id)
                counts = _park(self.sessions, document_id, self.name, exc, self.settings.user)
                self.files += bool(counts)
                children = []
        self.counts.update(counts)
        return children


def process_documents(
    sessions: sessionmaker[Session],
    store: RawStore,
    settings: Settings,
    document_ids: Iterable[int],
    validation: Validation,
    progress: Progress | None = None,
) -> Counter[str]:
    """Process each received file (and the attachments found in them); returns the count of final states."""
    return Worker(sessions, store, settings, validation, progress).process(document_ids)


def write_outcome(session: Session, root: Document, outcome: Outcome, actor: str,
                  checks: ValidationContext | None = None, worker: str | None = None) -> Counter[str]:
    """Children, findings, duplicates, loads and audit rows for one processed file (no commit)."""
    counts: Counter[str] = Counter()
    record_timings(session, root.id, outcome.timings, worker)  # for adv stats; replaces those of an earlier run
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


def _park(sessions: sessionmaker[Session], document_id: int, worker: str, exc: Exception,
          actor: str) -> Counter[str]:
    """Our own failure while writing an outcome: the file goes to review with the reason, nothing else changes."""
    with sessions() as session:
        if not claims.take_for_writing(session, document_id, worker):
            return Counter()  # no longer ours: whoever has it now writes its outcome
        root = session.get(Document, document_id)
        finding = error("PIPELINE_ERROR", f"Processing failed ({type(exc).__name__}: {exc}). This is a defect in "
                         "ADV intake; the raw file is kept and can be retried.")
        add_findings(session, root.id, [finding])
        _transition(session, root, Status.NEEDS_REVIEW, actor, finding.message)
        session.commit()
    return Counter({Status.NEEDS_REVIEW.value: 1})
