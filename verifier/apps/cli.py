"""The ``rov`` command line: solve, bound, prove, check, check-point, smtlib, sweep,
tournament, plot, game, list.

Output is exact by default (fractions as "1/3", algebraic numbers as
CRootOf(...)); ``--decimals N`` prints decimals for reading, ``--json`` prints
machine-readable results. Bad input ends with a one-line error and exit
status 2; a solver that gives up is reported as unknown (status 3).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from pathlib import Path

from ..errors import (SOLVER_MEMORY_VARIABLE, InputError, InternalError, SolverUnknown,
                     UsageError)
from ..model.games import BUILTIN_GAMES, load_game
from ..decision.jobs import JobFailure, run_jobs, write_atomically
from ..model.library import LIBRARY, parse_agent, with_reading
from ..model.numbers import InexactNumberError, exact, fmt
from ..model.params import parse_region
from ..model.readings import DEFAULT, parse_settings
from ..model.poly import Poly
from ..encoding.smtlib import smtlib

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4


# ------------------------------------------------------------------ parsing


def parse_profile(text: str, game) -> tuple:
    """ "1/10,9/10;1,0" -> exact profile, validated against the game."""
    parts = text.split(";")
    if len(parts) != 2:
        raise UsageError("a profile is two strategies separated by ';', e.g. \"1/10,9/10;1,0\"")
    profile = []
    for i, part in enumerate(parts):
        try:
            s = tuple(exact(x) for x in part.split(","))
        except InexactNumberError as err:
            raise UsageError(f"profile: {err}") from None
        n = game.num_actions(i)
        if len(s) != n or any(p < 0 for p in s) or sum(s) != 1:
            raise UsageError(f"profile: strategy {i + 1} ({part}) is not a distribution over "
                             f"{n} actions")
        profile.append(s)
    return tuple(profile)


def parse_objective(text: str, game) -> Poly:
    """A polynomial from text such as "u1", "u1 + u2", "p1(C)", "2*p1(C) - 1/2"."""
    from ..claims.claims import Vars  # the solver side (z3) is imported only when needed
    v = Vars(game)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:
        raise UsageError(f"cannot read objective {text!r}") from None

    def build(node):
        if isinstance(node, ast.Expression):
            return build(node.body)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult)):
            left, right = build(node.left), build(node.right)
            return {ast.Add: left + right, ast.Sub: left - right,
                    ast.Mult: left * right}[type(node.op)]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            right = build(node.right)
            if not right.is_constant() or right.constant_value() == 0:
                raise UsageError("objective: divide only by non-zero numbers")
            return build(node.left) * (1 / right.constant_value())
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            return Poly.const(exact(node.value))
        if isinstance(node, ast.Name) and node.id in ("u1", "u2"):
            return getattr(v, node.id)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("p1", "p2") and len(node.args) == 1 and not node.keywords:
            arg = node.args[0]
            name = arg.id if isinstance(arg, ast.Name) else getattr(arg, "value", None)
            return getattr(v, node.func.id)(name)
        raise UsageError(f"objective: cannot read {ast.unparse(node)!r} (use u1, u2, p1(ACTION), "
                         f"p2(ACTION), numbers, + - * /)")

    try:
        return build(tree)
    except InputError as err:
        raise UsageError(f"objective: {err}") from None


def _specs(args, specs) -> list:
    """The agent specs with ``--reading`` applied (agents that take no key unchanged)."""
    settings = getattr(args, "reading", None) or {}
    return [with_reading(spec, settings) for spec in specs]


def _pair(args):
    from ..decision.solver import Pair
    game = load_game(args.game, rationalize=getattr(args, "rationalize", False))
    agents = tuple(parse_agent(spec) for spec in _specs(args, (args.agent1, args.agent2)))
    region = None if args.assume is None else parse_region(args.assume)
    return Pair(game, agents, args.timeout, not args.no_tie_randomization, region)


def _progress(enabled: bool, label: str):
    if not enabled:
        return None
    start = time.perf_counter()

    def show(count):
        sys.stderr.write(f"\r{label}: {count} ... {time.perf_counter() - start:.1f}s")
        sys.stderr.flush()
    return show


def _end_progress(enabled: bool):
    if enabled:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def _interactive(args) -> bool:
    return not args.json and sys.stderr.isatty()


# ----------------------------------------------------------------- commands


def cmd_solve(args) -> int:
    pair = _pair(args)
    live = _interactive(args)
    result = pair.solve(find_all=args.all, limit=args.limit, bounds=args.bounds,
                        progress=_progress(live, "solver steps"), method=args.method)
    _end_progress(live)
    if args.certificate:
        cert = pair.certificate(result, farkas_seconds=args.farkas_seconds)
        write_atomically(args.certificate, json.dumps(cert, indent=1) + "\n")
    if args.json:
        print(json.dumps(result.to_json(args.decimals), indent=2))
        return EXIT_OK
    count = len(result.fixed_points)
    state = ("complete" if result.complete else "not complete") + \
        ("; a continuum" if result.continuum else "")
    region = "" if result.assumptions is None else f" for {result.assumptions}"
    print(f"{' vs '.join(result.agents)} on {result.game}{region}: {count} fixed point"
          f"{'s' if count != 1 else ''} ({state})")
    for i, point in enumerate(result.fixed_points, 1):
        print(f"  {i}. {point.describe(pair.game, args.decimals)}")
    for i, (xs, ys) in enumerate(result.components if result.continuum else (), 1):
        hull = " x ".join("conv{" + ", ".join("(" + ", ".join(fmt(p, args.decimals) for p in s)
                                              + ")" for s in side) + "}" for side in (xs, ys))
        print(f"  component {i}: {hull}")
    for label, low, high in result.bounds:
        print(f"  {label} over all fixed points: {_end(low, args.decimals)} .. "
              f"{_end(high, args.decimals)}")
    print(f"  note: {result.note}")
    _print_readings(pair)
    return EXIT_OK


def _print_readings(pair) -> None:
    """One line naming each agent's reading, for agents that take reading keys."""
    shown = [f"agent {i + 1}: " + ",".join(f"{k}={v}" for k, v in r.items())
             for i, r in enumerate(pair.readings) if r]
    if shown:
        print(f"  readings: {'; '.join(shown)} (ties: {pair.ties})")


