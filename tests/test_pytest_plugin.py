"""The pytest plugin, run as a plugin author runs it: a test module of about
three lines, in a separate pytest process that finds the plugin through the
``pytest11`` entry point."""
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from tests.paths import SWISH

MY_GATES = '''
    import numpy as np
    from core import Activation

    class Cube(Activation):
        "x cubed."
        name = "cube"
        def forward(self, x, out=None):
            return x ** 3
        def derivative(self, x, y, out=None):
            return 3 * x ** 2

    class WrongCube(Cube):
        "x cubed, derivative wrong at the last element."
        name = "wrong_cube"
        def derivative(self, x, y, out=None):
            d = 3 * x ** 2
            if d.ndim:
                d[..., -1] = 0
            return d

    class KnownWrongCube(WrongCube):
        "x cubed, a known bug."
        name = "known_wrong_cube"
        expected_failures = {"gradient_matches_finite_differences": "bug 7",
                             "gradient_random_projection": "bug 7", "elementwise": "bug 7",
                             "edge_shapes": "bug 7"}

    class PessimisticCube(Cube):
        "x cubed, declaring a failure that does not happen."
        name = "pessimistic_cube"
        expected_failures = {"gradient_random_projection": "thought flaky"}
'''


@pytest.fixture
def run_pytest(tmp_path, clean_env):
    """run_pytest(test_module, *args) -> (exit status, output) of pytest run in a fresh
    process on ``test_module`` beside my_gates.py, with the swish example on the path."""
    def run(test_module, *args):
        (tmp_path / "my_gates.py").write_text(textwrap.dedent(MY_GATES))
        (tmp_path / "test_mine.py").write_text(textwrap.dedent(test_module))
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA",
                               "test_mine.py", *args], cwd=tmp_path,
                              env=clean_env(tmp_path, SWISH),
                              capture_output=True, text=True, timeout=120)
        return proc.returncode, proc.stdout + proc.stderr

    return run


def test_the_decorator_gives_gate_check_ids_and_passes(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import parametrize_with_checks
        from gates_swish import Hinge, Swish
        from my_gates import Cube

        @parametrize_with_checks([Swish(), Hinge(), Cube()])
        def test_contract(check):
            check()
    """, "-v")
    assert code == 0, out
    assert "test_contract[swish-gradient_matches_finite_differences] PASSED" in out
    assert "test_contract[hinge-cost_returns_scalar] PASSED" in out
    assert "test_contract[cube-elementwise] PASSED" in out
    assert " failed" not in out


def test_the_base_class_runs_the_suite(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests
        from my_gates import Cube

        class TestCube(GateContractTests):
            gate = Cube()
    """, "-v")
    assert code == 0, out
    assert "TestCube::test_gate_contract[cube-gradient_random_projection] PASSED" in out
    assert "19 passed" in out


def test_a_wrong_gradient_fails_with_the_worst_element(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests
        from my_gates import WrongCube

        class TestWrong(GateContractTests):
            gates = [WrongCube()]
    """)
    assert code == 1, out
    assert "FAILED test_mine.py::TestWrong::test_gate_contract[wrong_cube-gradient_matches_" \
        "finite_differences]" in out
    assert "worst element of input 0 (7,): analytic 0," in out
    assert "reproduce: python -c" in out
    # its derivative depends on where an element sits, not only on its value
    assert "FAILED test_mine.py::TestWrong::test_gate_contract[wrong_cube-elementwise]" in out
    assert "4 failed, 15 passed" in out


def test_expected_failures_are_strict_xfails(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import parametrize_with_checks
        from my_gates import KnownWrongCube, PessimisticCube

        @parametrize_with_checks([KnownWrongCube(), PessimisticCube()])
        def test_contract(check):
            check()
    """)
    assert code == 1, out  # the pessimistic gate's xfail passes: strict, a failure
    assert "XFAIL test_mine.py::test_contract[known_wrong_cube-gradient_matches_finite_" \
        "differences]" in out
    assert "bug 7" in out
    assert "FAILED test_mine.py::test_contract[pessimistic_cube-gradient_random_projection]" in out
    assert "[XPASS(strict)] thought flaky" in out


