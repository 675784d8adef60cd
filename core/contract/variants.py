"""Shape variants of a sample: 0-d inputs, a batch of one, an empty batch, broadcasts.

Each variant is cut from a sample of shape ``BASE`` (a batch of 4 rows of 3)
that the gate's own domain or sampling hook produced, so its values stay in the
gate's domain:

* 0-d: the first element of every input (``x[0, ..., 0]``);
* a batch of one and an empty batch: the inputs whose first axis is the batch
  (length 4) cut to 1 and to 0 rows; the others (a matrix product's second
  input) kept whole;
* broadcasts, for an operator with several inputs: one input cut to ``(1, k)``,
  ``(k,)`` or ``()`` while the others keep the batch -- a bias over a batch, a
  vector, a scalar -- and the bias ``(1, k)`` over an empty batch.

What a gate must do with each is in ``core.contract.shapes``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.contract.samples import BASE

BATCH = BASE[0]


def scalars(xs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Every input as a 0-d array: its first element."""
    return [np.array(x[(0,) * x.ndim], dtype=x.dtype) for x in xs]


def batch_of(xs: Sequence[np.ndarray], rows: int) -> list[np.ndarray]:
    """The inputs with a batch axis (first axis of length 4) cut to ``rows`` rows."""
    return [np.ascontiguousarray(x[:rows]) if x.ndim and x.shape[0] == BATCH else x.copy()
            for x in xs]


def edge_cases(xs: Sequence[np.ndarray]) -> list[tuple[str, list[np.ndarray]]]:
    """(what, inputs): 0-d inputs, a batch of one, an empty batch."""
    return [("0-d inputs", scalars(xs)), ("a batch of one", batch_of(xs, 1)),
            ("an empty batch", batch_of(xs, 0))]


def broadcasts(xs: Sequence[np.ndarray]) -> list[tuple[str, list[np.ndarray]]]:
    """(what, inputs): each input in turn cut to a bias row, a vector and a scalar while the
    others keep their batch, and the bias row over an empty batch."""
    found = []
    for j, x in enumerate(xs):
        if not x.ndim:
            continue
        cuts = [("a bias row", x[:1]), ("a vector", x[0]), ("a scalar", x[(0,) * x.ndim])]
        for what, small in cuts:
            ys = [np.array(small, dtype=x.dtype) if i == j else v.copy()
                  for i, v in enumerate(xs)]
            found.append((f"input {j} as {what}", ys))
        ys = batch_of(xs, 0)
        ys[j] = np.ascontiguousarray(x[:1])
        found.append((f"input {j} as a bias row over an empty batch", ys))
    return found
