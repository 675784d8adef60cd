"""A gate made in one call with ``elementwise`` (core.gate.define) is a whole gate."""
from core import check_gate, elementwise


def test_a_gate_made_with_the_elementwise_helper_passes():
    cube = elementwise("cube_helper", forward=lambda x: x ** 3,
                       derivative=lambda x, y: 3 * x * x, doc="x cubed.")
    assert [r.check for r in check_gate(cube) if not r.ok] == []
