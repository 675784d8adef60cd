"""Fixtures of the views' tests: the seed network's backprop trace on the XOR batch."""
import pytest

from core.examples import seed_network
from core.views.backprop import explain


@pytest.fixture
def seed_step(xor):
    """explain() of the seed's [2, 3, 1] network (initial weights of seed 3) on XOR."""
    return explain(seed_network(3), xor)
