"""Claims for every prisoner's dilemma at once: the payoffs are symbols.

    pd(T,R,P,S)   with   T > R > P > S,  2R > T + S

The game's payoffs are parameters of the constraint system, like eps and delta: each
claim below is decided for every T, R, P, S (and eps, delta) in its region. The
security value "min" that LP and neLP compare with is then P, their security strategy D
(the saddle (D, D) of each player's payoffs, which every region here implies; a
certificate re-proves it). C9's condition is stated with its case split: which of
(R-P)/(T-P) and (2R-S-T)/(R-S) is the smaller depends on the sign of R + P - S - T.
One tight claim is on pd-b alone (PD-N2-depth-pd-b, how deep below P the red boundary
reaches): the floor P - 2 delta (T - S) for every dilemma (at eps = 1/10, delta = 1/1000)
was decided, but not certified. That every fixed point of neLP against neLP is
delta-Pareto (on the red boundary) fails in some dilemma under box estimates
(PD-N2-red-pareto); how far from the Pareto profiles a fixed point can be depends on the
reading (N2-red-far, N2-red-cone in nelp.py, on pd-a and pd-b at eps = 1/10,
delta = 1/1000).
"""

from fractions import Fraction as F

from verifier import Always, Claim, Extreme, Unique

FAMILY = "Every prisoner's dilemma (symbolic payoffs)"
SOURCE = "comment; Oesterheld 2019; claims.md C9"
GAME = "pd(T,R,P,S)"
PD = "T > R, R > P, P > S, 2*R > T + S"
NICER = "nicerbot(eps=e)"
NELP = "nelp(eps=e,delta=d)"
NELP_CONCRETE = "nelp(eps=1/10,delta=1/1000)"
SMALL = "0 < d <= e/100, e <= 1/10"  # the post's 1 >> eps >> delta > 0
# C9's two thresholds, multiplied out (T - P > 0 and R - S > 0 on every dilemma)
BELOW_PURE = "e*(T - P) <= R - P"  # eps <= (R-P)/(T-P)
BELOW_MIXED = "e*(R - S) <= 2*R - S - T"  # eps <= (2R-S-T)/(R-S)
# a deviation that earns more than R when only the second threshold is passed: it
# cooperates with probability y = (L - A)/(2L - A), where NicerBot's gain over R against a
# deviant cooperating with probability x is (1 - x)(A + (L - A) x), L = T + S - 2R +
# e(R - S) > 0 its slope at x = 1 and A = e(T - P) - (R - P) <= 0 its value at x = 0
L, A = "(T + S - 2*R + e*(R - S))", "(e*(T - P) - (R - P))"
Y = f"y*(2*{L} - {A}) = {L} - {A}"


def r(v):
    return v.sym("R")


