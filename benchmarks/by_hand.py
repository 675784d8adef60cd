"""The baselines: the seed's backprop equations written by hand in numpy.

``plain`` is how one writes them first: every expression makes a new array.
``preallocated`` computes the same with every buffer allocated once (out=).
Both update W <- W - rate * dJ/dW in place and return the loss J (``plain``
with ``loss=False`` skips it).
"""
import numpy as np


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


ACTIVATIONS = {  # name: (f(z), f'(z) written with a = f(z))
    "sigmoid": (_sigmoid, lambda a: a * (1.0 - a)),
    "tanh": (np.tanh, lambda a: 1.0 - a * a),
}


def plain(X, Y, Ws, bs, act, rate, loss=True):
    f, df = ACTIVATIONS[act]
    layers = len(Ws)

    def step():
        acts = [X]
        for i in range(layers):
            z = acts[-1] @ Ws[i] + bs[i]
            acts.append(f(z) if i < layers - 1 else z)  # identity output layer
        err = acts[-1] - Y
        J = np.mean(err ** 2) if loss else None  # J = 1/n sum (yhat - y)^2
        delta = 2.0 * err / err.size  # dJ/dyhat
        for i in reversed(range(layers)):
            dW = acts[i].T @ delta
            db = delta.sum(axis=0, keepdims=True)
            if i:
                delta = (delta @ Ws[i].T) * df(acts[i])
            Ws[i] -= rate * dW
            bs[i] -= rate * db
        return J
    return step


def preallocated(X, Y, Ws, bs, act, rate):
    layers, n, dt = len(Ws), X.shape[0], X.dtype
    A = [X] + [np.empty((n, W.shape[1]), dt) for W in Ws]  # activations
    D = [np.empty((n, W.shape[1]), dt) for W in Ws]  # dJ/dz of each layer
    T = [np.empty((n, W.shape[1]), dt) for W in Ws]  # f'(z) scratch
    GW = [np.empty_like(W) for W in Ws]
    GB = [np.empty_like(b) for b in bs]

    def forward_act(z):
        if act == "tanh":
            np.tanh(z, out=z)
        else:
            np.negative(z, out=z)
            np.exp(z, out=z)
            np.add(z, 1.0, out=z)
            np.divide(1.0, z, out=z)

    def derivative(a, out):
        if act == "tanh":
            np.multiply(a, a, out=out)
            np.subtract(1.0, out, out=out)
        else:
            np.subtract(1.0, a, out=out)
            np.multiply(out, a, out=out)

    def step():
        for i in range(layers):
            np.matmul(A[i], Ws[i], out=A[i + 1])
            np.add(A[i + 1], bs[i], out=A[i + 1])
            if i < layers - 1:
                forward_act(A[i + 1])
        d = D[-1]
        np.subtract(A[-1], Y, out=d)
        J = np.vdot(d, d) / d.size
        np.multiply(d, 2.0 / d.size, out=d)
        for i in reversed(range(layers)):
            np.matmul(A[i].T, D[i], out=GW[i])
            np.add.reduce(D[i], axis=0, keepdims=True, out=GB[i])
            if i:
                np.matmul(D[i], Ws[i].T, out=D[i - 1])
                derivative(A[i], T[i - 1])
                np.multiply(D[i - 1], T[i - 1], out=D[i - 1])
            np.multiply(GW[i], rate, out=GW[i])
            np.subtract(Ws[i], GW[i], out=Ws[i])
            np.multiply(GB[i], rate, out=GB[i])
            np.subtract(bs[i], GB[i], out=bs[i])
        return J

    return step
