"""``gates demo``: the seed's [2, 3, 1] network learns XOR, a batch of 4."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np

from core.engine.training import train
from core.examples import XOR_X, XOR_Y, seed_network, xor_feed


def run_demo(epochs: int = 3000, rate: float = 0.5, seed: int = 0,
             print: Callable[..., None] = print) -> int:
    net = seed_network(seed)
    gates = [f"{n} = {node.spec.name}({', '.join(node.inputs)})"
             for n, node in net.nodes.items() if node.op == "gate"]
    print("The seed's [2, 3, 1] network, composed from registered gates:")
    for line in gates:
        print(f"  {line}")
    print(f"\nTraining on XOR (X 4x2, Y 4x1), full batch, rate {rate}, {epochs} epochs:")
    marks = {1, *np.unique(np.geomspace(1, epochs, 8).astype(int)), epochs}

    def report(epoch: int, step: int, loss: float) -> None:
        if step in marks:
            print(f"  step {step:6d}   J = {loss:.6g}")

    # a rate too large overflows on the way to a non-finite loss, which train reports
    # as an error naming the rate: numpy's own warnings on the way would be noise
    with np.errstate(over="ignore", invalid="ignore"):
        history = train(net, xor_feed(), epochs=epochs, rate=rate, callback=report)
    prediction = net.predict({"X": XOR_X})[net.outputs[0]]
    print("\n  x1  x2   target   prediction")
    for x, y, p in zip(XOR_X, XOR_Y, prediction):
        shown = round(float(p[0]), 6) + 0.0  # + 0.0: a tiny negative shows as 0, not -0
        print(f"  {x[0]:.0f}   {x[1]:.0f}   {y[0]:6.3f}   {shown:10.6f}")
    first, last = history.losses[0], history.losses[-1]
    print(f"\nJ went from {first:.4g} to {last:.4g}.")
    return 0 if last < first else 1
