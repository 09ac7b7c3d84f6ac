"""Page images of PDFs and scans: rendered once (pypdfium2, Pillow) and cached in the raw store."""

from __future__ import annotations

import io
import json
import threading
import uuid
from dataclasses import asdict, dataclass

from PIL import Image

from pipeline.raw_store import RawStore

MAX_PAGES = 30  # pages shown; the raw download has them all
TARGET_WIDTH = 1000  # pixels
MAX_SCALE = 2.0
IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")
_PDFIUM = threading.Lock()  # pdfium is not thread-safe; the web server renders from a thread pool


class PageError(Exception):
    """The pages cannot be drawn (encrypted, damaged, not an image); the message says so to a person."""


@dataclass(frozen=True)
class PageInfo:
    number: int  # 1-based
    width: float  # page size in the unit of the boxes (PDF points; pixels for scans)
    height: float


def is_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC)


def pages(store: RawStore, sha256: str) -> tuple[list[PageInfo], int]:
    """The pages shown (at most MAX_PAGES) and the page count, rendering every image on first use."""
    index = _cache_path(store, sha256, "pages.json")
    if store.fs.exists(index):
        with store.fs.open(index, "rb") as handle:
            cached = json.load(handle)
        return [PageInfo(**p) for p in cached["pages"]], cached["count"]
    data = store.get(sha256)
    rendered, count = _render_pdf(data) if is_pdf(data) else _render_image(data)
    for info, png in rendered:
        _write(store, _cache_path(store, sha256, f"page-{info.number}.png"), png)
    infos = [info for info, _ in rendered]
    _write(store, index, json.dumps({"pages": [asdict(i) for i in infos], "count": count}).encode())
    return infos, count


def page_png(store: RawStore, sha256: str, number: int) -> bytes | None:
    """The cached PNG of page ``number``, or None when there is no such page."""
    shown, _count = pages(store, sha256)
    if not any(info.number == number for info in shown):
        return None
    with store.fs.open(_cache_path(store, sha256, f"page-{number}.png"), "rb") as handle:
        return handle.read()


def _render_pdf(data: bytes) -> tuple[list[tuple[PageInfo, bytes]], int]:
    import pypdfium2 as pdfium

    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise PageError(f"the PDF cannot be drawn ({exc}); it may be encrypted or damaged") from None
        try:
            count = len(pdf)
            result = []
            for index in range(min(count, MAX_PAGES)):
                page = pdf[index]
                width, height = page.get_size()
                scale = min(MAX_SCALE, TARGET_WIDTH / max(width, 1.0))
                image = page.render(scale=scale, may_draw_forms=False).to_pil()
                result.append((PageInfo(index + 1, round(width, 2), round(height, 2)), _png(image)))
                page.close()
            return result, count
        finally:
            pdf.close()


def _render_image(data: bytes) -> tuple[list[tuple[PageInfo, bytes]], int]:
    try:
        image = Image.open(io.BytesIO(data))  # decompression bombs raise; they are refused like any bad image
        count = getattr(image, "n_frames", 1)
        result = []
        for index in range(min(count, MAX_PAGES)):
            image.seek(index)
            frame = image.convert("RGB")
            result.append((PageInfo(index + 1, float(frame.width), float(frame.height)), _png(frame)))
        return result, count
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PageError(f"the image cannot be drawn ({exc})") from None


def _png(image: Image.Image) -> bytes:
    if image.width > TARGET_WIDTH * MAX_SCALE:
        image = image.resize((int(TARGET_WIDTH * MAX_SCALE),
                              max(1, int(image.height * TARGET_WIDTH * MAX_SCALE / image.width))))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _cache_path(store: RawStore, sha256: str, name: str) -> str:
    # Beside the raw files, under a name no sha256 can take, so the cache can be dropped at any time.
    return f"{store.root}/derived/{sha256[:2]}/{sha256}/{name}"


def _write(store: RawStore, path: str, data: bytes) -> None:
    store.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    temporary = f"{path}.{uuid.uuid4().hex}.partial"
    with store.fs.open(temporary, "wb") as handle:
        handle.write(data)
    store.fs.mv(temporary, path)
