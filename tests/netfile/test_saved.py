"""Saving and loading a trained network (core.netfile.saved): bit-identical, the
provenance of every gate, tampering refused, a failed save keeps the previous network,
missing plugins and other versions named."""
import hashlib
import re
import warnings

import numpy as np
import pytest

from core import GatesError, Registry, mlp, netfile, train
from core.netfile import saved as persist
from core.netfile.saved import MissingPluginError, PersistError, VersionWarning, load, save
from core.registry.discovery import load_entry_points
from tests.sample_gates import Cube


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_is_bit_identical(tmp_path, xor, dtype):
    net = mlp([2, 3, 1], "sigmoid", cost="mse", dtype=dtype, seed=7)
    net.rates["W1"] = 0.25
    train(net, xor, epochs=40, rate=0.5)
    net.params["b2"][0, 0] = -0.0  # signed zero survives too
    toml_path, npz_path = save(net, tmp_path / "net")
    digest = hashlib.sha256(npz_path.read_bytes()).hexdigest()
    assert (toml_path.name, npz_path.name) == ("net.toml", f"net-{digest[:16]}.npz")
    back = load(toml_path)
    assert list(back.params) == list(net.params) and back.dtype == net.dtype
    for name, value in net.params.items():
        assert back.params[name].dtype == value.dtype
        assert back.params[name].tobytes() == value.tobytes(), name
    assert back.rates == {"W1": 0.25}
    assert sorted((n, x.op, x.inputs) for n, x in back.nodes.items()) == \
        sorted((n, x.op, x.inputs) for n, x in net.nodes.items())
    assert back.value_and_grad(xor)[0] == net.value_and_grad(xor)[0]
    # saving what was loaded gives the same files
    again, again_npz = save(back, tmp_path / "again.toml", name="net")
    assert again_npz.read_bytes() == npz_path.read_bytes()
    assert again.read_text() == toml_path.read_text().replace(npz_path.name, again_npz.name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_odd_arrays_round_trip_bit_for_bit(tmp_path, dtype):
    net = mlp([2, 3, 1], dtype=dtype)
    big = np.arange(24, dtype=dtype).reshape(4, 6) / 7
    net.params["W1"] = big[::2, ::2]  # a strided view, copied into the graph's own array
    assert net.params["W1"].flags.c_contiguous
    assert net.params["W1"].tobytes() == np.ascontiguousarray(big[::2, ::2]).tobytes()
    net.params["W2"] = np.asfortranarray(np.array([[np.nan], [-0.0], [np.inf]], dtype=dtype))
    tiny = np.finfo(dtype).smallest_subnormal
    net.params["b1"] = np.array([[tiny, -np.inf, np.finfo(dtype).max]], dtype=dtype)
    back = load(save(net, tmp_path / "net")[0])
    for name, value in net.params.items():
        assert back.params[name].dtype == value.dtype and back.params[name].shape == value.shape
        assert back.params[name].tobytes() == value.tobytes(), name


def test_everything_but_the_values_comes_back_too(tmp_path, xor):
    net = mlp([2, 3, 1], "sigmoid", seed=9)
    net.description = "XOR, trained ✓"
    back = load(save(net, tmp_path / "net")[0])
    assert back.outputs == ["a3"] and back.description == "XOR, trained ✓" and back.seed == 9
    X = {"X": xor["X"]}
    np.testing.assert_array_equal(back.predict(X)["a3"], net.predict(X)["a3"])


def test_a_loaded_network_keeps_its_name_when_saved_again(tmp_path):
    net = mlp([2, 3, 1], "sigmoid", cost="mse")
    toml, _ = save(net, tmp_path / "first.toml", name="seed")
    again, _ = save(load(toml), tmp_path / "second.toml")
    assert re.search(r'^name = "seed"$', again.read_text(), re.M)
    fresh, _ = save(mlp([2, 3, 1], "sigmoid", cost="mse"), tmp_path / "plain.toml")
    assert re.search(r'^name = "plain"$', fresh.read_text(), re.M)  # no name: the file's


def test_saved_file_records_every_gates_provenance(tmp_path):
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net.toml")
    text = toml_path.read_text()
    for line in (x for x in text.splitlines() if "gate =" in x):
        assert re.search(r'plugin = "seed", distribution = "gates-nn", version = "[^"]+"', line)
    assert re.search(r'^sha256 = "[0-9a-f]{64}"$', text, re.M)


def test_tampered_parameters_are_refused(tmp_path):
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    data = bytearray(npz_path.read_bytes())
    data[-30] ^= 0x01
    npz_path.write_bytes(bytes(data))
    with pytest.raises(PersistError, match="does not match.*changed after it was saved"):
        load(toml_path)


def test_a_network_file_without_its_checksum_is_refused(tmp_path):
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net")
    toml_path.write_text(re.sub(r'^sha256 = .*$', "", toml_path.read_text(), flags=re.M))
    with pytest.raises(GatesError, match=r"saved\.sha256: a saved network records the "
                                           r"SHA-256"):
        load(toml_path)


def test_parameter_file_must_sit_beside_the_network(tmp_path):
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net")
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    text = toml_path.read_text().replace(f'parameters = "{npz_path.name}"',
                                         'parameters = "../elsewhere/net.npz"')
    assert text != toml_path.read_text()
    toml_path.write_text(text)
    with pytest.raises(GatesError, match=r"saved\.parameters: the parameter file must sit "
                                           r"beside the network file"):
        load(toml_path)


def test_shape_or_name_mismatch_is_refused(tmp_path):
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net")
    toml_path.write_text(toml_path.read_text().replace("W2 = { shape = [3, 1]",
                                                       "W2 = { shape = [1, 3]"))
    with pytest.raises(PersistError, match="'W2' has shape \\(3, 1\\) but"):
        load(toml_path)


def test_what_cannot_be_saved_faithfully_is_refused_before_writing(tmp_path):
    net = mlp([2, 3, 1])
    net.params["W1"] = net.params["W1"].astype(np.float32)  # copied: the graph stays float64
    assert net.params["W1"].dtype == np.float64
    # an array replaced behind the graph's back (not through params or set_params)
    dict.__setitem__(net.params, "W1", net.params["W1"].astype(np.float32))
    with pytest.raises(PersistError, match="'W1' is float32 but the graph is float64"):
        save(net, tmp_path / "net")
    with pytest.raises(PersistError, match="reserved key"):
        save(mlp([2, 3, 1]), tmp_path / "net", notes={"sha256": "0" * 64})
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_keeps_the_previous_network(tmp_path, monkeypatch):
    old = mlp([2, 3, 1], seed=1)
    toml_path, old_npz = save(old, tmp_path / "net")
    new = mlp([2, 3, 1], seed=2)
    write = persist.atomic_write

    def failing(path, data):
        if path.suffix == ".toml":
            raise OSError("disk full")
        write(path, data)

    monkeypatch.setattr(persist, "atomic_write", failing)
    with pytest.raises(OSError, match="disk full"):
        save(new, toml_path)
    monkeypatch.undo()
    back = load(toml_path)  # still the old network, whole
    assert back.params["W1"].tobytes() == old.params["W1"].tobytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # a good save replaces it and removes the parameter file nobody names any more
    _, new_npz = save(new, toml_path)
    assert load(toml_path).params["W1"].tobytes() == new.params["W1"].tobytes()
    assert not old_npz.exists() and sorted(p.name for p in tmp_path.glob("*.npz")) == \
        [new_npz.name]


def test_netfile_load_of_a_saved_network_keeps_what_was_trained(tmp_path):
    net = mlp([2, 3, 1], seed=5)
    net.params["W1"][:] = 0.125  # not what the initialiser draws
    toml_path, _ = save(net, tmp_path / "net")
    assert netfile.load(toml_path).params["W1"].tobytes() == net.params["W1"].tobytes()
    plain = tmp_path / "plain.toml"
    plain.write_text(netfile.dumps(net))
    with pytest.raises(PersistError, match="not a saved network.*core.netfile.load"):
        load(plain)


@pytest.fixture
def registry_of_cubes(plugin_of):
    """registry_of_cubes(version): the installed gates, plus Cube from distribution
    gates-cubes ``version`` (none when ``version`` is None)."""
    def make(version):
        reg = Registry()
        load_entry_points(reg)
        if version is not None:
            reg.register(plugin_of(Cube), "cubes", distribution="gates-cubes", version=version)
        return reg

    return make


def test_missing_plugin_names_the_gate_and_distribution(tmp_path, registry_of_cubes):
    toml_path, _ = save(mlp([2, 2, 1], "cube", registry=registry_of_cubes("1.2.0")),
                        tmp_path / "net")
    with pytest.raises(MissingPluginError) as info:
        load(toml_path, registry=registry_of_cubes(None))
    msg = str(info.value)
    assert "gate 'cube' (node 'a2'" in msg
    assert "distribution 'gates-cubes' 1.2.0" in msg and "pip install gates-cubes" in msg


def test_version_differences_are_reported(tmp_path, registry_of_cubes):
    net = mlp([2, 2, 1], "cube", registry=registry_of_cubes("1.2.0"))
    toml_path, _ = save(net, tmp_path / "net")
    with pytest.warns(VersionWarning, match=r"gate 'cube' \(node 'a2'\) was saved with "
                                            r"gates-cubes 1\.2\.0; installed is 1\.3\.0"):
        back = load(toml_path, registry=registry_of_cubes("1.3.0"))
    assert back.params["W1"].tobytes() == net.params["W1"].tobytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(toml_path, registry=registry_of_cubes("1.2.0"))  # same version: silent


def test_a_network_saved_under_the_former_distribution_name_loads(tmp_path):
    # the framework was distributed as "gates" (a name another project holds on PyPI)
    # before it became gates-nn: files saved then load silently, as from gates-nn
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net")
    text = toml_path.read_text()
    assert text.count('distribution = "gates-nn"') == 7  # every gate, the cost too
    toml_path.write_text(text.replace('distribution = "gates-nn"', 'distribution = "gates"'))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = load(toml_path)
    assert back.params["W1"].shape == (2, 3)
    with pytest.raises(MissingPluginError) as info:  # a gate it no longer has: the new name
        load(toml_path, registry=Registry())
    assert "pip install gates-nn" in str(info.value) and "install gates " not in str(info.value)


@pytest.mark.parametrize("note", [None, np.zeros(2), object()])
def test_a_note_toml_cannot_hold_is_refused_before_writing(tmp_path, note):
    with pytest.raises(PersistError, match="cannot save: cannot write .*notes and gate "
                                           "attributes are strings, numbers"):
        save(mlp([2, 3, 1]), tmp_path / "net", notes={"x": note})
    assert [p for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == []
