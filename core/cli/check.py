"""``gates check [NAME ...]``: the contract suite on installed gates.

Prints one row per gate (gate, plugin, passed, failed, not run, expected
failures), the tolerances gates declare with their reasons, then every
failure's message -- root causes first; a failure repeated word for word by
several checks is printed once with their count and names. Exits 1 when any
check failed, the suite itself erred or an expected failure passed (strict),
0 otherwise. Run on the whole installation (no NAME), a plugin that failed to
load, or loaded with problems, is a failed row too: CI must not pass because a
plugin's gates silently went missing. With ``--json``, what gates print while
they are checked goes to stderr, so stdout is one JSON document.
"""
from __future__ import annotations

import argparse
import json

from core.cli.args import seed_arg
from core.cli.status import UsageError
from core.cli.tables import table
from core.errors import UnknownGateError, suggest


def register(sub) -> None:
    p = sub.add_parser("check", help="run the gate contract suite on installed gates")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="gates to check (default: every registered gate)")
    p.add_argument("--check", action="append", dest="checks", metavar="CHECK",
                   help="run only this check (repeatable)")
    p.add_argument("--seed", type=seed_arg, default=0,
                   help="seed of the random part of the samples, a whole number >= 0 (default 0)")
    p.add_argument("--json", action="store_true", help="print every check's record as JSON")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="also list every check and the expected failures' reasons")
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    # the suite (and numpy.linalg) loads only when `check` runs, not for every command
    from core.contract.suite import CHECK_NAMES
    from core.registry.discovery import default_registry, stdout_to_stderr
    for name in args.checks or ():
        if name not in CHECK_NAMES:
            raise UsageError(f"unknown check {name!r}"
                             f"{suggest(name, CHECK_NAMES, 'the checks are')}")
    registry = default_registry()
    specs = _specs(registry, args.names)
    if args.json:  # a gate printing while it is checked must not break the document
        with stdout_to_stderr():
            rows, records, idle = _run(args, specs)
        print(_json(records, specs))
    else:
        rows, records, idle = _run(args, specs)
        _report(args, rows, records, idle, len(specs))
    return 1 if any(not r.ok for r in records) else 0


def _run(args: argparse.Namespace, specs: list) -> tuple[list, list, list]:
    """(table rows, every record, gates no requested check applies to)."""
    from core.contract.suite import CheckResult, check_gate, summary
    rows: list[list] = []
    records: list = []
    idle: list[str] = []
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
                     counts["skipped"], counts["xfail"]])
        if args.verbose:
            rows += [[f"  {r.check}", r.status if r.status != "passed" else "", "", "", "", ""]
                     for r in results]
    if not args.names:  # the whole installation: a plugin that did not load is a failure
        for info in _failed_plugins():
            where = f"{info.distribution} {info.version}".strip()
            message = (f"plugin {info.name!r} = {info.entry_point!r} ({where}) failed to "
                       f"load, so its gates were not checked: {info.error}") \
                if info.status == "failed" else \
                (f"plugin {info.name!r} = {info.entry_point!r} ({where}) loaded with "
                 f"problems, so gates of it may have gone unchecked: "
                 f"{'; '.join(info.problems)}")
            records.append(CheckResult("", "plugin_loads", "failed", message, info.name))
            state = "not loaded" if info.status == "failed" else "problems"
            rows.append([f"({info.name}: {state})", f"{info.name} ({where})", 0, 1, 0, 0])
    return rows, records, idle


def _report(args: argparse.Namespace, rows: list, records: list, idle: list[str],
            gates: int) -> None:
    from core.contract.running import tolerance_note
    from core.contract.suite import summary
    print(table(rows, ["gate", "plugin", "passed", "failed", "not run", "expected failures"]))
    notes = [tolerance_note(r) for r in records if r.tolerance is not None]
    if notes:
        print("\ntolerances declared by the gates, instead of expected failures:")
        print("\n".join(f"  {n}" for n in notes))
    if args.verbose:
        for r in records:
            if r.status in ("xfail", "skipped"):
                print(f"\n{r.message}")
    if idle:
        print(f"\nnote: {', '.join(args.checks or [])} do(es) not apply to "
              f"{', '.join(idle)}: nothing was checked there")
    for first, same in collapse([r for r in records if not r.ok]):
        label = first.status.upper()
        if same:
            names = ", ".join(repr(r.check) for r in same)
            label += f" (the same failure in {len(same) + 1} checks: {first.check!r}, {names})"
        print(f"\n{label}: {first.message}")
    total = summary(records)
    print(f"\n{gates} gate(s): {total['passed']} passed, {total['failed_total']} failed, "
          f"{total['skipped']} not run, {total['xfail']} expected failure(s)")


def collapse(failures: list) -> list[tuple]:
    """(first, the others) of failures whose messages are the same but for the check's
    name: one gate raising one error in several checks is printed once, with a count."""
    groups: dict[tuple[str, str], list] = {}
    for r in failures:
        body = r.message.replace(f"check {r.check!r}", "check").replace(
            f"--check {r.check} ", "--check ").replace(f"checks=['{r.check}']", "checks=[]")
        groups.setdefault((r.gate, body), []).append(r)
    return [(group[0], group[1:]) for group in groups.values()]


def _failed_plugins() -> list:
    from core.registry.discovery import plugin_report
    return [i for i in plugin_report() if i.status == "failed" or i.problems]


def _plugin(spec) -> str:
    return f"{spec.plugin} ({spec.origin})"


def _specs(registry, names: list[str]) -> list:
    """The gates to check: those named (a name not registered is a usage error), else all."""
    try:
        return [registry.get(n) for n in names] if names else registry.specs()
    except UnknownGateError as exc:
        raise UsageError(str(exc)) from None


def _json(records: list, specs: list) -> str:
    """Every check's record, its plugin as fields rather than the table's display string:
    name, distribution and version (None for a plugin registered in-process)."""
    def fields(name, distribution, version):
        return {"name": name, "distribution": distribution or None, "version": version or None}
    plugins = {s.name: fields(s.plugin, s.distribution, s.version) for s in specs}
    failed = {i.name: fields(i.name, i.distribution, i.version) for i in _failed_plugins()}
    return json.dumps([{**r.as_dict(), "plugin": plugins.get(r.gate) or failed.get(r.plugin)}
                       for r in records], indent=2)
