"""What a check is run on, and what its failure says (core.contract.subject): the
reproduction line reruns the failing check; a gate defined in a function, a gate type that
needs attributes and what is not a gate are told what to do instead."""
import subprocess
import sys

import attrs
import numpy as np
import pytest

from core import Activation, check_gate
from tests.contract.planted import WrongAtOne
from tests.paths import BROKEN


def test_the_reproduction_of_a_local_gate_reruns_the_check_and_fails(failed, broken_cumsum,
                                                                     clean_env):
    # a gate checked by instance, not registered: the line is a python -c command
    message = failed(broken_cumsum(), seed=4)["gradient_matches_finite_differences"]
    line = next(x for x in message.splitlines() if "reproduce:" in x)
    command = line.split("reproduce: ", 1)[1]
    assert command.startswith("python -c ")
    proc = subprocess.run(command.replace("python", sys.executable, 1), shell=True,
                          env=clean_env(BROKEN),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "CheckFailure: gate 'broken_cumsum'" in proc.stderr
    assert "check 'gradient_matches_finite_differences' failed, seed 4" in proc.stderr
    assert "worst element of input 0 (7,)" in proc.stderr


def test_a_gate_defined_in_a_function_says_how_to_reproduce(failed):
    class Local(WrongAtOne):
        """x squared, wrong at (1, 2), defined in a function."""
    m = failed(Local())["gradient_matches_finite_differences"]
    assert "reproduce: core.iter_checks(gate, checks=['gradient_matches_finite_differences']" in m
    assert "define " in m and "Local at module level" in m


def test_a_gate_type_that_needs_attributes_says_to_pass_an_instance():
    @attrs.frozen
    class Scaled(Activation):
        """scale * x."""
        name = "scaled"
        scale: float

        def forward(self, x, out=None):
            return self.scale * x

        def derivative(self, x, y, out=None):
            return np.full_like(x, self.scale)

    with pytest.raises(TypeError, match=r"gate type .*Scaled cannot be built without "
                                        r"attributes \(TypeError: .*scale.*\); check an "
                                        r"instance instead"):
        check_gate(Scaled)
    assert all(r.ok for r in check_gate(Scaled(2.0)))


def test_check_gate_refuses_what_is_not_a_gate():
    with pytest.raises(TypeError, match="check_gate takes a gate"):
        check_gate(np.tanh)
