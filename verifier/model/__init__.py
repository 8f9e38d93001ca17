"""The model: exact numbers, polynomials and formulas, parameters and regions, games, the
readings of the post's words, the agent language and the library of the post's agents.

May import: the standard library, sympy, `verifier.errors`, and (for Gambit game files
only) pygambit. Imports nothing else of `verifier`: every other layer stands on this one.
"""