def test_expected_failures_can_be_declared_by_the_test_module(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import parametrize_with_checks
        from my_gates import WrongCube

        @parametrize_with_checks([WrongCube()], expected_failures={"wrong_cube": {
            "gradient_matches_finite_differences": "upstream bug",
            "gradient_random_projection": "upstream bug", "elementwise": "upstream bug",
            "edge_shapes": "upstream bug"}})
        def test_contract(check):
            check()
    """)
    assert code == 0, out
    assert "4 xfailed" in out


def test_the_marker_selects_and_deselects_contract_tests(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests
        from my_gates import Cube

        class TestCube(GateContractTests):
            gate = Cube()

        def test_other():
            pass
    """, "-m", "not gate_contract")
    assert code == 0, out
    assert "1 passed, 19 deselected" in out


def test_a_base_class_without_gates_is_a_clear_collection_error(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests

        class TestNothing(GateContractTests):
            pass
    """)
    assert code != 0
    assert "TestNothing subclasses GateContractTests but sets neither 'gates' nor 'gate'" in out


def test_the_plugin_can_be_turned_off(run_pytest):
    code, out = run_pytest("""
        import pytest

        def test_marker_is_unknown(pytestconfig):
            assert not any("gate_contract" in m for m in pytestconfig.getini("markers"))
    """, "-p", "no:gates")
    assert code == 0, out


def test_the_plugin_imports_no_engine_at_pytest_startup(run_pytest):
    # pytest loads every pytest11 plugin in every project of the environment: ours
    # must not import the engine (or numpy) unless a test asks for the suite
    code, out = run_pytest("""
        import sys

        def test_nothing_heavy_imported(pytestconfig):
            assert any("gate_contract" in m for m in pytestconfig.getini("markers"))
            heavy = sorted(m for m in sys.modules
                           if m in ("core", "numpy") or m.startswith(("core.", "numpy.")))
            assert heavy == [], heavy
    """)
    assert code == 0, out


def test_the_decorator_and_the_base_class_take_types_and_registered_names(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests, parametrize_with_checks
        from gates_swish import Swish
        from my_gates import Cube

        @parametrize_with_checks([Swish, "relu", "huber"])
        def test_contract(check):
            check()

        class TestByTypeAndName(GateContractTests):
            gates = [Cube, "softmax"]
    """, "-v")
    assert code == 0, out
    assert "test_contract[swish-elementwise] PASSED" in out
    assert "test_contract[relu-gradient_at_kinks] PASSED" in out
    assert "test_contract[huber-cost_returns_scalar] PASSED" in out
    assert "TestByTypeAndName::test_gate_contract[cube-deterministic] PASSED" in out
    assert "TestByTypeAndName::test_gate_contract[softmax-needs_respected]" not in out
    assert "TestByTypeAndName::test_gate_contract[softmax-gradient_random_projection] PASSED" \
        in out


def test_the_same_gate_twice_gets_distinct_ids(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import parametrize_with_checks

        @parametrize_with_checks(["leaky_relu", "leaky_relu"])
        def test_contract(check):
            check()
    """, "-v")
    assert code == 0, out
    assert "test_contract[leaky_relu-elementwise] PASSED" in out
    assert "test_contract[leaky_relu-elementwise-2] PASSED" in out


def test_a_typo_in_the_modules_expected_failures_is_named(run_pytest):
    # a misspelt gate or check must not silently expect nothing
    for extra, words in [
            ('{"wrong_cub": {"gradient_random_projection": "bug"}}',
             "expected_failures names gate 'wrong_cub', which is not among the gates"),
            ('{"wrong_cube": {"gradient_random_projectoin": "bug"}}',
             "names unknown check 'gradient_random_projectoin'"),
            ('{"wrong_cube": {"gradient_at_kinks": "bug"}}',
             "names check 'gradient_at_kinks', which does not apply to gate 'wrong_cube'"),
            ('{"wrong_cube": {"gradient_random_projection": ""}}',
             "expected_failures['wrong_cube']['gradient_random_projection'] needs a reason"),
            ('{"wrong_cube": ["gradient_random_projection"]}',
             "expected_failures['wrong_cube'] must map check names to reasons")]:
        code, out = run_pytest(f"""
            from core.pytest_plugin import parametrize_with_checks
            from my_gates import WrongCube

            @parametrize_with_checks([WrongCube()], expected_failures={extra})
            def test_contract(check):
                check()
        """)
        assert code != 0, out
        assert words in out, out


def test_both_styles_run_without_the_plugin_loaded(run_pytest):
    # CI setups that disable plugin autoloading still get the contract tests
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests, parametrize_with_checks
        from my_gates import Cube

        @parametrize_with_checks([Cube()])
        def test_contract(check):
            check()

        class TestCube(GateContractTests):
            gate = Cube()
    """, "-p", "no:gates", "--strict-markers", "-W", "error::pytest.PytestUnknownMarkWarning")
    assert code == 0, out
    assert "38 passed" in out and "PytestUnknownMarkWarning" not in out


