"""Training progress (core.views.progress): live only on a terminal; CSV history. The
loss curves it re-exports are tested in test_curve.py."""
import io

from core import mlp, train
from core.examples import xor_feed
from core.views import curve, progress
from core.views.progress import Progress, read_csv


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run(stream, epochs=30):
    net = mlp([2, 3, 1], "sigmoid", cost="mse")
    progress = Progress(epochs, stream=stream, interval=0.0, rate=0.5)
    history = train(net, xor_feed(), epochs=epochs, rate=0.5, callback=progress)
    progress.close()
    return progress, history


def test_quiet_when_not_a_terminal():
    stream = io.StringIO()
    progress, history = run(stream)
    assert stream.getvalue() == ""
    assert progress.losses == history.losses and progress.steps == list(range(1, 31))


def test_live_line_on_a_terminal():
    stream = Terminal()
    progress, history = run(stream)
    out = stream.getvalue()
    assert out.count("\r") >= 30 and out.endswith("\n")
    last = out.rstrip("\n").split("\r")[-1]
    assert last.startswith("step 30/30 100%  epoch 30  J ")
    assert f"J {history.losses[-1]:.6g}" in last and "lr 0.5" in last and "steps/s" in last


def test_history_csv_round_trips(tmp_path):
    progress, history = run(io.StringIO())
    path = progress.write_csv(tmp_path / "loss.csv")
    assert path.read_text().splitlines()[0] == "step,epoch,loss"
    steps, losses = read_csv(path)
    assert steps == list(range(1, 31)) and losses == history.losses  # full precision


def test_the_loss_curves_are_re_exported_for_their_callers():
    for name in ("loss_curve", "loss_curve_svg", "loss_curve_png", "write_png"):
        assert getattr(progress, name) is getattr(curve, name)
