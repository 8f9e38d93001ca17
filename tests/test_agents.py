import pytest

from verifier.model.agents import AgentError
from verifier.model.library import LIBRARY, parse_agent


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
    specs = {"rock": "rock(action=C)", "mixed": "mixed(1/3)", "nicerbot": "nicerbot(1/10)",
             "lp": "lp(1/10,1/1000)",
             "nelp": "nelp(1/10,1/1000)",
             "region": "region(1/10,1/1000,polygon=(1,1),(5,0),(3,3),(0,5))"}
    for name in LIBRARY:
        agent = parse_agent(specs.get(name, name))
        for seat in (0, 1):
            prog = agent.program(pd_a, seat)
            assert prog.n_self == 2


def test_specs_are_canonical():
    assert parse_agent("NeLP( 1/10 , delta = 0.001 )").spec == "nelp(eps=1/10,delta=1/1000)"


def test_non_simple_polygons_are_refused():
    pentagram = "(0,3),(2,-3),(-3,1),(3,1),(-2,-3)"
    with pytest.raises(AgentError, match="convex"):
        parse_agent(f"region(1/10, 1/100, polygon={pentagram})")


def test_mix_probabilities_outside_the_unit_interval_are_refused(pd_a):
    from verifier import Agent, Mix
    bad = Agent("bad", lambda me: Mix(2 * me.p_opp("C"), me.play("C"), me.play("D")))
    with pytest.raises(AgentError, match="leaves"):
        bad.program(pd_a, 0)


def test_long_paths_get_distinct_solver_names(pd_a):
    """Paths (1, 1) and (11,) once shared one Z3 name, losing fixed points."""
    from fractions import Fraction as F
    from verifier import Agent, Choose, If, Pair, Query
    def twelve(me):
        c, d = me.play("C"), me.play("D")
        options = [c] + [d] * 11
        options[1] = Choose((d, If(Query(me.p_opp("C"), F(1, 2)), c, c)))
        options[11] = If(Query(me.p_self("C"), F(1, 2)), c, c)
        return Choose(tuple(options))
    pair = Pair(pd_a, (Agent("twelve", twelve), parse_agent("cooperatebot")))
    assert pair.find(pair.at_profile(((F(1, 4), F(3, 4)), (F(1), F(0))))) is not None


# ------------------------------------------------------ the registry of library agents

def test_the_registry_states_what_the_specs_took_before_it():
    """The registry derives each agent's spec parameters from its builder: the same ones
    the hand-written tables held (parameters, required ones, reading keys)."""
    from verifier.model.library import READING_KEYS, REGISTRY
    assert {n: (e.params, e.required) for n, e in REGISTRY.items()} == {
        "cooperatebot": ((), ()), "defectbot": ((), ()), "rock": (("action",), ("action",)),
        "mixed": (("p",), ("p",)), "nicerbot": (("eps",), ("eps",)),
        "lp": (("eps", "delta"), ("eps", "delta")),
        "nelp": (("eps", "delta", "min"), ("eps", "delta")),
        "region": (("eps", "delta", "polygon"), ("eps", "delta", "polygon")),
        "best-response": ((), ()), "liar": ((), ()), "any": ((), ())}
    assert list(LIBRARY) == list(REGISTRY)
    assert READING_KEYS == {"lp": ("directions", "estimates"),
                            "nelp": ("directions", "estimates"),
                            "region": ("directions", "estimates", "region_test")}
    assert REGISTRY["rock"].numeric == () and REGISTRY["nelp"].numeric == ("eps", "delta", "min")


def test_a_new_agent_is_one_builder_and_a_registration(monkeypatch, pd_a):
    """What docs/architecture.md, "How to add a library agent", promises."""
    from verifier import Agent, Mix, prob
    from verifier.model import library
    from verifier.model.spec_values import number, probability
    for table in ("REGISTRY", "LIBRARY", "READING_KEYS"):
        monkeypatch.setattr(library, table, dict(getattr(library, table)))

    @library.library_agent("coin-bot")
    def coin_bot(p, bias=0):
        """Play C with probability p (+ bias)."""
        x = probability("coin-bot", "p", p, [], closed=True) + number("coin-bot", "bias", bias)
        return Agent(f"coin-bot(p={x})", lambda me: Mix(prob(x), me.play("C"), me.play("D")),
                     params=(("p", x),))

    assert parse_agent("Coin_Bot(1/3)").spec == "coin-bot(p=1/3)"
    assert parse_agent("coin-bot(p=1/4, bias=1/4)").spec == "coin-bot(p=1/2)"
    assert parse_agent("coin-bot(p=e)", values={"e": "1/5"}).spec == "coin-bot(p=1/5)"
    assert parse_agent("coin-bot(1/3)").program(pd_a, 0).n_self == 2
    assert "coin-bot" in library.LIBRARY
    with pytest.raises(AgentError, match="missing parameter p"):
        parse_agent("coin-bot()")
    with pytest.raises(AgentError, match="takes no reading key"):
        parse_agent("coin-bot(1/3, directions=cone)")


def test_an_agent_is_registered_once_under_its_spec_name(monkeypatch):
    from verifier.errors import InternalError
    from verifier.model import library
    monkeypatch.setattr(library, "REGISTRY", dict(library.REGISTRY))
    for name, keys in (("lp", ()), ("Big_Bot", ()), ("keyed", ("directions",))):
        with pytest.raises(InternalError):
            library.library_agent(name, reading_keys=keys)(lambda: None)
