"""Limits per file: a hanging, memory-hungry or oversized file is stopped and queued with its code, and the
files after it are read as usual; within the limits, the sandbox gives what process() gives."""

from __future__ import annotations

import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
import zlib
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from conftest import SAMPLES
from edifact_builders import interchange, order_body
from PIL import Image
from sqlalchemy import select

from pipeline.db.models import Document, FindingRow
from pipeline.ingest import Worker, write_outcome
from pipeline.intake import receive
from pipeline.limits import Limits, read_within_limits
from pipeline.masterdata.importer import import_files
from pipeline.process import Outcome, process
from pipeline.replay import Replay, replay_json
from pipeline.sandbox import Sandbox
from pipeline.settings import Settings
from pipeline.validation import ValidationContext

ORDER = (SAMPLES / "edifact" / "orders-d96a-plain-crlf.edi").read_bytes()


def edi(number: str, ref: str) -> bytes:
    return interchange(order_body(number), ref=ref).encode("latin-1")


def limited(tmp_path: Path, **limits) -> Settings:
    return Settings(home=tmp_path / ".adv", today=date(2026, 6, 1), user="tester", **limits)


def hostile(data: bytes, **kwargs) -> Outcome:
    """``process``, except on files made to misbehave: the test's stand-in for a parser bug (run in the child)."""
    if data.startswith(b"HANG "):  # hangs, with a helper process of its own, as tesseract would be
        helper = subprocess.Popen(["sleep", "600"])
        Path(data[5:].decode()).write_text(str(helper.pid))
        time.sleep(600)
    if data.startswith(b"GREEDY"):
        hoard = [bytearray(1 << 20) for _ in range(1 << 16)]  # 64 GiB, one MiB at a time
        return hoard  # never reached under the memory limit
    if data.startswith(b"KILLED"):  # what the kernel's OOM killer does
        os.kill(os.getpid(), signal.SIGKILL)
    if data.startswith(b"ABORT"):  # a C library giving up
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.abort()
    if data.startswith(b"BUG"):
        raise ValueError("a bug of ours")
    return process(data, **kwargs)


def codes(outcome: Outcome) -> list[str]:
    return [f.code for f in outcome.findings]


def gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] in ("Z", "X")  # a zombie is dead
    except FileNotFoundError:
        return True


def comparable(outcome: Outcome) -> dict:
    """Everything the pipeline writes or shows of an outcome (replay JSON, stages, attachments)."""
    return {"json": replay_json(Replay("", outcome)), "stages": outcome.stages, "status": outcome.file_status,
            "attachments": [(a.name, a.data) for a in outcome.attachments]}


def test_a_hanging_file_is_stopped_and_the_next_file_is_read_by_a_fresh_child(tmp_path):
    pid_file = tmp_path / "helper.pid"
    with Sandbox(limited(tmp_path, processing_timeout_seconds=5), work=hostile) as sandbox:
        assert sandbox.process(ORDER).documents[0].number
        first_child = sandbox.child_pid
        started = time.monotonic()
        outcome = sandbox.process(b"HANG " + str(pid_file).encode())
        assert 5 <= time.monotonic() - started < 30
        assert codes(outcome) == ["PROCESSING_TIMEOUT"] and not outcome.documents
        assert "longer than the 5-second limit" in outcome.findings[0].message
        assert outcome.file_status.value == "needs_review"
        assert outcome.stages[-1] == ("limits", "stopped: timeout: PROCESSING_TIMEOUT")
        assert sandbox.child_pid is None and gone(first_child)
        helper = int(pid_file.read_text())
        deadline = time.monotonic() + 5
        while not gone(helper) and time.monotonic() < deadline:  # killed with the child's process group
            time.sleep(0.05)
        assert gone(helper)
        after = sandbox.process(ORDER)
        assert sandbox.child_pid not in (None, first_child)
        assert comparable(after) == comparable(process(ORDER, max_bytes=sandbox.limits.max_bytes))


def deflate_bomb(megabytes: int) -> bytes:
    """A zlib stream of ``megabytes`` MiB of spaces in about 1 KiB per MiB: full-flushed blocks repeat exactly."""
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9)
    head = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()[:-4]  # the final empty block, without the checksum of two chunks
    checksum = 1
    for _ in range(megabytes):
        checksum = zlib.adler32(chunk, checksum)
    return head + block * (megabytes - 1) + end + checksum.to_bytes(4, "big")


