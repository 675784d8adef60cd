"""A fresh virtual environment that pip can install the project into with no package index.

A support module, not a test module. The environment has no system site-packages and
nothing of this checkout; what installing needs from an index -- the dependencies
(numpy, pluggy, attrs, ...), pytest for the plugin's own tests and setuptools, the
build backend -- is taken from the environment running the tests: each of those
distributions is linked into one folder that a ``.pth`` file puts on the new
environment's path. pip then installs with ``--no-index --no-build-isolation``.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

#: what pip needs offline besides the project's own dependencies
TOOLS = ("pytest", "setuptools")
OFFLINE = ("--no-index", "--no-build-isolation")


def say(text: str) -> None:
    """Say what the setup is doing: shown with -s, -rP, or when a test fails."""
    print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)


def requirements(pyproject: Path) -> list[str]:
    """The project's dependencies, as pyproject.toml declares them."""
    return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]


def closure(names) -> dict[str, metadata.Distribution]:
    """{name: distribution} of ``names`` and everything they require, as installed here
    (markers evaluated for this interpreter, no extras). A missing one is a LookupError."""
    found: dict[str, metadata.Distribution] = {}
    todo = [Requirement(n) for n in names]
    while todo:
        req = todo.pop()
        key = re.sub(r"[-_.]+", "-", req.name).lower()
        if key in found or (req.marker is not None and not req.marker.evaluate({"extra": ""})):
            continue
        try:
            found[key] = dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            raise LookupError(f"{req.name} is not installed in the test environment") from None
        todo += [Requirement(r) for r in dist.requires or ()]
    return found


def link(dists, folder: Path) -> None:
    """Link every top-level file and folder of ``dists`` (as their RECORDs list them)
    into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for dist in dists:
        base = Path(dist.locate_file(""))
        for top in {Path(f).parts[0] for f in dist.files or () if not str(f).startswith("..")}:
            if (base / top).exists() and not (folder / top).exists():
                (folder / top).symlink_to(base / top)


def offline_env() -> dict[str, str]:
    """os.environ without this test run's switches (GATES_*, PYTHON*, PYTEST_*,
    VIRTUAL_ENV) and with pip told to use no index and no configuration file."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATES_", "PYTHON", "PYTEST_", "VIRTUAL_ENV", "PIP_"))}
    env.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    return env


def run(*cmd, cwd, timeout=300) -> subprocess.CompletedProcess:
    """Run a command in the offline environment (``offline_env``)."""
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=offline_env(),
                          capture_output=True, text=True, timeout=timeout)


def run_shell(line: str, cwd, timeout=300) -> subprocess.CompletedProcess:
    """Run one line of shell, as a README shows it, in the offline environment."""
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=offline_env(),
                          capture_output=True, text=True, timeout=timeout)


def make_venv(where: Path, project: Path) -> Path:
    """A fresh environment at ``where`` that sees the project's dependencies and the
    TOOLS of this one; returns its bin folder."""
    say(f"finding {', '.join(requirements(project / 'pyproject.toml'))}, "
        f"{', '.join(TOOLS)} and what they require in the test environment")
    dists = closure([*requirements(project / "pyproject.toml"), *TOOLS])
    say(f"making a fresh virtual environment (python -m venv) in {where}")
    made = run(sys.executable, "-m", "venv", where, cwd=where.parent)
    assert made.returncode == 0, made.stderr
    bin_dir = where / ("Scripts" if os.name == "nt" else "bin")
    purelib = run(bin_dir / "python", "-c", "import sysconfig; "
                  "print(sysconfig.get_paths()['purelib'])", cwd=where).stdout.strip()
    # a venv of Python < 3.12 comes with a setuptools of its own, which would shadow the
    # test environment's (older than the build needs, and first on the path)
    dropped = run(bin_dir / "python", "-m", "pip", "uninstall", "-y", "-q", "setuptools",
                  cwd=where)
    assert dropped.returncode == 0, dropped.stderr
    link(dists.values(), where / "from-test-env")
    (Path(purelib) / "from-test-env.pth").write_text(str(where / "from-test-env") + "\n")
    say(f"linked {len(dists)} distributions of the test environment into it: "
        f"{', '.join(sorted(dists))}")
    return bin_dir
