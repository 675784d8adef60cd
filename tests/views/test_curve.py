"""Loss curves (core.views.curve) in SVG and PNG: ticks per decade on a log axis and at
round numbers on a linear one, labels that fit inside the picture, the PNG with the
SVG's labels in a pixel font, and NaN steps left out of the line."""
import re
import struct
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pytest

from core.errors import GatesError
from core.views.curve import (
    decade_label,
    layout,
    loss_curve,
    loss_curve_png,
    loss_curve_svg,
    loss_ticks,
    step_ticks,
    write_png,
)
from core.views.pngfont import GLYPHS, text_width

INK = (55, 65, 81)  # the colour of the axes and the labels
LINE = (21, 128, 61)  # the curve


def svg_texts(svg):
    """[(x, y, anchor, text)] of every <text> of an SVG."""
    ns = "{http://www.w3.org/2000/svg}"
    return [(float(t.get("x")), float(t.get("y")), t.get("text-anchor"), t.text)
            for t in ET.fromstring(svg).iter(f"{ns}text")]


def test_svg_curve(tmp_path):
    losses = list(np.geomspace(1.0, 1e-4, 50))
    svg = loss_curve_svg(losses, tmp_path / "loss.svg")
    assert svg.startswith("<svg") and "(log scale)" in svg
    points = svg.split('points="')[1].split('"')[0].split()
    assert len(points) == 50
    ys = [float(p.split(",")[1]) for p in points]
    assert ys == sorted(ys)  # a falling loss: SVG y grows down the page
    assert "(log scale)" not in loss_curve_svg([3.0, 2.0, 1.5])


def test_a_log_axis_has_a_labelled_tick_per_decade():
    svg = loss_curve_svg(list(np.geomspace(0.5, 2e-5, 300)))
    labels = [t for x, y, anchor, t in sorted(svg_texts(svg), key=lambda t: t[1])
              if anchor == "end"]  # from the top down
    assert labels == ["1", "0.1", "0.01", "0.001", "1e-4", "1e-5"]


def test_eighteen_decades_get_every_second_label_and_a_tick_for_each():
    # what `gates train` drew for the seed network: two labels across 18 decades, the
    # lowest clipped at the picture's edge (".54e-18")
    svg = loss_curve_svg(list(np.geomspace(0.5, 1.54e-18, 3000)))
    texts = svg_texts(svg)
    labels = [t for x, y, anchor, t in sorted(texts, key=lambda t: t[1]) if anchor == "end"]
    assert labels == ["1", "0.01", "1e-4", "1e-6", "1e-8", "1e-10", "1e-12", "1e-14", "1e-16",
                      "1e-18"]
    ticks = re.findall(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1" stroke="#374151"',
                       svg)
    assert len(ticks) == 19 + 1  # a tick per decade, 1e-18 to 1, and the step axis
    for x, _y, anchor, text in texts:  # nothing reaches past an edge (0.7 em per character)
        half = {"end": 1, "middle": 0.5}.get(anchor, 0) * 0.7 * 12 * len(text)
        assert x - half >= 0 and x + (0.7 * 12 * len(text) - half) <= 640 + 1e-9, text


def test_a_linear_axis_is_ticked_at_round_numbers():
    low, high, ticks, minor = loss_ticks(0.47, 0.9, log=False)
    assert [label for _, label in ticks] == ["0.4", "0.5", "0.6", "0.7", "0.8", "0.9"]
    assert (low, high, minor) == (pytest.approx(0.4), pytest.approx(0.9), [])
    assert step_ticks(3000) == [1, 500, 1000, 1500, 2000, 2500, 3000]
    assert step_ticks(3) == [1, 2, 3] and step_ticks(1) == [1]
    assert [decade_label(k) for k in (-18, -4, -3, 0, 3, 6)] == \
        ["1e-18", "1e-4", "0.001", "1", "1000", "1e6"]


