"""Seed 000's worked numbers, computed by the executor from the registered gates.

* The sigmoid step: z2 = 0.5 gives sigma'(z2) = 0.235; with dJ/da2 = 0.9 the
  layer passes back dJ/dz2 = 0.9 x 0.235 = 0.211 (top_diff x local_diff).
* The cost step: z3 = 0.5, y = 0.8, n = 1. Seed 000 prints dJ/dz3 = 0.48, from
  -2/n * y * (z3 - y); that does not follow from J = (z3 - y)^2 / n. The
  calculus gives dJ/dz3 = 2 (z3 - y) / n = -0.6, and that is what this prints.

Run:  python examples/seed_numbers.py
"""
import numpy as np

from core import Executor, Graph


def sigmoid_step(z2=0.5, top_diff=0.9):
    """The layer's backward, run by the executor: J = c * sigmoid(z2) with c = 0.9
    makes the top_diff arriving at the sigmoid gate dJ/da2 = 0.9, as in seed 000."""
    g = Graph()
    g.input("z2")
    g.input("c")
    g.gate("sigmoid", "z2", name="a2")
    g.gate("mul", "a2", "c", name="J")
    seen = {}

    def trace(node, top, local_diffs, bottom_diffs):  # what each gate did on the way back
        seen[node.name] = (top, local_diffs, bottom_diffs)

    Executor(g).value_and_grad({"z2": z2, "c": top_diff}, wrt=["z2"], of=["J"], trace=trace)
    top, local_diff, (bottom,) = seen["a2"]
    assert float(top) == top_diff  # the sigmoid gate received dJ/da2
    return float(local_diff), float(bottom)


def cost_step(z3=0.5, y=0.8):
    """The cost's backward: the first top_diff, dJ/dz3, for J = (z3 - y)^2 / n, n = 1."""
    g = Graph()
    g.input("z3")
    g.input("y")
    g.gate("mse", "z3", "y", name="J")
    J, grads = g.value_and_grad({"z3": np.array([z3]), "y": np.array([y])}, wrt=["z3"])
    return float(J), float(grads["z3"][0])


def main():
    local, bottom = sigmoid_step()
    print(f"sigmoid at z2 = 0.5: local_diff = sigma'(z2) = {local:.3f}")
    print(f"dJ/dz2 = dJ/da2 x local_diff = 0.9 x {local:.4f} = {bottom:.4f} "
          f"(seed 000: 0.9 x 0.235 = 0.211, truncated)")
    J, dz3 = cost_step()
    print(f"MSE at z3 = 0.5, y = 0.8: J = {J:.2f}, dJ/dz3 = 2 (z3 - y) = {dz3:.2f}")
    print("(seed 000 prints dJ/dz3 = 0.48, which does not follow from its own J; "
          "the calculus gives -0.6)")


if __name__ == "__main__":  # piped into head, it stops quietly, as gates does
    from core.cli.status import run_quietly
    raise SystemExit(run_quietly(main))
