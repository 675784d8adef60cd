"""The pytest plugin of gates (entry point ``pytest11: gates``), kept light.

pytest imports every ``pytest11`` plugin at start-up, in every project of an
environment where ``gates`` is installed. This module therefore imports
nothing of the engine (importing ``core.anything`` would run
``core/__init__.py``, the whole engine, and numpy): it registers the
``gate_contract`` marker that every contract test carries. The contract tests
themselves come from ``core.pytest_plugin`` (``parametrize_with_checks``,
``GateContractTests``), which a test module imports when it wants them.
``pytest -p no:gates`` turns this plugin off.
"""
MARKER = "gate_contract"
#: the same line core.pytest_plugin registers when this plugin is off (-p no:gates)
MARKER_LINE = f"{MARKER}: a check of the gates contract suite (core.check_gate)"


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER_LINE)