def test_the_marker_is_described_alike_with_the_plugin_on_or_off():
    # plugins/pytest_gates.py registers it; core.pytest_plugin when that plugin is off
    from core.pytest_plugin import MARKER_LINE
    from plugins.pytest_gates import MARKER_LINE as PLUGIN_LINE
    assert MARKER_LINE == PLUGIN_LINE


def test_the_base_class_takes_expected_failures_too(run_pytest):
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests
        from my_gates import WrongCube

        class TestWrong(GateContractTests):
            gate = WrongCube()
            expected_failures = {"wrong_cube": {
                "gradient_matches_finite_differences": "upstream bug",
                "gradient_random_projection": "upstream bug", "elementwise": "upstream bug",
                "edge_shapes": "upstream bug"}}

        class TestTypo(GateContractTests):
            gate = WrongCube()
            expected_failures = {"wrong_cube": {"elementwise_": "typo"}}
    """)
    assert code != 0, out
    assert "names unknown check 'elementwise_'" in out
    code, out = run_pytest("""
        from core.pytest_plugin import GateContractTests
        from my_gates import WrongCube

        class TestWrong(GateContractTests):
            gate = WrongCube()
            expected_failures = {"wrong_cube": {
                "gradient_matches_finite_differences": "upstream bug",
                "gradient_random_projection": "upstream bug", "elementwise": "upstream bug",
                "edge_shapes": "upstream bug"}}
    """)
    assert code == 0, out
    assert "15 passed, 4 xfailed" in out


def test_a_check_whose_fundamental_failed_is_skipped_naming_it(run_pytest):
    code, out = run_pytest("""
        import numpy as np
        from core import Operator
        from core.pytest_plugin import parametrize_with_checks

        class Overwrites(Operator):
            "a * b, its first bottom_diff written into top_diff."
            name = "overwrites"
            def forward(self, a, b, out=None):
                return a * b
            def local_gradient(self, top_diff, inputs, output, needs, out=None):
                a, b = inputs
                db = top_diff * a
                return np.multiply(top_diff, b, out=top_diff), db

        @parametrize_with_checks([Overwrites()])
        def test_contract(check):
            check()
    """)
    assert code == 1, out
    assert "FAILED test_mine.py::test_contract[overwrites-inputs_not_modified]" in out
    assert re.search(r"= 1 failed, \d+ passed, \d+ skipped in ", out), out
    assert "SKIPPED [1] test_mine.py" in out and "check 'gradient_random_projection' not " \
        "run: it needs check 'inputs_not_modified', which failed (reported there)" in out


def test_the_example_plugins_suite_runs_on_two_xdist_workers(tmp_path, clean_env):
    # the ids and their order are the same in every process, so xdist can spread them
    example = tmp_path / "gates-swish"
    shutil.copytree(SWISH, example, ignore=shutil.ignore_patterns("__pycache__", "build"))
    env = clean_env(example)
    ids = []
    for hashseed in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                               "--collect-only", "-q", "tests"], cwd=example,
                              env={**env, "PYTHONHASHSEED": hashseed},
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        ids.append([line for line in proc.stdout.splitlines() if "::" in line])
    assert ids[0] == ids[1] and len(ids[0]) == 38
    proc = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2",
                           "-v", "tests"], cwd=example, env=env, capture_output=True,
                          text=True, timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "created: 2/2 workers" in out and "38 passed" in out
    workers = {line.split("]")[0] for line in out.splitlines() if line.startswith("[gw")}
    assert workers == {"[gw0", "[gw1"}  # both ran checks
