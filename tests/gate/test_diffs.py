"""A gate whose bottom_diffs break the contract at run time (core.gate.diffs) is named
with its node, its plugin, and what is wrong."""
import numpy as np
import pytest

from core import GateContractError, Graph, Operator


class WrongCount(Operator):
    """Returns one bottom_diff for two inputs."""

    name = "wrong_count"

    def forward(self, a, b, out=None):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return (top_diff,)


class WrongShape(Operator):
    """Returns a bottom_diff that cannot be summed back to the input's shape."""

    name = "wrong_shape"

    def forward(self, a, b, out=None):
        return a * b

    def local_gradient(self, top_diff, inputs, output, needs, out=None):
        return top_diff, np.ones((7, 7))


@pytest.mark.parametrize("gate, message", [
    ("wrong_count", r"'g' \(wrong_count\) from plugin 'bad' .*returned 1 bottom_diffs.*2 inputs"),
    ("wrong_shape", r"'g' \(wrong_shape\) from plugin 'bad' .*shape \(7, 7\).*input 1 \('b'\)"),
])
def test_gate_breaking_the_contract_is_named_with_its_plugin(registry_with, gate, message):
    g = Graph(registry_with(WrongCount, WrongShape, name="bad"))
    g.param("a", [[1.0, 2.0]])
    g.param("b", [[3.0, 4.0]])
    g.gate(gate, "a", "b", name="g")
    with pytest.raises(GateContractError, match=message):
        g.value_and_grad({}, wrt=["a", "b"], of=["g"])
