"""The evidence writers: the search for Farkas and Positivstellensatz refutations with case
splits in `prove_unsat`, solver agreement (Z3, cvc5 and Yices on the same SMT-LIB text) in
`agreement`, and the assembly of certificates that the checker reads in `certificates`.

May import: the checker and the layers below it, z3 and the other solvers; never
`verifier.decision` (which imports it to write certificates), claims or applications.
What it writes is never trusted: `verifier.checker` re-verifies it.
"""
