"""Explain a fixed point: the runs of each agent that produce its strategy, step by step.

:func:`explain` asks :func:`verifier.decision.profile_check.check_profile` whether the
profile is a fixed point. For one, the witness it found (the oracle's tie probabilities
and each seat's runs, already re-checked by the interpreter) is replayed run by run in the
exact interpreter with a log (:func:`verifier.semantics.interpreter.output`), and every
node and condition the run evaluated is listed with its exact value: a query's polynomial
at the profile against its threshold, and the oracle's answer; a delta-sure comparison's
least and greatest value over the profiles within delta of the run's estimates (for the
cone reading, each gain's least value there; for a region test, the box's ranges); each
choice's weights and each node's output. The numbers are the interpreter's (written from
the definitions), not the solver's. For a profile that is not a fixed point the
explanation is the check's: which agent cannot produce its strategy there.
"""

from __future__ import annotations

from functools import cmp_to_key

from .profile_check import check_profile
from .results import Explanation, RunExplanation, Step
from ..errors import UnknownNode
from ..model.agents import (AllOf, AnyOf, Choose, Constant, If, Mix, Negation, Play,
                            PlayEstimate, Query, Surely, SurelyCone, SurelyOutside, query_key)
from ..model.numbers import compare
from ..semantics.interpreter import box_vertices, output, seat_values


def explain(problem, profile: tuple) -> Explanation:
    """The explanation of ``profile`` (two distributions of exact numbers, seat 1 first)
    for ``problem`` (a :class:`verifier.decision.fixed_points.FixedPointProblem`).

    Raises what :func:`check_profile` raises: ParameterError for agents with parameters,
    ValueError for a profile that is not a pair of distributions over the actions.
    """
    check = check_profile(problem, profile)
    if check.fixed_point is None:
        return Explanation(check, (), {}, problem.game, problem.specs)
    witness = check.fixed_point.witness
    seats = []
    for seat, (program, runs) in enumerate(zip(problem.programs, witness.runs)):
        own, opp = witness.profile[seat], witness.profile[1 - seat]
        names = (problem.game.actions[seat], problem.game.actions[1 - seat])
        explained = []
        for run in runs:
            log: dict = {}
            out = output(program, own, opp, run.observation, witness.answers, seat,
                         lambda path, item, value: log.setdefault(path, (item, value)))
            context = (program, seat, own, opp, run.observation, witness.answers, names)
            steps = tuple(_step(context, path, item, value, log)
                          for path, (item, value) in sorted(log.items(), key=_preorder))
            explained.append(RunExplanation(run.weight, run.observation.estimate, out, steps))
        seats.append(tuple(explained))
    return Explanation(check, tuple(seats), dict(witness.answers), problem.game, problem.specs)


def _preorder(entry) -> tuple:
    """A node before its condition, its condition before its children (paths are tuples
    of child indices; a condition's path ends in "c")."""
    return tuple(-1 if x == "c" else x for x in entry[0])


def _step(context, path, item, value, log) -> Step:
    program, seat, own, opp, observation, answers, names = context
    details: dict = {}
    if isinstance(item, Query):
        details["value"] = item.poly.evaluate(seat_values(own, opp))
        details["threshold"] = item.threshold
        if compare(details["value"], item.threshold) == 0:
            details["tie_probability"] = answers[query_key(item, seat)]
        machine = f" (machine {item.machine})" if item.machine else ""
        label = f"oracle{machine}: is {_text(item.poly, names)} > {item.threshold}?"
    elif isinstance(item, Surely):
        values = _over_box(item.poly, observation, program.delta)
        details["least"] = min(values, key=cmp_to_key(compare))
        details["greatest"] = max(values, key=cmp_to_key(compare))
        label = f"delta-surely {_text(item.poly, names)} {item.op} 0"
    elif isinstance(item, SurelyCone):
        details["least_gains"] = tuple(
            tuple(min(_over_box(g, observation, program.delta), key=cmp_to_key(compare))
                  for g in pair) for pair in item.gains)
        label = (f"delta-surely some rates (r_own, r_opp) >= 0 make all {len(item.gains)} "
                 f"gains r_own * (gain when it moves) + r_opp * (gain when the opponent "
                 f"moves) positive (cone directions)")
    elif isinstance(item, SurelyOutside):
        for key, estimate in (("own_box", observation.estimate[0]),
                              ("opp_box", observation.estimate[1])):
            firsts = sorted((v[0] for v in box_vertices(estimate, program.delta)),
                            key=cmp_to_key(compare))
            details[key] = (firsts[0], firsts[-1])
        label = (f"delta-surely outside the region (no profile within delta of the "
                 f"estimates has all {len(item.polys)} region polynomials >= 0)")
    elif isinstance(item, If):
        details["condition"] = log[path + ("c",)][1]
        label = "if"
    elif isinstance(item, Mix):
        details["probability"] = item.prob.evaluate(seat_values(own, opp))
        label = "mix: the first option with this probability"
    elif isinstance(item, Choose):
        details["weights"] = observation.choices[path]
        label = f"choose among {len(item.options)} options"
    elif type(item) in _LABELS:
        label = _LABELS[type(item)](item)
    else:
        raise UnknownNode(f"no explanation for the node {item!r}")
    return Step(path, type(item).__name__, label, value, details)


def _over_box(poly, observation, delta) -> list:
    """The values of ``poly`` at the vertex pairs of the profiles within ``delta`` of the
    run's estimates (its extremes there: it is affine in each strategy)."""
    return [poly.evaluate(seat_values(a, b))
            for a in box_vertices(observation.estimate[0], delta)
            for b in box_vertices(observation.estimate[1], delta)]


_LABELS = {
    Play: lambda item: "play",
    PlayEstimate: lambda item: "play the estimate of its own strategy",
    AllOf: lambda item: f"all of {len(item.conds)}",
    AnyOf: lambda item: f"any of {len(item.conds)}",
    Negation: lambda item: "not",
    Constant: lambda item: f"constant {item.value}",
}


def _text(poly, names) -> str:
    """A polynomial in the agent-relative variables, with them named by action:
    own(C) is the agent's probability of C, opp(D) its opponent's of D."""
    return repr(poly.rename(lambda v: f"{'own' if v[0] == 'self' else 'opp'}"
                                      f"({names[0 if v[0] == 'self' else 1][v[1]]})"))
