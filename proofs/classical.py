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


def cdt(id, statement, game, check):
    return Claim(id, statement, SOURCE, game, BR, check, sentence="C4")


CLAIMS = [
    cdt("C4-pd-a", "Two CDT agents in the prisoner's dilemma: the unique fixed point is "
        "mutual defection", "pd-a", Unique((D, D))),
    cdt("C4-pd-b", "Two CDT agents in the prisoner's dilemma: the unique fixed point is "
        "mutual defection", "pd-b", Unique((D, D))),
    cdt("C4-mp", "Two CDT agents in matching pennies play (1/2, 1/2)", "matching-pennies",
        Unique((HALF, HALF))),
    cdt("C4-bos", "Two CDT agents in the battle of the sexes: every fixed point is one of its "
        "three Nash equilibria", "battle-of-the-sexes",
        Always(equilibria((1, 1), (0, 0), ("3/5", "2/5")))),
    cdt("C4-bos-mixed", "... and the mixed equilibrium is one", "battle-of-the-sexes",
        Exists(lambda v: at(v, "3/5", "2/5"))),
    cdt("C4-stag", "Two CDT agents in the stag hunt: every fixed point is one of its three "
        "Nash equilibria", "stag-hunt", Always(equilibria((1, 1), (0, 0), ("3/4", "3/4")))),
    cdt("C4-chicken", "Two CDT agents in chicken: every fixed point is one of its three Nash "
        "equilibria", "chicken", Always(equilibria((1, 0), (0, 1), ("9/10", "9/10")))),
]
