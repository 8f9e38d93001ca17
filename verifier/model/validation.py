"""The rules a program must follow (docs/agents.md, "Rules the builder must follow"):
distributions, Mix probabilities in [0, 1], polynomials in known variables, "surely"
tests affine in each player's strategy, estimate precisions and readings. Raises
AgentError naming the program."""

from __future__ import annotations

from .agents import (AgentError, AllOf, AnyOf, Choose, Constant, If, Mix, Negation, Play,
                     PlayEstimate, Program, Query, SURELY_OPS, Surely, SurelyCone,
                     SurelyOutside)
from .params import is_symbol, symbols_of
from .poly import Poly
from .readings import KEYS


def _role_groups():
    return (lambda v: v[0] == "self", lambda v: v[0] == "opp")


def _check_poly(poly: Poly, prog: Program, what: str) -> None:
    if not isinstance(poly, Poly):
        raise AgentError(f"{prog.name}: {what} must be a polynomial, got {poly!r}")
    for v in poly.variables():
        ok = is_symbol(v) or (isinstance(v, tuple) and len(v) == 2 and v[0] in ("self", "opp")
              and isinstance(v[1], int)
              and 0 <= v[1] < (prog.n_self if v[0] == "self" else prog.n_opp))
        if not ok:
            raise AgentError(f"{prog.name}: {what} uses unknown variable {v!r}")


def _check_probability(p: Poly, prog: Program) -> None:
    """A Mix probability must lie in [0, 1]: checked exactly where that is decidable here.

    Constants directly; polynomials affine in each player's strategy at the
    pure profiles (their extremes). Others are checked by the interpreter at
    each profile it meets.
    """
    if symbols_of(p):
        return  # symbolic: the parameters' requirements bound it
    if p.is_constant():
        values = [p.constant_value()]
    elif p.is_multiaffine(_role_groups()):
        values = [p.evaluate({**{("self", k): int(k == a) for k in range(prog.n_self)},
                              **{("opp", k): int(k == b) for k in range(prog.n_opp)}})
                  for a in range(prog.n_self) for b in range(prog.n_opp)]
    else:
        return
    if any(not 0 <= v <= 1 for v in values):
        raise AgentError(f"{prog.name}: Mix probability {p} leaves [0, 1]")


def validate(prog: Program) -> None:
    """Raise AgentError unless the program is well formed."""
    if isinstance(prog.delta, Poly):
        if not all(is_symbol(v) for v in prog.delta.variables()):
            raise AgentError(f"{prog.name}: delta must be a number or an expression in "
                             f"parameters, got {prog.delta}")
    elif prog.delta is not None and not (0 < prog.delta):
        raise AgentError(f"{prog.name}: delta must be positive, got {prog.delta}")
    if not (isinstance(prog.reading, tuple) and all(
            isinstance(kv, tuple) and len(kv) == 2 and kv[0] in KEYS and kv[1] in KEYS[kv[0]]
            for kv in prog.reading)):
        raise AgentError(f"{prog.name}: reading must be ((key, value), ...) with keys "
                         f"{', '.join(KEYS)}")
    if dict(prog.reading).get("estimates", prog.estimates) != prog.estimates:
        raise AgentError(f"{prog.name}: its reading says estimates="
                         f"{dict(prog.reading)['estimates']}, its program {prog.estimates}")
    if prog.estimates not in ("box", "grid"):
        raise AgentError(f"{prog.name}: estimates must be 'box' or 'grid', got {prog.estimates!r}")
    if prog.estimates == "grid" and isinstance(prog.delta, Poly):
        raise AgentError(f"{prog.name}: estimates=grid needs a concrete delta (the grid "
                         f"n*delta/2 has unboundedly many points as delta varies)")
    if prog.estimates == "grid" and max(prog.n_self, prog.n_opp) > 2 and \
            prog.delta is not None and (2 / prog.delta).denominator != 1:
        raise AgentError(f"{prog.name}: estimates=grid with more than two actions needs 2/delta "
                         f"to be an integer (so that grid points of the simplex lie near every "
                         f"profile)")
    nodes, conds = prog.distinct()
    for node in nodes:
        if isinstance(node, Play):
            if len(node.dist) != prog.n_self or any(p < 0 for p in node.dist) \
                    or sum(node.dist) != 1:
                raise AgentError(f"{prog.name}: Play({node.dist}) is not a distribution "
                                 f"over {prog.n_self} actions")
        elif isinstance(node, Mix):
            _check_poly(node.prob, prog, "a Mix probability")
            _check_probability(node.prob, prog)
        elif isinstance(node, Choose):
            if not node.options:
                raise AgentError(f"{prog.name}: Choose needs at least one option")
        elif isinstance(node, PlayEstimate):
            if prog.delta is None:
                raise AgentError(f"{prog.name}: PlayEstimate needs an estimate precision delta")
        elif not isinstance(node, If):
            raise AgentError(f"{prog.name}: {node!r} is not an agent node")
    for cond in conds:
        if isinstance(cond, Query):
            _check_poly(cond.poly, prog, "a Query")
            if not isinstance(cond.machine, str):
                raise AgentError(f"{prog.name}: a Query's machine label is a string")
        elif isinstance(cond, (SurelyCone, SurelyOutside)):
            _check_box_condition(cond, prog)
        elif isinstance(cond, Surely):
            _check_poly(cond.poly, prog, "a Surely condition")
            if cond.op not in SURELY_OPS:
                raise AgentError(f"{prog.name}: Surely comparison must be one of {SURELY_OPS}")
            if not cond.poly.is_multiaffine(_role_groups()):
                raise AgentError(f"{prog.name}: Surely needs a polynomial affine in each "
                                 f"player's strategy, got {cond.poly}")
            if prog.delta is None:
                raise AgentError(f"{prog.name}: Surely needs an estimate precision delta")
        elif not isinstance(cond, (AllOf, AnyOf, Negation, Constant)):
            raise AgentError(f"{prog.name}: {cond!r} is not a condition")


def _check_box_condition(cond, prog: Program) -> None:
    """SurelyCone and SurelyOutside: well-formed, multi-affine, with an estimate."""
    if isinstance(cond, SurelyCone):
        ok = isinstance(cond.gains, tuple) and cond.gains and all(
            isinstance(g, tuple) and len(g) == 2 for g in cond.gains)
        if not ok:
            raise AgentError(f"{prog.name}: SurelyCone takes a non-empty tuple of "
                             f"(when_self_moves, when_opp_moves) pairs")
        polys = [p for g in cond.gains for p in g]
    else:
        if not (isinstance(cond.polys, tuple) and cond.polys):
            raise AgentError(f"{prog.name}: SurelyOutside takes a non-empty tuple of polynomials")
        if prog.n_self != 2 or prog.n_opp != 2:
            raise AgentError(f"{prog.name}: SurelyOutside (region_test=exact) is for games "
                             f"where both players have two actions")
        polys = list(cond.polys)
    name = type(cond).__name__
    for p in polys:
        _check_poly(p, prog, f"a {name} polynomial")
        if not p.is_multiaffine(_role_groups()):
            raise AgentError(f"{prog.name}: {name} needs polynomials affine in each player's "
                             f"strategy, got {p}")
    if prog.delta is None:
        raise AgentError(f"{prog.name}: {name} needs an estimate precision delta")
