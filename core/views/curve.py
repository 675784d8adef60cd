"""Loss curves: a line chart of the loss by step, as SVG or as PNG (no plotting library).

Both pictures share one layout (``layout``): the loss axis is logarithmic when
the finite losses span more than a factor of 100, with a tick and a gridline at
every power of ten (every second, fifth, ... one when there are more than ten),
and linear otherwise, with ticks at round numbers (1, 2 or 5 times a power of
ten); the axis runs from tick to tick, so the curve's ends are labelled. The step
axis is ticked at round numbers from step 1 to the last step. The margins are
made wide enough for the longest label, so no label is clipped. Steps whose loss
is NaN or infinite are left out of the line. The PNG writes the same labels in
a 5x7 pixel font (``core.views.pngfont``) and ``write_png`` is a few lines of zlib.
"""
from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import attrs
import numpy as np

from core.errors import GatesError

INK, GRID, LINE = "#374151", "#e5e7eb", "#15803d"  # axes and labels, gridlines, the curve
MOST_TICKS = 10  # on the loss axis


@attrs.define
class Layout:
    """Where everything goes: the plot area, the ticks and their labels, the curve."""

    log: bool
    left: float
    right: float
    top: float
    bottom: float
    y_ticks: list[tuple[float, str]]  # (pixel row, label)
    y_minor: list[float]  # pixel rows of the powers of ten that carry no label
    x_ticks: list[tuple[float, str]]  # (pixel column, label)
    xs: np.ndarray  # the curve, in pixels; NaN where the loss is not finite
    ys: np.ndarray


def decade_label(k: int) -> str:
    """10**k as a tick label: 0.001 ... 1000 written out, 1e-18 and 1e6 beyond."""
    return f"{10.0 ** k:g}" if -3 <= k <= 3 else f"1e{k}"


def _round_step(span: float, most: int) -> float:
    """The least of 1, 2 or 5 times a power of ten that cuts ``span`` in at most ``most``."""
    raw = span / most
    power = 10.0 ** math.floor(math.log10(raw))
    return next(f * power for f in (1, 2, 5, 10) if f * power >= raw * (1 - 1e-9))


def loss_ticks(lo: float, hi: float, log: bool
               ) -> tuple[float, float, list[tuple[float, str]], list[float]]:
    """(axis low, axis high, [(value, label)], [unlabelled value]) for losses from ``lo``
    to ``hi``; on a log axis the values are exponents of ten, and the decades between
    labelled ones get a tick without a label."""
    if log:
        first, last = math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1)
        every = next(k for k in (1, 2, 3, 5, 10, 20, 50, 100, 1000)
                     if (last - first) / k <= MOST_TICKS)
        first, last = every * math.floor(first / every), every * math.ceil(last / every)
        return (first, last, [(k, decade_label(k)) for k in range(first, last + 1, every)],
                [k for k in range(first, last + 1) if (k - first) % every])
    if hi - lo < 1e-12 * max(1.0, abs(hi)):
        lo, hi = lo - 0.5, hi + 0.5
    step = _round_step(hi - lo, 5)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return first * step, last * step, [(k * step, f"{k * step:.6g}") for k in
                                       range(first, last + 1)], []


def step_ticks(n: int) -> list[int]:
    """Round steps from 1 to ``n``, both ends included."""
    if n <= 1:
        return [1]
    step = max(1, int(_round_step(n - 1, 6)))
    inner = [k for k in range(step, n, step) if 1 + 0.4 * step < k < n - 0.4 * step]
    return [1, *inner, n]


def layout(losses: Sequence[float], width: int, height: int, log: bool | None,
           text_width: Callable[[str], float], line: float) -> Layout:
    """The layout of a ``width`` x ``height`` chart whose labels measure ``text_width``
    and whose text lines are ``line`` high."""
    y = np.asarray(losses, dtype=float)
    if y.size == 0:
        raise GatesError("no losses to draw")
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        raise GatesError("no finite losses to draw: every loss is nan or infinite")
    if log is None:
        log = bool(finite.min() > 0 and finite.max() / finite.min() > 100)
    with np.errstate(divide="ignore", invalid="ignore"):
        yy = np.log10(np.where(y > 0, y, np.nan)) if log else y
    shown = yy[np.isfinite(yy)]
    if shown.size == 0:
        raise GatesError("no positive losses to draw on a log scale")
    low, high, ticks, minor = loss_ticks(float(shown.min()), float(shown.max()), log)
    steps = step_ticks(y.size)
    left = 12 + max(text_width(label) for _, label in ticks) + 6
    right = 12 + text_width(str(steps[-1])) / 2
    top, bottom = 2.5 * line + 6, 3 * line + 14
    plot_w, plot_h = width - left - right, height - top - bottom
    row = lambda v: top + plot_h * (high - v) / (high - low)  # noqa: E731
    column = lambda s: left + plot_w * (s - 1) / max(1, y.size - 1)  # noqa: E731
    ys = np.where(np.isfinite(yy), row(np.where(np.isfinite(yy), yy, low)), np.nan)
    return Layout(log, left, width - right, top, height - bottom,
                  [(row(v), label) for v, label in ticks], [row(v) for v in minor],
                  [(column(s), str(s)) for s in steps],
                  column(np.arange(1, y.size + 1)), ys)


