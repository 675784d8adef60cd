"""A reader that stops early (``gates list | head -1``) gets no traceback."""
import subprocess
import sys


def test_closed_pipe_is_quiet():
    p = subprocess.Popen([sys.executable, "-m", "core.cli", "list", "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.close()  # the reader is gone before a byte is written
    err = p.stderr.read().decode()
    rc = p.wait()
    p.stderr.close()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert rc == 141
