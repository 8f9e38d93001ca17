"""Programs whose branches share subtrees (a DAG, the tree of its paths exponentially
larger): compiled, interpreted and written into certificates in size linear in their
distinct nodes, with the meaning of the tree they stand for (each path's Choose picks on
its own)."""

import json
from fractions import Fraction as F

import pytest

from verifier import Agent, Choose, If, Mix, Pair, Query, parse_agent, prob
from verifier.checker.codec import DecodeError, decode_program, encode_program
from verifier.encoding.compiler import System
from verifier.model.agents import AllOf, AnyOf, Play, Surely, query_key
from verifier.model.poly import var
from verifier.semantics.interpreter import Observation, output

LEVELS = 30
C, D, HALF = (F(1), F(0)), (F(0), F(1)), (F(1, 2), F(1, 2))


def ladder(levels: int) -> Agent:
    """Level k: if the oracle (machine k) says the opponent cooperates with probability
    above 1/2, the level below; else half the level below, half D. Both branches hold
    the same subtree: 2^levels paths, 2 * levels + 2 distinct nodes."""
    def build(me):
        node, defect = me.play("C"), me.play("D")
        for k in range(levels):
            ask = Query(me.p_opp("C"), F(1, 2), machine=f"m{k}")
            node = If(ask, node, Mix(prob(F(1, 2)), node, defect))
        return node
    return Agent(f"ladder{levels}", build)


def as_tree(node):
    """The same program with every path's nodes its own objects (no sharing)."""
    if isinstance(node, Mix):
        return Mix(node.prob, as_tree(node.first), as_tree(node.second))
    if isinstance(node, If):
        return If(node.cond, as_tree(node.then), as_tree(node.orelse))
    if isinstance(node, Choose):
        return Choose(tuple(as_tree(o) for o in node.options))
    return Play(node.dist)


def test_a_thirty_level_ladder_compiles_to_a_system_linear_in_its_levels(pd_a):
    prog = ladder(LEVELS).program(pd_a, 0)
    assert len(prog.distinct()[0]) == 2 * LEVELS + 2
    system = System(pd_a, (prog, parse_agent("defectbot").program(pd_a, 1)))
    # per level: one output variable and its equation, one q with its four constraints
    assert len(system.reals) <= 3 * LEVELS + 10
    assert len(system.constraints) <= 6 * LEVELS + 10


def test_the_interpreter_meets_every_query_at_a_tie_and_evaluates_each_node_once(pd_a):
    prog = ladder(LEVELS).program(pd_a, 0)
    answers = {query_key(q, 0): F(1, 2) for q in prog.queries()}
    assert len(answers) == LEVELS
    # every branch runs (each q is 1/2): c_k = c_{k-1} / 2 + c_{k-1} / 4, c_0 = 1
    assert output(prog, HALF, HALF, answers=answers) == (F(3, 4) ** LEVELS,
                                                         1 - F(3, 4) ** LEVELS)


def test_a_thirty_level_ladder_solves_within_its_time_limit(pd_a):
    result = Pair(pd_a, (ladder(LEVELS), parse_agent("defectbot")), timeout=5).solve()
    # against D every oracle says no: the C-probability halves at each level
    assert [fp.profile for fp in result.fixed_points] == [
        ((F(1, 2 ** LEVELS), 1 - F(1, 2 ** LEVELS)), D)]


def test_sharing_does_not_change_the_fixed_points(pd_a):
    shared = ladder(4)
    tree = Agent("tree4", lambda me: as_tree(shared.build(me)))
    mixed = parse_agent("mixed(p=1/2)")
    for agent in (shared, tree):
        pair = Pair(pd_a, (agent, mixed), timeout=60)
        # the opponent sits at every tie: each q is free, P(C) = prod (1 + q_k) / 2
        low, high = (pair.optimize(var("s", 0, 0), sense) for sense in ("min", "max"))
        assert (low.value, high.value) == (F(1, 16), F(1))


def test_a_shared_choose_picks_on_its_own_at_each_path(pd_a):
    def build(me):
        either = Choose((me.play("C"), me.play("D")))
        return If(Query(me.p_opp("C"), F(1, 2)), either, Mix(prob(F(1, 2)), either, either))
    prog = Agent("shared-choose", build).program(pd_a, 0)
    choices = {(1, 0): (F(1), F(0)), (1, 1): (F(0), F(1))}
    assert output(prog, HALF, D, Observation(choices=choices)) == HALF
    assert id(prog.body.orelse) not in prog.choice_free


