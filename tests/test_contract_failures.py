"""Gates that break the contract in one way each: the right check catches it,
and the message names the gate, the check, the seed, the shapes, the worst
element with its analytic and numeric values, the tolerance, and a reproduction."""
import sys
from pathlib import Path

import numpy as np
import pytest

from core import Activation, Cost, Gate, Operator, check_gate

ROOT = Path(__file__).resolve().parent.parent


def failed(gate, **kw):
    return {r.check: r.message for r in check_gate(gate, **kw) if not r.ok}


class WrongAtOne(Activation):
    """x squared, with a derivative wrong at element (1, 2) of a batch."""
    name = "wrong_at_one"

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        d = 2 * x
        if d.shape == (4, 3):
            d = d.copy()
            d[1, 2] += 1.0
        return d


def test_a_wrong_element_is_named_with_values_tolerance_and_reproduction():
    msgs = failed(WrongAtOne(), seed=3)
    # wrong at (1, 2) of a (4, 3) batch only: its derivative depends on the shape, which
    # the elementwise check also sees
    assert set(msgs) == {"gradient_matches_finite_differences", "gradient_random_projection",
                         "elementwise"}
    m = msgs["gradient_matches_finite_differences"]
    assert "gate 'wrong_at_one'" in m and "'gradient_matches_finite_differences'" in m
    assert "seed 3" in m and "inputs shaped (4, 3)" in m
    assert "worst element of input 0 (1, 2)" in m
    assert "analytic" in m and "numeric" in m and "abs error" in m
    assert "tolerance atol 1e-05 + rtol 0.0001" in m
    assert "reproduce: python -c" in m and "WrongAtOne()" in m and "seed=3" in m
    p = msgs["gradient_random_projection"]
    assert "<u, J^T v>" in p
    assert "full Jacobian: worst element d output[1, 2] / d input 0[1, 2]" in p
    assert "abs error 1, rel error" in p and "tolerance atol 1e-05 + rtol 0.0001 x |numeric|" \
        in p.split("full Jacobian")[1]


def test_the_broken_example_plugin_is_caught_at_its_last_column(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "gates-broken"))
    from gates_broken import BrokenCumsum
    msgs = failed(BrokenCumsum())
    assert "worst element of input 0 (4,): analytic 0," in \
        msgs["gradient_matches_finite_differences"]
    assert "d input 0[0, 2]: analytic 0," in msgs["gradient_random_projection"]
    sys.modules.pop("gates_broken", None)


class Mul(Operator):
    """a * b."""
    name = "mul_variant"

    def forward(self, a, b, out=None):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1], top_diff * inputs[0]


class OneDiff(Mul):
    """Returns one bottom_diff for two inputs."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (top_diff * inputs[1],)


class WrongShape(Mul):
    """Returns a bottom_diff that cannot be summed to the input's shape."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1], (top_diff * inputs[0]).ravel()


class Upcasts(Mul):
    """Returns float64 bottom_diffs for float32 inputs."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return [np.asarray(d, np.float64) for d in super().local_gradient(
            top_diff, inputs, output, needs)]


class Squares(Mul):
    """Not linear in top_diff."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff ** 2 * inputs[1], top_diff * inputs[0]


class Offset(Mul):
    """A zero top_diff gives a non-zero bottom_diff."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1] + 0 * top_diff + (top_diff == 0), top_diff * inputs[0]


class IgnoresNeeds(Mul):
    """Gives input 1 a wrong gradient when input 0 needs none."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (top_diff * inputs[1] if needs[0] else None,
                top_diff * inputs[0] * (1 if needs[0] else 2))


class Counter(Mul):
    """Forward depends on how often it was called."""
    calls = 0

    def forward(self, a, b, out=None):
        Counter.calls += 1
        return a * b + 1e-3 * Counter.calls


class InPlace(Mul):
    """Scales its first input in place."""
    def forward(self, a, b, out=None):
        a *= 1.0001
        return a * b


