"""Mutants of correct gates: each one mistake a plugin author makes, planted in a gate that
passes the contract suite (the seed's gates, the packs', gates-swish's).

A support module, not a test module. ``MUTANTS`` maps a mutant's class name to (the
mistake, the gate type); the types are module attributes, so a failure's reproduction line
(``python -c "from tests.contract.mutants import ..."``) runs as printed. A mutant is made
only where its mistake changes what the gate computes (a sign flipped where the gradient
is 0, or a crash on 0-d inputs of a gate that refuses them, would change nothing).

The mistakes, by class:
  region    the gradient scaled, sign-flipped or zeroed in one tail or region only
  extremes  a gradient that is NaN only for large inputs, or only past exp's overflow edge
  mutation  an input, top_diff or the output written into, at large magnitude only or always
  alias     a result that is a view of top_diff, one array for two inputs, or a buffer
            reused between calls
  dtype     results in another dtype than the inputs'
  disagree  forward and backward that disagree (forward scaled, or shifted in a tail)
  shapes    a crash on 0-d inputs or on an empty batch; a broadcast gradient reduced wrongly
  other     noise, a derivative that is not elementwise, a bottom_diff missing, needs ignored
"""
import sys

import numpy as np

from core import default_registry
from core.registry.discovery import HOST_DISTRIBUTION
from tests.paths import SWISH

if str(SWISH) not in sys.path:
    sys.path.append(str(SWISH))

from gates_swish import Hinge, Swish  # noqa: E402

#: every correct gate a mutant is made from: name -> type
CORRECT = {s.name: s.gate_type for s in default_registry().specs()
           if s.distribution == HOST_DISTRIBUTION}
CORRECT.update({"swish": Swish, "hinge": Hinge})

#: where a region mistake sits for costs on probabilities (the others: |x| > 2.5)
TAIL = 2.5
_BUFFERS: dict = {}


def _reused(key, value):
    """A buffer kept between calls (the aliasing mistake): the value copied into it."""
    value = np.asarray(value)
    buf = _BUFFERS.get((key, value.shape, value.dtype))
    if buf is None:
        buf = _BUFFERS[(key, value.shape, value.dtype)] = np.empty_like(value)
    np.copyto(buf, value)
    return buf


# -- activations: forward(x), derivative(x, y) ------------------------------------------
def activation_mistakes(base):
    f, d = base.forward, base.derivative
    return {
        "region_scaled_tail": ("region", {"derivative": lambda s, x, y, out=None: np.where(
            x > TAIL, 1.5 * d(s, x, y), d(s, x, y))}),
        "region_flipped_tail": ("region", {"derivative": lambda s, x, y, out=None: np.where(
            x < -TAIL, -d(s, x, y), d(s, x, y))}),
        "region_zeroed_middle": ("region", {"derivative": lambda s, x, y, out=None: np.where(
            (np.abs(x) > 0.6) & (np.abs(x) < 1.8), 0 * x, d(s, x, y))}),
        "nan_large": ("extremes", {"derivative": lambda s, x, y, out=None: np.where(
            np.abs(x) > 100, np.nan, d(s, x, y))}),
        "nan_past_overflow": ("extremes", {"derivative": lambda s, x, y, out=None: np.where(
            np.abs(x) > 709.5, np.nan, d(s, x, y))}),
        "mutates_large_input": ("mutation", {"forward": _clips_large(f)}),
        "mutates_output": ("mutation", {"derivative": _halves_output(d)}),
        "reuses_output_buffer": ("alias", {"forward": lambda s, x, out=None: _reused(
            "act", f(s, x))}),
        "forward_in_float64": ("dtype", {"forward": lambda s, x, out=None: np.asarray(
            f(s, x), np.float64)}),
        "forward_in_float32": ("dtype", {"forward": lambda s, x, out=None: np.asarray(
            f(s, x), np.float32)}),
        "derivative_in_float64": ("dtype", {"derivative": lambda s, x, y, out=None: np.asarray(
            d(s, x, y), np.float64)}),
        "forward_scaled": ("disagree", {"forward": lambda s, x, out=None: f(s, x) * 1.001}),
        "forward_shifted_tail": ("disagree", {"forward": lambda s, x, out=None: f(s, x) + 0.01 *
                                             np.maximum(x - TAIL, 0)}),
        "crashes_on_0d": ("shapes", {"derivative": _crash_0d(d)}),
        "crashes_on_empty": ("shapes", {"forward": _crash_empty(f)}),
        "noisy": ("other", {"forward": lambda s, x, out=None: f(s, x) + 1e-9 *
                           np.random.standard_normal(np.shape(x))}),
        "not_elementwise": ("other", {"derivative": lambda s, x, y, out=None: d(s, x, y) +
                                      1e-3 * np.mean(x)}),
        "nan_at_zero": ("extremes", {"derivative": lambda s, x, y, out=None: d(s, x, y) *
                                     (x / np.abs(x)) ** 2}),
        "backward_reads_kept_state": ("other", _kept_state(f, d)),
        "out_path_mutates_input": ("mutation", {"supports_out": True,
                                                "forward": _out_into_input(f),
                                                "derivative": lambda s, x, y, out=None:
                                                d(s, x, y)}),
    }


