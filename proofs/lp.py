"""LP, the locally Pareto agent of the post.

    define LP():
      estimate p1 and p2 (to within delta)
      if exists o1, o2 such that D(p1,p2)(o1,o2) is delta-Pareto:
          with probability 1-eps output p1, with probability eps output o1
      else output p1
"""

from fractions import Fraction

from verifier import Always, Claim, Extreme

FAMILY = "LP (the post)"
PARAMS = {"": ("1/10", "1/1000"), "-p2": ("1/20", "1/10000")}


def lp(eps, delta):
    return f"lp(eps={eps},delta={delta})"


def near_pareto(v, delta):
    slack = 2 * Fraction(delta)
    return (v.p1("C") >= 1 - slack) | (v.p2("C") >= 1 - slack)


CLAIMS = []
for game in ("pd-a", "pd-b"):
    for tag, (eps, delta) in PARAMS.items():
        agent = lp(eps, delta)
        CLAIMS += [
            Claim(f"L1-{game}{tag}", "LP() will always reach delta-Pareto outcomes with Q()",
                  "post", game, (agent, "any"), Always(lambda v, d=delta: near_pareto(v, d)),
                  expected="fails", formal=f"against any opponent every fixed point has a or b "
                                           f"at least 1 - 2 delta (delta = {delta})",
                  note="LP only moves along delta-sure Pareto directions; away from them it "
                       "keeps its estimate, far from the Pareto set"),
            Claim(f"L3-{game}{tag}", "if Q() is the defection rock, LP() must cooperate (to "
                  "within delta)", "post", game, (agent, "defectbot"),
                  Always(lambda v, d=delta: v.p1("C") >= 1 - 2 * Fraction(d)), expected="fails",
                  formal=f"every fixed point has P1(C) >= 1 - 2 delta (delta = {delta})"),
        ]
    threshold = {"pd-a": Fraction(3, 5), "pd-b": Fraction(1, 2)}[game]
    CLAIMS += [
        Claim(f"L1-tight-{game}", "corrected: LP's fixed points against any opponent stay "
              f"where (C, C) is not a delta-sure Pareto direction: a or b at least "
              f"{threshold} - delta", "post", game, (lp("1/10", "1/1000"), "any"),
              Extreme(lambda v: v.p1("C"), "min", value=threshold - Fraction(1, 1000),
                      attained=True, subject_to=lambda v: v.p1("C") >= v.p2("C")),
              formal="min over fixed points with a >= b of a (the nearer coordinate to 1) = "
                     f"{threshold - Fraction(1, 1000)}, attained"),
        Claim(f"L2-{game}-low", "if Q() is the cooperation rock, p1 could be any mix of "
              "defect and cooperate", "post", game, (lp("1/10", "1/1000"), "cooperatebot"),
              Extreme(lambda v: v.p1("C"), "min", value=0, attained=True)),
        Claim(f"L2-{game}-high", "... (up to full cooperation)", "post", game,
              (lp("1/10", "1/1000"), "cooperatebot"),
              Extreme(lambda v: v.p1("C"), "max", value=1, attained=True)),
        Claim(f"L3-tight-{game}", "corrected: against DefectBot LP cooperates at least "
              f"{threshold} - delta, and that is tight", "post", game,
              (lp("1/10", "1/1000"), "defectbot"),
              Extreme(lambda v: v.p1("C"), "min", value=threshold - Fraction(1, 1000),
                      attained=True),
              note="(C, C) stays a Pareto direction for DefectBot only while LP's cooperation "
                   f"is below {threshold}; above it, every estimate LP can hold is a fixed point"),
    ]
CLAIMS.append(Claim("L3-pd-a-delta1/100", "LP against DefectBot 'must cooperate (to within "
                    "delta)': the issue's example, eps = 1/10, delta = 1/100", "post", "pd-a",
                    (lp("1/10", "1/100"), "defectbot"),
                    Extreme(lambda v: v.p1("C"), "min", value="59/100", attained=True),
                    formal="min P1(C) over the fixed points = 59/100, far below 1 - 2 delta"))
