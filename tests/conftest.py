"""Fixtures shared by every folder of the tests.

registry, registry_with, plugin_of, on_default_registry: gate registries and plugins made of
    given gate types;
site: a folder of fake installed distributions (a .dist-info with an entry point);
clean_env: the environment for a subprocess that runs this checkout;
xor: the XOR batch of 4 as a fresh feed; rng: seeded randomness;
numeric_grad: central finite differences of a graph's loss.
"""
import os
import sys
import textwrap

import numpy as np
import pytest

import gates.builtin
from core import Registry, default_registry, hookimpl
from core.examples import xor_feed
from core.registry.discovery import HOST_DISTRIBUTION
from tests.paths import ROOT


def seed_registry():
    """A fresh registry with the built-in seed plugin registered by hand."""
    reg = Registry()
    reg.register(gates.builtin, name="seed", distribution=HOST_DISTRIBUTION, version="test")
    return reg


def make_plugin(*gate_types):
    """A fresh plugin object whose register_gates hook registers ``gate_types`` in order."""
    class Plugin:
        @hookimpl
        def register_gates(self, register):
            for gate_type in gate_types:
                register(gate_type)

    return Plugin()


@pytest.fixture
def registry():
    """A fresh registry holding only the seed's gates."""
    return seed_registry()


@pytest.fixture
def plugin_of():
    """plugin_of(*gate_types): a fresh plugin object that registers those gate types."""
    return make_plugin


@pytest.fixture
def registry_with():
    """registry_with(*gate_types, name="local"): a fresh seed registry plus a local plugin
    named ``name`` that registers those gate types."""
    def make(*gate_types, name="local"):
        reg = seed_registry()
        reg.register(make_plugin(*gate_types), name=name)
        return reg

    return make


@pytest.fixture
def on_default_registry():
    """on_default_registry(*gate_types, name=...): a plugin of those gate types on the
    process's default registry, for this test only (unregistered afterwards)."""
    plugins = []

    def register(*gate_types, name):
        plugin = make_plugin(*gate_types)
        default_registry().register(plugin, name=name)
        plugins.append(plugin)
        return plugin

    yield register
    for plugin in plugins:
        default_registry().unregister(plugin)


def subprocess_env(*paths):
    """os.environ for a subprocess: no GATES_* plugin switches and no PYTEST_ADDOPTS or
    PYTEST_DISABLE_PLUGIN_AUTOLOAD of the calling run; PYTHONPATH is ``paths`` then
    this checkout."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GATES_", "PYTEST_ADDOPTS", "PYTEST_DISABLE"))}
    env["PYTHONPATH"] = os.pathsep.join([*map(str, paths), str(ROOT)])
    return env


@pytest.fixture
def clean_env():
    """clean_env(*paths): the environment for a subprocess (see ``subprocess_env``)."""
    return subprocess_env


class Site:
    """A folder of installed distributions, as pip leaves them, first on sys.path."""

    def __init__(self, path):
        self.path = path

    def install(self, dist, version, entry_points, modules=None):
        """Install ``dist`` ``version``: its modules ({module name: source}, dedented)
        and a .dist-info folder with METADATA and the ``gates`` entry points
        ({entry point name: module}). Returns the .dist-info folder."""
        for module, source in (modules or {}).items():
            (self.path / f"{module}.py").write_text(textwrap.dedent(source))
        info = self.path / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        (info / "entry_points.txt").write_text(
            "[gates]\n" + "".join(f"{name} = {module}\n" for name, module in entry_points.items()))
        return info

    def env(self, *paths):
        """The environment for a subprocess that sees this site (then ``paths``)."""
        return subprocess_env(self.path, *paths)


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A site folder for fake installed distributions (``site.install(...)``), on sys.path
    for this test, with the GATES_* plugin switches unset; the modules imported from it
    are forgotten afterwards."""
    path = tmp_path / "site"
    path.mkdir()
    monkeypatch.syspath_prepend(str(path))
    for var in [v for v in os.environ if v.startswith("GATES_")]:
        monkeypatch.delenv(var)
    yield Site(path)
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(path)):
            sys.modules.pop(name)


@pytest.fixture
def xor():
    """The XOR batch of 4 as a feed: X 4x2, Y 4x1 (fresh copies, free to change)."""
    return xor_feed()


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def central_differences(graph, feed, name, eps=1e-6, of=None):
    """dJ/dname by central differences, perturbing a parameter or a fed input."""
    is_param = name in graph.params
    base = np.array(graph.params[name] if is_param else feed[name], dtype=graph.dtype)
    grad = np.zeros(base.shape)
    executor = graph.executor()

    def loss(value):
        if is_param:  # the graph copies values into its own arrays
            graph.set_params({name: value})
            try:
                return executor.value_and_grad(feed, wrt=[], of=of)[0]
            finally:
                graph.set_params({name: base})
        return executor.value_and_grad({**feed, name: value}, wrt=[], of=of)[0]

    for idx in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        up[idx] += eps
        down[idx] -= eps
        grad[idx] = (loss(up) - loss(down)) / (2 * eps)
    return grad


@pytest.fixture
def numeric_grad():
    """numeric_grad(graph, feed, name, eps=1e-6, of=None): dJ/dname by central differences."""
    return central_differences
