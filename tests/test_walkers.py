"""Every walker over the agent language and over formulas handles every kind, and fails
loudly (UnknownNode, an InternalError) on a kind it does not know (issue 16).

The kinds are the tuples NODE_KINDS, CONDITION_KINDS (verifier.model.agents) and
FORMULA_KINDS (verifier.model.poly); the first test ties them to the classes that exist, so
a new kind fails here until it is listed, put in the programs below, and handled by every
walker: validation, the exact interpreter, the compiler, SMT-LIB, Z3, the checker's
propositional skeleton and the certificate codec; for formulas also the compiler's
map_polys, the parametric search's tight atoms and the claims' formula text.
"""

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

import pytest

from verifier import Agent, If, Play, Query, builtin_game, parse_agent
from verifier.checker.codec import (decode_formula, decode_program, encode_formula,
                                    encode_program)
from verifier.checker.farkas import Skeleton
from verifier.claims import Vars
from verifier.decision.parametric import tight_equations
from verifier.encoding import smt
from verifier.encoding.compiler import System, map_polys
from verifier.encoding.smtlib import formula as smtlib_formula
from verifier.encoding.smtlib import smtlib
from verifier.errors import UnknownNode
from verifier.model.agents import (CONDITION_KINDS, NODE_KINDS, Cond, Constant, Node, Program,
                                   query_key)
from verifier.model.poly import FORMULA_KINDS, And, Atom, BoolVar, Formula, Not, Or, Truth, named
from verifier.semantics.interpreter import Observation, output

GAME = builtin_game("pd-a")
PROFILE = ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 3), Fraction(2, 3)))
SPECS = ["nicerbot(eps=1/10)", "lp(eps=1/10,delta=1/1000)",
         "lp(eps=1/10,delta=1/1000,directions=cone)",
         "region(eps=1/10,delta=1/1000,polygon=(1,-1),(6,-1),(6,7),(1,2),region_test=exact)",
         "best-response", "liar"]


def _negation_and_constant(me):
    """The kinds no library agent uses: a negated condition and a constant one."""
    return If(~Query(me.p_opp("C"), Fraction(1, 2)) & Constant(True), me.play("D"),
              me.play("C"))


AGENTS = [parse_agent(s) for s in SPECS] + [Agent("negation-constant", _negation_and_constant)]


def _programs():
    return [a.program(GAME, 0) for a in AGENTS]


def _subclasses(base) -> set:
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("verifier."):
                found.add(sub)
    return found


def _kinds(program) -> set:
    return {type(n) for _, n in program.walk()} | {type(c) for _, c in program.conditions()}


def _observation(program) -> Observation:
    choices = {path: tuple(Fraction(int(i == 0)) for i in range(len(node.options)))
               for path, node in program.walk() if type(node).__name__ == "Choose"}
    return Observation(PROFILE if program.uses_estimates else None, choices)


def _answers(program) -> dict:
    return {query_key(q, 0): Fraction(1, 2) for q in program.queries()}


def test_the_kind_tables_list_every_kind_and_the_programs_use_them_all():
    assert set(NODE_KINDS) == _subclasses(Node)
    assert set(CONDITION_KINDS) == _subclasses(Cond)
    assert set(FORMULA_KINDS) == _subclasses(Formula)
    used = set().union(*map(_kinds, _programs()))
    assert used == set(NODE_KINDS) | set(CONDITION_KINDS), set(NODE_KINDS) | set(
        CONDITION_KINDS) - used


@pytest.mark.parametrize("agent", AGENTS, ids=lambda a: a.spec)
def test_every_walker_handles_every_kind_of_the_language(agent):
    program = agent.program(GAME, 0)  # validation walks it
    out = output(program, *PROFILE, _observation(program), _answers(program))
    assert sum(out) == 1
    system = System(GAME, (program, parse_agent("defectbot").program(GAME, 1)))
    assert smtlib(system.constraints, ()).count("(assert") == len(system.constraints)
    assert len(smt.formulas(system.constraints)) == len(system.constraints)
    Skeleton(list(system.constraints))
    assert decode_program(encode_program(program)) == program


def test_every_formula_walker_handles_every_kind():
    f = And((Atom(named("x") - 1, ">="), Or((Not(BoolVar("b")), Truth(True))),
             Atom(named("x"), "!=")))
    assert {type(g) for g in (f, *f.parts, *f.parts[1].parts, f.parts[1].parts[0].part)} \
        == set(FORMULA_KINDS)
    assert smtlib_formula(f).startswith("(and")
    smt.formula(f)
    Skeleton([f])
    assert smtlib_formula(decode_formula(encode_formula(f))) == smtlib_formula(f)
    assert smtlib_formula(map_polys(f, lambda p: p)) == smtlib_formula(f)
    assert tight_equations([f], {"x": Fraction(1)}, {"b": True}) == [named("x") - 1]
    assert Vars(GAME).text(f) == "x + -1 >= 0 and (not b or true) and x != 0"


@dataclass(frozen=True)
class _AlienNode(Node):
    """A node kind no walker knows."""


@dataclass(frozen=True)
class _AlienCond(Cond):
    """A condition kind no walker knows."""


class _AlienFormula(Formula):
    """A formula kind no walker knows."""


def _smuggled(body) -> object:
    """A valid program whose body is replaced after validation (as a bug would)."""
    program = Agent("host", lambda me: If(Query(me.p_opp("C"), Fraction(1, 2)),
                                          me.play("C"), me.play("D"))).program(GAME, 0)
    object.__setattr__(program, "body", body)
    for name, value in vars(Program).items():  # what was cached for the old body
        if isinstance(value, cached_property):
            program.__dict__.pop(name, None)
    return program


@pytest.mark.parametrize("body", [_AlienNode(), If(_AlienCond(), Play((1, 0)), Play((0, 1)))],
                         ids=["node", "condition"])
def test_every_walker_of_the_language_fails_loudly_on_an_unknown_kind(body):
    program = _smuggled(body)
    with pytest.raises(UnknownNode):
        output(program, *PROFILE, Observation(), {})
    with pytest.raises(UnknownNode):
        System(GAME, (program, parse_agent("defectbot").program(GAME, 1)))
    with pytest.raises(UnknownNode):
        encode_program(program)


def test_every_formula_walker_fails_loudly_on_an_unknown_kind():
    alien = And((Atom(named("x"), ">="), _AlienFormula()))
    for walker in (smtlib_formula, smt.formula, lambda f: Skeleton([f]), encode_formula,
                   lambda f: map_polys(f, lambda p: p), Vars(GAME).text,
                   lambda f: tight_equations([Or((f,))], {"x": Fraction(1)}, {})):
        with pytest.raises(UnknownNode):
            walker(alien)
