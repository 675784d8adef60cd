"""The READMEs run as written. Every code block of README.md and of
examples/gates-swish/README.md is fenced and named (tests/docs/blocks.py); README.md's
blocks are run top to bottom in one folder as a reader would run them (the Python, the
commands, the files it saves, the output it shows), and the blocks another test runs, or
that are deliberately partial, say so. Some blocks also get a closer look here: the
composing example's comments, the plugin's entry-point lines, the error message quoted
in the text and the picture's size."""
import re
import subprocess
import sys
import types

import numpy as np
import pytest

import core
from core import netfile
from core.netfile import NetworkFileError
from tests.docs.blocks import LANGUAGES, Reader, blocks, indented_blocks
from tests.paths import EXAMPLES, README, ROOT, SEED_TOML, SWISH

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

TEXT = README.read_text(encoding="utf-8")
DOCUMENTS = [README, SWISH / "README.md"]


def section(heading):
    """The blocks of the section ``## heading`` of README.md."""
    start = TEXT.index(f"\n## {heading}\n")
    end = TEXT.find("\n## ", start + 1)
    first, last = TEXT.count("\n", 0, start), TEXT.count("\n", 0, end if end > 0 else None)
    return [b for b in blocks(README) if first < b.line <= last]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_block_is_fenced_named_and_either_run_or_says_why_not(path):
    assert indented_blocks(path) == [], "write code in fenced blocks naming their language"
    found = blocks(path)
    assert found
    for block in found:
        assert block.language in LANGUAGES, f"{block.name}: say which language it is"
        if block.mark == "file":
            assert (ROOT / block.value).is_file(), block.name
        if block.mark == "needs":
            assert block.value == "graphviz", block.name
        if block.mark == "run by":  # the test or script named runs this document's blocks
            runner = ROOT / block.value.split()[0]
            assert runner.is_file(), block.name
            assert path.name in runner.read_text(encoding="utf-8"), block.name
        if block.mark == "skip":
            assert block.value, f"{block.name}: say why it is not run"


def test_the_readme_runs_top_to_bottom(tmp_path):
    # a reader's folder: the clone's examples, and whatever the blocks save and write
    (tmp_path / "examples").symlink_to(EXAMPLES, target_is_directory=True)
    reader, failed, skipped = Reader(tmp_path, ROOT), [], []
    for block in blocks(README):
        reason = reader.skip_reason(block)
        if reason:
            skipped.append(f"{block.name}: {reason}")
            continue
        try:
            reader.run(block)
        except AssertionError as exc:
            failed.append(str(exc))
    print("not run here:\n  " + "\n  ".join(skipped))
    assert failed == [], "\n\n".join(failed)
    assert (tmp_path / "seed-trained.toml").exists() and (tmp_path / "my_gates.py").exists()


def test_the_swish_readme_is_run_offline_by_the_third_party_test():
    assert {b.mark for b in blocks(SWISH / "README.md") if b.language == "sh"} == {"run by"}


def test_the_composing_example_runs_and_its_comments_are_true():
    scope = {}
    code = section("Composing and training a network")[0].code
    exec(compile(code, "README", "exec"), scope)
    assert scope["f"] == 3.0
    d = scope["d"]
    assert [float(d[k]) for k in ("t1", "t2", "t3")] == [3.0, -2.0, 1.0]
    assert [float(d[k]) for k in ("x1", "x2")] == [4.0, 5.0]
    assert scope["history"].losses[-1] < 1e-3 < scope["history"].losses[0]
    assert scope["yhat"].shape == (4, 1) and np.allclose(scope["yhat"], scope["Y"], atol=0.05)
    assert set(scope["grads"]) == {"W1", "b1", "W2", "b2"}


def plugin_module():
    return next(b.code for b in section("Writing a gate plugin") if b.value == "my_gates.py")


def test_the_plugin_example_registers_locally_as_the_readme_says():
    my_gates = types.ModuleType("my_gates")
    exec(compile(plugin_module(), "my_gates.py", "exec"), my_gates.__dict__)
    registry = core.Registry()
    assert "core.default_registry().register(my_gates)" in TEXT
    registry.register(my_gates)  # the same call, on a fresh registry
    assert "my_tanh" in registry
    x = np.array([0.5, -1.0])
    g = core.Graph(registry=registry)
    g.input("x")
    g.gate("my_tanh", "x", name="y")
    assert np.allclose(g.forward({"x": x})["y"], np.tanh(x))


