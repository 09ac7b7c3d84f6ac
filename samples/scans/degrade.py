"""Make a clean page look scanned or faxed: each kind of damage a real intake sees, reproducibly (seeded).

Every function takes the clean 300 dpi RGB page and a ``numpy`` random generator and returns the damaged page
and its resolution; ``save`` writes it as the device would (greyscale PNG, JPEG, bilevel G3/G4 TIFF).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from render import FONT_DIR, SCALE

KINDS = ("clean", "rotation", "blur", "salt_pepper", "jpeg", "fax", "stamp", "fax_noisy")


@dataclass(frozen=True)
class Scan:
    image: Image.Image
    dpi: tuple[int, int]
    format: str  # "png", "jpeg", "tiff-g4", "tiff-g3"

    @property
    def suffix(self) -> str:
        return {"png": ".png", "jpeg": ".jpg"}.get(self.format, ".tif")


def paper(image: Image.Image, rng: np.random.Generator, colour: bool = False) -> Image.Image:
    """Greyscale (or colour) with a slightly uneven paper tone, as a flatbed scanner gives."""
    pixels = np.asarray(image.convert("RGB" if colour else "L"), dtype=np.float32)
    tone = rng.uniform(232, 246)
    gradient = np.linspace(0, rng.uniform(-8, 8), pixels.shape[1], dtype=np.float32)[None, :]
    if colour:
        gradient = gradient[..., None]
    pixels = pixels * (tone / 255) + np.round(gradient)  # whole grey levels: the PNG stays small
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def rotate(image: Image.Image, rng: np.random.Generator, low: float = 1.5, high: float = 4.0) -> Image.Image:
    angle = rng.uniform(low, high) * rng.choice((-1, 1))
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(255, 255, 255) if image.mode == "RGB"
                        else 255)


def salt_and_pepper(image: Image.Image, rng: np.random.Generator, amount: float) -> Image.Image:
    pixels = np.array(image.convert("L"))
    noise = rng.random(pixels.shape)
    pixels[noise < amount / 2] = 0
    pixels[noise > 1 - amount / 2] = 255
    return Image.fromarray(pixels)


def resample(image: Image.Image, dpi: int, vertical_dpi: int | None = None) -> Image.Image:
    factor = dpi / 300
    height_factor = (vertical_dpi or dpi) / 300
    return image.resize((round(image.width * factor), round(image.height * height_factor)), Image.Resampling.LANCZOS)


def bilevel(image: Image.Image, rng: np.random.Generator, threshold: int = 150) -> Image.Image:
    """A fax machine's black and white, with a little jitter on the threshold (thin strokes break up)."""
    pixels = np.asarray(image.convert("L"), dtype=np.int16) + rng.normal(0, 12, image.size[::-1]).astype(np.int16)
    return Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8)).convert("1")


def stamp(image: Image.Image, rng: np.random.Generator, text: str, place: tuple[float, float]) -> Image.Image:
    """A rubber stamp in red ink, at an angle, over whatever is printed there."""
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), round(15 * SCALE))
    width, height = round(190 * SCALE), round(48 * SCALE)
    layer = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(layer)
    draw.rectangle([6, 6, width - 6, height - 6], outline=255, width=round(2.2 * SCALE))
    draw.text((width / 2, height / 2), text, font=font, fill=255, anchor="mm")
    mottled = (rng.random((height, width)) > 0.25).astype(np.uint8) * 255
    layer = ImageChops.multiply(layer, Image.fromarray(mottled)).filter(ImageFilter.GaussianBlur(1))
    layer = layer.rotate(rng.uniform(-18, 18), expand=True, resample=Image.Resampling.BICUBIC)
    ink = Image.new("RGB", layer.size, (200, 30, 40))
    stamped = image.copy()
    x, y = round(place[0] * SCALE), round(place[1] * SCALE)
    region = stamped.crop((x, y, x + layer.width, y + layer.height))
    coloured = ImageChops.multiply(region, Image.composite(ink, Image.new("RGB", layer.size, "white"), layer))
    stamped.paste(coloured, (x, y))
    return stamped


def degrade(page: Image.Image, kind: str, rng: np.random.Generator, stamp_text: str = "REÇU LE 14 MARS 2026"
            ) -> Scan:
    """``page`` (clean, 300 dpi, RGB) damaged the ``kind`` way."""
    if kind == "clean":
        return Scan(paper(page, rng), (300, 300), "png")
    if kind == "rotation":
        return Scan(paper(rotate(page, rng), rng), (300, 300), "png")
    if kind == "blur":
        blurred = page.filter(ImageFilter.GaussianBlur(rng.uniform(1.8, 2.4)))
        return Scan(resample(paper(blurred, rng), 200), (200, 200), "png")
    if kind == "salt_pepper":
        return Scan(salt_and_pepper(paper(rotate(page, rng, 0.3, 1.0), rng), rng, rng.uniform(0.03, 0.05)),
                    (300, 300), "png")
    if kind == "jpeg":
        small = resample(paper(page, rng), 150)
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=int(rng.integers(10, 16)))
        return Scan(Image.open(io.BytesIO(buffer.getvalue())), (150, 150), "jpeg")
    if kind == "fax":
        return Scan(bilevel(resample(page, 204, 196), rng), (204, 196), "tiff-g4")
    if kind == "fax_noisy":  # standard mode (98 lines per inch), skewed feed, line noise
        tilted = rotate(page, rng, 0.8, 2.0)
        faxed = bilevel(resample(tilted, 204, 98), rng, threshold=140)
        return Scan(salt_and_pepper(faxed, rng, 0.01).convert("1"), (204, 98), "tiff-g3")
    if kind == "stamp":
        stamped = stamp(page, rng, stamp_text, (rng.uniform(300, 360), rng.uniform(70, 110)))
        return Scan(paper(stamped, rng, colour=True), (300, 300), "png")  # a colour scan: the ink is red
    raise ValueError(f"unknown degradation {kind!r} (known: {', '.join(KINDS)})")


def save(pages: list[Scan]) -> bytes:
    """The bytes of the scan file; several pages only as a TIFF (a multi-page fax)."""
    first = pages[0]
    buffer = io.BytesIO()
    if first.format == "png":
        first.image.save(buffer, "PNG", dpi=first.dpi)
    elif first.format == "jpeg":
        buffer.write(_jpeg_bytes(first))
    else:
        compression = "group4" if first.format == "tiff-g4" else "group3"
        first.image.save(buffer, "TIFF", compression=compression, dpi=first.dpi, save_all=len(pages) > 1,
                         append_images=[p.image for p in pages[1:]])
    return buffer.getvalue()


def _jpeg_bytes(scan: Scan) -> bytes:
    buffer = io.BytesIO()
    scan.image.convert("L").save(buffer, "JPEG", quality=85, dpi=scan.dpi)  # what the scanner stores
    return buffer.getvalue()
