"""Compiled steps: repeatable, re-planned when anything they assume changes,
and correct for gates that do not implement out= or that return views."""
import numpy as np
import pytest

from core import Activation, Executor, GateContractError, Graph, GraphError, Operator, mlp, train
from core.engine.planned import compile_step
from core.engine.state import cache_of


class PlainSwish(Activation):
    """x sigmoid(x), without an out= path (supports_out stays False)."""

    name = "plain_swish"

    def forward(self, x, out=None):
        assert out is None, "the executor passed out= to a gate without supports_out"
        return x / (1.0 + np.exp(-x))

    def derivative(self, x, y, out=None):
        assert out is None
        s = 1.0 / (1.0 + np.exp(-x))
        return s + x * s * (1.0 - s)


class PassThrough(Operator):
    """a, returned as it is (a view of the input); b is ignored. No out= path."""

    name = "pass_a"

    def forward(self, a, b, out=None):
        return a

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff, (np.zeros_like(inputs[1]) if needs[1] else None)


class BadOut(Activation):
    """Doubles x; its out= path forgets the factor two."""

    name = "bad_out"
    supports_out = True

    def forward(self, x, out=None):
        if out is None:
            return 2 * x
        np.copyto(out, x)
        return out

    def derivative(self, x, y, out=None):
        return np.full_like(x, 2.0)


class Liar(Activation):
    """Declares that its backward reads nothing, but reads its input."""

    name = "liar"
    backward_reads = ()

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        return 2 * x


@pytest.fixture
def reg(registry_with):
    """The seed's gates and the four above, from a local plugin named 'extra'."""
    return registry_with(PlainSwish, PassThrough, BadOut, Liar, name="extra")


def chain(reg, *gates, dtype=np.float64):
    g = Graph(reg, dtype=dtype)
    g.input("X")
    g.input("Y")
    g.param("W", shape=(3, 2), init="normal")
    g.param("b", shape=(1, 2), init="normal")
    g.gate("matmul", "X", "W", name="h")
    last = g.gate("add", "h", "b", name="z")
    for i, gate in enumerate(gates):
        last = g.gate(gate, last, "z", name=f"g{i}") if gate == "pass_a" else \
            g.gate(gate, last, name=f"g{i}")
    g.gate("mse", last, "Y", name="J")
    rng = np.random.default_rng(3)
    return g, {"X": rng.standard_normal((4, 3)), "Y": rng.standard_normal((4, 2))}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gates_without_out_and_gates_returning_views_work(reg, dtype):
    g, feed = chain(reg, "plain_swish", "pass_a", "sigmoid", "pass_a", dtype=dtype)
    ref_loss, ref_grads = Executor(g, mode="reference").value_and_grad(feed)
    loss, grads = compile_step(g, feed, poison=True)(feed)
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    for name in grads:
        np.testing.assert_allclose(grads[name], ref_grads[name], rtol=1e-5, atol=1e-6)


def test_repeated_steps_give_the_same_results(reg):
    g, feed = chain(reg, "sigmoid", "plain_swish")
    step = compile_step(g, feed)
    first = step(feed)
    for _ in range(3):
        again = step(feed)
        assert again[0] == first[0]
        for name in first[1]:
            np.testing.assert_array_equal(again[1][name], first[1][name])
    # and a training step changes only what the update changes
    train_step = compile_step(g, feed, rates={"W": 0.0, "b": 0.0})
    assert train_step(feed) == train_step(feed) == first[0]


def test_returned_gradients_are_not_overwritten_by_the_next_step(reg):
    g, feed = chain(reg, "sigmoid")
    step = compile_step(g, feed)
    _, grads = step(feed)
    kept = {n: v.copy() for n, v in grads.items()}
    step({"X": feed["X"] * 3, "Y": feed["Y"]})
    for name in kept:
        np.testing.assert_array_equal(grads[name], kept[name])


def test_an_out_path_that_differs_from_the_plain_path_is_refused(reg):
    g, feed = chain(reg, "bad_out")
    with pytest.raises(GateContractError, match=r"'g0' \(bad_out\).*forward with out="):
        compile_step(g, feed)


def test_a_false_backward_reads_declaration_is_refused(reg):
    g, feed = chain(reg, "liar")
    with pytest.raises(GateContractError, match=r"'g0' \(liar\).*backward_reads"):
        compile_step(g, feed)


def test_steps_are_replanned_when_the_graph_inputs_or_parameters_change(reg):
    g, feed = chain(reg, "sigmoid")
    ex = Executor(g)
    cache_of(g).eager = True
    ex.sgd_step(feed, 0.1)
    assert len(cache_of(g).steps) == 1
    ex.sgd_step({"X": feed["X"][:2], "Y": feed["Y"][:2]}, 0.1)  # another batch size
    assert len(cache_of(g).steps) == 2
    g.params["W"] = np.zeros((3, 2))  # a new array: the compiled steps must not use the old
    ref = Executor(g, mode="reference").value_and_grad(feed)[0]
    assert ex.value_and_grad(feed)[0] == pytest.approx(ref, rel=1e-12)
    old = cache_of(g)
    g.gate("sigmoid", "z", name="extra")  # a changed graph drops every step
    ex.value_and_grad(feed)
    assert cache_of(g) is not old and not cache_of(g).steps


def test_training_on_the_planned_path_matches_the_reference(registry, rng):
    X = rng.standard_normal((8, 2))
    Y = rng.standard_normal((8, 1))
    a = mlp([2, 3, 1], "sigmoid", registry=registry)
    b = mlp([2, 3, 1], "sigmoid", registry=registry)
    history = train(a, {"X": X, "Y": Y}, epochs=20, batch_size=3, rate=0.2)
    ex = Executor(b, mode="reference")
    losses = []
    order = np.random.default_rng(0)
    for _ in range(20):
        index = order.permutation(8)
        for start in range(0, 8, 3):
            take = index[start:start + 3]
            losses.append(ex.sgd_step({"X": X[take], "Y": Y[take]}, 0.2))
    np.testing.assert_allclose(history.losses, losses, rtol=1e-10)
    for name in a.params:
        np.testing.assert_allclose(a.params[name], b.params[name], rtol=1e-10)


def test_an_unknown_executor_mode_is_refused(registry):
    with pytest.raises(GraphError, match="mode must be one of planned, reference"):
        Executor(mlp([2, 1], registry=registry), mode="fast")


def test_rates_changed_in_place_are_used_by_the_next_step(reg):
    g, feed = chain(reg, "sigmoid")
    ex = Executor(g)
    cache_of(g).eager = True
    rates = {"W": 0.1}
    ex.sgd_step(feed, 0.1, rates)
    for change in (lambda: rates.update(W=0.0), lambda: g.rates.update(b=0.0)):
        change()
        before = {n: p.copy() for n, p in g.params.items()}
        ex.sgd_step(feed, 0.1, rates)
        frozen = [n for n in ("W", "b") if (rates.get(n, g.rates.get(n)) == 0.0)]
        for n in frozen:
            np.testing.assert_array_equal(g.params[n], before[n])