def test_the_plugin_module_and_its_entry_point_lines_make_an_installed_plugin(site):
    (lines,) = [b for b in section("Writing a gate plugin") if b.language == "toml"]
    assert lines.mark == "run by"  # this test
    group = tomllib.loads(lines.code)["project"]["entry-points"]["gates"]
    assert group == {"my_gates": "my_gates"}
    # what pip writes for that pyproject: the module and a dist-info with the entry point
    site.install("my-gates", "1.2.0", group, {"my_gates": plugin_module()})
    env = site.env()
    listed = subprocess.run([sys.executable, "-m", "core.cli", "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    row = next(line.split() for line in listed.stdout.splitlines()
               if line.startswith("my_tanh"))
    assert row == ["my_tanh", "activation", "1", "my_gates", "my-gates", "1.2.0"]
    checked = subprocess.run([sys.executable, "-m", "core.cli", "check", "my_tanh"], env=env,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_contract_test_modules_are_a_few_lines():
    modules = [b for b in section("Testing a gate plugin: the contract suite")
               if b.mark == "save as"]
    assert [b.value for b in modules] == ["test_my_gates.py", "test_my_gates_class.py"]
    for module in modules:
        assert len([x for x in module.code.splitlines() if x.strip()]) <= 6


def test_the_readme_error_example_is_the_real_message():
    shown = re.search(r"`(seed\.toml:\d+: gates\.a2\.gate: [^`]+)`", TEXT).group(1)
    text = SEED_TOML.read_text().replace('gate = "sigmoid"', 'gate = "sigmiod"')
    try:
        netfile.build(netfile.parse(text, "seed.toml"))
    except NetworkFileError as exc:
        assert str(exc) == " ".join(shown.split())  # the README wraps lines
    else:
        raise AssertionError("the misspelt gate was accepted")


def test_the_readme_picture_fits_a_readme_column():
    # drawn top to bottom (gates draw seed --rankdir TB -o docs/seed-network.svg): a
    # left-to-right picture was 2,059 px wide and shrank to unreadable labels at the
    # ~830 px of a README column; this one is shown at its own size
    svg = (ROOT / "docs" / "seed-network.svg").read_text()
    width, height = (float(x) for x in re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                                                 svg).groups())
    assert width * 4 / 3 <= 700 and height > width  # CSS px: 96 per inch, 72 pt per inch
    assert "gates draw seed --rankdir TB -o docs/seed-network.svg" in TEXT


def test_what_a_pass_means_names_every_check_and_the_suites_numbers():
    from core import CHECK_NAMES
    from core.contract.numeric import EPS, TOLERANCES
    from core.contract.samples import MAGNITUDES, SCALES, SHAPES, WIDE, extremes
    part = TEXT.split("### What a pass means\n", 1)[1].split("\n## ", 1)[0]
    flat = " ".join(part.split())
    table = [line for line in part.splitlines() if line.startswith("| `")]
    listed = {name for line in table
              for name in re.findall(r"`([a-z0-9_]+)`", line.split(" | ")[0])}
    assert listed == set(CHECK_NAMES)
    shown = re.search(r"the magnitudes ([\d., e-]+) and 1e3", flat).group(1)
    assert [float(m) for m in shown.split(",")] + [1e3] == list(MAGNITUDES)
    assert "709.78 in float64, 88.72 in float32" in flat
    assert (round(extremes(np.float64)[0], 2), round(extremes(np.float32)[0], 2)) == \
        (709.78, 88.72)
    assert "scales 1e-3, 1, 10 and 1e3" in flat and SCALES == (1e-3, 1.0, 10.0, 1e3)
    assert all(str(s) in flat for s in SHAPES) and str(WIDE) in flat
    assert "step 1e-6 x max(1, |x|)" in flat and EPS == 1e-6
    assert "Gradients in float64: atol 1e-7 + rtol 1e-4" in flat
    assert TOLERANCES["float64"] == (1e-7, 1e-4)


def test_the_readme_lists_every_size_limit_with_its_variable_and_default():
    from core.limits import LIMITS
    table = TEXT.split("| variable | default | bounds |", 1)[1].split("\n\n", 1)[0]
    for entry in LIMITS.values():
        row = next(line for line in table.splitlines() if f"`{entry.env}`" in line)
        default = row.split("|")[2]
        assert str(entry.default) in default.replace(",", "") or \
            f"{entry.default // 2 ** 20} MiB" in default, (entry.env, default)
