"""The parsers never crash: random text and bytes, and structured mutations of valid
files, given to the network-file reader and builder, the CSV reader and the parameter-file
(.npz) loader, end in a result or in that parser's documented error -- NetworkFileError,
DataError, PersistError -- never in anything else. Bounded: a fixed number of examples,
derandomized, a few seconds each."""
import hashlib
import io
import re

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from core import mlp, netfile
from core.data import DataError, read_columns
from core.netfile import NetworkFileError, PersistError, save
from core.netfile.npz import npz_bytes, read_npz
from tests.paths import SEED_TOML

FUZZ = settings(max_examples=150, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

#: a valid network file using gates with attributes, from the plugin packs
PACKED = """[network]
name = "packed"
dtype = "float32"
seed = 3
outputs = ["a"]
[inputs]
X = { shape = ["batch", 2] }
Y = { shape = ["batch", 2] }
[params]
W = { shape = [2, 2], init = "xavier", scale = 0.5, rate = 0.1 }
b = { value = [[0.1, 0.2]] }
[gates]
z = { gate = "matmul", inputs = ["X", "W"] }
zb = { gate = "add", inputs = ["z", "b"] }
a = { gate = "leaky_relu", inputs = ["zb"], attributes = { slope = 0.2 } }
s = { gate = "softmax", inputs = ["a"] }
[cost]
J = { gate = "huber", inputs = ["s", "Y"], attributes = { delta = 0.5 } }
"""
NETWORKS = [SEED_TOML.read_text(), PACKED]

#: pieces that are likely to matter where they land: syntax, odd values, big numbers
TOML_PIECES = ["[", "]", "{", "}", '"', "'", "=", ",", "\n", "#", "\\", '"""', "0", "-1",
               "1e309", "nan", "inf", "true", "1979-05-27", "10000000000000", "batch",
               "[" * 80, "[" * 1200, "{a=" * 40, "[params]", "[gates]", "[saved]", "[[x]]",
               "é", "\x00",
               'slope = "x"', "slope = 1e400", "delta = -1", "shape = [0]",
               "value = [[1],[2,3]]", "value = [[1e400]]", 'value = ["a"]', "scale = nan",
               "rate = -1", "seed = -1", 'dtype = "float16"', 'outputs = ["zz"]',
               "inputs = []", 'gate = "softmax"', "format = 2", "shape = [100000, 100000]",
               'parameters = "../x.npz"', 'sha256 = "00"']
CSV_PIECES = [",", "\n", '"', "\r\n", "1_000", "\u0661", "nan", "inf", "-", "e", ".", "x1",
              "\x00", "\ufeff", "9" * 200_000, " ", "1e999", "xor"]


def mutated(base, pieces):
    """A strategy: ``base`` with a few pieces inserted, spans deleted or spans repeated."""
    edit = st.tuples(st.sampled_from(["insert", "delete", "repeat"]),
                     st.floats(0, 1), st.floats(0, 1), st.sampled_from(pieces))

    def apply(edits):
        text = base
        for op, where, length, piece in edits:
            at, n = int(where * len(text)), int(length * 40) + 1
            if op == "insert":
                text = text[:at] + piece + text[at:]
            elif op == "delete":
                text = text[:at] + text[at + n:]
            else:
                text = text[:at] + text[at:at + n] * 3 + text[at + n:]
        return text
    return st.lists(edit, min_size=1, max_size=4).map(apply)


def build_or_refuse(text):
    try:
        netfile.build(netfile.parse(text, "fuzz.toml"))
    except NetworkFileError:
        pass


@FUZZ
@given(st.text(max_size=400))
def test_the_network_file_parser_on_random_text(text):
    build_or_refuse(text)


@FUZZ
@given(st.sampled_from(NETWORKS).flatmap(lambda base: mutated(base, TOML_PIECES)))
@example(PACKED.replace("[0.1, 0.2]", "[" * 1200 + "0.1" + "]" * 1200))  # deeper than a stack
def test_the_network_file_parser_on_mutated_network_files(text):
    build_or_refuse(text)


@FUZZ
@given(st.binary(max_size=400))
def test_the_network_file_reader_on_random_bytes(tmp_path_factory, blob):
    path = tmp_path_factory.mktemp("fuzz") / "net.toml"
    path.write_bytes(blob)
    try:
        netfile.read(path)
    except NetworkFileError:
        pass


CSV = "x1,x2,xor\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"


def read_or_refuse(folder, blob):
    path = folder / "data.csv"
    path.write_bytes(blob)
    try:
        got = read_columns(path, {"X": ["x1", "x2"], "Y": ["xor"]})
    except DataError:
        return
    assert got["X"].dtype == np.float64 and np.all(np.isfinite(got["X"]))
    assert got["X"].shape[1] == 2 and got["Y"].shape == (got["X"].shape[0], 1)


@FUZZ
@given(st.binary(max_size=400))
def test_the_csv_reader_on_random_bytes(tmp_path_factory, blob):
    read_or_refuse(tmp_path_factory.mktemp("fuzz"), blob)


@FUZZ
@given(mutated(CSV, CSV_PIECES))
def test_the_csv_reader_on_mutated_csv_files(tmp_path_factory, text):
    read_or_refuse(tmp_path_factory.mktemp("fuzz"), text.encode("utf-8", "surrogatepass"))


ARRAYS = {"W1": np.arange(6.0).reshape(2, 3), "b1": np.zeros((1, 3), np.float32),
          "F": np.asfortranarray(np.ones((2, 2)))}


def _compressed():
    buf = io.BytesIO()
    np.savez_compressed(buf, **ARRAYS)
    return buf.getvalue()


NPZ = [npz_bytes(ARRAYS), _compressed()]


def bytes_mutated(base):
    edit = st.tuples(st.sampled_from(["set", "insert", "delete", "splice"]),
                     st.floats(0, 1), st.binary(min_size=1, max_size=8), st.floats(0, 1))

    def apply(edits):
        blob = bytearray(base)
        for op, where, data, other in edits:
            at = int(where * len(blob))
            if op == "set" and blob:
                blob[min(at, len(blob) - 1)] = data[0]
            elif op == "insert":
                blob[at:at] = data
            elif op == "delete":
                del blob[at:at + len(data)]
            else:
                start = int(other * len(base))
                blob[at:at] = base[start:start + 8 * len(data)]
        return bytes(blob)
    return st.lists(edit, min_size=1, max_size=4).map(apply)


def npz_or_refuse(blob):
    try:
        arrays = read_npz(blob, "fuzz.npz")
    except PersistError:
        return
    assert all(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in arrays.values())


@FUZZ
@given(st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b))
def test_the_parameter_file_loader_on_random_bytes(blob):
    npz_or_refuse(blob)


@FUZZ
@given(st.sampled_from(NPZ).flatmap(bytes_mutated))
def test_the_parameter_file_loader_on_mutated_parameter_files(blob):
    npz_or_refuse(blob)


@settings(max_examples=40, derandomize=True, deadline=None, database=None)
@given(st.data())
def test_loading_a_saved_network_with_a_mutated_parameter_file(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("fuzz")
    toml_path, npz_path = save(mlp([2, 3, 1]), folder / "net")
    blob = data.draw(bytes_mutated(npz_path.read_bytes()))
    npz_path.write_bytes(blob)
    digest = hashlib.sha256(blob).hexdigest()  # as an attacker who writes both files
    toml_path.write_text(re.sub(r'sha256 = "[0-9a-f]+"', f'sha256 = "{digest}"',
                                toml_path.read_text()))
    try:
        netfile.load(toml_path)
    except (PersistError, NetworkFileError):
        pass
