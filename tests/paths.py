"""Where the tests find the checkout's files: one place, whatever a test module's depth.

A support module, not a test module: test modules import it as ``tests.paths``.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLES = ROOT / "examples"
NETWORKS = EXAMPLES / "networks"
SEED_TOML = NETWORKS / "seed.toml"  # the seed's [2, 3, 1] network as a network file
XOR_CSV = NETWORKS / "xor.csv"  # the XOR batch as CSV columns x1, x2, xor
BROKEN = EXAMPLES / "gates-broken"  # a plugin whose gradient is wrong at the last column
SWISH = EXAMPLES / "gates-swish"  # a third-party distribution of two gates
BENCH = ROOT / "benchmarks" / "bench.py"