def _kept_state(f, d):
    """forward keeps its input; the derivative reads that instead of its argument."""
    def forward(s, x, out=None):
        _BUFFERS[("kept", id(s))] = x.copy()
        return f(s, x)

    def derivative(s, x, y, out=None):
        kept = _BUFFERS.get(("kept", id(s)))
        return d(s, kept if kept is not None and kept.shape == x.shape else x, y)
    return {"forward": forward, "derivative": derivative}


def _out_into_input(f):
    """With out=, the result is written into the input (and returned): the planned path's
    call; the plain call is right."""
    def forward(s, x, out=None):
        if out is None:
            return f(s, x)
        np.copyto(x, f(s, x))
        return x
    return forward


def _clips_large(f):
    def forward(s, *xs, out=None):
        x = xs[0]
        x[np.abs(x) > 100] *= 0.5  # the mistake: in place
        return f(s, *xs)
    return forward


def _halves_output(d):
    def derivative(s, x, y, out=None):
        result = d(s, x, y)
        y[np.abs(y) > 0.5] *= 0.5
        return result
    return derivative


def _crash_0d(method):
    def crashes(s, *args, out=None):
        if np.ndim(args[0]) == 0:
            raise TypeError("return arrays must be of ArrayType")
        return method(s, *args)
    return crashes


def _crash_empty(method):
    def crashes(s, *args, out=None):
        _ = 1 / np.size(args[0])  # the mistake: a mean by hand, ZeroDivisionError on none
        return method(s, *args)
    return crashes


# -- costs: forward(prediction, target) -> J, gradient(prediction, target) ---------------
def cost_mistakes(base, lo, hi):
    f, g = base.forward, base.gradient
    return {
        "region_scaled_tail": ("region", {"gradient": lambda s, p, t, out=None: np.where(
            p > hi, 1.5 * g(s, p, t), g(s, p, t))}),
        "region_flipped_tail": ("region", {"gradient": lambda s, p, t, out=None: np.where(
            p < lo, -g(s, p, t), g(s, p, t))}),
        "nan_large": ("extremes", {"gradient": lambda s, p, t, out=None: np.where(
            np.abs(p) > 100, np.nan, g(s, p, t))}),
        "mutates_large_input": ("mutation", {"forward": _clips_large(f)}),
        "mutates_target": ("mutation", {"gradient": _negates_target(g)}),
        "reuses_J_buffer": ("alias", {"forward": lambda s, p, t: _reused("J", f(s, p, t))}),
        "gradient_in_float64": ("dtype", {"gradient": lambda s, p, t, out=None: np.asarray(
            g(s, p, t), np.float64)}),
        "forward_scaled": ("disagree", {"forward": lambda s, p, t: f(s, p, t) * 1.001}),
        "crashes_on_0d": ("shapes", {"gradient": _crash_0d(g)}),
        "crashes_on_empty": ("shapes", {"gradient": _crash_empty(g)}),
        "noisy": ("other", {"forward": lambda s, p, t: f(s, p, t) + 1e-9 *
                           np.random.standard_normal()}),
    }


