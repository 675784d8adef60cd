"""The ``gates draw`` and ``gates explain`` commands, and the options of all three
network commands (``gates train`` runs in ``core.cli.train``).

Each takes a NETWORK: a network file (``.toml``; a saved, trained one loads
with its parameters) or the name of a built-in example (``seed``: the seed's
[2, 3, 1] network with its XOR batch of 4); ``core.cli.inputs`` reads it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.args import count_arg, need_cost, positive_arg, rate_arg, seed_arg
from core.cli.inputs import columns_of, data_feed, inputs_of, load_network
from core.cli.outputs import check_distinct, check_output, replace
from core.cli.status import NO_GRAPHVIZ, UsageError
from core.cli.train import cmd_train
from core.errors import GatesError
from core.examples import EXAMPLES


def cmd_draw(args: argparse.Namespace) -> int:
    from core.views.backprop import explain
    from core.views.dot import PICTURES, dot_program, render, to_dot
    out = None if args.output is None else \
        check_output(args.output, "-o", tuple(f".{f}" for f in PICTURES) + (".dot",), args.force)
    columns_of(args)
    if out is not None:
        spare = {"DOT file written without Graphviz": out.with_suffix(".dot")} \
            if out.suffix.lower() != ".dot" else {}
        check_distinct({"-o": out, **spare}, inputs_of(args))
    graph, name, example = load_network(args.network)
    feed = None if args.no_values else data_feed(graph, args, example, need=False)
    step = explain(graph, feed) if feed is not None and graph.costs else None
    text = to_dot(graph, step, title=name, rankdir=args.rankdir)
    if out is None:
        sys.stdout.write(text)
        return 0
    fmt = out.suffix.lstrip(".").lower()
    if fmt in PICTURES and dot_program() is None:
        replaced = " (it replaces the file that was there)" \
            if out.with_suffix(".dot").exists() else ""
        fallback = _written(out.with_suffix(".dot"), lambda tmp: render(text, tmp, "dot"))
        print(f"gates: Graphviz's 'dot' program is not installed, so {out} was not drawn; "
              f"the DOT text is in {fallback}{replaced}. Install Graphviz (Debian/Ubuntu: apt-get "
              f"install graphviz; macOS: brew install graphviz) and run gates draw again, "
              f"or: dot -T{fmt} {fallback} -o {out}", file=sys.stderr)
        return NO_GRAPHVIZ
    out = _written(out, lambda tmp: render(text, tmp, fmt))
    print(f"drew {name} to {out}" + (f" (values and gradients after one step, "
                                      f"J = {step.loss:.6g})" if step else ""))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    from core.graph.shapes import dummy_feed, free_batch
    from core.views.backprop import explain
    graph, name, example = load_network(args.network)
    need_cost(graph, args.network)
    feed = data_feed(graph, args, example, need=not args.shapes_only)
    batch = None  # shapes only and no data: a dummy batch, written n
    if feed is None:
        batch = free_batch(graph)
        feed = dummy_feed(graph, batch)
        if feed is None:
            raise UsageError(f"{args.network}: not every input declares its shape, so the "
                             f"shapes need data: --data FILE.csv (and --columns "
                             f"INPUT=COLUMN,... for the inputs {', '.join(graph.inputs)})")
    elif args.rows:
        feed = {k: v[:args.rows] for k, v in feed.items()}
    print(f"Network {name}.")
    print(explain(graph, feed).text(small=args.small, values=not args.shapes_only,
                                    batch=batch), end="")
    return 0


def _written(out: Path, write) -> Path:
    """``write`` into ``out`` through a temporary file; a failure said in one line."""
    try:
        replace(out, write)
    except OSError as exc:
        raise GatesError(f"cannot write {out}: {exc.strerror or exc}") from None
    return out


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
                       epilog=f"Exit status: 0 drawn; 1 a runtime error; 2 a usage error; "
                              f"{NO_GRAPHVIZ} a picture was asked for but Graphviz's dot is "
                              f"not installed, so the DOT text was written beside it "
                              f"(FILE.dot, saying so if it replaced one) instead.")
    _data_args(p)
    p.add_argument("-o", "--output", metavar="FILE",
                   help="FILE.svg, .png or .pdf (needs Graphviz's dot) or .dot; "
                        "default: DOT text on stdout")
    p.add_argument("--no-values", action="store_true",
                   help="draw the structure only, without a step's values and gradients")
    p.add_argument("--rankdir", choices=("LR", "TB"), default="LR",
                   help="LR: left to right, as the seeds draw (default); TB: top to bottom, "
                        "a narrower picture for a narrow page")
    p.add_argument("--force", action="store_true",
                   help="replace an existing output file even if it is read-only")
    p.set_defaults(func=cmd_draw)
    p = sub.add_parser("explain", help="trace one step of backprop, gate by gate "
                                       "(the seed's equations B1, B2, ...)")
    _data_args(p)
    p.add_argument("--rows", type=positive_arg, default=None, help="use only the first N rows")
    p.add_argument("--small", type=count_arg, default=12,
                   help="show arrays with at most this many elements in full (default 12)")
    p.add_argument("--shapes-only", action="store_true",
                   help="shapes, no values; without --data, the shapes the inputs' declared "
                        "shapes imply, n standing for the batch")
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
                   help="where to save the trained network (default NAME-trained.toml in "
                        "the working folder, NAME the network's name made safe; the "
                        "parameters go beside it as .npz; missing folders are created)")
    p.add_argument("--history", metavar="FILE.csv", help="write the loss of every step "
                   "(missing folders are created)")
    p.add_argument("--curve", metavar="FILE.svg|png",
                   help="draw the loss curve: title and scale, the loss range and the "
                        "first and last step (the PNG in a small pixel font; missing "
                        "folders are created)")
    p.add_argument("--force", action="store_true",
                   help="replace existing output files even if they are read-only")
    p.set_defaults(func=cmd_train)