class Float64Only(Mul):
    """Always computes in float64."""
    def forward(self, a, b, out=None):
        return np.multiply(a, b, dtype=np.float64)


class BadOut(Mul):
    """Claims out= support but writes the wrong thing into it."""
    supports_out = True

    def forward(self, a, b, out=None):
        if out is None:
            return a * b
        out[...] = a + b
        return out

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff * inputs[1], top_diff * inputs[0]


@pytest.mark.parametrize("gate, check, words", [
    (OneDiff(), "bottom_diffs_match_inputs",
     "returned 1 bottom_diffs from its local gradient; it has 2 inputs"),
    (WrongShape(), "bottom_diffs_match_inputs",
     "returned a bottom_diff of shape (12,) for input 1 of shape (4, 3)"),
    (Upcasts(), "bottom_diffs_match_inputs", "bottom_diff 0 is float64 for a float32 input"),
    (Squares(), "linear_in_top_diff", "bottom_diff 0 is not linear in top_diff"),
    (Offset(), "zero_top_diff_gives_zero", "bottom_diff 0 is 1 at (0, 0) for a zero top_diff"),
    (IgnoresNeeds(), "needs_respected", "with needs=[False, True] bottom_diff 1 differs"),
    (Counter(), "deterministic", "two forward calls differ"),
    (InPlace(), "inputs_not_modified", "input 0 was modified in place"),
    (Float64Only(), "float32_matches_float64", "forward returned float64 for float32 inputs"),
    (BadOut(), "out_matches_plain", "forward with out= differs from the plain call"),
])
def test_structure_checks_catch_their_fault(gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]
    assert "gate 'mul_variant'" in msgs[check] and "reproduce:" in msgs[check]


class NotElementwise(Activation):
    """Centres its input: not elementwise."""
    name = "centre"

    def forward(self, x, out=None):
        return x - x.mean()

    def derivative(self, x, y, out=None):
        return np.full_like(x, 1 - 1 / x.size)


class NaiveSoftplus(Activation):
    """log(1 + e^x), overflowing for large x."""
    name = "naive_softplus"

    def forward(self, x, out=None):
        return np.log(1 + np.exp(x))

    def derivative(self, x, y, out=None):
        return 1 / (1 + np.exp(-x))


class NanAtKink(Activation):
    """|x| with a derivative that is NaN at 0."""
    name = "abs_nan"
    kinks = (0.0,)

    def forward(self, x, out=None):
        return np.abs(x)

    def derivative(self, x, y, out=None):
        with np.errstate(invalid="ignore"):
            return x / np.abs(x)


class SteepAtKink(NanAtKink):
    """|x| with derivative 5 at 0, outside [-1, 1]."""
    def derivative(self, x, y, out=None):
        return np.where(x == 0, 5.0, np.sign(x))


class PerElementCost(Cost):
    """Squared error without the sum: not a scalar."""
    name = "per_element"

    def forward(self, prediction, target):
        return (prediction - target) ** 2

    def gradient(self, prediction, target, out=None):
        return 2 * (prediction - target)


@pytest.mark.parametrize("gate, check, words", [
    (NotElementwise(), "elementwise", "changed output element(s)"),
    (NaiveSoftplus(), "large_inputs_stay_finite", "overflow"),
    (NanAtKink(), "gradient_at_kinks", "element (0, 0): the derivative is nan"),
    (SteepAtKink(), "gradient_at_kinks", "derivative is 5, not between the one-sided differences"),
    (PerElementCost(), "cost_returns_scalar", "a cost returns a finite scalar J"),
])
def test_kind_checks_catch_their_fault(gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]


class GatedMul(Operator):
    """max(a, 0) * b: an operator with a kink of its first input at 0."""
    name = "gated_mul"
    kinks = (0.0,)

    def forward(self, a, b, out=None):
        return np.maximum(a, 0) * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        return top_diff * (a > 0) * b, top_diff * np.maximum(a, 0)


