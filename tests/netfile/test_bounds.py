"""Sizes are bounded before anything is allocated, read or inflated: network-file shapes,
nesting and size, .npy headers and .npz members; symbolic links and special files are
refused as parameter files. Each error names the file, the key or member, the size
asked for and the limit, and the limit's environment variable raises it."""
import hashlib
import io
import os
import re
import zipfile

import numpy as np
import pytest

from core import Graph, GraphError, mlp, netfile
from core.limits import LimitError, limit
from core.netfile import NetworkFileError, PersistError, load, save
from core.netfile.npz import npz_bytes, read_npz
from tests.netfile.texts import LINEAR


def with_shape(shape):
    return LINEAR.replace('W = { shape = [2, 1], init = "zeros" }',
                          f'W = {{ shape = {shape}, init = "zeros" }}')


@pytest.mark.parametrize("shape, asked", [("[100000, 100000]", "80,000,000,000 bytes"),
                                          ("[2, 1000000000000]", "16,000,000,000,000 bytes")])
def test_a_huge_parameter_shape_is_refused_before_it_is_drawn(shape, asked):
    with pytest.raises(NetworkFileError) as err:
        netfile.parse(with_shape(shape), "big.toml")
    message = str(err.value)
    assert message.startswith("big.toml:5: params.W.shape: shape")
    assert asked in message and "over the limit of 1,073,741,824 (GATES_MAX_BYTES" in message


def test_the_parameters_together_are_bounded_and_the_limit_can_be_raised(monkeypatch):
    text = LINEAR.replace('W = { shape = [2, 1], init = "zeros" }',
                          'W = { shape = [2, 1], init = "zeros" }\nV = { shape = [4, 4] }\n'
                          'U = { shape = [4, 4] }')
    monkeypatch.setenv("GATES_MAX_BYTES", "200")
    with pytest.raises(NetworkFileError, match=r"params\.U\.shape: .*the parameters so far "
                                               r"would take 272 bytes, over the limit of 200"):
        netfile.parse(text)
    monkeypatch.setenv("GATES_MAX_BYTES", "1_000")
    assert set(netfile.parse(text).params) == {"W", "V", "U"}


def test_an_input_shape_is_bounded_for_the_shape_check_batch():
    text = LINEAR.replace('X = { shape = ["batch", 2] }',
                          'X = { shape = ["batch", 1000000000000] }')
    with pytest.raises(NetworkFileError, match=r"inputs\.X\.shape: shape \['batch', "
                                               r"1000000000000\] of float64: a batch of 7"):
        netfile.parse(text)


def test_graph_param_is_bounded_by_the_same_limit():
    with pytest.raises(GraphError, match=r"parameter 'W': shape \(100000, 100000\) of float64 "
                                         r"would take 80,000,000,000 bytes, over the limit"):
        Graph().param("W", shape=(100000, 100000))


@pytest.mark.parametrize("depth", [100, 1000, 100000])
def test_deep_nesting_is_named_with_its_line_and_column(depth):
    text = LINEAR + "[network]\nname = \"n\"\n" + "outputs = " + "[" * depth + "]" * depth
    with pytest.raises(NetworkFileError, match=r"deep.toml:12: column 75: arrays and tables "
                                               r"nest more than 64 levels deep"):
        netfile.parse(text, "deep.toml")


def test_brackets_in_strings_and_comments_are_not_nesting():
    text = LINEAR + "# " + "[" * 500 + "\n[network]\ndescription = '" + "{" * 500 + "'\n"
    assert netfile.parse(text).description == "{" * 500


def test_a_network_file_over_the_text_limit_is_refused_unread(tmp_path, monkeypatch):
    path = tmp_path / "net.toml"
    path.write_text(LINEAR + "#" * 5000)
    monkeypatch.setenv("GATES_MAX_TEXT_BYTES", "4096")
    with pytest.raises(NetworkFileError, match=r"net\.toml: the network file holds 5,\d{3} "
                                               r"bytes, over the limit of 4,096 "
                                               r"\(GATES_MAX_TEXT_BYTES"):
        netfile.read(path)


def test_special_files_are_refused_as_network_files(tmp_path):
    fifo = tmp_path / "net.toml"
    os.mkfifo(fifo)  # opened without waiting for a writer
    with pytest.raises(NetworkFileError, match="is a FIFO"):
        netfile.read(fifo)
    with pytest.raises(NetworkFileError, match="is a folder"):
        netfile.read(tmp_path)
    if os.path.exists("/dev/zero"):
        with pytest.raises(NetworkFileError, match="is a character device"):
            netfile.read("/dev/zero")


