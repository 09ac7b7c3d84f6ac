"""Regenerate docs/screenshots/ (the queue, a PDF invoice, an EDIFACT order, the dashboard) from the demo data.

    .venv/bin/python tests/browser/screenshots.py [--out docs/screenshots]

Ingests samples/ into a throw-away demo home, serves the desk on a loopback port and photographs it with
Debian's Chromium.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser.chromium import launch, log_in, missing  # noqa: E402
from pipeline.db.models import Document  # noqa: E402
from pipeline.web import demo  # noqa: E402
from sqlalchemy import select  # noqa: E402
from browser.desk import live_server  # noqa: E402

VIEWPORT = {"width": 1440, "height": 900}
FOLDERS = ("edifact", "email", "pdf")  # the scans need OCR: minutes on a small machine, for no other picture


def _in_review(context, source_end: str = "", fmt: str | None = None) -> int | None:
    """The first business document in review from a file named ``...source_end`` (or of format ``fmt``)."""
    with context.sessions() as session:
        query = select(Document.id).where(Document.state == "needs_review", Document.canonical.is_not(None),
                                          Document.source.like(f"%{source_end}"))
        if fmt:
            query = query.where(Document.format == fmt)
        return session.scalar(query.order_by(Document.id))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    if missing():
        print(f"cannot take screenshots: {missing()}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        prepared = demo.prepare(demo.demo_settings(Path(folder) / "demo"), folders=FOLDERS)
        context = prepared.context
        pdf = _in_review(context, "facture-fr-classique.pdf") or _in_review(context, fmt="pdf")
        edifact = _in_review(context, "broken-gtin-check-digit.edi")
        with live_server(context) as url, sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(viewport=VIEWPORT)
            log_in(page, url, prepared.user, prepared.password)
            page.keyboard.press("j")
            page.screenshot(path=args.out / "queue.png")
            if pdf:
                page.goto(f"{url}/documents/{pdf}")
                page.wait_for_load_state("networkidle")
                page.hover("tr.field[data-path='totals.gross']" if page.locator(
                    "tr.field[data-path='totals.gross'][data-bbox]").count() else "tr.field[data-bbox] >> nth=0")
                page.screenshot(path=args.out / "document-pdf.png")
            if edifact:
                page.goto(f"{url}/documents/{edifact}")
                page.wait_for_load_state("networkidle")
                row = page.locator("tr.field.error").first
                if row.count():
                    row.hover()
                page.screenshot(path=args.out / "document-edifact.png")
            page.goto(f"{url}/dashboard")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=args.out / "dashboard.png", full_page=True)
            browser.close()
        context.engine.dispose()
    for path in sorted(args.out.glob("*.png")):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
