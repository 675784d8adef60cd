"""Network files: a node declared twice in one table, a rate that is no learning rate."""
import pytest

from core import netfile
from core.netfile import NetworkFileError

BASE = """format = 1
[inputs]
X = {}
[params]
w = { value = [1.0] }
[gates]
z1 = { gate = "mul", inputs = ["X", "w"] }
z2 = { gate = "sigmoid", inputs = ["z1"] }
"""


def test_a_gate_declared_twice_names_the_node_and_keeps_the_line():
    text = BASE + 'z1 = { gate = "relu", inputs = ["X"] }\n'
    with pytest.raises(NetworkFileError) as info:
        netfile.parse(text, "net.toml")
    assert str(info.value) == "net.toml:9: node 'z1' is declared twice in [gates] (first at line 7)"
    assert info.value.line == 9
    assert "Cannot overwrite" not in str(info.value)


def test_quoted_names_and_other_node_tables_are_found_too():
    text = BASE.replace('w = { value = [1.0] }', 'w = { value = [1.0] }\n"w" = { value = [2.0] }')
    with pytest.raises(NetworkFileError, match=r"^net.toml:6: node 'w' is declared twice "
                                               r"in \[params\] \(first at line 5\)$"):
        netfile.parse(text, "net.toml")


def test_other_toml_errors_stay_as_they_were():
    text = BASE.replace("[gates]", "[gates]\nbroken = {")
    with pytest.raises(NetworkFileError, match="not valid TOML"):
        netfile.parse(text, "net.toml")
    text = BASE + "[network]\nname = 'a'\nname = 'b'\n"  # not a node table
    with pytest.raises(NetworkFileError, match="not valid TOML") as info:
        netfile.parse(text, "net.toml")
    assert info.value.line == 11


@pytest.mark.parametrize("rate", ["-1", "-0.5", "nan", "inf", "-inf"])
def test_a_rate_must_be_finite_and_not_negative(rate):
    text = BASE.replace("w = { value = [1.0] }", f"w = {{ value = [1.0], rate = {rate} }}")
    with pytest.raises(NetworkFileError, match=r"finite number >= 0") as info:
        netfile.parse(text, "net.toml")
    assert info.value.line == 5 and info.value.key == "params.w.rate"
    assert str(info.value).startswith("net.toml:5: params.w.rate: ")


def test_a_good_rate_is_kept():
    for rate in ("0", "0.25", "2"):
        text = BASE.replace("w = { value = [1.0] }", f"w = {{ value = [1.0], rate = {rate} }}")
        g = netfile.build(netfile.parse(text))
        assert g.rates == {"w": float(rate)}
