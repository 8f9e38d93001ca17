import pytest

from verifier import Always, Claim, Extreme, builtin_game
from verifier.claims.claims import ClaimError, load_claims

GOOD = ("from verifier import Claim, Always\n"
        "CLAIMS = [Claim('{id}', 's', 'src', 'pd-a', ('defectbot', 'defectbot'),\n"
        "                Always(lambda v: v.u1 >= 1))]\n")


def test_duplicate_ids_are_refused(tmp_path):
    (tmp_path / "a.py").write_text(GOOD.format(id="Z1"))
    (tmp_path / "b.py").write_text(GOOD.format(id="Z1"))
    with pytest.raises(ClaimError, match="appears in"):
        load_claims([tmp_path])


def test_a_claim_file_must_define_claims(tmp_path):
    (tmp_path / "a.py").write_text("X = 1\n")
    with pytest.raises(ClaimError, match="defines CLAIMS"):
        load_claims([tmp_path])


def test_unknown_claim_fields_are_refused(tmp_path):
    (tmp_path / "a.py").write_text(
        "from verifier import Claim, Always\n"
        "CLAIMS = [Claim('Z', 's', 'src', 'pd-a', ('defectbot', 'defectbot'),\n"
        "                Always(lambda v: v.u1 >= 1), colour='red')]\n")
    with pytest.raises(ClaimError, match="malformed claim"):
        load_claims([tmp_path])


def test_verdicts_match_the_mathematics():
    rocks = ("defectbot", "cooperatebot")
    assert Claim("A", "", "", "pd-a", rocks, Always(lambda v: v.u1.eq(0))).run().verdict == "fails"
    with pytest.raises(ClaimError, match="not a formula"):
        Claim("E", "", "", "pd-a", rocks, Always(lambda v: v.u1 == 0)).run()
    assert Claim("B", "", "", "pd-a", rocks, Always(lambda v: v.u1.eq(5))).run().verdict == "holds"
    result = Claim("C", "", "", "pd-a", rocks, Extreme(lambda v: v.u2, "max", value=0)).run()
    assert result.verdict == "holds" and result.summary() == "max = 0"
    wrong = Claim("D", "", "", "pd-a", rocks, Extreme(lambda v: v.u2, "max", value=1)).run()
    assert wrong.verdict == "fails"


def test_the_shipped_catalogue_loads():
    claims = load_claims(["proofs"])
    assert len({c.id for c in claims}) == len(claims) >= 10
    assert builtin_game("pd-a")
    # every sentence a claim names is one the findings page can quote
    from verifier.apps.findings import SENTENCES
    assert {c.sentence for c in claims if c.sentence} <= set(SENTENCES)


def test_expected_verdicts_by_reading_take_the_most_specific_pattern():
    from verifier.model.readings import parse_reading
    claim = Claim("R", "", "", "pd-a", ("lp(1/10,1/1000)", "defectbot"),
                  Always(lambda v: v.u1 >= 0),
                  expected={"": "fails", "directions=cone": "holds",
                            "directions=cone,estimates=grid": "fails"})
    assert claim.expected_under(parse_reading("")) == "fails"
    assert claim.expected_under(parse_reading("directions=cone")) == "holds"
    assert claim.expected_under(parse_reading("directions=cone,estimates=grid")) == "fails"
    with pytest.raises(ClaimError, match="default under"):
        Claim("S", "", "", "pd-a", ("defectbot",) * 2, Always(lambda v: v.u1 >= 0),
              expected={"directions=cone": "holds"})
    with pytest.raises(ClaimError, match="unknown reading key"):
        Claim("T", "", "", "pd-a", ("defectbot",) * 2, Always(lambda v: v.u1 >= 0),
              expected={"": "holds", "speed=fast": "holds"})


def test_formal_texts_are_generated_from_the_formulas():
    claims = {c.id: c for c in load_claims(["proofs"])}
    assert claims["L1-corrected-pd-b"].formal_text() == (
        "lp(eps=1/10,delta=1/1000) vs any on pd-b: every fixed point satisfies "
        "P1(C) >= 997/2000 or P2(C) >= 997/2000")
    assert claims["C13-whenever-pd-a"].formal_text().endswith(
        "every fixed point satisfies not (P1(C) < 1 and P2(C) < 1) or (D1(C,C) > 0 and "
        "D2(C,C) > 0)")
    from verifier.model.readings import parse_reading
    assert claims["L3-pd-a"].formal_text(parse_reading("directions=cone")).startswith(
        "lp(eps=1/10,delta=1/1000,directions=cone) vs defectbot")


# ------------------------------------------------- the registry of statement kinds

