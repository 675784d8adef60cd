"""Training progress: a live line on a terminal, a loss history, a loss curve.

``Progress`` is a ``train(..., callback=...)`` callback. On a terminal it keeps
one line up to date (step, epoch, loss, steps per second) about ten times a
second; when the output is not a terminal (a pipe, a log file, CI) it writes
nothing. Either way it records every step's loss, which ``write_csv`` saves and
``loss_curve_svg`` / ``loss_curve_png`` draw (the PNG writer is a few lines of
zlib, so no plotting library is needed).
"""
from __future__ import annotations

import csv
import math
import struct
import sys
import time
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

import numpy as np

from core.errors import GatesError


class Progress:
    """Records (epoch, step, loss); shows a live line only on a terminal."""

    def __init__(self, total: int | None = None, *, stream: IO[str] | None = None,
                 interval: float = 0.1, rate: float | None = None,
                 clock=time.monotonic) -> None:
        self.total = total
        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self.rate = rate  # the learning rate, shown when given
        self.clock = clock
        self.epochs: list[int] = []
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._start = clock()
        self._shown = -math.inf
        self._width = 0

    def __call__(self, epoch: int, step: int, loss: float) -> None:
        self.epochs.append(epoch)
        self.steps.append(step)
        self.losses.append(float(loss))
        if self.live:
            now = self.clock()
            if now - self._shown >= self.interval or step == self.total:
                self._shown = now
                self._show(self.line())
        return None  # never asks train() to stop

    def speed(self) -> float:
        """Steps per second so far."""
        elapsed = self.clock() - self._start
        return len(self.steps) / elapsed if elapsed > 0 else float("nan")

    def line(self) -> str:
        """'step 120/3000  epoch 120  J 0.2503  lr 0.5  2400 steps/s'."""
        if not self.steps:
            return "no steps yet"
        total = f"/{self.total}" if self.total else ""
        done = f" {100 * self.steps[-1] / self.total:3.0f}%" if self.total else ""
        lr = f"  lr {self.rate:g}" if self.rate is not None else ""
        return (f"step {self.steps[-1]}{total}{done}  epoch {self.epochs[-1] + 1}  "
                f"J {self.losses[-1]:.6g}{lr}  {self.speed():.0f} steps/s")

    def _show(self, text: str) -> None:
        pad = " " * max(0, self._width - len(text))
        self.stream.write("\r" + text + pad)
        self.stream.flush()
        self._width = len(text)

    def close(self) -> None:
        """End the live line (a newline), if one was shown."""
        if self.live and self._width:
            self._show(self.line())
            self.stream.write("\n")
            self.stream.flush()
            self._width = 0

    def write_csv(self, path: str | Path) -> Path:
        return write_csv(path, self.steps, self.losses, self.epochs)


