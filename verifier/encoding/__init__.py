"""The encoding: agents compiled into constraint systems over rational probabilities
(`compiler`), their SMT-LIB text (`smtlib`), and the boundary to Z3 (`smt`).

May import: `verifier.model`, `verifier.semantics`, `verifier.errors`; only `smt` imports
z3. The trusted checker rebuilds systems with `compiler` and `smtlib`, never with `smt`.
"""
