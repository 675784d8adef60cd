"""Parameter files (core.netfile.npz): the same arrays give the same bytes at any time,
a file is put in place whole or not at all, and reading runs no pickle."""
import hashlib
import io
import re
import time
import zipfile

import numpy as np
import pytest

from core import mlp
from core.netfile import saved as persist
from core.netfile.npz import npz_bytes
from core.netfile.saved import PersistError, load, read_npz, save


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


def test_atomic_write_leaves_no_half_file(tmp_path, monkeypatch):
    target = tmp_path / "x.npz"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("power cut")

    monkeypatch.setattr("core.netfile.npz.os.replace", broken_replace)
    with pytest.raises(OSError, match="power cut"):
        persist.atomic_write(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.npz"]


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


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_strided_and_fortran_arrays_come_back_bit_for_bit(dtype):
    big = np.arange(24, dtype=dtype).reshape(4, 6) / 7
    arrays = {"strided": big[::2, ::2],
              "fortran": np.asfortranarray(np.array([[np.nan, -0.0], [np.inf, 1.5]], dtype))}
    assert not arrays["strided"].flags.c_contiguous
    back = read_npz(npz_bytes(arrays))
    for name, value in arrays.items():
        assert back[name].dtype == value.dtype and back[name].shape == value.shape
        assert back[name].tobytes() == np.ascontiguousarray(value).tobytes(), name
