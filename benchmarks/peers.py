"""Peer engines on the same workloads, each written the way its users write it.

Each maker raises ImportError when its engine is not installed.
"""


def torch_cpu(X, Y, Ws, bs, act, rate, sizes):
    import torch
    torch.set_num_threads(1)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    params = [torch.tensor(p, requires_grad=True) for p in Ws + bs]
    f = torch.sigmoid if act == "sigmoid" else torch.tanh
    layers = len(Ws)

    def step():
        a = x
        for i in range(layers):
            z = a @ params[i] + params[layers + i]
            a = f(z) if i < layers - 1 else z
        loss = torch.mean((a - y) ** 2)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= rate * p.grad
                p.grad = None
        return loss.item()
    step.untraced = "torch allocates outside tracemalloc's view"
    return step


def hips_autograd(X, Y, Ws, bs, act, rate, sizes):
    import autograd.numpy as anp
    from autograd import value_and_grad
    layers = len(Ws)

    def f(z):
        return 1.0 / (1.0 + anp.exp(-z)) if act == "sigmoid" else anp.tanh(z)

    def cost(params):
        a = X
        for i in range(layers):
            z = anp.dot(a, params[i]) + params[layers + i]
            a = f(z) if i < layers - 1 else z
        return anp.mean((a - Y) ** 2)

    vg, params = value_and_grad(cost), Ws + bs

    def step():
        loss, grads = vg(params)
        for p, g in zip(params, grads):
            p -= rate * g
        return loss
    return step


def micrograd(X, Y, Ws, bs, act, rate, sizes):
    """Scalar autograd; seed231 only. micrograd has no sigmoid: relu stands in."""
    from micrograd.engine import Value
    if sizes != [2, 3, 1]:
        raise LookupError("scalar engine: seed231 only")
    W = [[[Value(float(w)) for w in row] for row in M] for M in Ws]
    B = [[Value(float(v)) for v in b[0]] for b in bs]
    params = [p for M in W for row in M for p in row] + [p for b in B for p in b]

    def step():
        total = Value(0.0)
        for x, y in zip(X, Y):
            a = [Value(float(v)) for v in x]
            for layer, (M, b) in enumerate(zip(W, B)):
                z = [sum((a[i] * M[i][j] for i in range(len(a))), b[j]) for j in range(len(b))]
                a = [zj.relu() for zj in z] if layer < len(W) - 1 else z
            total = total + (a[0] - float(y[0])) ** 2
        loss = total * (1.0 / len(X))
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= rate * p.grad
        return loss.data
    return step


PEERS = {"torch-cpu": torch_cpu, "hips-autograd": hips_autograd, "micrograd": micrograd}
