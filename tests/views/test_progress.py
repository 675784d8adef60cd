"""Training progress (core.views.progress): live only on a terminal; CSV history; loss
curves in SVG and PNG, the PNG with the SVG's labels."""
import io
import struct
import zlib

import numpy as np
import pytest

from core import mlp, train
from core.errors import GatesError
from core.examples import xor_feed
from core.views.pngfont import text_width
from core.views.progress import (
    Progress,
    loss_curve,
    loss_curve_png,
    loss_curve_svg,
    read_csv,
    write_png,
)

INK = (55, 65, 81)  # the colour of the axes and the labels


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(stream, epochs=30):
    net = mlp([2, 3, 1], "sigmoid", cost="mse")
    progress = Progress(epochs, stream=stream, interval=0.0, rate=0.5)
    history = train(net, xor_feed(), epochs=epochs, rate=0.5, callback=progress)
    progress.close()
    return progress, history


def test_quiet_when_not_a_terminal():
    stream = io.StringIO()
    progress, history = run(stream)
    assert stream.getvalue() == ""
    assert progress.losses == history.losses and progress.steps == list(range(1, 31))


def test_live_line_on_a_terminal():
    stream = Terminal()
    progress, history = run(stream)
    out = stream.getvalue()
    assert out.count("\r") >= 30 and out.endswith("\n")
    last = out.rstrip("\n").split("\r")[-1]
    assert last.startswith("step 30/30 100%  epoch 30  J ")
    assert f"J {history.losses[-1]:.6g}" in last and "lr 0.5" in last and "steps/s" in last


def test_history_csv_round_trips(tmp_path):
    progress, history = run(io.StringIO())
    path = progress.write_csv(tmp_path / "loss.csv")
    assert path.read_text().splitlines()[0] == "step,epoch,loss"
    steps, losses = read_csv(path)
    assert steps == list(range(1, 31)) and losses == history.losses  # full precision


def test_svg_curve(tmp_path):
    losses = list(np.geomspace(1.0, 1e-4, 50))
    svg = loss_curve_svg(losses, tmp_path / "loss.svg")
    assert svg.startswith("<svg") and "(log scale)" in svg
    points = svg.split('points="')[1].split('"')[0].split()
    assert len(points) == 50
    ys = [float(p.split(",")[1]) for p in points]
    assert ys == sorted(ys)  # a falling loss: SVG y grows down the page
    assert "(log scale)" not in loss_curve_svg([3.0, 2.0, 1.5])


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
    green = np.argwhere((px == (21, 128, 61)).all(axis=2))
    assert len(green) > 50
    left, right = green[green[:, 1] < 30], green[green[:, 1] > 70]
    assert left[:, 0].mean() < right[:, 0].mean()  # high loss at the top left


def test_loss_curve_by_suffix(tmp_path):
    assert loss_curve([2.0, 1.0], tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(GatesError, match="use a .svg or .png name"):
        loss_curve([2.0, 1.0], tmp_path / "a.gif")


def test_curve_title_is_escaped_and_all_nan_is_refused(tmp_path):
    import xml.etree.ElementTree as ET
    svg = loss_curve_svg([3.0, 2.0, 1.0], title="J <train & test>")
    assert "J &lt;train &amp; test&gt;" in ET.tostring(ET.fromstring(svg), encoding="unicode")
    with pytest.raises(GatesError, match="no finite losses"):
        loss_curve_svg([float("nan")] * 3)


def ink(px, rows, cols=slice(None)):
    return np.argwhere((px[rows, cols] == INK).all(axis=2))


def test_the_png_has_a_title_the_loss_range_and_the_steps(tmp_path):
    plain = png_pixels(loss_curve_png([0.5, 0.3, 0.1], tmp_path / "a.png").read_bytes())
    logged = png_pixels(loss_curve_png(list(np.geomspace(1, 1e-6, 50)),
                                       tmp_path / "b.png").read_bytes())
    for px, title in ((plain, "loss"), (logged, "loss (log scale)")):
        found = ink(px, slice(14, 26))  # the title's band, above the plot
        span = found[:, 1].max() - found[:, 1].min() + 1
        assert text_width(title) - 3 <= span <= text_width(title)  # glyphs' blank edges
        # the top loss ("1" has 10 pixels), left of the axis
        assert len(ink(px, slice(40, 70), slice(0, 52))) >= 8
        assert len(ink(px, slice(310, 320), slice(0, 60))) > 3  # step 1 under the axis
        assert len(ink(px, slice(336, 346))) > 10  # "step"


def test_a_small_png_keeps_only_the_curve(tmp_path):
    px = png_pixels(loss_curve_png([1.0, 0.5], tmp_path / "s.png", width=100,
                                   height=60).read_bytes())
    assert len(ink(px, slice(0, 20))) == 0
