"""Save and load: bit-identical, no pickle, tampering refused, plugins and versions checked."""
import hashlib
import io
import re
import warnings

import numpy as np
import pytest

from core import Activation, GatesError, Registry, hookimpl, mlp, train
from core.netfile.saved import MissingPluginError, PersistError, VersionWarning, load, read_npz, save

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_round_trip_is_bit_identical(tmp_path, dtype):
    net = mlp([2, 3, 1], "sigmoid", cost="mse", dtype=dtype, seed=7)
    net.rates["W1"] = 0.25
    train(net, {"X": X, "Y": Y}, epochs=40, rate=0.5)
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
    feed = {"X": X, "Y": Y}
    assert back.value_and_grad(feed)[0] == net.value_and_grad(feed)[0]
    # saving what was loaded gives the same files
    again, again_npz = save(back, tmp_path / "again.toml", name="net")
    assert again_npz.read_bytes() == npz_path.read_bytes()
    assert again.read_text() == toml_path.read_text().replace(npz_path.name, again_npz.name)


def test_saved_file_records_every_gates_provenance(tmp_path):
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net.toml")
    text = toml_path.read_text()
    for line in (l for l in text.splitlines() if "gate =" in l):
        assert re.search(r'plugin = "seed", distribution = "gates", version = "[^"]+"', line)
    assert re.search(r'^sha256 = "[0-9a-f]{64}"$', text, re.M)


def test_tampered_parameters_are_refused(tmp_path):
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    data = bytearray(npz_path.read_bytes())
    data[-30] ^= 0x01
    npz_path.write_bytes(bytes(data))
    with pytest.raises(PersistError, match="does not match.*changed after it was saved"):
        load(toml_path)


def test_pickle_bearing_file_is_refused_even_with_a_matching_checksum(tmp_path):
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    buf = io.BytesIO()
    arrays = dict(np.load(npz_path))
    arrays["W1"] = np.array([{"runs": "code"}], dtype=object)
    np.savez(buf, **arrays)
    npz_path.write_bytes(buf.getvalue())
    digest = hashlib.sha256(buf.getvalue()).hexdigest()  # an attacker rewrites both
    text = re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{digest}"', toml_path.read_text())
    toml_path.write_text(text)
    with pytest.raises(PersistError, match="pickled object"):
        load(toml_path)
    with pytest.raises(PersistError, match="pickled object"):
        read_npz(buf.getvalue())


def test_not_a_zip_and_wrong_contents_are_refused(tmp_path):
    with pytest.raises(PersistError, match="not a parameter file"):
        read_npz(b"not a zip file at all")
    buf = io.BytesIO()
    np.savez(buf, W1=np.arange(3))  # integers
    with pytest.raises(PersistError, match="not a floating-point array"):
        read_npz(buf.getvalue())


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


class Cube(Activation):
    """x cubed, a gate from a third-party distribution."""

    name = "cube"

    def forward(self, x, out=None):
        return x ** 3

    def derivative(self, x, y, out=None):
        return 3 * x * x


class CubePlugin:
    @hookimpl
    def register_gates(self, register):
        register(Cube)


def registry_with(version=None):
    from core.registry.discovery import load_entry_points
    reg = Registry()
    load_entry_points(reg)
    if version is not None:
        reg.register(CubePlugin(), "cubes", distribution="gates-cubes", version=version)
    return reg


def cube_net(reg):
    net = mlp([2, 2, 1], "cube", registry=reg)
    return net


def test_missing_plugin_names_the_gate_and_distribution(tmp_path):
    toml_path, _ = save(cube_net(registry_with("1.2.0")), tmp_path / "net")
    with pytest.raises(MissingPluginError) as info:
        load(toml_path, registry=registry_with(None))
    msg = str(info.value)
    assert "gate 'cube' (node 'a2'" in msg
    assert "distribution 'gates-cubes' 1.2.0" in msg and "pip install gates-cubes" in msg


def test_version_differences_are_reported(tmp_path):
    net = cube_net(registry_with("1.2.0"))
    toml_path, _ = save(net, tmp_path / "net")
    with pytest.warns(VersionWarning, match=r"gate 'cube' \(node 'a2'\) was saved with "
                                            r"gates-cubes 1\.2\.0; installed is 1\.3\.0"):
        back = load(toml_path, registry=registry_with("1.3.0"))
    assert back.params["W1"].tobytes() == net.params["W1"].tobytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(toml_path, registry=registry_with("1.2.0"))  # same version: silent


def test_a_loaded_network_keeps_its_name_when_saved_again(tmp_path):
    net = mlp([2, 3, 1], "sigmoid", cost="mse")
    toml, _ = save(net, tmp_path / "first.toml", name="seed")
    again, _ = save(load(toml), tmp_path / "second.toml")
    assert re.search(r'^name = "seed"$', again.read_text(), re.M)
    fresh, _ = save(mlp([2, 3, 1], "sigmoid", cost="mse"), tmp_path / "plain.toml")
    assert re.search(r'^name = "plain"$', fresh.read_text(), re.M)  # no name: the file's