def test_steps_without_a_finite_loss_are_left_out_of_the_line():
    losses = list(np.geomspace(2.3, 0.004, 120))
    losses[50] = float("nan")
    losses[70] = float("inf")
    svg = loss_curve_svg(losses)
    assert "nan" not in svg and "inf" not in svg
    assert svg.count("<polyline") == 3
    at = layout(losses, 640, 360, None, len, 12)
    assert at.log and np.isnan(at.ys[50]) and np.isnan(at.ys[70])


def png_pixels(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    idat = data[data.index(b"IDAT") + 4:data.index(b"IEND") - 8]
    raw = zlib.decompress(idat)
    rows = [raw[r * (3 * w + 1) + 1:(r + 1) * (3 * w + 1)] for r in range(h)]
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(h, w, 3)


def test_png_writer_is_a_valid_png(tmp_path):
    img = np.zeros((3, 4, 3), dtype=np.uint8)
    img[1, 2] = (10, 200, 30)
    np.testing.assert_array_equal(png_pixels(write_png(img, tmp_path / "x.png").read_bytes()),
                                  img)


def test_png_curve_draws_a_falling_line(tmp_path):
    path = loss_curve_png([1.0, 0.5, 0.25, 0.1], tmp_path / "loss.png", width=100, height=60)
    px = png_pixels(path.read_bytes())
    green = np.argwhere((px == LINE).all(axis=2))
    assert len(green) > 50
    left, right = green[green[:, 1] < 30], green[green[:, 1] > 70]
    assert left[:, 0].mean() < right[:, 0].mean()  # high loss at the top left


def test_loss_curve_by_suffix(tmp_path):
    assert loss_curve([2.0, 1.0], tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(GatesError, match="use a .svg or .png name"):
        loss_curve([2.0, 1.0], tmp_path / "a.gif")


def test_curve_title_is_escaped_and_all_nan_is_refused(tmp_path):
    svg = loss_curve_svg([3.0, 2.0, 1.0], title="J <train & test>")
    assert "J &lt;train &amp; test&gt;" in ET.tostring(ET.fromstring(svg), encoding="unicode")
    with pytest.raises(GatesError, match="no finite losses"):
        loss_curve_svg([float("nan")] * 3)


def ink(px, rows, cols=slice(None)):
    return np.argwhere((px[rows, cols] == INK).all(axis=2))


def glyph_pixels(text):
    return sum(row.count("1") for ch in text for row in GLYPHS[ch])


def test_the_png_has_a_title_and_every_label_whole(tmp_path):
    plain = png_pixels(loss_curve_png([0.5, 0.3, 0.1], tmp_path / "a.png").read_bytes())
    losses = list(np.geomspace(1, 1.54e-18, 50))
    logged = png_pixels(loss_curve_png(losses, tmp_path / "b.png").read_bytes())
    for px, title in ((plain, "loss"), (logged, "loss (log scale)")):
        found = ink(px, slice(14, 21))  # the title's band, above the plot
        span = found[:, 1].max() - found[:, 1].min() + 1
        assert text_width(title) - 3 <= span <= text_width(title)  # glyphs' blank edges
        assert len(ink(px, slice(340, 360))) == glyph_pixels("step")
    at = layout(losses, 640, 360, None, text_width, 10)
    left, bottom = int(round(at.left)), int(round(at.bottom))
    # the lowest label, 1e-18, whole left of the axis (the SVG used to clip it)
    assert max(at.y_ticks)[1] == "1e-18"  # the lowest on the page
    assert len(ink(logged, slice(bottom - 3, bottom + 4), slice(0, left - 4))) == \
        glyph_pixels("1e-18")
    # the first and last step under the axis, whole
    assert len(ink(logged, slice(bottom + 8, bottom + 15), slice(0, left + 10))) == \
        glyph_pixels("1")
    assert len(ink(logged, slice(bottom + 8, bottom + 15), slice(600, 640))) == \
        glyph_pixels("50")


def test_a_small_png_keeps_only_the_curve(tmp_path):
    px = png_pixels(loss_curve_png([1.0, 0.5], tmp_path / "s.png", width=100,
                                   height=60).read_bytes())
    assert len(ink(px, slice(0, 20))) == 0
