"""The one renderer of the command line: every command hands its result here, as text,
JSON or CSV, with exact numbers unless ``decimals`` is given, and progress goes to stderr.

A result object renders itself as data (`to_json(decimals)`, and `to_csv(decimals)` for
tables); this module owns every human-readable text, so that one kind of value (an optimum,
a profile, a reading) reads the same in every command.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Callable

from ..errors import UsageError
from ..model import latex as tex
from ..model.numbers import fmt

Form = str  # "text", "json", "csv" or "latex"


def form_of(args) -> Form:
    """The output form a command's options ask for."""
    if getattr(args, "latex", False):
        if getattr(args, "json", False) or getattr(args, "csv", False):
            raise UsageError("--latex is one output form: drop --json or --csv")
        return "latex"
    if getattr(args, "json", False):
        return "json"
    return "csv" if getattr(args, "csv", False) else "text"


def emit(form: Form, result, decimals: int | None, text: Callable[[], str],
         extra: dict | None = None, latex: Callable[[], str] | None = None) -> None:
    """Print ``result`` in ``form``: its ``to_json(decimals)`` (with ``extra`` keys after
    it), its ``to_csv(decimals)``, the LaTeX ``latex()`` makes, or the lines ``text()``
    makes."""
    if form == "latex":
        print(latex())
    elif form == "json":
        data = result.to_json(decimals) if hasattr(result, "to_json") else result
        print(json.dumps(data | (extra or {}) if isinstance(data, dict) else data, indent=2))
    elif form == "csv":
        sys.stdout.write(result.to_csv(decimals))
    else:
        print(text())


# ------------------------------------------------------------------ progress


def progress(enabled: bool, label: str) -> Callable[[int], None] | None:
    """A callback showing a live count and the seconds elapsed on stderr (or None)."""
    if not enabled:
        return None
    start = time.perf_counter()

    def show(count):
        sys.stderr.write(f"\r{label}: {count} ... {time.perf_counter() - start:.1f}s")
        sys.stderr.flush()
    return show


def end_progress(enabled: bool) -> None:
    """Erase the progress line."""
    if enabled:
        sys.stderr.write("\r\033[K")
        sys.stderr.flush()


def interactive(args) -> bool:
    """Show progress only to a person: text output and a terminal on stderr."""
    return not args.json and sys.stderr.isatty()


# ------------------------------------------------------------------ values


def optimum_end(optimum, decimals: int | None, compact: bool = False) -> str:
    """One end of a range over the fixed points: the exact value, marked when it is not
    attained, or the bracket (low end first) when the solver left it open (``compact``, for
    table cells: ``?low..high`` and no mark)."""
    if optimum.value is None:
        low, high = (fmt(end, decimals) for end in optimum.bracket())
        return f"?{low}..{high}" if compact else f"unknown in [{low}, {high}]"
    text = fmt(optimum.value, decimals)
    return text if compact or optimum.attained else f"{text} (not attained)"


def readings_line(pair) -> str | None:
    """The line naming each agent's reading, for agents that take reading keys."""
    shown = [f"agent {i + 1}: " + ",".join(f"{k}={v}" for k, v in r.items())
             for i, r in enumerate(pair.readings) if r]
    return f"  readings: {'; '.join(shown)} (ties: {pair.ties})" if shown else None


def _with_readings(lines: list, pair) -> str:
    line = readings_line(pair)
    return "\n".join(lines + ([line] if line else []))


# ------------------------------------------------------------------ commands


def solve_text(result, pair, decimals: int | None) -> str:
    """`rov solve`: the fixed points found, a continuum's components, the ranges."""
    count = len(result.fixed_points)
    state = ("complete" if result.complete else "not complete") + \
        ("; a continuum" if result.continuum else "")
    region = "" if result.assumptions is None else f" for {result.assumptions}"
    lines = [f"{' vs '.join(result.agents)} on {result.game}{region}: {count} fixed point"
             f"{'s' if count != 1 else ''} ({state})"]
    for i, point in enumerate(result.fixed_points, 1):
        lines.append(f"  {i}. {point.describe(pair.game, decimals)}")
    for i, (xs, ys) in enumerate(result.components if result.continuum else (), 1):
        hull = " x ".join("conv{" + ", ".join("(" + ", ".join(fmt(p, decimals) for p in s)
                                              + ")" for s in side) + "}" for side in (xs, ys))
        lines.append(f"  component {i}: {hull}")
    for label, low, high in result.bounds:
        lines.append(f"  {label} over all fixed points: {optimum_end(low, decimals)} .. "
                     f"{optimum_end(high, decimals)}")
    lines.append(f"  note: {result.note}")
    return _with_readings(lines, pair)


