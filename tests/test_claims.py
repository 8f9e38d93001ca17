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