def test_a_certificate_writes_each_shared_node_once(pd_a):
    prog = ladder(LEVELS).program(pd_a, 0)
    data = encode_program(prog)
    assert len(data["shared"]) == LEVELS - 1  # each level but the top (plays stay in place)
    assert len(json.dumps(data)) < 400 * LEVELS
    again = decode_program(json.loads(json.dumps(data)))
    assert encode_program(again) == data
    assert len(again.distinct()[0]) <= 3 * LEVELS + 2  # plays written in place are copies
    nicerbot = parse_agent("nicerbot(eps=1/10)").program(pd_a, 0)
    assert "shared" not in encode_program(nicerbot)  # no subtree repeats: written as before


def test_a_program_and_its_tree_are_written_alike(pd_a):
    """The text is canonical: a checker comparing a stored program with what its spec builds
    compares texts, and sharing is only how the builder held the tree."""
    shared = ladder(5)
    tree = Agent("ladder5", lambda me: as_tree(shared.build(me)))
    assert encode_program(tree.program(pd_a, 0)) == encode_program(shared.program(pd_a, 0))


@pytest.mark.parametrize("shared, message", [
    ([{"ref": 0}], "earlier entry"),
    ([{"play": ["1", "0"]}, {"ref": 1}], "earlier entry"),
    ([{"play": ["1", "0"]}, {"ref": True}], "earlier entry"),
    ("no", "shared is a list"),
])
def test_shared_entries_refer_only_to_earlier_ones(pd_a, shared, message):
    data = encode_program(ladder(2).program(pd_a, 0))
    data["shared"] = shared
    with pytest.raises(DecodeError, match=message):
        decode_program(data)


def test_a_chain_of_shared_entries_is_bounded_in_depth(pd_a):
    data = encode_program(ladder(1).program(pd_a, 0))
    entries = [{"play": ["1", "0"]}]
    for k in range(300):
        entries.append({"mix": [["1/2", []]], "first": {"ref": k}, "second": {"ref": k}})
    data["shared"], data["body"] = entries, {"ref": 300}
    with pytest.raises(DecodeError, match="nested too deeply"):
        decode_program(data)


def test_the_checker_rebuilds_the_same_system_from_a_certificate(pd_a):
    """The certificate's program is decoded with other objects shared (equal subtrees
    written once, conditions copied): the system rebuilt from it must be the one solved."""
    from verifier.checker.check import check
    pair = Pair(pd_a, (ladder(3), parse_agent("defectbot")))
    cert = pair.certificate(pair.solve(find_all=True))
    assert cert["kind"] == "farkas" and "shared" in cert["problem"]["agents"][0]["program"]
    report = check(cert)
    assert report.ok, report.problem


def test_a_certificate_program_with_too_many_choice_paths_is_refused(pd_a):
    """The interpreter evaluates a node with a Choose below once per path: a few lines of
    shared entries must not make the checker walk 2^25 of them."""
    data = encode_program(ladder(1).program(pd_a, 0))
    entries = [{"choose": [{"play": ["1", "0"]}, {"play": ["0", "1"]}]}]
    for k in range(25):
        entries.append({"mix": [["1/2", []]], "first": {"ref": k}, "second": {"ref": k}})
    data["shared"], data["body"] = entries, {"ref": 25}
    with pytest.raises(DecodeError, match="paths reach nodes with a Choose below them"):
        decode_program(data)


def test_a_program_survives_pickling_without_stale_node_ids(pd_a):
    import pickle
    prog = ladder(5).program(pd_a, 0)
    assert prog.choice_free and prog.shapes  # computed, then pickled without them
    copy = pickle.loads(pickle.dumps(prog))
    assert copy.choice_free == frozenset(id(n) for n in copy.distinct()[0])


def nested_condition(levels: int) -> Agent:
    """C when AllOf/AnyOf((c, c)) nested ``levels`` deep holds: 2^levels paths through the
    condition, levels + 1 distinct conditions."""
    def build(me):
        cond = Surely(me.p_opp("C") - F(1, 2), ">")
        for k in range(levels):
            cond = AnyOf((cond, cond)) if k % 2 else AllOf((cond, cond))
        return If(cond, me.play("C"), me.play("D"))
    return Agent(f"nested{levels}", build, delta=F(1, 10))


def test_a_condition_whose_parts_share_objects_is_compiled_and_written_once(pd_a):
    prog = nested_condition(LEVELS).program(pd_a, 0)
    system = System(pd_a, (prog, parse_agent("defectbot").program(pd_a, 1)))
    assert len(system.constraints) < 100
    data = encode_program(prog)
    assert len(json.dumps(data)) < 200 * LEVELS
    assert encode_program(decode_program(json.loads(json.dumps(data)))) == data
    estimate = Observation(estimate=(D, D))
    assert output(prog, D, D, estimate) == D  # P2(C) = 0 is surely not above 1/2


def test_a_ref_must_name_an_entry_of_the_right_kind(pd_a):
    data = encode_program(nested_condition(2).program(pd_a, 0))
    data["body"]["then"] = {"ref": 0}  # entry 0 is a condition
    with pytest.raises(DecodeError, match="a node here"):
        decode_program(data)
