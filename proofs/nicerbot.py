"""NicerBot, the epsilon-grounded FairBot of the comments.

    def NicerBot(opponent):
        with probability epsilon: cooperate
        otherwise: cooperate with the same probability that the opponent does
"""

from verifier import Always, Claim, Extreme, Unique

FAMILY = "NicerBot (comment by Jessica Taylor; Oesterheld, Robust program equilibrium, 2019)"
SENTENCE = "NicerBot"
SOURCE = "comment; Oesterheld 2019"
C, D = (1, 0), (0, 1)


def nicer(eps):
    return f"nicerbot(eps={eps})"


def c5(game, eps):
    return Claim(f"C5-{game}-eps{eps}", "NicerBot(NicerBot) will always cooperate", SOURCE, game,
                 (nicer(eps), nicer(eps)), Unique((C, C)))


def c9(game, eps, expected, reward):
    return Claim(f"C9-{game}-eps{eps}", f"at eps = {eps}: (NicerBot, NicerBot) is a Nash "
                 f"equilibrium of the program game: no deviation, pure or mixed, pays the "
                 f"deviant more than R",
                 "Oesterheld 2019; claims.md C9", game, (nicer(eps), "any"),
                 Always(lambda v: v.u2 <= reward), expected=expected,
                 role="literal" if expected == "holds" else "context")


CLAIMS = [
    c5("pd-a", "1/10"), c5("pd-b", "1/10"), c5("pd-a", "1/20"), c5("pd-b", "1/20"),
    c5("pd-a", "1"),
    Claim("C5-eps0", "at eps = 0, (C, C) is not the only fixed point",
          SOURCE, "pd-a", (nicer(0), nicer(0)), Unique((C, C)), expected="fails", role="context",
          note="at eps = 0 both players mirror each other (every fixed point has a = b: "
               "C5-eps0-mirror)"),
    Claim("C5-eps0-mirror", "at eps = 0 every fixed point has a = b", SOURCE, "pd-a",
          (nicer(0), nicer(0)), Always(lambda v: v.p1("C").eq(v.p2("C"))), role="context"),
    Claim("C6-pd-a", "NicerBot(eps1) vs NicerBot(eps2) with eps1 + eps2 > 0: unique fixed "
          "point (1, 1)", SOURCE, "pd-a", (nicer("1/10"), nicer(0)), Unique((C, C))),
    Claim("C6-pd-b", "NicerBot(eps1) vs NicerBot(eps2) with eps1 + eps2 > 0: unique fixed "
          "point (1, 1)", SOURCE, "pd-b", (nicer("1/10"), nicer("1/20")), Unique((C, C))),
    Claim("C7-pd-a", "NicerBot(DefectBot) cooperates with probability eps", SOURCE, "pd-a",
          (nicer("1/10"), "defectbot"), Unique((("1/10", "9/10"), D))),
    Claim("C7-pd-b", "NicerBot(DefectBot) cooperates with probability eps", SOURCE, "pd-b",
          (nicer("1/20"), "defectbot"), Unique((("1/20", "19/20"), D))),
    Claim("C7-payoff", "NicerBot's payoff against DefectBot is eps*S + (1-eps)*P", SOURCE,
          "pd-a", (nicer("1/10"), "defectbot"), Always(lambda v: v.u1.eq("9/10"))),
    Claim("C8-pd-a", "NicerBot(CooperateBot) cooperates", SOURCE, "pd-a",
          (nicer("1/10"), "cooperatebot"), Unique((C, C))),
    Claim("C8-pd-b", "NicerBot(CooperateBot) cooperates", SOURCE, "pd-b",
          (nicer("1/20"), "cooperatebot"), Unique((C, C))),
    c9("pd-a", "1/3", "holds", 3),
    c9("pd-a", "2/5", "fails", 3),
    Claim("C9-pd-a-eps2/5-best-deviation", "at eps = 2/5 a deviation against NicerBot earns "
          "181/60 > R = 3 (the most any deviation earns, attained)", "claims.md C9", "pd-a",
          (nicer("2/5"), "any"),
          Extreme(lambda v: v.u2, "max", value="181/60", attained=True), role="context"),
    Claim("C9-pd-a-eps2/5-pure", "... though pure DefectBot does not profit", "claims.md C9",
          "pd-a", (nicer("2/5"), "defectbot"), Always(lambda v: v.u2 <= 3),
          role="context",
          note="checking pure deviations alone would wrongly certify the equilibrium"),
    c9("pd-b", "1/2", "holds", 2),
    c9("pd-b", "3/5", "fails", 2),
]