def _end(optimum, decimals) -> str:
    """One end of a range: exact value, open if not attained, or a bracket."""
    if optimum.value is None:
        return f"unknown in [{fmt(optimum.proven, decimals)}, {fmt(optimum.found, decimals)}]"
    text = fmt(optimum.value, decimals)
    return text if optimum.attained else f"{text} (not attained)"


def cmd_bound(args) -> int:
    pair = _pair(args)
    objective = parse_objective(args.objective, pair.game)
    if args.value is not None:
        return _bound_formula(args, pair, objective)
    live = _interactive(args)
    optimum = pair.optimize(objective, args.sense, progress=_progress(live, "solver steps"))
    _end_progress(live)
    if args.json:
        print(json.dumps({"objective": args.objective, **optimum.to_json(args.decimals),
                          "readings": list(pair.readings), "ties": pair.ties}, indent=2))
        return EXIT_OK if optimum.value is not None else EXIT_UNKNOWN
    if optimum.value is None:
        print(f"unknown: {args.sense} of {args.objective} lies in "
              f"[{fmt(optimum.proven, args.decimals)}, {fmt(optimum.found, args.decimals)}]")
        print(f"  note: {optimum.note}")
        return EXIT_UNKNOWN
    kind = args.sense if optimum.attained else {"min": "inf", "max": "sup"}[args.sense]
    where = "the fixed points" if pair.region is None else \
        f"all parameters in {pair.region.text} and all their fixed points together " \
        f"(--value checks a formula in the parameters)"
    print(f"{kind} of {args.objective} over {where} = {fmt(optimum.value)}"
          + ("" if args.decimals is None else f" ~ {fmt(optimum.value, args.decimals)}"))
    if optimum.point is not None:
        label = "attained at" if optimum.attained else "approached by, e.g."
        print(f"  {label} {optimum.point.describe(pair.game, args.decimals)}")
    print(f"  note: {optimum.note}")
    _print_readings(pair)
    return EXIT_OK


