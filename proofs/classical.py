"""CDT agents: their fixed points are exactly the Nash equilibria."""

from verifier import Always, Claim, Exists, Unique

FAMILY = "CDT agents and Nash equilibria (Fallenstein, Taylor, Christiano 2015)"
BR = ("best-response", "best-response")
D = (0, 1)
HALF = ("1/2", "1/2")
SOURCE = "Fallenstein, Taylor, Christiano 2015"


def at(v, a, b):
    """The profile where player 1 plays its first action w.p. a, player 2 w.p. b."""
    return v.p1(0).eq(a) & v.p2(0).eq(b)


def equilibria(*points):
    return lambda v: at(v, *points[0]) if len(points) == 1 else \
        at(v, *points[0]) | equilibria(*points[1:])(v)


CLAIMS = [
    Claim("C4-pd-a", "Two CDT agents in the prisoner's dilemma: the unique fixed point is "
          "mutual defection", SOURCE, "pd-a", BR, Unique((D, D))),
    Claim("C4-pd-b", "Two CDT agents in the prisoner's dilemma: the unique fixed point is "
          "mutual defection", SOURCE, "pd-b", BR, Unique((D, D))),
    Claim("C4-mp", "Two CDT agents in matching pennies play (1/2, 1/2)", SOURCE,
          "matching-pennies", BR, Unique((HALF, HALF))),
    Claim("C4-bos", "Two CDT agents in the battle of the sexes: exactly its three Nash "
          "equilibria", SOURCE, "battle-of-the-sexes", BR,
          Always(equilibria((1, 1), (0, 0), ("3/5", "2/5"))),
          formal="every fixed point is (O,O), (F,F) or (3/5 O, 2/5 O)"),
    Claim("C4-bos-mixed", "... and the mixed equilibrium is one", SOURCE, "battle-of-the-sexes",
          BR, Exists(lambda v: at(v, "3/5", "2/5"))),
    Claim("C4-stag", "Two CDT agents in the stag hunt: exactly its three Nash equilibria",
          SOURCE, "stag-hunt", BR, Always(equilibria((1, 1), (0, 0), ("3/4", "3/4"))),
          formal="every fixed point is (S,S), (H,H) or (3/4 S, 3/4 S)"),
    Claim("C4-chicken", "Two CDT agents in chicken: exactly its three Nash equilibria", SOURCE,
          "chicken", BR, Always(equilibria((1, 0), (0, 1), ("9/10", "9/10"))),
          formal="every fixed point is (Sw,St), (St,Sw) or (9/10 Sw, 9/10 Sw)"),
]
