"""The encoding: agents compiled into constraint systems over rational probabilities
(`compiler`), their SMT-LIB text (`smtlib`), and the boundary to the solvers: Z3 (`smt`)
and Yices (`yices`, which `smt` asks first on nonlinear queries; docs/solving.md).

May import: `verifier.model`, `verifier.semantics`, `verifier.errors`; only `smt` imports
z3. The trusted checker rebuilds systems with `compiler` and `smtlib`, never with `smt` or
`yices`.
"""
