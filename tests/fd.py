"""Central finite differences of a graph's loss, for the tests."""
import numpy as np


def numeric_grad(graph, feed, name, eps=1e-6, of=None):
    """dJ/dname by central differences, perturbing a parameter or a fed input."""
    is_param = name in graph.params
    base = graph.params[name] if is_param else np.array(feed[name], dtype=graph.dtype)
    grad = np.zeros(base.shape)
    executor = graph.executor()

    def loss(value):
        if is_param:
            saved = graph.params[name]
            graph.params[name] = value
            try:
                return executor.value_and_grad(feed, wrt=[], of=of)[0]
            finally:
                graph.params[name] = saved
        return executor.value_and_grad({**feed, name: value}, wrt=[], of=of)[0]

    for idx in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (loss(up) - loss(down)) / (2 * eps)
    return grad
