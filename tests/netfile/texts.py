"""Small network files that the netfile tests edit, one mistake at a time.

A support module, not a test module. Line numbers in the tests count from these texts.
"""

#: a trainable network: X -> p = X.W -> J = mse(p, Y)
LINEAR = """[inputs]
X = { shape = ["batch", 2] }
Y = { shape = ["batch", 1] }
[params]
W = { shape = [2, 1], init = "zeros" }
[gates]
p = { gate = "matmul", inputs = ["X", "W"] }
[cost]
J = { gate = "mse", inputs = ["p", "Y"] }
"""

#: a network of two gates and no cost, written with its format number
TWO_GATES = """format = 1
[inputs]
X = {}
[params]
w = { value = [1.0] }
[gates]
z1 = { gate = "mul", inputs = ["X", "w"] }
z2 = { gate = "sigmoid", inputs = ["z1"] }
"""
