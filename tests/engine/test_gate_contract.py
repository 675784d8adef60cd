"""The gate contract enforced at run time, on both paths: the first time a node runs, its
output and every bottom_diff have the shape (after the broadcast its forward made) and the
dtype they must, and no gate changes an array it was handed; the error names the node,
the gate type and the plugin, and the planned step's code pays nothing for it."""
import numpy as np
import pytest

from core import Activation, Cost, Executor, GateContractError, Graph, Operator
from core.engine.state import cache_of


class Broadened(Activation):
    """A sigmoid whose derivative has an extra leading axis: top_diff x derivative then
    broadcasts to (n, n, m), which sums back to (n, m) as n times the gradient."""

    name = "broadened"

    def forward(self, x, out=None):
        return 1.0 / (1.0 + np.exp(-x))

    def derivative(self, x, y, out=None):
        return np.broadcast_to(y * (1.0 - y), (x.shape[0], *x.shape))


class Narrow(Activation):
    """Doubles, but returns float32 whatever the graph's dtype."""

    name = "narrow"

    def forward(self, x, out=None):
        return (2.0 * x).astype(np.float32)

    def derivative(self, x, y, out=None):
        return np.full_like(x, 2.0)


class InPlace(Operator):
    """Doubles its input in place and returns it: the mul that made the input is blamed
    today, because its value changed after it was computed."""

    name = "in_place"
    arity = 1

    def forward(self, x, out=None):
        x *= 2.0
        return x

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (2.0 * top_diff,)


class ChangesY(Activation):
    """A sigmoid whose derivative overwrites its output array with the derivative."""

    name = "changes_y"

    def forward(self, x, out=None):
        return 1.0 / (1.0 + np.exp(-x))

    def derivative(self, x, y, out=None):
        y *= 1.0 - y
        return y


class Float32Diff(Operator):
    """Identity whose bottom_diff is float32 in any graph."""

    name = "float32_diff"
    arity = 1

    def forward(self, x, out=None):
        return x.copy()

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (top_diff.astype(np.float32),)


class RowCost(Cost):
    """A 'cost' that returns one value per row instead of a scalar J."""

    name = "row_cost"

    def forward(self, prediction, target):
        return ((prediction - target) ** 2).sum(axis=-1)

    def gradient(self, prediction, target, out=None):
        return 2.0 * (prediction - target)


class RowDot(Operator):
    """x (n, 3) . w (3,) -> (n,): its bottom_diff for w is (n, 3), a broadcast the
    forward made (x's first axis), which the executor sums back to (3,)."""

    name = "row_dot"
    arity = 2

    def forward(self, x, w, out=None):
        return x @ w

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        x, w = inputs
        return top_diff[:, None] * w, top_diff[:, None] * x


class OutInPlace(Activation):
    """Doubles; its derivative is right, but with out= it writes into x and returns x."""

    name = "out_in_place"
    supports_out = True

    def forward(self, x, out=None):
        return np.multiply(x, 2.0, out=out)

    def derivative(self, x, y, out=None):
        if out is None:
            return np.full_like(x, 2.0)
        x.fill(2.0)
        return x


GATES = (Broadened, Narrow, InPlace, ChangesY, Float32Diff, RowCost, RowDot, OutInPlace)


def chain(registry_with, gate_name):
    """X @ W, then mul by s (the built-in mul), then the gate under test, then the cost."""
    g = Graph(registry_with(*GATES, name="odd"))
    g.input("X", shape=(None, 3))
    g.input("Y", shape=(None, 3))
    g.param("W", np.eye(3) * 0.5)
    g.param("s", [[1.5, 1.0, 0.5]])
    g.gate("matmul", "X", "W", name="z")
    g.gate("mul", "z", "s", name="m")
    g.gate(gate_name, "m", name="h")
    g.gate("mse", "h", "Y", name="J")
    return g


def feed(rows=4):
    rng = np.random.default_rng(3)
    return {"X": rng.standard_normal((rows, 3)), "Y": rng.standard_normal((rows, 3))}


def run(g, path):
    """value_and_grad on the reference path, or compiled at once on the planned path."""
    if path == "planned":
        cache_of(g).eager = True
        return Executor(g).value_and_grad(feed())
    return Executor(g, mode="reference").value_and_grad(feed())


