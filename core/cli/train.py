"""``gates train``: train a network file on a CSV file and save it, losing nothing.

Every output name is checked before the network is read (``core.cli.outputs``);
after training, a write that fails goes to a fallback path that the one-line
error names (``outputs.keep``), and the command exits 1.
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from core.cli.args import need_cost
from core.cli.inputs import columns_of, data_feed, inputs_of, load_network
from core.cli.outputs import check_distinct, check_output, default_network, keep, replace


def cmd_train(args: argparse.Namespace) -> int:
    from core.engine.training import train
    from core.views.progress import Progress
    named = _train_outputs(args)  # the names given: checked before the network is read
    columns_of(args)
    graph, name, example = load_network(args.network)
    need_cost(graph, args.network)
    if args.output is None:
        named["-o"] = check_output(default_network(name), "-o", force=args.force)
    check_distinct(named, inputs_of(args))
    feed = data_feed(graph, args, example, need=True)
    rows = len(next(iter(feed.values())))
    steps_per_epoch = 1 if not args.batch_size else math.ceil(rows / args.batch_size)
    total = args.epochs * steps_per_epoch
    where = args.data or "its example data"
    print(f"training {name} on {where}: {rows} rows, "
          + "; ".join(f"{k} {v.shape[1] if v.ndim > 1 else 1} column(s)"
                      for k, v in feed.items())
          + f"; {args.epochs} epochs, {total} steps, rate {args.rate:g}")
    progress = Progress(total, rate=args.rate)
    try:  # overflow on the way to a non-finite loss is reported by train, as an error
        with np.errstate(over="ignore", invalid="ignore"):
            history = train(graph, feed, epochs=args.epochs, batch_size=args.batch_size,
                            rate=args.rate, seed=args.seed, callback=progress)
    finally:
        progress.close()
    first, last = history.losses[0], history.losses[-1]
    print(f"J went from {first:.6g} to {last:.6g} in {len(history.losses)} steps "
          f"({progress.speed():.0f} steps/s)")
    notes = {"epochs": args.epochs, "steps": len(history.losses), "final_loss": last}
    return _write_results(args, graph, name, named, progress, notes)


def _train_outputs(args: argparse.Namespace) -> dict[str, Path]:
    """The outputs named on the command line, each checked: {option: path}."""
    from core import netfile
    named = {}
    if args.output is not None:  # the name as given, and the network file it means
        # "net" means net.toml, as for core.save; another suffix is refused, not appended to
        check_output(args.output, "-o", (".toml",) if Path(args.output).suffix else (),
                     args.force)
        named["-o"] = check_output(netfile.network_path(args.output), "-o", force=args.force)
    if args.history is not None:
        named["--history"] = check_output(args.history, "--history", force=args.force)
    if args.curve is not None:
        named["--curve"] = check_output(args.curve, "--curve", (".svg", ".png"), args.force)
    return named


def _write_results(args, graph, name, named, progress, notes) -> int:
    """Save the network, the history and the curve; a write that fails goes elsewhere."""
    from core import netfile
    from core.views.progress import loss_curve

    def save(path: Path) -> Path:
        return netfile.save(graph, path, name=name, notes=notes)[0]

    failed = []
    toml_path, note = keep(save, named["-o"], "the trained network")
    print(f"saved the trained network to {toml_path} (parameters beside it, "
          f"{toml_path.stem}-<hash>.npz)")
    failed.append(note)
    if "--history" in named:
        path, note = keep(lambda p: replace(p, progress.write_csv), named["--history"],
                          "the loss history")
        print(f"wrote the loss history to {path}")
        failed.append(note)
    if "--curve" in named:
        path, note = keep(lambda p: replace(p, lambda t: loss_curve(progress.losses, t)),
                          named["--curve"], "the loss curve")
        print(f"drew the loss curve to {path}")
        failed.append(note)
    for note in filter(None, failed):
        print(f"gates: error: {note}", file=sys.stderr)
    return 1 if any(failed) else 0