class GatedMulWrongAtKink(GatedMul):
    """max(a, 0) * b, with a gradient of a that is 3b at the kink: outside [0, b]."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        return top_diff * ((a > 0) + 3 * (a == 0)).astype(a.dtype) * b, top_diff * np.maximum(a, 0)


class GatedMulNanAtKink(GatedMul):
    """max(a, 0) * b, with a NaN gradient for b at a = 0."""
    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        a, b = inputs
        with np.errstate(invalid="ignore", divide="ignore"):
            return top_diff * (a > 0) * b, top_diff * a * np.maximum(a, 0) / a


def test_declared_kinks_of_an_operator_are_checked():
    assert failed(GatedMul()) == {}
    wrong = failed(GatedMulWrongAtKink())
    assert set(wrong) == {"gradient_at_kinks"}
    assert "at the kink x = 0 (input 0 equal to it everywhere, inputs shaped (4, 3), (4, 3))" \
        in wrong["gradient_at_kinks"]
    assert "bottom_diff 0 (top_diff all ones) is" in wrong["gradient_at_kinks"]
    nan = failed(GatedMulNanAtKink())["gradient_at_kinks"]
    assert "element (0, 0): bottom_diff 1 (top_diff all ones) is nan" in nan


def test_kinked_gates_pass_away_from_the_kink():
    class Abs(SteepAtKink):
        """|x| with derivative 0 at the kink."""
        def derivative(self, x, y, out=None):
            return np.sign(x)
    assert failed(Abs()) == {}


class NoDoc(Activation):
    name = "no_doc"

    def forward(self, x, out=None):
        return x

    def derivative(self, x, y, out=None):
        return np.ones_like(x)


class BadArity(Operator):
    """Declares two inputs, takes three."""
    name = "bad_arity"

    def forward(self, a, b, c, out=None):
        return a + b + c

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff, top_diff


class NoBackward(Operator):
    """Defines no local_gradient."""
    name = "no_backward"

    def forward(self, a, b, out=None):
        return a + b


class BadName(NoDoc):
    """A name with a space."""
    name = "my gate"


class BadKind(Gate):
    """Declares a kind that does not exist."""
    name = "bad_kind"
    kind = "layer"

    def forward(self, x, out=None):
        return x


class StrayXfail(NoDoc):
    """Declares an expected failure of a check that does not exist, and one that does not apply."""
    expected_failures = {"gradient_is_right": "typo"}


class IdleXfail(NoDoc):
    """An expected failure of a check that does not apply (no kinks)."""
    expected_failures = {"gradient_at_kinks": "never runs"}


@pytest.mark.parametrize("gate, check, words", [
    (NoDoc(), "has_docstring", "NoDoc has no docstring"),
    (BadArity(), "arity_matches_forward", "arity is 2 but forward(a, b, c, out=None) takes 3"),
    (NoBackward(), "kind_methods_defined", "does not define local_gradient()"),
    (BadName(), "name_is_valid", "the name 'my gate' is not valid"),
    (BadKind(), "kind_is_known", "declares kind 'layer'; expected one of operator, activation, cost"),
    (StrayXfail(), "declarations_are_valid", "unknown check(s) gradient_is_right; the checks are"),
    (IdleXfail(), "declarations_are_valid", "gradient_at_kinks that do not apply to this gate"),
])
def test_metadata_checks_catch_their_fault(gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]


def test_an_unknown_kind_runs_only_the_metadata_checks():
    assert {r.check for r in check_gate(BadKind())} == {
        "name_is_valid", "kind_is_known", "has_docstring", "arity_matches_forward",
        "declarations_are_valid"}


class KnownBad(WrongAtOne):
    """x squared with a known wrong derivative."""
    name = "known_bad"
    expected_failures = {"gradient_matches_finite_differences": "the (1, 2) element, issue 12",
                         "gradient_random_projection": "the same bug",
                     "elementwise": "the same bug"}


class WronglyPessimistic(NoDoc):
    """Declares an expected failure of a check it passes."""
    expected_failures = {"gradient_random_projection": "thought to be flaky"}


def test_expected_failures_are_strict_xfails_counted_not_skipped():
    results = {r.check: r for r in check_gate(KnownBad())}
    xfails = {c for c, r in results.items() if r.status == "xfail"}
    assert xfails == {"gradient_matches_finite_differences", "gradient_random_projection",
                      "elementwise"}
    assert all(r.ok for r in results.values())
    assert "expected failure (the (1, 2) element, issue 12)" in \
        results["gradient_matches_finite_differences"].message
    passing = {r.check: r for r in check_gate(WronglyPessimistic())}
    xpass = passing["gradient_random_projection"]
    assert xpass.status == "xpass" and not xpass.ok
    assert "declared an expected failure (thought to be flaky) but passed" in xpass.message


class BadSampler(Mul):
    """Its sample_inputs hook returns one array for two inputs."""
    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        return (rng.standard_normal(shape).astype(dtype),)


def test_a_broken_sampling_hook_is_reported():
    msgs = failed(BadSampler())
    assert "sample_inputs returned 1 arrays; the gate has arity 2" in \
        msgs["gradient_matches_finite_differences"]


def test_samples_keep_a_margin_from_kinks():
    from core.contract.samples import KINK_MARGIN, away_from_kinks, sample_inputs
    x = away_from_kinks(np.array([-0.004, 0.0, 0.003, 1.0005, 2.0]), (0.0, 1.0))
    assert np.allclose(x, [-KINK_MARGIN, KINK_MARGIN, KINK_MARGIN, 1 + KINK_MARGIN, 2.0])
    relu = NanAtKink()
    rng = np.random.default_rng(0)
    xs = sample_inputs(relu, rng, (2000,), np.float64, scale=0.02)
    assert np.min(np.abs(xs[0])) >= KINK_MARGIN


def test_the_reproduction_of_a_local_gate_reruns_the_check_and_fails(monkeypatch):
    # a gate checked by instance, not registered: the line is a python -c command
    import os
    import subprocess
    monkeypatch.syspath_prepend(str(ROOT / "examples" / "gates-broken"))
    from gates_broken import BrokenCumsum
    message = failed(BrokenCumsum(), seed=4)["gradient_matches_finite_differences"]
    sys.modules.pop("gates_broken", None)
    line = next(x for x in message.splitlines() if "reproduce:" in x)
    command = line.split("reproduce: ", 1)[1]
    assert command.startswith("python -c ")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT / "examples" / "gates-broken"), str(ROOT)])}
    proc = subprocess.run(command.replace("python", sys.executable, 1), shell=True, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "CheckFailure: gate 'broken_cumsum'" in proc.stderr
    assert "check 'gradient_matches_finite_differences' failed, seed 4" in proc.stderr
    assert "worst element of input 0 (4,)" in proc.stderr


def test_a_gate_defined_in_a_function_says_how_to_reproduce():
    class Local(WrongAtOne):
        """x squared, wrong at (1, 2), defined in a function."""
    m = failed(Local())["gradient_matches_finite_differences"]
    assert "reproduce: core.iter_checks(gate, checks=['gradient_matches_finite_differences']" in m
    assert "define " in m and "Local at module level" in m


class WidthScaled(Activation):
    """x times the width of its input: consistent derivative, but not elementwise."""
    name = "width_scaled"

    def forward(self, x, out=None):
        return x * x.shape[-1]

    def derivative(self, x, y, out=None):
        return np.full_like(x, x.shape[-1])


class Tanh32(Activation):
    """tanh, computed in float32 as tanh(1.01 x): float32 disagrees with float64."""
    name = "tanh32"

    def forward(self, x, out=None):
        return np.tanh(x if x.dtype == np.float64 else x * np.float32(1.01))

    def derivative(self, x, y, out=None):
        return 1 - np.tanh(x) ** 2


class DerivativeUpcasts(Activation):
    """x squared, its derivative always float64."""
    name = "derivative_upcasts"

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        return 2 * x.astype(np.float64)


class RowGradientCost(Cost):
    """Squared error summed; its gradient summed over the last axis (the wrong shape)."""
    name = "row_gradient"

    def forward(self, prediction, target):
        return np.sum((prediction - target) ** 2)

    def gradient(self, prediction, target, out=None):
        return 2 * (prediction - target).sum(axis=-1)


class GradientUpcasts(RowGradientCost):
    """Squared error summed; its gradient always float64."""
    name = "gradient_upcasts"

    def gradient(self, prediction, target, out=None):
        return 2 * (prediction - target).astype(np.float64)


@pytest.mark.parametrize("gate, check, words", [
    (GradientUpcasts(), "bottom_diffs_match_inputs",
     "bottom_diff 0 is float64 for a float32 input"),
    (WidthScaled(), "elementwise",
     "the output for a sub-batch x[1:3, 1:] (shape (2, 2)) differs from the same elements"),
    (Tanh32(), "float32_matches_float64", "forward in float32 disagrees with float64"),
    (DerivativeUpcasts(), "bottom_diffs_match_inputs",
     "bottom_diff 0 is float64 for a float32 input"),
    (RowGradientCost(), "cost_returns_scalar",
     "gradient has shape (); the prediction has shape (5,)"),
])
def test_more_planted_faults_are_caught(gate, check, words):
    msgs = failed(gate)
    assert check in msgs, msgs.keys()
    assert words in msgs[check]


class RowDerivative(Activation):
    """x squared, its derivative one row only: the executor would broadcast it silently."""
    name = "row_derivative"

    def forward(self, x, out=None):
        return x * x

    def derivative(self, x, y, out=None):
        return 2 * x[..., 0, :] if x.ndim > 1 else 2 * x


def test_an_activation_derivative_of_the_wrong_shape_is_named():
    m = failed(RowDerivative())["bottom_diffs_match_inputs"]
    assert "derivative has shape (3,) for an input shaped (4, 3), float64" in m


class ClaimsOutputOnly(Activation):
    """Cube, whose derivative reads x although it declares it reads only the output."""
    name = "claims_output_only"
    backward_reads = ("output",)

    def forward(self, x, out=None):
        return x ** 3

    def derivative(self, x, y, out=None):
        return 3 * x * x


class OutputOnlyScale(Operator):
    """y = 2 x, whose local gradient reads nothing although it is declared to read x."""
    name = "output_only_scale"
    arity = 1
    backward_reads = ()

    def forward(self, x, out=None):
        return 2 * x

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (2 * top_diff,)


def test_a_backward_that_reads_more_than_it_declares_is_caught():
    msgs = failed(ClaimsOutputOnly(), seed=1)
    assert set(msgs) == {"backward_reads_honest"}
    m = msgs["backward_reads_honest"]
    assert "derivative raised TypeError" in m and "None for its inputs" in m
    assert "backward_reads = ('output',)" in m and "declare what it reads" in m
    # an honest, smaller declaration passes the check (and the check applies to operators)
    assert "backward_reads_honest" in [r.check for r in check_gate(OutputOnlyScale())]
    assert failed(OutputOnlyScale()) == {}


def test_backward_reads_must_name_inputs_or_output():
    class Misspelt(ClaimsOutputOnly):
        """Cube, with a misspelt declaration."""
        name = "misspelt_reads"
        backward_reads = ("outputs",)
    msgs = failed(Misspelt())
    assert "backward_reads must be a tuple of 'inputs' and/or 'output', got ('outputs',)" \
        in msgs["declarations_are_valid"]
