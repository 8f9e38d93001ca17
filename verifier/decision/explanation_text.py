"""Exact text of a profile check and of an explained fixed point (`rov check-point`,
`rov explain`, and the Jupyter display of :class:`verifier.decision.results.Explanation`).

Every number is printed exactly (or with ``decimals``). An explanation's values are the
interpreter's, as :func:`verifier.decision.explain.explain` logged them; a profile that is
not a fixed point shows each player's producible outputs, which
:mod:`verifier.decision.profile_check` computes (by optimising over the constraint system,
or from the best replies of a player who may play anything), not the interpreter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model.games import Game
from ..model.numbers import compare, fmt

if TYPE_CHECKING:
    from .results import Explanation, PointCheck


def check_point_text(check: PointCheck, game: Game, agents: tuple,
                     decimals: int | None = None) -> str:
    """`rov check-point`: the fixed point, or each player's producible outputs (``agents``:
    the two agents' texts, seat 1 first)."""
    if check.fixed_point is not None:
        return f"fixed point: {check.fixed_point.describe(game, decimals)}"
    lines = ["not a fixed point"]
    for seat in (0, 1):
        verdict = "cannot produce its strategy" if seat in check.failing else "can produce it"
        lines.append(f"  player {seat + 1} ({agents[seat]}): {verdict}")
        ranges = check.producible[seat]
        if ranges is None:
            lines.append("    its producible outputs: unknown (solver gave up)")
            continue
        for action, (low, high, low_in, high_in) in zip(game.actions[seat], ranges):
            lines.append(f"    P({action}) over its outputs: {'[' if low_in else '('}"
                         f"{fmt(low, decimals)}, {fmt(high, decimals)}"
                         f"{']' if high_in else ')'}")
    return "\n".join(lines)


def explanation_text(why: Explanation, decimals: int | None = None) -> str:
    """`rov explain` and :meth:`Explanation.text`: the fixed point, the oracle's tie
    probabilities, and each run of each agent step by step (indented by depth; a condition
    under its node, then the branches); or the check's reasons when the profile is no
    fixed point."""
    head = check_point_text(why.check, why.game, why.agents, decimals)
    if not why.runs:
        return head + "\n(no fixed point: no runs)"
    lines = [head]
    if " at " in why.game.name:  # a game with symbolic payoffs, at a point
        lines.append(f"game: {why.game.name}")
    ties = [f"'{poly!r} > {fmt(t, decimals)}'{f' (machine {m})' if m else ''}: "
            f"q = {fmt(q, decimals)}" for (poly, t, m), q in why.answers.items()]
    lines.append("oracle's tie probabilities: " + ("; ".join(ties) if ties else "none needed"))
    for seat, runs in enumerate(why.runs):
        names = why.game.actions[seat]
        lines.append(f"player {seat + 1}, {why.agents[seat]}: {len(runs)} "
                     f"run{'s' if len(runs) > 1 else ''} mixing to its strategy")
        for k, run in enumerate(runs):
            head = f"  run {k + 1}, weight {fmt(run.weight, decimals)}"
            if run.estimate is not None:
                head += (f", estimates: own {_dist(run.estimate[0], names, decimals)}, "
                         f"opponent "
                         f"{_dist(run.estimate[1], why.game.actions[1 - seat], decimals)}")
            lines.append(head + f"; output {_dist(run.output, names, decimals)}")
            lines += ["    " + "  " * len(s.path) + _step_text(s, names, decimals)
                      for s in run.steps]
    return "\n".join(lines)


def _dist(values, names, decimals) -> str:
    return "(" + ", ".join(f"{a}={fmt(p, decimals)}" for a, p in zip(names, values)) + ")"


def _step_text(step, names, decimals) -> str:
    """One step: its label and its exact values."""
    d = {k: v if isinstance(v, tuple) else fmt(v, decimals) for k, v in step.details.items()}
    if step.kind == "Query":
        at = (f"at its tie: answers 1 with probability {d['tie_probability']}"
              if "tie_probability" in d else f"probability {fmt(step.value, decimals)}")
        return f"{step.label} value {d['value']} against {d['threshold']}: {at}"
    truth = "" if isinstance(step.value, list) else \
        ("true" if compare(step.value, 1) == 0 else "false")
    if step.kind == "Surely":
        return (f"{step.label}: {truth} (over the profiles within delta of the estimates: "
                f"least {d['least']}, greatest {d['greatest']})")
    if step.kind == "SurelyCone":
        gains = ", ".join("(" + ", ".join(fmt(g, decimals) for g in pair) + ")"
                          for pair in step.details["least_gains"])
        return (f"{step.label}: {truth} (least gains over the profiles within delta of the "
                f"estimates, own move and opponent's move: {gains})")
    if step.kind == "SurelyOutside":
        own, opp = (", ".join(fmt(x, decimals) for x in step.details[k])
                    for k in ("own_box", "opp_box"))
        return (f"{step.label}: {truth} (within delta of the estimates: own first action "
                f"in [{own}], opponent's in [{opp}])")
    if step.kind in ("AllOf", "AnyOf", "Negation", "Constant"):
        return f"{step.label}: probability {fmt(step.value, decimals)}"
    out = _dist(step.value, names, decimals)
    if step.kind == "If":
        p = step.details["condition"]
        branch = "then" if compare(p, 1) == 0 else "else" if compare(p, 0) == 0 else "both"
        return (f"if (the condition below holds with probability {d['condition']}): {branch}; "
                f"output {out}")
    if step.kind == "Mix":
        return f"mix: the first option with probability {d['probability']}; output {out}"
    if step.kind == "Choose":
        weights = ", ".join(fmt(w, decimals) for w in step.details["weights"])
        return f"{step.label} with weights ({weights}); output {out}"
    return f"{step.label}: {out}"
