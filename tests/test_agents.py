import pytest

from verifier.agents import AgentError
from verifier.library import LIBRARY, parse_agent


@pytest.mark.parametrize("spec, message", [
    ("frobnicator", "unknown agent"),
    ("lp(eps=0, delta=1/100)", r"eps must be in \(0, 1\)"),
    ("lp(eps=1, delta=1/100)", r"eps must be in \(0, 1\)"),
    ("nelp(eps=1/10, delta=0)", r"delta must be in \(0, 1\)"),
    ("nelp(eps=1/10, delta=-1/100)", r"delta must be in \(0, 1\)"),
    ("nicerbot(eps=3/2)", r"eps must be in \[0, 1\]"),
    ("nicerbot(eps=0.1)", None),
    ("nicerbot()", "missing parameter eps"),
    ("nicerbot(eps=1/10, zeta=2)", "unknown parameter"),
    ("lp(eps=1/10, delta=1/100", "cannot read agent spec"),
    ("region(1/10, 1/100, polygon=(0,0),(1,0))", "at least three"),
    ("region(1/10, 1/100, polygon=(0,0),(4,0),(1,1),(0,4))", "convex"),
])
def test_agent_specs_are_validated(spec, message):
    if message is None:
        parse_agent(spec)
        return
    with pytest.raises(AgentError, match=message):
        parse_agent(spec)


def test_every_library_agent_builds_on_the_prisoners_dilemma(pd_a):
    specs = {"rock": "rock(action=C)", "nicerbot": "nicerbot(1/10)", "lp": "lp(1/10,1/1000)",
             "nelp": "nelp(1/10,1/1000)",
             "region": "region(1/10,1/1000,polygon=(1,1),(5,0),(3,3),(0,5))"}
    for name in LIBRARY:
        agent = parse_agent(specs.get(name, name))
        for seat in (0, 1):
            prog = agent.program(pd_a, seat)
            assert prog.n_self == 2


def test_specs_are_canonical():
    assert parse_agent("NeLP( 1/10 , delta = 0.001 )").spec == "nelp(eps=1/10,delta=1/1000)"