def pdf_file(*objects: bytes) -> bytes:
    """A PDF whose numbered objects are ``objects`` (1 is the catalog), with a correct cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%b\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def bomb_pdf(megabytes: int) -> bytes:
    """One page whose content stream inflates to ``megabytes`` MiB: about a thousandth of that on disk."""
    stream = deflate_bomb(megabytes)
    return pdf_file(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
                    b"<< /Length %d /Filter /FlateDecode >>\nstream\n%b\nendstream" % (len(stream), stream))


def test_the_bomb_is_a_real_bomb():
    assert zlib.decompress(deflate_bomb(3)) == b" " * (3 << 20)
    assert len(bomb_pdf(1024)) < 1_100_000


def test_a_compression_bomb_is_stopped_for_memory_and_the_batch_goes_on(tmp_path):
    with Sandbox(limited(tmp_path, processing_memory_mb=512)) as sandbox:
        outcome = sandbox.process(bomb_pdf(1024))  # 1 GiB once inflated, over the 512 MB limit
        assert codes(outcome) == ["PROCESSING_MEMORY"] and not outcome.documents
        assert "more than the 512 MB memory limit" in outcome.findings[0].message
        assert sandbox.child_pid is None  # a child that ran short of memory is not reused
        assert sandbox.process(ORDER).documents[0].status.value == "validated"


def test_memory_errors_killed_children_and_crashes_each_have_their_code(tmp_path):
    with Sandbox(limited(tmp_path, processing_memory_mb=1024), work=hostile) as sandbox:
        assert codes(sandbox.process(b"GREEDY")) == ["PROCESSING_MEMORY"]
        killed = sandbox.process(b"KILLED")
        assert codes(killed) == ["PROCESSING_MEMORY"] and "killed by the system" in killed.findings[0].message
        aborted = sandbox.process(b"ABORT")
        assert codes(aborted) == ["PROCESSING_CRASH"] and "SIGABRT" in aborted.findings[0].message
        assert sandbox.process(ORDER).documents[0].status.value == "validated"


class BrokenHistory:
    """A history whose database went away."""

    def earlier_order(self, doc, customer_id):
        raise ConnectionError("the database went away")

    def corrections(self, sender):
        return []


def test_our_own_bugs_are_raised_in_the_caller_as_in_process(tmp_path):
    with Sandbox(limited(tmp_path), work=hostile) as sandbox:
        with pytest.raises(ValueError, match="a bug of ours") as raised:
            sandbox.process(b"BUG")
        assert any("raised in the sandbox process" in note for note in raised.value.__notes__)
        child = sandbox.child_pid
        with pytest.raises(ConnectionError, match="went away"):  # raised by the parent's history, for the child
            sandbox.process(ORDER, ValidationContext(history=BrokenHistory()))
        with pytest.raises(ConnectionError, match="went away"):
            process(ORDER, context=ValidationContext(history=BrokenHistory()))
        assert sandbox.process(ORDER).documents and sandbox.child_pid == child  # the child is still good


def test_a_memory_error_in_process_is_a_finding_too(tmp_path):
    def out_of_memory(data: bytes, **kwargs) -> Outcome:
        raise MemoryError
    sandbox = Sandbox(limited(tmp_path, isolate=False), work=out_of_memory)
    assert codes(sandbox.process(ORDER)) == ["PROCESSING_MEMORY"] and sandbox.child_pid is None


def pages_pdf(count: int) -> bytes:
    kids = b" ".join(b"%d 0 R" % (3 + n) for n in range(count))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    return pdf_file(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%b] /Count %d >>" % (kids, count),
                    *[page] * count)


def pages_tiff(count: int) -> bytes:
    frames = [Image.new("L", (200, 280), 255) for _ in range(count)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


@pytest.mark.parametrize("kind, make", [("PDF", pages_pdf), ("TIFF", pages_tiff)])
def test_too_many_pages_is_refused_before_any_parser_runs(kind, make):
    called = []

    def work(data: bytes, **kwargs) -> Outcome:
        called.append(data)
        return process(b"", **kwargs)  # the blank pages would go to OCR: what is read does not matter here

    limits = Limits(max_pages=3)
    outcome = read_within_limits(work, make(4), None, limits)
    assert codes(outcome) == ["TOO_MANY_PAGES"] and not called
    assert outcome.findings[0].message.startswith(f"The {kind} file has 4 pages, over the limit of 3 pages")
    read_within_limits(work, make(3), None, limits)
    assert len(called) == 1


def test_too_many_pages_in_the_sandbox(tmp_path):
    multipage = (SAMPLES / "pdf" / "facture-fr-multipage.pdf").read_bytes()  # 3 pages
    with Sandbox(limited(tmp_path, max_pages=2)) as sandbox:
        assert codes(sandbox.process(multipage)) == ["TOO_MANY_PAGES"]
        assert sandbox.process((SAMPLES / "pdf" / "facture-fr-classique.pdf").read_bytes()).documents


SAME = [SAMPLES / "edifact" / name for name in ("orders-eancom-d96a-latin1.edi", "invoic-three-messages-one-line.edi",
                                                "broken-totals.edi", "broken-not-edifact.dat")] + [
    SAMPLES / "pdf" / "facture-fr-multipage.pdf", SAMPLES / "pdf" / "broken-encrypted.pdf",
    SAMPLES / "scans" / "po-fr-classic-clean.png",  # OCR from the fixtures' cache: the parent's OCR options
    SAMPLES / "email" / "orders-zip-en.eml",  # attachments
    SAMPLES / "mail" / "commande-numero-fr.eml",  # free text: spaCy and the product master in the child
]


def test_within_the_limits_the_sandbox_gives_what_process_gives(context):
    with context.sessions() as session:
        earlier = receive(session, context.store, edi("PO-7", "R1"), "first.edi", "test",
                          "tester")
        checks = context.validation_context(session)
        root = session.get(Document, earlier.document_id)
        write_outcome(session, root, process(edi("PO-7", "R1"), context=checks), "tester",
                      checks)
        session.commit()
        assert root.state == "loaded"
        import_files(session, sorted((SAMPLES / "masterdata").glob("*.csv")))  # after: PO-7's items are not in it
        session.commit()
    resent = edi("PO-7", "R2")  # the same order in another interchange: history says so
    with context.sessions() as session, Sandbox(context.settings) as sandbox:
        checks = context.validation_context(session)
        assert checks.master is not None and checks.history is not None
        for data in [resent, *(path.read_bytes() for path in SAME)]:
            isolated = sandbox.process(data, checks)
            assert comparable(isolated) == comparable(process(data, context=checks,
                                                              max_bytes=context.settings.max_document_bytes))
        assert "DUPLICATE_ORDER" in {f.code for f in sandbox.process(resent, checks).documents[0].findings}


def test_a_stopped_file_is_queued_with_its_code_while_the_rest_of_the_batch_loads(context, tmp_path):
    """What ingestion does with the sandbox: a worker reads each file in it and writes each outcome as usual."""
    files = [edi("PO-1", "R1"), b"HANG " + str(tmp_path / "pid").encode(),
             edi("PO-2", "R2")]
    settings = context.settings.model_copy(update={"processing_timeout_seconds": 5})
    with context.sessions() as session:
        ids = [receive(session, context.store, data, f"file-{n}", "test", "tester").document_id
               for n, data in enumerate(files)]
    with Sandbox(settings, work=hostile) as sandbox:
        worker = Worker(context.sessions, context.store, settings, context.validation_context, sandbox=sandbox)
        assert worker.process(ids) == Counter({"loaded": 2, "needs_review": 1})
    with context.sessions() as session:
        states = [session.get(Document, document_id).state for document_id in ids]
        assert states == ["loaded", "needs_review", "loaded"]
        finding = session.scalars(select(FindingRow).where(FindingRow.document_id == ids[1])).one()
        assert finding.code == "PROCESSING_TIMEOUT" and finding.severity == "error"


def test_adv_ingest_stops_a_compression_bomb_and_loads_the_rest(adv_env, tmp_path):
    """End to end, with the real sandbox of a real command: the bomb is queued for memory, the orders load."""
    inbox = tmp_path / "drop"
    inbox.mkdir()
    (inbox / "a-order.edi").write_bytes(edi("PO-1", "R1"))
    (inbox / "b-bomb.pdf").write_bytes(bomb_pdf(1024))  # 1 GiB once inflated
    (inbox / "c-order.edi").write_bytes(edi("PO-2", "R2"))
    env = {**os.environ, **adv_env, "ADV_PROCESSING_MEMORY_MB": "512"}
    result = subprocess.run([str(Path(sys.executable).with_name("adv")), "ingest", "--json", str(inbox)], env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 1, result.stderr  # one file needs review
    assert json.loads(result.stdout)["states"] == {"loaded": 2, "needs_review": 1}
    listing = subprocess.run([str(Path(sys.executable).with_name("adv")), "exceptions", "list", "--json"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert "PROCESSING_MEMORY" in listing.stdout
