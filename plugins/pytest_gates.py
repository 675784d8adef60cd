"""The pytest plugin of gates (entry point ``pytest11: gates``), kept light.

pytest imports every ``pytest11`` plugin at start-up, in every project of an
environment where ``gates`` is installed. This module therefore imports
nothing of the engine: it registers the ``gate_contract`` marker, and only when
a test asks for the ``gate_check`` parameter (a ``GateContractTests``
subclass) does it import ``core.pytest_plugin`` -- numpy and the engine with
it -- to parametrise the test. It lives here, outside the ``core`` package,
because importing ``core.anything`` runs ``core/__init__.py``, the whole
engine. ``pytest -p no:gates`` turns it off.
"""
MARKER = "gate_contract"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", f"{MARKER}: a check of the gates contract suite (core.check_gate)")


def pytest_generate_tests(metafunc):
    if "gate_check" in metafunc.fixturenames:
        from core.pytest_plugin import generate
        generate(metafunc)
