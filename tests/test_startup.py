"""Startup stays cheap: importing core, or listing gates, loads no engine
module it does not need. (Checked on sys.modules in a fresh interpreter, not on
time: timings belong to the benchmark.)"""
import json
import subprocess
import sys
import types

import core

HEAVY = ["core.graph.graph", "core.engine.executor", "core.engine.feeds", "core.engine.planned",
         "core.views.backprop", "core.views.dot", "core.netfile", "core.netfile.saved",
         "core.views.progress", "core.graph.compose", "core.graph.init", "core.contract.suite",
         "core.contract.numeric", "core.contract.samples"]


def loaded_after(code):
    script = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_import_core_loads_only_what_a_plugin_needs():
    loaded = loaded_after("import core; from core import Activation, hookimpl")
    assert sorted(loaded & set(HEAVY)) == []


def test_gates_list_loads_no_engine_module():
    loaded = loaded_after("import sys; sys.argv = ['gates', 'list']\n"
                          "from core.cli import main; main()")
    assert "gates.builtin" in loaded  # the gates were found...
    assert sorted(loaded & set(HEAVY)) == []  # ...without the graph, executor or plans


def test_every_public_name_is_still_there_and_train_and_explain_are_functions():
    loaded = loaded_after("import core.engine.training, core.views.backprop\n"
                          "from core import train, explain\n"
                          "assert callable(train) and callable(explain)\n"
                          "import types\n"
                          "assert not isinstance(train, types.ModuleType)\n"
                          "assert not isinstance(explain, types.ModuleType)")
    assert "core.engine.training" in loaded and "core.views.backprop" in loaded
    for name in core.__all__:
        value = getattr(core, name)
        assert not isinstance(value, types.ModuleType), name