PATHS = ["reference", "planned"]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("gate, said", [
    ("broadened", r"shaped \(4, 4, 3\) from derivative for input 0 shaped \(4, 3\)"),
    ("narrow", r"an array of float32 shaped \(4, 3\) from forward.*float64"),
    ("in_place", r"changed input 0 \('m'\) in place in forward"),
    ("changes_y", r"changed its output in place in derivative"),
    ("float32_diff", r"a float32 bottom_diff for input 0 \('m'\), which is float64"),
])
def test_a_gate_breaking_the_contract_is_named_on_either_path(registry_with, path, gate,
                                                              said):
    g = chain(registry_with, gate)
    with pytest.raises(GateContractError, match=rf"gate 'h' \({gate}\) from plugin 'odd' "
                                                rf"\(local\).*{said}"):
        run(g, path)


@pytest.mark.parametrize("path", PATHS)
def test_a_cost_that_is_not_a_scalar_is_named(registry_with, path):
    g = Graph(registry_with(*GATES, name="odd"))
    g.input("X", shape=(None, 3))
    g.input("Y", shape=(None, 3))
    g.param("W", np.eye(3))
    g.gate("matmul", "X", "W", name="z")
    g.gate("row_cost", "z", "Y", name="J")
    with pytest.raises(GateContractError, match=r"gate 'J' \(row_cost\) from plugin 'odd'.*"
                                                r"shaped \(4,\) from forward.*a cost returns J"):
        run(g, path)


def test_a_gate_changing_its_input_only_through_out_is_named_when_compiled(registry_with):
    g = chain(registry_with, "out_in_place")
    run(g, "reference")  # the plain calls keep the contract
    with pytest.raises(GateContractError, match=r"gate 'h' \(out_in_place\) from plugin 'odd' "
                                                r"\(local\) changed an array it was handed"):
        run(g, "planned")


@pytest.mark.parametrize("path", PATHS)
def test_the_built_in_mul_is_not_blamed_for_a_later_gate_changing_its_output(registry_with,
                                                                            path):
    g = chain(registry_with, "in_place")
    with pytest.raises(GateContractError) as err:
        run(g, path)
    assert "'h' (in_place)" in str(err.value) and "(mul)" not in str(err.value)


@pytest.mark.parametrize("path", PATHS)
def test_a_broadcast_the_forward_made_is_still_summed_back(registry_with, path, numeric_grad):
    g = Graph(registry_with(*GATES, name="odd"))
    g.input("X", shape=(None, 3))
    g.input("Y", shape=(None,))
    g.param("w", [0.5, -1.0, 2.0])
    g.param("b", [[0.1, 0.2, 0.3]])
    g.gate("add", "X", "b", name="xb")  # (n, 3) + (1, 3): b's diff is (n, 3), summed
    g.gate("row_dot", "xb", "w", name="d")  # w's diff is (n, 3), summed to (3,)
    g.gate("mse", "d", "Y", name="J")
    f = {"X": feed()["X"], "Y": np.arange(4.0)}
    if path == "planned":
        cache_of(g).eager = True
    _, grads = Executor(g, mode=path).value_and_grad(f)
    for name in ("w", "b"):
        np.testing.assert_allclose(grads[name], numeric_grad(g, f, name), rtol=1e-6, atol=1e-8)


def test_batched_matmul_still_sums_the_batch_axis_back(numeric_grad):
    g = Graph()
    g.input("X", shape=(None, 4, 2))
    g.input("Y", shape=(None, 4, 3))
    g.param("W", np.arange(6.0).reshape(2, 3) / 6)
    g.gate("matmul", "X", "W", name="z")
    g.gate("mse", "z", "Y", name="J")
    rng = np.random.default_rng(0)
    f = {"X": rng.standard_normal((5, 4, 2)), "Y": rng.standard_normal((5, 4, 3))}
    cache_of(g).eager = True
    np.testing.assert_allclose(g.value_and_grad(f)[1]["W"], numeric_grad(g, f, "W"),
                               rtol=1e-6, atol=1e-8)


def test_the_compiled_step_has_no_check_of_its_own():
    g = Graph()
    g.input("X", shape=(None, 3))
    g.input("Y", shape=(None, 3))
    g.param("W", np.eye(3))
    g.gate("matmul", "X", "W", name="z")
    g.gate("sigmoid", "z", name="h")
    g.gate("mse", "h", "Y", name="J")
    cache_of(g).eager = True
    g.value_and_grad(feed())
    step = cache_of(g).last
    for word in ("check", "snapshot", "changed", "DiffProblem", "array_equal"):
        assert word not in step.source, word
    assert not [v for v in step.fn.__globals__.values()
                if getattr(v, "__module__", None) == "core.gate.diffs"]
