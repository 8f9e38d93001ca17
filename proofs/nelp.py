"""neLP, the non-exploitable LP of the post.

    define neLP():
      O(p1, p2)
      let min be the minmax value, from strategy p1'
      if the value of (p1, p2) is delta-surely less than min: output p1'
      otherwise behave as LP
"""

from sympy import CRootOf, Symbol

from verifier import Always, Claim, Exists, Extreme

FAMILY = "neLP (the post)"
PARAMS = {"": ("1/10", "1/1000"), "-p2": ("1/20", "1/10000")}
x = Symbol("x")
# exact minima found by `rov bound ... --objective u1 --sense min` and certified below
RED_MIN = CRootOf(224360144000000000000 * x**2 - 445744866759352000000 * x
                  + 221394579822449968229, 0)
RAISED_MIN = CRootOf(224360144000000000000 * x**2 - 894285010759352000000 * x
                     + 891140536797125968229, 0)


# grid estimates keep neLP further from the red boundary: these exact minima are box values
GRID_DIFFERS = {"": "holds", "estimates=grid": "fails"}


def nelp(eps="1/10", delta="1/1000", floor=None):
    return f"nelp(eps={eps},delta={delta}" + ("" if floor is None else f",min={floor}") + ")"


CLAIMS = []
for game in ("pd-a", "pd-b"):
    for tag, (eps, delta) in PARAMS.items():
        CLAIMS += [
            Claim(f"N1-{game}{tag}", "tight: the most neLP cooperates against the defection "
                  "rock (the post: 'cooperation of order delta')", "post", game,
                  (nelp(eps, delta), "defectbot"), Extreme(lambda v: v.p1("C"), "max"),
                  sentence="N1", role="tight"),
            Claim(f"N2-{game}{tag}", "neLP against neLP has no fixed point where both payoffs "
                  "are below min = 1", "post: 'such a point does not exist'", game,
                  (nelp(eps, delta), nelp(eps, delta)),
                  Always(lambda v: (v.u1 >= 1) | (v.u2 >= 1)), sentence="N2"),
        ]
    CLAIMS += [
        Claim(f"N1-payoff-{game}", "tight: neLP's least payoff against the defection rock "
              "(the post: at least min minus order delta)", "post", game, (nelp(), "defectbot"),
              Extreme(lambda v: v.u1, "min"), sentence="N1", role="tight"),
        Claim(f"N3-cooperatebot-{game}", "neLP against the cooperation rock never gets less "
              "than min (the post: on the blue boundary)", "post", game, (nelp(), "cooperatebot"),
              Always(lambda v: v.u1 >= 1), sentence="N3"),
        Claim(f"N3-lp-{game}", "neLP against LP: neLP's payoff is at least min minus order "
              "delta (here: minus 10 delta)", "post", game, (nelp(), "lp(eps=1/10,delta=1/1000)"),
              Always(lambda v: v.u1 >= "99/100"), sentence="N3"),
    ]
CLAIMS += [
    Claim("N2-min-pd-a", "tight: neLP against neLP, player 1's least payoff is the smaller "
          "root of a quadratic, attained",
          "post (the red boundary)", "pd-a", (nelp(), nelp()),
          Extreme(lambda v: v.u1, "min", value=RED_MIN, attained=True), sentence="N2",
          expected=GRID_DIFFERS,
          role="tight",
          note="below min = 1 by about 6.8 delta: 'not delta-surely below min' is not 'at "
               "least min' (found by `rov bound`, certified here directly)"),
    Claim("N3-lp-min-pd-a", "tight: neLP's least payoff against LP is the same root, "
          "attained", "post", "pd-a", (nelp(), "lp(eps=1/10,delta=1/1000)"),
          Extreme(lambda v: v.u1, "min", value=RED_MIN, attained=True), sentence="N3",
          expected=GRID_DIFFERS,
          role="tight",
          note="the extreme fixed point is one where the opponent acts as LP anyway"),
    Claim("N4-lp", "raising min to 2: against LP every outcome gives neLP at least 2 minus "
          "order delta (here: minus 10 delta)", "post", "pd-a", (nelp(floor=2), "lp(eps=1/10,delta=1/1000)"),
          Always(lambda v: v.u1 >= "199/100"), sentence="N4"),
    Claim("N4-lp-min", "tight: with min = 2, neLP's least payoff against LP is the smaller "
          "root of a quadratic (about 1.992830), attained",
          "post", "pd-a", (nelp(floor=2), "lp(eps=1/10,delta=1/1000)"),
          Extreme(lambda v: v.u1, "min", value=RAISED_MIN, attained=True), sentence="N4",
          expected=GRID_DIFFERS,
          role="tight"),
    Claim("N4-cooperatebot", "raising min to 2: against the cooperation rock neLP gets at "
          "least 2",
          "post", "pd-a", (nelp(floor=2), "cooperatebot"), Always(lambda v: v.u1 >= 2),
          sentence="N4"),
    Claim("N4-self", "raising min to 2: against itself 'you both defect' becomes a possible "
          "oracle answer", "post", "pd-a", (nelp(floor=2), nelp(floor=2)),
          Exists(lambda v: v.p1("C").eq(0) & v.p2("C").eq(0)), sentence="N4"),
]
