"""The ``rov`` command line: its options and parser, and `main`, which maps the exception
hierarchy (`verifier.errors`) to exit statuses. The commands are in `commands`, their output
in `render`.

Output is exact by default (fractions as "1/3", algebraic numbers as
CRootOf(...)); ``--decimals N`` prints decimals for reading, ``--json`` prints
machine-readable results. Bad input ends with a one-line error and exit
status 2; a solver that gives up is reported as unknown (status 3).
"""

from __future__ import annotations

import argparse
import os
import sys

from ..errors import (DEFAULT_RLIMIT, MAX_RLIMIT, QUERY_RLIMIT_VARIABLE, QUERY_SOLVER_VARIABLE,
                      SOLVER_MEMORY_VARIABLE, YICES_UNITS_PER_SECOND,
                      InputError, InternalError, SolverUnknown, UsageError)
from ..model.readings import parse_settings
from .commands import (EXIT_INTERNAL, EXIT_OK, EXIT_UNKNOWN, EXIT_USAGE, cmd_bound, cmd_check,
                       cmd_check_point, cmd_explain, cmd_game, cmd_list, cmd_plot, cmd_prove,
                       cmd_smtlib, cmd_solve, cmd_sweep, cmd_tournament)
from .inputs import parse_objective, parse_profile

# parse_objective and parse_profile: names of the old `verifier.cli`, kept for one version
__all__ = ["build_parser", "main", "seconds", "parse_objective", "parse_profile"]


MAX_SECONDS = 1e6  # about 11.6 days: the longest time limit an option takes
MAX_MEMORY_MIB = 1 << 30  # a pebibyte: the largest memory limit an option takes


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
                   help="time to look for Farkas evidence per obligation (default 5; 0 skips "
                        "it); then Positivstellensatz evidence is sought within "
                        "--positivstellensatz-seconds, and solver agreement is the last resort")
    p.add_argument("--positivstellensatz-seconds", type=seconds, default=None,
                   metavar="SECONDS",
                   help="time to look for Positivstellensatz evidence (with case splits) per "
                        "obligation (default: the --timeout, or 120 without one; 0 skips it)")


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
    p.add_argument("--rlimit", type=int, default=None, metavar="UNITS",
                   help=f"Z3 resource units each solver query may spend (default "
                        f"{DEFAULT_RLIMIT}, about two minutes on a 2-core machine); a count "
                        f"of Z3's steps, so Z3's verdict is the same on an idle or a busy "
                        f"machine")
    p.add_argument("--solver", choices=("portfolio", "z3"), default=None,
                   help="portfolio (default): Yices first on nonlinear queries, with one "
                        f"second of wall-clock time per {YICES_UNITS_PER_SECOND} units of "
                        f"--rlimit ({DEFAULT_RLIMIT // YICES_UNITS_PER_SECOND} s at the "
                        "default), then Z3; z3: Z3 alone, every budget in Z3's units "
                        "(docs/solving.md)")
    p.add_argument("--timeout", type=seconds, default=None, metavar="SECONDS",
                   help="wall-clock limit of each solver query, an outer bound (default: "
                        "none; --rlimit bounds every query)")
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


