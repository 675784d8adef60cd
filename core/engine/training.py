"""Training: minibatch gradient descent with the seed's update rule.

    W_i <- W_i - lambda_i * dJ/dW_i        (seed 000, Eq. 1)

``lambda_i`` is the parameter's own rate when one was given (``Graph.param(...,
rate=...)`` or ``rates={name: rate}``), else the global ``rate``. The update is
made in place, so the graph's parameter arrays stay the same objects.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np

from core.engine.executor import Executor
from core.engine.feeds import check_rates, feed_array
from core.errors import GraphError
from core.rules import rate_for, seed_problem

if TYPE_CHECKING:
    from core.graph.graph import Graph


@attrs.define
class SGD:
    """Plain gradient descent, a learning rate per parameter (Eq. 1)."""

    rate: float = 0.1
    rates: dict[str, float] = attrs.field(factory=dict)

    def rate_for(self, graph: Graph, name: str) -> float:
        return rate_for(name, self.rate, self.rates, graph.rates)

    def step(self, graph: Graph, grads: Mapping[str, np.ndarray]) -> None:
        for name, grad in grads.items():
            param = graph.params[name]
            param -= self.rate_for(graph, name) * grad  # in place: W_i -= lambda_i dJ/dW_i


@attrs.define
class History:
    """Loss after every step, and the mean loss of every epoch."""

    losses: list[float] = attrs.field(factory=list)
    epoch_losses: list[float] = attrs.field(factory=list)

    @property
    def final(self) -> float:
        return self.epoch_losses[-1] if self.epoch_losses else float("nan")

    def __repr__(self) -> str:  # the losses themselves may be millions long
        ends = f", first {self.losses[0]:.6g}, last {self.losses[-1]:.6g}" if self.losses else ""
        return f"History({len(self.losses)} steps{ends}, {len(self.epoch_losses)} epochs)"


def batches(data: Mapping[str, np.ndarray], batch_size: int | None,
            rng: np.random.Generator | None) -> Iterator[Mapping[str, np.ndarray]]:
    """Yield minibatches (dicts) along the first axis, shuffled when ``rng`` is given."""
    sizes = {name: len(v) for name, v in data.items()}
    n = next(iter(sizes.values()))
    if any(s != n for s in sizes.values()):
        raise GraphError(f"training data columns differ in length: {sizes}")
    if not batch_size or batch_size >= n:
        yield data
        return
    index = rng.permutation(n) if rng is not None else np.arange(n)
    for start in range(0, n, batch_size):
        take = index[start:start + batch_size]
        yield {name: v[take] for name, v in data.items()}


def train(graph: Graph, data: Mapping[str, Any], *, epochs: int = 100,
          batch_size: int | None = None, rate: float = 0.1,
          rates: Mapping[str, float] | None = None, shuffle: bool = True, seed: int = 0,
          optimizer: SGD | None = None,
          callback: Callable[[int, int, float], Any] | None = None) -> History:
    """Train ``graph`` on ``data`` ({input name: array}) by minibatch gradient descent.

    ``callback(epoch, step, loss)`` is called after every step with the epoch
    counted from 0 and the steps taken so far; it may return True to stop early.
    Error messages count epochs and steps from 1, as ``gates train`` shows them.
    """
    if not _whole(epochs) or epochs < 1:
        raise GraphError(f"epochs must be a whole number of at least 1, got {epochs!r}")
    if batch_size is not None and (not _whole(batch_size) or batch_size < 1):
        raise GraphError(f"batch_size must be None (the whole data) or a whole number of "
                         f"at least 1, got {batch_size!r}")
    if shuffle and seed is not None and seed_problem(seed):
        raise GraphError(f"train(seed=...): {seed_problem(seed)}")
    if not isinstance(data, Mapping):
        raise GraphError(f"training data is a mapping of input names to arrays, such as "
                         f"{{'X': X, 'Y': Y}}, not {type(data).__name__}")
    data = {k: feed_array(k, v, graph.dtype) for k, v in data.items()}
    if not data:
        raise GraphError("no training data was given")
    check_rates(rate, rates)
    opt = optimizer or SGD(rate, dict(rates or {}))
    check_rates(opt.rate, opt.rates, graph.params)
    if callback is not None and not callable(callback):
        raise GraphError(f"callback= is a function callback(epoch, step, loss), not "
                         f"{type(callback).__name__} {callback!r}")
    executor = Executor(graph)
    # plain SGD runs as one compiled step: forward, backward and the update in place
    fused = type(opt) is SGD
    rng = np.random.default_rng(seed) if shuffle else None
    history = History()
    step = 0
    for epoch in range(epochs):
        seen = []
        for batch in batches(data, batch_size, rng):
            if fused:
                loss = executor.sgd_step(batch, opt.rate, opt.rates)
            else:
                with graph.lock:  # the gradient and its update as one step
                    loss, grads = executor.value_and_grad(batch)
                    if np.isfinite(loss):
                        opt.step(graph, grads)
            if not np.isfinite(loss):  # (no update was made)
                raise GraphError(f"the loss became {loss} at epoch {epoch + 1}, step "
                                 f"{step + 1}; {_smaller(opt, graph)}")
            history.losses.append(loss)
            seen.append(loss)
            step += 1
            if callback is not None and callback(epoch, step, loss):
                history.epoch_losses.append(float(np.mean(seen)))
                return history
        history.epoch_losses.append(float(np.mean(seen)))
    return history


def _smaller(opt: SGD, graph: Graph) -> str:
    """What to try when the loss blew up: the global rate, and any per-parameter ones."""
    per = {**graph.rates, **opt.rates}
    used = {n: r for n, r in per.items() if n in graph.params}
    if not used:
        return f"try a smaller rate than {opt.rate}"
    listed = ", ".join(f"{n}={r}" for n, r in used.items())
    if len(used) == len(graph.params):  # the global rate is used by no parameter
        return f"try smaller per-parameter rates than {listed}"
    return f"try a smaller rate than {opt.rate}, or smaller per-parameter rates than {listed}"


def _whole(n: Any) -> bool:
    return isinstance(n, (int, np.integer)) and not isinstance(n, bool)
