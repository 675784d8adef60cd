"""The seed's [2, 3, 1] network with a batch of 4 (seeds 000 and 001).

Prints the shape of every value and gradient as seed 001 tabulates them
(X 4x2, W1 2x3, z2 and a2 4x3, W2 3x1, z3 4x1), then trains the network on XOR
to a low loss.  Run:  python examples/seed_network.py
"""
import numpy as np

from core import mlp, train

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # 4 observations x 2 inputs
Y = np.array([[0.0], [1.0], [1.0], [0.0]])                       # 4 observations x 1 output


def shapes(net, feed):
    """{node: (value shape, gradient shape or None)} for every node."""
    wrt = [n for n, node in net.nodes.items() if node.op != "input" or n == "X"]
    wrt = [n for n in wrt if n != "J"]
    values = net.forward(feed)
    _, grads = net.value_and_grad(feed, wrt=wrt)
    return {n: (values[n].shape, grads[n].shape if n in grads else None) for n in net.nodes}


def main():
    net = mlp([2, 3, 1], "sigmoid", output_activation="identity", cost="mse", seed=0)
    feed = {"X": X, "Y": Y}
    print(f"{'node':6s} {'gate':9s} {'value':>8s} {'dJ/dnode':>9s}")
    for name, (value, grad) in shapes(net, feed).items():
        node = net.nodes[name]
        kind = node.what
        fmt = lambda s: "x".join(map(str, s)) if s else "scalar" if s == () else "-"
        print(f"{name:6s} {kind:9s} {fmt(value):>8s} {fmt(grad):>9s}")
    history = train(net, feed, epochs=3000, rate=0.5)
    print(f"\ntrained 3000 steps: J from {history.losses[0]:.4f} to {history.losses[-1]:.3g}")
    # + 0.0 after rounding: a tiny negative prints as 0., not -0.
    print("predictions:", np.round(net.forward(feed, outputs=["a3"])["a3"].ravel(), 4) + 0.0)
    return net, history


if __name__ == "__main__":  # piped into head, it stops quietly, as gates does
    from core.cli.status import run_quietly
    raise SystemExit(run_quietly(main))
