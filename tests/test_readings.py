"""The readings of the post (docs/semantics.md, Readings): switches, what they change, and
how the readings relate (grid fixed points are box fixed points)."""

from fractions import Fraction as F
from itertools import product

import pytest

from verifier import builtin_game, parse_agent
from verifier.claims.claims import Vars, load_claims
from verifier.encoding.compiler import System
from verifier.errors import UsageError
from verifier.semantics.interpreter import verify_fixed_point
from verifier.model.library import with_reading
from verifier.model.readings import DEFAULT, combinations, parse_reading, parse_settings
from verifier.encoding.smtlib import formula
from verifier.decision.solver import Pair
from verifier.apps.tournament import default_roster


def test_reading_keys_parse_and_refuse_unknowns():
    assert parse_reading("directions=cone").directions == "cone"
    assert [r.text for r in combinations(("estimates",))] == [
        DEFAULT.text, "directions=equal,estimates=grid,region_test=edge"]
    for bad, message in (("directions=diagonal", "one of equal, cone"), ("speed=1", "unknown"),
                         ("directions", "KEY=VALUE"), ("estimates=box,estimates=grid", "twice")):
        with pytest.raises(UsageError, match=message):
            parse_settings(bad)


def test_specs_carry_their_reading_and_only_non_defaults_show():
    cone = parse_agent("lp(1/10,1/1000,directions=cone)")
    assert cone.spec == "lp(eps=1/10,delta=1/1000,directions=cone)"
    assert dict(cone.reading) == {"directions": "cone", "estimates": "box"}
    assert parse_agent(cone.spec).spec == cone.spec
    assert with_reading("nicerbot(eps=1/10)", {"directions": "cone"}) == "nicerbot(eps=1/10)"
    assert with_reading("region(eps=1/10,delta=1/1000,polygon=(1,1),(4,1),(3,3))",
                        {"region_test": "exact"}).startswith(
        "region(eps=1/10,delta=1/1000,region_test=exact,polygon=")


def test_readings_refuse_what_they_cannot_state():
    from verifier.model.agents import AgentError
    from verifier.model.games import Game
    with pytest.raises(AgentError, match="concrete delta"):
        parse_agent("lp(eps=e,delta=d,estimates=grid)").program(builtin_game("pd-a"), 0)
    three = Game("rps", (("R", "P", "S"),) * 2, tuple(
        tuple(tuple(F((b - a) % 3 == 1) - F((a - b) % 3 == 1) for b in range(3))
              for a in range(3)) for _ in (0, 1)))
    with pytest.raises(AgentError, match="two actions"):
        parse_agent("region(1/10,1/100,region_test=exact,polygon=(0,0),(1,0),(0,1))").program(
            three, 0)
    with pytest.raises(AgentError, match="2/delta"):
        parse_agent("nelp(1/10,3/1000,estimates=grid)").program(three, 0)


def _pairs(game):
    roster = default_roster(game)
    return [(a, b) for a, b in product(roster, roster)
            if any(parse_agent(s).delta is not None for s in (a, b))]


def test_every_grid_fixed_point_is_a_box_fixed_point_on_every_library_pair():
    """The grid system of every library pair of pd-a is the box system plus the grid
    constraints (same variables), so its solutions, hence its fixed points, are box fixed
    points; and a grid fixed point found for each pair re-checks under the box programs."""
    game = builtin_game("pd-a")
    for a, b in _pairs(game):
        box = tuple(parse_agent(s).program(game, i) for i, s in enumerate((a, b)))
        grid = tuple(parse_agent(with_reading(s, {"estimates": "grid"})).program(game, i)
                     for i, s in enumerate((a, b)))
        box_system, grid_system = System(game, box), System(game, grid)
        extra = {formula(f) for f in grid_system.constraints} - \
            {formula(f) for f in box_system.constraints}
        missing = {formula(f) for f in box_system.constraints} - \
            {formula(f) for f in grid_system.constraints}
        assert not missing, (a, b, sorted(missing)[:2])
        assert all("int_" in text for text in extra), (a, b)  # only the grid indices
        point = Pair(game, grid).find()
        assert point is not None, (a, b)
        verify_fixed_point(box, point.witness)  # the grid point, under box estimates


