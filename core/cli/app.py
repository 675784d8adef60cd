"""The ``gates`` command line."""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Mapping, Sequence

from core.cli.args import positive_arg, rate_arg, seed_arg
from core.cli.status import FAILURE, USAGE, UsageError, run_quietly
from core.cli.tables import table
from core.errors import GatesError


def cmd_list(args: argparse.Namespace) -> int:
    from core.registry.discovery import default_registry
    from core.registry.manager import LOCAL
    specs = default_registry().specs()
    if args.json:
        print(json.dumps([s.as_dict() for s in specs], indent=2))
        return 0
    rows = [[s.name, s.kind, s.arity, s.plugin, s.distribution or LOCAL, s.version or ""]
            for s in specs]
    print(table(rows, ["name", "kind", "arity", "plugin", "distribution", "version"]))
    return 0


def cmd_plugins(args: argparse.Namespace) -> int:
    from core.registry.discovery import plugin_report
    infos = plugin_report()
    if args.json:
        print(json.dumps([i.as_dict() for i in infos], indent=2))
        return 0
    rows = [[i.name, i.distribution, i.version, i.status, f"{1e3 * i.load_seconds:.1f}",
             "; ".join(filter(None, [", ".join(i.gates) or i.error, *i.problems]))]
            for i in infos]
    print(table(rows, ["plugin", "distribution", "version", "status", "load ms",
                       "gates / error"]))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from core.cli.demo import run_demo
    return run_demo(epochs=args.epochs, rate=args.rate, seed=args.seed)


class _Version(argparse.Action):
    """--version: the installed distribution's version, looked up only when asked."""

    def __init__(self, option_strings, dest, **kw):
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        from core.registry.discovery import HOST_DISTRIBUTION
        try:
            text = version(HOST_DISTRIBUTION)
        except PackageNotFoundError:
            text = "(not installed as a distribution)"
        print(f"gates {text}")
        parser.exit()


class Parser(argparse.ArgumentParser):
    """The ``gates`` parser, knowing its subcommands' parsers by name."""

    subcommands: Mapping[str, argparse.ArgumentParser] = {}


def build_parser() -> Parser:
    parser = Parser(
        prog="gates", description="Neural networks as graphs of plugin gates.",
        epilog="Exit status: 0 done; 1 a runtime failure; 2 a usage error; 3 gates draw "
               "without Graphviz (the DOT text was written instead); 130 interrupted. "
               "Usage and errors go to stderr. `gates COMMAND --help` for a command's "
               "options.")
    parser.add_argument("-V", "--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    parser.subcommands = sub.choices  # main() hands unknown options to their subcommand
    p = sub.add_parser("list", help="list every registered gate")
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(func=cmd_list)
    p = sub.add_parser("plugins", help="list every gate plugin and its status")
    p.add_argument("--json", action="store_true", help="print a JSON list of objects")
    p.set_defaults(func=cmd_plugins)
    p = sub.add_parser("demo", help="train the seed's [2, 3, 1] network on XOR")
    p.add_argument("--epochs", type=positive_arg, default=3000,
                   help="full-batch steps, at least 1 (default 3000)")
    p.add_argument("--rate", type=rate_arg, default=0.5,
                   help="learning rate, a finite number >= 0 (default 0.5)")
    p.add_argument("--seed", type=seed_arg, default=0,
                   help="seed of the initial weights, a whole number >= 0 (default 0)")
    p.set_defaults(func=cmd_demo)
    from core.cli.network import register as register_network_commands
    register_network_commands(sub)  # draw, explain, train
    from core.cli.check import register as register_check_command
    register_check_command(sub)  # check: the gate contract suite
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None,
                  _default=warnings.showwarning):
    """The engine's own warnings (a plugin that failed to load, a version that
    differs) read as the command's, without a source file and line."""
    if category.__module__.split(".")[0] == "core":
        print(f"gates: warning: {message}", file=file or sys.stderr)
    else:
        _default(message, category, filename, lineno, file, line)


def main(argv: Sequence[str] | None = None) -> int:
    with warnings.catch_warnings():  # restores showwarning for in-process callers
        warnings.showwarning = _show_warning
        return _run(argv)


def _run(argv: Sequence[str] | None) -> int:
    """Parse and run one command by the convention of ``core.cli.status``."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    # usage errors name the subcommand they concern: `gates list --bogus` shows the
    # usage of `list`, not of `gates`
    where = parser.subcommands.get(getattr(args, "command", None) or "", parser)
    if extra:
        where.error(f"unrecognized arguments: {' '.join(extra)}")
    if not getattr(args, "func", None):  # `gates` alone: how to use it, as an error
        parser.print_help(sys.stderr)
        return USAGE
    return run_quietly(lambda: _call(args, where), "gates")


def _call(args: argparse.Namespace, where: argparse.ArgumentParser) -> int:
    try:
        return args.func(args)
    except UsageError as exc:
        where.print_usage(sys.stderr)
        print(f"{where.prog}: error: {exc}", file=sys.stderr)
        return USAGE
    except GatesError as exc:
        print(f"gates: error: {exc}", file=sys.stderr)
        return FAILURE


if __name__ == "__main__":
    sys.exit(main())
