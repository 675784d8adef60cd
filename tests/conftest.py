"""Shared fixtures: a registry holding only the seed's gates, and seeded randomness."""
import numpy as np
import pytest

import gates.builtin
from core import Registry


@pytest.fixture
def registry():
    """A fresh registry with the built-in seed plugin registered by hand."""
    reg = Registry()
    reg.register(gates.builtin, name="seed", distribution="gates", version="test")
    return reg


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