def bound_text(optimum, pair, objective: str, sense: str, decimals: int | None) -> str:
    """`rov bound`: the exact extreme, where it is attained or approached, or the bracket."""
    if optimum.value is None:
        low, high = optimum.bracket()
        return (f"unknown: {sense} of {objective} lies in "
                f"[{fmt(low, decimals)}, {fmt(high, decimals)}]\n"
                f"  note: {optimum.note}")
    kind = sense if optimum.attained else {"min": "inf", "max": "sup"}[sense]
    where = "the fixed points" if pair.region is None else \
        f"all parameters in {pair.region.text} and all their fixed points together " \
        f"(--value checks a formula in the parameters)"
    lines = [f"{kind} of {objective} over {where} = {fmt(optimum.value)}"
             + ("" if decimals is None else f" ~ {fmt(optimum.value, decimals)}")]
    if optimum.point is not None:
        label = "attained at" if optimum.attained else "approached by, e.g."
        lines.append(f"  {label} {optimum.point.describe(pair.game, decimals)}")
    lines.append(f"  note: {optimum.note}")
    return _with_readings(lines, pair)


def formula_bound_text(found, pair, objective: str, sense: str, decimals: int | None) -> str:
    """`rov bound --value`: whether a formula in the parameters is the extreme."""
    if not found.is_bound:
        return (f"not a bound: a fixed point lies beyond {found.formula}: "
                f"{found.beyond.describe(pair.game, decimals)}")
    state = {True: "attained for every parameter (a fixed point written in the "
                   "parameters, proven)",
             False: "never attained: a bound, not the extreme",
             None: "a proven bound; attained only where found: "
                   + (found.point.describe(pair.game, decimals) if found.point else "")
             }[found.attained]
    return f"{sense} of {objective} for {pair.region.text}: {found.formula}\n  {state}"


def game_text(game) -> str:
    """`rov game`: the payoff table."""
    lines = [f"{game.name}: {len(game.actions[0])}x{len(game.actions[1])}"]
    for i, a in enumerate(game.actions[0]):
        cells = [f"{b}: ({fmt(game.payoffs[0][i][j])}, {fmt(game.payoffs[1][i][j])})"
                 for j, b in enumerate(game.actions[1])]
        lines.append(f"  {a} | " + "  ".join(cells))
    return "\n".join(lines)


def security_text(report, game, region) -> str:
    """`rov game G --assume REGION`: each player's security value on the region (its saddle
    point), or its cases, each with the region to state for it."""
    from ..decision.security import case_region  # loads Z3: not at start-up
    lines = [f"security values for {region.text}:"]
    for r in report:
        who = f"player {r.player + 1}"
        if not game.player_symbols(r.player):
            lines.append(f"  {who}: {fmt(game.security_value(r.player))}, playing "
                         f"{game.action_names(game.security_strategy(r.player), r.player)} "
                         f"(its payoffs are numbers: the linear program)")
            continue
        if r.saddle is not None:
            a, b = r.saddle
            lines.append(f"  {who}: {fmt(game.payoff(r.player, a, b))}, playing "
                         f"{game.actions[r.player][a]} (saddle point ({game.actions[r.player][a]}"
                         f", {game.actions[1 - r.player][b]}))")
            continue
        lines.append(f"  {who}: depends on the case ({len(r.cases)}); state one in --assume:")
        lines += [f"    {game.actions[r.player][c.saddle[0]]}, value {fmt(c.value)}: "
                  f"--assume \"{case_region(region, c)}\"" for c in r.cases]
        if r.covered is not True:
            lines.append("    some of the region may lie in no case (a mixed security strategy, "
                         "or several; not supported with symbols)" if r.covered is False else
                         "    whether the cases cover the region is unknown")
    return "\n".join(lines)


