"""The geometry of the prisoner's dilemma behind LP and neLP (claims.md C13).

Two arbitrary players (``any`` vs ``any``) have every profile as a fixed point, so
"every fixed point satisfies phi" here means "every profile satisfies phi". The post's
D(p1,p2)(o1,o2) is read at equal rates (D1, D2 in the formal text) or as a cone of
rates (ParetoCone); the claims say which.
"""

from verifier import Always, Claim, Extreme

FAMILY = "Game geometry (claims.md C13)"
SOURCE = "post: 'there is always a possibility of Pareto improvement by increasing mutual cooperation'"
FREE = ("any", "any")


def pareto(v, o1, o2):
    return (v.gain(1, o1, o2) > 0) & (v.gain(2, o1, o2) > 0)


def geometry(game, threshold):
    def claim(id, statement, check, **kw):
        return Claim(f"{id}-{game}", statement, kw.pop("source", SOURCE), game, FREE, check,
                     sentence="C13", **kw)
    return [
        claim("C13-minmax", "defecting guarantees player 1 exactly 1: the least payoff of D "
              "over all opponent strategies is 1", Extreme(
                  lambda v: v.u1, "min", value=1, attained=True,
                  subject_to=lambda v: v.p1("D").eq(1)), source="post: 'p1' = D and min = 1'"),
        claim("C13-minmax-cap", "... and against D no strategy of player 1 gets more than 1 (with "
              "the previous claim: the minmax value is 1, reached by D)",
              Always(lambda v: ~v.p2("D").eq(1) | (v.u1 <= 1)),
              source="post: 'p1' = D and min = 1'"),
        claim("C13-only-CC", "moving toward (C, D), (D, C) or (D, D) at equal rates never "
              "improves both payoffs", Always(lambda v: ~pareto(v, "C", "D")
                                              & ~pareto(v, "D", "C") & ~pareto(v, "D", "D")),
              role="context", under="directions=equal"),
        claim("C13-whenever", "moving both toward C (at equal rates) is a Pareto improvement "
              "whenever a, b < 1", Always(lambda v: ~((v.p1("C") < 1) & (v.p2("C") < 1))
                                           | pareto(v, "C", "C")),
              expected="fails", under="directions=equal",
              note="false at equal rates: once the other player cooperates enough, moving it "
                   "toward C costs it more than my cooperation gives it (and likewise for me)"),
        claim("C13-whenever-cone", "moving both toward C at some rates is a Pareto improvement "
              "whenever a, b < 1", Always(lambda v: ~((v.p1("C") < 1) & (v.p2("C") < 1))
                                           | v.cone_pareto("C", "C")),
              under="directions=cone"),
        claim("C13-tight", f"corrected (equal rates): moving both toward C is a Pareto "
              f"improvement whenever a, b < {threshold}",
              Always(lambda v: ~((v.p1("C") < threshold) & (v.p2("C") < threshold))
                     | pareto(v, "C", "C")), role="corrected", under="directions=equal"),
        claim("C13-tight-a", f"... the least a at which D2(C,C) <= 0 is {threshold}, attained", Extreme(lambda v: v.p1("C"), "min", value=threshold,
                                         attained=True,
                                         subject_to=lambda v: v.gain(2, "C", "C") <= 0),
              role="tight", under="directions=equal"),
        claim("C13-tight-b", f"... and the least b at which D1(C,C) <= 0 is {threshold}",
              Extreme(lambda v: v.p2("C"), "min", value=threshold, attained=True,
                      subject_to=lambda v: v.gain(1, "C", "C") <= 0),
              role="tight", under="directions=equal"),
    ]


CLAIMS = geometry("pd-a", "3/5") + geometry("pd-b", "1/2")
