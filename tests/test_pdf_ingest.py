"""A text PDF through the whole pipeline into the order database (SQLite, or PostgreSQL with
ADV_TEST_DATABASE_URL), and the generated PDF samples are what samples/pdf/generate.py writes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal

from conftest import SAMPLES
from sqlalchemy import select

from pipeline.db.models import Document
from pipeline.run import leftover_ids, list_files, process_batch, receive_files

PDF = SAMPLES / "pdf"
GENERATOR = PDF / "generate.py"


def run(context, *paths):
    report, ids = receive_files(context, list_files(context, list(paths)))
    return report.merge(process_batch(context, sorted(set(ids) | set(leftover_ids(context)))))


def test_a_text_pdf_invoice_is_loaded_with_its_provenance(context, tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(PDF / "facture-fr-classique.pdf", inbox)
    shutil.copy(PDF / "broken-encrypted.pdf", inbox)
    report = run(context, inbox)
    assert report.states["loaded"] >= 1 and report.states["needs_review"] >= 1
    with context.sessions() as session:
        documents = session.scalars(select(Document)).all()
        invoice = next(d for d in documents if d.kind == "invoice" and d.canonical)
        assert (invoice.number, invoice.state, invoice.format) == ("FA-2026-0142", "loaded", "pdf")
        canonical = invoice.canonical
        assert Decimal(canonical["totals"]["gross"]) == Decimal("413.29") and len(canonical["lines"]) == 5
        number = canonical["provenance"]["number"]
        assert number["method"] == "pdf-text" and number["page"] == 1 and len(number["bbox"]) == 4
        files = [d for d in documents if d.parent_id is None]
        assert sorted(d.state for d in files) == ["loaded", "needs_review"]
    assert run(context, inbox).files_new == 0  # the same bytes again: nothing new


def test_the_generator_writes_the_committed_samples_byte_for_byte(tmp_path):
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True,
                   env={"PYTHONHASHSEED": "4242", "PATH": "/usr/bin:/bin"})
    fresh = {p.name: p.read_bytes() for p in tmp_path.glob("*.pdf")}
    committed = {p.name: p.read_bytes() for p in PDF.glob("*.pdf")}
    assert sorted(fresh) == sorted(committed), "run `.venv/bin/python samples/pdf/generate.py` and refresh the goldens"
    assert not [name for name in fresh if fresh[name] != committed[name]]


def test_the_generator_does_not_use_the_code_it_checks(tmp_path):
    probe = (f"import runpy, sys\nsys.argv = [{str(GENERATOR)!r}, '--out', {str(tmp_path)!r}]\n"
             f"runpy.run_path({str(GENERATOR)!r}, run_name='not_main')\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "{'parsers', 'pipeline', 'schemas', 'extractors', 'flows'}))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert result.stdout.strip().splitlines()[-1] == "[]"
