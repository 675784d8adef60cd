"""The ``gates draw``, ``gates explain`` and ``gates train`` commands.

Each takes a NETWORK: a network file (``.toml``; a saved, trained one loads
with its parameters) or the name of a built-in example (``seed``: the seed's
[2, 3, 1] network with its XOR batch of 4).
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

from core.cli.args import check_output, count_arg, need_cost, positive_arg, rate_arg, seed_arg
from core.errors import GatesError, suggest
from core.examples import EXAMPLES

#: ``gates draw``'s exit status when a picture was asked for but Graphviz is missing
#: (the DOT text was written beside it instead); 1 is any other error
NO_GRAPHVIZ = 3


def load_network(arg: str):
    """(graph, name, example feed or None) for a file path or an example name."""
    from core import netfile
    path = Path(arg)
    if arg in EXAMPLES and not path.exists():
        _, network, feed = EXAMPLES[arg]
        return network(), arg, feed()
    if not path.exists():
        hint = suggest(arg, EXAMPLES)
        raise GatesError(f"no network file {arg!r}{hint or ';'} {'Give' if hint else 'give'} "
                         f"a .toml network file or one of the examples: {', '.join(EXAMPLES)}")
    return netfile.load(path), netfile.read(path).name, None  # a saved one with its values


def data_feed(graph, args: argparse.Namespace, example_feed, *, need: bool):
    """The feed from --data/--columns, the example's own, or None."""
    from core.data import parse_columns, read_columns
    if getattr(args, "data", None):
        mapping = parse_columns(args.columns or [])
        for name in mapping:
            if name not in graph.inputs:
                raise GatesError(f"--columns {name}=...: the network has no input {name!r}"
                                 f"{suggest(name, graph.inputs, 'its inputs are')}")
        needed = [n for n in graph.inputs if n in graph.order(graph.costs or None)]
        feed = read_columns(args.data, mapping, needed, graph.dtype)
        return {name: _fit(graph, name, array, mapping) for name, array in feed.items()}
    if example_feed is not None:
        return example_feed
    if need:
        raise GatesError(f"this needs data: --data FILE.csv (and --columns INPUT=COLUMN,... "
                         f"for the inputs {', '.join(graph.inputs)})")
    return None


def _fit(graph, name: str, array: np.ndarray, mapping) -> np.ndarray:
    """The CSV columns for input ``name`` in the shape the network declares for it."""
    shape = graph.nodes[name].shape
    if shape is None:
        return array
    columns = mapping.get(name, [name])
    if len(shape) == 1 and array.shape[1] == 1:
        return array[:, 0]  # a 1-D input: one column, one value per row
    if len(shape) == 2 and shape[1] not in (None, -1) and shape[1] != array.shape[1]:
        raise GatesError(f"input {name!r} takes {shape[1]} column(s) (shape "
                         f"{['batch' if d in (None, -1) else d for d in shape]}), but "
                         f"{len(columns)} were chosen: {', '.join(columns)}")
    return array