def claims_table(results, decimals: int | None) -> str:
    """`rov prove`: one row per verdict with its formal text and evidence, then a count."""
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
        if r.certificate:
            rows.append(("", "", "", "", "", "  " + certificate_line(r.certificate)))
    widths = [max(len(row[k]) for row in rows) for k in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[5]
             for row in rows]
    differ = sum(not r.as_expected for r in results)
    lines.append(f"\n{len(results)} verdicts: {len(results) - differ} as expected, "
                 f"{differ} differ")
    return "\n".join(lines)


def certificate_line(certificate: dict) -> str:
    """`rov prove --certificates`: where a verdict's certificate was written and its kind,
    or why none was (``certificate``: a result's ``certificate`` record)."""
    if certificate.get("path"):
        return f"certificate: {certificate['path']} ({certificate['kind']})"
    return f"no certificate ({certificate.get('note', '')})"


def check_line(name: str, report) -> str:
    """`rov check`: one certificate's line."""
    return f"{name}: {report.line()}"


def check_summary(reports: list) -> str:
    """`rov check`: how many certificates re-verified."""
    bad = sum(not r.ok for _, r in reports)
    off = sum(r.ok and not r.oracle_model for _, r in reports)
    model = f" ({off} of them with deterministic tie answers, NOT the oracle model)" \
        if off else ""
    return f"{len(reports)} certificates: {len(reports) - bad} re-verified{model}, {bad} failed"


def tournament_text(game, result, decimals: int | None) -> str:
    """`rov tournament`: the table of the row agent's payoffs, and the cells that failed."""
    errors = "".join(f"\n  {c.row} vs {c.column}: {c.note}" for c in result.cells
                     if c.kind == "error")
    return (f"{game.name}: the row agent's payoff over all fixed points "
            f"(x: unique; {{x, y}}: the finite set; [a, b]: a range with "
            f"exact ends, ( ) when not attained)\n" + result.table(decimals) + errors)


def listing_text(agents, games) -> str:
    """`rov list`: the library's agents and the built-in games."""
    return "agents: " + ", ".join(agents) + "\ngames:  " + ", ".join(games)


def solve_latex(result, pair) -> str:
    """`rov solve --latex`: the fixed points as a LaTeX list, exact (roots of quadratics
    in radicals); what the text output says besides, as LaTeX comments."""
    lines = ["% " + line for line in solve_text(result, pair, None).splitlines()[:1]]
    lines.append(r"\begin{enumerate}")
    for point in result.fixed_points:
        if point.terms:  # a fixed point written in the parameters: payoffs in them too
            import sympy
            names = {n: sympy.Symbol(n) for n in pair.symbols}  # not sympy's E, I, N, ...
            x, y = ([sympy.sympify(t.replace("^", "**"), locals=names) for t in side]
                    for side in point.terms)
            pays = [sympy.factor(sum(sympy.sympify(str(u[a][b]).replace("^", "**"),
                                                   locals=names) * x[a] * y[b]
                                     for a in range(len(x)) for b in range(len(y))))
                     for u in pair.game.payoffs]
            sides = [r"\left(" + ", ".join(sympy.latex(t) for t in side) + r"\right)"
                     for side in (x, y)]
            pay = r"\left(" + ", ".join(sympy.latex(u) for u in pays) + r"\right)"
        else:
            sides = [tex.strategy(s, pair.game.actions[i]) for i, s in enumerate(point.profile)]
            pay = r"\left(" + ", ".join(tex.number(u) for u in point.payoffs) + r"\right)"
        where = " for every parameter in the region" if point.whole_region else \
            ("" if not point.params else " at " + ", ".join(f"${n} = {tex.number(v)}$"
                                                            for n, v in point.params))
        lines.append(f"  \\item ${sides[0]}$ vs ${sides[1]}$, payoffs ${pay}${where}")
    lines.append(r"\end{enumerate}")
    lines.append(f"% note: {result.note}")
    return "\n".join(lines)