def _bound_formula(args, pair, objective) -> int:
    """Check a claimed extreme given as a formula in the parameters, for the whole region."""
    from ..decision.parametric import parse_value
    if pair.region is None:
        raise UsageError("--value checks a formula in parameters: use symbolic agents")
    found = pair.certify_formula(objective, args.sense, parse_value(args.value))
    if args.json:
        print(json.dumps({"objective": args.objective, "assumptions": pair.region.text,
                          **found.to_json(args.decimals), "readings": list(pair.readings),
                          "ties": pair.ties}, indent=2))
    elif not found.is_bound:
        print(f"not a bound: a fixed point lies beyond {found.formula}: "
              f"{found.beyond.describe(pair.game, args.decimals)}")
    else:
        state = {True: "attained for every parameter (a fixed point written in the "
                       "parameters, proven)",
                 False: "never attained: a bound, not the extreme",
                 None: "a proven bound; attained only where found: "
                       + (found.point.describe(pair.game, args.decimals)
                          if found.point else "")}[found.attained]
        print(f"{args.sense} of {args.objective} for {pair.region.text}: {found.formula}")
        print(f"  {state}")
    if not found.is_bound or found.attained is False:
        return EXIT_MISMATCH
    return EXIT_OK if found.attained else EXIT_UNKNOWN


def cmd_check_point(args) -> int:
    pair = _pair(args)
    profile = parse_profile(args.profile, pair.game)
    check = pair.check_profile(profile)
    if args.json:
        print(json.dumps(check.to_json(pair.game, args.decimals)
                         | {"readings": list(pair.readings), "ties": pair.ties}, indent=2))
        return EXIT_OK if check.fixed_point else EXIT_MISMATCH
    if check.fixed_point is not None:
        print(f"fixed point: {check.fixed_point.describe(pair.game, args.decimals)}")
        return EXIT_OK
    print("not a fixed point")
    for seat in (0, 1):
        verdict = "cannot produce its strategy" if seat in check.failing else "can produce it"
        print(f"  player {seat + 1} ({pair.specs[seat]}): {verdict}")
        ranges = check.producible[seat]
        if ranges is None:
            print("    its producible outputs: unknown (solver gave up)")
            continue
        for action, (low, high, low_in, high_in) in zip(pair.game.actions[seat], ranges):
            print(f"    P({action}) over its outputs: {'[' if low_in else '('}"
                  f"{fmt(low, args.decimals)}, {fmt(high, args.decimals)}"
                  f"{']' if high_in else ')'}")
    return EXIT_MISMATCH


def cmd_game(args) -> int:
    game = load_game(args.game, rationalize=args.rationalize)
    if args.nfg:
        from ..model.gambit import nfg_text
        write_atomically(args.nfg, nfg_text(game))
    if args.json:
        print(json.dumps(game.to_json(), indent=2))
        return EXIT_OK
    print(f"{game.name}: {len(game.actions[0])}x{len(game.actions[1])}")
    for i, a in enumerate(game.actions[0]):
        cells = [f"{b}: ({fmt(game.payoffs[0][i][j])}, {fmt(game.payoffs[1][i][j])})"
                 for j, b in enumerate(game.actions[1])]
        print(f"  {a} | " + "  ".join(cells))
    return EXIT_OK


def cmd_smtlib(args) -> int:
    pair = _pair(args)
    system = pair.system
    readings = "; ".join(f"agent {i + 1}: " + (",".join(f"{k}={v}" for k, v in r.items())
                                                 or "no reading keys")
                         for i, r in enumerate(pair.readings))
    print(smtlib(system.constraints, (
        f"fixed points of {pair.specs[0]} (player 1) vs {pair.specs[1]} (player 2) "
        f"on {pair.game.name}",
        f"readings: {readings}; ties: {pair.ties} (q<j> = the tie probability of query j)",
        "s<i>_<k> = probability that player i+1 plays action k",
        "(the last action's probability is 1 minus the others)")), end="")
    return EXIT_OK


