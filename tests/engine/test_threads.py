"""One graph used from many threads at once: every result is the one a single thread
gets. Real threads, with the interpreter switching between them every microsecond so
that any step not held whole by the graph's lock is interleaved with another."""
import sys
import threading

import numpy as np
import pytest

from core import Executor, mlp

THREADS = 8


@pytest.fixture(autouse=True)
def busy_switching():
    """Switch threads as often as the interpreter can: races show within a few steps."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def network():
    return mlp([3, 16, 2], "sigmoid", output_activation="identity", cost="mse", seed=5)


def feeds(n, rows=8):
    rng = np.random.default_rng(7)
    return [{"X": rng.standard_normal((rows, 3)), "Y": rng.standard_normal((rows, 2))}
            for _ in range(n)]


def run_threads(work, count=THREADS):
    errors = []

    def guarded(k):
        try:
            work(k)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(k,)) for k in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert errors == []


def same_grads(a, b):
    return a[0] == b[0] and a[1].keys() == b[1].keys() and \
        all(np.array_equal(a[1][k], b[1][k]) for k in a[1])


@pytest.mark.parametrize("mode", ["planned", "reference"])
def test_value_and_grad_from_many_threads_matches_one_thread(mode):
    net, data = network(), feeds(4)
    ex = Executor(net, mode=mode)
    expected = [ex.value_and_grad(f) for f in data]
    expected = [ex.value_and_grad(f) for f in data]  # compiled by now on the planned path
    wrong = []

    def work(k):
        own = Executor(net, mode=mode)  # besides the shared one, and Graph's own
        ways = [ex.value_and_grad, own.value_and_grad] + \
            ([net.value_and_grad] if mode == "planned" else [])
        for i in range(60):
            j = (k + i) % len(data)
            got = ways[i % len(ways)](data[j])
            if not same_grads(got, expected[j]):
                wrong.append((k, i))

    run_threads(work)
    assert wrong == []


def test_sgd_steps_on_one_feed_from_many_threads_match_the_same_steps_in_one_thread():
    net, ref = network(), network()
    feed = feeds(1)[0]
    ex, per_thread = Executor(net), 25
    losses = []

    def work(k):
        for _ in range(per_thread):
            losses.append(ex.sgd_step(feed, 0.05))

    run_threads(work)
    one = Executor(ref)
    expected = [one.sgd_step(feed, 0.05) for _ in range(THREADS * per_thread)]
    assert sorted(losses) == sorted(expected)
    for name in net.params:
        assert np.array_equal(net.params[name], ref.params[name]), name


def test_sgd_steps_on_different_feeds_are_whole_steps_in_some_order():
    """Trainers on different feeds and readers on another, all at once: replaying the
    trainers' steps one at a time, each in the order its loss says it ran, ends at the
    same parameters, and every reader saw the gradient at one of the states on the way."""
    net = network()
    start = {k: v.copy() for k, v in net.params.items()}
    data, probe = feeds(4), feeds(5)[4]
    ex, rate, per_thread = Executor(net), 0.05, 20
    done: list[list[float]] = [[] for _ in data]
    seen: list[tuple] = []

    def work(k):
        if k >= len(data):  # a reader: value_and_grad on the probe feed
            for _ in range(per_thread):
                seen.append(Executor(net).value_and_grad(probe))
            return
        for _ in range(per_thread):
            done[k].append(ex.sgd_step(data[k], rate))

    run_threads(work, len(data) + 3)
    replay = network()
    replay.set_params(start)
    one = Executor(replay, mode="reference")
    pending = [list(d) for d in done]
    states = [one.value_and_grad(probe)]
    for _ in range(sum(map(len, done))):
        ran = [k for k, p in enumerate(pending)
               if p and np.isclose(one.value_and_grad(data[k])[0], p[0], rtol=1e-10, atol=0)]
        assert ran, "no trainer's next loss matches the parameters as they were"
        one.sgd_step(data[ran[0]], rate)
        pending[ran[0]].pop(0)
        states.append(one.value_and_grad(probe))
    for name in net.params:
        np.testing.assert_allclose(net.params[name], replay.params[name], rtol=1e-9, atol=1e-12)
    for loss, grads in seen:
        assert any(np.isclose(loss, s[0], rtol=1e-10, atol=0) and
                   all(np.allclose(grads[n], s[1][n], rtol=1e-10, atol=1e-14) for n in grads)
                   for s in states), "a reader saw parameters in the middle of an update"


def test_set_params_from_another_thread_never_lands_inside_a_step():
    net = network()
    feed = feeds(1)[0]
    ex = Executor(net)
    a = {k: np.zeros_like(v) for k, v in net.params.items()}
    b = {k: np.full_like(v, 0.1) for k, v in net.params.items()}
    expected = []
    for values in (a, b):
        net.set_params(values)
        ex.value_and_grad(feed)
        expected.append(ex.value_and_grad(feed))
    wrong = []

    def work(k):
        for i in range(80):
            if k % 2:
                net.set_params(a if i % 2 else b)
            else:
                got = ex.value_and_grad(feed)
                if not any(same_grads(got, e) for e in expected):
                    wrong.append(i)

    run_threads(work)
    assert wrong == []
