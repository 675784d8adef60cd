"""The trace the README shows is the trace ``gates explain seed`` prints."""
import re
from pathlib import Path

from core.cli import main

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_excerpt_matches_the_command(capsys):
    block = re.search(r"    \$ gates explain seed --shapes-only\n((?:    .*\n)+)", README).group(1)
    shown = [line[4:] for line in block.splitlines() if line.strip() != "..."]
    assert len(shown) >= 6
    assert main(["explain", "seed", "--shapes-only"]) == 0
    out = capsys.readouterr().out.splitlines()
    version = re.compile(r"\(gates [^)]*\)")  # the README need not follow every release
    shown = [version.sub("(gates)", line) for line in shown]
    out = [version.sub("(gates)", line) for line in out]
    start = out.index(shown[0])
    assert out[start:start + len(shown)] == shown