def cmd_prove(args) -> int:
    from ..claims.claims import (ClaimResult, ProveTask, failed_result, load_claims, prove_task,
                         store_result, stored_result)
    from .findings import render
    claims = load_claims(args.paths)
    if args.only:
        wanted = set(args.only.split(","))
        claims = [c for c in claims if c.id in wanted]
        missing = wanted - {c.id for c in claims}
        if missing:
            raise UsageError(f"no claim with id {', '.join(sorted(missing))}")
    folder = _folder(args.certificates, "--certificates")
    kept = _folder(args.results, "--results")
    if args.resume and kept is None:
        raise UsageError("--resume needs --results DIR (where the finished results are)")
    if args.reading_matrix and args.reading:
        raise UsageError("--reading-matrix runs every reading; drop --reading")
    base = DEFAULT.with_keys(args.reading or {})
    # (claim, reading) runs: the given reading, or every reading that can matter for each claim
    runs = [(c, r) for c in claims for r in (c.readings() if args.reading_matrix else [base])]
    stored = {(c.id, r): stored_result(kept, c, r) for c, r in runs} if args.resume else {}
    todo = [(c, r) for c, r in runs if stored.get((c.id, r)) is None]
    paths = tuple(str(Path(p).resolve()) for p in args.paths)
    if args.claim_seconds is not None and args.claim_seconds <= 0:
        raise UsageError("--claim-seconds must be positive")
    tasks = [ProveTask(paths, c.id, args.timeout,
                       None if folder is None else str(folder.resolve()), args.farkas_seconds,
                       r.text, args.claim_seconds) for c, r in todo]

    def keep(k, result):
        if kept is not None and isinstance(result, ClaimResult):
            store_result(kept, todo[k][0], result, todo[k][1])

    fresh = run_jobs(prove_task, tasks, args.jobs, args.scheduler, "claims",
                     show=None if not args.json else False, on_result=keep)
    decided = {(c.id, r): (failed_result(c, res.reason, r) if isinstance(res, JobFailure)
                           else res) for (c, r), res in zip(todo, fresh)}
    results = [decided.get((c.id, r)) or stored[(c.id, r)] for c, r in runs]
    if args.json:
        print(json.dumps([r.to_json(args.decimals) for r in results], indent=2))
    else:
        _print_table(results, args.decimals)
    if args.findings:
        write_atomically(args.findings, render(results, None if args.reading_matrix else base))
    return EXIT_OK if all(r.as_expected for r in results) else EXIT_MISMATCH


def _folder(name, option: str):
    if name is None:
        return None
    folder = Path(name)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {name}: not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _OutOfTime(Exception):
    """A certificate's check ran past --time-limit."""


