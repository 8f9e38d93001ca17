"""neLP, the non-exploitable LP of the post.

    define neLP():
      O(p1, p2)
      let min be the minmax value, from strategy p1'
      if the value of (p1, p2) is delta-surely less than min: output p1'
      otherwise behave as LP
"""

from fractions import Fraction as F

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
# verdicts that differ between equal rates and the cone of rates (docs/semantics.md, Readings)
CONE_DIFFERS = {"": "holds", "directions=cone": "fails"}
CONE_HOLDS = {"": "fails", "directions=cone": "holds"}
CONE_GRID_HOLDS = {"": "fails", "directions=cone,estimates=grid": "holds"}


def within_c_delta(v, c):
    """The formula 'P1(C) >= 1 - c delta or P2(C) >= 1 - c delta' over a claim's fixed-point
    view ``v``, at delta = 1/1000 (the claims below): within c delta of the Pareto profiles
    {a = 1 or b = 1} (claims.md C13)."""
    return (v.p1("C") >= 1 - F(c, 1000)) | (v.p2("C") >= 1 - F(c, 1000))


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
        Claim(f"N2-red-pareto-{game}", "every fixed point lies on the red boundary, so it is "
              "delta-Pareto: one player cooperates with probability at least 1 - 2 delta",
              "post: 'every fixed point lies on the red boundary'", game, (nelp(), nelp()),
              Always(lambda v: within_c_delta(v, 2)), expected="fails", sentence="N2-red",
              note="false under every reading (at eps = 1/10, delta = 1/1000); how far from "
                   "the Pareto profiles (a = 1 or b = 1) a fixed point can be depends on how "
                   "D weighs the two moves: N2-red-far, N2-red-cone"),
        Claim(f"N2-red-far-{game}", "at equal rates some fixed point is far from the Pareto "
              "profiles: both players cooperate with probability at most 9/10", "post",
              game, (nelp(), nelp()),
              Exists(lambda v: (v.p1("C") <= F(9, 10)) & (v.p2("C") <= F(9, 10))),
              expected=CONE_DIFFERS, sentence="N2-red", role="context",
              note="under the cone reading there is no such point (N2-red-cone)"),
        Claim(f"N2-red-cone-{game}", "corrected (the cone reading): every fixed point is "
              "within 10 delta (delta/eps at eps = 1/10) of the Pareto profiles: one player "
              "cooperates with probability at least 1 - 10 delta", "post", game, (nelp(), nelp()),
              Always(lambda v: within_c_delta(v, 10)), expected=CONE_HOLDS, sentence="N2-red",
              role="corrected",
              note="at equal rates it fails (N2-red-far); whether 5 delta suffices: N2-red-cone-5"),
        Claim(f"N2-red-cone-5-{game}", "closer: every fixed point has one player "
              "cooperating with probability at least 1 - 5 delta", "post",
              game, (nelp(), nelp()), Always(lambda v: within_c_delta(v, 5)),
              expected=CONE_GRID_HOLDS if game == "pd-a" else CONE_HOLDS, sentence="N2-red",
              role="context", note="on pd-a it holds only under the cone reading with grid "
                                   "estimates, on pd-b under the cone reading: the distance "
                                   "depends on the game and the estimates"),
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
