"""Scan preparation: each step does what it says on pages made here (no tesseract)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from parsers.scan_preprocess import (binarise, denoise, despeckle, drop_red_ink, normalise_dpi, otsu_threshold,
                                     prepare, skew_angle)

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def text_page(size=(1240, 1754)) -> Image.Image:
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 28)
    for row in range(18):
        draw.text((80, 120 + 60 * row), "Bon de commande 2026 – désignation, quantité, prix unitaire", font=font,
                  fill=0)
    return page


@pytest.mark.parametrize("angle", [-3.2, -1.0, 0.0, 2.5])
def test_the_skew_of_text_lines_is_measured(angle):
    tilted = text_page().rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert skew_angle(tilted) == pytest.approx(-angle, abs=0.25)


def test_a_blank_page_has_no_skew():
    assert skew_angle(Image.new("L", (800, 1100), 255)) == 0.0


def test_otsu_splits_ink_from_paper():
    pixels = np.array([[30] * 50 + [220] * 50], dtype=np.uint8)
    assert 30 <= otsu_threshold(pixels) < 220
    assert set(np.unique(np.asarray(binarise(Image.fromarray(pixels))))) == {0, 255}


def test_lone_fax_pixels_go_and_strokes_stay():
    page = np.full((40, 40), 255, dtype=np.uint8)
    page[10:30, 20:22] = 0  # a 2-pixel stroke, as a fax draws a letter's stem
    page[5, 5] = 0  # a speck
    page[20, 10] = 0
    cleaned = despeckle(page)
    assert cleaned[5, 5] == 255 and cleaned[20, 10] == 255
    assert (cleaned[10:30, 20:22] == 0).all()
    assert np.array_equal(np.asarray(denoise(Image.fromarray(page))), cleaned)  # bilevel: despeckled


def test_salt_and_pepper_on_grey_goes_with_a_median():
    rng = np.random.default_rng(1)
    page = np.full((100, 100), 240, dtype=np.uint8)
    page[rng.random(page.shape) < 0.03] = 0
    page[40:60, 40:60] = 128  # grey: not a fax
    assert (np.asarray(denoise(Image.fromarray(page)))[:30] == 240).all()


def test_red_stamps_drop_out_and_black_and_blue_ink_stay():
    page = Image.new("RGB", (30, 10), "white")
    page.putpixel((1, 1), (200, 30, 40))  # stamp red
    page.putpixel((2, 2), (0, 0, 0))
    page.putpixel((3, 3), (20, 40, 150))  # ballpoint blue
    cleaned = drop_red_ink(page)
    assert cleaned.getpixel((1, 1)) == (255, 255, 255)
    assert cleaned.getpixel((2, 2)) == (0, 0, 0) and cleaned.getpixel((3, 3)) == (20, 40, 150)
    grey = Image.new("L", (5, 5), 0)
    assert drop_red_ink(grey) is grey


def test_resolution_is_normalised_to_300_dpi_outside_250_to_400():
    page = Image.new("L", (1700, 2200), 255)
    resized, dpi = normalise_dpi(page, 200)
    assert dpi == 300 and resized.size == (2550, 3300)
    assert normalise_dpi(page, 300) == (page, 300)


def test_a_standard_mode_fax_gets_square_pixels_and_its_size_in_points_is_kept():
    fax = Image.new("L", (1728, 1100), 255)  # 204 x 98 dpi: 8.47 x 11.2 inches
    page, dpi = prepare(fax, 204, ("dpi",), vertical_dpi=98)
    assert dpi == 300
    assert page.width * 72 / dpi == pytest.approx(1728 * 72 / 204, rel=0.01)
    assert page.height * 72 / dpi == pytest.approx(1100 * 72 / 98, rel=0.01)


def test_unknown_steps_are_refused():
    with pytest.raises(ValueError, match="unknown preprocessing steps"):
        prepare(Image.new("L", (10, 10)), 300, ("sharpen",))
