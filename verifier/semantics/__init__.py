"""The semantics: the exact interpreter, written from the definitions (docs/semantics.md):
one reflective-oracle answer probability per distinct query, runs, outputs, fixed points.

May import: `verifier.model`, `verifier.errors`, the standard library and sympy. It is the
independent reference that every solver answer is re-checked against, so it imports no
encoding, no solver and no search.
"""
