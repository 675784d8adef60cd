"""The CMU slides' computation graph: f = x1*t1 + x2*t2 + t3.

With x = (3, -2) and theta = (4, 5, 1) the slides get f = 3,
df/dtheta = (3, -2, 1) and df/dx = (4, 5): the inputs (red) and weights (black)
feed two mul gates (switchers) and two add gates (distributors).
Run:  python examples/cmu_slides.py
"""
from core import Graph


def build():
    g = Graph()
    g.input("x1")
    g.input("x2")
    g.param("t1", 4.0)
    g.param("t2", 5.0)
    g.param("t3", 1.0)
    g.gate("mul", "x1", "t1", name="f1")
    g.gate("mul", "x2", "t2", name="f2")
    g.gate("add", "f1", "f2", name="f3")
    g.gate("add", "f3", "t3", name="f")
    return g


def main():
    g = build()
    # differentiate the node f itself: backward starts there with top_diff = 1
    f, grads = g.value_and_grad({"x1": 3.0, "x2": -2.0},
                                wrt=["t1", "t2", "t3", "x1", "x2"], of=["f"])
    print(f"f = {f:g}")
    print("df/dtheta =", tuple(float(grads[k]) for k in ("t1", "t2", "t3")))
    print("df/dx     =", tuple(float(grads[k]) for k in ("x1", "x2")))
    return f, grads


if __name__ == "__main__":  # piped into head, it stops quietly, as gates does
    from core.cli.status import run_quietly
    raise SystemExit(run_quietly(main))
