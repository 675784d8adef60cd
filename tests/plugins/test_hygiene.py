"""Plugin hygiene: a broken plugin does not take the others down, the
environment variables choose what is loaded (and blocked plugins are never
imported), and the entry-point scan happens once per process."""
import json
import subprocess
import sys
import textwrap
import warnings
from importlib import metadata

import pytest

from core import PluginError, PluginWarning, Registry, load_entry_points
from core.registry import discovery

GOOD = '''
    import pathlib
    from core import Activation, hookimpl
    pathlib.Path(__file__).with_name("{module}.imported").write_text("yes")

    class Twice(Activation):
        "2 x."
        name = "{gate}"
        def forward(self, x, out=None):
            return 2 * x
        def derivative(self, x, y, out=None):
            return 0 * x + 2

    @hookimpl
    def register_gates(register):
        register(Twice)
'''

RAISES_ON_IMPORT = '''
    raise ImportError("needs the module scipy.special, which is not installed")
'''

RAISES_IN_REGISTRATION = '''
    from core import Activation, hookimpl

    class Fine(Activation):
        "fine."
        name = "fine_before_the_error"
        def forward(self, x, out=None):
            return x
        def derivative(self, x, y, out=None):
            return 1 + 0 * x

    @hookimpl
    def register_gates(register):
        register(Fine)
        raise RuntimeError("half-way through registering")
'''


def install(site, dist, module, body, entry="plugin", **fmt):
    """``dist`` 2.0.1, installed in ``site``: the module ``module`` (``body`` formatted with
    its name and ``fmt``) and its gates entry point ``entry``."""
    site.install(dist, "2.0.1", {entry: module},
                 {module: textwrap.dedent(body).format(module=module, **fmt)})


def gates_cli(site, *args, **env):
    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True,
                          text=True, env={**site.env(), **env}, timeout=120)


def test_a_plugin_that_fails_to_import_warns_and_the_others_load(site):
    install(site, "broken-import", "hyg_broken", RAISES_ON_IMPORT, entry="special")
    install(site, "good-one", "hyg_good", GOOD, gate="twice")
    reg = Registry()
    with pytest.warns(PluginWarning) as warned:
        infos = load_entry_points(reg)
    text = " ".join(str(w.message) for w in warned)
    assert "entry point 'special' = 'hyg_broken'" in text
    assert "distribution broken-import 2.0.1" in text
    assert "ImportError: needs the module scipy.special" in text
    assert "twice" in reg and "relu" in reg and "matmul" in reg
    failed = next(i for i in infos if i.distribution == "broken-import")
    assert failed.status == "failed" and "scipy.special" in failed.error


def test_a_registration_that_raises_leaves_nothing_half_registered(site):
    install(site, "half-way", "hyg_half", RAISES_IN_REGISTRATION)
    reg = Registry()
    with pytest.warns(PluginWarning, match="half-way 2.0.1.*RuntimeError: half-way through"):
        infos = load_entry_points(reg)
    assert "fine_before_the_error" not in reg and "tanh" in reg
    assert next(i for i in infos if i.distribution == "half-way").status == "failed"


def test_strict_mode_makes_a_failing_plugin_fatal(site):
    install(site, "broken-import", "hyg_broken", RAISES_ON_IMPORT, entry="special")
    with pytest.raises(PluginError, match="'special'.*broken-import 2.0.1.*scipy.special"):
        load_entry_points(Registry(), strict=True)
    proc = gates_cli(site, "list", GATES_STRICT_PLUGINS="1")
    assert proc.returncode == 1
    assert "gates: error: gate plugin entry point 'special'" in proc.stderr


