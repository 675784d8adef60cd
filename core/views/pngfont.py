"""A tiny 5x7 bitmap font, so the PNG loss curve can carry a few labels.

Only what the curve writes is drawn: digits, ``. - + e`` for numbers like
``2.54e-18``, and the letters of "loss", "log scale" and "step". Each glyph is
seven rows of five pixels, in the style of the classic HD44780 LCD character
set (drawn here by hand, not copied).
"""
from __future__ import annotations

import numpy as np

GLYPHS = {
    "0": ["01110", "10001", "10011", "10101", "11001", "10001", "01110"],
    "1": ["00100", "01100", "00100", "00100", "00100", "00100", "01110"],
    "2": ["01110", "10001", "00001", "00010", "00100", "01000", "11111"],
    "3": ["11110", "00001", "00001", "01110", "00001", "00001", "11110"],
    "4": ["00010", "00110", "01010", "10010", "11111", "00010", "00010"],
    "5": ["11111", "10000", "11110", "00001", "00001", "10001", "01110"],
    "6": ["00110", "01000", "10000", "11110", "10001", "10001", "01110"],
    "7": ["11111", "00001", "00010", "00100", "01000", "01000", "01000"],
    "8": ["01110", "10001", "10001", "01110", "10001", "10001", "01110"],
    "9": ["01110", "10001", "10001", "01111", "00001", "00010", "01100"],
    ".": ["00000", "00000", "00000", "00000", "00000", "01100", "01100"],
    "-": ["00000", "00000", "00000", "11111", "00000", "00000", "00000"],
    "+": ["00000", "00100", "00100", "11111", "00100", "00100", "00000"],
    "e": ["00000", "00000", "01110", "10001", "11111", "10000", "01110"],
    "l": ["01100", "00100", "00100", "00100", "00100", "00100", "01110"],
    "o": ["00000", "00000", "01110", "10001", "10001", "10001", "01110"],
    "s": ["00000", "00000", "01111", "10000", "01110", "00001", "11110"],
    "g": ["00000", "01111", "10001", "10001", "01111", "00001", "01110"],
    "c": ["00000", "00000", "01110", "10000", "10000", "10001", "01110"],
    "a": ["00000", "00000", "01110", "00001", "01111", "10001", "01111"],
    "t": ["01000", "01000", "11100", "01000", "01000", "01001", "00110"],
    "p": ["00000", "00000", "11110", "10001", "11110", "10000", "10000"],
    "(": ["00010", "00100", "01000", "01000", "01000", "00100", "00010"],
    ")": ["01000", "00100", "00010", "00010", "00010", "00100", "01000"],
    " ": ["00000"] * 7,
}
WIDTH, HEIGHT = 6, 7  # a glyph and one column of space


def text_width(text: str) -> int:
    return WIDTH * len(text) - 1 if text else 0


def draw_text(img: np.ndarray, text: str, x: int, y: int, colour=(55, 65, 81)) -> None:
    """Draw ``text`` with its top-left corner at (x, y); what falls outside is clipped.

    A character without a glyph is an error: the caller writes only numbers
    and the few words above.
    """
    h, w = img.shape[:2]
    for k, ch in enumerate(text):
        rows = GLYPHS.get(ch)
        if rows is None:
            raise ValueError(f"the PNG font has no glyph for {ch!r}")
        for r, row in enumerate(rows):
            for c, bit in enumerate(row):
                px, py = x + k * WIDTH + c, y + r
                if bit == "1" and 0 <= px < w and 0 <= py < h:
                    img[py, px] = colour
