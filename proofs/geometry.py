"""The geometry of the prisoner's dilemma behind LP and neLP (claims.md C13).

Two arbitrary players (``any`` vs ``any``) have every profile as a fixed point, so
"every fixed point satisfies phi" here means "every profile satisfies phi".
"""

from verifier import Always, Claim, Extreme

FAMILY = "Game geometry (claims.md C13)"
SOURCE = "post: 'there is always a possibility of Pareto improvement by increasing mutual cooperation'"
FREE = ("any", "any")


def pareto(v, o1, o2):
    return (v.gain(1, o1, o2) > 0) & (v.gain(2, o1, o2) > 0)


def geometry(game, threshold):
    return [
        Claim(f"C13-minmax-{game}", "min = 1, obtained by defecting (p1' = D)", "post", game,
              FREE, Extreme(lambda v: v.u1, "min", value=1, attained=True,
                            subject_to=lambda v: v.p1("D").eq(1)),
              formal="when player 1 defects its payoff is at least 1, and 1 is attained"),
        Claim(f"C13-only-CC-{game}", "(C, C) is the only direction that can be a Pareto "
              "improvement", SOURCE, game, FREE,
              Always(lambda v: ~pareto(v, "C", "D") & ~pareto(v, "D", "C") & ~pareto(v, "D", "D")),
              formal="no profile has D(p)(C,D), D(p)(D,C) or D(p)(D,D) improving both payoffs"),
        Claim(f"C13-whenever-{game}", "moving both toward C is a Pareto improvement whenever "
              "a, b < 1", SOURCE, game, FREE,
              Always(lambda v: ((v.p1("C") < 1) & (v.p2("C") < 1)).__invert__() | pareto(v, "C", "C")),
              expected="fails",
              formal="every profile with a, b < 1 has D(p)(C,C) improving both payoffs",
              note="false: once the other player cooperates enough, moving it toward C costs it "
                   "more than my cooperation gives"),
        Claim(f"C13-tight-{game}", f"corrected: moving both toward C is a Pareto improvement "
              f"whenever a, b < {threshold}, and {threshold} is the largest such bound", SOURCE,
              game, FREE, Extreme(lambda v: v.p1("C"), "min", value=threshold, attained=True,
                                  subject_to=lambda v: v.gain(2, "C", "C") <= 0),
              formal=f"the least a at which D(p)(C,C) fails to improve player 2's payoff is "
                     f"{threshold} (symmetrically for b)"),
    ]


CLAIMS = geometry("pd-a", "3/5") + geometry("pd-b", "1/2")
