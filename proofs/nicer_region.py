"""'NicerBot is neLP with the allowable area being half of the output area (the half
delimited by CC, DD and DC)' (Stuart Armstrong, comment). Compared opponent by opponent."""

from verifier import Always, Claim, Extreme

FAMILY = "NicerBot as a region agent (comment by Stuart Armstrong)"
SENTENCE = "NicerBot-region"
SOURCE = "comment (Stuart Armstrong)"
NICER = "nicerbot(eps=1/10)"
# the triangle CC, DD, DC in the plane (my payoff, the opponent's payoff), pd-a
HALF_PLANE = "region(eps=1/10,delta=1/1000,polygon=(3,3),(1,1),(5,0))"

CLAIMS = [
    Claim("NR-defectbot-nicer", "NicerBot cooperates at most eps against DefectBot, and eps "
          "is attained", SOURCE, "pd-a", (NICER, "defectbot"),
          Extreme(lambda v: v.p1("C"), "max", value="1/10", attained=True), role="context"),
    Claim("NR-defectbot-region", "... and so would the region agent, if it were NicerBot",
          SOURCE, "pd-a", (HALF_PLANE, "defectbot"),
          Extreme(lambda v: v.p1("C"), "max", value="1/10"), expected="fails",
          note="the region agent falls back to D as soon as its payoff is delta-surely below "
               "the opponent's: its cooperation is of order delta, not eps"),
    Claim("NR-cooperatebot-nicer", "NicerBot cooperates fully with CooperateBot", SOURCE, "pd-a",
          (NICER, "cooperatebot"), Always(lambda v: v.p1("C").eq(1)), role="context"),
    Claim("NR-cooperatebot-region", "... and so would the region agent, if it were NicerBot",
          SOURCE, "pd-a", (HALF_PLANE, "cooperatebot"), Always(lambda v: v.p1("C").eq(1)),
          expected="fails",
          note="every outcome against CooperateBot lies in the region, so the agent acts as "
               "LP, which has fixed points at several cooperation rates (0, 1/2 and 1 are checked "
               "in L2)"),
    Claim("NR-self-nicer", "NicerBot against itself cooperates fully", SOURCE, "pd-a",
          (NICER, NICER), Always(lambda v: v.p1("C").eq(1) & v.p2("C").eq(1)), role="context"),
    Claim("NR-self-region", "... and player 1's region agent, against a copy, cooperates at "
          "least 9/10",
          SOURCE, "pd-a", (HALF_PLANE, HALF_PLANE), Always(lambda v: v.p1("C") >= "9/10"),
          role="context",
          note="the comment's identification is wrong as stated: the region agent is an "
               "LP-like agent with a different fallback, and its fixed points differ from "
               "NicerBot's against DefectBot and CooperateBot (above)"),
]
