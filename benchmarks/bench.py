"""Per-step training time and memory of this framework against hand-written numpy.

    python benchmarks/bench.py [--quick] [--rounds N] [workload ...]

Workloads (MSE cost, plain SGD with rate 0.01, data drawn from a fixed seed):
seed231 -- [2, 3, 1], sigmoid hidden, identity out, batch 4; mlp784 -- [784,
256, 10], sigmoid, batch 128; deep32 -- sixteen layers of 32, tanh, batch 32.
Each runs in float64 and float32.

Engines, interleaved round by round (the same order every round) so that drift
on a shared machine hits all alike:

* ``numpy-by-hand`` -- the seed's equations written plainly (the baseline, 1.00);
  it computes the loss every step, as a training loop that reports it does;
* ``numpy-no-loss`` -- the same without the loss;
* ``numpy-prealloc`` -- hand-written with every buffer allocated once (out=);
* ``gates`` -- ``Executor.sgd_step``, the planned path; ``gates-reference`` --
  the gate-by-gate reference executor;
* ``torch-cpu``, ``hips-autograd``, ``micrograd`` (seed231 only) when installed,
  float64 only; a peer that is not installed is listed as such.

Time: us/step is the median over rounds of each engine's time per step. The
ratio is the median of per-round paired ratios -- the engine's time over
numpy-by-hand's in the same round, one ratio per round -- with the lowest and
highest of those ratios beside it; "no-loss" is the same against numpy-no-loss.

Memory (``tracemalloc``: numpy reports its array data to it, as well as Python
objects; see ``measure.py``): "held" is what an engine retains between steps
-- traced memory after it has been built and run three steps, less traced
memory before it was built, less its parameters and data (X, Y, W, b), which
every engine holds alike; graphs, compiled code, buffers and caches count.
"peak" is held plus the most allocated at once during one step. BLAS and torch
run on one thread. torch's own allocator is invisible to tracemalloc: its
memory shows as n/a. The last lines check the targets: gates / numpy-by-hand
at most 1.2 on seed231 and 1.0 on mlp784 and deep32, and gates' held memory at
most numpy-by-hand's peak on mlp784 and deep32.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import functools  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import by_hand  # noqa: E402
import measure  # noqa: E402
import peers  # noqa: E402

WORKLOADS = {
    "seed231": ([2, 3, 1], 4, "sigmoid"),
    "mlp784": ([784, 256, 10], 128, "sigmoid"),
    "deep32": ([32] * 17, 32, "tanh"),
}
RATE = 0.01
SPEED_TARGETS = {"seed231": 1.2, "mlp784": 1.0, "deep32": 1.0}  # gates / numpy-by-hand
HELD_TARGETS = ("mlp784", "deep32")  # gates' held memory <= numpy-by-hand's peak
DTYPES = (np.float64, np.float32)


def data(sizes, batch, dtype, seed=0):
    """Inputs, targets and initial parameters, the same for every engine."""
    r = np.random.default_rng(seed)
    X = r.standard_normal((batch, sizes[0])).astype(dtype)
    Y = r.standard_normal((batch, sizes[-1])).astype(dtype)
    Ws = [(r.standard_normal((a, b)) / np.sqrt(a)).astype(dtype)
          for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros((1, b), dtype) for b in sizes[1:]]
    return X, Y, Ws, bs


def gates_step(sizes, batch, act, dtype, mode="planned"):
    """This framework's SGD step; graph and executor are built here, in the step's making."""
    from core import Executor, mlp
    from core.engine.state import cache_of
    ensure_tanh()
    X, Y, Ws, bs = data(sizes, batch, dtype)
    net = mlp(sizes, act, output_activation="identity", cost="mse", dtype=dtype)
    for i, (W, b) in enumerate(zip(Ws, bs), start=1):
        net.params[f"W{i}"][...] = W
        net.params[f"b{i}"][...] = b
    ex, feed = Executor(net, mode=mode), {"X": X, "Y": Y}
    cache_of(net).eager = True

    def step():
        return ex.sgd_step(feed, RATE)

    return step


def ensure_tanh():
    """deep32 needs a tanh gate; register a small one if no plugin provides it."""
    from core import Activation, default_registry, hookimpl
    registry = default_registry()
    if "tanh" in registry:
        return

    class Tanh(Activation):
        """Hyperbolic tangent (the benchmark's own, no plugin provides tanh)."""

        name = "tanh"
        supports_out = True
        backward_reads = ("output",)

        def forward(self, x, out=None):
            return np.tanh(x, out=out)

        def derivative(self, x, y, out=None):
            out = np.multiply(y, y, out=np.empty_like(y) if out is None else out)
            return np.subtract(1.0, out, out=out)

    class BenchPlugin:
        @hookimpl
        def register_gates(self, register):
            register(Tanh)

    registry.register(BenchPlugin(), name="benchmark-tanh")


def makers(sizes, batch, act, dtype):
    """{engine name: a function building its step from scratch, data included}."""
    def from_data(fn, *args, **kw):
        return lambda: fn(*data(sizes, batch, dtype), *args, **kw)
    made = {
        "numpy-by-hand": from_data(by_hand.plain, act, RATE, loss=True),
        "numpy-no-loss": from_data(by_hand.plain, act, RATE, loss=False),
        "numpy-prealloc": from_data(by_hand.preallocated, act, RATE),
        "gates": functools.partial(gates_step, sizes, batch, act, dtype),
        "gates-reference": functools.partial(gates_step, sizes, batch, act, dtype,
                                             mode="reference"),
    }
    if dtype == np.float64:
        for name, make in peers.PEERS.items():
            made[name] = from_data(make, act, RATE, sizes)
    return made


def build(made):
    """{engine name: its step, or a string saying why it does not run}."""
    built = {}
    for name, make in made.items():
        try:
            built[name] = make()
        except ImportError as exc:
            built[name] = f"not installed ({exc.name})"
        except LookupError as exc:
            built[name] = f"not run ({exc})"
    return built


def run_workload(w, dtype, rounds, seconds):
    """Rows {engine: figures, or why it did not run} of one workload in one dtype."""
    sizes, batch, act = WORKLOADS[w]
    made = makers(sizes, batch, act, dtype)
    built = build(made)
    steps = {k: s for k, s in built.items() if callable(s)}
    samples = measure.interleaved(steps, rounds, seconds)
    ratio = measure.paired(samples, "numpy-by-hand")
    bare = measure.paired(samples, "numpy-no-loss")
    X, Y, Ws, bs = data(sizes, batch, dtype)
    shared = sum(a.nbytes for a in [X, Y, *Ws, *bs])  # what every engine holds alike
    rows = {}
    for name, step in built.items():
        if not callable(step):
            rows[name] = step
            continue
        row = {"us": statistics.median(samples[name]) * 1e6, "ratio": ratio[name],
               "bare": bare[name][0], "held": None, "arrays": None, "peak": None}
        if not hasattr(step, "untraced"):
            held, arrays = measure.held_bytes(made[name], shared)
            row["held"], row["arrays"] = held / 1024, arrays / 1024
            row["peak"] = row["held"] + measure.peak_bytes(step) / 1024
        rows[name] = row
    return rows


def kib(x):
    """KiB with one decimal, or n/a where tracemalloc cannot see the engine's memory."""
    return "n/a" if x is None else f"{x:.1f}"


def print_rows(w, dt, rows):
    """The table's rows of one workload in one dtype."""
    for name, row in rows.items():
        if isinstance(row, str):
            print(f"{w:9s}{dt:9s}{name:17s} {row}")
            continue
        med, lo, hi = row["ratio"]
        print(f"{w:9s}{dt:9s}{name:17s}{row['us']:10.1f}{med:7.2f}{f' {lo:.2f}-{hi:.2f}':>13s}"
              f"{row['bare']:9.2f}{kib(row['held']):>10s}{kib(row['arrays']):>8s}"
              f"{kib(row['peak']):>10s}", flush=True)


def print_targets(results):
    """One line per target among the workloads run: the figure, met or not met."""
    for (w, dt), rows in results.items():
        if w not in SPEED_TARGETS:
            continue
        goal, (med, lo, hi) = SPEED_TARGETS[w], rows["gates"]["ratio"]
        print(f"target {w} {dt}: gates / numpy-by-hand, median of paired ratios, "
              f"<= {goal:.2f}: {med:.2f} (rounds {lo:.2f}-{hi:.2f}) -- "
              f"{'met' if med <= goal else 'NOT MET'}")
    for (w, dt), rows in results.items():
        if w not in HELD_TARGETS:
            continue
        gates, peak = rows["gates"], rows["numpy-by-hand"]["peak"]
        for what, held in (("held", gates["held"]), ("held array data", gates["arrays"])):
            print(f"target {w} {dt}: gates {what} between steps <= numpy-by-hand peak per "
                  f"step: {held:.1f} KiB vs {peak:.1f} KiB -- "
                  f"{'met' if held <= peak else 'NOT MET'}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workloads", nargs="*", choices=[[], *WORKLOADS], default=[])
    ap.add_argument("--quick", action="store_true", help="few, short rounds: a smoke run")
    ap.add_argument("--rounds", type=int, default=None)
    args = ap.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 15)
    seconds = 0.002 if args.quick else 0.03
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}, BLAS threads pinned "
          f"to 1, {rounds} rounds; ratio = median of per-round (time / numpy-by-hand), "
          f"range = its lowest-highest round, no-loss = the same / numpy-no-loss; "
          f"held = KiB kept between steps (arrays: numpy's array data among them), "
          f"peak = held + most allocated during a step")
    print(f"{'workload':9s}{'dtype':9s}{'engine':17s}{'us/step':>10s}{'ratio':>7s}"
          f"{'range':>13s}{'no-loss':>9s}{'held KiB':>10s}{'arrays':>8s}{'peak KiB':>10s}")
    results = {}
    for w in args.workloads or WORKLOADS:
        for dtype in DTYPES:
            dt = np.dtype(dtype).name
            results[w, dt] = run_workload(w, dtype, rounds, seconds)
            print_rows(w, dt, results[w, dt])
    print_targets(results)


if __name__ == "__main__":
    main()