def bound_latex(optimum, pair, objective: str, sense: str) -> str:
    """`rov bound --latex`: the exact extreme as a LaTeX display (a root of a quadratic in
    radicals), or the proven bracket; the point and the note as LaTeX comments."""
    name = r"\texttt{" + tex.text(objective) + "}"
    if optimum.value is None:
        low, high = optimum.bracket()
        return (f"\\[ \\{sense} {name} \\in \\left[{tex.number(low)}, "
                f"{tex.number(high)}\\right] \\]\n% note: {optimum.note}")
    kind = sense if optimum.attained else {"min": "inf", "max": "sup"}[sense]
    over = "" if pair.region is None else \
        f" \\quad \\text{{over all parameters in {tex.text(pair.region.text)}}}"
    lines = [f"\\[ \\{kind} {name} = {tex.number(optimum.value)}{over} \\]"]
    if optimum.point is not None:
        sides = [tex.strategy(s, pair.game.actions[i])
                 for i, s in enumerate(optimum.point.profile)]
        at = "".join(f", {n} = {tex.number(v)}" for n, v in optimum.point.params)
        lines.append(("% attained at" if optimum.attained else "% approached by, e.g.")
                     + f"\n\\[ {sides[0]} \\text{{ vs }} {sides[1]}{at} \\]")
    lines.append(f"% note: {optimum.note}")
    return "\n".join(lines)


def formula_bound_latex(found, pair, objective: str, sense: str) -> str:
    """`rov bound --value --latex`: the checked formula as a LaTeX display; the verdict
    as a LaTeX comment."""
    from ..decision.results import formula_latex
    region = tex.text(pair.region.text)
    state = "" if found.is_bound and found.attained else \
        ("\\text{not a bound: } " if not found.is_bound else "\\text{not proven: } ")
    head = f"\\[ {state}\\{sense} \\texttt{{{tex.text(objective)}}} = " \
           f"{formula_latex(found.value)} \\quad \\text{{for {region}}} \\]"
    return head + "\n% " + formula_bound_text(found, pair, objective, sense, None).replace(
        "\n", "\n% ")


def claims_latex(results, standalone: bool = False) -> str:
    """`rov prove --latex` (and `--findings FILE.tex`, ``standalone``: a whole document):
    the verdicts as a LaTeX longtable, exact evidence in math mode."""
    rows = []
    for r in results:
        label = tex.text(r.id) + (f" [{tex.text(r.reading)}]" if r.reading else "")
        mark = "" if r.as_expected else r" \textbf{(differs)}"
        rows.append(f"\\texttt{{{label}}} & {r.verdict}{mark} & {r.expected} & "
                    f"{tex.text(r.formal)}. {r.evidence_latex()} \\\\ \\hline")
    differ = sum(not r.as_expected for r in results)
    table = "\n".join([r"\begin{longtable}{p{0.2\linewidth}llp{0.5\linewidth}}",
                       r"\hline claim & verdict & expected & formal claim and evidence "
                       r"\\ \hline \endhead", *rows, r"\end{longtable}",
                       f"% {len(results)} verdicts: {len(results) - differ} as expected, "
                       f"{differ} differ"])
    if not standalone:
        return table
    return "\n".join([r"\documentclass{article}", r"\usepackage{amsmath,longtable}",
                      r"\usepackage[margin=2cm]{geometry}", r"\begin{document}",
                      r"\section*{Findings: the claims catalogue, checked exactly}",
                      "Generated by \\texttt{rov prove}; exact verdicts in the oracle model "
                      "of the project's docs/semantics.md.", table, r"\end{document}"])


def formula_search_text(found, pair, objective: str, decimals: int | None) -> str:
    """`rov bound --formula`: the formula found, its verdict, and the samples it came from."""
    head = f"{found.sense} of {objective} for {pair.region.text}: " + \
        (found.formula if found.formula is not None else "no formula found")
    samples = "; ".join(", ".join(f"{n} = {fmt(v, decimals)}" for n, v in values)
                        + f": {'-' if x is None else fmt(x, decimals)}"
                        for values, x in found.samples)
    pieces = "".join(f"\n  on {region}: {formula} ({why})"
                     for region, formula, _, why in found.pieces)
    return (f"{head}\n  {found.verdict}: {found.note}{pieces}\n"
            f"  from {len(found.samples)} exact optima ({samples})")


def formula_search_latex(found, pair, objective: str) -> str:
    """`rov bound --formula --latex`: the formula found as a LaTeX display (when proven, or
    as the unproven guess), the verdict as a LaTeX comment."""
    if found.formula is None:
        return f"% no formula found: {found.note}"
    region = tex.text(pair.region.text)
    state = "" if found.verdict == "holds" else "\\text{not proven: } "
    value = found.value_latex()
    return (f"\\[ {state}\\{found.sense} \\texttt{{{tex.text(objective)}}} = "
            f"{value} \\quad \\text{{for {region}}} "
            f"\\]\n% {found.verdict}: {found.note}")
