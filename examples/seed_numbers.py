"""Seed 000's worked numbers, computed by the registered gates.

* The sigmoid step: z2 = 0.5 gives sigma'(z2) = 0.235; with dJ/da2 = 0.9 the
  layer passes back dJ/dz2 = 0.9 x 0.235 = 0.211 (top_diff x local_diff).
* The cost step: z3 = 0.5, y = 0.8, n = 1. Seed 000 prints dJ/dz3 = 0.48, from
  -2/n * y * (z3 - y); that does not follow from J = (z3 - y)^2 / n. The
  calculus gives dJ/dz3 = 2 (z3 - y) / n = -0.6, and that is what this prints.

Run:  python examples/seed_numbers.py
"""
import numpy as np

from core import default_registry


def sigmoid_step(z2=0.5, top_diff=0.9):
    sigmoid = default_registry().create("sigmoid")
    z = np.array(z2)
    a = sigmoid.forward(z)
    local_diff = sigmoid.derivative(z, a)
    return float(local_diff), float(top_diff * local_diff)


def cost_step(z3=0.5, y=0.8):
    mse = default_registry().create("mse")
    p, t = np.array([z3]), np.array([y])
    return float(mse.forward(p, t)), float(mse.gradient(p, t)[0])


def main():
    local, bottom = sigmoid_step()
    print(f"sigmoid at z2 = 0.5: local_diff = sigma'(z2) = {local:.3f}")
    print(f"dJ/dz2 = dJ/da2 x local_diff = 0.9 x {local:.4f} = {bottom:.4f} "
          f"(seed 000: 0.9 x 0.235 = 0.211, truncated)")
    J, dz3 = cost_step()
    print(f"MSE at z3 = 0.5, y = 0.8: J = {J:.2f}, dJ/dz3 = 2 (z3 - y) = {dz3:.2f}")
    print("(seed 000 prints dJ/dz3 = 0.48, which does not follow from its own J; "
          "the calculus gives -0.6)")


if __name__ == "__main__":
    main()