def test_a_bad_limit_setting_is_named(monkeypatch):
    monkeypatch.setenv("GATES_MAX_BYTES", "lots")
    with pytest.raises(LimitError, match="GATES_MAX_BYTES='lots': the limit on array data"):
        limit("bytes")


# -- parameter files ----------------------------------------------------------------


def planted(tmp_path, blob):
    """A saved network whose parameter file is ``blob``, its SHA-256 rewritten to match
    (as an attacker who can write both files would)."""
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    npz_path.write_bytes(blob)
    digest = hashlib.sha256(blob).hexdigest()
    toml_path.write_text(re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{digest}"',
                                toml_path.read_text()))
    return toml_path, npz_path


def npy_header(shape, dtype="<f8"):
    """A .npy 1.0 header (magic string included) declaring ``shape``; no data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False,
                                                "shape": shape})
    return buf.getvalue()


def archive(members, method=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_an_npy_header_claiming_a_trillion_elements_is_refused_unallocated(tmp_path):
    blob = archive({"W1.npy": npy_header((10 ** 6, 10 ** 6)) + b"\0" * 64})
    toml_path, npz_path = planted(tmp_path, blob)
    with pytest.raises(PersistError, match=rf"{re.escape(str(npz_path))}: refused: the header "
                                           r"of 'W1' asks for shape \(1000000, 1000000\) of "
                                           r"float64, 8,000,000,000,000 bytes, over the limit"):
        load(toml_path)


def test_a_zip_bomb_is_refused_by_its_declared_size_before_inflating(monkeypatch):
    monkeypatch.setenv("GATES_MAX_BYTES", str(2 ** 20))
    bomb = archive({"W1.npy": npy_header((2 ** 21,)) + bytes(2 ** 24)}, zipfile.ZIP_DEFLATED)
    assert len(bomb) < 2 ** 16
    with pytest.raises(PersistError, match=r"refused: member 'W1.npy' would inflate to "
                                           r"16,777,\d+ bytes, over the limit of 1,048,576"):
        read_npz(bomb, "bomb.npz")


def test_a_header_that_disagrees_with_its_member_is_refused():
    short = archive({"W1.npy": npy_header((1000,)) + bytes(80)})
    with pytest.raises(PersistError, match=r"the header of 'W1' asks for 8000 bytes of data; "
                                           r"the member holds 80"):
        read_npz(short, "short.npz")


@pytest.mark.parametrize("members, said", [
    ({"W1.npy": npy_header((2,)) + bytes(16), "notes.txt": b"hello"},
     r"member 'notes.txt' is not an .npy array"),
    ({"W1.npy": b"not an npy at all"}, r"not a parameter file \(.npz\): ValueError"),
    ({"sub/": b""}, r"member 'sub/' is not an .npy array"),
])
def test_unexpected_members_are_the_projects_own_error(members, said):
    with pytest.raises(PersistError, match=said):
        read_npz(archive(members), "odd.npz")


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setenv("GATES_MAX_MEMBERS", "3")
    blob = npz_bytes({f"W{k}": np.zeros(1) for k in range(4)})
    with pytest.raises(PersistError, match=r"refused: it holds 4 arrays, over the limit of 3 "
                                           r"\(GATES_MAX_MEMBERS"):
        read_npz(blob, "many.npz")


@pytest.mark.parametrize("make, said", [
    (lambda p: os.symlink("/dev/zero", p), "is a symbolic link, not a regular file"),
    (lambda p: os.mkfifo(p), "is a FIFO"),
    (lambda p: p.mkdir(), "is a folder"),
])
def test_links_and_special_files_are_refused_as_parameter_files(tmp_path, make, said):
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    npz_path.unlink()
    make(npz_path)
    with pytest.raises(PersistError, match=rf"the parameter file {said}"):
        load(toml_path)


def test_a_symlink_to_a_good_parameter_file_is_refused_too(tmp_path):
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    real = npz_path.rename(tmp_path / "elsewhere.bin")
    os.symlink(real, npz_path)
    with pytest.raises(PersistError, match="is a symbolic link"):
        load(toml_path)


def test_a_parameter_file_over_the_limit_is_not_read(tmp_path, monkeypatch):
    toml_path, npz_path = save(mlp([2, 3, 1]), tmp_path / "net")
    monkeypatch.setenv("GATES_MAX_BYTES", "1000")
    with open(npz_path, "ab") as fh:
        fh.write(bytes(2 ** 20 + 2000))
    with pytest.raises(PersistError, match=r"the parameter file holds 1,0\d\d,\d\d\d bytes, "
                                           r"over the limit of 1,049,576 \(GATES_MAX_BYTES "
                                           r"plus 1,048,576 for headers"):
        load(toml_path)
