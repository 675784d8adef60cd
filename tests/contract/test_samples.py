"""The inputs the checks draw (core.contract.samples, core.contract.variants): every
magnitude from 1e-3 to 1e3 with both signs and the exp-overflow edges, whatever the seed; a
declared domain restricts them and nothing else does; a margin from every kink; a gate's
own sampling hook at every scale, reported when it returns the wrong number of arrays."""
import math

import numpy as np
import pytest

from core.contract.samples import (
    KINK_MARGIN,
    MAGNITUDES,
    SCALES,
    SHAPES,
    away_from_kinks,
    draws,
    extreme_draws,
    extremes,
    pool,
)
from core.contract.variants import broadcasts, edge_cases
from tests.contract.planted import Log, Mul, NanAtKink


def test_samples_keep_a_margin_from_kinks():
    x = away_from_kinks(np.array([-0.004, 0.0, 0.003, 1.0005, 2.0]), (0.0, 1.0))
    assert np.allclose(x, [-KINK_MARGIN, KINK_MARGIN, KINK_MARGIN, 1 + KINK_MARGIN, 2.0])
    xs = np.concatenate([d.xs[0].ravel() for d in
                         draws(NanAtKink(), np.random.default_rng(0), SHAPES, np.float64)])
    assert np.min(np.abs(xs)) >= KINK_MARGIN


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_every_magnitude_and_sign_is_drawn_at_any_seed(seed):
    ds = draws(Mul(), np.random.default_rng(seed), SHAPES, np.float64)
    assert [d.xs[0].shape for d in ds] == list(SHAPES)
    for i in range(2):
        values = np.concatenate([d.xs[i].ravel() for d in ds])
        for m in MAGNITUDES:  # each within its jitter, with both signs
            for sign in (1, -1):
                assert np.any(np.abs(sign * values / m - 1) <= 0.15 + 1e-12), (sign, m)
        for e in extremes(np.float64):
            assert e in values and -e in values
    other = draws(Mul(), np.random.default_rng(seed + 100), SHAPES, np.float64)
    assert not np.array_equal(ds[1].xs[0], other[1].xs[0])  # the random part varies


def test_the_extremes_are_where_exp_overflows_in_each_dtype():
    for dtype in (np.float64, np.float32):
        edge, above = extremes(dtype)
        with np.errstate(over="ignore"):
            assert np.isfinite(np.exp(np.asarray(edge, dtype)))
            assert np.isinf(np.exp(np.asarray(above, dtype)))
    ds = extreme_draws(Mul(), np.random.default_rng(0), np.float32)
    a, b = ds[0].xs
    assert a.shape == b.shape == (6, 6) and a.dtype == np.float32
    assert {1e3, -1e3, extremes(np.float32)[0]} <= set(a.ravel().tolist())


def test_a_declared_domain_restricts_the_samples_and_adds_its_edges():
    values, _ = pool(np.float64, 0.0, math.inf)
    assert values.min() > 0 and 1e3 in values and KINK_MARGIN in values
    bounded, exact = pool(np.float64, -1.0, 1.0)
    assert bounded.max() < 1 and bounded.min() > -1 and 0.99 in bounded and -0.99 in bounded
    xs = np.concatenate([d.xs[0].ravel() for d in
                         draws(Log(), np.random.default_rng(0), SHAPES, np.float64)])
    assert xs.min() > 0 and xs.max() >= 1e3 * 0.85


class BadSampler(Mul):
    """Its sample_inputs hook returns one array for two inputs."""
    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        return (rng.standard_normal(shape).astype(dtype),)


class ScaledSampler(Mul):
    """Draws its own inputs, recording the scales asked for."""
    asked = []

    def sample_inputs(self, rng, shape, dtype, scale=1.0):
        ScaledSampler.asked.append(scale)
        return [(scale * rng.standard_normal(shape)).astype(dtype) for _ in range(2)]


def test_a_gates_own_sampler_is_called_at_every_scale():
    ScaledSampler.asked.clear()
    ds = draws(ScaledSampler(), np.random.default_rng(0), SHAPES, np.float64)
    assert sorted(set(ScaledSampler.asked)) == sorted(SCALES)
    assert len(ds) == len(SCALES) * len(SHAPES)


def test_a_broken_sampling_hook_is_reported(failed):
    msgs = failed(BadSampler())
    assert "the gate's sample_inputs returned 1 arrays; the gate has arity 2" in \
        msgs["bottom_diffs_match_inputs"]


def test_shape_variants_are_cut_from_a_sample():
    a, b = np.arange(12.0).reshape(4, 3), np.arange(12.0, 24.0).reshape(4, 3)
    cases = dict(edge_cases([a, b]))
    assert [x.shape for x in cases["0-d inputs"]] == [(), ()]
    assert [x.shape for x in cases["a batch of one"]] == [(1, 3), (1, 3)]
    assert [x.shape for x in cases["an empty batch"]] == [(0, 3), (0, 3)]
    shapes = {what: [x.shape for x in xs] for what, xs in broadcasts([a, b])}
    assert shapes["input 1 as a bias row"] == [(4, 3), (1, 3)]
    assert shapes["input 0 as a vector"] == [(3,), (4, 3)]
    assert shapes["input 1 as a scalar"] == [(4, 3), ()]
    assert shapes["input 1 as a bias row over an empty batch"] == [(0, 3), (1, 3)]


@pytest.mark.parametrize("seed", range(0, 40, 7))
def test_between_0_1_and_10_no_interval_of_ratio_2_3_goes_without_a_sample(seed):
    ds = draws(Mul(), np.random.default_rng(seed), SHAPES, np.float64)
    for i in range(2):
        values = np.concatenate([d.xs[i].ravel() for d in ds])
        for sign in (1, -1):
            for a in np.geomspace(0.1, 10 / 2.3, 200):
                assert np.any((sign * values >= a) & (sign * values <= 2.3 * a)), (i, sign, a)
