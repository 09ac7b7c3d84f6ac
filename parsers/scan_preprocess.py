"""Preparing a scanned page for OCR: resolution, orientation, skew, noise, binarisation.

Each step is a function of a greyscale image, kept only because ``bench/ocr.py`` measured it helping on the
degraded scans (figures in docs/ocr.md); ``DEFAULT_STEPS`` is that measured choice. Steps never change the
page's physical size, so word boxes convert to PDF points with the returned DPI whatever was done.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageChops, ImageFilter

TARGET_DPI = 300  # tesseract's LSTM models read 10-12 pt text best at about 300 dpi
DPI_RANGE = (250, 400)  # inside it a page is left alone
ALL_STEPS = ("dropout", "denoise", "dpi", "orient", "deskew", "binarise")
DEFAULT_STEPS = ("dropout", "denoise", "deskew")  # measured: docs/ocr.md "Preprocessing, measured"
MAX_SKEW_DEGREES = 6.0


def prepare(image: Image.Image, dpi: int, steps: Sequence[str] = DEFAULT_STEPS, vertical_dpi: int | None = None,
            osd=None) -> tuple[Image.Image, int]:
    """The page as greyscale with square pixels and ``steps`` applied in a fixed order, and its resolution.

    Noise goes first, on the grid the device wrote (a fax speck is one pixel there, a blob once resampled);
    ``vertical_dpi`` differs from ``dpi`` for standard-mode faxes (204 x 98 dpi), whose rows are then stretched.
    """
    unknown = set(steps) - set(ALL_STEPS)
    if unknown:
        raise ValueError(f"unknown preprocessing steps {sorted(unknown)} (known: {', '.join(ALL_STEPS)})")
    page = drop_red_ink(image) if "dropout" in steps else image
    page = page.convert("L")
    if "denoise" in steps:
        page = denoise(page)
    if vertical_dpi and abs(vertical_dpi - dpi) > 1:
        page = page.resize((page.width, round(page.height * dpi / vertical_dpi)), Image.Resampling.BICUBIC)
    if "dpi" in steps:
        page, dpi = normalise_dpi(page, dpi)
    if "orient" in steps and osd is not None:
        page = rotate_upright(page, osd(page, dpi))
    if "deskew" in steps:
        page = deskew(page)
    if "binarise" in steps:
        page = binarise(page)
    return page, dpi


def normalise_dpi(page: Image.Image, dpi: int) -> tuple[Image.Image, int]:
    """Resample a page scanned far from 300 dpi (a 200 dpi fax, a 600 dpi scan) to 300 dpi."""
    if DPI_RANGE[0] <= dpi <= DPI_RANGE[1]:
        return page, dpi
    scale = TARGET_DPI / dpi
    size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
    return page.resize(size, Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC), TARGET_DPI


def rotate_upright(page: Image.Image, degrees: int) -> Image.Image:
    """Undo a quarter-turn that orientation detection reported (degrees clockwise the text is turned)."""
    if degrees % 360 == 0:
        return page
    return page.rotate(degrees, expand=True, fillcolor=255)


def otsu_threshold(pixels: np.ndarray) -> int:
    """The grey level that best separates ink from paper (Otsu's between-class variance)."""
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    levels = np.arange(256)
    weight_dark = np.cumsum(histogram)
    weight_light = total - weight_dark
    mean_dark = np.cumsum(histogram * levels)
    overall = mean_dark[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (overall * weight_dark / total - mean_dark) ** 2 / (weight_dark * weight_light)
    between = np.nan_to_num(between)
    return int(np.argmax(between))


def binarise(page: Image.Image) -> Image.Image:
    pixels = np.asarray(page)
    threshold = otsu_threshold(pixels)
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8))


def denoise(page: Image.Image) -> Image.Image:
    """Remove specks: on a black-and-white page (a fax) only isolated pixels, whose strokes are too thin for a
    median; on a grey page a 3x3 median (salt-and-pepper, dust)."""
    pixels = np.asarray(page)
    if np.count_nonzero((pixels > 0) & (pixels < 255)) < pixels.size // 1000:
        return Image.fromarray(despeckle(pixels))
    return page.filter(ImageFilter.MedianFilter(3))


def despeckle(pixels: np.ndarray) -> np.ndarray:
    """A black-and-white page without lone pixels: ink with at most one inked neighbour becomes paper, and
    paper with at most one paper neighbour becomes ink."""
    ink = (pixels < 128).astype(np.uint8)
    padded = np.pad(ink, 1)
    neighbours = sum(padded[1 + dy:padded.shape[0] - 1 + dy, 1 + dx:padded.shape[1] - 1 + dx]
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)
    ink[(ink == 1) & (neighbours <= 1)] = 0
    ink[(ink == 0) & (neighbours >= 7)] = 1
    return np.where(ink == 1, 0, 255).astype(np.uint8)


def drop_red_ink(image: Image.Image) -> Image.Image:
    """Red and orange ink (stamps, a form's printed boxes) turned to paper, as a scanner's colour dropout
    does; black print and blue or black handwriting stay. Greyscale pages are returned as they are."""
    if image.mode not in ("RGB", "RGBA", "P", "CMYK"):
        return image
    rgb = image.convert("RGB")
    red, green, blue = rgb.split()
    redness = ImageChops.subtract(red, ImageChops.lighter(green, blue))  # red above the other two, 0 if not
    mask = redness.point(lambda v: 255 if v > 60 else 0)
    if mask.getbbox() is None:
        return rgb
    rgb.paste((255, 255, 255), mask=mask)
    return rgb


def skew_angle(page: Image.Image, limit: float = MAX_SKEW_DEGREES) -> float:
    """The rotation (degrees, counter-clockwise positive) that makes text lines horizontal.

    Projection profile on a reduced, inverted, binarised copy: text lines give sharp row-sum peaks only when
    they are level, so the angle whose row sums vary most wins; coarse 0.5° steps, then 0.1° around the best.
    """
    scale = min(1.0, 1000 / max(page.size))
    small = page.resize((max(1, int(page.width * scale)), max(1, int(page.height * scale))),
                        Image.Resampling.BILINEAR)
    pixels = np.asarray(small)
    ink = Image.fromarray(np.where(pixels > otsu_threshold(pixels), 0, 255).astype(np.uint8))
    if np.asarray(ink).mean() < 0.5:  # a blank page has no lines to level
        return 0.0

    def score(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0), dtype=np.float64).sum(1)
        return float(np.sum(np.diff(rows) ** 2))

    coarse = max(np.arange(-limit, limit + 0.01, 0.5), key=score)
    fine = max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=score)
    return round(float(fine), 1)


def deskew(page: Image.Image) -> Image.Image:
    angle = skew_angle(page)
    if abs(angle) < 0.15:
        return page
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
