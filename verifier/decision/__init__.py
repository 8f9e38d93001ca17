"""The decision procedures: fixed points of a pair of programs, their enumeration,
optimisation of a payoff over them, families of fixed points over a parameter region, and
Nash equilibria of best-response pairs; `jobs` runs them in bounded worker processes.

May import: `verifier.model`, `verifier.semantics`, `verifier.encoding`, `verifier.checker`
(to re-check what it found) and `verifier.evidence` (to assemble certificates), z3, sympy.
"""
