"""The commands of `rov`: each reads its arguments, runs the layers below, and hands the
result to the one renderer (`render`). Exit statuses are `EXIT_*` (docs/bad-input.md).

Solving commands import the decision layer (and so Z3) when they run, so that `rov list`,
`rov game` and `rov check` start without it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..decision.jobs import JobFailure, run_jobs, write_atomically
from ..errors import UsageError
from ..model.games import BUILTIN_GAMES, load_game
from ..model.library import LIBRARY, parse_agent, with_reading
from ..model.params import parse_region
from ..model.readings import DEFAULT
from ..encoding.smtlib import smtlib
from ..model.poly import atom_text
from ..decision.explanation_text import check_point_text
from .inputs import parse_objective, parse_profile
from .render import (security_text, bound_latex, bound_text, check_line, check_summary,
                     claims_latex, claims_table, emit, end_progress, form_of,
                     formula_bound_latex, formula_bound_text, formula_search_latex,
                     formula_search_text, game_text, interactive, listing_text, progress,
                     solve_latex, solve_text, tournament_text)
from .sandbox import CheckTimeLimit, memory_cap, time_limit

EXIT_OK, EXIT_MISMATCH, EXIT_USAGE, EXIT_UNKNOWN, EXIT_INTERNAL = 0, 1, 2, 3, 4


def agent_specs(args, specs) -> list:
    """The agent specs with ``--reading`` applied (agents that take no key unchanged)."""
    settings = getattr(args, "reading", None) or {}
    return [with_reading(spec, settings) for spec in specs]


def pair_of(args):
    """The `Pair` of a command's two agents, game, region and solver options."""
    from ..decision.solver import Pair
    game = load_game(args.game, rationalize=getattr(args, "rationalize", False))
    agents = tuple(parse_agent(spec) for spec in agent_specs(args, (args.agent1, args.agent2)))
    region = None if args.assume is None else parse_region(args.assume)
    return Pair(game, agents, args.timeout, not args.no_tie_randomization, region)


def _tagged(pair) -> dict:
    """The keys every solving command's JSON ends with: the readings and the tie model."""
    return {"readings": list(pair.readings), "ties": pair.ties}


def _pair_or_cases(args, command):
    """The command's Pair; or, when the region fixes no security value an agent reads
    (symbolic payoffs), the exit status of ``command`` run once per case of the split
    (verifier.decision.security.case_regions), each printed under a line naming its region
    (JSON: ``{"cases": [{"assume", "cases", "result"}], "boundaries": ...}``): the worst
    of the cases' statuses, a mismatch before an unknown."""
    from ..model.agents import AgentError
    try:
        return pair_of(args)
    except AgentError:  # perhaps a security value that depends on the case
        if args.assume is None:
            raise
        game = load_game(args.game, rationalize=getattr(args, "rationalize", False))
        if not game.symbols:
            raise
        from ..decision.security import reader_cases
        from ..encoding.smt import Z3Queries
        agents = tuple(parse_agent(spec) for spec in agent_specs(args, (args.agent1,
                                                                        args.agent2)))
        regions = reader_cases(game, agents, parse_region(args.assume), Z3Queries())
        if not regions:
            raise
    if getattr(args, "certificate", None):
        raise UsageError("the region needs a case split (its security value depends on the "
                         "case): give one case's region to write a certificate (`rov game "
                         "GAME --assume REGION` lists them)")
    import contextlib
    import io
    form, outputs, codes = form_of(args), [], []
    mark = "% " if form == "latex" else ""
    for n, (text, cases) in enumerate(regions, 1):
        case = argparse.Namespace(**(vars(args) | {"assume": text}))
        if form != "json":  # printed as each case ends: a time limit keeps what finished
            print(f"{mark}case {n} of {len(regions)}: --assume \"{text}\" ("
                  + "; ".join(c.text(game) for c in cases) + ")", flush=True)
            codes.append(command(case))
            continue
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            codes.append(command(case))
        outputs.append((text, cases, buffer.getvalue()))
    from ..decision.security import BOUNDARIES as boundaries
    if form == "json":
        print(json.dumps({"cases": [
            {"assume": text, "cases": [c.text(game) for c in cases], "result": json.loads(out)}
            for text, cases, out in outputs], "boundaries": boundaries}, indent=2))
    else:
        print(f"{mark}not covered: {boundaries}")
    bad = [c for c in codes if c != EXIT_OK]
    return max(bad, key=lambda c: (c == EXIT_MISMATCH, c)) if bad else EXIT_OK


