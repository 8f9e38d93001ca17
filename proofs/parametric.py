"""The post's claims for all eps and delta at once: symbolic parameters over a region.

    1 >> eps >> delta > 0   is read as   0 < d <= e/100, e <= 1/10

Each claim below is decided for every (e, d) in its region at once, the
parameters being variables of the constraint system. Extremes are exact
formulas in the parameters, proven to bound every fixed point and to be
reached by a fixed point written in the parameters, for every parameter.
"""

from dataclasses import replace

from verifier import Always, Claim, Exists, Extreme, Unique

FAMILY = "Parametric: every eps and delta at once"
REGION = "0 < d <= e/100, e <= 1/10"  # the post's 1 >> eps >> delta > 0
NELP, LP = "nelp(eps=e,delta=d)", "lp(eps=e,delta=d)"
# the red boundary: neLP's lowest payoff against neLP (and LP) is the smaller root of
# (7 + 6d)(4 + 3d) x^2 + (324d^4 + 1620d^3 + 2565d^2 + 1125d - 224)/4 x
#   + (1458d^6 + 10935d^5 + 29889d^4 + 33615d^3 + 9126d^2 - 5220d + 448)/16,
# found from exact minima at nine values of d (`rov bound`, sympy interpolation) and
# proven below for the whole region; eps does not enter
RED = ("root(16*(7 + 6*d)*(4 + 3*d)*x^2 + 4*(324*d^4 + 1620*d^3 + 2565*d^2 + 1125*d - 224)*x"
       " + 1458*d^6 + 10935*d^5 + 29889*d^4 + 33615*d^3 + 9126*d^2 - 5220*d + 448, smaller)")

CLAIMS = [
    Claim("P-nicer-unique", "NicerBot against itself cooperates: the unique fixed point is "
          "(C, C), for every eps in (0, 1]", "comment (NicerBot)", "pd-a",
          ("nicerbot(eps=e)", "nicerbot(eps=e)"), Unique(((1, 0), (1, 0))), assume="0 < e <= 1"),
    Claim("P-nicer-unique-pd-b", "the same on the second prisoner's dilemma", "comment (NicerBot)",
          "pd-b", ("nicerbot(eps=e)", "nicerbot(eps=e)"), Unique(((1, 0), (1, 0))),
          assume="0 < e <= 1"),
    Claim("P-nicer-eps0", "at eps = 0 NicerBot is FairBot: (C, C) is no longer the only fixed "
          "point", "comment (NicerBot)", "pd-a", ("nicerbot(eps=e)", "nicerbot(eps=e)"),
          Unique(((1, 0), (1, 0))), expected="fails", assume="e = 0",
          note="the counterexample is mutual defection at e = 0"),
    Claim("P-nicer-closed", "including eps = 0, uniqueness fails", "comment (NicerBot)", "pd-a",
          ("nicerbot(eps=e)", "nicerbot(eps=e)"), Unique(((1, 0), (1, 0))), expected="fails",
          assume="0 <= e <= 1"),
    Claim("P-nicer-defectbot", "NicerBot against DefectBot cooperates exactly with probability "
          "eps", "comment (NicerBot)", "pd-a", ("nicerbot(eps=e)", "defectbot"),
          Always(lambda v: v.p1("C").eq(v.sym("e"))), assume="0 < e <= 1"),
    Claim("P-nicer-defectbot-exists", "... and such a fixed point exists for every eps",
          "comment (NicerBot)", "pd-a", ("nicerbot(eps=e)", "defectbot"),
          Exists(lambda v: v.p1("C").eq(v.sym("e"))), assume="0 < e <= 1"),
    Claim("P-nicer-cooperatebot", "NicerBot against CooperateBot cooperates",
          "comment (NicerBot)", "pd-a", ("nicerbot(eps=e)", "cooperatebot"),
          Always(lambda v: v.p1("C").eq(1)), assume="0 <= e <= 1"),
]
for game in ("pd-a", "pd-b"):
    CLAIMS += [
        Claim(f"P-N2-{game}", "neLP against neLP has no fixed point where both payoffs are "
              "below min = 1, for every 1 >> eps >> delta > 0", "post", game, (NELP, NELP),
              Always(lambda v: (v.u1 >= 1) | (v.u2 >= 1)), assume=REGION),
        Claim(f"P-N3-cooperatebot-{game}", "neLP against the cooperation rock never gets less "
              "than min", "post", game, (NELP, "cooperatebot"), Always(lambda v: v.u1 >= 1),
              assume=REGION),
        Claim(f"P-N2-below-{game}", "but neLP against neLP is not always at min or above: "
              "'not delta-surely below min' is not 'not below min'", "post", game,
              (NELP, NELP), Always(lambda v: v.u1 >= 1), expected="fails", assume=REGION),
        Claim(f"P-lp-exploited-{game}", "LP against the defection rock can be exploited "
              "completely: it may cooperate for sure, for every parameter", "post", game,
              (LP, "defectbot"), Exists(lambda v: v.p1("C").eq(1)), assume=REGION),
    ]
