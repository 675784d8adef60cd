from core.pytest_plugin import parametrize_with_checks
from gates_swish import Hinge, Swish


@parametrize_with_checks([Swish(), Hinge()])
def test_contract(check):
    check()
