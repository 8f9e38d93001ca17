"""LP, the locally Pareto agent of the post.

    define LP():
      estimate p1 and p2 (to within delta)
      if exists o1, o2 such that D(p1,p2)(o1,o2) is delta-Pareto:
          with probability 1-eps output p1, with probability eps output o1
      else output p1

Every claim here is decided under each reading of D (equal rates or a cone of
rates) and of the estimates (box or grid).
"""

from fractions import Fraction

from verifier import Always, Claim, Extreme

FAMILY = "LP (the post)"
PARAMS = {"": ("1/10", "1/1000"), "-p2": ("1/20", "1/10000")}
SOURCE = "post"


def lp(eps="1/10", delta="1/1000"):
    return f"lp(eps={eps},delta={delta})"


def near_pareto(v, delta):
    """a or b within 2 delta of 1: a lenient reading of 'delta-Pareto' (within delta of a
    Pareto strategy)."""
    slack = 2 * Fraction(delta)
    return (v.p1("C") >= 1 - slack) | (v.p2("C") >= 1 - slack)


CLAIMS = []
for game in ("pd-a", "pd-b"):
    for tag, (eps, delta) in PARAMS.items():
        agent = lp(eps, delta)
        CLAIMS += [
            Claim(f"L1-{game}{tag}", "LP() will always reach delta-Pareto outcomes with Q()",
                  SOURCE, game, (agent, "any"), Always(lambda v, d=delta: near_pareto(v, d)),
                  expected="fails", sentence="L1",
                  note="LP only moves along delta-sure Pareto directions; where none is sure "
                       "it keeps its estimate"),
            Claim(f"L3-{game}{tag}", "if Q() is the defection rock, LP() must cooperate (to "
                  "within delta)", SOURCE, game, (agent, "defectbot"),
                  Always(lambda v, d=delta: v.p1("C") >= 1 - 2 * Fraction(d)),
                  expected="fails", sentence="L3"),
            Claim(f"L3-tight-{game}{tag}", "tight: LP's least cooperation against the defection "
                  "rock", SOURCE, game, (agent, "defectbot"), Extreme(lambda v: v.p1("C"), "min"),
                  sentence="L3", role="tight"),
        ]
    CLAIMS += [
        Claim(f"L1-tight-a-{game}", "tight: the least a among LP's fixed points with a >= b, "
              "against any opponent", SOURCE, game, (lp(), "any"),
              Extreme(lambda v: v.p1("C"), "min", subject_to=lambda v: v.p1("C") >= v.p2("C")),
              sentence="L1", role="tight"),
        Claim(f"L1-tight-b-{game}", "tight: the least b among LP's fixed points with b >= a, "
              "against any opponent (with the previous claim: the largest c such that every "
              "fixed point has a >= c or b >= c is the smaller of the two)", SOURCE, game,
              (lp(), "any"),
              Extreme(lambda v: v.p2("C"), "min", subject_to=lambda v: v.p2("C") >= v.p1("C")),
              sentence="L1", role="tight"),
        Claim(f"L2-{game}-low", "if Q() is the cooperation rock, p1 could be any mix of "
              "defect and cooperate", SOURCE, game, (lp(), "cooperatebot"),
              Extreme(lambda v: v.p1("C"), "min", value=0, attained=True), sentence="L2"),
        Claim(f"L2-{game}-high", "... (up to full cooperation)", SOURCE, game,
              (lp(), "cooperatebot"), Extreme(lambda v: v.p1("C"), "max", value=1, attained=True),
              sentence="L2"),
    ]
CLAIMS.append(Claim("L3-tight-pd-a-delta1/100", "tight: LP's least cooperation against the "
                    "defection rock at eps = 1/10, delta = 1/100", SOURCE, "pd-a",
                    (lp("1/10", "1/100"), "defectbot"), Extreme(lambda v: v.p1("C"), "min"),
                    sentence="L3", role="tight"))
