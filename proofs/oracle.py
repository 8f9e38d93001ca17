"""The reflective oracle itself: ties, one probability per query, exact sampling, existence."""

from fractions import Fraction

from verifier import Agent, Always, Claim, Exists, If, Mix, NoFixedPoint, Query, Unique, prob

FAMILY = "The oracle (semantics; Fallenstein, Taylor, Christiano 2015)"
HALF = ("1/2", "1/2")
NELP = "nelp(eps=1/10,delta=1/1000)"


def coin_flip() -> Agent:
    """Flip a fair coin; on heads play C iff the oracle says "P2(C) > 1/2", on tails play C
    iff it says not. Both calls ask one query, so they share one tie probability q: the
    agent plays C with probability q/2 + (1 - q)/2 = 1/2 whatever q is."""
    def build(me):
        asks = Query(me.p_opp("C"), Fraction(1, 2))
        return Mix(prob(Fraction(1, 2)), If(asks, me.play("C"), me.play("D")),
                   If(asks, me.play("D"), me.play("C")))
    return Agent("coin-flip", build)


CLAIMS = [
    Claim("C1", "The liar L() = 1 - O(L, 1/2) has the unique fixed point P(L = 1) = 1/2, "
          "the oracle answering 1 with probability 1/2",
          "reflective oracles (Fallenstein, Taylor, Christiano 2015)", "pd-a", ("liar", "liar"),
          Unique((HALF, HALF)), sentence="C1"),
    Claim("C1-pure", "An encoding that forbids randomising at ties finds no fixed point for "
          "the liar", "encoder test", "pd-a", ("liar", "liar"), NoFixedPoint(),
          tie_randomization=False, sentence="C1", role="context",
          note="this is why a tie is answered with a probability q in [0, 1]: a deterministic "
               "oracle loses fixed points"),
    Claim("C1-one-q", "A query asked twice is one query: the coin-flip agent (C iff yes on "
          "heads, C iff no on tails) plays C with probability exactly 1/2 against a "
          "1/2-cooperator", "reflective oracles: one probability per query", "pd-a",
          (coin_flip(), "mixed(p=1/2)"), Always(lambda v: v.p1("C").eq("1/2")), sentence="C1",
          role="context",
          note="with a separate tie answer per call position every P1(C) would be a fixed "
               "point here; the oracle has one probability per query"),
    Claim("C1-one-q-unique", "... and that is its only fixed point", "reflective oracles",
          "pd-a", (coin_flip(), "mixed(p=1/2)"), Unique((HALF, HALF)), sentence="C1",
          role="context"),
    Claim("C2", "Exact sampling: draw u uniformly and output O(M, u); then P(output 1) = "
          "P(M = 1)", "post, 'outputting specific mixed strategies is possible'", "pd-a",
          ("nicerbot(eps=0)", "mixed(p=1/3)"), Unique((("1/3", "2/3"), ("1/3", "2/3"))),
          sentence="C2", note="nicerbot(eps=0) cooperates by exact sampling of the "
                              "opponent's P(C)"),
    Claim("C18-liar-nelp", "Every pair of halting agents has a fixed point: the liar vs neLP",
          "Fallenstein, Taylor, Christiano 2015", "pd-a", ("liar", NELP),
          Exists(lambda v: v.p1("C").eq(0) | (v.p1("C") > 0)), sentence="C18"),
    Claim("C18-br-nelp", "Every pair of halting agents has a fixed point: CDT vs neLP",
          "Fallenstein, Taylor, Christiano 2015", "pd-b", ("best-response", NELP),
          Exists(lambda v: v.p1("C").eq(0) | (v.p1("C") > 0)), sentence="C18"),
]
