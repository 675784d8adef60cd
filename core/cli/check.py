"""``gates check [NAME ...]``: the contract suite on installed gates.

Prints one row per gate (gate, plugin, passed, failed, expected failures),
then every failure's message; exits 1 when any check failed or an expected
failure passed (strict), 0 otherwise. Run on the whole installation (no NAME),
a plugin that failed to load is a failed row too: CI must not pass because
a plugin's gates silently went missing.
"""
from __future__ import annotations

import argparse
import json

from core.cli.tables import table
from core.errors import GatesError, suggest


def register(sub) -> None:
    p = sub.add_parser("check", help="run the gate contract suite on installed gates")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="gates to check (default: every registered gate)")
    p.add_argument("--check", action="append", dest="checks", metavar="CHECK",
                   help="run only this check (repeatable)")
    p.add_argument("--seed", type=int, default=0, help="random seed of the samples (default 0)")
    p.add_argument("--json", action="store_true", help="print every check's record as JSON")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list every check and the expected failures' reasons")
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    # the suite (and numpy.linalg) loads only when `check` runs, not for every command
    from core.contract.suite import CHECK_NAMES, CheckResult, check_gate, summary
    from core.registry.discovery import default_registry
    for name in args.checks or ():
        if name not in CHECK_NAMES:
            raise GatesError(f"unknown check {name!r}"
                             f"{suggest(name, CHECK_NAMES, 'the checks are')}")
    registry = default_registry()
    specs = [registry.get(n) for n in args.names] if args.names else registry.specs()
    rows, failures, records, idle = [], [], [], []
    for spec in specs:
        try:
            results = check_gate(spec, seed=args.seed, checks=args.checks)
        except Exception as exc:  # e.g. a gate type that cannot be built without attributes
            results = [CheckResult(spec.name, "construct", "failed",
                                   f"gate {spec.name!r} ({spec.source}) could not be checked: "
                                   f"{type(exc).__name__}: {exc}", spec.source)]
        records += results
        if not results:
            idle.append(spec.name)
        counts = summary(results)
        rows.append([spec.name, _plugin(spec), counts["passed"], counts["failed_total"],
                     counts["xfail"]])
        failures += [r for r in results if not r.ok]
        if args.verbose:
            rows += [[f"  {r.check}", "", "", "", ""] if r.status == "passed" else
                     [f"  {r.check}", r.status, "", "", ""] for r in results]
    if not args.names:  # the whole installation: a plugin that did not load is a failure
        for info in _failed_plugins():
            where = f"{info.distribution} {info.version}".strip()
            message = (f"plugin {info.name!r} = {info.entry_point!r} ({where}) failed to "
                       f"load, so its gates were not checked: {info.error}") \
                if info.status == "failed" else \
                (f"plugin {info.name!r} = {info.entry_point!r} ({where}) loaded with "
                 f"problems, so gates of it may have gone unchecked: "
                 f"{'; '.join(info.problems)}")
            result = CheckResult("", "plugin_loads", "failed", message, info.name)
            records.append(result)
            failures.append(result)
            state = "not loaded" if info.status == "failed" else "problems"
            rows.append([f"({info.name}: {state})", f"{info.name} ({where})", 0, 1, 0])
    if args.json:
        print(json.dumps([r.as_dict() for r in records], indent=2))
    else:
        print(table(rows, ["gate", "plugin", "passed", "failed", "expected failures"]))
        if args.verbose:
            for r in records:
                if r.status == "xfail":
                    print(f"\n{r.message}")
        if idle:
            print(f"\nnote: {', '.join(args.checks or [])} do(es) not apply to "
                  f"{', '.join(idle)}: nothing was checked there")
        for r in failures:
            print(f"\n{r.status.upper()}: {r.message}")
        total = summary(records)
        print(f"\n{len(specs)} gate(s): {total['passed']} passed, {total['failed_total']} "
              f"failed, {total['xfail']} expected failure(s)")
    return 1 if failures else 0


def _failed_plugins() -> list:
    from core.registry.discovery import plugin_report
    return [i for i in plugin_report() if i.status == "failed" or i.problems]


def _plugin(spec) -> str:
    return f"{spec.plugin} ({spec.origin})"
