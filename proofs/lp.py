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

from verifier import Always, Claim, Exists, Extreme

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
              "against any opponent", SOURCE, game, (lp(), "any"),
              Extreme(lambda v: v.p2("C"), "min", subject_to=lambda v: v.p2("C") >= v.p1("C")),
              sentence="L1", role="tight",
              note="with L1-tight-a: the largest c such that every fixed point has a >= c or "
                   "b >= c is the smaller of the two values"),
        Claim(f"L2-{game}-low", "if Q() is the cooperation rock, p1 could be any mix of "
              "defect and cooperate: pure defection is a fixed point (the least P1(C) is 0)",
              SOURCE, game, (lp(), "cooperatebot"),
              Extreme(lambda v: v.p1("C"), "min", value=0, attained=True), sentence="L2"),
        Claim(f"L2-{game}-mid", "... an even mix is one", SOURCE, game, (lp(), "cooperatebot"),
              Exists(lambda v: v.p1("C").eq("1/2")), sentence="L2"),
        Claim(f"L2-{game}-high", "... and so is full cooperation (the most P1(C) is 1)", SOURCE,
              game, (lp(), "cooperatebot"),
              Extreme(lambda v: v.p1("C"), "max", value=1, attained=True), sentence="L2"),
    ]
# the tight constants found by the tight claims above (docs/findings.md), as corrected sentences
L1_EQUAL = {"pd-a": Fraction(1197, 2000), "pd-b": Fraction(997, 2000)}
L3_EQUAL = {"pd-a": Fraction(599, 1000), "pd-b": Fraction(499, 1000)}
L3_CONE = Fraction(1991, 2000)  # 1 - (1 - eps) delta / (2 eps) at eps = 1/10, delta = 1/1000
for game in ("pd-a", "pd-b"):
    c, a = L1_EQUAL[game], L3_EQUAL[game]
    CLAIMS += [
        Claim(f"L1-corrected-{game}", f"corrected: against any opponent every fixed point of LP "
              f"has a >= {c} or b >= {c}", SOURCE, game, (lp(), "any"),
              Always(lambda v, c=c: (v.p1("C") >= c) | (v.p2("C") >= c)), sentence="L1",
              role="corrected",
              note="at equal rates this is tight (L1-tight-a, L1-tight-b); the bound is where "
                   "(C, C) stops being a delta-sure Pareto direction for the other player"),
        Claim(f"L3-corrected-{game}", f"corrected: against the defection rock every fixed "
              f"point of LP has a >= {a}", SOURCE, game, (lp(), "defectbot"),
              Always(lambda v, a=a: v.p1("C") >= a), sentence="L3", role="corrected"),
        Claim(f"L3-corrected-cone-{game}", f"corrected, cone of rates: against the defection "
              f"rock every fixed point of LP has a >= {L3_CONE} (the value of 1 - (1 - eps) delta "
              f"/ (2 eps) at eps = 1/10, delta = 1/1000)",
              SOURCE, game, (lp(), "defectbot"), Always(lambda v: v.p1("C") >= L3_CONE),
              expected={"": "fails", "directions=cone": "holds"}, sentence="L3",
              role="corrected"),
    ]
CLAIMS.append(Claim("L3-tight-pd-a-delta1/100", "tight: LP's least cooperation against the "
                    "defection rock at eps = 1/10, delta = 1/100", SOURCE, "pd-a",
                    (lp("1/10", "1/100"), "defectbot"), Extreme(lambda v: v.p1("C"), "min"),
                    sentence="L3", role="tight"))
