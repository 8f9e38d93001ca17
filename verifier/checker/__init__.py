"""The trusted checker: everything `rov check` runs to re-verify a certificate, and
nothing that finds evidence. It trusts Python, `fractions`, sympy (exact algebraic numbers),
python-sat (propositional unsatisfiability), and the model, semantics and compiler layers
it rebuilds the problem with (docs/architecture.md, "The trusted base").

May import: `verifier.model`, `verifier.semantics`, `verifier.encoding.compiler`,
`verifier.encoding.smtlib`, `verifier.errors`. Never z3, cvc5, Yices, a decision
procedure, an evidence writer, claims or applications (enforced by tests/test_layers.py).
"""
