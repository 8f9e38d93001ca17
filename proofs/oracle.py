"""The reflective oracle itself: ties, exact sampling, existence."""

from verifier import Claim, Exists, NoFixedPoint, Unique

FAMILY = "The oracle (semantics; Fallenstein, Taylor, Christiano 2015)"
HALF = ("1/2", "1/2")
NELP = "nelp(eps=1/10,delta=1/1000)"

CLAIMS = [
    Claim("C1", "The liar L() = 1 - O(L, 1/2) has the unique fixed point P(L = 1) = 1/2, "
          "the oracle answering 1 with probability 1/2",
          "reflective oracles (Fallenstein, Taylor, Christiano 2015)", "pd-a", ("liar", "liar"),
          Unique((HALF, HALF))),
    Claim("C1-pure", "An encoding that forbids randomising at ties finds no fixed point for "
          "the liar", "encoder test", "pd-a", ("liar", "liar"), NoFixedPoint(),
          tie_randomization=False,
          note="this is why ties are three-valued: a deterministic oracle loses fixed points"),
    Claim("C2", "Exact sampling: draw u uniformly and output O(M, u); then P(output 1) = "
          "P(M = 1)", "post, 'outputting specific mixed strategies is possible'", "pd-a",
          ("nicerbot(eps=0)", "mixed(p=1/3)"), Unique((("1/3", "2/3"), ("1/3", "2/3"))),
          formal="the mirror (sample the opponent's P(C)) against a 1/3 cooperator plays 1/3",
          note="nicerbot(eps=0) cooperates by exact sampling of the opponent's P(C)"),
    Claim("C18-liar-nelp", "Every pair of halting agents has a fixed point: the liar vs neLP",
          "Fallenstein, Taylor, Christiano 2015", "pd-a", ("liar", NELP),
          Exists(lambda v: v.p1("C").eq(0) | (v.p1("C") > 0))),
    Claim("C18-br-nelp", "Every pair of halting agents has a fixed point: CDT vs neLP",
          "Fallenstein, Taylor, Christiano 2015", "pd-b", ("best-response", NELP),
          Exists(lambda v: v.p1("C").eq(0) | (v.p1("C") > 0))),
]
