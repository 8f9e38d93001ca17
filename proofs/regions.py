"""The lost figures: the green and yellow agents as region agents.

Polygons are in the plane (my payoff, the opponent's payoff), pd-a. Green allows
every outcome where I get at least min = 1 and at most 1 less than the opponent;
two greens face the kite |u1 - u2| <= 1, u1, u2 >= 1. Yellow is greedy: it allows
only outcomes where it gets at least 1/2 more than the opponent.
"""

from verifier import Always, Claim

FAMILY = "Region agents: green and yellow (post; shapes reconstructed)"
GREEN = "region(eps=1/10,delta=1/1000,polygon=(1,-1),(6,-1),(6,7),(1,2))"
YELLOW = "region(eps=1/10,delta=1/1000,polygon=(-1/2,-1),(7,-1),(7,13/2))"
FAIR = "region(eps=1/10,delta=1/1000,polygon=(-1,-1),(7,-1),(7,7))"
NARROW = "region(eps=1/10,delta=1/1000,polygon=(1,-1),(6,-1),(6,61/10),(1,11/10))"


def near_pareto_part(v):
    """Within 1/100 of the Pareto frontier, inside the kite's cooperation band."""
    return (((v.p1("C") >= "99/100") & (v.p2("C") >= "3/4"))
            | ((v.p2("C") >= "99/100") & (v.p1("C") >= "3/4")))


CLAIMS = [
    Claim("G1", "If such an agent faces a copy of itself, the outcome will be along the Pareto "
          "light green lines (the Pareto part of the kite)", "post (figure lost)", "pd-a",
          (GREEN, GREEN), Always(near_pareto_part),
          expected={"": "fails", "directions=cone,estimates=box": "holds"}, sentence="G1",
          note="at equal rates play stalls, as with LP, where moving both toward C stops "
               "paying one player; under the cone reading with box estimates it holds "
               "(Yices in the portfolio, 2.3 s; no certificate: Z3 answers unknown on the "
               "checker's obligation), with grid estimates it is undecided in 300 s"),
    Claim("G1-corrected", "corrected: every fixed point of two greens has u1 + u2 >= 5 (high "
          "in the kite; mutual cooperation pays 6)", "post", "pd-a",
          (GREEN, GREEN), Always(lambda v: v.u1 + v.u2 >= 5), sentence="G1", role="corrected"),
    Claim("G1-narrow", "corrected: for a narrow kite (green allowing the opponent at most 1/10 "
          "more), every fixed point has a or b at least 19/20", "post; shape found by search",
          "pd-a", (NARROW, NARROW),
          Always(lambda v: (v.p1("C") >= "19/20") | (v.p2("C") >= "19/20")), sentence="G1",
          role="corrected",
          note="the stall points of a band of half-width c reach down to a = 1 - 2c/5 "
               "(as delta -> 0, worked out by hand, not checked here): a kite shrunk toward (3, 3) "
               "makes G1 hold"),
    Claim("G1-narrow-no-defection", "... and two narrow greens never fall back to mutual "
          "defection", "post", "pd-a", (NARROW, NARROW),
          Always(lambda v: (v.p1("C") >= "1/2") & (v.p2("C") >= "1/2")), sentence="G1",
          role="context"),
    Claim("G2", "The green agent will cooperate with the yellow agent: the outcome will be "
          "the Pareto segment at the top of the overlap", "post (figure lost)", "pd-a",
          (GREEN, YELLOW),
          Always(lambda v: (v.p1("C") >= "99/100") & (v.p2("C") >= "3/4") & (v.p2("C") <= "19/20")),
          expected="fails", sentence="G2",
          note="while yellow defects, green hesitates at the edge of its region (neLP's order "
               "delta cooperation against DefectBot), and that is a fixed point; we expect no "
               "green shape with its floor at min = 1 to avoid it (not checked)"),
    Claim("G2-corrected", "corrected: every fixed point of green against yellow has u1 >= "
          "99/100 (green gets at least min - 1/100) and u2 >= u1 (yellow gets at least as much)", "post",
          "pd-a", (GREEN, YELLOW),
          Always(lambda v: (v.u1 >= "99/100") & (v.u2 >= v.u1)), sentence="G2",
          role="corrected"),
    Claim("G3", "two yellow agents will not be able to cooperate, and will mutually defect",
          "post", "pd-a", (YELLOW, YELLOW),
          Always(lambda v: (v.p1("C") <= "1/100") & (v.p2("C") <= "1/100")), sentence="G3"),
    Claim("G3-other-shape", "... but not for every greedy shape: for two agents allowing every "
          "outcome where they get at least as much, some fixed point has P1(C) or P2(C) above "
          "1/100", "post", "pd-a", (FAIR, FAIR),
          Always(lambda v: (v.p1("C") <= "1/100") & (v.p2("C") <= "1/100")), expected="fails",
          sentence="G3", role="context"),
]
