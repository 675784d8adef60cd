"""Saving is deterministic and atomic; odd arrays and everything but the values come back."""
import time
import zipfile

import numpy as np
import pytest

from core import mlp
from core.netfile import saved as persist
from core.netfile.saved import PersistError, load, save

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def test_the_same_network_gives_the_same_bytes_at_any_time(tmp_path, monkeypatch):
    net = mlp([2, 3, 1], seed=4)
    a_toml, a_npz = save(net, tmp_path / "a" / "net")
    real = time.localtime
    monkeypatch.setattr(time, "localtime", lambda t=None: real(4e9 if t is None else t))
    monkeypatch.setattr(time, "time", lambda: 4e9)
    b_toml, b_npz = save(net, tmp_path / "b" / "net")
    assert a_npz.read_bytes() == b_npz.read_bytes() and a_npz.name == b_npz.name
    assert a_toml.read_text() == b_toml.read_text()
    with zipfile.ZipFile(a_npz) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.filename for i in z.infolist()] == ["W1.npy", "b1.npy", "W2.npy", "b2.npy"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_odd_arrays_round_trip_bit_for_bit(tmp_path, dtype):
    net = mlp([2, 3, 1], dtype=dtype)
    big = np.arange(24, dtype=dtype).reshape(4, 6) / 7
    net.params["W1"] = big[::2, ::2]  # a strided view: not contiguous
    assert not net.params["W1"].flags.c_contiguous
    net.params["W2"] = np.asfortranarray(np.array([[np.nan], [-0.0], [np.inf]], dtype=dtype))
    tiny = np.finfo(dtype).smallest_subnormal
    net.params["b1"] = np.array([[tiny, -np.inf, np.finfo(dtype).max]], dtype=dtype)
    back = load(save(net, tmp_path / "net")[0])
    for name, value in net.params.items():
        assert back.params[name].dtype == value.dtype and back.params[name].shape == value.shape
        assert back.params[name].tobytes() == value.tobytes(), name


def test_everything_but_the_values_comes_back_too(tmp_path):
    net = mlp([2, 3, 1], "sigmoid", seed=9)
    net.description = "XOR, trained ✓"
    back = load(save(net, tmp_path / "net")[0])
    assert back.outputs == ["a3"] and back.description == "XOR, trained ✓" and back.seed == 9
    np.testing.assert_array_equal(back.predict({"X": X})["a3"], net.predict({"X": X})["a3"])


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


def test_atomic_write_leaves_no_half_file(tmp_path, monkeypatch):
    target = tmp_path / "x.npz"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr("core.netfile.npz.os.replace", broken_replace)
    with pytest.raises(OSError, match="power cut"):
        persist.atomic_write(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.npz"]


def test_what_cannot_be_saved_faithfully_is_refused_before_writing(tmp_path):
    net = mlp([2, 3, 1])
    net.params["W1"] = net.params["W1"].astype(np.float32)  # in a float64 graph
    with pytest.raises(PersistError, match="'W1' is float32 but the graph is float64"):
        save(net, tmp_path / "net")
    with pytest.raises(PersistError, match="reserved key"):
        save(mlp([2, 3, 1]), tmp_path / "net", notes={"sha256": "0" * 64})
    assert list(tmp_path.iterdir()) == []


def test_a_network_file_without_its_checksum_is_refused(tmp_path):
    import re as _re
    toml_path, _ = save(mlp([2, 3, 1]), tmp_path / "net")
    toml_path.write_text(_re.sub(r'^sha256 = .*$', "", toml_path.read_text(), flags=_re.M))
    from core import GatesError
    with pytest.raises(GatesError, match=r"saved\.sha256: a saved network records the "
                                           r"SHA-256"):
        load(toml_path)


def test_netfile_load_of_a_saved_network_keeps_what_was_trained(tmp_path):
    from core import netfile
    net = mlp([2, 3, 1], seed=5)
    net.params["W1"][:] = 0.125  # not what the initialiser draws
    toml_path, _ = save(net, tmp_path / "net")
    assert netfile.load(toml_path).params["W1"].tobytes() == net.params["W1"].tobytes()
    plain = tmp_path / "plain.toml"
    plain.write_text(netfile.dumps(net))
    with pytest.raises(PersistError, match="not a saved network.*core.netfile.load"):
        load(plain)