def cmd_solve(args) -> int:
    """`rov solve`: a fixed point, or all of them, optionally with a certificate. A region
    that splits into cases is run once per case (:func:`_pair_or_cases`)."""
    pair = _pair_or_cases(args, cmd_solve)
    if isinstance(pair, int):
        return pair
    live = interactive(args)
    result = pair.solve(find_all=args.all, limit=args.limit, bounds=args.bounds,
                        progress=progress(live, "solver steps"), method=args.method)
    end_progress(live)
    if args.certificate:
        cert = pair.certificate(result, farkas_seconds=args.farkas_seconds,
                                positivstellensatz_seconds=args.positivstellensatz_seconds)
        write_atomically(args.certificate, json.dumps(cert, indent=1) + "\n")
    emit(form_of(args), result, args.decimals, lambda: solve_text(result, pair, args.decimals),
         latex=lambda: solve_latex(result, pair))
    return EXIT_OK


def cmd_bound(args) -> int:
    """`rov bound`: the exact min or max of an objective over the fixed points. A region
    that splits into cases is run once per case (:func:`_pair_or_cases`)."""
    pair = _pair_or_cases(args, cmd_bound)
    if isinstance(pair, int):
        return pair
    objective = parse_objective(args.objective, pair.game)
    if args.value is not None and args.formula:
        raise UsageError("--formula finds the formula that --value checks: give one of them")
    if args.value is not None:
        return _bound_formula(args, pair, objective)
    if args.formula:
        return _find_formula(args, pair, objective)
    live = interactive(args)
    optimum = pair.optimize(objective, args.sense, progress=progress(live, "solver steps"))
    end_progress(live)
    region = {} if pair.region is None else {"assumptions": pair.region.text}
    emit(form_of(args), {"objective": args.objective, **region, **optimum.to_json(args.decimals),
                         **_tagged(pair)}, args.decimals,
         lambda: bound_text(optimum, pair, args.objective, args.sense, args.decimals),
         latex=lambda: bound_latex(optimum, pair, args.objective, args.sense))
    return EXIT_OK if optimum.value is not None else EXIT_UNKNOWN


def _bound_formula(args, pair, objective) -> int:
    """Check a claimed extreme given as a formula in the parameters, for the whole region."""
    from ..decision.parametric import parse_value
    if pair.region is None:
        raise UsageError("--value checks a formula in parameters: use symbolic agents")
    found = pair.certify_formula(objective, args.sense, parse_value(args.value))
    emit(form_of(args), {"objective": args.objective, "assumptions": pair.region.text,
                         **found.to_json(args.decimals), **_tagged(pair)}, args.decimals,
         lambda: formula_bound_text(found, pair, args.objective, args.sense, args.decimals),
         latex=lambda: formula_bound_latex(found, pair, args.objective, args.sense))
    if not found.is_bound or found.attained is False:
        return EXIT_MISMATCH
    return EXIT_OK if found.attained else EXIT_UNKNOWN


def _find_formula(args, pair, objective) -> int:
    """Find the extreme as a formula in the parameters and prove it for the whole region."""
    if pair.region is None:
        raise UsageError("--formula finds a formula in parameters: use symbolic agents")
    live = interactive(args)
    found = pair.find_formula(objective, args.sense, progress=progress(live, "exact optima"))
    end_progress(live)
    emit(form_of(args), {"objective": args.objective, "assumptions": pair.region.text,
                         **found.to_json(args.decimals), **_tagged(pair)}, args.decimals,
         lambda: formula_search_text(found, pair, args.objective, args.decimals),
         latex=lambda: formula_search_latex(found, pair, args.objective))
    return EXIT_OK if found.verdict == "holds" else EXIT_UNKNOWN


def _concrete_pair(args) -> tuple:
    """The command's Pair, instantiated at the values its region pins (``--assume "S =
    1/2"``) when they give every parameter one (a profile is checked at concrete values),
    and those values ({} when none are used)."""
    pair = pair_of(args)
    values = pair.region.pinned() if pair.symbols and pair.region is not None else {}
    if pair.symbols and set(pair.symbols) <= set(values):
        return _instantiated(pair, values), {n: values[n] for n in pair.symbols}
    return pair, {}


def _pinned_json(values: dict) -> dict:
    """The JSON key that records the parameter values a pinning region gave."""
    return {"parameters": {n: str(v) for n, v in values.items()}} if values else {}


