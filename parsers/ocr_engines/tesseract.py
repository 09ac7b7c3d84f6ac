"""Tesseract through pytesseract, and a read-through cache of its TSV output.

The TSV (``image_to_data``) is the cached form: it is what tesseract printed, so a test fixture made from it
replays exactly what the engine saw, and ``parse_tsv`` is the only code that reads it.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

from parsers.ocr_engines import OcrUnavailable, OcrWord, PageImage

# psm 3 (automatic layout) keeps table columns apart as separate blocks; 6 (one block) merges columns
# into run-on lines, which the geometry extractors then cannot split.
TESSERACT_CONFIG = "--oem 1 --psm 3 -c preserve_interword_spaces=0"
TIMEOUT_SECONDS = 120  # one page; a pathological image must not hold a worker for ever


def parse_tsv(tsv: str) -> list[OcrWord]:
    """Words of a tesseract TSV (level 5 rows with text), each with a page-wide running line number."""
    words: list[OcrWord] = []
    lines: dict[tuple[int, int, int], int] = {}
    rows = tsv.splitlines()
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5":
            continue
        text = cells[11].strip()
        if not text:
            continue
        block, paragraph, line = int(cells[2]), int(cells[3]), int(cells[4])
        number = lines.setdefault((block, paragraph, line), len(lines) + 1)
        confidence = max(0.0, min(1.0, float(cells[10]) / 100))
        words.append(OcrWord(text=text, left=int(cells[6]), top=int(cells[7]), width=int(cells[8]),
                             height=int(cells[9]), confidence=round(confidence, 3), block=block, line=number))
    return words


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    import pytesseract

    try:
        return str(pytesseract.get_tesseract_version())
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrUnavailable("tesseract is not installed: run scripts/setup.sh (it installs tesseract-ocr "
                             "with its French and English data)") from exc


class TesseractEngine:
    name = "tesseract"

    def __init__(self, config: str = TESSERACT_CONFIG) -> None:
        self.config = config

    def tsv(self, page: PageImage, languages: str) -> str:
        import pytesseract

        # Tesseract's OpenMP threads would fight our process pool for the same cores: one thread per process.
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        tesseract_version()
        try:
            return pytesseract.image_to_data(page.image, lang=languages, config=f"{self.config} --dpi {page.dpi}",
                                             timeout=TIMEOUT_SECONDS)
        except pytesseract.TesseractError as exc:
            if "Failed loading language" in str(exc) or "Error opening data file" in str(exc):
                raise OcrUnavailable(f"tesseract has no language data for {languages!r}: install "
                                     "tesseract-ocr-fra and tesseract-ocr-eng (scripts/setup.sh)") from exc
            raise

    def recognise(self, page: PageImage, languages: str) -> list[OcrWord]:
        return parse_tsv(self.tsv(page, languages))


class CachedTesseract:
    """Tesseract with its TSV kept in a folder, one file per page input (``PageImage.key``).

    A hit replays the stored TSV; a miss runs tesseract and stores it (unless ``read_only``). Keys include the
    file hash, the page, the preparation steps and the languages, so a changed input never hits a stale entry.
    Used by tests (fixtures under tests/fixtures/ocr), by re-runs of a document, and by the Dask flow that OCRs
    pages elsewhere and fills the cache before the document is processed.
    """

    name = "tesseract"  # the same engine as far as the output is concerned

    def __init__(self, folder: Path, read_only: bool = False, engine: TesseractEngine | None = None) -> None:
        self.folder = Path(folder)
        self.read_only = read_only
        self.engine = engine or TesseractEngine()

    def path_for(self, page: PageImage, languages: str) -> Path:
        return self.folder / f"{cache_key(page.key, languages, self.engine.config)}.tsv"

    def cached(self, key: str, languages: str) -> list[OcrWord] | None:
        """The words stored for a page input, without preparing its image (None when not cached)."""
        path = self.folder / f"{cache_key(key, languages, self.engine.config)}.tsv"
        return parse_tsv(path.read_text(encoding="utf-8")) if key and path.is_file() else None

    def recognise(self, page: PageImage, languages: str) -> list[OcrWord]:
        path = self.path_for(page, languages) if page.key else None
        if path is not None and path.is_file():
            return parse_tsv(path.read_text(encoding="utf-8"))
        tsv = self.engine.tsv(page, languages)
        if path is not None and not self.read_only:
            store_tsv(path, tsv)
        return parse_tsv(tsv)


def cache_key(page_key: str, languages: str, config: str) -> str:
    """A file name for one page input: readable prefix (file hash, page) and a hash of the rest."""
    digest = hashlib.sha256(f"{page_key}|{languages}|{config}".encode()).hexdigest()[:12]
    prefix = page_key.split("|", 2)
    return f"{prefix[0][:16]}-{prefix[1] if len(prefix) > 1 else 'p'}-{digest}"


def store_tsv(path: Path, tsv: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(tsv, encoding="utf-8")
    temporary.replace(path)  # atomic: two workers writing the same page never leave half a file


def detect_rotation(image, dpi: int) -> int:
    """Degrees to turn the page (counter-clockwise, as ``Image.rotate``) so its text is upright, by tesseract's
    orientation detection; 0 when it cannot tell (too little text)."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        osd = pytesseract.image_to_osd(image, config=f"--psm 0 --dpi {dpi} -c min_characters_to_try=30",
                                       timeout=TIMEOUT_SECONDS)
    except pytesseract.TesseractError:
        return 0
    for row in osd.splitlines():
        if row.startswith("Rotate:"):
            return -int(row.split(":")[1])  # tesseract says how far to turn clockwise
    return 0
