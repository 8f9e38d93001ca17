"""Core claims: the oracle, CDT agents, NicerBot, and the post's neLP headline.

Each claim sets a sentence of the post (or its comments and the papers they
cite) beside its formal version. Parameters: eps = 1/10, delta = 1/1000 unless
stated. The full catalogue grows from here (claims.md in the references).
"""

from fractions import Fraction

from verifier import Always, Claim, Extreme, NoFixedPoint, Unique

NELP = "nelp(eps=1/10,delta=1/1000)"
LP = "lp(eps=1/10,delta=1/1000)"
NICER = "nicerbot(eps=1/10)"
C, D = (1, 0), (0, 1)
HALF = ("1/2", "1/2")

CLAIMS = [
    Claim("C1", "L() = 1 - O(L, 1/2) has the unique fixed point P(L = 1) = 1/2",
          "semantics of reflective oracles (Fallenstein, Taylor, Christiano 2015)",
          "pd-a", ("liar", "liar"), Unique((HALF, HALF))),
    Claim("C1-pure", "an oracle that may not randomise at ties has no fixed point for the liar",
          "encoder test: ties must be three-valued", "pd-a", ("liar", "liar"),
          NoFixedPoint(), tie_randomization=False),
    Claim("C4-pd-a", "two CDT agents play the Nash equilibrium: mutual defection",
          "Fallenstein, Taylor, Christiano 2015", "pd-a",
          ("best-response", "best-response"), Unique((D, D))),
    Claim("C4-pd-b", "two CDT agents play the Nash equilibrium: mutual defection",
          "Fallenstein, Taylor, Christiano 2015", "pd-b",
          ("best-response", "best-response"), Unique((D, D))),
    Claim("C4-mp", "two CDT agents in matching pennies play (1/2, 1/2)",
          "Fallenstein, Taylor, Christiano 2015", "matching-pennies",
          ("best-response", "best-response"), Unique((HALF, HALF))),
    Claim("C5-pd-a", "NicerBot(NicerBot) will always cooperate",
          "comment (Jessica Taylor); Oesterheld, Robust program equilibrium (2019)",
          "pd-a", (NICER, NICER), Unique((C, C))),
    Claim("C5-pd-b", "NicerBot(NicerBot) will always cooperate",
          "comment (Jessica Taylor); Oesterheld 2019", "pd-b", (NICER, NICER),
          Unique((C, C))),
    Claim("C7", "NicerBot(DefectBot) cooperates with probability eps",
          "comment (Jessica Taylor)", "pd-a", (NICER, "defectbot"),
          Unique((("1/10", "9/10"), D))),
    Claim("C8", "NicerBot(CooperateBot) cooperates", "comment", "pd-a",
          (NICER, "cooperatebot"), Unique((C, C))),
    Claim("N2-pd-a", "neLP against neLP has no fixed point where both payoffs are below min = 1",
          "post: 'such a point does not exist in the prisoner's dilemma outcome space'",
          "pd-a", (NELP, NELP), Always(lambda v: (v.u1 >= 1) | (v.u2 >= 1)),
          formal="every fixed point has u1 >= 1 or u2 >= 1"),
    Claim("N2-pd-b", "neLP against neLP has no fixed point where both payoffs are below min = 1",
          "post", "pd-b", (NELP, NELP), Always(lambda v: (v.u1 >= 1) | (v.u2 >= 1)),
          formal="every fixed point has u1 >= 1 or u2 >= 1"),
    Claim("N2-min-pd-a", "neLP's payoff against neLP is at least min - O(delta): the tight value",
          "post (red boundary)", "pd-a", (NELP, NELP), Extreme(lambda v: v.u1, "min"),
          formal="exact minimum of u1 over the fixed points"),
    Claim("N1-pd-a", "against DefectBot neLP cooperates with probability of order delta",
          "post: 'resulting in cooperation of order delta'", "pd-a", (NELP, "defectbot"),
          Extreme(lambda v: v.p1("C"), "max", value="30009/4006000", attained=True),
          formal="max P1(C) over the fixed points = 30009/4006000 (about 7.49 delta), attained"),
    Claim("L3-literal", "against DefectBot LP must cooperate (to within delta)",
          "post", "pd-a", (LP, "defectbot"),
          Always(lambda v: v.p1("C") >= Fraction(998, 1000)),
          expected="fails",
          formal="every fixed point has P1(C) >= 1 - 2 delta",
          note="LP stops moving toward C once C is no longer a delta-sure Pareto direction for "
               "the opponent; see the counterexample"),
]