def _pinned_text(text: str, values: dict) -> str:
    """A command's text output, with the parameter values a pinning region gave."""
    at = ", ".join(f"{n} = {v}" for n, v in values.items())
    return text + (f"\nat {at} (the values --assume pins)" if values else "")


def _instantiated(pair, values: dict):
    """``pair``'s game and agents at the parameter ``values`` (every one of its symbols)."""
    from ..decision.solver import Pair
    return Pair(pair.game.at(values), tuple(parse_agent(spec, values) for spec in pair.specs),
                pair.queries.timeout, pair.tie_randomization)


def cmd_check_point(args) -> int:
    """`rov check-point`: is this exact profile a fixed point?"""
    pair, values = _concrete_pair(args)
    check = pair.check_profile(parse_profile(args.profile, pair.game))
    emit(form_of(args), check.to_json(pair.game, args.decimals) | _tagged(pair)
         | _pinned_json(values), args.decimals,
         lambda: _pinned_text(check_point_text(check, pair.game, pair.specs, args.decimals),
                                 values))
    return EXIT_OK if check.fixed_point else EXIT_MISMATCH


def cmd_explain(args) -> int:
    """`rov explain`: each agent's runs at a fixed point (given, or a catalogue claim's
    counterexample or witness), step by step; or why the profile is no fixed point (exit status as
    `rov check-point`)."""
    given = [args.agent1, args.agent2, args.game, args.profile]
    _check_picture("--plot", args.plot)
    if args.claim is not None:
        if any(x is not None for x in given + [args.assume]) or args.rationalize or \
                args.no_tie_randomization:
            raise UsageError("--claim takes the agents, the game, the region, the tie model "
                             "and the profile from the claim: give either --claim ID or "
                             "A B --game G --profile P")
        pair, profile = _claim_point(args)
        values = {}
    elif any(x is None for x in given):
        raise UsageError("explain needs two agents, --game and --profile (or --claim ID)")
    else:
        pair, values = _concrete_pair(args)
        profile = parse_profile(args.profile, pair.game)
    _check_square(pair.game, args.plot)
    why = pair.explain(profile)
    emit(form_of(args), why.to_json(args.decimals) | _tagged(pair)
         | _pinned_json(values), args.decimals,
         lambda: _pinned_text(why.text(args.decimals), values))
    if args.plot and why.runs:
        from .plotting import plot_runs
        plot_runs(why, pair, args.plot)
        print(f"wrote {args.plot}", file=sys.stderr)
    elif args.plot:
        print(f"no picture written to {args.plot}: the profile is no fixed point",
              file=sys.stderr)
    return EXIT_OK if why.runs else EXIT_MISMATCH


def _check_square(game, plot: str | None) -> None:
    """Refuse ``--plot`` on a game the strategy square cannot show, before any solving."""
    if plot and (game.num_actions(0), game.num_actions(1)) != (2, 2):
        raise UsageError("--plot draws the strategy square: it needs two actions per player")


def _claim_point(args) -> tuple:
    """The pair of the claim ``--claim`` (from the claim files ``--claims``) under
    ``--reading``, and the fixed point its verdict rests on, found by deciding it now: its
    counterexample, or its witness (a claim that some fixed point exists)."""
    from ..claims import load_claims
    found = [c for c in load_claims(args.claims) if c.id == args.claim]
    if not found:
        raise UsageError(f"no claim with id {args.claim} in {', '.join(args.claims)}")
    reading = DEFAULT.with_keys(args.reading or {})
    _check_square(found[0].resolve(reading)[0], args.plot)
    result = found[0].run(args.timeout, reading=reading)
    key = next((k for k in ("counterexample", "witness") if k in result.detail), None)
    if key is None:
        raise UsageError(f"{args.claim}: verdict {result.verdict}, no counterexample or "
                         f"witness to explain")
    point = result.detail[key]
    pair = found[0].pair(args.timeout, reading)
    if point.params:  # a counterexample at parameter values: the agents instantiated there
        pair = _instantiated(pair, dict(point.params))
    return pair, point.profile


