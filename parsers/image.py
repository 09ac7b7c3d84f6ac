"""Scanned and faxed documents: image files (PNG, JPEG, TIFF with several pages, G3/G4 fax) and image-only
PDFs (rendered with pypdfium2), read by OCR into a ``Layout`` for ``extractors``.

Page sizes come from the image's resolution; a missing or implausible one (72 dpi screenshots, scanners that
write none) is guessed from the pixel width as an A4 page. Fax TIFFs in standard mode have 98 dpi vertically
and 204 horizontally: their rows are stretched so pixels are square before OCR (after despeckling, on the
fax's own grid).
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from collections.abc import Collection

from PIL import Image, ImageSequence, UnidentifiedImageError

from parsers.base import ParseResult
from parsers.ocr import OcrOptions, OcrResult, PageJob, current_options, ocr_layout
from schemas.findings import error
from schemas.layout import Layout

MAGIC = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}
A4_WIDTH_INCHES = 8.27
MIN_PLAUSIBLE_DPI = 100
MAX_PIXELS = 120_000_000  # a 600 dpi A3 page is 35 Mpx; far beyond is a decompression bomb, not a scan
_PDFIUM = threading.Lock()  # pdfium is not thread-safe


class ImageTooLarge(ValueError):
    pass


def sniff_image(data: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC.items() if data.startswith(magic)), None)


class ImageParser:
    """PNG, JPEG and TIFF files: OCR of every page."""

    name = "image"

    def __init__(self, options: OcrOptions | None = None) -> None:
        self.options = options  # None: the options installed at start (``configure_ocr``)

    def sniff(self, data: bytes) -> bool:
        return sniff_image(data) is not None

    def parse(self, data: bytes) -> ParseResult:
        options = self.options or current_options()
        try:
            jobs = image_jobs(data, options.max_pages)
        except ImageTooLarge as exc:
            return _fail(error("IMAGE_TOO_LARGE", f"{exc}; it is kept for someone to key in."))
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, SyntaxError) as exc:
            return _fail(error("IMAGE_UNREADABLE", f"The {sniff_image(data) or 'image'} file cannot be decoded "
                               f"({type(exc).__name__}): it is damaged or truncated. Ask the sender to scan it "
                               "again."))
        return _result(self.name, ocr_layout(jobs, options))


def _result(fmt: str, result: OcrResult) -> ParseResult:
    return ParseResult(format=fmt, layout=result.layout if result.layout.pages else None,
                       findings=result.findings, notes=result.notes)


def _fail(finding) -> ParseResult:
    return ParseResult(format="image", findings=(finding,), notes=(finding.message,))


def image_jobs(data: bytes, max_pages: int = 200) -> list[PageJob]:
    """Every frame of an image file as a page to OCR, with square pixels and a plausible resolution."""
    sha256 = hashlib.sha256(data).hexdigest()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombWarning as exc:
            raise ImageTooLarge(f"The image is too large to be a scanned page ({exc})") from None
        jobs = []
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number > max_pages:
                raise ImageTooLarge(f"The image has more than {max_pages} pages, over the limit for OCR")
            if frame.width * frame.height > MAX_PIXELS:
                raise ImageTooLarge(f"Page {number} is {frame.width}x{frame.height} pixels, too large to be a "
                                    "scanned page")
            page, dpi, vertical_dpi = decoded_page(frame)
            jobs.append(PageJob(number=number, image=page, dpi=dpi, vertical_dpi=vertical_dpi, source_key=sha256))
    if not jobs:
        raise ValueError("no image in the file")
    return jobs


def decoded_page(frame: Image.Image) -> tuple[Image.Image, int, int | None]:
    """A decoded copy of the frame (colour kept when it has some: red stamps are dropped by colour later),
    its horizontal resolution, and its vertical one when the pixels are not square (standard-mode fax)."""
    xdpi, ydpi = _resolution(frame)
    colour = frame.mode in ("RGB", "RGBA", "P", "CMYK", "YCbCr", "LAB")
    page = frame.convert("RGB" if colour else "L")  # decodes now: G3/G4, palette, 16-bit end as 8-bit
    dpi = xdpi or 0
    vertical = int(round(ydpi)) if xdpi and ydpi and abs(xdpi - ydpi) > 1 else None
    if dpi < MIN_PLAUSIBLE_DPI:
        dpi, vertical = round(page.width / A4_WIDTH_INCHES), None
    return page, int(round(dpi)), vertical


def _resolution(frame: Image.Image) -> tuple[float, float]:
    value = frame.info.get("dpi")
    if not value:
        return 0.0, 0.0
    try:
        xdpi, ydpi = (float(v) for v in value)
    except (TypeError, ValueError):
        return 0.0, 0.0
    return xdpi, ydpi or xdpi


def pdf_jobs(data: bytes, dpi: int = 300, max_pages: int = 200, only: Collection[int] | None = None
             ) -> list[PageJob]:
    """The pages of a PDF (all, or the 1-based numbers in ``only``) rendered to greyscale images at ``dpi``."""
    import pypdfium2

    sha256 = hashlib.sha256(data).hexdigest()
    jobs = []
    with _PDFIUM:
        pdf = pypdfium2.PdfDocument(data)
        try:
            if len(pdf) > max_pages:
                raise ImageTooLarge(f"The PDF has {len(pdf)} pages, over the limit of {max_pages} for OCR")
            for index in range(len(pdf)):
                if only is not None and index + 1 not in only:
                    continue
                bitmap = pdf[index].render(scale=dpi / 72, grayscale=True)
                jobs.append(PageJob(number=index + 1, image=bitmap.to_pil().convert("L"), dpi=dpi,
                                    source_key=sha256))
        finally:
            pdf.close()
    return jobs


def ocr_pdf(data: bytes, dpi: int | None = None, options: OcrOptions | None = None,
            pages: Collection[int] | None = None) -> OcrResult:
    """OCR of an image-only PDF (or of its ``pages`` without text): the layout, findings about pages that
    could not be read, and notes. The layout's pages keep their numbers in the PDF.

    The text-PDF parser calls this when a PDF has no text layer; a PDF pdfium cannot open gives a
    ``PDF_DAMAGED``-like finding of its own (``IMAGE_UNREADABLE``) rather than an exception.
    """
    options = options or current_options()
    try:
        jobs = pdf_jobs(data, dpi or options.dpi, options.max_pages, pages)
    except ImageTooLarge as exc:
        return OcrResult(Layout(method="ocr"), (error("IMAGE_TOO_LARGE", f"{exc}; it is kept for someone to key "
                                                      "in."),), (str(exc),))
    except Exception as exc:  # pdfium raises PdfiumError for damaged files
        return OcrResult(Layout(method="ocr"), (error("IMAGE_UNREADABLE", f"The PDF's pages cannot be rendered "
                                                      f"for OCR ({type(exc).__name__}): it is damaged. Ask the "
                                                      "sender to send it again."),), ())
    return ocr_layout(jobs, options)


def ocr_pdf_layout(data: bytes, dpi: int = 300) -> Layout:
    """The OCR layout of an image-only PDF (pages rendered with pypdfium2 at ``dpi``); see ``ocr_pdf``."""
    return ocr_pdf(data, dpi).layout


def page_size_points(frame: Image.Image) -> tuple[float, float]:
    """The size in PDF points that OCR gives a frame of an image file (what its word boxes are measured in),
    for anything that draws the page under those boxes (the review desk)."""
    page, dpi, vertical = decoded_page(frame)
    return round(page.width * 72 / dpi, 2), round(page.height * 72 / (vertical or dpi), 2)
