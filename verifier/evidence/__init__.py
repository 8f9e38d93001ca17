"""The evidence writers: the search for Farkas refutations, solver agreement (Z3, cvc5 and
Yices on the same SMT-LIB text), and the assembly of certificates that the checker reads.

May import: every layer below the applications except `verifier.claims`; z3 and the other
solvers. What it writes is never trusted: `verifier.checker` re-verifies it.
"""
