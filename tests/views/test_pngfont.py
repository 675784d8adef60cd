"""The 5x7 pixel font of the PNG loss curve's labels (core.views.pngfont)."""
import numpy as np
import pytest

from core.views.pngfont import draw_text

INK = (55, 65, 81)


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