def cmd_game(args) -> int:
    """`rov game`: show a game, or write it as a Gambit .nfg file."""
    game = load_game(args.game, rationalize=args.rationalize)
    if args.assume is not None and not game.symbols:
        raise UsageError("--assume is for a game with symbolic payoffs")
    if args.nfg:
        _concrete(game, "rov game --nfg")
        from ..model.gambit import nfg_text
        write_atomically(args.nfg, nfg_text(game))
    if args.assume is None:
        emit(form_of(args), game.to_json(), None, lambda: game_text(game))
        return EXIT_OK
    from ..decision.security import security_report
    from ..encoding.smt import Z3Queries
    region = parse_region(args.assume)
    stray = set(region.symbols) - set(game.symbols)
    if stray:
        raise UsageError(f"the assumptions name {', '.join(sorted(stray))}, which the payoffs "
                         f"do not use (they use {', '.join(game.symbols)})")
    report = security_report(game, region, Z3Queries())
    emit(form_of(args), game.to_json() | {"assumptions": region.text, "security": [
        r.to_json(game, region) for r in report]}, None,
        lambda: game_text(game) + "\n" + security_text(report, game, region))
    return EXIT_OK


def cmd_smtlib(args) -> int:
    """`rov smtlib`: the constraint system of a pair as SMT-LIB 2."""
    pair = pair_of(args)
    readings = "; ".join(f"agent {i + 1}: " + (",".join(f"{k}={v}" for k, v in r.items())
                                                 or "no reading keys")
                         for i, r in enumerate(pair.readings))
    region = () if pair.region is None else (
        f"the parameters' region, asserted last: {pair.region.text} (it implies what the "
        f"agents need of their parameters: "
        + ", ".join(sorted({atom_text(a) for p in pair.programs for a in p.requirements}))
        + ")",)
    print(smtlib(pair.system.constraints + pair.assumptions, (
        f"fixed points of {pair.specs[0]} (player 1) vs {pair.specs[1]} (player 2) "
        f"on {pair.game.name}",
        f"readings: {readings}; ties: {pair.ties} (q<j> = the tie probability of query j)",
        "s<i>_<k> = probability that player i+1 plays action k",
        "(the last action's probability is 1 minus the others)") + region), end="")
    return EXIT_OK


def cmd_prove(args) -> int:
    """`rov prove`: decide claim files (under one reading or the reading matrix)."""
    from ..claims import (ClaimResult, ProveTask, failed_result, load_claims, prove_task,
                          store_result, stored_result)
    from .findings import render as findings_page
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
                       r.text, args.claim_seconds, args.positivstellensatz_seconds)
             for c, r in todo]

    def keep(k, result):
        if kept is not None and isinstance(result, ClaimResult):
            store_result(kept, todo[k][0], result, todo[k][1])

    fresh = run_jobs(prove_task, tasks, args.jobs, args.scheduler, "claims",
                     show=None if not args.json else False, on_result=keep)
    decided = {(c.id, r): (failed_result(c, res.reason, r) if isinstance(res, JobFailure)
                           else res) for (c, r), res in zip(todo, fresh)}
    results = [decided.get((c.id, r)) or stored[(c.id, r)] for c, r in runs]
    emit(form_of(args), [r.to_json(args.decimals) for r in results], args.decimals,
         lambda: claims_table(results, args.decimals), latex=lambda: claims_latex(results))
    if args.findings:
        write_atomically(args.findings, claims_latex(results, standalone=True)
                         if args.findings.endswith(".tex") else
                         findings_page(results, None if args.reading_matrix else base))
    return EXIT_OK if all(r.as_expected for r in results) else EXIT_MISMATCH



def _folder(name, option: str):
    """The folder an option names, created if missing; None when the option is not given."""
    if name is None:
        return None
    folder = Path(name)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{option} {name}: not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _solver_agreement(text: str, seconds: float) -> dict:
    """Z3 and Yices on SMT-LIB text (verifier.evidence.agreement.solver_agreement),
    imported when solver-agreed evidence is first met: the rest is checked without Z3."""
    from ..evidence.agreement import solver_agreement
    return solver_agreement(text, seconds)


