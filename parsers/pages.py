"""How many pages a file has, known cheaply before any parser reads it (a page limit is checked first).

PDFs: pdfium reads the page tree, not the pages' content. Images: PIL reads the frame directories of a
multi-page TIFF (or an animated PNG) without decoding a pixel. Anything else, or a file these cannot open
(damaged, encrypted), has no count here: its parser reports what is wrong with it.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from parsers.image import _PDFIUM, sniff_image  # one pdfium lock for the process: pdfium is not thread-safe
from parsers.pdf import PDF_MAGIC, SNIFF_WINDOW


@dataclass(frozen=True)
class PageCount:
    kind: str  # "PDF", "TIFF", "PNG", "JPEG": how a person calls the file
    pages: int


def count_pages(data: bytes) -> PageCount | None:
    """The number of pages of a PDF or image file; None for other files and for files that cannot be opened."""
    if PDF_MAGIC in data[:SNIFF_WINDOW]:
        return _pdf_pages(data)
    kind = sniff_image(data)
    return _image_frames(data, kind) if kind else None


def _pdf_pages(data: bytes) -> PageCount | None:
    import pypdfium2  # only when a PDF arrives

    with _PDFIUM:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except Exception:  # noqa: BLE001 - damaged or encrypted: the PDF parsers say which
            return None
        try:
            return PageCount("PDF", len(pdf))
        finally:
            pdf.close()


def _image_frames(data: bytes, kind: str) -> PageCount | None:
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # the image parser reports pixel sizes
        try:
            with Image.open(io.BytesIO(data)) as image:
                return PageCount(kind, getattr(image, "n_frames", 1))
        except Exception:  # noqa: BLE001 - PIL raises many types for bad files; the image parser says which
            return None
