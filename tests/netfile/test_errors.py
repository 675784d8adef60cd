"""Every mistake in a network file is a NetworkFileError naming the file, the line and the
key at fault, with a suggestion when a name is close to a known one."""
import pytest

from core import netfile
from core.netfile import NetworkFileError
from tests.netfile.texts import LINEAR, TWO_GATES
from tests.paths import SEED_TOML


def line_of(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def broken(old, new):
    text = SEED_TOML.read_text()
    assert old in text
    return text.replace(old, new)


def error_of(text):
    with pytest.raises(NetworkFileError) as info:
        netfile.build(netfile.parse(text, "net.toml"))
    return info.value


@pytest.mark.parametrize("old, new, key, line, message", [
    ('p = {', '"p q" = {', "gates.p q", 7, "not a valid node name"),
    ('W = {', '2W = {', "params.2W", 5, "not a valid node name"),
    ('p = { gate', 'Y = { gate', "gates.Y", 7, "declared twice: here and as inputs.Y"),
    ('init = "zeros"', 'init = "zero"', "params.W.init", 5,
     "unknown initialiser 'zero'; did you mean 'zeros'"),
    ('init = "zeros"', 'init = "zeros", value = [[1.0], [2.0]]', "params.W.init", 5,
     "a value or an init, not both"),
    ('inputs = ["X", "W"] }', 'inputs = ["X", "W"], attributes = { name = "q" } }',
     "gates.p.attributes", 7, "'name' is reserved"),
    ('[inputs]', '[network]\noutputs = ["pp"]\n[inputs]', "network.outputs", 2,
     "output 'pp' is not a declared node; did you mean 'p'"),
    ('[inputs]', '[network]\nseed = -1\n[inputs]', "network.seed", 2, "non-negative integer"),
    ('inputs = ["p", "Y"]', 'inputs = ["p", "Y", "X"]', "cost.J.inputs", 9,
     "takes 2 inputs, got 3"),
    ('shape = [2, 1], init', 'shape = 3, init', "params.W.shape", 5,
     "a shape is a list such as [2, 3], not 3"),
    ('shape = [2, 1], init', 'shape = ["batch", 1], init', "params.W.shape", 5,
     "dimensions are positive integers, not 'batch'"),
    ('X = { shape = ["batch", 2] }', 'X = { shape = ["batch", 2.5] }', "inputs.X.shape", 2,
     "positive integers or \"batch\", not 2.5"),
    ('W = { shape = [2, 1]', 'W = { shape = [3, 1]', "gates.p", 7,
     "'X' (input) with shape (7, 2), 'W' (param) with shape (3, 1)"),
])
def test_mistakes_name_the_key_and_line(old, new, key, line, message):
    assert old in LINEAR
    err = error_of(LINEAR.replace(old, new, 1))
    assert (err.key, err.line) == (key, line), str(err)
    assert message in str(err) and str(err).startswith(f"net.toml:{line}: {key}: ")


def test_duplicates_are_named_with_their_line():
    err = error_of(LINEAR + 'p = { gate = "add", inputs = ["X", "X"] }\n')
    assert (err.key, err.line) == ("cost.p", 10)
    assert "'p' is declared twice: here and as gates.p" in str(err)
    err = error_of(LINEAR.replace("[cost]", 'p = { gate = "add", inputs = ["X", "X"] }\n[cost]'))
    assert str(err).endswith(":8: node 'p' is declared twice in [gates] (first at line 7)")
    assert err.line == 8


def test_a_gate_declared_twice_names_the_node_and_keeps_the_line():
    text = TWO_GATES + 'z1 = { gate = "relu", inputs = ["X"] }\n'
    with pytest.raises(NetworkFileError) as info:
        netfile.parse(text, "net.toml")
    assert str(info.value) == "net.toml:9: node 'z1' is declared twice in [gates] (first at line 7)"
    assert info.value.line == 9
    assert "Cannot overwrite" not in str(info.value)


def test_quoted_names_and_other_node_tables_are_found_too():
    text = TWO_GATES.replace('w = { value = [1.0] }',
                             'w = { value = [1.0] }\n"w" = { value = [2.0] }')
    with pytest.raises(NetworkFileError, match=r"^net.toml:6: node 'w' is declared twice "
                                               r"in \[params\] \(first at line 5\)$"):
        netfile.parse(text, "net.toml")


def test_other_toml_errors_stay_as_they_were():
    text = TWO_GATES.replace("[gates]", "[gates]\nbroken = {")
    with pytest.raises(NetworkFileError, match="not valid TOML"):
        netfile.parse(text, "net.toml")
    text = TWO_GATES + "[network]\nname = 'a'\nname = 'b'\n"  # not a node table
    with pytest.raises(NetworkFileError, match="not valid TOML") as info:
        netfile.parse(text, "net.toml")
    assert info.value.line == 11


@pytest.mark.parametrize("rate", ["-1", "-0.5", "nan", "inf", "-inf"])
def test_a_rate_must_be_finite_and_not_negative(rate):
    text = TWO_GATES.replace("w = { value = [1.0] }", f"w = {{ value = [1.0], rate = {rate} }}")
    with pytest.raises(NetworkFileError, match=r"finite number >= 0") as info:
        netfile.parse(text, "net.toml")
    assert info.value.line == 5 and info.value.key == "params.w.rate"
    assert str(info.value).startswith("net.toml:5: params.w.rate: ")


def test_unknown_gate_names_the_line_and_suggests():
    text = broken('gate = "sigmoid"', 'gate = "sigmiod"')
    with pytest.raises(NetworkFileError) as info:
        netfile.build(netfile.parse(text, "seed.toml"))
    err = info.value
    assert err.line == line_of(text, "sigmiod") and err.key == "gates.a2.gate"
    assert f"seed.toml:{err.line}: gates.a2.gate: no gate named 'sigmiod'" in str(err)
    assert "did you mean 'sigmoid'" in str(err)


def test_bad_wiring_names_the_line():
    text = broken('inputs = ["XW1", "b1"]', 'inputs = ["XW1", "bias1"]')
    with pytest.raises(NetworkFileError, match=r"gates\.z2\.inputs: input 2 of gate 'z2' is "
                                               r"'bias1', which is not declared") as info:
        netfile.parse(text, "seed.toml")
    assert info.value.line == line_of(text, "bias1")


def test_wrong_arity_and_cycle():
    text = broken('inputs = ["X", "W1"]', 'inputs = ["X"]')
    with pytest.raises(NetworkFileError, match="takes 2 inputs, got 1") as info:
        netfile.build(netfile.parse(text))
    assert info.value.line == line_of(text, 'XW1 = {') and info.value.key == "gates.XW1.inputs"
    text = broken('inputs = ["XW1", "b1"]', 'inputs = ["XW1", "z3"]')
    with pytest.raises(NetworkFileError, match="cycle: z2 -> a2 -> a2W2 -> z3 -> z2 ") as info:
        netfile.build(netfile.parse(text, "seed.toml"))
    # just the cycle: it starts and ends at one node, and the cost downstream is not on it
    path = str(info.value).split("cycle: ")[1].split(" (")[0].split(" -> ")
    assert path[0] == path[-1] and "J" not in path
    # the line and key of the loop's first gate, as for every other wiring error
    assert info.value.line == line_of(text, 'z2 = {') and info.value.key == "gates.z2.inputs"


def test_shape_mismatch_names_the_gate_and_line():
    text = broken("W2 = { shape = [3, 1]", "W2 = { shape = [2, 1]")
    with pytest.raises(NetworkFileError, match=r"gates\.a2W2: shape mismatch.*'a2' \(sigmoid\) "
                                               r"with shape \(7, 3\), 'W2' \(param\) with shape "
                                               r"\(2, 1\)") as info:
        netfile.build(netfile.parse(text))
    assert info.value.line == line_of(text, "a2W2 = {")


def test_form_errors():
    cases = [
        ("[inputs]\nX = { shap = [2] }\n", "inputs.X.shap", "did you mean 'shape'", 2),
        ("[params]\nW = { shape = [2, 0] }\n", "params.W.shape", "positive integers", 2),
        ("[params]\nW = { init = \"zeros\" }\n", "params.W", "needs a shape", 2),
        ("[network]\ndtype = \"int8\"\n", "network.dtype", "float64", 2),
        ("[gatez]\n", "gatez", "did you mean 'gates'", 1),
        ("[gates]\na = { gate = 1 }\n", "gates.a", "registered gate name", 2),
        ("[inputs]\nx = {}\n[cost]\nJ = { gate = \"sigmoid\", inputs = [\"x\"] }\n",
         "cost.J.gate", "not a cost", 4),
    ]
    for text, key, message, line in cases:
        with pytest.raises(NetworkFileError, match=message) as info:
            netfile.build(netfile.parse(text))
        assert (info.value.key, info.value.line) == (key, line), text


def test_toml_syntax_error_has_a_line():
    with pytest.raises(NetworkFileError, match="not valid TOML") as info:
        netfile.parse("[network]\nname = \n", "x.toml")
    assert info.value.line == 2


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NetworkFileError, match="the network file cannot be read"):
        netfile.read(tmp_path / "nope.toml")