def _negates_target(g):
    def gradient(s, p, t, out=None):
        result = g(s, p, t)
        t[np.abs(t) > 0.5] *= 0.5
        return result
    return gradient


# -- operators: forward(*inputs), local_gradient(top_diff, inputs, output, needs) --------
def operator_mistakes(base):
    f, lg = base.forward, base.local_gradient
    two = base.arity == 2
    found = {
        "region_scaled_tail": ("region", {"local_gradient": _scaled_where(lg, TAIL)}),
        "nan_large": ("extremes", {"local_gradient": _nan_where(lg)}),
        "mutates_large_input": ("mutation", {"forward": _clips_large(f)}),
        "mutates_top_diff": ("mutation", {"local_gradient": _writes_top(lg)}),
        "mutates_large_top_diff": ("mutation", {"local_gradient": _writes_large_top(lg)}),
        "reuses_gradient_buffer": ("alias", {"local_gradient": lambda s, t, xs, y, n, out=None:
                                             [None if v is None else _reused(("lg", i), v)
                                              for i, v in enumerate(lg(s, t, xs, y, n))]}),
        "gradient_in_float64": ("dtype", {"local_gradient": lambda s, t, xs, y, n, out=None:
                                          [None if v is None else np.asarray(v, np.float64)
                                           for v in lg(s, t, xs, y, n)]}),
        "forward_scaled": ("disagree", {"forward": lambda s, *xs, out=None: f(s, *xs) * 1.001}),
        "crashes_on_0d": ("shapes", {"local_gradient": _crash_0d_vjp(lg)}),
        "crashes_on_empty": ("shapes", {"forward": _crash_empty(f)}),
        "one_bottom_diff_short": ("other", {"local_gradient": lambda s, t, xs, y, n, out=None:
                                            list(lg(s, t, xs, y, n))[:-1] or [None, None]}),
    }
    if two:
        found["ignores_needs"] = ("other", {"local_gradient": _ignores_needs(lg)})
    return found


def _scaled_where(lg, tail):
    def local_gradient(s, t, xs, y, needs, out=None):
        diffs = lg(s, t, xs, y, needs)
        return [None if v is None else np.where(np.broadcast_to(x, np.shape(v)) > tail,
                                                1.5 * v, v) if np.shape(x) == np.shape(v)
                else v for v, x in zip(diffs, xs)]
    return local_gradient


def _nan_where(lg):
    def local_gradient(s, t, xs, y, needs, out=None):
        diffs = lg(s, t, xs, y, needs)
        big = any(np.any(np.abs(x) > 100) for x in xs)
        return [None if v is None else (v * np.nan if big else v) for v in diffs]
    return local_gradient


def _writes_top(lg):
    def local_gradient(s, t, xs, y, needs, out=None):
        diffs = [None if v is None else np.array(v) for v in lg(s, t, xs, y, needs)]
        t *= 0.5  # the mistake: top_diff is the caller's
        return diffs
    return local_gradient


def _writes_large_top(lg):
    def local_gradient(s, t, xs, y, needs, out=None):
        diffs = [None if v is None else np.array(v) for v in lg(s, t, xs, y, needs)]
        t[np.abs(t) > 100] = 0.0  # the mistake: only where top_diff is large
        return diffs
    return local_gradient


def _crash_0d_vjp(lg):
    def local_gradient(s, t, xs, y, needs, out=None):
        if np.ndim(xs[0]) == 0:
            raise TypeError("return arrays must be of ArrayType")
        return lg(s, t, xs, y, needs)
    return local_gradient


