"""The benchmark (benchmarks/bench.py) runs end to end (``--quick``); its figures are not
asserted."""
import subprocess
import sys

from tests.paths import BENCH


def test_quick_benchmark_runs_every_workload_and_engine():
    out = subprocess.run([sys.executable, str(BENCH), "--quick"], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "BLAS threads pinned to 1" in lines[0]
    for workload in ("seed231", "mlp784", "deep32"):
        for dtype in ("float64", "float32"):
            for engine in ("numpy-by-hand", "numpy-prealloc", "gates", "gates-reference"):
                row = [ln.split() for ln in lines
                       if ln.split()[:3] == [workload, dtype, engine]]
                assert len(row) == 1, (workload, dtype, engine)
                # us/step, ratio, its range lo-hi, no-loss ratio, held, arrays and peak KiB
                assert len(row[0]) == 10, row[0]
                us, ratio, spread, bare, held, arrays, peak = row[0][3:]
                assert all(float(x) >= 0 for x in (us, ratio, bare, held, arrays, peak)), row[0]
                lo, hi = map(float, spread.split("-"))
                assert 0 <= lo <= float(ratio) <= hi, row[0]
        for peer in ("torch-cpu", "hips-autograd"):  # measured, or says why not
            assert any(ln.split()[:3] == [workload, "float64", peer] for ln in lines)