def _limit_memory(megabytes: int):
    """Cap this process's address space while it checks untrusted data; returns a
    function that restores the previous limit."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _solver_agreement(text: str, seconds: float) -> dict:
    """Z3 and Yices on SMT-LIB text (verifier.evidence.prove_unsat.solver_agreement),
    imported when solver-agreed evidence is first met: the rest is checked without Z3."""
    from ..evidence.prove_unsat import solver_agreement
    return solver_agreement(text, seconds)


def cmd_check(args) -> int:
    import signal

    from ..checker.check import Report, check
    from ..checker.format import MAX_BYTES
    redecide = None if args.no_solvers else _solver_agreement
    if args.time_limit <= 0 or args.memory_limit <= 0:
        raise UsageError("--time-limit and --memory-limit must be positive")
    restore = _limit_memory(args.memory_limit)

    def out_of_time(signum, frame):
        raise _OutOfTime()
    previous = signal.signal(signal.SIGALRM, out_of_time)
    reports = []
    for name in args.certificates:
        path = Path(name)
        signal.alarm(max(1, int(args.time_limit)))
        try:
            if path.stat().st_size > MAX_BYTES:
                report = Report(False, "?", "?", name, (), f"larger than {MAX_BYTES} bytes")
            else:
                report = check(json.loads(path.read_text()), redecide)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            report = Report(False, "?", "?", name, (), f"cannot read: {type(err).__name__}: {err}")
        except _OutOfTime:
            report = Report(False, "?", "?", name, (), f"took longer than --time-limit "
                                                        f"{args.time_limit:g} s")
        except MemoryError:
            report = Report(False, "?", "?", name, (), f"needed more than --memory-limit "
                                                        f"{args.memory_limit} MiB")
        finally:
            signal.alarm(0)
        reports.append((name, report))
        if not args.json:
            print(f"{name}: {report.line()}")
    signal.signal(signal.SIGALRM, previous)
    restore()
    if args.json:
        print(json.dumps([{"file": n} | r.to_json() for n, r in reports], indent=2))
    else:
        bad = sum(not r.ok for _, r in reports)
        print(f"{len(reports)} certificates: {len(reports) - bad} re-verified, {bad} failed")
    return EXIT_OK if all(r.ok for _, r in reports) else EXIT_MISMATCH


def _print_table(results, decimals) -> None:
    rows = [("id", "game", "verdict", "expected", "time", "statement / evidence")]
    for r in results:
        mark = "" if r.as_expected else "  <-- differs"
        label = r.id + (f" [{r.reading}]" if r.reading else "")
        rows.append((label, r.game, r.verdict, r.expected, f"{r.seconds:.2f}s",
                     r.statement + mark))
        rows.append(("", "", "", "", "", "  formal: " + r.formal))
        evidence = r.summary(decimals)
        if evidence:
            rows.append(("", "", "", "", "", "  " + evidence))
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[5])
    differ = sum(not r.as_expected for r in results)
    print(f"\n{len(results)} verdicts: {len(results) - differ} as expected, {differ} differ")


def cmd_tournament(args) -> int:
    from .tournament import default_roster, run_tournament
    _check_picture("--heatmap", args.heatmap)
    game = load_game(args.game, args.rationalize)
    roster = _specs(args, args.agents or default_roster(game))
    result = run_tournament(game, roster, args.timeout, args.jobs, args.scheduler,
                            show=None if not (args.json or args.csv) else False)
    if args.heatmap:
        result.heatmap(args.heatmap)
    errors = "".join(f"\n  {c.row} vs {c.column}: {c.note}" for c in result.cells
                     if c.kind == "error")
    _print_rows(args, result, f"{game.name}: the row agent's payoff over all fixed points "
                              f"(x: unique; {{x, y}}: the finite set; [a, b]: a range with "
                              f"exact ends, ( ) when not attained)\n"
                              + result.table(args.decimals) + errors)
    return EXIT_OK


def _print_rows(args, result, text: str) -> None:
    """A tournament or sweep as --json, --csv, or the given text."""
    if args.json:
        print(json.dumps(result.to_json(args.decimals), indent=2))
    elif args.csv:
        sys.stdout.write(result.to_csv(args.decimals))
    else:
        print(text)


def _check_picture(option: str, path: str | None) -> None:
    """Refuse a picture file we cannot write before any work is done."""
    if path is not None and Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"{option}: the picture is a .png, .svg or .pdf file")


def cmd_plot(args) -> int:
    from .plotting import describe, plot, split_pair
    game = load_game(args.game, args.rationalize)
    pairs = []
    if args.agents:
        if len(args.agents) != 2:
            raise UsageError("plot takes two agents (or none, and --pair A,B)")
        pairs.append(tuple(_specs(args, args.agents)))
    for text in args.pair or []:
        try:
            pairs.append(tuple(_specs(args, split_pair(text))))
        except ValueError as err:
            raise UsageError(str(err)) from None
    for spec in (s for p in pairs for s in p):
        parse_agent(spec)
    _check_picture("-o", args.output)
    pictures = plot(game, pairs, args.output, args.grid, args.bounds, args.timeout, args.title)
    for line in describe(pictures):
        print(line)
    print(f"wrote {args.output}")
    return EXIT_OK


def cmd_sweep(args) -> int:
    from .sweep import parse_grid, run_sweep
    _check_picture("--plot", args.plot)
    game = load_game(args.game, args.rationalize)
    grids = [parse_grid(g) for g in args.grid]
    objective = None if args.objective is None else parse_objective(args.objective, game)
    result = run_sweep(game, tuple(_specs(args, (args.agent1, args.agent2))), grids, objective,
                       args.objective, args.sense, args.timeout, args.jobs, args.scheduler,
                       show=None if not (args.json or args.csv) else False)
    if args.plot:
        result.plot(args.plot)
    _print_rows(args, result, result.table(args.decimals))
    return EXIT_OK


def cmd_list(args) -> int:
    print("agents: " + ", ".join(LIBRARY))
    print("games:  " + ", ".join(BUILTIN_GAMES))
    return EXIT_OK


# ------------------------------------------------------------------- main


MAX_SECONDS = 1e6  # about 11.6 days: the longest time limit an option takes


def seconds(text: str) -> float:
    """An argparse type: a finite number of seconds, 0 to MAX_SECONDS (``nan``, ``inf``
    and larger values are refused here, not deep in a solver or a pipe's poll)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= MAX_SECONDS:  # false for nan too
        raise argparse.ArgumentTypeError(f"{text} is not between 0 and {MAX_SECONDS:g} seconds")
    return value


def certify_options(p) -> None:
    p.add_argument("--farkas-seconds", type=seconds, default=5.0, metavar="SECONDS",
                   help="time to look for Farkas evidence per obligation before falling back "
                        "to solver agreement (default 5; 0 skips it)")


def rationalize_option(p) -> None:
    p.add_argument("--rationalize", action="store_true",
                   help="accept inexact float payoffs in a game file, read as their shortest "
                        "decimal")


def table_options(p, row: str) -> None:
    """The output forms of a table command (tournament, sweep)."""
    form = p.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="machine-readable output")
    form.add_argument("--csv", action="store_true", help=f"one CSV row per {row}")
    p.add_argument("--decimals", type=int, metavar="N", help="print decimals, not fractions")