def write_csv(path: str | Path, steps: Sequence[int], losses: Sequence[float],
              epochs: Sequence[int] | None = None) -> Path:
    """The loss history as CSV: step, epoch, loss (full precision)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # epochs are counted from 0 in memory and from 1 in the file
    shown = [str(e + 1) for e in epochs] if epochs is not None else [""] * len(steps)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["step", "epoch", "loss"])
        for s, e, j in zip(steps, shown, losses):
            w.writerow([s, e, repr(float(j))])
    return path


def read_csv(path: str | Path) -> tuple[list[int], list[float]]:
    """(steps, losses) from a file written by ``write_csv``."""
    with Path(path).open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [int(r["step"]) for r in rows], [float(r["loss"]) for r in rows]


# -- the loss curve --------------------------------------------------------------
def _curve(losses: Sequence[float], width: int, height: int, margin: int,
           log: bool | None) -> tuple[np.ndarray, np.ndarray, bool, float, float]:
    y = np.asarray(losses, dtype=float)
    if y.size == 0:
        raise GatesError("no losses to draw")
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        raise GatesError("no finite losses to draw: every loss is nan or infinite")
    if log is None:
        log = bool(finite.size and finite.min() > 0 and finite.max() / finite.min() > 100)
    yy = np.log10(np.maximum(y, 1e-300)) if log else y
    lo, hi = float(np.nanmin(yy)), float(np.nanmax(yy))
    if hi - lo < 1e-12:
        lo, hi = lo - 0.5, hi + 0.5
    xs = margin + (width - 2 * margin) * (np.arange(y.size) / max(1, y.size - 1))
    ys = height - margin - (height - 2 * margin) * (yy - lo) / (hi - lo)
    return xs, ys, log, lo, hi


def loss_curve_svg(losses: Sequence[float], path: str | Path | None = None, *,
                   width: int = 640, height: int = 360, log: bool | None = None,
                   title: str = "loss") -> str:
    """An SVG line chart of ``losses`` by step (log scale when they span 100x)."""
    m = 48
    xs, ys, log, lo, hi = _curve(losses, width, height, m, log)
    if xs.size > 2000:  # one point per pixel column is enough
        keep = np.unique(np.linspace(0, xs.size - 1, 2000).astype(int))
        xs, ys = xs[keep], ys[keep]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(xs, ys))
    fmt = (lambda v: f"{10 ** v:.3g}") if log else (lambda v: f"{v:.3g}")
    n = len(losses)
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" '
           f'font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">'
           f'{escape(title)}{" (log scale)" if log else ""}</text>',
           f'<line x1="{m}" y1="{height - m}" x2="{width - m}" y2="{height - m}" '
           f'stroke="#374151"/>',
           f'<line x1="{m}" y1="{m}" x2="{m}" y2="{height - m}" stroke="#374151"/>',
           f'<text x="{m - 4}" y="{m + 4}" text-anchor="end">{fmt(hi)}</text>',
           f'<text x="{m - 4}" y="{height - m + 4}" text-anchor="end">{fmt(lo)}</text>',
           f'<text x="{m}" y="{height - m + 16}" text-anchor="middle">1</text>',
           f'<text x="{width - m}" y="{height - m + 16}" text-anchor="middle">{n}</text>',
           f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">step</text>',
           f'<polyline fill="none" stroke="#15803d" stroke-width="1.5" points="{points}"/>',
           "</svg>"]
    text = "\n".join(svg) + "\n"
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    return text


def loss_curve_png(losses: Sequence[float], path: str | Path, *, width: int = 640,
                   height: int = 360, log: bool | None = None) -> Path:
    """A PNG line chart of ``losses``: axes, the curve and, in a 5x7 pixel font, the
    title, the loss at the top and bottom of the axis and the first and last step."""
    labelled = width >= 320 and height >= 160  # room for the labels; else the curve only
    m = 56 if labelled else 24
    img = np.full((height, width, 3), 255, dtype=np.uint8)
    img[height - m, m:width - m + 1] = (55, 65, 81)
    img[m:height - m + 1, m] = (55, 65, 81)
    xs, ys, log, lo, hi = _curve(losses, width, height, m, log)
    if labelled:
        _png_labels(img, len(losses), log, lo, hi, m)
    ok = np.isfinite(ys)
    for x0, y0, x1, y1 in zip(xs[:-1][ok[:-1]], ys[:-1][ok[:-1]], xs[1:][ok[1:]],
                              ys[1:][ok[1:]]):
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        px = np.rint(np.linspace(x0, x1, n + 1)).astype(int)
        py = np.rint(np.linspace(y0, y1, n + 1)).astype(int)
        img[np.clip(py, 0, height - 1), np.clip(px, 0, width - 1)] = (21, 128, 61)
    if xs.size == 1:
        img[int(ys[0]), int(xs[0])] = (21, 128, 61)
    return write_png(img, path)


def _png_labels(img: np.ndarray, n: int, log: bool, lo: float, hi: float, m: int) -> None:
    """The SVG's labels in pixels: title and scale, the loss range, the first and last step."""
    from core.views.pngfont import HEIGHT, draw_text, text_width
    height, width = img.shape[:2]
    fmt = (lambda v: f"{10 ** v:.3g}") if log else (lambda v: f"{v:.3g}")
    title = "loss (log scale)" if log else "loss"
    draw_text(img, title, (width - text_width(title)) // 2, 16)
    for value, y in ((hi, m), (lo, height - m)):
        label = fmt(value) if np.isfinite(value) else ""
        draw_text(img, label, m - 4 - text_width(label), y - HEIGHT // 2)
    draw_text(img, "1", m - 2, height - m + 6)
    draw_text(img, str(n), width - m - text_width(str(n)) // 2, height - m + 6)
    draw_text(img, "step", (width - text_width("step")) // 2, height - 20)


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
