"""The inputs the checks draw (core.contract.samples): a margin from every kink, and a
gate's own sampling hook, reported when it returns the wrong number of arrays."""
import numpy as np

from core.contract.samples import KINK_MARGIN, away_from_kinks, sample_inputs
from tests.contract.planted import Mul, NanAtKink


def test_samples_keep_a_margin_from_kinks():
    x = away_from_kinks(np.array([-0.004, 0.0, 0.003, 1.0005, 2.0]), (0.0, 1.0))
    assert np.allclose(x, [-KINK_MARGIN, KINK_MARGIN, KINK_MARGIN, 1 + KINK_MARGIN, 2.0])
    relu = NanAtKink()
    rng = np.random.default_rng(0)
    xs = sample_inputs(relu, rng, (2000,), np.float64, scale=0.02)
    assert np.min(np.abs(xs[0])) >= KINK_MARGIN


class BadSampler(Mul):
    """Its sample_inputs hook returns one array for two inputs."""
    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        return (rng.standard_normal(shape).astype(dtype),)


def test_a_broken_sampling_hook_is_reported(failed):
    msgs = failed(BadSampler())
    assert "sample_inputs returned 1 arrays; the gate has arity 2" in \
        msgs["gradient_matches_finite_differences"]