def _examples():
    """One statement of every registered kind, about defectbot vs defectbot on pd-a."""
    from verifier import Exists, NoFixedPoint, Unique
    return {Always: Always(lambda v: v.u1 >= 1), Exists: Exists(lambda v: v.p1("D").eq(1)),
            Unique: Unique(((0, 1), (0, 1))), NoFixedPoint: NoFixedPoint(),
            Extreme: Extreme(lambda v: v.u2, "max", value=1)}


def test_every_registered_kind_is_handled_by_every_dispatcher():
    """A new kind must come with an example here; every dispatcher takes every kind."""
    from verifier.claims.claims import VERDICTS, Vars
    from verifier.claims.kinds import KINDS, decide, describe, kind_of, question
    examples = _examples()
    assert set(examples) == set(KINDS), "add an example of each new kind to _examples"
    rocks = ("defectbot", "defectbot")
    for cls, check in examples.items():
        claim = Claim(cls.kind, "", "", "pd-a", rocks, check)
        pair, v = claim.pair(), Vars(builtin_game("pd-a"))
        assert kind_of(check) == cls.kind
        assert isinstance(describe(check, v), str)
        assert claim.formal_text().startswith("defectbot vs defectbot on pd-a: ")
        assert question(check, v)["type"] == cls.kind
        verdict, detail = decide(check, pair, v)
        assert verdict in VERDICTS and isinstance(detail, dict)
        expected = "fails" if cls.kind == "no_fixed_point" else "holds"
        assert claim.run().verdict == expected, cls.kind


def test_an_unregistered_kind_fails_loudly():
    from dataclasses import dataclass

    from verifier.claims.claims import Vars
    from verifier.claims.kinds import Statement, decide, describe, kind_of, question
    from verifier.errors import InternalError

    @dataclass(frozen=True)
    class Sometimes(Statement):  # a kind that was never registered
        def describe(self, v):
            return "sometimes"

        def decide(self, pair, v, progress=None):
            return "holds", {}

        def question(self, v, detail=None):
            return {"type": "sometimes"}

    v = Vars(builtin_game("pd-a"))
    pair = Claim("x", "", "", "pd-a", ("defectbot",) * 2, Always(lambda v: v.u1 >= 0)).pair()
    for dispatch in (lambda: kind_of(Sometimes()), lambda: describe(Sometimes(), v),
                     lambda: decide(Sometimes(), pair, v), lambda: question(Sometimes(), v)):
        with pytest.raises(InternalError, match="not a registered statement kind"):
            dispatch()
    with pytest.raises(ClaimError, match="check must be Always, Exists, Unique, NoFixedPoint "
                                         "or Extreme"):
        Claim("y", "", "", "pd-a", ("defectbot",) * 2, Sometimes())


def test_a_kind_is_registered_once_and_with_every_method():
    from dataclasses import dataclass

    from verifier.claims.kinds import KINDS, Statement, statement_kind
    from verifier.errors import InternalError
    before = dict(KINDS)
    with pytest.raises(InternalError, match="lacks decide, question"):
        @statement_kind("half")
        @dataclass(frozen=True)
        class Half(Statement):
            def describe(self, v):
                return "half"
    with pytest.raises(InternalError, match="registered twice"):
        statement_kind("always")(type("Again", (Statement,), {
            "describe": lambda s, v: "", "decide": lambda s, p, v, g=None: ("holds", {}),
            "question": lambda s, v, d=None: {}}))
    with pytest.raises(InternalError, match="not a Statement"):
        statement_kind("loose")(Always.__base__.__base__)
    assert KINDS == before


def test_a_new_kind_is_one_class_and_a_registration():
    """What docs/architecture.md, "How to add a claim kind", promises, end to end."""
    from dataclasses import dataclass
    from typing import Callable

    from verifier.claims.decide import formula_of
    from verifier.claims.kinds import KINDS, Statement, statement_kind

    @statement_kind("never")
    @dataclass(frozen=True)
    class Never(Statement):
        """No fixed point satisfies ``formula(vars)``."""

        formula: Callable

        def describe(self, v):
            return f"no fixed point satisfies {v.text(self.formula(v))}"

        def decide(self, pair, v, progress=None):
            point = pair.example(formula_of(self, v))
            return ("holds", {}) if point is None else ("fails", {"counterexample": point})

        def question(self, v, detail=None):
            return {"type": self.kind, "formula": formula_of(self, v)}

    try:
        claim = Claim("N", "", "", "pd-a", ("defectbot",) * 2, Never(lambda v: v.u1 >= 2))
        assert claim.formal_text().endswith("no fixed point satisfies u1 >= 2")
        assert claim.run().verdict == "holds"
        wrong = Claim("M", "", "", "pd-a", ("defectbot",) * 2, Never(lambda v: v.u1 >= 1))
        assert wrong.run().summary() == "counterexample (0, 1) vs (0, 1), payoffs (1, 1)"
    finally:
        KINDS.pop(Never)