def cmd_draw(args: argparse.Namespace) -> int:
    from core.views.backprop import explain
    from core.views.dot import PICTURES, dot_program, render, to_dot
    graph, name, example = load_network(args.network)
    feed = None if args.no_values else data_feed(graph, args, example, need=False)
    step = explain(graph, feed) if feed is not None and graph.costs else None
    text = to_dot(graph, step, title=name)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    out = check_output(args.output, "-o", tuple(f".{f}" for f in PICTURES) + (".dot",))
    fmt = out.suffix.lstrip(".").lower()
    if fmt in PICTURES and dot_program() is None:
        fallback = render(text, out.with_suffix(".dot"))
        print(f"gates: Graphviz's 'dot' program is not installed, so {out} was not drawn; "
              f"the DOT text is in {fallback}. Install Graphviz (Debian/Ubuntu: apt-get "
              f"install graphviz; macOS: brew install graphviz) and run gates draw again, "
              f"or: dot -T{fmt} {fallback} -o {out}", file=sys.stderr)
        return NO_GRAPHVIZ
    out = render(text, out)
    print(f"drew {name} to {out}" + (f" (values and gradients after one step, "
                                      f"J = {step.loss:.6g})" if step else ""))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from core.views.backprop import explain
    graph, name, example = load_network(args.network)
    need_cost(graph, args.network)
    feed = data_feed(graph, args, example, need=True)
    if args.rows:
        feed = {k: v[:args.rows] for k, v in feed.items()}
    print(f"Network {name}.")
    print(explain(graph, feed).text(small=args.small, values=not args.shapes_only), end="")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from core import netfile
    from core.engine.training import train
    from core.views.progress import Progress, loss_curve
    graph, name, example = load_network(args.network)
    need_cost(graph, args.network)
    out = Path(f"{name}-trained.toml") if args.output is None else \
        check_output(args.output, "-o")  # the name as given: not a folder, not empty
    check_output(netfile.network_path(out), "-o")
    if args.history is not None:
        check_output(args.history, "--history")
    if args.curve is not None:
        check_output(args.curve, "--curve", (".svg", ".png"))
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
    toml_path, npz_path = netfile.save(graph, out, name=name, notes={
        "epochs": args.epochs, "steps": len(history.losses), "final_loss": last})
    print(f"saved the trained network to {toml_path} and {npz_path}")
    if args.history:
        print(f"wrote the loss history to {progress.write_csv(args.history)}")
    if args.curve:
        print(f"drew the loss curve to {loss_curve(progress.losses, args.curve)}")
    return 0


def _data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("network", metavar="NETWORK",
                   help=f"a network file (.toml) or an example: {', '.join(EXAMPLES)}")
    p.add_argument("--data", metavar="FILE.csv", help="a CSV file whose first row names "
                   "the columns")
    p.add_argument("--columns", action="append", metavar="INPUT=COL[,COL...]",
                   help="the CSV columns that feed an input (repeat per input); an input "
                        "named like a column needs none")


def register(sub) -> None:
    """Add draw, explain and train to the ``gates`` subcommands."""
    p = sub.add_parser("draw", help="draw a network as a Graphviz picture (DOT, SVG, PNG)",
                       epilog=f"Exit status: 0 drawn; 1 error; {NO_GRAPHVIZ} a picture was "
                              f"asked for but Graphviz's dot is not installed, so the DOT "
                              f"text was written beside it (FILE.dot) instead.")
    _data_args(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="FILE.svg, .png or .pdf (needs Graphviz's dot) or .dot; "
                        "default: DOT text on stdout")
    p.add_argument("--no-values", action="store_true",
                   help="draw the structure only, without a step's values and gradients")
    p.set_defaults(func=cmd_draw)
    p = sub.add_parser("explain", help="trace one step of backprop, gate by gate "
                                       "(the seed's equations B1, B2, ...)")
    _data_args(p)
    p.add_argument("--rows", type=positive_arg, default=None, help="use only the first N rows")
    p.add_argument("--small", type=count_arg, default=12,
                   help="show arrays with at most this many elements in full (default 12)")
    p.add_argument("--shapes-only", action="store_true", help="shapes, no values")
    p.set_defaults(func=cmd_explain)
    p = sub.add_parser("train", help="train a network file on a CSV file and save it")
    _data_args(p)
    p.add_argument("--epochs", type=positive_arg, default=1000,
                   help="passes over the data, at least 1 (default 1000)")
    p.add_argument("--rate", type=rate_arg, default=0.1,
                   help="learning rate, a finite number >= 0 (default 0.1)")
    p.add_argument("--batch-size", type=positive_arg, default=None,
                   help="minibatch size (default: the whole data set)")
    p.add_argument("--seed", type=seed_arg, default=0,
                   help="shuffling seed, a whole number >= 0 (default 0)")
    p.add_argument("-o", "--output", metavar="FILE.toml",
                   help="where to save the trained network (default NAME-trained.toml; "
                        "the parameters go beside it as .npz; missing folders are "
                        "created)")
    p.add_argument("--history", metavar="FILE.csv", help="write the loss of every step "
                   "(missing folders are created)")
    p.add_argument("--curve", metavar="FILE.svg|png",
                   help="draw the loss curve: title and scale, the loss range and the "
                        "first and last step (the PNG in a small pixel font; missing "
                        "folders are created)")
    p.set_defaults(func=cmd_train)
