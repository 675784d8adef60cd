"""The code blocks of a Markdown file, and a reader that runs them top to bottom.

A support module, not a test module. Every code block is fenced and names its language:
``python``, ``toml``, ``sh`` (commands), ``console`` (``$ command`` lines, each followed
by what it prints; a ``...`` line stands for lines left out) or ``text``. An HTML comment
on the line before a block says what it is when that is not "run me":

* ``<!-- file: PATH -->`` -- the block is the file PATH of this repository, exactly;
* ``<!-- save as: NAME -->`` -- the reader saves the block as NAME in the working folder
  (a module a later block imports, a test module a later command runs), then runs it;
* ``<!-- needs: graphviz -->`` -- run only where Graphviz's ``dot`` is installed;
* ``<!-- run by: TEST FILE -->`` -- another test runs it (one that can install offline);
* ``<!-- skip: REASON -->`` -- deliberately partial, or not code; never run.

``Reader`` runs the blocks in order, as a reader of the file would in one folder and
one folder: the test environment's ``bin`` folder first on PATH (so ``gates`` and
``python`` are the ones under test), each block's commands in ``bash -e``, which must
succeed without writing to stderr.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import attrs

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
MARK = re.compile(r"<!--\s*(file|save as|needs|run by|skip):\s*(.*?)\s*-->\s*\Z", re.S)
LANGUAGES = {"python", "toml", "sh", "console", "text"}
#: the release in "(gates-nn 0.1.0)": a README need not follow every release
VERSION = re.compile(r"\((gates-nn|gates-swish) [^)]*\)")


@attrs.frozen
class Block:
    """One fenced code block: where it starts, its language, its text and its mark."""

    path: Path
    line: int  # of the opening fence, counted from 1
    language: str
    code: str
    mark: str | None = None  # "file", "save as", "needs", "run by" or "skip"
    value: str = ""  # what the mark says

    @property
    def name(self) -> str:
        """``README.md:123 (sh)``, the block's name in test ids and messages."""
        return f"{self.path.name}:{self.line} ({self.language})"


def blocks(path: Path) -> list[Block]:
    """Every fenced code block of the Markdown file ``path``, in order."""
    text = path.read_text(encoding="utf-8")
    found = []
    for m in FENCE.finditer(text):
        before = text[:m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = MARK.search(before)
        found.append(Block(path, text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2),
                           *(mark.groups() if mark else ())))
    return found


def indented_blocks(path: Path) -> list[int]:
    """Lines that start an indented (unfenced) code block: a line indented four spaces
    after a blank line, outside fences and list items. There should be none."""
    lines = path.read_text(encoding="utf-8").split("\n")
    starts, fenced, in_list = [], False, False
    for k, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
        if fenced or not line.strip():
            continue
        if not line.startswith(" "):
            in_list = bool(re.match(r"([-*+]|\d+\.) ", line))
        elif line.startswith("    ") and k and not lines[k - 1].strip() and not in_list:
            starts.append(k + 1)
    return starts


class Reader:
    """Runs blocks one after another in ``folder``, as a reader of the file would."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder, self.root = folder, root
        python = folder / ".python"  # `python` is the interpreter under test, whatever its name
        python.mkdir(exist_ok=True)
        (python / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        (python / "python").chmod(0o755)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("GATES_", "PYTEST_ADDOPTS", "PYTEST_DISABLE"))}
        self.env["PATH"] = os.pathsep.join([str(python), str(Path(sys.executable).parent),
                                            self.env.get("PATH", "")])
        self.env["PYTHONPATH"] = str(root)  # this checkout, even where it is not installed

    def skip_reason(self, block: Block) -> str | None:
        """Why ``block`` is not run here, or None."""
        if block.mark == "skip":
            return f"deliberately not run: {block.value}"
        if block.mark == "run by":
            return f"run by {block.value}"
        if block.mark == "needs" and block.value == "graphviz" and not shutil.which("dot"):
            return "Graphviz's dot is not installed (apt-get install graphviz)"
        return None

    def run(self, block: Block) -> None:
        """Run ``block``; an AssertionError says what went wrong."""
        if block.mark == "save as":
            (self.folder / block.value).write_text(block.code, encoding="utf-8")
        if block.mark == "file":
            real = (self.root / block.value).read_text(encoding="utf-8")
            assert block.code == real, f"{block.name} is not {block.value} as it is"
        if block.language == "toml":
            tomllib.loads(block.code)  # whole or partial, a TOML block is valid TOML
        elif block.language == "python":
            name = block.value if block.mark == "save as" else f"block_{block.line}.py"
            (self.folder / name).write_text(block.code, encoding="utf-8")
            self.shell(f"python {name}", block)
        elif block.language == "sh":
            self.shell(block.code, block)
        elif block.language == "console":
            self.console(block)
        else:
            raise AssertionError(f"{block.name}: a {block.language!r} block says nothing to "
                                 f"run; mark it <!-- skip: why -->")

    def shell(self, script: str, block: Block) -> str:
        """Run ``script`` as an interactive shell would, but stopping at the first command
        that fails; it must succeed and write nothing to stderr (no error, no warning)."""
        proc = subprocess.run(["bash", "-e", "-c", script], cwd=self.folder, env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0 and not proc.stderr, (
            f"{block.name} failed (exit {proc.returncode}):\n{script}\n--- stdout\n"
            f"{proc.stdout}\n--- stderr\n{proc.stderr}")
        return proc.stdout

    def console(self, block: Block) -> None:
        """``$ command`` lines and what they print, ``...`` where lines are left out."""
        for command, shown in re.findall(r"^\$ (.*)\n((?:(?!\$ ).*\n?)*)", block.code, re.M):
            out = [VERSION.sub(r"(\1)", line.rstrip())
                   for line in self.shell(command, block).splitlines()]
            expect = [VERSION.sub(r"(\1)", line.rstrip()) for line in shown.splitlines()]
            at = 0
            for part in "\n".join(expect).split("\n...\n") if expect else []:
                lines = [x for x in part.split("\n") if x != "..."]
                start = next((i for i in range(at, len(out) - len(lines) + 1)
                              if out[i:i + len(lines)] == lines), None)
                assert start is not None, (f"{block.name}: `{command}` does not print, in "
                                           f"order:\n" + "\n".join(lines) + "\n--- it prints\n"
                                           + "\n".join(out))
                at = start + len(lines)