CLAIMS = [
    Claim("PD-nicer-unique", "NicerBot against NicerBot cooperates: the unique fixed point is "
          "(C, C), for every eps in (0, 1], in every prisoner's dilemma", "comment (NicerBot)",
          GAME, (NICER, NICER), Unique(((1, 0), (1, 0))), assume=f"{PD}, 0 < e <= 1"),
    Claim("PD-nicer-defectbot", "NicerBot's payoff against DefectBot is eps*S + (1-eps)*P, "
          "in every prisoner's dilemma", "comment (NicerBot)", GAME, (NICER, "defectbot"),
          Always(lambda v: v.u1.eq(v.sym("e") * v.sym("S") + (1 - v.sym("e")) * v.sym("P"))),
          assume=f"{PD}, 0 <= e <= 1"),
    Claim("PD-C9-case-RP", "when R + P >= S + T: if eps <= (R-P)/(T-P), no deviation against "
          "NicerBot, pure or mixed, pays more than R", SOURCE, GAME, (NICER, "any"),
          Always(lambda v: v.u2 <= r(v)), assume=f"{PD}, R + P >= S + T, 0 < e, {BELOW_PURE}"),
    Claim("PD-C9-case-ST", "when R + P < S + T: if eps <= (2R-S-T)/(R-S), no deviation "
          "against NicerBot, pure or mixed, pays more than R", SOURCE, GAME, (NICER, "any"),
          Always(lambda v: v.u2 <= r(v)), assume=f"{PD}, R + P < S + T, 0 < e, {BELOW_MIXED}"),
    Claim("PD-C9-tight-pure", "conversely, if eps > (R-P)/(T-P), DefectBot earns more than R "
          "against NicerBot (whatever the sign of R + P - S - T)", SOURCE, GAME,
          (NICER, "defectbot"), Always(lambda v: v.u2 > r(v)),
          assume=f"{PD}, e <= 1, e*(T - P) > R - P"),
    Claim("PD-C9-tight-mixed", "and if eps > (2R-S-T)/(R-S) but eps <= (R-P)/(T-P) (only "
          "when R + P < S + T), the mixed deviation cooperating with probability "
          "y = (L - A)/(2L - A) earns more than R", SOURCE, GAME, (NICER, "mixed(p=y)"),
          Always(lambda v: v.u2 > r(v)),
          assume=f"{PD}, e <= 1, e*(R - S) > 2*R - S - T, {BELOW_PURE}, {Y}"),
    Claim("PD-C9-one-threshold", "the first threshold alone is not enough: with eps <= "
          "(R-P)/(T-P) but no case split, some deviation pays more than R", SOURCE, GAME,
          (NICER, "any"), Always(lambda v: v.u2 <= r(v)), expected="fails",
          assume=f"{PD}, 0 < e, {BELOW_PURE}",
          note="the counterexample has R + P < S + T, where (2R-S-T)/(R-S) is the smaller "
               "threshold"),
    Claim("PD-N3-cooperatebot", "neLP against the cooperation rock never gets less than min "
          "= P, for every 1 >> eps >> delta > 0 in every prisoner's dilemma", "post", GAME,
          (NELP, "cooperatebot"), Always(lambda v: v.u1 >= v.sym("P")), assume=f"{PD}, {SMALL}"),
    Claim("PD-N2-not-every", "neLP against neLP has no fixed point where both payoffs are "
          "below min: true on pd-a and pd-b for every 1 >> eps >> delta > 0 (P-N2), but not "
          "in every prisoner's dilemma", "post", GAME, (NELP, NELP),
          Always(lambda v: (v.u1 >= v.sym("P")) | (v.u2 >= v.sym("P"))), expected="fails",
          assume=f"{PD}, {SMALL}",
          note="the counterexample depends on the solver's run (one had R - P far "
               "below delta, another R - P near 1/2 and delta near 10^-7)"),
    Claim("PD-N2-where", "where N2 holds: in every prisoner's dilemma with S + T >= 2P, "
          "neLP against neLP has no fixed point where both payoffs are below min, for every "
          "1 >> eps >> delta > 0", "post", GAME, (NELP, NELP),
          Always(lambda v: (v.u1 >= v.sym("P")) | (v.u2 >= v.sym("P"))),
          assume=f"{PD}, {SMALL}, S + T >= 2*P",
          note="both cooperating with a small probability x pay each P + x(S + T - 2P) + "
               "O(x^2): below P exactly when S + T < 2P (PD-N2-below)"),
    Claim("PD-N2-below", "and where it does not: in some prisoner's dilemma with S + T < 2P "
          "it fails", "post", GAME, (NELP, NELP),
          Always(lambda v: (v.u1 >= v.sym("P")) | (v.u2 >= v.sym("P"))), expected="fails",
          assume=f"{PD}, {SMALL}, S + T < 2*P",
          note="a failure in some such dilemma, not in each: the counterexample depends on "
               "the solver's run"),
    Claim("PD-N2-red-pareto", "every fixed point of neLP against neLP lies on the red "
          "boundary, so it is delta-Pareto (one player cooperates with probability at least "
          "1 - 2 delta): false in some prisoner's dilemma for some 1 >> eps >> delta > 0, "
          "as on pd-a and pd-b at eps = 1/10, delta = 1/1000 (N2-red-pareto)",
          "post: 'every fixed point lies on the red boundary'", GAME, (NELP, NELP),
          Always(lambda v: (v.p1("C") >= 1 - 2 * v.sym("d")) |
                 (v.p2("C") >= 1 - 2 * v.sym("d"))),
          expected="fails", assume=f"{PD}, {SMALL}"),
    Claim("PD-N2-depth-pd-b", "how far below min the red boundary reaches: on pd-b, neLP "
          "against neLP (eps = 1/10, delta = 1/1000), player 1's least payoff is exactly "
          "P - (3/2) delta (T - S) = 1991/2000, attained (on pd-a it is about "
          "P - 1.363 delta (T - S): N2-min-pd-a)",
          "post (the red boundary)", "pd-b", (NELP_CONCRETE, NELP_CONCRETE),
          Extreme(lambda v: v.u1, "min", value="1991/2000", attained=True),
          note="P - 2 delta (T - S) was decided to be a floor of player 1's payoff in every "
               "prisoner's dilemma (in 7.8 s, 2026-12-03), but no certificate of it was found "
               "(14 min 47 s of search; on the checker's encoding Z3 answers unknown after "
               "120 s, cvc5 after 150 s, Yices gives no answer in 200 s), so the catalogue "
               "does not state it; with directions=cone this optimum is not decided within "
               "300 s"),
    Claim("PD-N1-floor", "against the defection rock neLP's payoff is min minus order delta: "
          "at least P - (8/5) delta (T - S), in every prisoner's dilemma (eps = 1/10, "
          "delta = 1/1000)", "post", GAME, (NELP_CONCRETE, "defectbot"),
          Always(lambda v: v.u1 >= v.sym("P") - F(8, 5000) * (v.sym("T") - v.sym("S"))),
          assume=PD,
          note="with eps and delta symbolic too (0 < d <= e/100, e <= 1/10) the bound was "
               "decided to hold (40 s, 2026-12-02), but both solvers answer unknown when the "
               "certificate re-decides it, so the catalogue states it at the usual values"),
    Claim("PD-N1-floor-not-3/2", "the constant is close to tight: P - (3/2) delta (T - S) is "
          "not a floor in every dilemma (on pd-a and pd-b it is one, attained on pd-b: "
          "P-N1-payoff-pd-a, P-N1-payoff-pd-b)", "post", GAME, (NELP_CONCRETE, "defectbot"),
          Always(lambda v: v.u1 >= v.sym("P") - F(3, 2000) * (v.sym("T") - v.sym("S"))),
          expected="fails", assume=PD),
    Claim("PD-N1-cooperation-not-small", "but neLP's cooperation against the defection rock is "
          "not of order delta in every dilemma: in some it cooperates for sure (and loses "
          "P - S, which is then of order delta (T - S))", "post", GAME,
          (NELP_CONCRETE, "defectbot"), Always(lambda v: v.p1("C") < 1), expected="fails",
          assume=PD),
    Claim("PD-N1-never-above", "against the defection rock neLP never gets more than min = P "
          "(it can only lose by cooperating)", "post", GAME, (NELP, "defectbot"),
          Always(lambda v: v.u1 <= v.sym("P")), assume=f"{PD}, {SMALL}"),
]

# the first prefix that matches names the sentence (PD-N2-red before PD-N2)
SENTENCES = {"PD-nicer": "NicerBot", "PD-C9": "C9", "PD-N3": "N3", "PD-N1": "N1",
             "PD-N2-red": "N2-red", "PD-N2": "N2"}
CONTEXT = ("PD-C9-one-threshold", "PD-N1-floor-not", "PD-N1-cooperation", "PD-N1-never",
           "PD-nicer-defectbot", "PD-N2-below")
TIGHT = ("PD-N2-depth",)
# N2 read in every dilemma is PD-N2-not-every (it fails); where it holds is the correction
CORRECTED = ("PD-N2-where",)
CLAIMS = [c.__class__(**{**c.__dict__,
                         "sentence": next(v for k, v in SENTENCES.items() if c.id.startswith(k)),
                         "role": "tight" if c.id.startswith(TIGHT) else
                         "corrected" if c.id.startswith(CORRECTED) else
                         "context" if c.id.startswith(CONTEXT) else "literal"})
          for c in CLAIMS]
