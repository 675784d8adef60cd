"""Per-step training time of this framework against hand-written numpy, in one process.

    python benchmarks/bench.py [--quick] [--rounds N] [workload ...]

Workloads (MSE cost, plain SGD with rate 0.01, data drawn from a fixed seed):
seed231 -- [2, 3, 1], sigmoid hidden, identity out, batch 4; mlp784 -- [784,
256, 10], sigmoid, batch 128; deep32 -- sixteen layers of 32, tanh, batch 32.
Each runs in float64 and float32.

Engines, interleaved round by round so that drift on a shared machine hits all
alike; each figure is the median of the rounds:

* ``numpy-by-hand`` -- the seed's equations written plainly (the baseline, 1.00);
  it computes the loss every step, as a training loop that reports it does;
* ``numpy-no-loss`` -- the same without the loss;
* ``numpy-prealloc`` -- hand-written with every buffer allocated once (out=);
* ``gates`` -- ``Executor.sgd_step``, the planned path; ``gates-reference`` --
  the gate-by-gate reference executor;
* ``torch-cpu``, ``hips-autograd``, ``micrograd`` (seed231 only) when installed,
  float64 only.

BLAS and torch run on one thread. Memory is the peak of numpy's allocations
during one step, measured with ``tracemalloc`` (numpy reports its array data to
it, as well as Python objects), plus the buffers an engine holds between
steps; parameters and data are left out for every engine alike. torch's own
allocator is invisible to tracemalloc: its memory shows as n/a.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "BLIS_NUM_THREADS", "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import by_hand  # noqa: E402
import peers  # noqa: E402

WORKLOADS = {
    "seed231": ([2, 3, 1], 4, "sigmoid"),
    "mlp784": ([784, 256, 10], 128, "sigmoid"),
    "deep32": ([32] * 17, 32, "tanh"),
}
RATE = 0.01


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

    step.held = lambda: sum(s.memory.nbytes for s in cache_of(net).steps.values())
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


def engines(sizes, batch, act, dtype):
    """{engine name: step function, or a string saying why it does not run}."""
    made = {
        "numpy-by-hand": by_hand.plain(*data(sizes, batch, dtype), act, RATE, loss=True),
        "numpy-no-loss": by_hand.plain(*data(sizes, batch, dtype), act, RATE, loss=False),
        "numpy-prealloc": by_hand.preallocated(*data(sizes, batch, dtype), act, RATE),
        "gates": gates_step(sizes, batch, act, dtype),
        "gates-reference": gates_step(sizes, batch, act, dtype, mode="reference"),
    }
    for name, make in peers.PEERS.items():
        if dtype != np.float64:
            continue
        try:
            made[name] = make(*data(sizes, batch, dtype), act, RATE, sizes)
        except ImportError as exc:
            made[name] = f"not installed ({exc.name})"
        except LookupError as exc:
            made[name] = f"not run ({exc})"
    return made


def calibrate(step, seconds):
    for _ in range(3):
        step()
    n = 1
    while True:
        t = time.perf_counter()
        for _ in range(n):
            step()
        if time.perf_counter() - t > seconds:
            return n
        n *= 2


def interleaved(steps, rounds, seconds):
    """Median seconds per step of each engine, engines alternating round by round."""
    counts = {k: calibrate(s, seconds) for k, s in steps.items()}
    samples = {k: [] for k in steps}
    for _ in range(rounds):
        for k, step in steps.items():
            t = time.perf_counter()
            for _ in range(counts[k]):
                step()
            samples[k].append((time.perf_counter() - t) / counts[k])
    return {k: statistics.median(v) for k, v in samples.items()}


def peak_bytes(step):
    """Peak of numpy's allocations in one step, plus what the engine holds."""
    step()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    step()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak + (step.held() if hasattr(step, "held") else 0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workloads", nargs="*", choices=[[], *WORKLOADS], default=[])
    ap.add_argument("--quick", action="store_true", help="few, short rounds: a smoke run")
    ap.add_argument("--rounds", type=int, default=None)
    args = ap.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 15)
    seconds = 0.002 if args.quick else 0.03
    print(f"numpy {np.__version__}, Python {sys.version.split()[0]}, BLAS threads pinned "
          f"to 1, {rounds} rounds, median; ratio = time / numpy-by-hand, "
          f"no-loss = time / numpy-no-loss")
    print(f"{'workload':9s}{'dtype':9s}{'engine':17s}{'us/step':>11s}{'ratio':>8s}"
          f"{'no-loss':>9s}{'peak KiB':>10s}")
    for w in args.workloads or WORKLOADS:
        sizes, batch, act = WORKLOADS[w]
        for dtype in (np.float64, np.float32):
            made = engines(sizes, batch, act, dtype)
            steps = {k: s for k, s in made.items() if callable(s)}
            times = interleaved(steps, rounds, seconds)
            base, bare = times["numpy-by-hand"], times["numpy-no-loss"]
            dt = np.dtype(dtype).name
            for name, what in made.items():
                if not callable(what):
                    print(f"{w:9s}{dt:9s}{name:17s} {what}")
                    continue
                kib = "n/a" if hasattr(what, "untraced") else f"{peak_bytes(what) / 1024:.1f}"
                print(f"{w:9s}{dt:9s}{name:17s}{times[name] * 1e6:11.1f}"
                      f"{times[name] / base:8.2f}{times[name] / bare:9.2f}{kib:>10s}",
                      flush=True)


if __name__ == "__main__":
    main()