def _runs(xs: np.ndarray, ys: np.ndarray, most: int = 2000) -> list[list[tuple[float, float]]]:
    """The curve as runs of finite points, thinned to at most ``most`` points in all."""
    keep = np.unique(np.linspace(0, xs.size - 1, min(xs.size, most)).astype(int))
    runs: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs[keep], ys[keep]):
        if np.isfinite(y):
            runs[-1].append((float(x), float(y)))
        elif runs[-1]:
            runs.append([])
    return [r for r in runs if r]


def loss_curve_svg(losses: Sequence[float], path: str | Path | None = None, *,
                   width: int = 640, height: int = 360, log: bool | None = None,
                   title: str = "loss") -> str:
    """An SVG line chart of ``losses`` by step (log scale when they span 100x)."""
    size = 12
    at = layout(losses, width, height, log, lambda s: 0.62 * size * len(s), size)
    text = lambda x, y, s, anchor="middle", extra="": (  # noqa: E731
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(s)}</text>')
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="{size}" fill="{INK}">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           text(width / 2, 20, title + (" (log scale)" if at.log else ""), extra=' font-size="14"')]
    for y, label in at.y_ticks:
        svg.append(f'<line x1="{at.left}" y1="{y:.1f}" x2="{at.right}" y2="{y:.1f}" '
                   f'stroke="{GRID}"/>')
        svg.append(f'<line x1="{at.left - 5}" y1="{y:.1f}" x2="{at.left}" y2="{y:.1f}" '
                   f'stroke="{INK}"/>')
        svg.append(text(at.left - 8, y + size * 0.35, label, "end"))
    svg += [f'<line x1="{at.left - 3}" y1="{y:.1f}" x2="{at.left}" y2="{y:.1f}" '
            f'stroke="{INK}"/>' for y in at.y_minor]
    for x, label in at.x_ticks:
        svg.append(f'<line x1="{x:.1f}" y1="{at.bottom}" x2="{x:.1f}" y2="{at.bottom + 5}" '
                   f'stroke="{INK}"/>')
        svg.append(text(x, at.bottom + 8 + size, label))
    svg += [f'<line x1="{at.left}" y1="{at.bottom}" x2="{at.right}" y2="{at.bottom}" '
            f'stroke="{INK}"/>',
            f'<line x1="{at.left}" y1="{at.top}" x2="{at.left}" y2="{at.bottom}" '
            f'stroke="{INK}"/>',
            text((at.left + at.right) / 2, height - 10, "step")]
    for run in _runs(at.xs, at.ys):
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
        svg.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="1.5" '
                   f'points="{points}"/>')
    out = "\n".join([*svg, "</svg>"]) + "\n"
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(out, encoding="utf-8")
    return out


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def loss_curve_png(losses: Sequence[float], path: str | Path, *, width: int = 640,
                   height: int = 360, log: bool | None = None) -> Path:
    """A PNG line chart of ``losses`` with the SVG's ticks and labels in a 5x7 pixel
    font; a chart too small for labels (under 320x160) keeps the axes and the curve."""
    from core.views.pngfont import HEIGHT, draw_text, text_width
    labelled = width >= 320 and height >= 160
    img = np.full((height, width, 3), 255, dtype=np.uint8)
    at = layout(losses, width, height, log, text_width if labelled else lambda s: 0,
                HEIGHT + 3 if labelled else 6)
    left, right, top, bottom = (int(round(v)) for v in (at.left, at.right, at.top, at.bottom))
    ink = _rgb(INK)
    if labelled:
        title = "loss (log scale)" if at.log else "loss"
        draw_text(img, title, (width - text_width(title)) // 2, 14, ink)
        for y, label in at.y_ticks:
            r = int(round(y))
            img[r, left + 1:right + 1] = _rgb(GRID)
            img[r, left - 4:left] = ink
            draw_text(img, label, left - 7 - text_width(label), r - HEIGHT // 2, ink)
        for y in at.y_minor:
            img[int(round(y)), left - 2:left] = ink
        for x, label in at.x_ticks:
            c = int(round(x))
            img[bottom:bottom + 5, c] = ink
            draw_text(img, label, c - text_width(label) // 2, bottom + 8, ink)
        draw_text(img, "step", (left + right - text_width("step")) // 2, height - 14, ink)
    img[bottom, left:right + 1] = ink
    img[top:bottom + 1, left] = ink
    for run in _runs(at.xs, at.ys, most=at.xs.size):
        _polyline(img, run, _rgb(LINE))
    return write_png(img, path)


def _polyline(img: np.ndarray, points: list[tuple[float, float]], colour) -> None:
    height, width = img.shape[:2]
    if len(points) == 1:
        points = points * 2
    for (x0, y0), (x1, y1) in zip(points[:-1], points[1:]):
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        px = np.rint(np.linspace(x0, x1, n + 1)).astype(int)
        py = np.rint(np.linspace(y0, y1, n + 1)).astype(int)
        img[np.clip(py, 0, height - 1), np.clip(px, 0, width - 1)] = colour


def write_png(rgb: np.ndarray, path: str | Path) -> Path:
    """Write an (h, w, 3) uint8 array as a PNG file (8-bit RGB, zlib-compressed)."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))  # filter 0 per row

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(png)
    return path


def loss_curve(losses: Sequence[float], path: str | Path, **kw) -> Path:
    """Draw ``losses`` to ``path``: .svg or .png by suffix."""
    path = Path(path)
    if path.suffix.lower() == ".png":
        return loss_curve_png(losses, path, **kw)
    if path.suffix.lower() == ".svg":
        loss_curve_svg(losses, path, **kw)
        return path
    raise GatesError(f"cannot draw a loss curve as {path.name}: use a .svg or .png name")