CLAIMS += [
    Claim("P-N1-pd-a", "against the defection rock neLP cooperates with probability of order "
          "delta: the most it cooperates is exactly 3d(10 + 3d)/(4 + 6d), attained, whatever eps", "post", "pd-a",
          (NELP, "defectbot"), Extreme(lambda v: v.p1("C"), "max",
                                       value="3*d*(10 + 3*d)/(4 + 6*d)"), assume=REGION),
    Claim("P-N1-payoff-pd-a", "against the defection rock neLP's payoff is min minus order "
          "delta: its least payoff is exactly 1 - 3d(10 + 3d)/(4 + 6d), attained", "post", "pd-a", (NELP, "defectbot"),
          Extreme(lambda v: v.u1, "min", value="1 - 3*d*(10 + 3*d)/(4 + 6*d)"), assume=REGION),
    Claim("P-N1-pd-b", "on the second dilemma the most neLP cooperates against the defection "
          "rock is exactly 9d/2, attained", "post", "pd-b", (NELP, "defectbot"),
          Extreme(lambda v: v.p1("C"), "max", value="9*d/2"), assume=REGION),
    Claim("P-N1-payoff-pd-b", "... and its least payoff exactly 1 - 9d/2, attained", "post", "pd-b",
          (NELP, "defectbot"), Extreme(lambda v: v.u1, "min", value="1 - 9*d/2"),
          assume=REGION),
    Claim("P-N1-not-4d-pd-b", "4d is not the exact maximum of that cooperation over the region", "post", "pd-b", (NELP, "defectbot"),
          Extreme(lambda v: v.p1("C"), "max", value="4*d"), expected="fails", assume=REGION),
]
CLAIMS += [
    Claim("P-N2-min-pd-a", "neLP against neLP: player 1's least payoff is the smaller root x of a "
          "quadratic in x whose coefficients are polynomials in delta, attained for every "
          "parameter",
          "post (the red boundary)", "pd-a", (NELP, NELP),
          Extreme(lambda v: v.u1, "min", value=RED), assume=REGION),
    Claim("P-N3-lp-min-pd-a", "neLP against LP: the same tight lower bound on neLP's payoff",
          "post (the red boundary)", "pd-a", (NELP, LP),
          Extreme(lambda v: v.u1, "min", value=RED), assume=REGION),
]

# the sentence of the post each claim is about, and its role there (see verifier.claims.claims.Claim)
SENTENCES = {"P-nicer": "NicerBot", "P-N1": "N1", "P-N2": "N2", "P-N3": "N3", "P-lp": "L3"}
CONTEXT = ("P-nicer-eps0", "P-nicer-closed", "P-N2-below", "P-lp-exploited", "P-N1-not-4d")
TIGHT = ("P-N2-min", "P-N3-lp-min")
CLAIMS = [replace(c, sentence=next(v for k, v in SENTENCES.items() if c.id.startswith(k)),
                  role="context" if c.id.startswith(CONTEXT) else
                  "tight" if c.id.startswith(TIGHT) else "literal") for c in CLAIMS]
