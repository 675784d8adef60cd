"""The benchmark runs end to end (``--quick``); its figures are not asserted."""
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


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
                assert len(row[0]) == 7  # us/step, two ratios, peak KiB
                assert all(float(x) >= 0 for x in row[0][3:])
        for peer in ("torch-cpu", "hips-autograd"):  # measured, or says why not
            assert any(ln.split()[:3] == [workload, "float64", peer] for ln in lines)