def _reading_settings(text: str) -> dict:
    try:
        return parse_settings(text)
    except UsageError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def reading_option(p) -> None:
    p.add_argument("--reading", type=_reading_settings, metavar="KEY=VALUE,...",
                   help="set reading keys for every agent that takes them: directions="
                        "equal|cone, estimates=box|grid, region_test=edge|exact "
                        "(docs/semantics.md, Readings)")


def solver_options(p) -> None:
    p.add_argument("--timeout", type=seconds, default=120.0, metavar="SECONDS",
                   help="time limit of each solver query (default 120)")
    p.add_argument("--solver-memory", type=int, metavar="MIB",
                   help="memory limit of the solver (Z3) in every query and worker; a query "
                        "that needs more is reported as unknown")


def parallel_options(p) -> None:
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="run independent queries in N worker processes (results in the same "
                        "order as serially)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="run them on this Dask (dask.distributed) scheduler instead; workers "
                        "need this package and the claim files at the same paths")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is one `--help` away)."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rov", description="Exact verifier for agents that reason with a reflective oracle.")
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p, pair=True):
        if pair:
            p.add_argument("agent1", help='agent spec, e.g. "nicerbot(eps=1/10)"')
            p.add_argument("agent2", help="agent spec for player 2")
            p.add_argument("--game", required=True,
                           help="built-in game name, JSON game file or Gambit .nfg/.efg file")
            rationalize_option(p)
            p.add_argument("--no-tie-randomization", action="store_true",
                           help="the oracle answers each query the same way every time")
            p.add_argument("--assume", metavar="REGION",
                           help='parameter region for agents with symbolic parameters, e.g. '
                                '"0 < d <= e/100, e <= 1/10" (default: what the agents need)')
        p.add_argument("--json", action="store_true", help="machine-readable output")
        p.add_argument("--decimals", type=int, default=None, metavar="N",
                       help="print numbers as decimals with N digits (exact by default)")
        reading_option(p)
        solver_options(p)

    p = sub.add_parser("solve", help="find a fixed point, or all of them")
    common(p)
    p.add_argument("--all", action="store_true", help="enumerate every fixed point")
    p.add_argument("--method", choices=("auto", "enumeration", "smt"), default="auto",
                   help="auto: Nash-equilibrium enumeration for two best-response agents, Z3 "
                        "otherwise; or force one")
    p.add_argument("--limit", type=int, default=50, help="stop enumerating after N points")
    p.add_argument("--bounds", action="store_true",
                   help="describe a continuum by exact ranges of P(first action) and payoffs")
    p.add_argument("--certificate", metavar="FILE.json",
                   help="write a certificate of the fixed points found (and of completeness)")
    certify_options(p)
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("bound", help="exact min or max of an objective over the fixed points")
    common(p)
    p.add_argument("--objective", default="u1",
                   help="polynomial in u1, u2, p1(ACTION), p2(ACTION) (default u1)")
    p.add_argument("--sense", choices=("min", "max"), default="min")
    p.add_argument("--value", metavar="FORMULA",
                   help='with symbolic agents: check this formula as the exact extreme for '
                        'the whole region, e.g. "3*d*(10 + 3*d)/(4 + 6*d)" or '
                        '"root(a*x^2 + b*x + c, smaller)"')
    p.set_defaults(func=cmd_bound)

    p = sub.add_parser("prove", help="run claim files and compare verdicts with expectations")
    p.add_argument("paths", nargs="+", help="claim files or folders")
    p.add_argument("--only", help="comma-separated claim ids to run")
    p.add_argument("--findings", metavar="FILE.md",
                   help="also write the findings page generated from the results")
    p.add_argument("--certificates", metavar="DIR",
                   help="write one certificate per claim into DIR (CLAIM-ID.json)")
    p.add_argument("--results", metavar="DIR",
                   help="write each claim's result into DIR as soon as it is decided "
                        "(CLAIM-ID.result.json, atomically)")
    p.add_argument("--resume", action="store_true",
                   help="with --results: skip the claims whose result is already there "
                        "(and whose claim is unchanged)")
    p.add_argument("--claim-seconds", type=seconds, metavar="SECONDS",
                   help="wall-clock limit of one claim (a forked process, stopped when it runs "
                        "past; the claim is then unknown); bounds solvers that ignore --timeout")
    p.add_argument("--reading-matrix", action="store_true",
                   help="decide each claim under every reading that can change its verdict "
                        "(the findings page then opens with the reading matrix)")
    certify_options(p)
    parallel_options(p)
    common(p, pair=False)
    p.set_defaults(func=cmd_prove)

    p = sub.add_parser("plot", help="draw the payoff plane and the fixed points of pairs")
    p.add_argument("agents", nargs="*", help="two agent specs (or use --pair)")
    p.add_argument("--pair", action="append", metavar="A,B",
                   help="another pair on the same figure (repeatable)")
    p.add_argument("--game", required=True, help="built-in game, JSON or Gambit file")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png|svg|pdf")
    p.add_argument("--grid", type=int, default=20, metavar="N",
                   help="for a continuum, look for a fixed point at each P = k/N (default 20)")
    p.add_argument("--bounds", action="store_true",
                   help="also draw the certified payoff ranges over all fixed points")
    p.add_argument("--title", help="the figure's title")
    rationalize_option(p)
    reading_option(p)
    solver_options(p)
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("sweep", help="solve, or an exact optimum, over a grid of parameters")
    p.add_argument("agent1", help='an agent spec with symbols, e.g. "nelp(eps=e,delta=d)"')
    p.add_argument("agent2")
    p.add_argument("--game", required=True, help="built-in game, JSON or Gambit file")
    p.add_argument("--grid", action="append", required=True, metavar="NAME=V1,V2,...",
                   help="exact values of one parameter (repeat for each parameter)")
    p.add_argument("--objective", metavar="EXPR",
                   help="optimise this over the fixed points at each point, e.g. u1 or p1(C)")
    p.add_argument("--sense", choices=("min", "max"), default="min")
    p.add_argument("--plot", metavar="FILE.png", help="also draw the values (png, svg, pdf)")
    table_options(p, "grid point")
    rationalize_option(p)
    reading_option(p)
    solver_options(p)
    parallel_options(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("tournament", help="every ordered pair of a roster: fixed-point outcomes")
    p.add_argument("agents", nargs="*", help="agent specs (default: the whole library)")
    p.add_argument("--game", required=True, help="built-in game, JSON or Gambit file")
    rationalize_option(p)
    table_options(p, "ordered pair")
    p.add_argument("--heatmap", metavar="FILE.png", help="also draw a heatmap (png, svg, pdf)")
    reading_option(p)
    solver_options(p)
    parallel_options(p)
    p.set_defaults(func=cmd_tournament)

    p = sub.add_parser("check", help="re-verify certificates without trusting the solver path")
    p.add_argument("certificates", nargs="+", metavar="CERT.json")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--no-solvers", action="store_true",
                   help="never run a solver: solver-agreed evidence then fails to re-verify")
    p.add_argument("--time-limit", type=seconds, default=1800.0, metavar="SECONDS",
                   help="give up on a certificate after this long (a failed check)")
    p.add_argument("--memory-limit", type=int, default=8192, metavar="MIB",
                   help="address space for the whole check (default 8192 MiB)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("check-point", help="is this exact profile a fixed point?")
    common(p)
    p.add_argument("--profile", required=True, help='e.g. "1/10,9/10;1,0"')
    p.set_defaults(func=cmd_check_point)

    p = sub.add_parser("smtlib", help="print the constraint system as SMT-LIB 2")
    common(p)
    p.set_defaults(func=cmd_smtlib)

    p = sub.add_parser("game", help="show a game (built-in, JSON or Gambit .nfg/.efg), or "
                                    "write it as a Gambit .nfg file")
    p.add_argument("game", help="built-in game name, JSON game file or Gambit .nfg/.efg file")
    p.add_argument("--nfg", metavar="FILE.nfg", help="write the game as a Gambit strategic form")
    p.add_argument("--json", action="store_true", help="print the game as JSON")
    rationalize_option(p)
    p.set_defaults(func=cmd_game)

    p = sub.add_parser("list", help="list built-in agents and games")
    p.set_defaults(func=cmd_list, json=False)
    return parser


def main(argv: list | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "decimals", None) is not None and not 0 <= args.decimals <= 1000:
        parser.error("--decimals must be between 0 and 1000")
    if getattr(args, "timeout", 1) <= 0:
        parser.error("--timeout must be positive")
    if getattr(args, "solver_memory", None) is not None:
        if args.solver_memory <= 0:
            parser.error("--solver-memory must be positive")
        os.environ[SOLVER_MEMORY_VARIABLE] = str(args.solver_memory)  # workers inherit it
        from ..encoding.smt import limit_solver_memory
        limit_solver_memory(args.solver_memory)
    try:
        return args.func(args)
    except InputError as err:  # every module's bad input (errors.py)
        print(f"rov: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SolverUnknown as err:
        hint = "--solver-memory" if "memory" in str(err) else "--timeout"
        print(f"rov: unknown: the solver gave up ({err}); try a larger {hint}",
              file=sys.stderr)
        return EXIT_UNKNOWN
    except BrokenPipeError:  # the reader went away (rov ... | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except InternalError as err:  # unsoundness, solver disagreement: never a verdict
        print(f"rov: internal error, please report: {err}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("rov: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - one line, never a traceback
        if os.environ.get("ROV_DEBUG"):
            raise
        print(f"rov: internal error, please report (ROV_DEBUG=1 shows the traceback): "
              f"{type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