def test_gates_plugins_json_shows_the_failed_plugin(site):
    install(site, "broken-import", "hyg_broken", RAISES_ON_IMPORT, entry="special")
    proc = gates_cli(site, "plugins", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "gates: warning:" in proc.stderr and "broken-import" in proc.stderr
    infos = {i["name"]: i for i in json.loads(proc.stdout)}
    assert infos["special"]["status"] == "failed"
    assert infos["special"]["distribution"] == "broken-import"
    assert infos["special"]["version"] == "2.0.1"
    assert "ImportError" in infos["special"]["error"] and infos["special"]["gates"] == []
    assert infos["activations"]["status"] == "loaded" and "relu" in infos["activations"]["gates"]
    assert infos["costs"]["distribution"] == discovery.HOST_DISTRIBUTION
    assert "huber" in infos["costs"]["gates"]
    table = gates_cli(site, "plugins").stdout
    assert "special" in table and "failed" in table and "ImportError" in table


def test_disabling_autoload_never_imports_third_party_plugins(site):
    install(site, "good-one", "hyg_good", GOOD, gate="twice")
    proc = gates_cli(site, "plugins", "--json", GATES_DISABLE_PLUGIN_AUTOLOAD="1")
    assert proc.returncode == 0, proc.stderr
    infos = {i["name"]: i for i in json.loads(proc.stdout)}
    assert infos["plugin"]["status"] == "not loaded"
    assert {infos[n]["status"] for n in ("seed", "activations", "costs")} == {"loaded"}
    assert not (site.path / "hyg_good.imported").exists()


def test_load_plugins_names_the_distributions_to_load(site, monkeypatch):
    install(site, "good-one", "hyg_good", GOOD, gate="twice")
    install(site, "other-one", "hyg_other", GOOD, gate="thrice")
    monkeypatch.setenv("GATES_LOAD_PLUGINS", "Good_One")  # names are normalised
    reg = Registry()
    infos = {i.distribution: i for i in load_entry_points(reg)}
    assert "twice" in reg and "thrice" not in reg and "relu" in reg
    assert infos["other-one"].status == "not loaded"
    assert (site.path / "hyg_good.imported").exists()
    assert not (site.path / "hyg_other.imported").exists()
    assert "hyg_other" not in sys.modules


def test_a_misspelt_distribution_in_load_plugins_is_named(site, monkeypatch):
    install(site, "good-one", "hyg_good", GOOD, gate="twice")
    monkeypatch.setenv("GATES_LOAD_PLUGINS", "good-one,god-one")
    with pytest.warns(PluginWarning, match="GATES_LOAD_PLUGINS names 'god-one', but no "
                      "installed distribution .* did you mean 'good-one'"):
        load_entry_points(Registry())
    monkeypatch.setenv("GATES_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match="'god-one'"):
        load_entry_points(Registry())


def test_the_entry_point_scan_happens_once_per_process(monkeypatch):
    calls = []
    real = metadata.entry_points

    def counting(**kw):
        calls.append(kw)
        return real(**kw)

    monkeypatch.setattr(discovery.metadata, "entry_points", counting)
    monkeypatch.setattr(discovery, "_DEFAULT", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PluginWarning)
        reg = discovery.default_registry()
        discovery.plugin_report()
        discovery.default_registry().names()
        assert discovery.default_registry() is reg
    assert calls == [{"group": "gates"}]


def test_gates_check_fails_when_a_plugin_did_not_load(site):
    # CI runs `gates check`: a plugin whose gates silently went missing must fail it
    install(site, "broken-import", "hyg_broken", RAISES_ON_IMPORT, entry="special")
    install(site, "good-one", "hyg_good", GOOD, gate="twice")
    proc = gates_cli(site, "check")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    row = next(line for line in proc.stdout.splitlines() if line.startswith("(special"))
    assert row.split()[:4] == ["(special:", "not", "loaded)", "special"]
    assert "FAILED: plugin 'special' = 'hyg_broken' (broken-import 2.0.1) failed to load, " \
        "so its gates were not checked: ImportError: needs the module scipy.special" \
        in proc.stdout
    assert any(line.startswith("twice ") for line in proc.stdout.splitlines())
    records = json.loads(gates_cli(site, "check", "--json").stdout)
    assert {"gate": "", "check": "plugin_loads", "status": "failed"}.items() <= records[-1].items()
    named = gates_cli(site, "check", "twice")  # named gates: only those are checked
    assert named.returncode == 0, named.stdout + named.stderr


def test_the_command_line_shows_a_plugin_warning_as_its_own(site):
    install(site, "broken-import", "hyg_broken", RAISES_ON_IMPORT, entry="special")
    run = gates_cli(site, "list")
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("gates: warning: ") for line in lines), run.stderr
    assert "entry point 'special' = 'hyg_broken'" in run.stderr
    assert "discovery.py" not in run.stderr and "_DEFAULT" not in run.stderr


EXITS_ON_IMPORT = '''
    import sys
    sys.exit(0)
'''

PRINTS_ON_IMPORT = '''
    import os
    from core import Activation, hookimpl
    print("hello from the plugin")
    os.write(1, b"and from its C code\\\\n")

    class Loud(Activation):
        "x."
        name = "loud"
        def forward(self, x, out=None):
            return x.copy()
        def derivative(self, x, y, out=None):
            return 0 * x + 1

    @hookimpl
    def register_gates(register):
        print("registering")
        register(Loud)
'''

MISSPELT_HOOK = '''
    from core import hookimpl

    @hookimpl
    def register_gate(register):
        raise AssertionError("never called")
'''

UNMARKED_HOOK = '''
    def register_gates(register):
        raise AssertionError("never called")
'''

ONE_DUPLICATE = '''
    from core import Activation, Operator, hookimpl

    class Fine(Activation):
        "x."
        name = "fine_one"
        def forward(self, x, out=None):
            return x.copy()
        def derivative(self, x, y, out=None):
            return 0 * x + 1

    class MyAdd(Operator):
        "a + b, under a name the seed gates already use."
        name = "add"
        def forward(self, a, b, out=None):
            return a + b

    class AlsoFine(Fine):
        "x, again."
        name = "also_fine"

    @hookimpl
    def register_gates(register):
        register(Fine)
        register(MyAdd)
        register(AlsoFine)
'''


def test_a_plugin_calling_sys_exit_on_import_is_isolated_and_fails_the_check(site):
    install(site, "quits", "hyg_quits", EXITS_ON_IMPORT, entry="quitter")
    reg = Registry()
    with pytest.warns(PluginWarning, match="'quitter'.*failed to load: SystemExit: 0"):
        infos = load_entry_points(reg)
    assert next(i for i in infos if i.name == "quitter").status == "failed"
    assert "relu" in reg
    listed = gates_cli(site, "list")
    assert listed.returncode == 0 and "relu" in listed.stdout
    assert "SystemExit" in listed.stderr
    checked = gates_cli(site, "check")
    assert checked.returncode == 1, checked.stdout
    assert "plugin 'quitter' = 'hyg_quits' (quits 2.0.1) failed to load" in checked.stdout
    assert gates_cli(site, "list", GATES_STRICT_PLUGINS="1").returncode == 1


def test_what_a_plugin_prints_while_loading_goes_to_stderr(site):
    install(site, "loud", "hyg_loud", PRINTS_ON_IMPORT)
    for command in (["list", "--json"], ["plugins", "--json"], ["check", "loud", "--json"]):
        proc = gates_cli(site, *command)
        assert proc.returncode == 0, proc.stderr
        json.loads(proc.stdout)  # nothing but the document
        assert "hello from the plugin" not in proc.stdout
        assert "hello from the plugin" in proc.stderr and "and from its C code" in proc.stderr
        assert "registering" in proc.stderr


def test_a_misspelt_hook_is_named_with_the_real_one(site):
    install(site, "typo", "hyg_typo", MISSPELT_HOOK, entry="typo")
    with pytest.warns(PluginWarning) as warned:
        infos = load_entry_points(Registry())
    text = " ".join(str(w.message) for w in warned)
    assert "'typo' = 'hyg_typo' from distribution typo 2.0.1: it implements a hook " \
        "'register_gate', which gates does not have, so it is never called; did you mean " \
        "'register_gates'?" in text
    info = next(i for i in infos if i.name == "typo")
    assert info.status == "loaded" and info.gates == [] and info.problems
    with pytest.raises(PluginError, match="'register_gate'"):
        load_entry_points(Registry(), strict=True)
    assert gates_cli(site, "list", GATES_STRICT_PLUGINS="1").returncode == 1
    checked = gates_cli(site, "check")
    assert checked.returncode == 1
    assert "plugin 'typo' = 'hyg_typo' (typo 2.0.1) loaded with problems" in checked.stdout


def test_a_hook_without_its_marker_is_named(site):
    install(site, "unmarked", "hyg_unmarked", UNMARKED_HOOK, entry="unmarked")
    with pytest.warns(PluginWarning, match="defines register_gates\\(\\) without the "
                                           "@hookimpl marker"):
        load_entry_points(Registry())


def test_one_refused_gate_keeps_the_others_and_says_which(site):
    install(site, "clashing", "hyg_clash", ONE_DUPLICATE, entry="clash")
    reg = Registry()
    with pytest.warns(PluginWarning) as warned:
        infos = load_entry_points(reg)
    text = " ".join(str(w.message) for w in warned)
    assert "its gate 'add': gate name 'add' is registered twice: by plugin 'seed'" in text
    assert "refused; its other gates were kept: fine_one, also_fine" in text
    assert "fine_one" in reg and "also_fine" in reg and reg.get("add").plugin == "seed"
    assert next(i for i in infos if i.name == "clash").gates == ["fine_one", "also_fine"]
    with pytest.raises(PluginError, match="refused"):
        load_entry_points(Registry(), strict=True)


def test_gates_plugins_shows_each_load_time(site):
    install(site, "good-one", "hyg_good", GOOD, gate="twice")
    infos = json.loads(gates_cli(site, "plugins", "--json").stdout)
    assert all(isinstance(i["load_seconds"], float) and i["load_seconds"] >= 0 for i in infos)
    assert next(i for i in infos if i["name"] == "plugin")["load_seconds"] > 0
    table = gates_cli(site, "plugins").stdout.splitlines()
    assert "load ms" in table[0]


def test_only_what_is_printed_while_loading_moves_to_stderr(site, capfd):
    install(site, "loud", "hyg_loud", PRINTS_ON_IMPORT)
    print("printed before, still buffered", end="")
    load_entry_points(Registry())
    print(" and after")
    out, err = capfd.readouterr()
    assert out == "printed before, still buffered and after\n"
    assert "hello from the plugin" in err and "registering" in err