def whole_command_options(p) -> None:
    """``--max-seconds`` and ``--max-memory``: bounds on the whole command (`main` runs it in
    a forked child process, `verifier.decision.jobs.run_bounded`)."""
    p.add_argument("--max-seconds", type=seconds, default=None, metavar="SECONDS",
                   help="wall-clock limit of the whole command: it runs in a child process "
                        "that is killed at the limit (and its workers with it); the result "
                        "is unknown (exit status 3), with what was printed so far")
    p.add_argument("--max-memory", type=int, default=None, metavar="MIB",
                   help="address-space (virtual memory) limit in MiB of the command's "
                        "process, and of each worker process it starts; an allocation "
                        "beyond it ends the command as unknown (exit status 3)")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is one `--help` away)."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="rov", description="Exact verifier for agents that reason with a reflective oracle.")
    sub = parser.add_subparsers(dest="command", required=True)

    def latex_option(p):
        p.add_argument("--latex", action="store_true",
                       help="print the result as LaTeX (exact; roots of quadratics in radicals)")

    def common(p, pair=True, required=True):
        if pair:
            optional = {} if required else {"nargs": "?"}
            p.add_argument("agent1", help='agent spec, e.g. "nicerbot(eps=1/10)"', **optional)
            p.add_argument("agent2", help="agent spec for player 2", **optional)
            p.add_argument("--game", required=required,
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
    latex_option(p)
    certify_options(p)
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("bound", help="exact min or max of an objective over the fixed points")
    common(p)
    p.add_argument("--objective", default="u1",
                   help="polynomial in u1, u2, p1(ACTION), p2(ACTION) (default u1)")
    p.add_argument("--sense", choices=("min", "max"), default="min")
    p.add_argument("--formula", action="store_true",
                   help="with symbolic agents: find the extreme as a formula in the parameters "
                        "(from exact optima at sample points) and prove it for the region")
    latex_option(p)
    p.add_argument("--value", metavar="FORMULA",
                   help='with symbolic agents: check this formula as the exact extreme for '
                        'the whole region, e.g. "3*d*(10 + 3*d)/(4 + 6*d)" or '
                        '"root(a*x^2 + b*x + c, smaller)"')
    p.set_defaults(func=cmd_bound)

    p = sub.add_parser("prove", help="run claim files and compare verdicts with expectations")
    p.add_argument("paths", nargs="+", help="claim files or folders")
    p.add_argument("--only", help="comma-separated claim ids to run")
    p.add_argument("--findings", metavar="FILE.md",
                   help="also write the findings page generated from the results (FILE.tex: "
                        "a LaTeX document with the verdicts' table)")
    latex_option(p)
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
                        "past; the claim is then unknown), and again of writing its certificate "
                        "(stopped: no certificate); bounds solvers that ignore --timeout")
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
    p.add_argument("--formula", action="store_true",
                   help="with symbolic agents: find the extreme as a formula in the parameters "
                        "(from exact optima at sample points) and prove it for the region")
    latex_option(p)
    p.add_argument("--plot", metavar="FILE.png", help="also draw the values (png, svg, pdf)")
    table_options(p, "grid point")
    rationalize_option(p)
    reading_option(p)
    solver_options(p)
    parallel_options(p)
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("tournament", help="every ordered pair of a roster: fixed-point outcomes",
                       description="Every ordered pair of a roster: fixed-point outcomes. On a "
                       "symmetric game a pair's payoff ends are first checked directly at its "
                       "mirror pair's (the two agents in the other seats), two queries each; "
                       "an end not certified so is searched.")
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

    p = sub.add_parser("explain", help="each agent's runs at a fixed point, step by step, "
                                       "with exact numbers")
    common(p, required=False)
    p.add_argument("--profile", help='the fixed point, e.g. "9815/16384,6569/16384;0,1"')
    p.add_argument("--claim", metavar="ID",
                   help="instead of A B --game G --profile P: decide this catalogue claim "
                        "(under --reading) and explain its counterexample (or witness)")
    p.add_argument("--claims", nargs="+", default=["proofs"], metavar="PATH",
                   help="the claim files or folders --claim is looked up in (default proofs)")
    p.add_argument("--plot", metavar="FILE.png",
                   help="also draw the runs in the strategy square (two actions per player): "
                        "the fixed point, each run's estimates, its box within delta and its "
                        "output (png, svg, pdf)")
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("smtlib", help="print the constraint system as SMT-LIB 2")
    common(p)
    p.set_defaults(func=cmd_smtlib)

    p = sub.add_parser("game", help="show a game (built-in, JSON or Gambit .nfg/.efg), or "
                                    "write it as a Gambit .nfg file")
    p.add_argument("game", help="built-in game name, JSON game file or Gambit .nfg/.efg file")
    p.add_argument("--nfg", metavar="FILE.nfg", help="write the game as a Gambit strategic form")
    p.add_argument("--json", action="store_true", help="print the game as JSON")
    p.add_argument("--assume", metavar="REGION",
                   help="for symbolic payoffs: each player's security value on the region, "
                        "or its cases (docs/parameters.md, 'Symbolic payoffs')")
    rationalize_option(p)
    p.set_defaults(func=cmd_game)

    p = sub.add_parser("list", help="list built-in agents and games")
    p.set_defaults(func=cmd_list, json=False)
    for p in sub.choices.values():
        whole_command_options(p)
    return parser


