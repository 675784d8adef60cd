"""What the README says about network files is what the code does."""
import re
from pathlib import Path

from core import netfile
from core.netfile import NetworkFileError

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
SEED = ROOT / "examples" / "networks" / "seed.toml"


def test_the_readme_error_example_is_the_real_message():
    shown = re.search(r"`(seed\.toml:\d+: gates\.a2\.gate: [^`]+)`", README).group(1)
    text = SEED.read_text().replace('gate = "sigmoid"', 'gate = "sigmiod"')
    try:
        netfile.build(netfile.parse(text, "seed.toml"))
    except NetworkFileError as exc:
        assert str(exc) == " ".join(shown.split())  # the README wraps lines
    else:
        raise AssertionError("the misspelt gate was accepted")


def test_the_readme_network_block_is_the_example_file():
    block = re.search(r"```toml\n(\[network\].*?)```", README, re.S).group(1)
    shown = netfile.build(netfile.parse(block, "README"))
    real = netfile.load(SEED)
    assert [(n, x.op, x.inputs) for n, x in shown.nodes.items()] == \
        [(n, x.op, x.inputs) for n, x in real.nodes.items()]
    assert shown.outputs == real.outputs and shown.description == real.description
