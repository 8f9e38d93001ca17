"""The trusted checker: everything `rov check` runs to re-verify a certificate, and
nothing that finds evidence. `check` runs the check into a report; `obligations` derives
what a verdict rests on; `kinds` checks each kind of evidence (the table `CHECKS`);
`format`, `codec` decode; `farkas`, `bases`, `families` are the exact checks of lemmas,
basis lists and families. The writer is `verifier.evidence.certificates`.

It trusts Python, `fractions`, sympy (exact algebraic numbers), python-sat (propositional
unsatisfiability), and the model, semantics and compiler layers it rebuilds the problem
with (docs/architecture.md, "The trusted base"; docs/certificates.md, "What the checker
trusts").

May import: `verifier.model`, `verifier.semantics`, `verifier.encoding.compiler`,
`verifier.encoding.smtlib`, `verifier.errors`. Never z3, cvc5, Yices, a decision
procedure, an evidence writer, claims or applications (import-linter contracts in
pyproject.toml, run by tests/test_layers.py).
"""
