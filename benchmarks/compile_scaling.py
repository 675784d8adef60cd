"""Compile time per gate as a graph grows: it should stay flat (compiling is linear).

    python benchmarks/compile_scaling.py [N ...]

Builds a graph of N parallel branches (w_i * x, summed by a chain of adds, an
MSE cost: about 2N gates and N parameters) and times ``compile_step`` for an
SGD step once per size, printing the total and the time per gate.
"""
import sys
import time

import numpy as np

from core import Graph
from core.engine.planned import compile_step

SIZES = (10, 100, 1000, 2500, 5000)


def branches(n):
    """x * w_i for i < n, summed, against y: 2n gates, n parameters."""
    g = Graph()
    g.input("x", shape=(None, 4))
    g.input("y", shape=(None, 4))
    total = None
    for i in range(n):
        g.param(f"w{i}", shape=(1, 4), init="normal")
        m = g.gate("mul", "x", f"w{i}", name=f"m{i}")
        total = m if total is None else g.gate("add", total, m, name=f"s{i}")
    g.gate("mse", total, "y", name="J")
    return g


def main(argv):
    feed = {"x": np.ones((8, 4)), "y": np.zeros((8, 4))}
    print("gates  parameters  compile ms  us per gate")
    for n in [int(a) for a in argv] or SIZES:
        g = branches(n)
        gates = sum(1 for node in g.nodes.values() if node.op == "gate")
        start = time.perf_counter()
        compile_step(g, feed, rates={p: 0.01 for p in g.params})
        took = time.perf_counter() - start
        print(f"{gates:5d}  {len(g.params):10d}  {took * 1e3:10.1f}  {took / gates * 1e6:11.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
