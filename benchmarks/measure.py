"""How bench.py measures: time in interleaved rounds, paired ratios, memory.

Time: each engine runs a calibrated number of steps per round, engines one
after another in the same order every round; a round gives one time per step
per engine. An engine's ratio to a baseline is taken within each round (its
time over the baseline's time in that round) and the median of those per-round
ratios is reported, so that a slow patch on a shared machine, which hits both
engines of a round, cancels instead of skewing one side's median.

Memory, with ``tracemalloc`` (numpy reports its array data to it, as well as
Python objects): ``held_bytes`` is what an engine retains after it is built and
has run a few steps (graph, compiled code, buffers, caches), less its
parameters and data, which every engine holds alike, in all and in array data
alone; ``peak_bytes`` is the highest amount allocated on top of that during
one step.
"""
import gc
import statistics
import time
import tracemalloc

import numpy as np

#: the tracemalloc domain numpy reports its array data in
NUMPY_DOMAIN = np.lib.tracemalloc_domain


def calibrate(step, seconds):
    """Steps per round so that a round of ``step`` lasts at least ``seconds``."""
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
    """{engine: [seconds per step in each round]}, engines alternating round by round."""
    counts = {k: calibrate(s, seconds) for k, s in steps.items()}
    samples = {k: [] for k in steps}
    for _ in range(rounds):
        for k, step in steps.items():
            t = time.perf_counter()
            for _ in range(counts[k]):
                step()
            samples[k].append((time.perf_counter() - t) / counts[k])
    return samples


def paired(samples, base):
    """{engine: (median, min, max) of its per-round ratios to ``base`` in the same round}."""
    out = {}
    for k, times in samples.items():
        ratios = [t / b for t, b in zip(times, samples[base])]
        out[k] = (statistics.median(ratios), min(ratios), max(ratios))
    return out


def _traced():
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def _sizes(snapshot):
    """(everything, numpy's array data) a snapshot holds, in bytes."""
    arrays = snapshot.filter_traces([tracemalloc.DomainFilter(True, NUMPY_DOMAIN)])
    return (sum(t.size for t in snapshot.traces), sum(t.size for t in arrays.traces))


def held_bytes(make, shared_bytes, steps=3):
    """(everything, array data) the engine ``make()`` builds holds between steps, less
    ``shared_bytes``.

    ``make`` builds the engine from scratch, its data and parameters included
    (``shared_bytes`` is their size, the same for every engine). It is called
    once untraced first, so that imports, registries and other once-per-process
    caches are not charged to the engine; the second engine is traced from
    before it is built until after ``steps`` steps (the first compiles it).
    Array data is what numpy allocated (its own tracemalloc domain); the rest
    is Python objects: graph, generated code, caches.
    """
    warm = make()
    for _ in range(steps):
        warm()
    del warm
    tracemalloc.start()
    try:
        gc.collect()
        before = _sizes(tracemalloc.take_snapshot())
        step = make()
        for _ in range(steps):
            step()
        gc.collect()
        after = _sizes(tracemalloc.take_snapshot())
    finally:
        tracemalloc.stop()
    return after[0] - before[0] - shared_bytes, after[1] - before[1] - shared_bytes


def peak_bytes(step):
    """The most ``step()`` allocates at once on top of what is held before it."""
    step()
    tracemalloc.start()
    try:
        base = _traced()
        tracemalloc.reset_peak()
        step()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    return peak
