"""Saving never loses a network: saves of one path from several processes or threads
at once leave one whole network that is one of those saved; loads meanwhile see the
old or the new one, never an error; a parameter file that a network file on disk
names is never removed; what a killed save leaves is removed by the next save.
Real processes (subprocesses of this checkout) and real threads, bounded in rounds."""
import shutil
import signal
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from core import mlp
from core.netfile import load, save

SEEDS = (1, 2, 3, 4)


def which(graph):
    """The seed of the candidate network ``graph`` is, wholly; None for a mix or none."""
    for seed in SEEDS:
        want = mlp([2, 3, 1], seed=seed).params
        if all(np.array_equal(graph.params[k], want[k]) for k in want):
            return seed
    return None


def assert_one_whole_network(folder, path):
    assert which(load(path)) in SEEDS
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert len(list(folder.glob("*.npz"))) == 1  # the one the network file names


CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    from core import mlp
    from core.netfile import load, save
    role, path, go, stop, seed = sys.argv[1:6]
    seeds = (1, 2, 3, 4)
    wants = {s: mlp([2, 3, 1], seed=s).params for s in seeds}
    while not os.path.exists(go):
        time.sleep(0.001)
    if role == "save":
        net = mlp([2, 3, 1], seed=int(seed))
        for _ in range(int(os.environ["ROUNDS"])):
            save(net, path)
    else:
        loads = 0
        while not os.path.exists(stop) or loads < 5:
            g = load(path)
            if not any(all(np.array_equal(g.params[k], w[k]) for k in w)
                       for w in wants.values()):
                sys.exit("a load saw a network that was never saved")
            loads += 1
        print(loads)
""")


def test_processes_saving_and_loading_one_path_lose_nothing(tmp_path, clean_env):
    folder = tmp_path / "nets"
    path, go, stop = folder / "net.toml", tmp_path / "go", tmp_path / "stop"
    save(mlp([2, 3, 1], seed=1), path)  # loaders start on a saved network
    env = {**clean_env(), "ROUNDS": "15"}

    def start(role, seed=0):
        return subprocess.Popen([sys.executable, "-c", CHILD, role, str(path), str(go),
                                 str(stop), str(seed)], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    savers = [start("save", s) for s in SEEDS]
    loaders = [start("load") for _ in range(2)]
    go.touch()
    for p in savers:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    stop.touch()
    for p in loaders:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert int(out) >= 5
    assert_one_whole_network(folder, path)


def test_threads_saving_and_loading_one_path_lose_nothing(tmp_path):
    path = tmp_path / "net.toml"
    save(mlp([2, 3, 1], seed=1), path)
    errors, seen, done = [], [], threading.Event()

    def saver(seed):
        net = mlp([2, 3, 1], seed=seed)
        try:
            for _ in range(10):
                save(net, path)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def loader():
        try:
            while not done.is_set():
                seen.append(which(load(path)))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    savers = [threading.Thread(target=saver, args=(s,)) for s in SEEDS]
    loaders = [threading.Thread(target=loader) for _ in range(2)]
    for t in savers + loaders:
        t.start()
    for t in savers:
        t.join(timeout=120)
    done.set()
    for t in loaders:
        t.join(timeout=120)
    assert errors == [] and seen and None not in seen
    assert_one_whole_network(tmp_path, path)


KILLED = textwrap.dedent("""
    import os, signal, sys, time
    from core import mlp
    from core.netfile import save
    path, when = sys.argv[1:3]
    real = os.replace

    def replace(src, dst):
        if when == "writing":  # killed with its temporary file on disk
            print("ready", flush=True)
            time.sleep(60)
        real(src, dst)
        if when == "between" and str(dst).endswith(".npz"):  # the network file unwritten
            os.kill(os.getpid(), signal.SIGKILL)

    os.replace = replace
    save(mlp([2, 3, 1], seed=9), path)
""")


@pytest.mark.parametrize("when", ["writing", "between"])
def test_the_next_save_removes_what_a_killed_save_left(tmp_path, clean_env, when):
    path = tmp_path / "net.toml"
    save(mlp([2, 3, 1], seed=1), path)
    child = subprocess.Popen([sys.executable, "-c", KILLED, str(path), when], env=clean_env(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if when == "writing":
        assert child.stdout.readline().strip() == "ready"
        child.send_signal(signal.SIGKILL)
    child.communicate(timeout=60)
    assert child.returncode == -signal.SIGKILL
    left = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert len(left) == 3, left  # net.toml, its .npz, and a .tmp or an orphaned .npz
    assert which(load(path)) == 1  # the killed save changed nothing loadable
    save(mlp([2, 3, 1], seed=2), path)  # the lock died with the child: no wait
    assert which(load(path)) == 2
    assert_one_whole_network(tmp_path, path)


def test_a_parameter_file_another_network_file_names_is_kept(tmp_path):
    path = tmp_path / "net.toml"
    _, first = save(mlp([2, 3, 1], seed=1), path)
    shutil.copy(path, tmp_path / "copy.toml")  # names the first parameter file too
    _, second = save(mlp([2, 3, 1], seed=2), path)
    assert first.exists() and second.exists()
    assert which(load(tmp_path / "copy.toml")) == 1 and which(load(path)) == 2
    (tmp_path / "copy.toml").unlink()
    save(mlp([2, 3, 1], seed=3), path)  # now nothing names the first two
    assert not first.exists() and not second.exists()
