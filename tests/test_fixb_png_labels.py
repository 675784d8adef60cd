"""The PNG loss curve carries the SVG's labels, drawn with a 5x7 pixel font."""
import numpy as np
import pytest

from core.views.pngfont import draw_text, text_width
from core.views.progress import loss_curve_png
from tests.test_progress_loss import _png_pixels

INK = (55, 65, 81)


def _ink(px, rows, cols=slice(None)):
    return np.argwhere((px[rows, cols] == INK).all(axis=2))


def test_a_glyph_is_drawn_upright_where_asked():
    img = np.full((9, 8, 3), 255, dtype=np.uint8)
    draw_text(img, "7", 1, 1)
    ink = (img == INK).all(axis=2).astype(int)
    assert ink[1:8, 1:6].tolist() == [[1, 1, 1, 1, 1], [0, 0, 0, 0, 1], [0, 0, 0, 1, 0],
                                      [0, 0, 1, 0, 0], [0, 1, 0, 0, 0], [0, 1, 0, 0, 0],
                                      [0, 1, 0, 0, 0]]
    assert ink.sum() == ink[1:8, 1:6].sum()  # nothing outside the glyph's box


def test_a_character_without_a_glyph_is_named():
    with pytest.raises(ValueError, match="no glyph for 'Q'"):
        draw_text(np.zeros((8, 8, 3), dtype=np.uint8), "Q", 0, 0)


def test_the_png_has_a_title_the_loss_range_and_the_steps(tmp_path):
    plain = _png_pixels(loss_curve_png([0.5, 0.3, 0.1], tmp_path / "a.png").read_bytes())
    logged = _png_pixels(loss_curve_png(list(np.geomspace(1, 1e-6, 50)),
                                        tmp_path / "b.png").read_bytes())
    for px, title in ((plain, "loss"), (logged, "loss (log scale)")):
        ink = _ink(px, slice(14, 26))  # the title's band, above the plot
        span = ink[:, 1].max() - ink[:, 1].min() + 1
        assert text_width(title) - 3 <= span <= text_width(title)  # glyphs' blank edges
        assert len(_ink(px, slice(40, 70), slice(0, 52))) >= 8  # the top loss ("1" has 10 pixels), left of the axis
        assert len(_ink(px, slice(310, 320), slice(0, 60))) > 3  # step 1 under the axis
        assert len(_ink(px, slice(336, 346))) > 10  # "step"


def test_a_small_png_keeps_only_the_curve(tmp_path):
    px = _png_pixels(loss_curve_png([1.0, 0.5], tmp_path / "s.png", width=100,
                                    height=60).read_bytes())
    assert len(_ink(px, slice(0, 20))) == 0
