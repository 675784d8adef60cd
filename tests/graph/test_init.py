"""Initialisers (core.graph.init): an unknown name reads as one sentence with the known ones."""
import numpy as np
import pytest

from core import GraphError
from core.graph.init import initialise


def test_unknown_names_read_as_one_sentence_with_the_known_ones():
    with pytest.raises(GraphError) as info:
        initialise("lecunn", (2, 3), np.random.default_rng(0), np.float64)
    message = str(info.value)
    assert "did you mean 'lecun'? The initialisers are: " in message and "?;" not in message