def _ignores_needs(lg):
    def local_gradient(s, t, xs, y, needs, out=None):
        diffs = list(lg(s, t, xs, y, [True] * len(xs)))
        if not needs[0]:
            diffs[1] = 2 * diffs[1]  # the mistake: a different result when one is not needed
        return diffs
    return local_gradient


def broadcast_mistakes(base):
    """add and mul: the gradient of a broadcast input reduced by the gate itself, wrongly."""
    lg = base.local_gradient

    def reduced(how):
        def local_gradient(s, t, xs, y, needs, out=None):
            diffs = list(lg(s, t, xs, y, needs))
            for i, (v, x) in enumerate(zip(diffs, xs)):
                if v is not None and np.shape(v) != np.shape(x):
                    diffs[i] = how(np.asarray(v), np.shape(x))
            return diffs
        return local_gradient

    def mean(v, shape):
        axes = tuple(range(v.ndim - len(shape))) + tuple(
            v.ndim - len(shape) + k for k, n in enumerate(shape) if n == 1)
        return np.mean(v, axis=axes, keepdims=True).reshape(shape) if v.size else \
            np.zeros(shape)

    def first_row(v, shape):
        return np.array(np.broadcast_to(v[(0,) * (v.ndim - len(shape))], v.shape[-len(shape):])[
            tuple(slice(0, n) for n in shape)] if len(shape) else v.reshape(-1)[0])

    found = {"broadcast_mean_not_sum": ("shapes", {"local_gradient": reduced(mean)}),
             "broadcast_first_row_only": ("shapes", {"local_gradient": reduced(first_row)})}
    if base.name == "add":
        found["alias_view_of_top_diff"] = ("alias", {"local_gradient": lambda s, t, xs, y, n,
                                                     out=None: (t, t[...])})
        found["alias_one_array_twice"] = ("alias", {"local_gradient": lambda s, t, xs, y, n,
                                                    out=None: (lambda g: (g, g))(t * 1.0)})
    return found


# -- building them -----------------------------------------------------------------------
#: where region mistakes sit for a cost on probabilities (prediction in (0, 1))
BOUNDED = {"cross_entropy": (0.2, 0.4)}


def mistakes(base):
    kind = base.kind
    if kind == "activation":
        return activation_mistakes(base)
    if kind == "cost":
        return cost_mistakes(base, *BOUNDED.get(base.name, (-TAIL, TAIL)))
    found = operator_mistakes(base)
    if base.name in ("add", "mul"):
        found.update(broadcast_mistakes(base))
    return found


def _takes_0d(base) -> bool:
    gate = base()
    try:
        gate.forward(*[np.array(0.5)] * gate.arity)
    except (ValueError, IndexError):
        return False
    return True


def _changes_something(base, op) -> bool:
    """False for a mistake that would leave the gate's behaviour as it was."""
    if op == "crashes_on_0d":
        return _takes_0d(base)
    if op in ("region_flipped_tail", "region_zeroed_middle", "region_scaled_tail"):
        return base.name != "relu" or op != "region_flipped_tail"  # relu is 0 there
    if op == "nan_large" or op == "mutates_large_input":
        return base.name != "cross_entropy"  # probabilities are never large
    if op == "backward_reads_kept_state":  # a derivative of y alone reads no kept input
        return "inputs" in base.backward_reads
    return True


def make() -> dict:
    made = {}
    for name, base in CORRECT.items():
        for op, (cls, methods) in mistakes(base).items():
            if not _changes_something(base, op):
                continue
            qual = f"{''.join(p.title() for p in name.split('_'))}_{op}"
            doc = f"{(base.__doc__ or name).strip().splitlines()[0]} -- mutant: {op}."
            made[qual] = (cls, type(qual, (base,), {
                "name": f"{name}__{op}", "__doc__": doc, "__module__": __name__,
                "__qualname__": qual, "supports_out": False,
                "backward_reads": ("inputs", "output"), **methods}))
    return made


MUTANTS = make()
globals().update({qual: t for qual, (_, t) in MUTANTS.items()})