def cmd_check(args) -> int:
    """`rov check`: re-verify certificates, each under a time limit, all under a memory cap.
    A bug of the checker on one file is reported on that file's line (exit status 4 at the
    end), and the other files are still checked."""
    from ..checker.check import Report, check
    from ..checker.format import MAX_BYTES
    redecide = None if args.no_solvers else _solver_agreement
    if args.time_limit <= 0 or args.memory_limit <= 0:
        raise UsageError("--time-limit and --memory-limit must be positive")
    reports, bugs = [], 0
    with memory_cap(args.memory_limit):
        for name in args.certificates:
            path = Path(name)
            try:
                with time_limit(args.time_limit):
                    if path.stat().st_size > MAX_BYTES:
                        report = Report(False, "?", "?", name, (),
                                        f"larger than {MAX_BYTES} bytes")
                    else:
                        report = check(json.loads(path.read_text()), redecide)
            except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
                report = Report(False, "?", "?", name, (),
                                f"cannot read: {type(err).__name__}: {err}")
            except CheckTimeLimit:
                report = Report(False, "?", "?", name, (), f"took longer than --time-limit "
                                                            f"{args.time_limit:g} s")
            except MemoryError:
                report = Report(False, "?", "?", name, (), f"needed more than --memory-limit "
                                                            f"{args.memory_limit} MiB")
            except Exception as err:  # noqa: BLE001 - a bug of the checker, never a verdict
                bugs += 1
                report = Report(False, "?", "?", name, (), f"internal error of the checker, "
                                f"please report: {type(err).__name__}: {err}")
            reports.append((name, report))
            if not args.json:
                print(check_line(name, report))
    emit(form_of(args), [{"file": n} | r.to_json() for n, r in reports], None,
         lambda: check_summary(reports))
    if bugs:
        return EXIT_INTERNAL
    return EXIT_OK if all(r.ok for _, r in reports) else EXIT_MISMATCH


def cmd_tournament(args) -> int:
    """`rov tournament`: every ordered pair of a roster, the fixed-point outcomes."""
    from .tournament import default_roster, run_tournament
    _check_picture("--heatmap", args.heatmap)
    game = load_game(args.game, args.rationalize)
    _concrete(game, "rov tournament")
    roster = agent_specs(args, args.agents or default_roster(game))
    result = run_tournament(game, roster, args.timeout, args.jobs, args.scheduler,
                            show=None if not (args.json or args.csv) else False)
    if args.heatmap:
        result.heatmap(args.heatmap)
    emit(form_of(args), result, args.decimals,
         lambda: tournament_text(game, result, args.decimals))
    return EXIT_OK


def _concrete(game, what: str) -> None:
    """Refuse a game with symbolic payoffs where a command needs numbers."""
    if game.symbols:
        raise UsageError(f"{what} needs concrete payoffs; {game.name} has symbols "
                         f"{', '.join(game.symbols)} (give numbers, e.g. pd(5,3,1,0))")


def _check_picture(option: str, path: str | None) -> None:
    """Refuse a picture file we cannot write before any work is done."""
    if path is not None and Path(path).suffix.lower() not in (".png", ".svg", ".pdf"):
        raise UsageError(f"{option}: the picture is a .png, .svg or .pdf file")
    if path is not None and not Path(path).resolve().parent.is_dir():
        raise UsageError(f"{option} {path}: no such folder")


def cmd_plot(args) -> int:
    """`rov plot`: the payoff plane with the fixed points of one or more pairs."""
    from .plotting import describe, plot, split_pair
    game = load_game(args.game, args.rationalize)
    _concrete(game, "rov plot")
    pairs = []
    if args.agents:
        if len(args.agents) != 2:
            raise UsageError("plot takes two agents (or none, and --pair A,B)")
        pairs.append(tuple(agent_specs(args, args.agents)))
    for text in args.pair or []:
        pairs.append(tuple(agent_specs(args, split_pair(text))))
    for spec in (s for p in pairs for s in p):
        parse_agent(spec)
    _check_picture("-o", args.output)
    pictures = plot(game, pairs, args.output, args.grid, args.bounds, args.timeout, args.title)
    print("\n".join([*describe(pictures), f"wrote {args.output}"]))
    return EXIT_OK


def cmd_sweep(args) -> int:
    """`rov sweep`: solve, or an exact optimum, at each point of a parameter grid."""
    from .sweep import parse_grid, run_sweep
    _check_picture("--plot", args.plot)
    game = load_game(args.game, args.rationalize)
    _concrete(game, "rov sweep")
    grids = [parse_grid(g) for g in args.grid]
    objective = None if args.objective is None else parse_objective(args.objective, game)
    result = run_sweep(game, tuple(agent_specs(args, (args.agent1, args.agent2))), grids,
                       objective, args.objective, args.sense, args.timeout, args.jobs,
                       args.scheduler, show=None if not (args.json or args.csv) else False)
    if args.plot:
        result.plot(args.plot)
    emit(form_of(args), result, args.decimals, lambda: result.table(args.decimals))
    return EXIT_OK


def cmd_list(args) -> int:
    """`rov list`: the library's agents and the built-in games."""
    print(listing_text(LIBRARY, BUILTIN_GAMES))
    return EXIT_OK