def test_grid_estimates_with_a_parameter_give_a_point_not_a_crash():
    # grid indices are integers: no family is guessed for them, the point is re-checked
    from verifier.model.params import parse_region
    agent = parse_agent("nelp(eps=e,delta=1/10,estimates=grid)")
    pair = Pair(builtin_game("pd-a"), (agent, parse_agent("defectbot")),
                region=parse_region("1/20 <= e <= 1/10"))
    found = pair.solve().fixed_points
    assert found and all(p.params and not p.whole_region for p in found)


def test_lp_against_defectbot_under_each_reading():
    """The must-show of the one-oracle issue: the tight least cooperation of LP against
    DefectBot on pd-a is 599/1000 at equal rates and 1991/2000 under the cone reading,
    under box and grid estimates alike."""
    game = builtin_game("pd-a")
    v = Vars(game)
    found = {}
    for reading in combinations(("directions", "estimates")):
        spec = with_reading("lp(eps=1/10,delta=1/1000)", reading.to_json())
        pair = Pair(game, (parse_agent(spec), parse_agent("defectbot")))
        least = pair.optimize(v.p1("C"), "min")
        assert least.attained and least.point is not None
        found[(reading.directions, reading.estimates)] = least.value
    assert found == {("equal", "box"): F(599, 1000), ("equal", "grid"): F(599, 1000),
                     ("cone", "box"): F(1991, 2000), ("cone", "grid"): F(1991, 2000)}


def test_the_cone_formula_agrees_with_the_interval_of_rates():
    """ParetoCone (Helly's pairwise test, used by the compiler too) against a direct search
    for rates on a fine exact grid of t, at profiles of pd-a and pd-b."""
    for name in ("pd-a", "pd-b"):
        v = Vars(builtin_game(name))
        cone = v.cone_pareto("C", "C")
        rows = [(v.move_gain(w, 1, "C"), v.move_gain(w, 2, "C")) for w in (1, 2)]
        for a, b in product([F(k, 8) for k in range(9)], repeat=2):
            at = {("s", 0, 0): a, ("s", 0, 1): 1 - a, ("s", 1, 0): b, ("s", 1, 1): 1 - b}
            values = [(f.evaluate(at), g.evaluate(at)) for f, g in rows]
            # the good t of each row form an interval; intersect them exactly
            low, low_open, high, high_open, empty = F(0), False, F(1), False, False
            for f0, f1 in values:  # (1 - t) f0 + t f1 > 0
                slope = f1 - f0
                if slope == 0:
                    empty |= f0 <= 0
                elif slope > 0 and -f0 / slope >= low:
                    low, low_open = -f0 / slope, True
                elif slope < 0 and f0 / -slope <= high:
                    high, high_open = f0 / -slope, True
            direct = not empty and (low < high or (low == high and not low_open
                                                   and not high_open))
            assert cone.holds(at) == direct, (name, a, b)


def test_every_result_records_its_reading(pd_a):
    pair = Pair(pd_a, (parse_agent("lp(1/10,1/1000,directions=cone)"), parse_agent("defectbot")))
    result = pair.solve()
    assert result.to_json()["readings"][0] == {"directions": "cone", "estimates": "box"}
    assert result.to_json()["ties"] == "one-q-per-query"
    cert = pair.certificate(result)
    assert cert["problem"]["agents"][0]["program"]["reading"] == [["directions", "cone"],
                                                                  ["estimates", "box"]]
    from verifier.evidence.certificates import check
    assert "agent 1 reading: directions=cone,estimates=box" in check(cert).line()


def test_the_catalogue_states_which_claims_are_reading_independent():
    claims = {c.id: c for c in load_claims(["proofs/"])}
    assert claims["C5-pd-a-eps1/10"].reading_keys == ()
    assert claims["L3-pd-a"].reading_keys == ("directions", "estimates")
    assert claims["G1"].reading_keys == ("directions", "estimates", "region_test")
    assert len(claims["G1"].readings()) == 8 and len(claims["C1"].readings()) == 1
