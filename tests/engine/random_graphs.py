"""Randomly composed graphs of the seed's gates, for the executor's and the planner's tests.

A support module, not a test module.
"""
import numpy as np

from core import Graph


def random_graph(registry, rng, batch, dtype=np.float64):
    """A random graph of seed gates with fan-out, broadcasting and matmul.

    Returns (graph, feed).
    """
    g = Graph(registry, dtype=dtype, seed=int(rng.integers(1 << 30)))
    width = int(rng.integers(1, 4))
    g.input("X")
    feed = {"X": rng.standard_normal((batch, width))}
    pool = [("X", width)]
    for i in range(int(rng.integers(4, 9))):
        choice = rng.integers(6)
        src, k = pool[rng.integers(len(pool))]
        name = f"n{i}"
        if choice == 0:  # matmul by a new weight
            m = int(rng.integers(1, 4))
            g.param(f"W{i}", shape=(k, m), init="normal", scale=0.7)
            g.gate("matmul", src, f"W{i}", name=name)
            k = m
        elif choice == 1:  # bias broadcast over the batch
            g.param(f"b{i}", shape=(1, k), init="normal")
            g.gate("add", src, f"b{i}", name=name)
        elif choice == 2:  # fan-out: a node read twice, added to another of its width
            same = [p for p, w in pool if w == k]
            g.gate("add", src, same[rng.integers(len(same))], name=name)
        elif choice == 3:  # switcher on two values of the pool (maybe the same one)
            same = [p for p, w in pool if w == k]
            g.gate("mul", src, same[rng.integers(len(same))], name=name)
        elif choice == 4:
            g.gate("sigmoid", src, name=name)
        else:  # a row vector scaling every sample: mul with broadcasting
            g.param(f"s{i}", shape=(1, k), init="normal")
            g.gate("mul", src, f"s{i}", name=name)
        pool.append((name, k))
    last, k = pool[-1]
    g.param("Wout", shape=(k, 2), init="normal")
    g.gate("matmul", last, "Wout", name="pred")
    g.gate("identity", "pred", name="out")
    g.input("Y")
    feed["Y"] = rng.standard_normal((batch, 2))
    g.gate("mse", "out", "Y", name="J")
    return g, feed