def main(argv: list | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "decimals", None) is not None and not 0 <= args.decimals <= 1000:
        parser.error("--decimals must be between 0 and 1000")
    if getattr(args, "latex", False) and (getattr(args, "json", False) or
                                          getattr(args, "decimals", None) is not None):
        parser.error("--latex prints exact LaTeX: drop --json and --decimals")
    if getattr(args, "timeout", None) is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    if getattr(args, "rlimit", None) is not None:
        if not 0 < args.rlimit <= MAX_RLIMIT:
            parser.error(f"--rlimit must be between 1 and {MAX_RLIMIT} (Z3 keeps it in 32 bits)")
        os.environ[QUERY_RLIMIT_VARIABLE] = str(args.rlimit)  # workers inherit it
    if getattr(args, "solver", None) is not None:
        os.environ[QUERY_SOLVER_VARIABLE] = args.solver  # workers inherit it
    if getattr(args, "solver_memory", None) is not None:
        if args.solver_memory <= 0:
            parser.error("--solver-memory must be positive")
        os.environ[SOLVER_MEMORY_VARIABLE] = str(args.solver_memory)  # workers inherit it
        from ..encoding.smt import limit_solver_memory
        limit_solver_memory(args.solver_memory)
    if args.max_seconds is not None and args.max_seconds <= 0:
        parser.error("--max-seconds must be positive")
    if args.max_memory is not None:
        import resource
        hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        if not 0 < args.max_memory <= MAX_MEMORY_MIB:
            parser.error(f"--max-memory must be between 1 and {MAX_MEMORY_MIB} MiB")
        if hard != resource.RLIM_INFINITY and args.max_memory << 20 > hard:
            parser.error(f"--max-memory {args.max_memory} MiB is above this process's own "
                         f"limit ({hard >> 20} MiB, ulimit -v)")
    if args.max_seconds is None and args.max_memory is None:
        return _run(args)
    from ..decision.jobs import OutOfTime, ProcessDied, run_bounded
    try:
        return run_bounded(lambda: _run(args), MAX_SECONDS if args.max_seconds is None
                           else args.max_seconds, args.max_memory)
    except OutOfTime as err:
        print(f"rov: unknown: {err} (--max-seconds); the output above may be incomplete",
              file=sys.stderr)
        return EXIT_UNKNOWN
    except ProcessDied as err:
        cause = ("" if args.max_memory is None
                 else f"; out of memory? (--max-memory {args.max_memory} MiB)")
        print(f"rov: unknown: {err}{cause}", file=sys.stderr)
        return EXIT_UNKNOWN
    except KeyboardInterrupt:  # the child ignores it and is killed
        print("rov: interrupted", file=sys.stderr)
        return 130


def _run(args) -> int:
    """Run the command and map the exception hierarchy (`verifier.errors`) to exit statuses,
    each with a one-line message."""
    try:
        return args.func(args)
    except MemoryError:
        limit = (f"--max-memory {args.max_memory} MiB" if args.max_memory is not None
                 else "the machine's memory")
        print(f"rov: unknown: out of memory ({limit})", file=sys.stderr)
        return EXIT_UNKNOWN
    except InputError as err:  # every module's bad input (errors.py)
        print(f"rov: error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except SolverUnknown as err:
        hint = "--solver-memory" if "memory" in str(err) else \
            "--rlimit" if "--rlimit" in str(err) else "--timeout"
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
        if args.max_memory is not None:  # a library that fails to map memory says so its way
            first = str(err).strip().splitlines()[0] if str(err).strip() else ""
            print(f"rov: unknown: failed under --max-memory {args.max_memory} MiB, probably "
                  f"out of memory ({type(err).__name__}: {first})", file=sys.stderr)
            return EXIT_UNKNOWN
        print(f"rov: internal error, please report (ROV_DEBUG=1 shows the traceback): "
              f"{type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
