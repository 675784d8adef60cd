"""Training progress: a live line on a terminal, a loss history, a loss curve.

``Progress`` is a ``train(..., callback=...)`` callback. On a terminal it keeps
one line up to date (step, epoch, loss, steps per second) about ten times a
second; when the output is not a terminal (a pipe, a log file, CI) it writes
nothing. Either way it records every step's loss, which ``write_csv`` saves and
``loss_curve`` (``core.views.curve``, re-exported here) draws as SVG or PNG.
"""
from __future__ import annotations

import csv
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from core.views.curve import loss_curve, loss_curve_png, loss_curve_svg, write_png

__all__ = ["Progress", "loss_curve", "loss_curve_png", "loss_curve_svg", "read_csv",
           "write_csv", "write_png"]


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
